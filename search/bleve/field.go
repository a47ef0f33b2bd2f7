package bleve

import (
	"slices"
	"sync"
	"unsafe"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve/internal/termtab"
)

// counters are termsField.Analyze's working memory, reused: it runs on
// several workers at once, for every field of every document.
var counters = sync.Pool{New: func() any { return new(counter) }}

// counter is the working memory of termsField.Analyze.
type counter struct {
	short    termtab.Table // terms of up to seven bytes, by their bytes
	ids      []int32       // per term: which distinct term it is
	counts   []int32       // per distinct term: located occurrences
	all      []int32       // per distinct term: occurrences
	last     []int32       // per distinct term: its last position so far
	distinct []string
}

// termsField is a bleve field made straight from analysed terms: it
// hands bleve the term frequencies and positions it would otherwise
// rebuild from a token stream (one analysis.Token, one term copy and one
// location object per token, then a map of them). Here the terms are
// not copied (bleve only reads them), the locations of a field live in
// one array, and the work happens in Analyze, which bleve runs on its
// analysis workers, in parallel with the rest of a batch.
//
// A term's positions in a field are one bleve location (see locate):
// its first position, and the gaps to the next ones as the location's
// array positions. zap writes five numbers for every location (field,
// position, start, end, count of array positions) and one for each array
// position, so this stores a gram occurring n times in a document in
// about 7+2(n-1) bytes instead of 7n, and keeps one location object per
// term in memory instead of one per occurrence. Only this package's
// searchers read the positions (positionsOf decodes them); nothing else
// in gongkai asks bleve for term vectors.
//
// A field with no terms is a placeholder: every document carries every
// indexed field, so that all segments have the same fields and bleve
// merges them by copying postings instead of decoding and re-encoding
// each one.
type termsField struct {
	name   string
	opts   index.FieldIndexingOptions
	terms  []string
	pos    []int32 // position of each term; nil: 1, 2, 3 …
	weight int     // the last weight terms count without a location (search.Field.WeightOnly)
	value  []byte  // stored value, for stored fields
	length int
	slice  []index.TokenFreq      // the distinct terms, after Analyze
	freqs  index.TokenFrequencies // the same by term, made when asked for
}

func newTermsField(name string, opts index.FieldIndexingOptions, f *search.Field) *termsField {
	tf := &termsField{name: name, opts: opts}
	if f != nil {
		tf.terms, tf.pos, tf.weight = f.Terms, f.Positions, f.WeightOnly
		tf.length = len(f.Terms)
	}
	return tf
}

// bytesOf returns the bytes of s without copying; they must not be
// written to.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (f *termsField) Name() string                        { return f.name }
func (f *termsField) ArrayPositions() []uint64            { return nil }
func (f *termsField) Options() index.FieldIndexingOptions { return f.opts }
func (f *termsField) Value() []byte                       { return f.value }
func (f *termsField) NumPlainTextBytes() uint64           { return uint64(len(f.value)) }
func (f *termsField) EncodedFieldType() byte              { return 't' }
func (f *termsField) AnalyzedLength() int                 { return f.length }

// AnalyzedTokenFrequencies returns the field's terms by term. The
// segment writer (zapseg) reads TokenFreqSlice instead, so the map is
// made only for other readers.
func (f *termsField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	f.Analyze()
	if f.freqs == nil {
		f.freqs = make(index.TokenFrequencies, len(f.slice))
		for i := range f.slice {
			f.freqs[string(f.slice[i].Term)] = &f.slice[i]
		}
	}
	return f.freqs
}

// TokenFreqSlice returns the field's distinct terms with their
// frequencies and locations (zapseg.SliceField).
func (f *termsField) TokenFreqSlice() []index.TokenFreq {
	f.Analyze()
	return f.slice
}

// Size is what the field holds in memory, for bleve's accounting.
func (f *termsField) Size() int {
	n := 96 + len(f.name) + len(f.value) + 16*len(f.terms) + 4*len(f.pos) + 48*len(f.slice)
	if f.freqs != nil {
		n += 64 * len(f.freqs)
	}
	return n
}

// Analyze builds the term frequencies (and, for fields with term
// vectors, the positions) and lets go of the terms.
func (f *termsField) Analyze() {
	if f.slice != nil {
		return
	}
	located := len(f.terms) - f.weight
	if !f.opts.IncludeTermVectors() {
		located = 0
	}
	// The distinct terms (one table lookup per term), which of them each
	// term is, and how many located occurrences each has.
	// Terms of up to seven bytes (bigrams, unigrams: nearly all) are
	// looked up by a number made of their bytes (termtab), which is much
	// cheaper than hashing and comparing strings.
	c := counters.Get().(*counter)
	defer func() {
		clear(c.distinct) // the pool keeps no terms
		counters.Put(c)
	}()
	short := &c.short
	short.Reset(len(f.terms) / 4)
	var long map[string]int32
	ids := slices.Grow(c.ids[:0], len(f.terms))[:len(f.terms)]
	counts, all, distinct := c.counts[:0], c.all[:0], c.distinct[:0]
	for i, t := range f.terms {
		var s int32
		var ok bool
		if k, isShort := termtab.Key(t); isShort {
			s, ok = short.Find(k, int32(len(counts)))
		} else {
			if long == nil {
				long = map[string]int32{}
			}
			if s, ok = long[t]; !ok {
				s = int32(len(counts))
				long[t] = s
			}
		}
		if !ok {
			counts = append(counts, 0)
			all = append(all, 0)
			distinct = append(distinct, t)
		}
		ids[i] = s
		all[s]++
		if i < located {
			counts[s]++
		}
	}
	freqs := make([]index.TokenFreq, len(counts))
	for s, t := range distinct {
		freqs[s].Term = bytesOf(t)
	}
	if located > 0 {
		c.last = slices.Grow(c.last[:0], len(counts))[:len(counts)]
		f.locate(freqs, ids[:located], counts, c.last)
	}
	for s := range freqs {
		freqs[s].SetFrequency(int(all[s]))
	}
	c.ids, c.counts, c.all, c.distinct = ids, counts, all, distinct
	f.slice = freqs
	f.terms, f.pos = nil, nil
}

// locate gives each located term one location holding all its positions:
// the first as the location's position, the gaps to the others as its
// array positions, in order. ids are the located terms' indexes into
// freqs, counts their located occurrences; last is working memory of
// len(counts). When the field's positions go
// down somewhere (no analysis makes such fields), every occurrence is a
// location of its own, as bleve would store it; positionsOf reads both.
func (f *termsField) locate(freqs []index.TokenFreq, ids []int32, counts []int32, last []int32) {
	posOf := func(i int) int {
		if f.pos != nil {
			return int(f.pos[i])
		}
		return i + 1
	}
	if f.pos != nil {
		for i := 1; i < len(ids); i++ {
			if f.pos[i] < f.pos[i-1] {
				f.locateEach(freqs, ids, counts, posOf)
				return
			}
		}
	}
	terms := 0
	for _, c := range counts {
		if c > 0 {
			terms++
		}
	}
	locs := make([]index.TokenLocation, terms)
	ptrs := make([]*index.TokenLocation, terms)
	gaps := make([]uint64, len(ids)-terms)
	n, off := 0, 0
	for s, c := range counts {
		if c == 0 {
			continue
		}
		l := &locs[n]
		l.Position = -1
		l.ArrayPositions = gaps[off : off : off+int(c)-1]
		ptrs[n] = l
		freqs[s].Locations = ptrs[n : n+1 : n+1]
		n++
		off += int(c) - 1
	}
	for i, s := range ids {
		p := posOf(i)
		l := freqs[s].Locations[0]
		if l.Position < 0 {
			l.Position = p
		} else {
			l.ArrayPositions = append(l.ArrayPositions, uint64(int32(p)-last[s]))
		}
		last[s] = int32(p)
	}
}

// locateEach gives every located occurrence a location of its own.
func (f *termsField) locateEach(freqs []index.TokenFreq, ids []int32, counts []int32, posOf func(int) int) {
	locs := make([]index.TokenLocation, len(ids))
	ptrs := make([]*index.TokenLocation, len(ids))
	off := 0
	for s, c := range counts {
		freqs[s].Locations = ptrs[off : off : off+int(c)]
		off += int(c)
	}
	for i := range locs {
		l := &locs[i]
		l.Position = posOf(i)
		fr := &freqs[ids[i]]
		fr.Locations = append(fr.Locations, l)
	}
}

// positionsOf appends to buf the positions of a term in a document that
// its term vectors hold (see termsField), in the order they were given:
// rising, for every field search.Analyze makes (the phrase searcher
// relies on it).
func positionsOf(buf []uint64, vs []*index.TermFieldVector) []uint64 {
	for _, v := range vs {
		p := v.Pos
		buf = append(buf, p)
		for _, gap := range v.ArrayPositions {
			p += gap
			buf = append(buf, p)
		}
	}
	return buf
}
