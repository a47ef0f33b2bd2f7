package bleve

import (
	"context"
	"encoding/binary"
	"math"
	mathbits "math/bits"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/search"
)

// bm25Query scores the documents that contain any of its terms by Okapi
// BM25, summed over the terms and weighted per term:
//
//	Σ weight · idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))
//	idf = ln(1 + (N − df + 0.5) / (df + 0.5))
//
// bleve's own "bm25" differs in ways that hurt ranking here: it takes the
// square root of the term frequency, multiplies by idf a second time
// through its query weight, and scales a disjunction by the share of its
// clauses that matched. This query uses the true term frequency, the
// index's true field lengths (see stats) and no coordination factor.
type bm25Query struct {
	terms  []search.WeightedTerm
	docs   float64
	avgLen map[string]float64
	k1, b  float64
}

// newBM25Query returns a query over terms with the index's statistics.
func (e *Engine) newBM25Query(terms []search.WeightedTerm) *bm25Query {
	st := e.stats.Load()
	q := &bm25Query{terms: terms, docs: float64(max(st.Docs, 1)), avgLen: map[string]float64{}, k1: e.opts.K1, b: e.opts.B}
	for _, t := range terms {
		if _, ok := q.avgLen[t.Field]; !ok {
			q.avgLen[t.Field] = math.Max(float64(st.Tokens[t.Field])/q.docs, 1)
		}
	}
	return q
}

// Searcher implements query.Query.
func (q *bm25Query) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s := &bm25Searcher{q: q, score: options.Score != "none", locations: options.IncludeTermVectors}
	for _, t := range q.terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t.Term), t.Field, true, true, s.locations)
		if err != nil {
			s.Close()
			return nil, err
		}
		df := float64(tfr.Count())
		if df == 0 {
			_ = tfr.Close()
			continue
		}
		s.readers = append(s.readers, &bm25Reader{
			tfr:    tfr,
			field:  t.Field,
			term:   t.Term,
			idfW:   t.Weight * math.Log(1+(q.docs-df+0.5)/(df+0.5)),
			avgLen: q.avgLen[t.Field],
			tfd:    &index.TermFieldDoc{},
		})
	}
	return s, nil
}

type bm25Reader struct {
	tfr         index.TermFieldReader
	field, term string
	idfW        float64 // weight · idf
	avgLen      float64
	tfd         *index.TermFieldDoc
	curr        *index.TermFieldDoc // nil when exhausted
	key         uint64              // curr's id as a number, for cheap ordering
}

// idKey turns an internal id into a number with the same order (scorch ids
// are 8-byte big-endian numbers).
func idKey(id index.IndexInternalID) uint64 {
	if len(id) == 8 {
		return binary.BigEndian.Uint64(id)
	}
	var k uint64
	for i := 0; i < len(id) && i < 8; i++ {
		k |= uint64(id[i]) << (56 - 8*i)
	}
	return k
}

func (r *bm25Reader) set(d *index.TermFieldDoc) {
	r.curr = d
	if d != nil {
		r.key = idKey(d.ID)
	}
}

// bm25Searcher merges the postings of its terms in document order. The
// readers form a min-heap on their current document. With many terms
// (a question's 40–60) it instead reads each term's postings whole and
// adds up the scores per document (term at a time), which spares a heap
// step per posting; with few terms the heap lets a conjunction skip.
type bm25Searcher struct {
	q         *bm25Query
	readers   []*bm25Reader
	heap      []*bm25Reader // readers that are not exhausted, min first
	started   bool
	score     bool
	locations bool     // report the positions of the terms (for highlights)
	pos       []uint64 // scratch: one term's positions

	// Term at a time: the summed score of each document (by internal
	// number), which documents match, and the next to report.
	summed  bool
	scores  []float64
	matched []uint64
	cursor  uint64
}

// termAtATime is the number of terms from which a searcher sums scores
// term at a time.
const termAtATime = 8

func (s *bm25Searcher) less(i, j int) bool { return s.heap[i].key < s.heap[j].key }

func (s *bm25Searcher) down(i int) {
	n := len(s.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && s.less(r, l) {
			m = r
		}
		if !s.less(m, i) {
			return
		}
		s.heap[i], s.heap[m] = s.heap[m], s.heap[i]
		i = m
	}
}

// fix restores the heap after the top reader moved; an exhausted reader
// leaves the heap.
func (s *bm25Searcher) fix() {
	if s.heap[0].curr == nil {
		last := len(s.heap) - 1
		s.heap[0] = s.heap[last]
		s.heap = s.heap[:last]
		if len(s.heap) == 0 {
			return
		}
	}
	s.down(0)
}

func (s *bm25Searcher) init() {
	s.heap = s.heap[:0]
	for _, r := range s.readers {
		if r.curr != nil {
			s.heap = append(s.heap, r)
		}
	}
	for i := len(s.heap)/2 - 1; i >= 0; i-- {
		s.down(i)
	}
}

func (s *bm25Searcher) start() error {
	if s.started {
		return nil
	}
	s.started = true
	if len(s.readers) >= termAtATime && !s.locations {
		return s.sum()
	}
	for _, r := range s.readers {
		d, err := r.tfr.Next(r.tfd.Reset())
		if err != nil {
			return err
		}
		r.set(d)
	}
	s.init()
	return nil
}

// emit builds the match for the smallest current document and moves the
// readers positioned on it forward.
func (s *bm25Searcher) emit(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if len(s.heap) == 0 {
		return nil, nil
	}
	key := s.heap[0].key
	rv := ctx.DocumentMatchPool.Get()
	rv.IndexInternalID = append(rv.IndexInternalID[:0], s.heap[0].curr.ID...)
	score := 0.0
	k1, b := s.q.k1, s.q.b
	for len(s.heap) > 0 && s.heap[0].key == key {
		r := s.heap[0]
		if s.score {
			tf := float64(r.curr.Freq)
			length := 1.0
			if r.curr.Norm > 0 {
				length = 1 / (r.curr.Norm * r.curr.Norm)
			}
			score += r.idfW * tf * (k1 + 1) / (tf + k1*(1-b+b*length/r.avgLen))
		}
		if s.locations {
			s.pos = positionsOf(s.pos[:0], r.curr.Vectors)
			for _, p := range s.pos {
				rv.FieldTermLocations = append(rv.FieldTermLocations, bsearch.FieldTermLocation{
					Field: r.field, Term: r.term, Location: bsearch.Location{Pos: p},
				})
			}
		}
		d, err := r.tfr.Next(r.tfd.Reset())
		if err != nil {
			return nil, err
		}
		r.set(d)
		s.fix()
	}
	rv.Score = score
	return rv, nil
}

func (s *bm25Searcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if err := s.start(); err != nil {
		return nil, err
	}
	if s.summed {
		return s.emitSummed(ctx), nil
	}
	return s.emit(ctx)
}

// sum reads every term's postings and adds up each document's score, in
// the order of the terms.
func (s *bm25Searcher) sum() error {
	s.summed = true
	k1, b := s.q.k1, s.q.b
	for _, r := range s.readers {
		for {
			d, err := r.tfr.Next(r.tfd.Reset())
			if err != nil {
				return err
			}
			if d == nil {
				break
			}
			key := idKey(d.ID)
			if w := int(key>>6) + 1; w > len(s.matched) {
				s.matched = append(s.matched, make([]uint64, w-len(s.matched)+w/4)...)
				if s.score {
					s.scores = append(s.scores, make([]float64, 64*len(s.matched)-len(s.scores))...)
				}
			}
			s.matched[key>>6] |= 1 << (key & 63)
			if s.score {
				tf := float64(d.Freq)
				length := 1.0
				if d.Norm > 0 {
					length = 1 / (d.Norm * d.Norm)
				}
				s.scores[key] += r.idfW * tf * (k1 + 1) / (tf + k1*(1-b+b*length/r.avgLen))
			}
		}
	}
	return nil
}

// emitSummed reports the next matching document at or after the cursor.
func (s *bm25Searcher) emitSummed(ctx *bsearch.SearchContext) *bsearch.DocumentMatch {
	for w := s.cursor >> 6; w < uint64(len(s.matched)); w++ {
		bits := s.matched[w]
		if w == s.cursor>>6 {
			bits &^= 1<<(s.cursor&63) - 1
		}
		if bits == 0 {
			continue
		}
		key := w<<6 + uint64(mathbits.TrailingZeros64(bits))
		s.cursor = key + 1
		rv := ctx.DocumentMatchPool.Get()
		rv.IndexInternalID = binary.BigEndian.AppendUint64(rv.IndexInternalID[:0], key)
		if s.score {
			rv.Score = s.scores[key]
		}
		return rv
	}
	s.cursor = uint64(len(s.matched)) << 6
	return nil
}

func (s *bm25Searcher) Advance(ctx *bsearch.SearchContext, ID index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if err := s.start(); err != nil {
		return nil, err
	}
	if s.summed {
		s.cursor = max(s.cursor, idKey(ID))
		return s.emitSummed(ctx), nil
	}
	target := idKey(ID)
	moved := false
	for _, r := range s.readers {
		if r.curr != nil && r.key < target {
			d, err := r.tfr.Advance(ID, r.tfd.Reset())
			if err != nil {
				return nil, err
			}
			r.set(d)
			moved = true
		}
	}
	if moved {
		s.init()
	}
	return s.emit(ctx)
}

func (s *bm25Searcher) Close() error {
	var first error
	for _, r := range s.readers {
		if err := r.tfr.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *bm25Searcher) Weight() float64            { return 1 }
func (s *bm25Searcher) SetQueryNorm(float64)       {}
func (s *bm25Searcher) Min() int                   { return 0 }
func (s *bm25Searcher) DocumentMatchPoolSize() int { return 1 }

func (s *bm25Searcher) Count() uint64 {
	var n uint64
	for _, r := range s.readers {
		n += r.tfr.Count()
	}
	return n
}

func (s *bm25Searcher) Size() int {
	n := 64
	for _, r := range s.readers {
		n += r.tfr.Size() + 64
	}
	return n
}
