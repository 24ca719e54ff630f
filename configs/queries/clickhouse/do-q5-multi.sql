
SELECT silo, microservice_name, instance_name,
    min(gc_pause) AS min_gc_pause,
    round(avg(gc_pause), 2) AS avg_gc_pause,
    round(stddevSamp(gc_pause), 2) AS stddev_gc_pause,
    round(quantile(0.5)(gc_pause), 2) AS p50_gc_pause,
    round(quantile(0.9)(gc_pause), 2) AS p90_gc_pause,
    round(quantile(0.99)(gc_pause), 2) AS p99_gc_pause
FROM "{table}"
WHERE time BETWEEN {end} - 86400000 AND {end}
    AND measure_name = 'events'
    AND (silo, microservice_name, instance_name) IN (
        SELECT silo, svc.1 AS microservice_name,
            arrayJoin(svc.2) AS instance_name
        FROM (
            SELECT silo, arrayJoin(top_services) AS svc
            FROM (
                SELECT silo,
                    groupArray((microservice_name, top_hosts)) AS services,
                    groupArray(service_p95) AS service_p95s,
                    max(service_p95) AS top_service_p95,
                    arrayFilter((s, p) -> p = top_service_p95,
                        services, service_p95s) AS top_services
                FROM (
                    SELECT silo, microservice_name,
                        quantileArray(0.95)(max_memories) AS service_p95,
                        groupArray(instance_name) AS hosts,
                        groupArray(host_p95) AS host_p95s,
                        max(host_p95) AS top_host_p95,
                        arrayFilter((h, p) -> p = top_host_p95,
                            hosts, host_p95s) AS top_hosts
                    FROM (
                        SELECT silo, microservice_name, instance_name,
                            quantile(0.95)(max_memory) AS host_p95,
                            groupArray(max_memory) AS max_memories
                        FROM (
                            SELECT silo, microservice_name, instance_name,
                                intDiv(time, 300000) * 300000 AS time_bin,
                                assumeNotNull(max(memory_used))
                                    AS max_memory
                            FROM "{table}"
                            WHERE time BETWEEN {end} - 86400000 AND {end}
                                AND measure_name = 'metrics'
                                AND region = '{region}' AND cell = '{cell}'
                                AND silo = '{silo}'
                                AND availability_zone = '{availability_zone}'
                            GROUP BY silo, microservice_name, instance_name,
                                time_bin
                        )
                        GROUP BY silo, microservice_name, instance_name
                    )
                    GROUP BY silo, microservice_name
                )
                GROUP BY silo
            )
        )
    )
GROUP BY silo, microservice_name, instance_name
