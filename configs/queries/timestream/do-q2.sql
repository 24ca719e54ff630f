
SELECT BIN(time, 1m) AS time_bin,
    AVG(CASE WHEN measure_name = 'cpu_user' THEN measure_value::double ELSE NULL END) AS avg_cpu_user,
    AVG(CASE WHEN measure_name = 'cpu_system' THEN measure_value::double ELSE NULL END) AS avg_cpu_system
FROM {db}.{table}
WHERE time BETWEEN {end} - 1h AND {end}
    AND measure_name IN (
        'cpu_user', 'cpu_system'
    )
    AND region = '{region}' AND cell = '{cell}' AND silo = '{silo}'
    AND availability_zone = '{availability_zone}' AND microservice_name = '{microservice_name}'
    AND instance_type = '{instance_type}' AND os_version = '{os_version}'
GROUP BY BIN(time, 1m)
ORDER BY time_bin desc
