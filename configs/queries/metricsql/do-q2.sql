# tsload: end={end} range=1h step=1m
WITH (
    host = {{region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}",
        instance_type="{instance_type}", os_version="{os_version}"}},
    avg1m(m) = sum(sum_over_time(m[1m])) / sum(count_over_time(m[1m]))
)
label_set(avg1m(metrics_cpu_user{{host}}), "stat", "avg_cpu_user")
or label_set(avg1m(metrics_cpu_system{{host}}), "stat", "avg_cpu_system")
