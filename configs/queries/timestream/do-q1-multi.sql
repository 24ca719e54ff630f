
SELECT region, cell, silo, availability_zone, microservice_name,
    BIN(time, 1m) AS time_bin,
    COUNT(DISTINCT instance_name) AS num_hosts,
    ROUND(AVG({measure}), 2) AS avg_value,
    ROUND(APPROX_PERCENTILE({measure}, 0.9), 2) AS p90_value,
    ROUND(APPROX_PERCENTILE({measure}, 0.95), 2) AS p95_value,
    ROUND(APPROX_PERCENTILE({measure}, 0.99), 2) AS p99_value
FROM {db}.{table}
WHERE time BETWEEN {end} - 1h AND {end}
    AND measure_name = 'metrics'
    AND region = '{region}' AND cell = '{cell}'
    AND silo = '{silo}' AND availability_zone = '{availability_zone}'
    AND microservice_name = '{microservice_name}'
GROUP BY region, cell, silo, availability_zone, microservice_name, BIN(time, 1m)
ORDER BY p99_value DESC
