
WITH per_instance_cpu_used AS (
    SELECT microservice_name, instance_name, BIN(time, 15m) AS time_bin,
        AVG(cpu_user) AS avg_cpu
    FROM {db}.{table}
    WHERE time BETWEEN {end} - 3d AND {end}
        AND measure_name = 'metrics'
        AND region = '{region}'
        AND cell = '{cell}'
    GROUP BY instance_name, microservice_name, BIN(time, 15m)
), per_microservice_cpu AS (
    SELECT microservice_name, HOUR(time_bin) AS hour, BIN(time_bin, 24h) AS day,
        APPROX_PERCENTILE(avg_cpu, 0.95) AS p95_avg_cpu
    FROM per_instance_cpu_used
    GROUP BY HOUR(time_bin), BIN(time_bin, 24h), microservice_name
), per_microservice_ranked AS (
    SELECT microservice_name, day, hour, p95_avg_cpu,
        DENSE_RANK() OVER (PARTITION BY microservice_name, day ORDER BY p95_avg_cpu DESC) AS rank
    FROM per_microservice_cpu
)
SELECT microservice_name, day, hour AS hour, p95_avg_cpu
FROM per_microservice_ranked
WHERE rank <= 3
ORDER BY microservice_name, day, rank ASC
