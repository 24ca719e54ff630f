
SELECT region, silo, cell, microservice_name,
    intDiv(time, 3600000) * 3600000 AS hour,
    count(cpu_user) AS num_cpu_user_samples,
    round(avg(cpu_user), 2) AS avg_cpu_user,
    round(max(cpu_user), 2) AS max_cpu_user,
    count(memory_used) AS num_memory_used_samples,
    round(avg(memory_used), 2) AS avg_memory_used,
    round(max(memory_used), 2) AS max_memory_used
FROM "{table}"
WHERE time BETWEEN {end} - 10800000 AND {end}
    AND measure_name = 'metrics'
    AND microservice_name = '{microservice_name}'
GROUP BY region, silo, cell, microservice_name, hour
ORDER BY region, silo, cell, microservice_name, hour DESC
