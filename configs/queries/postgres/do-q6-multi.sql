
WITH host_cpu AS (
    SELECT microservice_name, instance_name,
        (time / 900000) * 900000 AS time_bin,
        AVG(cpu_user) AS avg_cpu
    FROM "{table}"
    WHERE time BETWEEN {end} - 259200000 AND {end}
        AND measure_name = 'metrics'
        AND region = '{region}'
        AND cell = '{cell}'
    GROUP BY microservice_name, instance_name, (time / 900000) * 900000
), service_cpu AS (
    SELECT microservice_name, (time_bin / 3600000) % 24 AS hour,
        (time_bin / 86400000) * 86400000 AS day,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY avg_cpu)
            AS p95_avg_cpu
    FROM host_cpu
    GROUP BY microservice_name, (time_bin / 86400000) * 86400000,
        (time_bin / 3600000) % 24
), service_ranked AS (
    SELECT microservice_name, day, hour, p95_avg_cpu,
        DENSE_RANK() OVER (PARTITION BY microservice_name, day
            ORDER BY p95_avg_cpu DESC) AS rnk
    FROM service_cpu
)
SELECT microservice_name, day, hour, p95_avg_cpu
FROM service_ranked
WHERE rnk <= 3
ORDER BY microservice_name, day, rnk
