# tsload: end={end} range=3h step=1h
label_replace(
    sum by (region, silo, cell, microservice_name)
        (count_over_time(metrics_cpu_user{{db="{db}", microservice_name="{microservice_name}"}}[1h])),
    "stat", "num_cpu_user_samples", "", "")
or label_replace(
    sum by (region, silo, cell, microservice_name)
        (sum_over_time(metrics_cpu_user{{db="{db}", microservice_name="{microservice_name}"}}[1h]))
    / sum by (region, silo, cell, microservice_name)
        (count_over_time(metrics_cpu_user{{db="{db}", microservice_name="{microservice_name}"}}[1h])),
    "stat", "avg_cpu_user", "", "")
or label_replace(
    max by (region, silo, cell, microservice_name)
        (max_over_time(metrics_cpu_user{{db="{db}", microservice_name="{microservice_name}"}}[1h])),
    "stat", "max_cpu_user", "", "")
or label_replace(
    sum by (region, silo, cell, microservice_name)
        (count_over_time(metrics_memory_used{{db="{db}", microservice_name="{microservice_name}"}}[1h])),
    "stat", "num_memory_used_samples", "", "")
or label_replace(
    sum by (region, silo, cell, microservice_name)
        (sum_over_time(metrics_memory_used{{db="{db}", microservice_name="{microservice_name}"}}[1h]))
    / sum by (region, silo, cell, microservice_name)
        (count_over_time(metrics_memory_used{{db="{db}", microservice_name="{microservice_name}"}}[1h])),
    "stat", "avg_memory_used", "", "")
or label_replace(
    max by (region, silo, cell, microservice_name)
        (max_over_time(metrics_memory_used{{db="{db}", microservice_name="{microservice_name}"}}[1h])),
    "stat", "max_memory_used", "", "")
