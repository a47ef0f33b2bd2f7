package bleve

import (
	"context"
	"encoding/binary"
	"math"
	mathbits "math/bits"
	"runtime"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve/internal/zapseg"
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
	if snap, ok := r.(*scorch.IndexSnapshot); ok && len(q.terms) >= termAtATime && !s.locations {
		// Term at a time straight from the segments' postings: no
		// term field reader, no document id made per posting.
		ok, err := s.openLists(snap)
		if err != nil {
			s.Close()
			return nil, err
		}
		if ok {
			return s, nil
		}
		s.lists = nil
	}
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
			tfr:   tfr,
			field: t.Field,
			term:  t.Term,
			score: q.termScore(t, df),
			tfd:   &index.TermFieldDoc{},
		})
	}
	return s, nil
}

// termScore returns how t, in df documents, scores.
func (q *bm25Query) termScore(t search.WeightedTerm, df float64) termScore {
	return newTermScore(t.Weight, q.docs, df, q.avgLen[t.Field], q.k1, q.b)
}

// newTermScore returns the score of a term of the given weight found in
// df of docs documents, in a field of average length avgLen.
func newTermScore(weight, docs, df, avgLen, k1, b float64) termScore {
	idfW := weight * math.Log(1+(docs-df+0.5)/(df+0.5))
	return termScore{a: idfW * (k1 + 1), c1: k1 * (1 - b), c2: k1 * b / avgLen}
}

// termScore is one term's BM25 with its constants folded:
//
//	idfW·tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))
//	  = a·tf·x / (x·(tf + c1) + c2)
//
// with x = 1/len = norm², a = idfW·(k1+1), c1 = k1·(1−b), c2 = k1·b/avglen:
// one division per posting, not three.
type termScore struct{ a, c1, c2 float64 }

// of scores a posting of frequency tf in a field of norm 1/√len (0: no
// norm, taken as length 1).
func (t termScore) of(tf uint64, norm float64) float64 {
	x := 1.0
	if norm > 0 {
		x = norm * norm
	}
	f := float64(tf)
	return t.a * f * x / (x*(f+t.c1) + t.c2)
}

// termLists is one term's postings in each segment of a snapshot: read
// straight from the segment file (direct) where zapseg can, else
// through zapx (lists).
type termLists struct {
	lists  []segment.PostingsList // by segment; nil where absent or direct
	direct []zapseg.Postings      // by segment (nil: none); Count 0 where absent
	score  termScore
	df     uint64
}

// openLists looks up the query's terms in each segment of snap for term
// at a time scoring. It reports false when the terms that occur are too
// few for it (the caller then drops the lists).
func (s *bm25Searcher) openLists(snap *scorch.IndexSnapshot) (bool, error) {
	segs := snap.Segments()
	s.offsets = make([]uint64, len(segs))
	var running uint64
	for i, ss := range segs {
		s.offsets[i] = running
		running += ss.Segment().Count()
	}
	// A field's terms in each segment: read straight from the file
	// (direct) for a segment file without deletions, else zapx's
	// dictionary, opened when first needed.
	type fieldTerms struct {
		direct []*zapseg.Terms
		dicts  []segment.TermDictionary
	}
	fields := map[string]*fieldTerms{}
	for _, t := range s.q.terms {
		ft, ok := fields[t.Field]
		if !ok {
			ft = &fieldTerms{direct: make([]*zapseg.Terms, len(segs)), dicts: make([]segment.TermDictionary, len(segs))}
			for i, ss := range segs {
				if d := ss.Deleted(); d == nil || d.IsEmpty() {
					ft.direct[i], _ = zapseg.OpenTerms(ss.Segment(), t.Field)
				}
			}
			fields[t.Field] = ft
		}
		tl := &termLists{lists: make([]segment.PostingsList, len(segs))}
		for i, ss := range segs {
			if ft.direct[i] != nil {
				p, found, ok := ft.direct[i].Postings([]byte(t.Term))
				if ok {
					if found {
						if tl.direct == nil {
							tl.direct = make([]zapseg.Postings, len(segs))
						}
						tl.direct[i] = p
						tl.df += p.Count()
					}
					continue
				}
			}
			if ft.dicts[i] == nil {
				d, err := ss.Segment().Dictionary(t.Field)
				if err != nil {
					return false, err
				}
				if d == nil {
					continue
				}
				ft.dicts[i] = d
			}
			pl, err := ft.dicts[i].PostingsList([]byte(t.Term), ss.Deleted(), nil)
			if err != nil {
				return false, err
			}
			if n := pl.Count(); n > 0 {
				tl.lists[i] = pl
				tl.df += n
			}
		}
		if tl.df == 0 {
			continue
		}
		tl.score = s.q.termScore(t, float64(tl.df))
		s.lists = append(s.lists, tl)
	}
	return len(s.lists) >= termAtATime, nil
}

type bm25Reader struct {
	tfr         index.TermFieldReader
	field, term string
	score       termScore
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
// (a question's 40–60) and no positions asked for, it instead reads each
// term's postings whole, straight from a scorch snapshot's segments
// (openLists), and adds up the scores per document (term at a time),
// which spares a heap step per posting; with few terms the heap lets a
// conjunction skip.
type bm25Searcher struct {
	q         *bm25Query
	readers   []*bm25Reader
	heap      []*bm25Reader // readers that are not exhausted, min first
	started   bool
	score     bool
	locations bool     // report the positions of the terms (for highlights)
	pos       []uint64 // scratch: one term's positions

	// Term at a time: the summed score of each document (by internal
	// number), which documents match, and the next to report. lists
	// holds the terms' postings by segment when they are read straight
	// from the segments (offsets: each segment's first internal number).
	summed  bool
	lists   []*termLists
	docs    []uint32 // scratch: one term's documents in one segment
	offsets []uint64
	scores  []float64
	matched []uint64
	cursor  uint64
}

// termAtATime is the number of terms (that occur in the index) from which
// a searcher sums scores term at a time.
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
	if s.lists != nil {
		return s.sumLists()
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
	for len(s.heap) > 0 && s.heap[0].key == key {
		r := s.heap[0]
		if s.score {
			score += r.score.of(r.curr.Freq, r.curr.Norm)
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

// sumLists reads every term's postings in every segment (the terms'
// lists) and adds up each document's score, in the order of the terms.
func (s *bm25Searcher) sumLists() error {
	s.summed = true
	var it segment.PostingsIterator
	for _, tl := range s.lists {
		runtime.Gosched() // between terms, let other searches run
		for seg, p := range tl.direct {
			if p.Count() == 0 {
				continue
			}
			base, score := s.offsets[seg], tl.score
			s.docs = p.Each(s.docs, func(doc uint32, freq, normBits uint64) {
				key := base + uint64(doc)
				s.grow(key)
				s.matched[key>>6] |= 1 << (key & 63)
				if s.score {
					s.scores[key] += score.of(freq, zapseg.Norm(normBits))
				}
			})
		}
		for seg, pl := range tl.lists {
			if pl == nil {
				continue
			}
			it = pl.Iterator(s.score, s.score, false, it)
			base := s.offsets[seg]
			for {
				p, err := it.Next()
				if err != nil {
					return err
				}
				if p == nil {
					break
				}
				key := base + p.Number()
				s.grow(key)
				s.matched[key>>6] |= 1 << (key & 63)
				if s.score {
					s.scores[key] += tl.score.of(p.Frequency(), p.Norm())
				}
			}
		}
	}
	return nil
}

// grow makes room in matched and scores for document key.
func (s *bm25Searcher) grow(key uint64) {
	if w := int(key>>6) + 1; w > len(s.matched) {
		s.matched = append(s.matched, make([]uint64, w-len(s.matched)+w/4)...)
		if s.score {
			s.scores = append(s.scores, make([]float64, 64*len(s.matched)-len(s.scores))...)
		}
	}
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
	for _, tl := range s.lists {
		n += tl.df
	}
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
	for _, tl := range s.lists {
		n += 64 + 16*len(tl.lists) + 32*len(tl.direct)
	}
	return n + 8*len(s.scores) + 8*len(s.matched)
}
