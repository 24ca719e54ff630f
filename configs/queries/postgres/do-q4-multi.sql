
SELECT region, silo, cell, microservice_name,
    (time / 3600000) * 3600000 AS hour,
    COUNT(cpu_user) AS num_cpu_user_samples,
    ROUND(AVG(cpu_user)::numeric, 2) AS avg_cpu_user,
    ROUND(MAX(cpu_user)::numeric, 2) AS max_cpu_user,
    COUNT(memory_used) AS num_memory_used_samples,
    ROUND(AVG(memory_used)::numeric, 2) AS avg_memory_used,
    ROUND(MAX(memory_used)::numeric, 2) AS max_memory_used
FROM "{table}"
WHERE time BETWEEN {end} - 10800000 AND {end}
    AND measure_name = 'metrics'
    AND microservice_name = '{microservice_name}'
GROUP BY region, silo, cell, microservice_name, (time / 3600000) * 3600000
ORDER BY region, silo, cell, microservice_name, hour DESC
