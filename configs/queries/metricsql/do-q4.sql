# tsload: end={end} range=3h step=1h
WITH (
    f = {{microservice_name="{microservice_name}"}},
    by_group(x) = sum by (region, silo, cell, microservice_name) (x),
    max_group(x) = max by (region, silo, cell, microservice_name) (x),
    stats(m, name) = label_set(by_group(count_over_time(m[1h])),
            "stat", "num_" + name + "_samples")
        or label_set(by_group(sum_over_time(m[1h]))
            / by_group(count_over_time(m[1h])), "stat", "avg_" + name)
        or label_set(max_group(max_over_time(m[1h])), "stat", "max_" + name)
)
stats(metrics_cpu_user{{f}}, "cpu_user")
or stats(metrics_memory_used{{f}}, "memory_used")
