
SELECT region, silo, cell, microservice_name, BIN(time, 1h) AS hour,
    COUNT(cpu_user) AS num_cpu_user_samples,
    ROUND(AVG(cpu_user), 2) AS avg_cpu_user,
    ROUND(MAX(cpu_user), 2) AS max_cpu_user,
    COUNT(memory_used) AS num_memory_used_samples,
    ROUND(AVG(memory_used), 2) AS avg_memory_used,
    ROUND(MAX(memory_used), 2) AS max_memory_used
FROM {db}.{table}
WHERE time BETWEEN {end} - 3h AND {end}
    AND measure_name = 'metrics'
    AND microservice_name = '{microservice_name}'
GROUP BY silo, cell, region, microservice_name, BIN(time, 1h)
ORDER BY region, silo, cell, microservice_name, hour DESC
