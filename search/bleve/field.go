package bleve

import (
	"encoding/binary"
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
	distinct []string
	start    []int32 // pack: where each term's positions start in grouped
	next     []int32
	grouped  []int32 // pack: the positions, term by term
}

// termsField is a bleve field made straight from analysed terms: it
// hands bleve the term frequencies and positions it would otherwise
// rebuild from a token stream (one analysis.Token, one term copy and one
// location object per token, then a map of them). Here the terms are
// not copied (bleve only reads them), and Analyze (run before a write
// takes the engine's lock, see buildDocuments) hands zapseg each
// distinct term with its location already in zap's bytes
// (PackedTerms): no location objects at all.
//
// A term's positions in a field are one bleve location (see pack): its
// first position, and the gaps to the next ones as the location's array
// positions. zap writes five numbers for every location (field,
// position, start, end, count of array positions) and one for each array
// position, so this stores a gram occurring n times in a document in
// about 7+2(n-1) bytes instead of 7n. Only this package's
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

	// After Analyze: the distinct terms, how often each occurs, and each
	// one's location as zap encodes it (locs[ends[i-1]:ends[i]]; ends is
	// nil when no term has a location) — the form zapseg reads
	// (PackedTerms). A field whose positions go down cannot be packed
	// (a term has several locations): Analyze then makes slice.
	analyzed bool
	packed   bool
	distinct []string
	all      []int32
	locs     []byte
	ends     []int32

	slice []index.TokenFreq      // the distinct terms as bleve's type, made when asked for
	freqs index.TokenFrequencies // the same by term, made when asked for
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
// segment writer (zapseg) reads PackedTerms instead, so the map is made
// only for other readers (zapx, tests).
func (f *termsField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	slice := f.TokenFreqSlice()
	if f.freqs == nil {
		f.freqs = make(index.TokenFrequencies, len(slice))
		for i := range slice {
			f.freqs[string(slice[i].Term)] = &slice[i]
		}
	}
	return f.freqs
}

// PackedTerms returns the field's distinct terms, how often each
// occurs, and each one's location encoded (zapseg.PackedField).
func (f *termsField) PackedTerms() (terms []string, freqs []int32, locs []byte, ends []int32, ok bool) {
	f.Analyze()
	return f.distinct, f.all, f.locs, f.ends, f.packed
}

// TokenFreqSlice returns the field's distinct terms with their
// frequencies and locations (zapseg.SliceField), made from the packed
// form the first time it is asked for.
func (f *termsField) TokenFreqSlice() []index.TokenFreq {
	f.Analyze()
	if f.slice != nil || !f.packed {
		return f.slice
	}
	f.slice = make([]index.TokenFreq, len(f.distinct))
	prev := int32(0)
	for i, t := range f.distinct {
		tf := &f.slice[i]
		tf.Term = bytesOf(t)
		tf.SetFrequency(int(f.all[i]))
		if f.ends == nil || f.ends[i] == prev {
			continue
		}
		// position, start, end, the number of gaps, the gaps
		b := f.locs[prev:f.ends[i]]
		prev = f.ends[i]
		var v [4]uint64
		for k := range v {
			var n int
			v[k], n = binary.Uvarint(b)
			b = b[n:]
		}
		l := &index.TokenLocation{Position: int(v[0]), Start: int(v[1]), End: int(v[2])}
		for range v[3] {
			gap, n := binary.Uvarint(b)
			b = b[n:]
			l.ArrayPositions = append(l.ArrayPositions, gap)
		}
		tf.Locations = []*index.TokenLocation{l}
	}
	return f.slice
}

// Size is what the field holds in memory, for bleve's accounting.
func (f *termsField) Size() int {
	n := 96 + len(f.name) + len(f.value) + 16*len(f.terms) + 4*len(f.pos) + 48*len(f.slice) +
		20*len(f.distinct) + len(f.locs)
	if f.freqs != nil {
		n += 64 * len(f.freqs)
	}
	return n
}

// Analyze builds the term frequencies (and, for fields with term
// vectors, the positions) and lets go of the terms.
func (f *termsField) Analyze() {
	if f.analyzed {
		return
	}
	f.analyzed = true
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
	c.ids, c.counts, c.all, c.distinct = ids, counts, all, distinct
	if located > 0 && f.goesDown(located) {
		// Not packable: bleve's form, a location per occurrence.
		freqs := make([]index.TokenFreq, len(counts))
		for s, t := range distinct {
			freqs[s].Term = bytesOf(t)
			freqs[s].SetFrequency(int(all[s]))
		}
		f.locateEach(freqs, ids[:located], counts)
		f.slice = freqs
	} else {
		f.packed = true
		f.distinct, f.all = slices.Clone(distinct), slices.Clone(all)
		if located > 0 {
			f.pack(ids[:located], counts, c)
		}
	}
	f.terms, f.pos = nil, nil
}

// posOf is the position of the i-th term.
func (f *termsField) posOf(i int) int32 {
	if f.pos != nil {
		return f.pos[i]
	}
	return int32(i + 1)
}

// goesDown reports whether the positions of the field's first n terms
// (those with locations) go down somewhere (no analysis makes such
// fields).
func (f *termsField) goesDown(n int) bool {
	for i := 1; i < min(n, len(f.pos)); i++ {
		if f.pos[i] < f.pos[i-1] {
			return true
		}
	}
	return false
}

// pack encodes each located term's one location: its first position as
// the location's position, the gaps to the others as its array
// positions, in order (start and end 0), as zap writes a location after
// its field number. ids are the located terms' indexes into f.distinct,
// counts their located occurrences; c is working memory.
func (f *termsField) pack(ids []int32, counts []int32, c *counter) {
	// Each term's positions together: a counting sort of the
	// occurrences by term keeps them in order.
	n := len(counts)
	c.start = slices.Grow(c.start[:0], n+1)[:n+1]
	c.start[0] = 0
	for s, k := range counts {
		c.start[s+1] = c.start[s] + k
	}
	c.next = append(c.next[:0], c.start[:n]...)
	c.grouped = slices.Grow(c.grouped[:0], len(ids))[:len(ids)]
	for i, s := range ids {
		c.grouped[c.next[s]] = f.posOf(i)
		c.next[s]++
	}
	locs := make([]byte, 0, 2*len(ids)+4*n)
	ends := make([]int32, n)
	for s := range counts {
		if ps := c.grouped[c.start[s]:c.start[s+1]]; len(ps) > 0 {
			locs = binary.AppendUvarint(locs, uint64(ps[0]))
			locs = append(locs, 0, 0) // start, end
			locs = binary.AppendUvarint(locs, uint64(len(ps)-1))
			for k := 1; k < len(ps); k++ {
				locs = binary.AppendUvarint(locs, uint64(ps[k]-ps[k-1]))
			}
		}
		ends[s] = int32(len(locs))
	}
	f.locs, f.ends = locs, ends
}

// locateEach gives every located occurrence a location of its own.
func (f *termsField) locateEach(freqs []index.TokenFreq, ids []int32, counts []int32) {
	locs := make([]index.TokenLocation, len(ids))
	ptrs := make([]*index.TokenLocation, len(ids))
	off := 0
	for s, c := range counts {
		freqs[s].Locations = ptrs[off : off : off+int(c)]
		off += int(c)
	}
	for i := range locs {
		l := &locs[i]
		l.Position = int(f.posOf(i))
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
