# tsload: end={end}
WITH (
    f = {{region="{region}", cell="{cell}", silo="{silo}",
        availability_zone="{availability_zone}"}},
    host_memory = max_over_time(metrics_memory_used{{f}}[5m])[1d:5m],
    service_p95 = histogram_quantile(0.95,
        sum by (silo, microservice_name, vmrange)
            (histogram_over_time(host_memory))),
    host_p95 = quantile_over_time(0.95, host_memory)
        and on (microservice_name) topk(1, service_p95),
    gc = events_gc_pause{{f}}[1d],
    per_host(x) = sum by (silo, microservice_name, instance_name) (x)
)
(
    label_set(min by (silo, microservice_name, instance_name)
        (min_over_time(gc)), "stat", "min_gc_pause")
    or label_set(per_host(sum_over_time(gc))
        / per_host(count_over_time(gc)), "stat", "avg_gc_pause")
    or label_set(avg by (silo, microservice_name, instance_name)
        (stddev_over_time(gc)), "stat", "stddev_gc_pause")
    or histogram_quantiles("stat", 0.5, 0.9, 0.99,
        sum by (silo, microservice_name, instance_name, vmrange)
            (histogram_over_time(gc)))
) and on (instance_name) topk(1, host_p95)
