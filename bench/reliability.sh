#!/usr/bin/env bash
# The long part of gongkai's reliability suite (issue 9), against real
# processes. The fast part runs in `go test` (search/searchtest's cost
# model and large document, FuzzParse, FuzzSearch, the held-index test in
# cmd/gongkai, the hostile-documents test in web).
#
#   bench/reliability.sh [--quick] [CORPUS...]
#   bench/reliability.sh ../shared/corpus/jsonl          # full: kills at 3, 8, 13 s, two 60 s soaks
#   bench/reliability.sh --quick                         # CI: the test corpus, short runs
#
# 1. kill -9 during `gongkai index`, then index again: every document is
#    there and the index opens.
# 2. kill -9 of `gongkai serve` while a client writes: every acknowledged
#    document is there after a restart.
# 3. the hostile query corpus (gongkai-lab hostile): no 5xx, every answer
#    under the ceiling; extra RSS of the server.
# 4. soak: 8 clients, two rounds, no errors, RSS flat within 10%; then the
#    clients' throughput while the hostile queries run beside them.
# 5. a 5 MB document: write time and extra RSS, search time over it.
# 6. two processes on one index: search through the server, index and a
#    second serve stop within seconds with a message.
# Prints one line per check and exits non-zero when any fails.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
if [ "${1:-}" = "--quick" ]; then
	QUICK=1
	shift
fi
if [ $# -gt 0 ]; then
	CORPUS=("$@")
else
	CORPUS=(testdata/corpus/tests.jsonl)
fi
WORK=${RELIABILITY_WORK:-/tmp/gongkai-reliability}
PORT=${RELIABILITY_PORT:-18181}
URL=http://127.0.0.1:$PORT
if [ $QUICK = 1 ]; then
	KILLS=(1 2)
	CRASHES=2
	SOAK=10s
	RANDOM_QUERIES=100
else
	KILLS=() # a quarter, three fifths and nine tenths of the reference build (below)
	CRASHES=3
	SOAK=60s
	RANDOM_QUERIES=400
fi
CEILING=${CEILING:-1s}
rm -rf "$WORK"
mkdir -p "$WORK"
export GONGKAI_TOKEN=reliability-token
FAILED=0
SERVER_PID=""

cleanup() {
	[ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null || true
	pkill -KILL -f "$WORK/gongkai" 2>/dev/null || true
}
trap cleanup EXIT

say() { printf '%-34s %s\n' "$1" "$2"; }
fail() {
	say "$1" "FAIL: $2"
	FAILED=1
}
rss() { awk '/^VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }

echo "building…" >&2
go build -o "$WORK/gongkai" ./cmd/gongkai
go build -o "$WORK/gongkai-lab" ./cmd/gongkai-lab
go build -o "$WORK/gongkai-load" ./cmd/gongkai-load
GK=$WORK/gongkai
LAB=$WORK/gongkai-lab

# serve DIR: starts a server on the index and waits until it is ready.
serve() {
	"$GK" serve --index "$1" --addr "127.0.0.1:$PORT" --no-sample >>"$WORK/serve.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 600); do
		if curl -sf -o /dev/null "$URL/readyz"; then return 0; fi
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then return 1; fi
		sleep 0.1
	done
	return 1
}
stop_server() {
	kill -TERM "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}
count() { curl -sf "$URL/readyz" | sed -E 's/.*"documents":([0-9]+).*/\1/'; }

# --- 1. kill -9 during index -------------------------------------------
start=$(date +%s.%N)
"$GK" index --index "$WORK/ref" "${CORPUS[@]}" >"$WORK/ref.log" 2>&1
took=$(echo "$(date +%s.%N) - $start" | bc)
want=$(grep -oE '文档 [0-9]+' "$WORK/ref.log" | grep -oE '[0-9]+')
if [ ${#KILLS[@]} = 0 ]; then
	# The kills land in the build however fast it is: early, in the
	# middle, and about where the last batches and the final merge are.
	read -r -a KILLS <<<"$(awk -v t="$took" 'BEGIN { printf "%.1f %.1f %.1f", t * 0.25, t * 0.6, t * 0.9 }')"
fi
for at in "${KILLS[@]}"; do
	rm -rf "$WORK/idx"
	"$GK" index --index "$WORK/idx" "${CORPUS[@]}" >"$WORK/kill.log" 2>&1 &
	pid=$!
	sleep "$at"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if ! "$GK" index --index "$WORK/idx" "${CORPUS[@]}" >"$WORK/rerun.log" 2>&1; then
		fail "kill -9 of index at ${at}s" "the rerun failed: $(tail -1 "$WORK/rerun.log")"
		continue
	fi
	serve "$WORK/idx" || { fail "kill -9 of index at ${at}s" "the index does not open"; continue; }
	got=$(count)
	stop_server
	if [ "$got" = "$want" ]; then
		say "kill -9 of index at ${at}s" "ok: $got/$want documents after the rerun"
	else
		fail "kill -9 of index at ${at}s" "$got/$want documents"
	fi
done

# --- 2. kill -9 of serve during writes ----------------------------------
rm -rf "$WORK/w"
cp -r "$WORK/ref" "$WORK/w"
for i in $(seq 1 "$CRASHES"); do
	serve "$WORK/w" || { fail "kill -9 of serve during writes" "serve did not start"; break; }
	"$LAB" writes --url "$URL" --log "$WORK/acked.txt" --prefix "crash$i" >>"$WORK/writes.log" 2>&1 &
	wpid=$!
	sleep $((2 + RANDOM % 3))
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
	kill -TERM "$wpid" 2>/dev/null || true
	wait "$wpid" 2>/dev/null || true
done
serve "$WORK/w"
if "$LAB" verify --url "$URL" "$WORK/acked.txt" >"$WORK/verify.log" 2>&1; then
	say "kill -9 of serve during writes" "ok: $(tail -1 "$WORK/verify.log" | sed 's/^verify: //') after $CRASHES crashes"
else
	fail "kill -9 of serve during writes" "$(tail -1 "$WORK/verify.log")"
fi

# --- 3. hostile queries --------------------------------------------------
before=$(rss "$SERVER_PID")
if "$LAB" hostile --url "$URL" --ceiling "$CEILING" --random "$RANDOM_QUERIES" >"$WORK/hostile.log" 2>&1; then
	say "hostile queries" "ok: $(head -1 "$WORK/hostile.log" | sed 's/^hostile queries: //')"
else
	fail "hostile queries" "$(cat "$WORK/hostile.log")"
fi
say "  RSS" "$before MB before, peak $(hwm "$SERVER_PID") MB"

# --- 4. soak -------------------------------------------------------------------
declare -a SOAK_RSS
for round in 1 2; do
	if "$WORK/gongkai-load" -url "$URL/api/search?q={q}" -queries bench/queries.txt -clients 8 -spread -duration "$SOAK" -name "soak $round" >"$WORK/soak$round.log" 2>&1; then
		SOAK_RSS[round]=$(rss "$SERVER_PID")
		say "soak $round ($SOAK, 8 clients)" "ok: $(sed -E 's/^soak [0-9] //' "$WORK/soak$round.log"), RSS ${SOAK_RSS[round]} MB"
	else
		fail "soak $round" "$(cat "$WORK/soak$round.log")"
	fi
done
if [ -n "${SOAK_RSS[1]:-}" ] && [ -n "${SOAK_RSS[2]:-}" ]; then
	delta=$(echo "scale=1; 100 * (${SOAK_RSS[2]} - ${SOAK_RSS[1]}) / ${SOAK_RSS[1]}" | bc)
	if [ "$(echo "${delta#-} <= 10" | bc)" = 1 ]; then
		say "RSS across the soaks" "ok: ${delta}%"
	else
		fail "RSS across the soaks" "${delta}% (${SOAK_RSS[1]} → ${SOAK_RSS[2]} MB)"
	fi
fi
# --- 4b. throughput while hostile queries run -----------------------------
# The worst shapes, one after another, beside the 8 clients of the soak
# (each from its own loopback address, the hostile client from 127.0.0.1):
# searches run in turn, as many at once as the machine has cores, and one
# client's heavy searches may hold a quarter of that time while others
# search (429 beyond), so the clients' throughput should hold.
( while :; do "$LAB" hostile --url "$URL" --ceiling 1h --random 0 >/dev/null 2>&1 || true; done ) &
hpid=$!
beside_ok=true
"$WORK/gongkai-load" -url "$URL/api/search?q={q}" -queries bench/queries.txt -clients 8 -spread -duration "$SOAK" -name "beside hostile" >"$WORK/beside.log" 2>&1 || beside_ok=false
kill "$hpid" 2>/dev/null || true
wait "$hpid" 2>/dev/null || true
if $beside_ok; then
	qps_alone=$(sed -E 's/.*qps=([0-9.]+).*/\1/' "$WORK/soak2.log")
	qps_beside=$(sed -E 's/.*qps=([0-9.]+).*/\1/' "$WORK/beside.log")
	say "throughput beside hostile queries" "$qps_beside q/s against $qps_alone alone ($(echo "scale=2; $qps_beside / $qps_alone" | bc)×): $(sed -E 's/^beside hostile //' "$WORK/beside.log")"
else
	# Other clients' searches failing while hostile queries run is a
	# failure, not a throughput figure.
	fail "clients beside hostile queries" "$(tr '\n' ' ' <"$WORK/beside.log")"
fi

# --- 5. a 5 MB document ----------------------------------------------------
python3 - "$WORK/big.jsonl" <<'EOF'
import json, random, sys
random.seed(1)
words = "推进 营商环境 优化 深化 放管服 改革 加强 法治政府 建设 完善 制度 体系 提高 行政 效能 服务 群众 企业 数字 政府".split()
paras, size, i = [], 0, 0
while size < 5 * 1024 * 1024:
    i += 1
    p = f"（{i // 50 + 1}）第{i // 50 + 1}部分" if i % 50 == 1 else "".join(random.choice(words) for _ in range(random.randint(20, 200))) + "。"
    paras.append(p)
    size += len(p.encode()) + 1
paras.insert(10, "营商环境优化，" * 13000)
doc = {"id": "big5mb", "title": "五兆字节测试文档", "agency": "测试机关", "date": "2024-01-01", "body": "\n".join(paras)}
open(sys.argv[1], "w").write(json.dumps(doc, ensure_ascii=False) + "\n")
EOF
before=$(rss "$SERVER_PID")
t0=$(date +%s.%N)
code=$(curl -s -o "$WORK/big.out" -w '%{http_code}' -X POST -H "Authorization: Bearer $GONGKAI_TOKEN" --data-binary @"$WORK/big.jsonl" "$URL/api/documents")
took=$(echo "$(date +%s.%N) - $t0" | bc)
peak=$(hwm "$SERVER_PID")
if [ "$code" = 201 ]; then
	say "5 MB document" "written in ${took}s; RSS $before MB before, peak $peak MB"
else
	fail "5 MB document" "answer $code: $(head -c 300 "$WORK/big.out")"
fi
worst=0
for q in 营商环境 "营商环境 优化" '"营商环境优化"' 深化改革 营商环境优化怎么办; do
	for mode in documents passages; do
		t=$(curl -s -o /dev/null -w '%{time_total}' -G --data-urlencode "q=$q" --data-urlencode "mode=$mode" "$URL/api/search")
		worst=$(echo "if ($t > $worst) $t else $worst" | bc)
	done
done
say "  searches over it" "slowest ${worst}s"

# --- 6. two processes on one index -----------------------------------------
t0=$(date +%s.%N)
if "$GK" search --index "$WORK/w" 放管服 >"$WORK/two.log" 2>&1 && grep -q "已通过该服务检索" "$WORK/two.log"; then
	say "search while serve holds the index" "ok: answered through the server in $(echo "$(date +%s.%N) - $t0" | bc)s"
else
	fail "search while serve holds the index" "$(tail -2 "$WORK/two.log")"
fi
for cmd in index serve; do
	t0=$(date +%s.%N)
	if [ $cmd = index ]; then
		timeout 20 "$GK" index --index "$WORK/w" "${CORPUS[@]}" >"$WORK/two.log" 2>&1 && rc=0 || rc=$?
	else
		timeout 20 "$GK" serve --index "$WORK/w" --addr 127.0.0.1:$((PORT + 1)) >"$WORK/two.log" 2>&1 && rc=0 || rc=$?
	fi
	took=$(echo "$(date +%s.%N) - $t0" | bc)
	if [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -q "正被另一个进程使用" "$WORK/two.log" && [ "$(echo "$took < 5" | bc)" = 1 ]; then
		say "$cmd while serve holds the index" "ok: stopped in ${took}s with the holder named"
	else
		fail "$cmd while serve holds the index" "exit $rc after ${took}s: $(tail -1 "$WORK/two.log")"
	fi
done

if grep '"status":5' "$WORK/serve.log" | grep -qv '"route":"readyz"'; then
	fail "server log" "$(grep '"status":5' "$WORK/serve.log" | grep -vc '"route":"readyz"') answers with status 5xx"
fi
stop_server
exit $FAILED
