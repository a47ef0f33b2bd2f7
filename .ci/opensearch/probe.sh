#!/usr/bin/env bash
# Checks the OpenSearch features gongkai's engine relies on (README.md, "Capabilities").
#
#   probe.sh [URL]     URL defaults to the first of $GONGKAI_OPENSEARCH, else http://127.0.0.1:9201
#
# Prints every request it sends and PASS/FAIL per check; exits 1 if any check fails.
# It creates and deletes indices named probe_*; run it against a scratch cluster.
set -euo pipefail

base=${1:-${GONGKAI_OPENSEARCH:-http://127.0.0.1:9201}}
base=${base%%,*}
base=${base%/}
passed=0
failed=0
body=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# req METHOD PATH [JSON | @FILE]: prints the request, leaves the answer in $body.
req() {
	local method=$1 path=$2 data=${3:-}
	if [ -z "$data" ]; then
		echo "\$ curl -X$method '$base$path'"
		body=$(curl -sS -m 120 -X "$method" "$base$path")
	elif [[ $data == @* ]]; then
		echo "\$ curl -X$method '$base$path' -H 'Content-Type: application/x-ndjson' --data-binary $data  # $(wc -l <"${data#@}") lines"
		body=$(curl -sS -m 120 -X "$method" -H 'Content-Type: application/x-ndjson' "$base$path" --data-binary "$data")
	else
		echo "\$ curl -X$method '$base$path' -H 'Content-Type: application/json' -d '$data'"
		body=$(curl -sS -m 120 -X "$method" -H 'Content-Type: application/json' "$base$path" -d "$data")
	fi
}

# bulk PATH LINE...: sends the lines as an NDJSON _bulk body.
bulk() {
	local path=$1
	shift
	printf '%s\n' "$@" >"$tmp/lines.ndjson"
	req POST "$path" "@$tmp/lines.ndjson"
}

# check NAME REGEX: the last answer matches REGEX (grep -E).
check() {
	if grep -qE -- "$2" <<<"$body"; then
		passed=$((passed + 1))
		echo "PASS $1"
	else
		failed=$((failed + 1))
		echo "FAIL $1"
		echo "     wanted /$2/ in: ${body:0:600}"
	fi
}

# need NAME REGEX: check, and fail (return 1) so the section stops when a setup step
# failed; later checks would otherwise run against an auto-created index.
need() {
	local before=$failed
	check "$@"
	[ "$failed" -eq "$before" ] || {
		echo "     (skipping the rest of this section)"
		return 1
	}
}

# refuse NAME REGEX: the last answer does not match REGEX.
refuse() {
	if grep -qE -- "$2" <<<"$body"; then
		failed=$((failed + 1))
		echo "FAIL $1"
		echo "     did not want /$2/ in: ${body:0:600}"
	else
		passed=$((passed + 1))
		echo "PASS $1"
	fi
}

# ids: the _id values of the last search answer, sorted, space-separated.
ids() { { grep -oE '"_id":"[^"]*"' <<<"$body" || true; } | cut -d'"' -f4 | sort | tr '\n' ' ' | sed 's/ $//'; }

check_ids() {
	local got
	got=$(ids)
	if [ "$got" = "$2" ]; then
		passed=$((passed + 1))
		echo "PASS $1 (ids: $got)"
	else
		failed=$((failed + 1))
		echo "FAIL $1: ids '$got', want '$2'"
		echo "     ${body:0:600}"
	fi
}

section() { printf '\n## %s\n' "$*"; }

req GET /
check "reachable" '"number":"2\.19\.1"|"number" : "2\.19\.1"'
curl -sS -m 30 -X DELETE "$base/probe_*" >/dev/null

# ---------------------------------------------------------------------------------------
probe_a() {
	section "a. stop filter, position holes"
	req POST /_analyze '{"tokenizer":"standard","filter":[{"type":"stop","stopwords":["x"]}],"text":"a x b"}'
	check "the stop filter is there (core): standard tokenizer + stop [x] leaves a hole" '"token":"a",[^}]*"position":0\},\{"token":"b",[^}]*"position":2\}'
	# Without a stop filter: the core whitespace analyzer keeps ¶ as a token of its own,
	# which also keeps "a" and "b" apart.
	req PUT /probe_a0 '{"settings":{"number_of_shards":1},"mappings":{"properties":{"body":{"type":"text","analyzer":"whitespace"}}}}'
	need "index with the core whitespace analyzer" '"acknowledged":true' || return 0
	bulk '/probe_a0/_bulk?refresh=wait_for' \
		'{"index":{"_id":"1"}}' \
		'{"body":"a ¶ b"}' \
		'{"index":{"_id":"2"}}' \
		'{"body":"a b"}'
	check "bulk indexed" '"errors":false'
	req POST /probe_a0/_search '{"query":{"match_phrase":{"body":"a b"}}}'
	check_ids 'whitespace analyzer, ¶ kept as a token: match_phrase "a b" does not match "a ¶ b"' "2"

	# The analysis the engine would use: whitespace tokens, ¶ dropped but leaving a hole.
	req PUT /probe_a '{"settings":{"number_of_shards":1,"number_of_replicas":1,"analysis":{"filter":{"pilcrow":{"type":"stop","stopwords":["¶"]}},"analyzer":{"ws_holes":{"type":"custom","tokenizer":"whitespace","filter":["pilcrow"]}}}},"mappings":{"properties":{"body":{"type":"text","analyzer":"ws_holes"}}}}'
	need "custom analyzer {whitespace tokenizer, stop [¶]} accepted" '"acknowledged":true' || return 0
	req POST /probe_a/_analyze '{"analyzer":"ws_holes","text":"a ¶ b"}'
	check "_analyze: a at 0, b at 2 (a hole at 1)" '^\{"tokens":\[\{"token":"a",[^}]*"position":0\},\{"token":"b",[^}]*"position":2\}\]\}$'
	bulk '/probe_a/_bulk?refresh=wait_for' \
		'{"index":{"_id":"1"}}' \
		'{"body":"a ¶ b"}' \
		'{"index":{"_id":"2"}}' \
		'{"body":"a b"}'
	check "bulk indexed" '"errors":false'
	req POST /probe_a/_search '{"query":{"match_phrase":{"body":"a b"}}}'
	check_ids 'match_phrase "a b" does not match "a ¶ b"' "2"
	req POST /probe_a/_search '{"query":{"match_phrase":{"body":"a ¶ b"}}}'
	check_ids 'match_phrase "a ¶ b" (hole in the query too) matches "a ¶ b" only' "1"
}

# ---------------------------------------------------------------------------------------
# probe_b ANALYZER: ws_holes (¶ leaves a hole) or whitespace (¶ is a token nobody asks for).
probe_b() {
	local analyzer=$1 analysis=""
	section "b. phrases across two position-aligned fields (span queries, intervals), analyzer $analyzer"
	if [ "$analyzer" = ws_holes ]; then
		analysis=',"analysis":{"filter":{"pilcrow":{"type":"stop","stopwords":["¶"]}},"analyzer":{"ws_holes":{"type":"custom","tokenizer":"whitespace","filter":["pilcrow"]}}}'
	fi
	curl -sS -m 30 -X DELETE "$base/probe_b" >/dev/null
	# x: one token per position. y: extra tokens at some positions, ¶ elsewhere.
	req PUT /probe_b '{"settings":{"number_of_shards":1'"$analysis"'},"mappings":{"properties":{"x":{"type":"text","analyzer":"'"$analyzer"'"},"y":{"type":"text","analyzer":"'"$analyzer"'"}}}}'
	need "index with fields x, y" '"acknowledged":true' || return 0
	bulk '/probe_b/_bulk?refresh=wait_for' \
		'{"index":{"_id":"1"}}' \
		'{"x":"政府 信息 公开 条例","y":"¶ 信息公开 ¶ ¶"}' \
		'{"index":{"_id":"2"}}' \
		'{"x":"政府 工作 信息 公开","y":"¶ ¶ 信息公开 ¶"}' \
		'{"index":{"_id":"3"}}' \
		'{"x":"政府 信息 工作 报告","y":"¶ ¶ ¶ ¶"}'
	check "bulk indexed" '"errors":false'
	req POST /probe_b/_analyze '{"field":"y","text":"¶ ¶ 信息公开 ¶"}'
	check "_analyze y: the one token sits at position 2" '"token":"信息公开",[^}]*"position":2'
	req POST /probe_b/_search '{"query":{"span_term":{"x":"条例"}}}'
	check_ids "span_term x:条例" "1"
	req POST /probe_b/_search '{"query":{"span_near":{"clauses":[{"span_term":{"x":"政府"}},{"field_masking_span":{"query":{"span_term":{"y":"信息公开"}},"field":"x"}}],"slop":0,"in_order":true}}}'
	check_ids "span_near(x:政府, field_masking_span(y:信息公开 as x)), slop 0, in order" "1"
	req POST /probe_b/_search '{"query":{"span_near":{"clauses":[{"span_term":{"x":"政府"}},{"span_or":{"clauses":[{"span_term":{"x":"信息"}},{"field_masking_span":{"query":{"span_term":{"y":"信息公开"}},"field":"x"}}]}}],"slop":0,"in_order":true}}}'
	check_ids "span_near(x:政府, span_or(x:信息, masked y:信息公开))" "1 3"
	req POST /probe_b/_search '{"query":{"span_near":{"clauses":[{"field_masking_span":{"query":{"span_term":{"y":"信息公开"}},"field":"x"}},{"span_term":{"x":"公开"}}],"slop":0,"in_order":true}}}'
	check_ids "masked y:信息公开 then x:公开 at the next position (aligned at the word's first position)" "1 2"
	req POST /probe_b/_search '{"query":{"span_near":{"clauses":[{"span_term":{"x":"政府"}},{"span_term":{"x":"公开"}}],"slop":0,"in_order":true}}}'
	check_ids "span_near(x:政府, x:公开) slop 0 matches nothing" ""
	req POST /probe_b/_search '{"query":{"intervals":{"x":{"all_of":{"ordered":true,"max_gaps":0,"intervals":[{"match":{"query":"政府"}},{"match":{"query":"信息公开","use_field":"y"}}]}}}}}'
	check_ids "intervals on x: all_of ordered max_gaps 0 [政府, 信息公开 use_field y]" "1"
	req POST /probe_b/_search '{"query":{"intervals":{"x":{"all_of":{"ordered":true,"max_gaps":0,"intervals":[{"match":{"query":"政府"}},{"any_of":{"intervals":[{"match":{"query":"信息"}},{"match":{"query":"信息公开","use_field":"y"}}]}}]}}}}}'
	check_ids "intervals any_of [x:信息, y:信息公开] after 政府" "1 3"
	req POST /probe_b/_search '{"query":{"span_near":{"clauses":[{"span_term":{"x":"政府"}},{"field_masking_span":{"query":{"span_term":{"y":"信息公开"}},"field":"x"}}],"slop":0,"in_order":true}},"highlight":{"fields":{"x":{}}}}'
	check "highlight of x works beside a span query" '"highlight":\{"x":\['
}

# ---------------------------------------------------------------------------------------
probe_c() {
	section "c. aggregations, bulk errors, aliases, refresh, totals, deep paging"
	req PUT /probe_c1 '{"settings":{"number_of_shards":3,"number_of_replicas":1},"mappings":{"properties":{"agency":{"type":"keyword"},"n":{"type":"integer"},"title":{"type":"text","analyzer":"whitespace"}}}}'
	need "index probe_c1 (3 shards, 1 replica)" '"acknowledged":true' || return 0
	bulk '/probe_c1/_bulk?refresh=wait_for' \
		'{"index":{"_id":"a1"}}' \
		'{"agency":"国务院办公厅","n":1,"title":"政府 信息 公开"}' \
		'{"index":{"_id":"a2"}}' \
		'{"agency":"国务院办公厅","n":2,"title":"政府 工作"}' \
		'{"index":{"_id":"a3"}}' \
		'{"agency":"财政部","n":"三","title":"预算 公开"}' \
		'{"create":{"_id":"a1"}}' \
		'{"agency":"财政部","n":4,"title":"重复"}' \
		'{"index":{"_id":"a5"}}' \
		'{"agency":"财政部","n":5,"title":"决算 公开"}'
	check "_bulk: errors true when one item fails" '"errors":true'
	check "_bulk: item a3 (n is not a number) fails alone with 400 mapper_parsing_exception" '"_id":"a3","status":400,"error":\{"type":"mapper_parsing_exception"'
	check "_bulk: item a1 (create of an existing id) fails with 409" '"_id":"a1","status":409,"error":\{"type":"version_conflict_engine_exception"'
	check "_bulk: item a5 succeeds (201)" '"_id":"a5",[^}]*"result":"created"'
	req GET /probe_c1/_count
	check "refresh=wait_for: the 3 good documents are searchable at once, no explicit refresh" '"count":3,'
	req POST /probe_c1/_search '{"size":0,"aggs":{"by_agency":{"terms":{"field":"agency","size":10}}}}'
	check "terms aggregation on a keyword field" '"buckets":\[\{"key":"国务院办公厅","doc_count":2\},\{"key":"财政部","doc_count":1\}\]'

	req PUT /probe_c2 '{"settings":{"number_of_shards":1},"mappings":{"properties":{"agency":{"type":"keyword"}}}}'
	req POST '/probe_c2/_doc/b1?refresh=wait_for' '{"agency":"新版本"}'
	req POST /_aliases '{"actions":[{"add":{"index":"probe_c1","alias":"probe_live"}}]}'
	check "alias probe_live -> probe_c1" '"acknowledged":true'
	req POST /probe_live/_count
	check "count through the alias (probe_c1)" '"count":3,'
	req POST /_aliases '{"actions":[{"remove":{"index":"probe_c1","alias":"probe_live"}},{"add":{"index":"probe_c2","alias":"probe_live"}}]}'
	check "atomic swap: remove + add in one _aliases call" '"acknowledged":true'
	req GET /_alias/probe_live
	check "alias now names probe_c2 only" '^\{"probe_c2":\{"aliases":\{"probe_live":\{\}\}\}\}$'
	req POST /probe_live/_search '{"query":{"match_all":{}}}'
	check_ids "search through the alias sees the new index" "b1"

	# 12,000 small documents for totals and paging.
	for ((i = 0; i < 12000; i++)); do
		printf '{"index":{"_id":"d%d"}}\n{"n":%d,"agency":"a%d"}\n' "$i" "$i" $((i % 7))
	done >"$tmp/bulk.ndjson"
	req PUT /probe_c3 '{"settings":{"number_of_shards":3,"number_of_replicas":1},"mappings":{"properties":{"agency":{"type":"keyword"},"n":{"type":"integer"}}}}'
	req POST '/probe_c3/_bulk?refresh=wait_for' "@$tmp/bulk.ndjson"
	check "_bulk of 12,000 documents" '"errors":false'
	req POST /probe_c3/_search '{"size":0,"track_total_hits":true}'
	check "track_total_hits: true counts exactly 12000" '"total":\{"value":12000,"relation":"eq"\}'
	req POST /probe_c3/_search '{"size":0}'
	check "default: the total stops at 10000 (gte)" '"total":\{"value":10000,"relation":"gte"\}'
	req POST /probe_c3/_search '{"from":9990,"size":10,"sort":[{"n":"asc"}],"_source":false}'
	check "from 9990 + size 10 (the 10,000 window) works: last hit n=9999" '"_id":"d9999",[^]]*"sort":\[9999\]\}\]'
	req POST /probe_c3/_search '{"from":9995,"size":10,"sort":[{"n":"asc"}]}'
	check "from 9995 + size 10 is refused (index.max_result_window 10000)" 'Result window is too large'
	req POST /probe_c3/_search '{"size":2,"sort":[{"n":"asc"}],"search_after":[10500],"_source":false}'
	check "search_after [10500] past the window: next hits are n=10501, 10502" '"_id":"d10501".*"_id":"d10502"'
}

# ---------------------------------------------------------------------------------------
probe_d() {
	section "d. BM25 with k1 and b per field"
	req PUT /probe_d '{"settings":{"number_of_shards":1,"similarity":{"title_bm25":{"type":"BM25","k1":0.6,"b":0.2},"body_bm25":{"type":"BM25","k1":1.8,"b":0.9}}},"mappings":{"properties":{"title":{"type":"text","analyzer":"whitespace","similarity":"title_bm25"},"body":{"type":"text","analyzer":"whitespace","similarity":"body_bm25"},"plain":{"type":"text","analyzer":"whitespace"}}}}'
	need "index with two custom BM25 similarities" '"acknowledged":true' || return 0
	req POST '/probe_d/_doc/1?refresh=wait_for' '{"title":"公开 目录 公开","body":"公开 目录 公开","plain":"公开 目录 公开"}'
	req POST '/probe_d/_doc/2?refresh=wait_for' '{"title":"条例","body":"条例","plain":"条例"}'
	req GET /probe_d/_explain/1 '{"query":{"term":{"title":"公开"}}}'
	check "explain title: k1 0.6, b 0.2" '"value":0\.6,"description":"k1, term saturation parameter".*"value":0\.2,"description":"b, length normalization parameter"'
	req GET /probe_d/_explain/1 '{"query":{"term":{"body":"公开"}}}'
	check "explain body: k1 1.8, b 0.9" '"value":1\.8,"description":"k1, term saturation parameter".*"value":0\.9,"description":"b, length normalization parameter"'
	req GET /probe_d/_explain/1 '{"query":{"term":{"plain":"公开"}}}'
	check "explain plain field: the default k1 1.2, b 0.75" '"value":1\.2,"description":"k1, term saturation parameter".*"value":0\.75,"description":"b, length normalization parameter"'
}

probe_a
probe_b whitespace
probe_b ws_holes
probe_c
probe_d

curl -sS -m 30 -X DELETE "$base/probe_*" >/dev/null
echo
echo "probe: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
