
SELECT *
FROM (
    SELECT time, region, cell, silo, availability_zone, microservice_name,
        instance_type, os_version, instance_name, process_name,
        jdk_version, measure_name
    FROM "{table}"
    WHERE measure_name = 'cpu_user'
        AND time BETWEEN {end} - 43200000 AND {end}
        AND instance_name = (
            SELECT min(instance_name)
            FROM "{table}"
            WHERE measure_name = 'task_completed'
                AND time BETWEEN {end} - 43200000 AND {end})
    LIMIT 1
    UNION ALL
    SELECT time, region, cell, silo, availability_zone, microservice_name,
        instance_type, os_version, instance_name, process_name,
        jdk_version, measure_name
    FROM "{table}"
    WHERE measure_name = 'task_completed'
        AND time BETWEEN {end} - 43200000 AND {end}
        AND instance_name = (
            SELECT min(instance_name)
            FROM "{table}"
            WHERE measure_name = 'task_completed'
                AND time BETWEEN {end} - 43200000 AND {end})
    LIMIT 1
)
ORDER BY measure_name
