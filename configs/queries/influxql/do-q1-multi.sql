
SELECT count(distinct(instance_name)) AS num_hosts,
    mean({measure}) AS avg_value,
    percentile({measure}, 90) AS p90_value,
    percentile({measure}, 95) AS p95_value,
    percentile({measure}, 99) AS p99_value
FROM (
    SELECT {measure}, instance_name
    FROM metrics
    WHERE time >= {end} - 1h AND time <= {end}
        AND region = '{region}' AND cell = '{cell}'
        AND silo = '{silo}' AND availability_zone = '{availability_zone}'
        AND microservice_name = '{microservice_name}'
)
WHERE time >= {end} - 1h AND time <= {end}
GROUP BY time(1m) fill(none)
