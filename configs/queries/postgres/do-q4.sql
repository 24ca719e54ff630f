
SELECT region, silo, cell, microservice_name,
    (time / 3600000) * 3600000 AS hour,
    COUNT(CASE measure_name WHEN 'cpu_user' THEN measure_value_double END)
        AS num_cpu_user_samples,
    ROUND(AVG(CASE measure_name WHEN 'cpu_user'
        THEN measure_value_double END)::numeric, 2) AS avg_cpu_user,
    ROUND(MAX(CASE measure_name WHEN 'cpu_user'
        THEN measure_value_double END)::numeric, 2) AS max_cpu_user,
    COUNT(CASE measure_name WHEN 'memory_used' THEN measure_value_double END)
        AS num_memory_used_samples,
    ROUND(AVG(CASE measure_name WHEN 'memory_used'
        THEN measure_value_double END)::numeric, 2) AS avg_memory_used,
    ROUND(MAX(CASE measure_name WHEN 'memory_used'
        THEN measure_value_double END)::numeric, 2) AS max_memory_used
FROM "{table}"
WHERE time BETWEEN {end} - 10800000 AND {end}
    AND measure_name IN ('cpu_user', 'memory_used')
    AND microservice_name = '{microservice_name}'
GROUP BY region, silo, cell, microservice_name, (time / 3600000) * 3600000
ORDER BY region, silo, cell, microservice_name, hour DESC
