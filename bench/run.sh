#!/usr/bin/env bash
# Benchmark gongkai against Groonga (Debian, TokenBigram) and plain bleve+gse
# on the same corpus and query load, in one run, on this machine.
#
#   bench/run.sh CORPUS_DIR [QUERY_FILE]
#   bench/run.sh ../shared/corpus/jsonl bench/queries.txt
#
# Prints one table: indexing time and MB/s of body text, peak RSS while
# indexing, index size, start → first answered query, RSS after start, and
# latency p50/p95/p99 and QPS at 1 and 8 clients over HTTP; then gongkai's
# `--rebuild` of the same corpus and an incremental run over a copy in
# which 1% of the documents changed; then the ratios of gongkai to Groonga
# and the targets of issue 11. Environment: DURATION (per load, default 20s),
# BENCH_WORK (scratch folder, default /tmp/gongkai-bench), SKIP_PLAIN=1 to
# leave out the plain-bleve baseline (it needs about 2 GB of memory), PAIRS
# (default 3) for the alternating builds of gongkai and Groonga whose
# median ratio decides the indexing target.
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=${1:?usage: bench/run.sh CORPUS_DIR [QUERY_FILE]}
QUERIES=${2:-bench/queries.txt}
WORK=${BENCH_WORK:-/tmp/gongkai-bench}
DURATION=${DURATION:-20s}
rm -rf "$WORK"
mkdir -p "$WORK"

need() { command -v "$1" >/dev/null 2>&1; }
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if ! need groonga || ! [ -x /usr/bin/time ] || ! need curl; then
	echo "installing groonga-bin, time and curl from Debian…" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq groonga-bin time curl >/dev/null
fi

echo "building…" >&2
go build -o "$WORK/gongkai" ./cmd/gongkai
go build -o "$WORK/gongkai-load" ./cmd/gongkai-load
go build -o "$WORK/plainbleve" ./bench/plainbleve
go build -o "$WORK/grnload" ./bench/grnload

# Query variants: Groonga and plain bleve know no gongkai filters
# (year:, 机关: …); they get the words only.
grep -v '^[[:space:]]*#' "$QUERIES" | sed '/^[[:space:]]*$/d' >"$WORK/q-gongkai.txt"
sed -E 's/(^| )[^ ]*[:：][^ ]*//g; s/[“”]/"/g; s/^ +//' "$WORK/q-gongkai.txt" | sed '/^[[:space:]]*$/d' >"$WORK/q-groonga.txt"
sed -E 's/"//g; s/ OR / /g; s/(^| )-[^ ]+//g' "$WORK/q-groonga.txt" | sed '/^[[:space:]]*$/d' >"$WORK/q-plain.txt"

# timed CMD… : runs a command, records wall seconds and peak RSS (MB).
# Every build starts with no earlier build's writes pending (sync, not
# timed): Groonga leaves its files to the kernel to write back, and that
# writeback otherwise ran into the next build's time (gongkai syncs its
# index before it exits, and waited behind it).
timed() {
	[ "${TIMED_SYNC:-1}" = 1 ] && sync
	/usr/bin/time -f "%e %M" -o "$WORK/time.out" "$@" >>"$WORK/log" 2>&1
	read -r T_WALL T_RSS <"$WORK/time.out"
	T_RSS=$((T_RSS / 1024))
}

# serve NAME URL CMD… : starts a server, waits for URL to answer, records
# start → first answer (s) and RSS one second later (MB).
serve() {
	local name=$1 url=$2
	shift 2
	local t0
	t0=$(date +%s.%N)
	"$@" >>"$WORK/$name.serve.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 3000); do
		if curl -sf -o /dev/null "$url"; then break; fi
		sleep 0.01
	done
	START=$(echo "$(date +%s.%N) - $t0" | bc)
	sleep 1
	SERVE_RSS=$(($(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status") / 1024))
}

stop() { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

# load NAME URL_TEMPLATE QUERY_FILE : 1 and 8 clients.
load() {
	local name=$1 url=$2 q=$3
	for c in 1 8; do
		"$WORK/gongkai-load" -name "$name" -url "$url" -queries "$q" -clients $c -spread -duration "$DURATION" -json >"$WORK/$name.load$c.json"
	done
}

field() { sed -E "s/.*\"$2\":([0-9.]+).*/\\1/" "$WORK/$1"; }

ROWS=()
row() { # file_prefix display_name index_s rss_mb size_mb start_s serve_rss
	local l1="$1.load1.json" l8="$1.load8.json" name=$2
	shift
	for f in "$l1" "$l8"; do
		if [ "$(field "$f" errors)" != "0" ]; then
			echo "warning: $f: $(field "$f" errors) failed requests" >&2
		fi
	done
	ROWS+=("$(printf '| %s | %.1f s (%.1f MB/s) | %d MB | %d MB | %.2f s | %d MB | %.1f / %.1f / %.1f ms, %.0f q/s | %.1f / %.1f / %.1f ms, %.0f q/s |' \
		"$name" "$2" "$(echo "$TEXT_MB / $2" | bc -l)" "$3" "$4" "$5" "$6" \
		"$(field "$l1" p50_ms)" "$(field "$l1" p95_ms)" "$(field "$l1" p99_ms)" "$(field "$l1" qps)" \
		"$(field "$l8" p50_ms)" "$(field "$l8" p95_ms)" "$(field "$l8" p99_ms)" "$(field "$l8" qps)")")
}

# --- gongkai ---------------------------------------------------------------
echo "gongkai: indexing…" >&2
timed "$WORK/gongkai" index --index "$WORK/gk-index" "$CORPUS"
GK_T=$T_WALL GK_RSS=$T_RSS
TEXT_MB=$(grep -oE '正文 [0-9.]+ MB' "$WORK/log" | tail -1 | grep -oE '[0-9.]+')
"$WORK/gongkai" search --index "$WORK/gk-index" 放管服 >/dev/null # opens and settles the index
GK_SIZE=$(du -sm "$WORK/gk-index" | cut -f1)
serve gongkai "http://127.0.0.1:18080/api/search?q=%E6%94%BE%E7%AE%A1%E6%9C%8D" \
	"$WORK/gongkai" serve --index "$WORK/gk-index" --addr 127.0.0.1:18080
GK_START=$START GK_SERVE=$SERVE_RSS
echo "gongkai: load…" >&2
load gongkai "http://127.0.0.1:18080/api/search?q={q}" "$WORK/q-gongkai.txt"
stop
row gongkai gongkai "$GK_T" "$GK_RSS" "$GK_SIZE" "$GK_START" "$GK_SERVE"

# --rebuild of the whole corpus, then an incremental run over a copy in
# which every 100th document has a changed body (1%).
echo "gongkai: --rebuild…" >&2
timed "$WORK/gongkai" index --rebuild --index "$WORK/gk-index" "$CORPUS"
GK_RT=$T_WALL GK_RRSS=$T_RSS
mkdir -p "$WORK/changed"
for f in "$CORPUS"/*.jsonl; do
	awk '{ if (NR % 100 == 0) sub(/"body": *"/, "&（本条于基准测试中修改）"); print }' "$f" >"$WORK/changed/$(basename "$f")"
done
echo "gongkai: incremental run (1% changed)…" >&2
timed "$WORK/gongkai" index --index "$WORK/gk-index" "$WORK/changed"
GK_IT=$T_WALL GK_IRSS=$T_RSS
GK_ICHANGED=$(grep -oE '新增或更新 [0-9]+' "$WORK/log" | tail -1 | grep -oE '[0-9]+')

# --- Groonga -----------------------------------------------------------------
echo "groonga: loading and indexing…" >&2
"$WORK/grnload" "$CORPUS" >"$WORK/load.grn"
DB="$WORK/grn/db"
mkdir -p "$WORK/grn"
cat >"$WORK/schema.grn" <<'EOF'
table_create Docs TABLE_HASH_KEY ShortText
column_create Docs title COLUMN_SCALAR ShortText
column_create Docs body COLUMN_SCALAR LongText
EOF
cat >"$WORK/index.grn" <<'EOF'
table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram --normalizer NormalizerAuto
column_create Terms docs_index COLUMN_INDEX|WITH_POSITION|WITH_SECTION Docs title,body
EOF
# grnbuild DB : creates a Groonga database, loads the corpus and builds
# its index; records their wall seconds together and the peak RSS (MB).
grnbuild() {
	groonga -n "$1" <"$WORK/schema.grn" >>"$WORK/log"
	timed groonga --file "$WORK/load.grn" "$1"
	local t1=$T_WALL r1=$T_RSS
	# (its own load's writes are part of its build: no sync between)
	TIMED_SYNC=0 timed groonga --file "$WORK/index.grn" "$1"
	T_WALL=$(echo "$t1 + $T_WALL" | bc) T_RSS=$((r1 > T_RSS ? r1 : T_RSS))
}
grnbuild "$DB"
GR_T=$T_WALL GR_RSS=$T_RSS
GR_SIZE=$(du -sm "$WORK/grn" | cut -f1)
GR_Q='http://127.0.0.1:18081/d/select?table=Docs&match_columns=title*2||body&query={q}&output_columns=_key,title,snippet_html(body)&limit=10&sort_keys=-_score&cache=no'
serve groonga "http://127.0.0.1:18081/d/select?table=Docs&match_columns=body&query=%E6%94%BE%E7%AE%A1%E6%9C%8D&limit=1" \
	groonga -s --protocol http --port 18081 --bind-address 127.0.0.1 "$DB"
GR_START=$START GR_SERVE=$SERVE_RSS
echo "groonga: load…" >&2
load groonga "$GR_Q" "$WORK/q-groonga.txt"
stop
row groonga groonga "$GR_T" "$GR_RSS" "$GR_SIZE" "$GR_START" "$GR_SERVE"

# --- indexing, paired ---------------------------------------------------------
# The host's speed drifts (by half within an hour, measured in the fifth
# session), so one build of each engine, minutes apart, can carry the drift
# into their ratio. PAIRS more builds of each, alternating, give a ratio
# per pair; the target's verdict is their median.
PAIRS=${PAIRS:-3}
PAIR_GK=() PAIR_GR=() PAIR_RATIOS=()
for i in $(seq 1 "$PAIRS"); do
	echo "indexing pair $i of $PAIRS…" >&2
	rm -rf "$WORK/pair-gk" "$WORK/pair-grn"
	timed "$WORK/gongkai" index --index "$WORK/pair-gk" "$CORPUS"
	PG=$T_WALL
	mkdir -p "$WORK/pair-grn"
	grnbuild "$WORK/pair-grn/db"
	PR=$T_WALL
	PAIR_GK+=("$PG") PAIR_GR+=("$PR")
	PAIR_RATIOS+=("$(echo "scale=3; $PR / $PG" | bc -l)") # gongkai's MB/s over Groonga's
done
rm -rf "$WORK/pair-gk" "$WORK/pair-grn"
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
PAIR_MED=$(median "${PAIR_RATIOS[@]}")

# --- plain bleve + gse -------------------------------------------------------
if [ "${SKIP_PLAIN:-}" = "" ]; then
	echo "plain bleve: indexing…" >&2
	timed "$WORK/plainbleve" index "$WORK/pb-index" "$CORPUS"
	PB_T=$T_WALL PB_RSS=$T_RSS
	PB_SIZE=$(du -sm "$WORK/pb-index" | cut -f1)
	serve plainbleve "http://127.0.0.1:18082/search?q=%E6%94%BE%E7%AE%A1%E6%9C%8D" \
		"$WORK/plainbleve" serve "$WORK/pb-index" 127.0.0.1:18082
	PB_START=$START PB_SERVE=$SERVE_RSS
	echo "plain bleve: load…" >&2
	load plainbleve "http://127.0.0.1:18082/search?q={q}" "$WORK/q-plain.txt"
	stop
	row plainbleve "plain bleve+gse" "$PB_T" "$PB_RSS" "$PB_SIZE" "$PB_START" "$PB_SERVE"
fi

# --- table ---------------------------------------------------------------------
echo
echo "Corpus: $CORPUS ($TEXT_MB MB of body text); queries: $QUERIES ($(wc -l <"$WORK/q-gongkai.txt") lines); $(nproc) cores; load $DURATION per run."
echo
echo "| engine | index time | peak RSS indexing | index on disk | start → first answer | RSS after start | 1 client p50/p95/p99, QPS | 8 clients p50/p95/p99, QPS |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
echo
ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo "gongkai / Groonga: indexing time $(ratio "$GK_T" "$GR_T")×, index size $(ratio "$GK_SIZE" "$GR_SIZE")×," \
	"8-client QPS $(ratio "$(field gongkai.load8.json qps)" "$(field groonga.load8.json qps)")×," \
	"8-client p99 $(ratio "$(field gongkai.load8.json p99_ms)" "$(field groonga.load8.json p99_ms)")×"
if [ "${SKIP_PLAIN:-}" = "" ]; then
	echo "(gongkai answers with sections, snippets and facets; Groonga with snippet_html; plain bleve with bleve's highlighter.)"
else
	echo "(gongkai answers with sections, snippets and facets; Groonga with snippet_html.)"
fi
echo
printf 'gongkai --rebuild: %.1f s (%.1f MB/s), peak RSS %d MB; incremental run, %s of the documents changed: %.1f s, peak RSS %d MB\n' \
	"$GK_RT" "$(echo "$TEXT_MB / $GK_RT" | bc -l)" "$GK_RRSS" "$GK_ICHANGED" "$GK_IT" "$GK_IRSS"
echo "indexing in $PAIRS more pairs, alternating: gongkai ${PAIR_GK[*]} s, Groonga ${PAIR_GR[*]} s; gongkai's MB/s over Groonga's per pair ${PAIR_RATIOS[*]} (median $PAIR_MED)"
echo
# Targets of issue 11, each with the figure of this run.
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo met; else echo "**not met**"; fi; }
GK_MBS=$(echo "$TEXT_MB / $GK_T" | bc -l) GR_MBS=$(echo "$TEXT_MB / $GR_T" | bc -l) GK_RMBS=$(echo "$TEXT_MB / $GK_RT" | bc -l)
GK_Q8=$(field gongkai.load8.json qps) GR_Q8=$(field groonga.load8.json qps)
GK_P99_8=$(field gongkai.load8.json p99_ms) GK_P99_1=$(field gongkai.load1.json p99_ms)
echo "| target | measured | |"
echo "| --- | --- | --- |"
printf '| indexing ≥ Groonga'"'"'s MB/s (%.2f) | first build %.2f MB/s (%.2f×; median of %d alternating pairs %.2f×), --rebuild %.2f MB/s (%.2f×) | %s |\n' "$GR_MBS" "$GK_MBS" "$(ratio "$GK_MBS" "$GR_MBS")" "$PAIRS" "$PAIR_MED" "$GK_RMBS" "$(ratio "$GK_RMBS" "$GR_MBS")" "$(verdict "$PAIR_MED >= 1 && $GK_RMBS >= $GR_MBS")"
printf '| peak RSS indexing ≤ 1 GB | %d / %d / %d MB (build / rebuild / incremental) | %s |\n' "$GK_RSS" "$GK_RRSS" "$GK_IRSS" "$(verdict "$GK_RSS <= 1024 && $GK_RRSS <= 1024 && $GK_IRSS <= 1024")"
printf '| index on disk ≤ 3× body text (%.0f MB) | %d MB (%.2f×) | %s |\n' "$(echo "3 * $TEXT_MB" | bc -l)" "$GK_SIZE" "$(ratio "$GK_SIZE" "$TEXT_MB")" "$(verdict "$GK_SIZE <= 3 * $TEXT_MB")"
printf '| 8 clients p99 ≤ 20 ms | %.1f ms | %s |\n' "$GK_P99_8" "$(verdict "$GK_P99_8 <= 20")"
printf '| 8 clients QPS ≥ 1.5× Groonga'"'"'s (%.0f) | %.0f q/s (%.2f×) | %s |\n' "$GR_Q8" "$GK_Q8" "$(ratio "$GK_Q8" "$GR_Q8")" "$(verdict "$GK_Q8 >= 1.5 * $GR_Q8")"
printf '| 1 client p99 ≤ 8 ms | %.1f ms | %s |\n' "$GK_P99_1" "$(verdict "$GK_P99_1 <= 8")"
