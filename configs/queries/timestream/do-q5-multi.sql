
WITH per_instance_memory_used AS (
    SELECT silo, microservice_name, instance_name, BIN(time, 5m) AS time_bin,
        MAX(memory_used) AS max_memory
    FROM {db}.{table}
    WHERE time BETWEEN {end} - 1d AND {end}
        AND measure_name = 'metrics'
        AND region = '{region}' AND cell = '{cell}'
        AND silo = '{silo}' AND availability_zone = '{availability_zone}'
    GROUP BY microservice_name, instance_name, BIN(time, 5m), silo
), per_microservice_memory AS (
    SELECT silo, microservice_name,
        APPROX_PERCENTILE(max_memory, 0.95) AS p95_max_memory
    FROM per_instance_memory_used
    GROUP BY silo, microservice_name
), per_silo_ranked AS (
    SELECT silo, microservice_name,
        DENSE_RANK() OVER (PARTITION BY silo ORDER BY p95_max_memory DESC) AS rank
    FROM per_microservice_memory
), instances_with_high_memory AS (
    SELECT r.silo, r.microservice_name, m.instance_name,
        APPROX_PERCENTILE(max_memory, 0.95) AS p95_max_memory
    FROM per_silo_ranked r INNER JOIN per_instance_memory_used m
        ON r.silo = m.silo AND r.microservice_name = m.microservice_name
    WHERE r.rank = 1
    GROUP BY m.instance_name, r.silo, r.microservice_name
), ranked_instances AS (
    SELECT silo, microservice_name, instance_name,
        DENSE_RANK() OVER (PARTITION BY silo, microservice_name ORDER BY p95_max_memory DESC) AS rank
    FROM instances_with_high_memory
)
SELECT t.silo, t.microservice_name, t.instance_name,
    MIN(gc_pause) AS min_gc_pause,
    ROUND(AVG(gc_pause), 2) AS avg_gc_pause,
    ROUND(STDDEV(gc_pause), 2) AS stddev_gc_pause,
    ROUND(APPROX_PERCENTILE(gc_pause, 0.5), 2) AS p50_gc_pause,
    ROUND(APPROX_PERCENTILE(gc_pause, 0.9), 2) AS p90_gc_pause,
    ROUND(APPROX_PERCENTILE(gc_pause, 0.99), 2) AS p99_gc_pause
FROM ranked_instances r INNER JOIN {db}.{table} t ON
    r.silo = t.silo AND
    r.microservice_name = t.microservice_name AND r.instance_name = t.instance_name
WHERE time BETWEEN {end} - 1d AND {end}
    AND measure_name = 'events' AND rank = 1
GROUP BY t.instance_name, t.silo, t.microservice_name
