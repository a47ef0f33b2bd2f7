package bleve

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/search"
)

// collect runs q over the current snapshot of the index and gathers what
// req asks for: the ranked window, the total, the best score and facet
// counts. It replaces bleve's top-N collector, which reads every
// matching document's doc values for facets and sorting (a sixth of a
// keyword search) and reads the stored id of every hit it returns; here
// facet values, dates and ids come from arrays kept per snapshot.
func (e *Engine) collect(ctx context.Context, q query.Query, req *search.EngineRequest) (*search.EngineResult, error) {
	r, err := e.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap := e.snapshot(r)

	opts := bsearch.SearcherOptions{Score: "bm25"}
	if req.Size == 0 {
		opts.Score = "none"
	}
	// What bleve's own search sets up for its term searchers: the index's
	// scoring model (BM25, see newMapping) and the true statistics.
	ctx = context.WithValue(ctx, bsearch.GetScoringModelCallbackKey,
		bsearch.GetScoringModelCallbackFn(func() string { return index.BM25Scoring }))
	if opts.Score != "none" {
		// (Without scores, bleve 2.6 looks up statistics for a field "*"
		// in the prefix searcher and fails; they are not needed then.)
		ctx = context.WithValue(ctx, bsearch.BM25StatsKey, e.bm25Stats())
	}
	s, err := q.Searcher(ctx, r, e.idx.Mapping(), opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()

	var cols []*column
	counts := make([][]int, len(req.Facets))
	for i, f := range req.Facets {
		c, err := snap.column(ctx, r, f)
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
		counts[i] = make([]int, len(c.terms))
	}
	var dates *column
	if req.Sort == search.SortDate || req.Sort == search.SortDateAsc {
		if dates, err = snap.column(ctx, r, search.FieldDate); err != nil {
			return nil, err
		}
	}

	keep := req.From + req.Size
	// Facets over the best matches only: counted once those are known.
	pool := 0
	if req.PoolsFacets() {
		pool = req.FacetPool
		keep = max(keep, pool)
	}
	top := &topN{less: relevanceFirst}
	switch req.Sort {
	case search.SortDate:
		top.less = byDate(snap, r, dates, true)
	case search.SortDateAsc:
		top.less = byDate(snap, r, dates, false)
	}
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: r}
	out := &search.EngineResult{}
	for n := 0; ; n++ {
		if n&255 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			// Let other searches run (see package search's doc): Go
			// preempts a goroutine only after 10 ms.
			runtime.Gosched()
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			break
		}
		doc := idKey(dm.IndexInternalID)
		score := dm.Score
		sctx.DocumentMatchPool.Put(dm)
		out.Total++
		if score > out.MaxScore {
			out.MaxScore = score
		}
		if pool == 0 {
			for i, c := range cols {
				for _, v := range c.values(doc) {
					counts[i][v]++
				}
			}
		}
		if keep > 0 {
			h := hit{doc: doc, score: score}
			if dates != nil {
				h.date, h.dated = dates.first(doc)
			}
			top.offer(h, keep)
		}
	}
	hits := top.sorted()
	for _, h := range hits[:min(pool, len(hits))] {
		for i, c := range cols {
			for _, v := range c.values(h.doc) {
				counts[i][v]++
			}
		}
	}
	if req.From < len(hits) {
		hits = hits[req.From:min(len(hits), req.From+req.Size)]
	} else {
		hits = nil
	}
	out.Hits = make([]search.Ranked, 0, len(hits))
	for _, h := range hits {
		id, err := snap.id(r, h.doc)
		if err != nil {
			return nil, err
		}
		out.Hits = append(out.Hits, search.Ranked{ID: id, Score: h.score})
	}
	if len(req.Facets) > 0 {
		out.Facets = map[string][]search.FacetValue{}
		for i, f := range req.Facets {
			size := req.FacetSize
			if f == search.FieldRole {
				size = len(search.Roles)
			}
			out.Facets[f] = topFacets(cols[i].terms, counts[i], size)
		}
	}
	return out, nil
}

// topFacets returns the size most frequent values, most frequent first,
// then in term order (as bleve orders facets).
func topFacets(terms []string, counts []int, size int) []search.FacetValue {
	vals := []search.FacetValue{}
	for i, n := range counts {
		if n > 0 {
			vals = append(vals, search.FacetValue{Value: terms[i], Count: n})
		}
	}
	sort.Slice(vals, func(i, j int) bool {
		if vals[i].Count != vals[j].Count {
			return vals[i].Count > vals[j].Count
		}
		return vals[i].Value < vals[j].Value
	})
	if size >= 0 && len(vals) > size {
		vals = vals[:size]
	}
	return vals
}

// hit is a match under consideration for the ranked window.
type hit struct {
	doc   uint64 // internal document number in the snapshot
	score float64
	date  int64
	dated bool
}

// relevanceFirst orders by score, best first, then in index order (as
// bleve breaks ties).
func relevanceFirst(a, b hit) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// byDate orders by date (newest first when desc), documents without a
// date last, then by score, then by id.
func byDate(snap *snapshotData, r index.IndexReader, dates *column, desc bool) func(a, b hit) bool {
	return func(a, b hit) bool {
		if a.dated != b.dated {
			return a.dated
		}
		if a.date != b.date {
			return (a.date > b.date) == desc
		}
		if a.score != b.score {
			return a.score > b.score
		}
		ia, _ := snap.id(r, a.doc)
		ib, _ := snap.id(r, b.doc)
		return ia < ib
	}
}

// topN keeps the best hits seen so far in a heap whose root is the worst.
type topN struct {
	hits []hit
	less func(a, b hit) bool // a ranks before b
}

// worse reports whether hit i ranks after hit j (the heap's order).
func (t *topN) worse(i, j int) bool { return t.less(t.hits[j], t.hits[i]) }

// offer considers h for the best keep hits.
func (t *topN) offer(h hit, keep int) {
	if len(t.hits) < keep {
		// Append and sift up.
		t.hits = append(t.hits, h)
		for i := len(t.hits) - 1; i > 0; {
			p := (i - 1) / 2
			if !t.worse(i, p) {
				break
			}
			t.hits[i], t.hits[p] = t.hits[p], t.hits[i]
			i = p
		}
		return
	}
	if !t.less(h, t.hits[0]) {
		return
	}
	// Replace the worst and sift down.
	t.hits[0] = h
	n := len(t.hits)
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && t.worse(r, l) {
			m = r
		}
		if !t.worse(m, i) {
			return
		}
		t.hits[i], t.hits[m] = t.hits[m], t.hits[i]
		i = m
	}
}

func (t *topN) sorted() []hit {
	sort.Slice(t.hits, func(i, j int) bool { return t.less(t.hits[i], t.hits[j]) })
	return t.hits
}

// snapshotData holds what searches read per document of one index
// snapshot: facet values, dates and external ids. Internal document
// numbers change with every write and merge, so it is built anew (lazily)
// for each snapshot.
type snapshotData struct {
	reader index.IndexReader // identifies the snapshot; not used to read
	mu     sync.Mutex
	cols   map[string]*column
	ids    map[uint64]string
}

// snapshot returns the data of r's snapshot.
func (e *Engine) snapshot(r index.IndexReader) *snapshotData {
	e.snapMu.Lock()
	defer e.snapMu.Unlock()
	if e.snap == nil || e.snap.reader != r {
		e.snap = &snapshotData{reader: r, cols: map[string]*column{}, ids: map[uint64]string{}}
	}
	return e.snap
}

// id returns the external id of document doc.
func (d *snapshotData) id(r index.IndexReader, doc uint64) (string, error) {
	d.mu.Lock()
	id, ok := d.ids[doc]
	d.mu.Unlock()
	if ok {
		return id, nil
	}
	var b [8]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(doc >> (56 - 8*i))
	}
	id, err := r.ExternalID(b[:])
	if err != nil {
		return "", fmt.Errorf("read document id: %w", err)
	}
	d.mu.Lock()
	d.ids[doc] = id
	d.mu.Unlock()
	return id, nil
}

// column returns the values of field for every document.
func (d *snapshotData) column(ctx context.Context, r index.IndexReader, field string) (*column, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.cols[field]; ok {
		return c, nil
	}
	c, err := readColumn(ctx, r, field)
	if err != nil {
		return nil, err
	}
	d.cols[field] = c
	return c, nil
}

// column is a field's values by document: terms[v] for every v in
// vals[start[doc]:start[doc+1]]. For the date field, dates holds each
// term's time (Unix nanoseconds).
type column struct {
	terms []string
	dates []int64
	start []uint32
	vals  []uint32
}

func (c *column) values(doc uint64) []uint32 {
	if doc+1 >= uint64(len(c.start)) {
		return nil
	}
	return c.vals[c.start[doc]:c.start[doc+1]]
}

// first returns the date of doc, if it has one.
func (c *column) first(doc uint64) (int64, bool) {
	v := c.values(doc)
	if len(v) == 0 {
		return 0, false
	}
	return c.dates[v[0]], true
}

// readColumn reads field's terms and their postings. For the date field
// only full-precision terms count.
func readColumn(ctx context.Context, r index.IndexReader, field string) (*column, error) {
	dict, err := r.FieldDict(field)
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	c := &column{}
	var postings [][]uint64
	var maxDoc uint64
	isDate := field == search.FieldDate
	for {
		de, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if de == nil {
			break
		}
		if isDate {
			pc := numeric.PrefixCoded(de.Term)
			if shift, err := pc.Shift(); err != nil || shift != 0 {
				continue
			}
			v, err := pc.Int64()
			if err != nil {
				continue
			}
			c.dates = append(c.dates, v)
		}
		tfr, err := r.TermFieldReader(ctx, []byte(de.Term), field, false, false, false)
		if err != nil {
			return nil, err
		}
		var docs []uint64
		tfd := &index.TermFieldDoc{}
		for {
			d, err := tfr.Next(tfd.Reset())
			if err != nil {
				tfr.Close()
				return nil, err
			}
			if d == nil {
				break
			}
			k := idKey(d.ID)
			docs = append(docs, k)
			maxDoc = max(maxDoc, k)
		}
		tfr.Close()
		c.terms = append(c.terms, de.Term)
		postings = append(postings, docs)
	}
	c.start = make([]uint32, maxDoc+2)
	for _, docs := range postings {
		for _, d := range docs {
			c.start[d+1]++
		}
	}
	for i := 1; i < len(c.start); i++ {
		c.start[i] += c.start[i-1]
	}
	c.vals = make([]uint32, c.start[len(c.start)-1])
	fill := append([]uint32(nil), c.start...)
	for v, docs := range postings {
		for _, d := range docs {
			c.vals[fill[d]] = uint32(v)
			fill[d]++
		}
	}
	return c, nil
}
