# tsload: end={end}
avg_over_time(metrics_disk_used{{db="{db}", region="{region}",
        microservice_name="{microservice_name}"}}[1h])
> on (cell, microservice_name) group_left ()
(1 + 0.2) * (
    sum by (cell, microservice_name) (sum_over_time(metrics_disk_used{{db="{db}", region="{region}",
        microservice_name="{microservice_name}"}}[1h]))
    / sum by (cell, microservice_name) (count_over_time(metrics_disk_used{{db="{db}", region="{region}",
        microservice_name="{microservice_name}"}}[1h])))
