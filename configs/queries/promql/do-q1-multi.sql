# tsload: end={end} range=1h step=1m
label_replace(
    count(count_over_time(metrics_{measure}{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}"}}[1m])),
    "stat", "num_hosts", "", "")
or label_replace(
    sum(sum_over_time(metrics_{measure}{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}"}}[1m]))
    / sum(count_over_time(metrics_{measure}{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}"}}[1m])),
    "stat", "avg_value", "", "")
or label_replace(
    quantile(0.9, avg_over_time(metrics_{measure}{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}"}}[1m])),
    "stat", "p90_value", "", "")
or label_replace(
    quantile(0.95, avg_over_time(metrics_{measure}{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}"}}[1m])),
    "stat", "p95_value", "", "")
or label_replace(
    quantile(0.99, avg_over_time(metrics_{measure}{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}"}}[1m])),
    "stat", "p99_value", "", "")
