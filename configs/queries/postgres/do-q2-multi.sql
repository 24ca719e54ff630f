
SELECT (time / 60000) * 60000 AS time_bin,
    AVG(cpu_user) AS avg_cpu_user,
    AVG(cpu_system) AS avg_cpu_system
FROM "{table}"
WHERE time BETWEEN {end} - 3600000 AND {end}
    AND measure_name = 'metrics'
    AND region = '{region}' AND cell = '{cell}' AND silo = '{silo}'
    AND availability_zone = '{availability_zone}'
    AND microservice_name = '{microservice_name}'
    AND instance_type = '{instance_type}' AND os_version = '{os_version}'
GROUP BY (time / 60000) * 60000
ORDER BY time_bin DESC
