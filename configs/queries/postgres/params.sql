
WITH one_event AS (
    SELECT *
    FROM "{table}"
    WHERE measure_name = 'task_completed'
        AND time BETWEEN {end} - 43200000 AND {end}
    LIMIT 1
), one_metric AS (
    SELECT t.*
    FROM "{table}" t
        JOIN one_event e ON e.instance_name = t.instance_name
    WHERE t.measure_name = 'cpu_user'
        AND t.time BETWEEN {end} - 43200000 AND {end}
    LIMIT 1
)
SELECT * FROM one_metric
UNION
SELECT * FROM one_event
ORDER BY measure_name
