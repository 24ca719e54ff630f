
SELECT region, cell, silo, availability_zone, microservice_name,
    (time / 60000) * 60000 AS time_bin,
    COUNT(DISTINCT instance_name) AS num_hosts,
    ROUND(AVG({measure})::numeric, 2) AS avg_value,
    ROUND((percentile_cont(0.9) WITHIN GROUP
        (ORDER BY {measure}))::numeric, 2) AS p90_value,
    ROUND((percentile_cont(0.95) WITHIN GROUP
        (ORDER BY {measure}))::numeric, 2) AS p95_value,
    ROUND((percentile_cont(0.99) WITHIN GROUP
        (ORDER BY {measure}))::numeric, 2) AS p99_value
FROM "{table}"
WHERE time BETWEEN {end} - 3600000 AND {end}
    AND measure_name = 'metrics'
    AND region = '{region}' AND cell = '{cell}'
    AND silo = '{silo}' AND availability_zone = '{availability_zone}'
    AND microservice_name = '{microservice_name}'
GROUP BY region, cell, silo, availability_zone, microservice_name,
    (time / 60000) * 60000
ORDER BY p99_value DESC
