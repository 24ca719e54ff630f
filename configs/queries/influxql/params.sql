
SELECT *
FROM metrics
WHERE time >= {end} - 12h AND time <= {end}
GROUP BY instance_name
LIMIT 1 SLIMIT 1;
SELECT *
FROM events
WHERE time >= {end} - 12h AND time <= {end}
GROUP BY instance_name
LIMIT 1 SLIMIT 1
