
SELECT count(cpu_user) AS num_cpu_user_samples,
    mean(cpu_user) AS avg_cpu_user, max(cpu_user) AS max_cpu_user,
    count(memory_used) AS num_memory_used_samples,
    mean(memory_used) AS avg_memory_used,
    max(memory_used) AS max_memory_used
FROM metrics
WHERE time >= {end} - 3h AND time <= {end}
    AND microservice_name = '{microservice_name}'
GROUP BY time(1h), region, silo, cell, microservice_name fill(none)
ORDER BY time DESC
