
SELECT mean(cpu_user) AS avg_cpu_user, mean(cpu_system) AS avg_cpu_system
FROM metrics
WHERE time >= {end} - 1h AND time <= {end}
    AND region = '{region}' AND cell = '{cell}' AND silo = '{silo}'
    AND availability_zone = '{availability_zone}'
    AND microservice_name = '{microservice_name}'
    AND instance_type = '{instance_type}' AND os_version = '{os_version}'
GROUP BY time(1m) fill(none)
ORDER BY time DESC
