#!/bin/bash
# Instructions per ka_is_alive call, C module and ours, counted by valgrind's callgrind
# (repeatable, whatever else the machine does): a cfg loop of N calls in one request minus
# the same loop without the call, in the SIP worker only (collection toggled on receive_msg).
#
#   bench/callgrind.sh [DEST [WANT]]     (after `make`; needs valgrind)
#
# DEST is the destination asked about (default d0@127.0.0.1:9, the first of 10 added:
# the tail of the C module's list); WANT the return code every call must give (1; -1 for
# an absent one). Prints per-call instructions for a `$var` and a literal parameter.
# CG_KEEP=1 keeps the callgrind profiles for callgrind_annotate.
set -euo pipefail
dest=${1:-d0@127.0.0.1:9}
want=${2:-1}
n=20000
root=$(cd "$(dirname "$0")/.." && pwd)
stock=$(dirname "$(dpkg -L kamailio | grep '/modules/tm.so$' | head -n1)")
c_ka=$(dpkg-divert --truename "$stock/keepalive.so")
work=$(mktemp -d)
# CG_KEEP=1 keeps the profiles (callgrind_annotate them) and says where
if [ -n "${CG_KEEP:-}" ]; then
	trap 'pkill -f "$work/" 2>/dev/null || true; echo "profiles kept under $work" >&2' EXIT
else
	trap 'pkill -f "$work/" 2>/dev/null || true; rm -rf "$work"' EXIT
fi

# run SIDE-MODULE MODE: prints the worker's instruction count for one request
run() {
	local ka=$1 mode=$2 d
	d=$(mktemp -d -p "$work")
	local port=$((21000 + RANDOM % 5000))
	{
		echo '#!KAMAILIO'
		echo 'debug=2'
		echo 'log_stderror=yes'
		echo 'children=1'
		echo 'max_while_loops=100000000'
		echo 'disable_tcp=yes'
		echo "listen=udp:127.0.0.1:$port"
		echo "mpath=\"$stock\""
		for m in tm sl pv textops; do echo "loadmodule \"$m.so\""; done
		echo "loadmodule \"$ka\""
		echo 'modparam("keepalive", "ping_interval", 3600)'
		for i in $(seq 0 9); do echo "modparam(\"keepalive\", \"destination\", \"d$i@127.0.0.1:9\")"; done
		cat <<CFG
request_route {
    \$var(n) = $n; \$var(i) = 0; \$var(ok) = 0; \$var(d) = "$dest"; \$var(want) = $want;
    if (\$rU == "empty") {
        while (\$var(i) < \$var(n)) { \$var(x) = \$var(want); if (\$var(x) == \$var(want)) { \$var(ok) = \$var(ok) + 1; } \$var(i) = \$var(i) + 1; }
    } else if (\$rU == "var") {
        while (\$var(i) < \$var(n)) { ka_is_alive("\$var(d)"); \$var(x) = \$rc; if (\$var(x) == \$var(want)) { \$var(ok) = \$var(ok) + 1; } \$var(i) = \$var(i) + 1; }
    } else {
        while (\$var(i) < \$var(n)) { ka_is_alive("$dest"); \$var(x) = \$rc; if (\$var(x) == \$var(want)) { \$var(ok) = \$var(ok) + 1; } \$var(i) = \$var(i) + 1; }
    }
    append_to_reply("X-OK: \$var(ok)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
CFG
	} >"$d/k.cfg"
	valgrind --tool=callgrind --trace-children=yes --collect-atstart=no \
		--toggle-collect=receive_msg --callgrind-out-file="$d/cg.%p" \
		kamailio -f "$d/k.cfg" -DD -E -X tlsf -m 64 -M 8 -Y "$d" -w "$d" >"$d/out.log" 2>&1 &
	local vpid=$! i
	# under valgrind start-up takes long: send only once the SIP worker's socket is bound
	for i in $(seq 240); do
		ss -Hunl "sport = :$port" | grep -q . && break
		sleep 0.5
	done
	sleep 2
	python3 - "$port" "$mode" "$n" <<'PY'
import socket, sys
port, mode, n = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(120)
lp = s.getsockname()[1]
m = (f"OPTIONS sip:{mode}@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bKcg\r\n"
     f"From: <sip:a@x>;tag=1\r\nTo: <sip:{mode}@x>\r\nCall-ID: cg\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
     "Content-Length: 0\r\n\r\n")
s.sendto(m.encode(), ("127.0.0.1", port))
ok = [l for l in s.recv(65535).decode().split("\r\n") if l.startswith("X-OK: ")]
if ok != [f"X-OK: {n}"]:
    sys.exit(f"{mode}: not every call returned the expected code: {ok}")
PY
	kill "$vpid"
	wait "$vpid" 2>/dev/null || true
	sleep 1
	for f in "$d"/cg.*; do
		local t
		t=$(awk '/^(summary|totals):/ {print $2; exit}' "$f")
		if [ -n "$t" ] && [ "$t" != 0 ]; then echo "$t"; return; fi
	done
}

for side in C:"$c_ka" ours:"$root/build/modules/keepalive.so"; do
	name=${side%%:*} ka=${side#*:}
	e=$(run "$ka" empty)
	v=$(run "$ka" var)
	l=$(run "$ka" lit)
	echo "$name: ka_is_alive(\"\$var(d)\") $(((v - e) / n)), ka_is_alive(\"$dest\") $(((l - e) / n)) instructions per call"
done
