# tsload: end={end}
sum(count_over_time({{__name__=~"(metrics|events)_.+"}}[15m]))
