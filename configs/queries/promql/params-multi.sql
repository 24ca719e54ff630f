# tsload: end={end}
topk(1, last_over_time(metrics_cpu_user{{db="{db}"}}[12h]))
;
topk(1, last_over_time(events_gc_pause{{db="{db}"}}[12h])
    and on (instance_name)
    topk(1, last_over_time(metrics_cpu_user{{db="{db}"}}[12h])))
