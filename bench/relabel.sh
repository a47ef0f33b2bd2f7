#!/usr/bin/env bash
# Grow a corpus by relabelled copies: the same documents N times, copy k
# (k ≥ 2) with "-cK" appended to every id, so that an index holds N× the
# documents, terms and text of the original while queries stay meaningful.
# Used by bench/scaleout.sh for the ×4 growth figures.
#
#   bench/relabel.sh N OUT.jsonl CORPUS...
#   bench/relabel.sh 4 /tmp/x4.jsonl ../shared/corpus/jsonl
#
# Reads .jsonl files (folders are searched for them), whose records start
# with their "id" key as the corpus's do; stops with an error when a record
# does not, so no copy can keep its original id.
set -euo pipefail
n=${1:?usage: bench/relabel.sh N OUT.jsonl CORPUS...}
out=${2:?usage: bench/relabel.sh N OUT.jsonl CORPUS...}
shift 2
[ $# -gt 0 ] || { echo "relabel: name the corpus files or folders" >&2; exit 2; }
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "relabel: N must be a positive number" >&2; exit 2; }
src=$(mktemp)
trap 'rm -f "$src"' EXIT
find "$@" -name '*.jsonl' -print0 | sort -z | xargs -0 cat | sed '/^[[:space:]]*$/d' >"$src"
bad=$(grep -cv '^{"id": *"[^"]*"' "$src" || true)
[ "$bad" -eq 0 ] || { echo "relabel: $bad records do not start with their id" >&2; exit 1; }
{
	cat "$src"
	for ((k = 2; k <= n; k++)); do
		sed -E "s/^\\{\"id\": *\"([^\"]*)\"/{\"id\": \"\\1-c$k\"/" "$src"
	done
} >"$out"
echo "relabel: $(wc -l <"$src") documents × $n = $(wc -l <"$out") in $out" >&2
