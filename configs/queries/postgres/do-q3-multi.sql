
WITH cell_avg AS (
    SELECT cell, microservice_name,
        AVG(disk_used) AS microservice_avg_metric
    FROM "{table}"
    WHERE time BETWEEN {end} - 3600000 AND {end}
        AND region = '{region}'
        AND measure_name = 'metrics'
        AND microservice_name = '{microservice_name}'
    GROUP BY cell, microservice_name
), host_avg AS (
    SELECT cell, microservice_name, instance_name,
        AVG(disk_used) AS instance_avg_metric
    FROM "{table}"
    WHERE time BETWEEN {end} - 3600000 AND {end}
        AND region = '{region}'
        AND measure_name = 'metrics'
        AND microservice_name = '{microservice_name}'
    GROUP BY cell, microservice_name, instance_name
)
SELECT h.cell, h.microservice_name, h.instance_name, h.instance_avg_metric,
    c.microservice_avg_metric
FROM cell_avg c
    JOIN host_avg h USING (cell, microservice_name)
WHERE h.instance_avg_metric > (1 + 0.2) * c.microservice_avg_metric
ORDER BY h.instance_avg_metric DESC
