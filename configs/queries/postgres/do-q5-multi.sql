
WITH host_memory AS (
    SELECT silo, microservice_name, instance_name,
        (time / 300000) * 300000 AS time_bin,
        MAX(memory_used) AS max_memory
    FROM "{table}"
    WHERE time BETWEEN {end} - 86400000 AND {end}
        AND measure_name = 'metrics'
        AND region = '{region}' AND cell = '{cell}'
        AND silo = '{silo}' AND availability_zone = '{availability_zone}'
    GROUP BY silo, microservice_name, instance_name,
        (time / 300000) * 300000
), service_memory AS (
    SELECT silo, microservice_name,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY max_memory)
            AS p95_max_memory
    FROM host_memory
    GROUP BY silo, microservice_name
), service_ranked AS (
    SELECT silo, microservice_name,
        DENSE_RANK() OVER (PARTITION BY silo
            ORDER BY p95_max_memory DESC) AS rnk
    FROM service_memory
), host_p95 AS (
    SELECT m.silo, m.microservice_name, m.instance_name,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY m.max_memory)
            AS p95_max_memory
    FROM service_ranked s
        JOIN host_memory m ON m.silo = s.silo
            AND m.microservice_name = s.microservice_name
    WHERE s.rnk = 1
    GROUP BY m.silo, m.microservice_name, m.instance_name
), host_ranked AS (
    SELECT silo, microservice_name, instance_name,
        DENSE_RANK() OVER (PARTITION BY silo, microservice_name
            ORDER BY p95_max_memory DESC) AS rnk
    FROM host_p95
)
SELECT t.silo, t.microservice_name, t.instance_name,
    MIN(t.gc_pause) AS min_gc_pause,
    ROUND(AVG(t.gc_pause)::numeric, 2) AS avg_gc_pause,
    ROUND(stddev_samp(t.gc_pause)::numeric, 2) AS stddev_gc_pause,
    ROUND((percentile_cont(0.5) WITHIN GROUP
        (ORDER BY t.gc_pause))::numeric, 2) AS p50_gc_pause,
    ROUND((percentile_cont(0.9) WITHIN GROUP
        (ORDER BY t.gc_pause))::numeric, 2) AS p90_gc_pause,
    ROUND((percentile_cont(0.99) WITHIN GROUP
        (ORDER BY t.gc_pause))::numeric, 2) AS p99_gc_pause
FROM host_ranked h
    JOIN "{table}" t ON t.silo = h.silo
        AND t.microservice_name = h.microservice_name
        AND t.instance_name = h.instance_name
WHERE t.time BETWEEN {end} - 86400000 AND {end}
    AND t.measure_name = 'events' AND h.rnk = 1
GROUP BY t.silo, t.microservice_name, t.instance_name
