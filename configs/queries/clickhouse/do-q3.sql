
SELECT cell, microservice_name, instance_name, instance_avg_metric,
    microservice_avg_metric
FROM (
    SELECT cell, microservice_name, instance_name,
        avg(measure_value_double) AS instance_avg_metric
    FROM "{table}"
    WHERE time BETWEEN {end} - 3600000 AND {end}
        AND region = '{region}'
        AND measure_name = 'disk_used'
        AND microservice_name = '{microservice_name}'
    GROUP BY cell, microservice_name, instance_name
)
ALL INNER JOIN (
    SELECT cell, microservice_name,
        avg(measure_value_double) AS microservice_avg_metric
    FROM "{table}"
    WHERE time BETWEEN {end} - 3600000 AND {end}
        AND region = '{region}'
        AND measure_name = 'disk_used'
        AND microservice_name = '{microservice_name}'
    GROUP BY cell, microservice_name
) USING (cell, microservice_name)
WHERE instance_avg_metric > (1 + 0.2) * microservice_avg_metric
ORDER BY instance_avg_metric DESC
