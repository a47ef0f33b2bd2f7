package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/search"
)

// clauseBudget bounds the leaf queries of one search. Lucene refuses a
// query of more than 1024 (indices.query.bool.max_clause_count); a phrase
// scored as bleve scores it (the sum of its slots' term scores) costs one
// term query per distinct slot, so a query whose phrases would exceed the
// budget scores them with Lucene's phrase scoring instead (one leaf each).
const clauseBudget = 900

type obj = map[string]any

var (
	matchAll  = obj{"match_all": obj{}}
	matchNone = obj{"match_none": obj{}}
)

// translator turns engine query nodes into OpenSearch query DSL.
type translator struct {
	// expandPhrases scores phrases by the sum of their slots' term scores.
	expandPhrases bool
}

// newTranslator decides how phrases of q are scored.
func newTranslator(q *search.Bool, filters []search.Node) *translator {
	t := &translator{expandPhrases: true}
	n := countLeaves(q, true, true)
	for _, f := range filters {
		n += countLeaves(f, false, true)
	}
	if n > clauseBudget {
		t.expandPhrases = false
	}
	return t
}

// countLeaves counts the leaf queries n translates to.
func countLeaves(n search.Node, scoring, expand bool) int {
	sum := func(nodes []search.Node, scoring bool) int {
		c := 0
		for _, n := range nodes {
			c += countLeaves(n, scoring, expand)
		}
		return c
	}
	switch n := n.(type) {
	case nil:
		return 0
	case *search.Bool:
		if n == nil {
			return 0
		}
		c := sum(n.Must, scoring) + sum(n.Not, false) + 1
		if scoring {
			c += sum(n.Should, true)
		}
		return c
	case *search.All:
		return sum(n.Nodes, scoring)
	case *search.Any:
		return sum(n.Nodes, scoring)
	case *search.Terms:
		if !scoring {
			return 1
		}
		return len(n.Terms)
	case *search.Phrase:
		if scoring && expand && len(n.Slots) > 1 {
			return 1 + len(n.Slots)
		}
		return 1
	}
	return 1
}

func (t *translator) nodes(ns []search.Node, scoring bool) ([]any, error) {
	out := make([]any, 0, len(ns))
	for _, n := range ns {
		q, err := t.node(n, scoring)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// filterOnly matches what q matches with a score of 0.
func filterOnly(q obj) obj { return obj{"bool": obj{"filter": []any{q}}} }

// node translates one node. In a scoring context the query scores as the
// node says; otherwise it only selects documents (filter context).
func (t *translator) node(n search.Node, scoring bool) (obj, error) {
	switch n := n.(type) {
	case *search.Bool:
		return t.boolean(n, nil, scoring)
	case *search.All:
		if len(n.Nodes) == 0 {
			return matchNone, nil
		}
		qs, err := t.nodes(n.Nodes, scoring)
		if err != nil {
			return nil, err
		}
		if len(qs) == 1 {
			return qs[0].(obj), nil
		}
		if scoring {
			return obj{"bool": obj{"must": qs}}, nil
		}
		return obj{"bool": obj{"filter": qs}}, nil
	case *search.Any:
		if len(n.Nodes) == 0 {
			return matchNone, nil
		}
		qs, err := t.nodes(n.Nodes, scoring)
		if err != nil {
			return nil, err
		}
		if len(qs) == 1 {
			return qs[0].(obj), nil
		}
		return obj{"bool": obj{"should": qs, "minimum_should_match": 1}}, nil
	case *search.Terms:
		return termsQuery(n.Terms, scoring), nil
	case *search.Phrase:
		return t.phrase(n, scoring), nil
	case *search.Prefix:
		p := obj{"value": n.Prefix}
		if scoring {
			p["boost"] = n.Weight
		}
		return obj{"prefix": obj{n.Field: p}}, nil
	case *search.TermQuery:
		v := n.Text
		if isText(n.Field) {
			v = safeTerm(v)
		}
		if !scoring {
			return obj{"term": obj{n.Field: obj{"value": v}}}, nil
		}
		return obj{"term": obj{n.Field: obj{"value": v, "boost": n.Weight}}}, nil
	case *search.Keyword:
		q := obj{"terms": obj{n.Field: n.Values}}
		if scoring {
			return filterOnly(q), nil
		}
		return q, nil
	case *search.DateRange:
		r := obj{"format": "yyyy-MM-dd"}
		if n.From != "" {
			r["gte"] = n.From
		}
		if n.To != "" {
			r["lte"] = n.To
		}
		q := obj{"range": obj{search.FieldDate: r}}
		if scoring {
			return filterOnly(q), nil
		}
		return q, nil
	case *search.IDs:
		q := obj{"ids": obj{"values": n.IDs}}
		if scoring {
			return filterOnly(q), nil
		}
		return q, nil
	case *search.MatchNone:
		return matchNone, nil
	}
	return nil, fmt.Errorf("opensearch engine: unknown query node %T", n)
}

// boolean translates b with extra filters. Must nodes select and score,
// Should nodes only score, Not nodes exclude; without Must nodes every
// document is selected (and Should nodes still only score).
func (t *translator) boolean(b *search.Bool, filters []search.Node, scoring bool) (obj, error) {
	if b == nil {
		b = &search.Bool{}
	}
	must, err := t.nodes(b.Must, scoring)
	if err != nil {
		return nil, err
	}
	not, err := t.nodes(b.Not, false)
	if err != nil {
		return nil, err
	}
	filter, err := t.nodes(filters, false)
	if err != nil {
		return nil, err
	}
	q := obj{}
	if scoring {
		should, err := t.nodes(b.Should, true)
		if err != nil {
			return nil, err
		}
		if len(must) > 0 {
			q["must"] = must
		} else {
			// A filter clause makes the should clauses optional; a
			// match_all in must would add 1 to every score.
			filter = append(filter, matchAll)
		}
		if len(should) > 0 {
			q["should"] = should
		}
	} else {
		filter = append(filter, must...)
	}
	if len(filter) > 0 {
		q["filter"] = filter
	}
	if len(not) > 0 {
		q["must_not"] = not
	}
	if len(q) == 0 {
		return matchAll, nil
	}
	return obj{"bool": q}, nil
}

// termsQuery matches documents with any of the terms, scored by the sum
// of their BM25 scores times their weights.
func termsQuery(terms []search.WeightedTerm, scoring bool) obj {
	type key struct{ field, term string }
	var order []key
	weight := map[key]float64{}
	for _, t := range terms {
		v := t.Term
		if isText(t.Field) {
			v = safeTerm(v)
		}
		k := key{t.Field, v}
		if _, ok := weight[k]; !ok {
			order = append(order, k)
		}
		weight[k] += t.Weight
	}
	if len(order) == 0 {
		return matchNone
	}
	var qs []any
	if scoring {
		for _, k := range order {
			qs = append(qs, obj{"term": obj{k.field: obj{"value": k.term, "boost": weight[k]}}})
		}
	} else {
		byField := map[string][]string{}
		var fields []string
		for _, k := range order {
			if byField[k.field] == nil {
				fields = append(fields, k.field)
			}
			byField[k.field] = append(byField[k.field], k.term)
		}
		for _, f := range fields {
			qs = append(qs, obj{"terms": obj{f: byField[f]}})
		}
	}
	if len(qs) == 1 {
		return qs[0].(obj)
	}
	return obj{"bool": obj{"should": qs, "minimum_should_match": 1}}
}

// phrase matches documents whose gram field holds the slots at
// consecutive positions (a Lucene phrase query: tokens that share a
// position are alternatives, as in bleve). It scores as bleve does, by
// the sum of the slots' term scores (the phrase query only selects), or,
// over the clause budget, by Lucene's phrase score times the weight.
func (t *translator) phrase(n *search.Phrase, scoring bool) obj {
	slots := make([]string, len(n.Slots))
	for i, s := range n.Slots {
		slots[i] = safeTerm(s)
	}
	switch len(slots) {
	case 0:
		return matchNone
	case 1:
		if scoring {
			return obj{"term": obj{n.Field: obj{"value": slots[0], "boost": n.Weight}}}
		}
		return obj{"term": obj{n.Field: obj{"value": slots[0]}}}
	}
	mp := obj{"query": strings.Join(slots, " "), "analyzer": "whitespace", "slop": 0}
	match := obj{"match_phrase": obj{n.Field: mp}}
	if !scoring {
		return match
	}
	if !t.expandPhrases {
		mp["boost"] = n.Weight
		return match
	}
	terms := make([]search.WeightedTerm, len(n.Slots))
	for i, s := range n.Slots {
		terms[i] = search.WeightedTerm{Field: n.Field, Term: s, Weight: n.Weight}
	}
	return obj{"bool": obj{"filter": []any{match}, "should": []any{termsQuery(terms, true)}}}
}

// searchAnswer is the part of a search answer the engine reads.
type searchAnswer struct {
	TimedOut bool `json:"timed_out"`
	Shards   struct {
		Total  int `json:"total"`
		Failed int `json:"failed"`
	} `json:"_shards"`
	Hits struct {
		Total struct {
			Value    int    `json:"value"`
			Relation string `json:"relation"`
		} `json:"total"`
		MaxScore *float64 `json:"max_score"`
		Hits     []struct {
			ID    string   `json:"_id"`
			Score *float64 `json:"_score"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		Buckets []struct {
			Key      json.RawMessage `json:"key"`
			DocCount int             `json:"doc_count"`
		} `json:"buckets"`
	} `json:"aggregations"`
}

// searchBody builds the search request of req.
func (e *Engine) searchBody(req *search.EngineRequest) (obj, error) {
	t := newTranslator(req.Query, req.Filter)
	q, err := t.boolean(req.Query, req.Filter, true)
	if err != nil {
		return nil, err
	}
	body := obj{
		"query":            q,
		"track_total_hits": true,
		"track_scores":     true,
		"_source":          false,
		"size":             req.Size,
	}
	if req.From > 0 {
		body["from"] = req.From
	}
	// Ties go by id, so that pages never overlap and every engine agrees.
	byID := obj{fieldID: obj{"order": "asc"}}
	switch req.Sort {
	case search.SortDate:
		body["sort"] = []any{obj{search.FieldDate: obj{"order": "desc", "missing": "_last"}}, obj{"_score": obj{"order": "desc"}}, byID}
	case search.SortDateAsc:
		body["sort"] = []any{obj{search.FieldDate: obj{"order": "asc", "missing": "_last"}}, obj{"_score": obj{"order": "desc"}}, byID}
	default:
		body["sort"] = []any{obj{"_score": obj{"order": "desc"}}, byID}
	}
	if len(req.Facets) > 0 {
		aggs := obj{}
		for _, f := range req.Facets {
			size := req.FacetSize
			if f == search.FieldRole {
				size = len(search.Roles)
			}
			if size <= 0 {
				continue
			}
			aggs[f] = obj{"terms": obj{"field": f, "size": size, "shard_size": max(size, e.opts.FacetShardSize)}}
		}
		if len(aggs) > 0 {
			body["aggs"] = aggs
		}
	}
	return body, nil
}

// Search ranks the documents that match req.
func (e *Engine) Search(ctx context.Context, req *search.EngineRequest) (*search.EngineResult, error) {
	if req.PoolsFacets() {
		// OpenSearch counts facets over all matches (or a sample of each
		// shard's best): the best of the whole index are found first.
		return search.FacetsOfBest(ctx, e.Search, req)
	}
	body, err := e.searchBody(req)
	if err != nil {
		return nil, err
	}
	target, err := e.readable(ctx)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	params := url.Values{
		"allow_partial_search_results": {"false"},
		// The same query goes to the same shard copies, so that its pages
		// are cut from one ranking (copies may differ in deleted
		// documents, which Lucene's statistics still count).
		"preference": {preference(body)},
	}
	if e.shards > 1 {
		// Term statistics of the whole index, not of each shard, as in
		// bleve.
		params.Set("search_type", "dfs_query_then_fetch")
	}
	if d, ok := ctx.Deadline(); ok {
		if left := time.Until(d); left > 0 {
			params.Set("cancel_after_time_interval", strconv.FormatInt(left.Milliseconds()+100, 10)+"ms")
		}
	}
	var ans searchAnswer
	for attempt := 1; ; attempt++ {
		ans = searchAnswer{}
		err := call(ctx, e.client, http.MethodPost, "/"+seg(target)+"/_search", params, b, &ans)
		if err == nil && ans.Shards.Failed > 0 && !ans.TimedOut {
			err = fmt.Errorf("opensearch search: %d of %d shards failed", ans.Shards.Failed, ans.Shards.Total)
		}
		if err == nil || attempt == 3 || !shardLost(err) || ctx.Err() != nil {
			if err != nil {
				return nil, err
			}
			break
		}
		// A node left while the search ran (its shards' other copies
		// answer the next try): wait a moment and ask again.
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
	if ans.TimedOut {
		return nil, fmt.Errorf("opensearch search: timed out on %d of %d shards", ans.Shards.Failed, ans.Shards.Total)
	}
	out := &search.EngineResult{Total: ans.Hits.Total.Value, Hits: make([]search.Ranked, 0, len(ans.Hits.Hits))}
	if ans.Hits.MaxScore != nil {
		out.MaxScore = finite(*ans.Hits.MaxScore)
	}
	for _, h := range ans.Hits.Hits {
		r := search.Ranked{ID: h.ID}
		if h.Score != nil {
			r.Score = finite(*h.Score)
		}
		out.Hits = append(out.Hits, r)
	}
	if len(req.Facets) > 0 {
		out.Facets = map[string][]search.FacetValue{}
		for _, f := range req.Facets {
			vals := []search.FacetValue{}
			for _, bk := range ans.Aggregations[f].Buckets {
				var v string
				if err := json.Unmarshal(bk.Key, &v); err != nil {
					v = string(bk.Key)
				}
				vals = append(vals, search.FacetValue{Value: v, Count: bk.DocCount})
			}
			out.Facets[f] = vals
		}
	}
	return out, nil
}

// preference names the shard copies a query goes to: the same for every
// page of one query, spread over the copies for different queries.
func preference(body obj) string {
	rest := obj{}
	for k, v := range body {
		if k != "from" && k != "size" {
			rest[k] = v
		}
	}
	b, _ := json.Marshal(rest)
	h := fnv.New64a()
	h.Write(b)
	return "q" + strconv.FormatUint(h.Sum64(), 36)
}

// shardLost reports whether a search failed because a node holding some
// of its shards left or could not be reached: another try reaches the
// shards' other copies.
func shardLost(err error) bool {
	msg := err.Error()
	for _, s := range []string{"node_not_connected_exception", "NodeNotConnectedException", "NodeDisconnectedException",
		"node_disconnected_exception", "shards failed", "no_shard_available_action_exception", "NoShardAvailableActionException"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
