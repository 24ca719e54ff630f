# tests/moto.sh - starts moto's server for the integration suites (sourced
# after lib.sh, in $T_TMP). moto_start finds a Python that has moto[server]
# (the image's pyenv Python does), starts it on a free 127.0.0.1 port and
# sets py, port and mpid; the server is stopped at exit. Without moto it
# counts a failure (never a skip) and returns 1, so that the suite can
# finish at once. motots_start ARGS... does the same with
# tests/tools/motots.py serve ARGS... (moto with a small SQL evaluator
# behind Timestream's Query; see that file).
# Dummy credentials for the signatures (moto checks none).
MOTO_SECRET='motoSecret/0123456789ABCDEFGHIJklmnopqrst'
export AWS_ACCESS_KEY_ID=AKIDMOTOTEST AWS_SECRET_ACCESS_KEY=$MOTO_SECRET
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE=$T_TMP/none AWS_CONFIG_FILE=$T_TMP/none
unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_REGION

mpid=
trap '[ -n "$mpid" ] && kill "$mpid" 2>/dev/null; rm -rf "$T_TMP"' EXIT

# moto_py: sets py to a Python with moto[server], or counts a failure
# and returns 1.
moto_py() {
	local p
	py=
	# moto is not packaged by Debian: the machine image's pyenv Python
	# has it, whether or not its shims are on PATH.
	for p in python3 "$HOME"/.pyenv/versions/*/bin/python3 \
		/root/.pyenv/versions/*/bin/python3 /usr/bin/python3; do
		[ -x "$(command -v "$p" 2>/dev/null)" ] || continue
		if "$p" -c 'import moto.server, flask' 2>/dev/null; then
			py=$p
			break
		fi
	done
	if [ -z "$py" ]; then
		bad "no Python with moto[server] found (python3 on PATH or ~/.pyenv/versions/*): the AWS tests cannot run"
		return 1
	fi
}

moto_start() {
	moto_py || return 1
	# another run may take the port between the probe and the bind:
	# then try another
	for _ in 1 2 3; do
		port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		"$py" -m moto.server -H 127.0.0.1 -p "$port" >moto.log 2>&1 &
		mpid=$!
		for _ in $(seq 100); do
			curl -sf -o /dev/null "http://127.0.0.1:$port/moto-api/" && return 0
			kill -0 "$mpid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$mpid" 2>/dev/null
		wait "$mpid" 2>/dev/null
		mpid=
	done
	bad "moto server did not start (see moto.log)"
	return 1
}

motots_start() {
	moto_py || return 1
	rm -f motots.port
	"$py" "$T_SRC/tests/tools/motots.py" serve --port-file motots.port "$@" >motots.log 2>&1 &
	mpid=$!
	for _ in $(seq 100); do
		port=$(cat motots.port 2>/dev/null) &&
			curl -sf -o /dev/null "http://127.0.0.1:$port/motots/stats" && return 0
		kill -0 "$mpid" 2>/dev/null || break
		sleep 0.1
	done
	bad "motots.py did not start (see motots.log: $(tail -1 motots.log))"
	return 1
}
