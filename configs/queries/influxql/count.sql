
SELECT sum(n) AS num_data_points
FROM (
    SELECT count(cpu_user) + count(cpu_system) + count(cpu_iowait)
        + count(cpu_steal) + count(cpu_idle) + count(cpu_nice)
        + count(cpu_si) + count(cpu_hi) + count(memory_used)
        + count(memory_cached) + count(memory_free) + count(disk_io_reads)
        + count(disk_io_writes) + count(latency_per_read)
        + count(latency_per_write) + count(network_bytes_in)
        + count(network_bytes_out) + count(disk_used) + count(disk_free)
        + count(file_descriptors_in_use) AS n
    FROM metrics
    WHERE time >= {end} - 15m AND time <= {end}
), (
    SELECT count(task_completed) + count(task_end_state)
        + count(gc_reclaimed) + count(gc_pause) + count(memory_free) AS n
    FROM events
    WHERE time >= {end} - 15m AND time <= {end}
)
WHERE time >= {end} - 15m AND time <= {end}
