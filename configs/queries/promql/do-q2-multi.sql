# tsload: end={end} range=1h step=1m
label_replace(
    sum(sum_over_time(metrics_cpu_user{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}",
        instance_type="{instance_type}", os_version="{os_version}"}}[1m]))
    / sum(count_over_time(metrics_cpu_user{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}",
        instance_type="{instance_type}", os_version="{os_version}"}}[1m])),
    "stat", "avg_cpu_user", "", "")
or label_replace(
    sum(sum_over_time(metrics_cpu_system{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}",
        instance_type="{instance_type}", os_version="{os_version}"}}[1m]))
    / sum(count_over_time(metrics_cpu_system{{db="{db}", region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}",
        microservice_name="{microservice_name}",
        instance_type="{instance_type}", os_version="{os_version}"}}[1m])),
    "stat", "avg_cpu_system", "", "")
