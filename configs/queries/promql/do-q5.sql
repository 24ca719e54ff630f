# tsload: end={end}
(
label_replace(
    min by (silo, microservice_name, instance_name)
        (min_over_time(events_gc_pause{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[1d])),
    "stat", "min_gc_pause", "", "")
or label_replace(
    sum by (silo, microservice_name, instance_name)
        (sum_over_time(events_gc_pause{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[1d]))
    / sum by (silo, microservice_name, instance_name)
        (count_over_time(events_gc_pause{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[1d])),
    "stat", "avg_gc_pause", "", "")
or label_replace(
    avg by (silo, microservice_name, instance_name)
        (stddev_over_time(events_gc_pause{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[1d])),
    "stat", "stddev_gc_pause", "", "")
or label_replace(
    quantile by (silo, microservice_name, instance_name) (0.5,
        quantile_over_time(0.5, events_gc_pause{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[1d])),
    "stat", "p50_gc_pause", "", "")
or label_replace(
    quantile by (silo, microservice_name, instance_name) (0.9,
        quantile_over_time(0.9, events_gc_pause{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[1d])),
    "stat", "p90_gc_pause", "", "")
or label_replace(
    quantile by (silo, microservice_name, instance_name) (0.99,
        quantile_over_time(0.99, events_gc_pause{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[1d])),
    "stat", "p99_gc_pause", "", "")
) and on (instance_name) topk(1,
    quantile_over_time(0.95,
        max_over_time(metrics_memory_used{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[5m])[1d:5m])
    and on (microservice_name) topk(1,
        quantile by (silo, microservice_name) (0.95,
            quantile_over_time(0.95,
        max_over_time(metrics_memory_used{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}}[5m])[1d:5m]))))
