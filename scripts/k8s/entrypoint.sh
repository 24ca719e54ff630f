#!/bin/sh
# entrypoint.sh - tsload's container entrypoint (scripts/k8s/Dockerfile).
#
# With no arguments it runs `tsload ingest`, so a pod spec without a
# command works (the data generator seed's Job sets only environment
# variables); arguments that start with a dash are ingest's. Every option
# comes from TSLOAD_<NAME> variables (the command line wins), the seed's
# variables are read when MODEL_PATH is set, and in an Indexed Job the pod's
# part of the hosts is --shard-index, by default JOB_COMPLETION_INDEX, of
# --shard-count (TSLOAD_SHARD_COUNT). tsload is exec'd: it becomes the
# container's PID 1 and gets the pod's SIGTERM itself, which it handles
# (stop, drain what is in flight, print the report, exit 0).
set -eu
if [ $# -eq 0 ]; then
	set -- ingest
fi
case $1 in
-*) set -- ingest "$@" ;;
esac
if [ -n "${JOB_COMPLETION_INDEX:-}" ]; then
	echo "entrypoint: pod $JOB_COMPLETION_INDEX of an Indexed Job (shard count ${TSLOAD_SHARD_COUNT:-1}): tsload $*" >&2
fi
exec tsload "$@"
