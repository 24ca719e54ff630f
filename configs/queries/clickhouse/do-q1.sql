
SELECT region, cell, silo, availability_zone, microservice_name,
    intDiv(time, 60000) * 60000 AS time_bin,
    uniqExact(instance_name) AS num_hosts,
    round(avg(measure_value_double), 2) AS avg_value,
    round(quantile(0.9)(measure_value_double), 2) AS p90_value,
    round(quantile(0.95)(measure_value_double), 2) AS p95_value,
    round(quantile(0.99)(measure_value_double), 2) AS p99_value
FROM "{table}"
WHERE time BETWEEN {end} - 3600000 AND {end}
    AND measure_name = '{measure}'
    AND region = '{region}' AND cell = '{cell}'
    AND silo = '{silo}' AND availability_zone = '{availability_zone}'
    AND microservice_name = '{microservice_name}'
GROUP BY region, cell, silo, availability_zone, microservice_name,
    time_bin
ORDER BY p99_value DESC
