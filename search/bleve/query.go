package bleve

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/search"
)

// filterBoost is what a filter weighs in bleve's sum of scores: next to
// nothing, so that filters do not change the ranking.
const filterBoost = 0.0001

// translate turns an engine query node into a bleve query.
func (e *Engine) translate(n search.Node) (query.Query, error) {
	switch n := n.(type) {
	case *search.Bool:
		return e.boolean(n, nil)
	case *search.All:
		qs, err := e.translateAll(n.Nodes)
		if err != nil {
			return nil, err
		}
		return query.NewConjunctionQuery(qs), nil
	case *search.Any:
		qs, err := e.translateAll(n.Nodes)
		if err != nil {
			return nil, err
		}
		return query.NewDisjunctionQuery(qs), nil
	case *search.Terms:
		return e.newBM25Query(n.Terms), nil
	case *search.Phrase:
		return e.newPhraseQuery(n.Field, n.Slots, n.Weight), nil
	case *search.Prefix:
		if n.MaxTerms > 0 {
			terms, err := e.commonTerms(n.Field, n.Prefix, n.MaxTerms)
			if err != nil {
				return nil, err
			}
			wts := make([]search.WeightedTerm, len(terms))
			for i, t := range terms {
				wts[i] = search.WeightedTerm{Field: n.Field, Term: t, Weight: n.Weight}
			}
			return e.newBM25Query(wts), nil
		}
		pq := query.NewPrefixQuery(n.Prefix)
		pq.SetField(n.Field)
		pq.SetBoost(n.Weight)
		return pq, nil
	case *search.TermQuery:
		tq := query.NewTermQuery(n.Text)
		tq.SetField(n.Field)
		tq.SetBoost(n.Weight)
		return tq, nil
	case *search.Keyword:
		var qs []query.Query
		for _, v := range n.Values {
			tq := query.NewTermQuery(v)
			tq.SetField(n.Field)
			tq.SetBoost(filterBoost)
			qs = append(qs, tq)
		}
		if len(qs) == 1 {
			return qs[0], nil
		}
		return query.NewDisjunctionQuery(qs), nil
	case *search.DateRange:
		var from, to time.Time
		if n.From != "" {
			from, _ = time.Parse("2006-01-02", n.From)
		}
		if n.To != "" {
			to, _ = time.Parse("2006-01-02", n.To)
			to = to.Add(24*time.Hour - time.Nanosecond)
		}
		yes := true
		dq := query.NewDateRangeInclusiveQuery(from, to, &yes, &yes)
		dq.SetField(search.FieldDate)
		dq.SetBoost(filterBoost)
		return dq, nil
	case *search.IDs:
		return query.NewDocIDQuery(n.IDs), nil
	case *search.MatchNone:
		return query.NewMatchNoneQuery(), nil
	}
	return nil, fmt.Errorf("bleve engine: unknown query node %T", n)
}

func (e *Engine) translateAll(nodes []search.Node) ([]query.Query, error) {
	qs := make([]query.Query, 0, len(nodes))
	for _, n := range nodes {
		q, err := e.translate(n)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, nil
}

// boolean translates b, with filters added to its must clauses (where
// their tiny weight keeps them out of the ranking).
func (e *Engine) boolean(b *search.Bool, filters []search.Node) (query.Query, error) {
	if b == nil {
		b = &search.Bool{}
	}
	must, err := e.translateAll(append(append([]search.Node{}, b.Must...), filters...))
	if err != nil {
		return nil, err
	}
	should, err := e.translateAll(b.Should)
	if err != nil {
		return nil, err
	}
	not, err := e.translateAll(b.Not)
	if err != nil {
		return nil, err
	}
	if len(must) == 0 {
		must = append(must, query.NewMatchAllQuery())
	}
	return query.NewBooleanQuery(must, should, not), nil
}

// reader returns a reader of the index's current snapshot; the caller
// closes it.
func (e *Engine) reader() (index.IndexReader, error) {
	ix, err := e.idx.Advanced()
	if err != nil {
		return nil, err
	}
	return ix.Reader()
}

// commonTerms returns up to max terms of field that start with prefix,
// those in the most documents first.
func (e *Engine) commonTerms(field, prefix string, max int) ([]string, error) {
	r, err := e.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	dict, err := r.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var all []*index.DictEntry
	for {
		de, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if de == nil {
			break
		}
		all = append(all, &index.DictEntry{Term: de.Term, Count: de.Count})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].Term < all[j].Term
	})
	out := make([]string, 0, min(max, len(all)))
	for _, de := range all[:min(max, len(all))] {
		out = append(out, de.Term)
	}
	return out, nil
}

// Similar returns the terms of field that start with prefix and are
// within edits characters of term, and how many documents hold each
// (search.Vocabulary).
func (e *Engine) Similar(ctx context.Context, field, term, prefix string, edits int) ([]search.FacetValue, error) {
	r, err := e.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil, nil
	}
	dict, err := fr.FieldDictFuzzy(field, term, edits, prefix)
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var out []search.FacetValue
	for len(out) < 1000 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		de, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if de == nil {
			break
		}
		n := int(de.Count)
		if n == 0 {
			// The fuzzy dictionary does not count documents; the postings do.
			tfr, err := r.TermFieldReader(ctx, []byte(de.Term), field, false, false, false)
			if err != nil {
				return nil, err
			}
			n = int(tfr.Count())
			_ = tfr.Close()
		}
		out = append(out, search.FacetValue{Value: de.Term, Count: n})
	}
	return out, nil
}

// bm25Stats returns the true collection statistics for BM25.
func (e *Engine) bm25Stats() *bsearch.BM25Stats {
	st := e.stats.Load()
	card := make(map[string]int, len(st.Tokens))
	for f, n := range st.Tokens {
		card[f] = n
	}
	return &bsearch.BM25Stats{DocCount: float64(max(st.Docs, 1)), FieldCardinality: card}
}

// Search ranks the documents that match req.
func (e *Engine) Search(ctx context.Context, req *search.EngineRequest) (*search.EngineResult, error) {
	q, err := e.boolean(req.Query, req.Filter)
	if err != nil {
		return nil, err
	}
	return e.collect(ctx, q, req)
}

// String describes the engine for logs.
func (e *Engine) String() string { return "bleve " + strings.TrimSuffix(e.dir, "/") }
