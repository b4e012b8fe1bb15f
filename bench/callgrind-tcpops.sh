#!/bin/bash
# Instructions per tcpops cfg call, the C module and ours, counted by valgrind's callgrind
# (repeatable, whatever else the machine does), as bench/callgrind.sh does for ka_is_alive:
# a cfg loop of N calls in one request over TCP minus the same loop without the call, in
# the TCP reader that runs it (collection toggled on receive_msg).
#
#   bench/callgrind-tcpops.sh            (after `make`; needs valgrind)
#
# OPS="state alive life" picks the calls: tcp_conid_state("$var(cid)"),
# tcp_conid_alive("$var(cid)") (the request's own connection), tcp_set_connection_lifetime("3600").
set -euo pipefail
n=20000
root=$(cd "$(dirname "$0")/.." && pwd)
stock=$(dirname "$(dpkg -L kamailio | grep '/modules/tm.so$' | head -n1)")
c_mod=$(dpkg-divert --truename "$stock/tcpops.so")
ours=$root/build/modules/tcpops.so
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
	local mod=$1 mode=$2 d
	d=$(mktemp -d -p "$work")
	local port=$((21000 + RANDOM % 5000))
	cat >"$d/k.cfg" <<CFG
#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
max_while_loops=100000000
listen=tcp:127.0.0.1:$port
mpath="$stock"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "$mod"
request_route {
    \$var(n) = $n; \$var(i) = 0; \$var(ok) = 0; \$var(cid) = \$conid; \$var(want) = 1;
    if (\$rU == "empty") {
        while (\$var(i) < \$var(n)) { \$var(x) = \$var(want); if (\$var(x) == \$var(want)) { \$var(ok) = \$var(ok) + 1; } \$var(i) = \$var(i) + 1; }
    } else if (\$rU == "state") {
        while (\$var(i) < \$var(n)) { tcp_conid_state("\$var(cid)"); \$var(x) = \$rc; if (\$var(x) == \$var(want)) { \$var(ok) = \$var(ok) + 1; } \$var(i) = \$var(i) + 1; }
    } else if (\$rU == "alive") {
        while (\$var(i) < \$var(n)) { tcp_conid_alive("\$var(cid)"); \$var(x) = \$rc; if (\$var(x) == \$var(want)) { \$var(ok) = \$var(ok) + 1; } \$var(i) = \$var(i) + 1; }
    } else if (\$rU == "life") {
        while (\$var(i) < \$var(n)) { tcp_set_connection_lifetime("3600"); \$var(x) = \$rc; if (\$var(x) == \$var(want)) { \$var(ok) = \$var(ok) + 1; } \$var(i) = \$var(i) + 1; }
    }
    append_to_reply("X-OK: \$var(ok)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
CFG
	valgrind --tool=callgrind --trace-children=yes --collect-atstart=no \
		--toggle-collect=receive_msg --callgrind-out-file="$d/cg.%p" \
		kamailio -f "$d/k.cfg" -DD -E -X tlsf -m 64 -M 8 -Y "$d" -w "$d" >"$d/out.log" 2>&1 &
	local vpid=$! i
	for i in $(seq 240); do
		ss -Htnl "sport = :$port" | grep -q . && break
		sleep 0.5
	done
	sleep 3
	python3 - "$port" "$mode" "$n" <<'PY'
import socket, sys
port, mode, n = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(300)
lp = s.getsockname()[1]
m = (f"OPTIONS sip:{mode}@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:{lp};branch=z9hG4bKcg\r\n"
     f"From: <sip:a@x>;tag=1\r\nTo: <sip:{mode}@x>\r\nCall-ID: cg\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
     "Content-Length: 0\r\n\r\n")
s.sendall(m.encode())
buf = b""
while b"\r\n\r\n" not in buf:
    buf += s.recv(65535)
ok = [l for l in buf.decode().split("\r\n") if l.startswith("X-OK: ")]
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
for side in C:"$c_mod" ours:"$ours"; do
	name=${side%%:*} mod=${side#*:}
	e=$(run "$mod" empty)
	for op in ${OPS:-state alive life}; do
		v=$(run "$mod" "$op")
		echo "$name $op: $(((v - e) / n)) instructions per call"
	done
done
