#!/usr/bin/env bash
# The figures of docs/scale-out.md: gongkai on a 3-node OpenSearch cluster
# (3 shards, 1 replica) next to the embedded bleve engine, on this machine,
# in one session. Each stage prints a Markdown table and keeps it in
# $WORK/results/STAGE.md.
#
#   bench/scaleout.sh STAGE...
#   bench/scaleout.sh start index findability latency failover-stop failover-kill growth stard stop
#
# Stages:
#   start          build the binaries; start a dist-mode cluster (3 bin/opensearch processes)
#                  on ports $HTTP_PORT… / $TRANSPORT_PORT… in $WORK/cluster
#   index          the corpus into bleve and into OpenSearch (gongkai index --rebuild): time, disk
#   findability    gongkai-lab findability (1000 samples, exact titles, 文号) on both engines
#   latency        /api/search through gongkai serve on both engines, 1 and 8 clients
#   failover-stop  under 4 clients of load and a writer: stop-node (SIGTERM) of one node, wait
#                  for green, start it again; failed requests per 5 s, acknowledged writes verified
#   failover-kill  the same with kill-node (SIGKILL) of the elected cluster manager
#   growth         the corpus ×4 (bench/relabel.sh) on both engines: time, disk, latency
#   stard          STARD dev (gongkai-lab eval) on both engines
#   stop           stop the cluster
#
# Environment: CORPUS (default ../shared/corpus/jsonl), STARD (default
# ../shared/eval/stard), WORK (default /tmp/gongkai-scaleout), HTTP_PORT /
# TRANSPORT_PORT (node 1's, default 9241 / 9341: away from CI's 9201/9301),
# MODE (dist or runner; failover-kill needs dist), DURATION (per load run,
# default 20s), DELAYED_TIMEOUT (index.unassigned.node_left.delayed_timeout
# set on the index before a failover stage; default: leave OpenSearch's 1m).
# Needs what .ci/opensearch/cluster.sh needs (Java 17, Maven, curl), and jq
# and bc; /usr/bin/time for the index stages.
set -euo pipefail
for tool in jq bc curl /usr/bin/time; do
	command -v "$tool" >/dev/null || {
		echo "scaleout: $tool not found" >&2
		exit 1
	}
done
cd "$(dirname "$0")/.."

CORPUS=${CORPUS:-../shared/corpus/jsonl}
STARD=${STARD:-../shared/eval/stard}
WORK=${WORK:-/tmp/gongkai-scaleout}
HTTP_PORT=${HTTP_PORT:-9241}
TRANSPORT_PORT=${TRANSPORT_PORT:-9341}
MODE=${MODE:-dist}
DURATION=${DURATION:-20s}
DELAYED_TIMEOUT=${DELAYED_TIMEOUT:-}
BIN=$WORK/bin
RES=$WORK/results
BLEVE_PORT=18241
OS_PORT=18242
mkdir -p "$WORK" "$RES"
# The cluster's folder must be reachable by the opensearch user of dist mode.
chmod o+x "$WORK"

say() { echo "[$(date +%T)] $*" >&2; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

cmd_cluster() {
	local sub=$1
	shift
	.ci/opensearch/cluster.sh "$sub" "$@" --dir "$WORK/cluster"
}

urls() {
	local i out=""
	for i in 0 1 2; do out+="${out:+,}http://127.0.0.1:$((HTTP_PORT + i))"; done
	echo "$out"
}
URLS=$(urls)
OSF=(--engine opensearch --opensearch "$URLS" --opensearch-shards 3 --opensearch-replicas 1)

# os_get PATH: GET from the first node that answers.
os_get() {
	local i
	for i in 0 1 2; do
		if curl -fsS -m 5 "http://127.0.0.1:$((HTTP_PORT + i))$1" 2>/dev/null; then return 0; fi
	done
	return 1
}

# os_disk ALIAS: "primaries_MB total_MB docs" of the index behind ALIAS.
os_disk() {
	os_get "/_cat/indices/$1?bytes=b&h=pri.store.size,store.size,docs.count" |
		awk '{printf "%.1f %.1f %d\n", $1 / 1e6, $2 / 1e6, $3}'
}

# timed OUT CMD…: runs CMD with its output in OUT.log, wall seconds and peak RSS (MB) in OUT.time.
timed() {
	local out=$1
	shift
	/usr/bin/time -f "%e %M" -o "$out.time" "$@" >"$out.log" 2>&1 || {
		tail -n 20 "$out.log" >&2
		return 1
	}
}
secs() { cut -d' ' -f1 "$1.time"; }
rss() { echo $(($(cut -d' ' -f2 "$1.time") / 1024)); }

# index_both NAME FILE…: NAME into bleve ($WORK/bleve-NAME) and into OpenSearch (alias gk-NAME).
index_both() {
	local name=$1
	shift
	say "$name: bleve index (load $(load_avg))"
	rm -rf "$WORK/bleve-$name"
	timed "$WORK/ix-bleve-$name" "$BIN/gongkai" index --index "$WORK/bleve-$name" "$@"
	"$BIN/gongkai" search --index "$WORK/bleve-$name" 放管服 >/dev/null
	say "$name: OpenSearch index (load $(load_avg))"
	timed "$WORK/ix-os-$name" "$BIN/gongkai" index --rebuild "${OSF[@]}" --opensearch-index "gk-$name" "$@"
	local bl_mb pri tot docs
	bl_mb=$(du -sm "$WORK/bleve-$name" | cut -f1)
	read -r pri tot docs <<<"$(os_disk "gk-$name")"
	{
		echo
		echo "$name ($(grep -oE '文档 [0-9]+' "$WORK/ix-bleve-$name.log" | tail -1), $(grep -oE '正文 [0-9.]+ MB' "$WORK/ix-bleve-$name.log" | tail -1)); load average at the end $(load_avg)"
		echo
		echo "| engine | index time | peak RSS of gongkai index | on disk |"
		echo "| --- | --- | --- | --- |"
		printf '| bleve | %.1f s | %d MB | %d MB (folder) |\n' "$(secs "$WORK/ix-bleve-$name")" "$(rss "$WORK/ix-bleve-$name")" "$bl_mb"
		printf '| OpenSearch, 3 shards × 2 copies | %.1f s (to alias swap, replicas copied) | %d MB | %s MB primaries, %s MB total, %s Lucene docs |\n' \
			"$(secs "$WORK/ix-os-$name")" "$(rss "$WORK/ix-os-$name")" "$pri" "$tot" "$docs"
	} | tee "$RES/index-$name.md"
}

# serve_both NAME: gongkai serve on bleve-NAME and on gk-NAME; waits for /readyz.
SERVE_PIDS=()
serve_both() {
	local name=$1
	"$BIN/gongkai" serve --index "$WORK/bleve-$name" --addr "127.0.0.1:$BLEVE_PORT" --no-sample >"$WORK/serve-bleve-$name.log" 2>&1 &
	SERVE_PIDS+=($!)
	"$BIN/gongkai" serve "${OSF[@]}" --opensearch-index "gk-$name" --addr "127.0.0.1:$OS_PORT" --no-sample >"$WORK/serve-os-$name.log" 2>&1 &
	SERVE_PIDS+=($!)
	wait_ready "$BLEVE_PORT"
	wait_ready "$OS_PORT"
}
wait_ready() {
	local n=0
	until curl -sf -o /dev/null "http://127.0.0.1:$1/readyz"; do
		((n++ < 600)) || {
			say "server on $1 not ready after 60 s"
			return 1
		}
		sleep 0.1
	done
}
stop_servers() {
	local p
	for p in "${SERVE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${SERVE_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	SERVE_PIDS=()
}
trap 'stop_servers; [ -n "${BG_PIDS:-}" ] && kill $BG_PIDS 2>/dev/null; true' EXIT

queries() { grep -v '^[[:space:]]*#' bench/queries.txt | sed '/^[[:space:]]*$/d' >"$WORK/q.txt"; }
jfield() { jq -r ".$2" "$1"; }

# latency_both NAME: 1 and 8 clients on each engine, interleaved so both meet the same machine load.
latency_both() {
	local name=$1 c e port
	queries
	serve_both "$name"
	for c in 1 8; do
		for e in bleve os; do
			port=$BLEVE_PORT
			[ $e = os ] && port=$OS_PORT
			say "$name: $e, $c clients (load $(load_avg))"
			"$BIN/gongkai-load" -name "$e" -url "http://127.0.0.1:$port/api/search?q={q}" -queries "$WORK/q.txt" \
				-clients $c -spread -duration "$DURATION" -json >"$WORK/load-$name-$e-$c.json"
		done
	done
	local load_end
	load_end=$(load_avg)
	stop_servers
	{
		echo
		echo "$name: /api/search, $(wc -l <"$WORK/q.txt") queries of bench/queries.txt, $DURATION per run; load average at the end $load_end"
		echo
		echo "| engine | 1 client p50 / p99 | 1 client QPS | 8 clients p50 / p99 | 8 clients QPS | errors |"
		echo "| --- | --- | --- | --- | --- | --- |"
		for e in bleve os; do
			local f1="$WORK/load-$name-$e-1.json" f8="$WORK/load-$name-$e-8.json"
			printf '| %s | %.1f / %.1f ms | %.0f | %.1f / %.1f ms | %.0f | %d |\n' "$([ $e = os ] && echo OpenSearch || echo bleve)" \
				"$(jfield "$f1" p50_ms)" "$(jfield "$f1" p99_ms)" "$(jfield "$f1" qps)" \
				"$(jfield "$f8" p50_ms)" "$(jfield "$f8" p99_ms)" "$(jfield "$f8" qps)" \
				$(($(jfield "$f1" errors) + $(jfield "$f8" errors)))
		done
	} | tee "$RES/latency-$name.md"
}

stage_start() {
	say "building"
	mkdir -p "$BIN"
	go build -o "$BIN/" ./cmd/gongkai ./cmd/gongkai-lab ./cmd/gongkai-load
	say "starting a $MODE cluster (load $(load_avg))"
	cmd_cluster start --mode "$MODE" --fresh --timeout 300 --http-port "$HTTP_PORT" --transport-port "$TRANSPORT_PORT" >/dev/null
	os_get "/_cat/nodes?h=name,version,heap.max,ram.max&v"
}

stage_stop() { cmd_cluster stop; }

stage_index() { index_both corpus "$CORPUS"; }

stage_findability() {
	local e out
	for e in bleve os; do
		say "findability on $e (load $(load_avg))"
		if [ $e = bleve ]; then
			"$BIN/gongkai-lab" findability --index "$WORK/bleve-corpus" --samples 1000 "$CORPUS" >"$WORK/find-$e.txt" || true
		else
			"$BIN/gongkai-lab" findability "${OSF[@]}" --opensearch-index gk-corpus --samples 1000 "$CORPUS" >"$WORK/find-$e.txt" || true
		fi
	done
	{
		echo
		for e in bleve os; do
			echo "$([ $e = os ] && echo OpenSearch || echo bleve):"
			echo
			sed 's/^/    /' "$WORK/find-$e.txt"
			echo
		done
	} | tee "$RES/findability.md"
}

stage_latency() { latency_both corpus; }

stage_growth() {
	bench/relabel.sh 4 "$WORK/x4.jsonl" "$CORPUS"
	index_both x4 "$WORK/x4.jsonl"
	latency_both x4
}

stage_stard() {
	local s=$STARD e
	[ -f "$WORK/stard.jsonl" ] || "$BIN/gongkai-lab" convert-stard --text-only "$s/corpus.jsonl" "$WORK/stard.jsonl"
	index_both stard "$WORK/stard.jsonl"
	for e in bleve os; do
		say "STARD dev on $e (load $(load_avg))"
		if [ $e = bleve ]; then
			"$BIN/gongkai-lab" eval --index "$WORK/bleve-stard" --queries "$s/queries.jsonl" --qrels "$s/qrels.dev.tsv" --split dev >"$WORK/eval-$e.txt"
		else
			"$BIN/gongkai-lab" eval "${OSF[@]}" --opensearch-index gk-stard --queries "$s/queries.jsonl" --qrels "$s/qrels.dev.tsv" --split dev >"$WORK/eval-$e.txt"
		fi
	done
	{
		echo
		for e in bleve os; do
			echo "$([ $e = os ] && echo OpenSearch || echo bleve):"
			echo
			sed 's/^/    /' "$WORK/eval-$e.txt"
			echo
		done
	} | tee "$RES/stard.md"
}

# failover ACTION: ACTION (stop-node or kill-node) of one node while 4 clients search through
# gongkai serve --engine opensearch and gongkai-lab writes posts documents; then wait for green
# on two nodes, start the node again and wait for green on three.
failover() {
	local action=$1 tag=$1 victim master survivor t0 port=18243
	export GONGKAI_TOKEN=scaleout-token
	queries
	if [ -n "$DELAYED_TIMEOUT" ]; then
		tag="$tag-delay$DELAYED_TIMEOUT"
		curl -fsS -XPUT "http://127.0.0.1:$HTTP_PORT/gk-corpus/_settings" -H 'Content-Type: application/json' \
			-d "{\"index.unassigned.node_left.delayed_timeout\":\"$DELAYED_TIMEOUT\"}" >/dev/null
	fi
	master=$(os_get "/_cat/master?h=node")
	if [ "$action" = kill-node ]; then victim=${master#n}; else victim=$(((${master#n} % 3) + 1)); fi
	survivor=$(((victim % 3) + 1))
	local sport=$((HTTP_PORT + survivor - 1))
	say "$tag: elected cluster manager $master; the victim is n$victim; health from n$survivor (load $(load_avg))"
	"$BIN/gongkai" serve "${OSF[@]}" --opensearch-index gk-corpus --addr "127.0.0.1:$port" --no-sample >"$WORK/serve-$tag.log" 2>&1 &
	SERVE_PIDS+=($!)
	wait_ready $port
	rm -f "$WORK/acked-$tag.txt" "$WORK/stop-$tag" "$WORK/slices-$tag.txt" "$WORK/health-$tag.txt"
	t0=$(date +%s.%N)
	rel() { echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.1f'; }
	BG_PIDS=""
	"$BIN/gongkai-lab" writes --url "http://127.0.0.1:$port" --log "$WORK/acked-$tag.txt" --prefix "$tag-$(date +%s)" --batch 5 >"$WORK/writes-$tag.txt" 2>&1 &
	local writer=$!
	BG_PIDS+=" $writer"
	(
		while [ ! -f "$WORK/stop-$tag" ]; do
			s=$(rel)
			"$BIN/gongkai-load" -url "http://127.0.0.1:$port/api/search?q={q}" -queries "$WORK/q.txt" -clients 4 -spread -duration 5s -warmup 0 -json >"$WORK/slice.json" 2>/dev/null || true
			echo "$s $(jq -r '"\(.requests) \(.errors) \(.p50_ms) \(.p99_ms) \(.first_error // "" | gsub(" "; "_"))"' "$WORK/slice.json")" >>"$WORK/slices-$tag.txt"
		done
	) &
	local loader=$!
	BG_PIDS+=" $loader"
	(
		while [ ! -f "$WORK/stop-$tag" ]; do
			h=$(curl -fsS -m 2 "http://127.0.0.1:$sport/_cluster/health" 2>/dev/null | jq -r '"\(.status) \(.number_of_nodes) \(.unassigned_shards) \(.initializing_shards) \(.relocating_shards)"' || echo "down")
			echo "$(rel) $h" >>"$WORK/health-$tag.txt"
			sleep 0.5
		done
	) &
	local poller=$!
	BG_PIDS+=" $poller"
	sleep 15
	local t_fail t_green2="" t_start t_green3 n=0
	t_fail=$(rel)
	say "$tag: $action $victim at ${t_fail}s"
	cmd_cluster "$action" "$victim"
	# Green on the two nodes left (replicas re-created elsewhere), at most 4 minutes.
	while ((n++ < 480)); do
		if tail -n 1 "$WORK/health-$tag.txt" | grep -q '^[0-9.]* green 2 '; then
			t_green2=$(rel)
			break
		fi
		sleep 0.5
	done
	say "$tag: green on 2 nodes at ${t_green2:-never}s; starting n$victim again"
	sleep 10
	t_start=$(rel)
	cmd_cluster start-node "$victim"
	t_green3=$(rel)
	sleep 10
	touch "$WORK/stop-$tag"
	kill -INT "$writer" 2>/dev/null || true
	wait "$loader" "$writer" "$poller" 2>/dev/null || true
	BG_PIDS=""
	local verify
	verify=$("$BIN/gongkai-lab" verify --url "http://127.0.0.1:$port" "$WORK/acked-$tag.txt" 2>&1 | tail -n 3) || true
	stop_servers
	local total errors bad_slices
	total=$(awk '{s += $2} END {print s}' "$WORK/slices-$tag.txt")
	errors=$(awk '{s += $3} END {print s}' "$WORK/slices-$tag.txt")
	bad_slices=$(awk '$3 > 0 {printf "%s%s s (%d of %d)", sep, $1, $3, $2; sep = ", "}' "$WORK/slices-$tag.txt")
	{
		echo
		echo "$tag: $action n$victim (elected cluster manager before: $master), 4 clients through gongkai serve --engine opensearch, a writer posting 5 documents per request; load average at the end $(load_avg)"
		echo
		echo "| | |"
		echo "| --- | --- |"
		echo "| $action at | ${t_fail} s |"
		echo "| searches | $total, failed $errors |"
		echo "| 5-s slices with failures (start) | ${bad_slices:-none} |"
		if [ -n "$t_green2" ]; then
			echo "| green on 2 nodes | $(echo "$t_green2 - $t_fail" | bc) s after the $action |"
		else
			echo "| green on 2 nodes | not within 4 min |"
		fi
		echo "| start-node at ${t_start} s, green on 3 nodes | $(echo "$t_green3 - $t_start" | bc) s later |"
		echo "| writes | $(tail -n 1 "$WORK/writes-$tag.txt") (the writer is stopped mid-request at the end: one batch is never answered) |"
		echo "| acknowledged documents verified | $(echo "$verify" | tr '\n' ' ') |"
		echo
		echo "Health from n$survivor (time, status, nodes, unassigned, initializing, relocating), each change:"
		echo
		awk '{k = $2 " " $3 " " $4 " " $5 " " $6} k != last {print "    " $0; last = k}' "$WORK/health-$tag.txt"
	} | tee "$RES/failover-$tag.md"
}

stage_failover-stop() { failover stop-node; }
stage_failover-kill() { failover kill-node; }

[ $# -gt 0 ] || {
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
	exit 2
}
for stage in "$@"; do
	declare -F "stage_$stage" >/dev/null || {
		echo "unknown stage $stage" >&2
		exit 2
	}
done
for stage in "$@"; do
	say "== $stage (load $(load_avg); $(nproc) cores)"
	"stage_$stage"
done
