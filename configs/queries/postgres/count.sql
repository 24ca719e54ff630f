
SELECT COUNT(*) AS num_data_points
FROM "{table}"
WHERE time BETWEEN {end} - 900000 AND {end}
