# tsload: end={end}
WITH (
    f = {{region="{region}", microservice_name="{microservice_name}"}},
    by_cell(x) = sum by (cell, microservice_name) (x),
    instance_avg = avg_over_time(metrics_disk_used{{f}}[1h]),
    microservice_avg = by_cell(sum_over_time(metrics_disk_used{{f}}[1h]))
        / by_cell(count_over_time(metrics_disk_used{{f}}[1h]))
)
instance_avg > on (cell, microservice_name) group_left ()
    (1 + 0.2) * microservice_avg
