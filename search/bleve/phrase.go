package bleve

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches documents where its gram terms stand at consecutive
// positions of one field, and scores them by BM25 summed over the terms,
// times a weight (the scale of bm25Query, so keyword and question scores
// compare). It replaces bleve's phrase query, which spends most of a
// keyword search building location maps and recursive match paths; this
// one intersects postings with leapfrogging and checks positions with one
// merge per term. With term vectors requested, a match reports the
// position of its first term only, once per occurrence (see bodySpans).
type phraseQuery struct {
	field  string
	terms  []string
	weight float64
	docs   float64
	avgLen float64
	k1, b  float64
}

func (e *Engine) newPhraseQuery(field string, terms []string, weight float64) *phraseQuery {
	st := e.stats.Load()
	docs := float64(max(st.Docs, 1))
	return &phraseQuery{field: field, terms: terms, weight: weight, docs: docs,
		avgLen: math.Max(float64(st.Tokens[field])/docs, 1), k1: e.opts.K1, b: e.opts.B}
}

// Searcher implements query.Query.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s := &phraseSearcher{q: q, locations: options.IncludeTermVectors, score: options.Score != "none"}
	for i, t := range q.terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t), q.field, true, true, true)
		if err != nil {
			s.Close()
			return nil, err
		}
		df := float64(tfr.Count())
		s.readers = append(s.readers, &phraseReader{tfr: tfr, tfd: &index.TermFieldDoc{}, slot: i,
			score: newTermScore(q.weight, q.docs, df, q.avgLen, q.k1, q.b)})
		if df == 0 {
			s.empty = true
		}
	}
	// The rarest term drives the intersection.
	for i, r := range s.readers {
		if r.tfr.Count() < s.readers[s.lead].tfr.Count() {
			s.lead = i
		}
	}
	return s, nil
}

type phraseReader struct {
	tfr   index.TermFieldReader
	tfd   *index.TermFieldDoc
	curr  *index.TermFieldDoc
	key   uint64
	slot  int // position of the term in the phrase
	score termScore
	pos   []uint64 // scratch: the term's positions in the current document
}

func (r *phraseReader) next(target uint64, id index.IndexInternalID) error {
	var d *index.TermFieldDoc
	var err error
	if id == nil {
		d, err = r.tfr.Next(r.tfd.Reset())
	} else {
		d, err = r.tfr.Advance(id, r.tfd.Reset())
	}
	if err != nil {
		return err
	}
	r.curr = d
	if d != nil {
		r.key = idKey(d.ID)
	}
	return nil
}

type phraseSearcher struct {
	q         *phraseQuery
	readers   []*phraseReader
	lead      int
	started   bool
	done      bool
	empty     bool
	locations bool
	score     bool
	starts    []uint64 // scratch: matched phrase starts
}

// align moves every reader to the first document at or after the lead's
// current one that holds all the terms; it reports false when done.
func (s *phraseSearcher) align() (bool, error) {
	lead := s.readers[s.lead]
	for {
		if lead.curr == nil {
			return false, nil
		}
		target := lead.key
		agreed := true
		for _, r := range s.readers {
			if r == lead {
				continue
			}
			if r.curr == nil || r.key < target {
				if err := r.next(target, lead.curr.ID); err != nil {
					return false, err
				}
			}
			if r.curr == nil {
				return false, nil
			}
			if r.key > target {
				if err := lead.next(r.key, r.curr.ID); err != nil {
					return false, err
				}
				agreed = false
				break
			}
		}
		if agreed {
			return true, nil
		}
	}
}

// matchStarts returns the positions where the phrase starts in the
// current document.
func (s *phraseSearcher) matchStarts() []uint64 {
	s.starts = s.starts[:0]
	first := s.readers[0]
	for _, r := range s.readers {
		if r.slot == 0 {
			first = r
		}
	}
	for _, r := range s.readers {
		r.pos = positionsOf(r.pos[:0], r.curr.Vectors)
	}
	idx := make([]int, len(s.readers))
	for _, p := range first.pos {
		ok := true
		for ri, r := range s.readers {
			if r.slot == 0 {
				continue
			}
			want := p + uint64(r.slot)
			ps := r.pos
			for idx[ri] < len(ps) && ps[idx[ri]] < want {
				idx[ri]++
			}
			if idx[ri] >= len(ps) || ps[idx[ri]] != want {
				ok = false
				break
			}
		}
		if ok {
			s.starts = append(s.starts, p)
		}
	}
	return s.starts
}

func (s *phraseSearcher) emit(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for !s.done {
		ok, err := s.align()
		if err != nil {
			return nil, err
		}
		if !ok {
			s.done = true
			break
		}
		lead := s.readers[s.lead]
		starts := s.matchStarts()
		if len(starts) > 0 {
			rv := ctx.DocumentMatchPool.Get()
			rv.IndexInternalID = append(rv.IndexInternalID[:0], lead.curr.ID...)
			if s.score {
				score := 0.0
				for _, r := range s.readers {
					score += r.score.of(r.curr.Freq, r.curr.Norm)
				}
				rv.Score = score
			}
			if s.locations {
				for _, p := range starts {
					rv.FieldTermLocations = append(rv.FieldTermLocations, bsearch.FieldTermLocation{
						Field: s.q.field, Term: s.q.terms[0], Location: bsearch.Location{Pos: p},
					})
				}
			}
			if err := lead.next(0, nil); err != nil {
				return nil, err
			}
			return rv, nil
		}
		if err := lead.next(0, nil); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (s *phraseSearcher) start() error {
	if s.started {
		return nil
	}
	s.started = true
	if s.empty || len(s.readers) == 0 {
		s.done = true
		return nil
	}
	return s.readers[s.lead].next(0, nil)
}

func (s *phraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if err := s.start(); err != nil {
		return nil, err
	}
	return s.emit(ctx)
}

func (s *phraseSearcher) Advance(ctx *bsearch.SearchContext, ID index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if err := s.start(); err != nil {
		return nil, err
	}
	if s.done {
		return nil, nil
	}
	lead := s.readers[s.lead]
	if lead.curr != nil && lead.key < idKey(ID) {
		if err := lead.next(idKey(ID), ID); err != nil {
			return nil, err
		}
	}
	return s.emit(ctx)
}

func (s *phraseSearcher) Close() error {
	var first error
	for _, r := range s.readers {
		if err := r.tfr.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *phraseSearcher) Weight() float64            { return 1 }
func (s *phraseSearcher) SetQueryNorm(float64)       {}
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return 1 }

func (s *phraseSearcher) Count() uint64 {
	if len(s.readers) == 0 {
		return 0
	}
	return s.readers[s.lead].tfr.Count()
}

func (s *phraseSearcher) Size() int {
	n := 64
	for _, r := range s.readers {
		n += r.tfr.Size() + 64
	}
	return n
}
