
SELECT intDiv(time, 60000) * 60000 AS time_bin,
    avgIf(measure_value_double, measure_name = 'cpu_user') AS avg_cpu_user,
    avgIf(measure_value_double, measure_name = 'cpu_system')
        AS avg_cpu_system
FROM "{table}"
WHERE time BETWEEN {end} - 3600000 AND {end}
    AND measure_name IN ('cpu_user', 'cpu_system')
    AND region = '{region}' AND cell = '{cell}' AND silo = '{silo}'
    AND availability_zone = '{availability_zone}'
    AND microservice_name = '{microservice_name}'
    AND instance_type = '{instance_type}' AND os_version = '{os_version}'
GROUP BY time_bin
ORDER BY time_bin DESC
