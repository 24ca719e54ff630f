#!/usr/bin/env bash
# The access-log models (apache, cloudfront, cloudflare) through tsload
# ingest: SQLite rows, the file and stdout targets; a visitor per series,
# one request record per visitor and cycle (README "Log models").
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

q() { sqlite3 "$1" "$2"; }
# 100 visitors x 3 cycles, backfilled (exact counts)
run() {
	local m=$1 db=$2
	shift 2
	"$TSLOAD" ingest --model "$m" --host-scale 10 --target "sqlite:$db" \
		--start-time 2021-05-06T11:00:00Z --end-time 2021-05-06T11:00:03Z \
		--interval-millis 1000 -q --results "$T_TMP/results" "$@" >"$m.out" 2>"$m.err"
}

for m in apache cloudfront cloudflare; do
	db=$T_TMP/$m.db
	run $m "$db" --multi
	check_eq "$m --multi on sqlite: exit 0" 0 "$?"
	check_eq "$m: 300 request records (100 visitors x 3 cycles)" 300 "$(q "$db" 'select count(*) from host_metrics')"
	check_eq "$m: 300 written, as tsload says" 300 "$(records_written $m.out)"
	check_eq "$m: 100 visitors, 3 timestamps" "100|3" "$(q "$db" 'select count(distinct client_ip), count(distinct time) from host_metrics')"
	check_eq "$m: one visitor's dimensions throughout" 100 \
		"$(q "$db" 'select count(*) from (select distinct client_ip, user_name, method, protocol, referer, user_agent from host_metrics)')"
	check_eq "$m: statuses from the ten" 0 \
		"$(q "$db" 'select count(*) from host_metrics where http_status not in (200,201,301,302,303,400,401,404,500,502)')"
	check_eq "$m: methods from the nine, host example.com, country gb" 0 \
		"$(q "$db" "select count(*) from host_metrics where method not in ('GET','HEAD','POST','PUT','DELETE','CONNECT','OPTIONS','TRACE','PATCH') or host <> 'example.com' or country <> 'gb'")"
	check_eq "$m: paths of one or two segments" 0 \
		"$(q "$db" "select count(*) from host_metrics where uri_path not glob '[a-z]*' or uri_path like '%/%/%' or uri_path like '/%'")"
	check_eq "$m: sizes 0..9999" 0 "$(q "$db" 'select count(*) from host_metrics where transfer_size < 0 or transfer_size > 9999')"
done
# '-' sizes are absent (NULL) in apache and cloudfront, about half; 0 in
# cloudflare (its lines print '-' as 0)
n=$(q "$T_TMP/apache.db" 'select count(*) from host_metrics where transfer_size is null')
check "apache: $n of 300 sizes absent, about half" test "$n" -gt 100 -a "$n" -lt 200
check_eq "cloudflare: no size absent" 0 "$(q "$T_TMP/cloudflare.db" 'select count(*) from host_metrics where transfer_size is null')"
n=$(q "$T_TMP/cloudfront.db" 'select count(*) from host_metrics where request_time is null')
check "cloudfront: $n of 300 request times absent, about half" test "$n" -gt 100 -a "$n" -lt 200
check_eq "cloudfront: request times in [0, 0.1]" 0 \
	"$(q "$T_TMP/cloudfront.db" 'select count(*) from host_metrics where request_time < 0 or request_time > 0.1')"
check_eq "apache: queries from the six" 0 \
	"$(q "$T_TMP/apache.db" "select count(*) from host_metrics where uri_query not in ('', '?a=1,b=2,c=3', '?cat=lovely', '?e=two&f=1', '?end=1', '?q=2')")"
check "apache: no request_time column" not grep -q request_time <(q "$T_TMP/apache.db" '.schema')
check "cloudflare: no uri_query column" not grep -q uri_query <(q "$T_TMP/cloudflare.db" '.schema')

# single-measure layout: a row per measure value
run apache "$T_TMP/single.db"
check_eq "apache single: rows = values written" "$(points_written apache.out)" "$(q "$T_TMP/single.db" 'select count(*) from host_metrics')"
check_eq "apache single: measure names" "http_status transfer_size uri_path uri_query" \
	"$(q "$T_TMP/single.db" 'select distinct measure_name from host_metrics order by 1' | tr '\n' ' ' | sed 's/ $//')"

# file and stdout targets: line protocol, measurement = the model
"$TSLOAD" ingest --model cloudflare --host-scale 1 --target "file:$T_TMP/cf.lp?format=lp" --multi \
	--start-time 2021-05-06T11:00:00Z --end-time 2021-05-06T11:00:02Z --interval-millis 1000 -q \
	--results "$T_TMP/results" >file.out 2>&1
check_eq "file: 20 lines" 20 "$(wc -l <"$T_TMP/cf.lp")"
check_eq "file: every line a cloudflare request" 20 \
	"$(grep -Ec '^cloudflare,host=example.com,client_ip=[0-9.]+,.* uri_path="[a-z/-]+",http_status=[0-9]+i,transfer_size=[0-9]+i [0-9]+$' "$T_TMP/cf.lp")"
"$TSLOAD" ingest --model apache --host-scale 1 --target 'stdout:?format=json' --multi \
	--start-time 2021-05-06T11:00:00Z --end-time 2021-05-06T11:00:01Z --interval-millis 1000 -q \
	--results "$T_TMP/results" >stdout.out 2>/dev/null
check_eq "stdout: 10 JSON records" 10 "$(grep -c '"http_status"' stdout.out)"
check "tsload model --model apache: the visitors and measures" \
	bash -c "'$TSLOAD' model --model apache --host-scale 3 | grep -q 'apache access-log model: 30 visitors'"
finish
