
SELECT region, silo, cell, microservice_name, BIN(time, 1h) AS hour,
    COUNT(CASE WHEN measure_name = 'cpu_user' THEN measure_value::double ELSE NULL END) AS num_cpu_user_samples,
    ROUND(AVG(CASE WHEN measure_name = 'cpu_user' THEN measure_value::double ELSE NULL END), 2) AS avg_cpu_user,
    ROUND(MAX(CASE WHEN measure_name = 'cpu_user' THEN measure_value::double ELSE NULL END), 2) AS max_cpu_user,
    COUNT(CASE WHEN measure_name = 'memory_used' THEN measure_value::double ELSE NULL END) AS num_memory_used_samples,
    ROUND(AVG(CASE WHEN measure_name = 'memory_used' THEN measure_value::double ELSE NULL END), 2) AS avg_memory_used,
    ROUND(MAX(CASE WHEN measure_name = 'memory_used' THEN measure_value::double ELSE NULL END), 2) AS max_memory_used
FROM {db}.{table}
WHERE time BETWEEN {end} - 3h AND {end}
    AND measure_name IN (
        'cpu_user', 'memory_used'
    )
    AND microservice_name = '{microservice_name}'
GROUP BY silo, cell, region, microservice_name, BIN(time, 1h)
ORDER BY region, silo, cell, microservice_name, hour DESC
