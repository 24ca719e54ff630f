
SELECT top(p95_avg_cpu, 3) AS p95_avg_cpu
FROM (
    SELECT percentile(avg_cpu, 95) AS p95_avg_cpu
    FROM (
        SELECT mean(cpu_user) AS avg_cpu
        FROM metrics
        WHERE time >= {end} - 3d AND time <= {end}
            AND region = '{region}' AND cell = '{cell}'
        GROUP BY time(15m), microservice_name, instance_name fill(none)
    )
    WHERE time >= {end} - 3d AND time <= {end}
    GROUP BY time(1h), microservice_name fill(none)
)
WHERE time >= {end} - 3d AND time <= {end}
GROUP BY time(1d), microservice_name fill(none)
