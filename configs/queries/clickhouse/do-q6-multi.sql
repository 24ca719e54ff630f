
SELECT microservice_name, day, hp.1 AS hour, hp.2 AS p95_avg_cpu
FROM (
    SELECT microservice_name, day,
        groupArray((hour, p95_avg_cpu)) AS hps,
        arraySlice(arrayReverseSort(groupUniqArray(p95_avg_cpu)), 1, 3)
            AS top3
    FROM (
        SELECT microservice_name,
            intDiv(time_bin % 86400000, 3600000) AS hour,
            intDiv(time_bin, 86400000) * 86400000 AS day,
            quantile(0.95)(avg_cpu) AS p95_avg_cpu
        FROM (
            SELECT microservice_name, instance_name,
                intDiv(time, 900000) * 900000 AS time_bin,
                assumeNotNull(avg(cpu_user)) AS avg_cpu
            FROM "{table}"
            WHERE time BETWEEN {end} - 259200000 AND {end}
                AND measure_name = 'metrics'
                AND region = '{region}'
                AND cell = '{cell}'
            GROUP BY microservice_name, instance_name, time_bin
        )
        GROUP BY microservice_name, day, hour
    )
    GROUP BY microservice_name, day
)
ARRAY JOIN hps AS hp
WHERE has(top3, hp.2)
ORDER BY microservice_name, day, indexOf(top3, hp.2)
