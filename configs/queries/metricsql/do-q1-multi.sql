# tsload: end={end} range=1h step=1m
WITH (
    m = metrics_{measure}{{region="{region}", cell="{cell}",
        silo="{silo}", availability_zone="{availability_zone}",
        microservice_name="{microservice_name}"}}
)
label_set(count(count_over_time(m[1m])), "stat", "num_hosts")
or label_set(sum(sum_over_time(m[1m])) / sum(count_over_time(m[1m])),
    "stat", "avg_value")
or histogram_quantiles("stat", 0.9, 0.95, 0.99,
    sum(histogram_over_time(m[1m])) by (vmrange))
