
        SELECT COUNT(*) AS num_data_points
        FROM "{db}"."{table}"
        WHERE time BETWEEN {end} - 15m AND {end}
        