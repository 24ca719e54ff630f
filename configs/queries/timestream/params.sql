
        WITH selectedTaskCompleted AS (
            SELECT *
            FROM "{db}"."{table}"
            WHERE measure_name = 'task_completed'
                AND time BETWEEN {end} - 12h AND {end}
            LIMIT 1
        ), selectedCpu AS (
            SELECT t.*
            FROM "{db}"."{table}" t INNER JOIN selectedTaskCompleted c ON c.instance_name = t.instance_name
            WHERE t.measure_name = 'cpu_user'
                AND t.time BETWEEN {end} - 12h AND {end}
            LIMIT 1
        )
        SELECT * FROM(
            (
            SELECT * FROM selectedCpu
            )
            UNION
            (
            SELECT * FROM selectedTaskCompleted
            )
        )
        ORDER BY measure_name
        