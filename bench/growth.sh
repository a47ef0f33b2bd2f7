#!/usr/bin/env bash
# How gongkai grows with the corpus: index time, index size, peak memory
# while indexing, RSS serving, and /api/search latency at 8 clients, for
# ¼, ½ and all of a corpus, and (optionally) all of it plus more documents.
#
#   bench/growth.sh CORPUS_DIR [EXTRA_JSONL]
#   bench/growth.sh ../shared/corpus/jsonl /tmp/stard.jsonl   # STARD converted by gongkai-lab convert-stard
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:?usage: bench/growth.sh CORPUS_DIR [EXTRA_JSONL]}
EXTRA=${2:-}
WORK=${BENCH_WORK:-/tmp/gongkai-growth}
DURATION=${DURATION:-15s}
rm -rf "$WORK"
mkdir -p "$WORK"
go build -o "$WORK/gongkai" ./cmd/gongkai
go build -o "$WORK/gongkai-load" ./cmd/gongkai-load
grep -v '^[[:space:]]*#' bench/queries.txt | sed '/^[[:space:]]*$/d' >"$WORK/q.txt"

# One file of all documents, shuffled with a fixed seed so that every
# fraction mixes the sources.
find "$CORPUS" -name '*.jsonl' -print0 | sort -z | xargs -0 cat | awk 'BEGIN{srand(7)} {print rand() "\t" $0}' | sort -k1,1 | cut -f2- >"$WORK/all.jsonl"
N=$(wc -l <"$WORK/all.jsonl")
head -n $((N / 4)) "$WORK/all.jsonl" >"$WORK/quarter.jsonl"
head -n $((N / 2)) "$WORK/all.jsonl" >"$WORK/half.jsonl"
SETS="quarter half all"
if [ -n "$EXTRA" ]; then
	cat "$WORK/all.jsonl" "$EXTRA" >"$WORK/all+extra.jsonl"
	SETS="$SETS all+extra"
fi

echo "| corpus | documents | body text | index time | index on disk | peak RSS indexing | RSS serving | 8 clients p50 / p99, QPS |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for set in $SETS; do
	idx="$WORK/idx-$set"
	/usr/bin/time -f "%e %M" -o "$WORK/time.out" "$WORK/gongkai" index --index "$idx" "$WORK/$set.jsonl" >"$WORK/$set.log" 2>&1
	read -r secs rss <"$WORK/time.out"
	docs=$(grep -oE '文档 [0-9]+' "$WORK/$set.log" | tail -1 | grep -oE '[0-9]+')
	mb=$(grep -oE '正文 [0-9.]+ MB' "$WORK/$set.log" | tail -1 | grep -oE '[0-9.]+')
	"$WORK/gongkai" search --index "$idx" 放管服 >/dev/null
	size=$(du -sm "$idx" | cut -f1)
	"$WORK/gongkai" serve --index "$idx" --addr 127.0.0.1:18090 >"$WORK/$set.serve.log" 2>&1 &
	pid=$!
	until curl -sf -o /dev/null "http://127.0.0.1:18090/readyz"; do sleep 0.05; done
	"$WORK/gongkai-load" -url 'http://127.0.0.1:18090/api/search?q={q}' -queries "$WORK/q.txt" -clients 8 -spread -duration "$DURATION" -json >"$WORK/$set.load.json"
	serve_rss=$(($(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024))
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
	f() { sed -E "s/.*\"$1\":([0-9.]+).*/\\1/" "$WORK/$set.load.json"; }
	printf '| %s | %s | %s MB | %.1f s | %d MB | %d MB | %d MB | %.1f / %.1f ms, %.0f q/s |\n' \
		"$set" "$docs" "$mb" "$secs" "$size" $((rss / 1024)) "$serve_rss" "$(f p50_ms)" "$(f p99_ms)" "$(f qps)"
done
