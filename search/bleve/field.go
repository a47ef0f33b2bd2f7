package bleve

import (
	"unsafe"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/search"
)

// termsField is a bleve field made straight from analysed terms: it
// hands bleve the term frequencies and positions it would otherwise
// rebuild from a token stream (one analysis.Token, one term copy and one
// location object per token, then a map of them). Here the terms are
// not copied (bleve only reads them), the locations of a field live in
// one array, and the work happens in Analyze, which bleve runs on its
// analysis workers, in parallel with the rest of a batch.
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
	freqs  index.TokenFrequencies
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

func (f *termsField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	if f.freqs == nil {
		f.Analyze()
	}
	return f.freqs
}

// Size is what the field holds in memory, for bleve's accounting.
func (f *termsField) Size() int {
	n := 96 + len(f.name) + len(f.value) + 16*len(f.terms) + 4*len(f.pos)
	if f.freqs != nil {
		n += 64 * len(f.freqs)
	}
	return n
}

// Analyze builds the term frequencies (and, for fields with term
// vectors, the positions) and lets go of the terms.
func (f *termsField) Analyze() {
	if f.freqs != nil {
		return
	}
	located := len(f.terms) - f.weight
	if !f.opts.IncludeTermVectors() {
		located = 0
	}
	// Distinct terms, and how many located occurrences each has.
	slot := make(map[string]int32, len(f.terms)/2+1)
	var counts []int32
	for _, t := range f.terms {
		if _, ok := slot[t]; !ok {
			slot[t] = int32(len(counts))
			counts = append(counts, 0)
		}
	}
	for _, t := range f.terms[:located] {
		counts[slot[t]]++
	}
	freqs := make([]index.TokenFreq, len(counts))
	var locs []index.TokenLocation
	var ptrs []*index.TokenLocation
	if located > 0 {
		locs = make([]index.TokenLocation, located)
		ptrs = make([]*index.TokenLocation, located)
		off := 0
		for i, c := range counts {
			freqs[i].Locations = ptrs[off : off : off+int(c)]
			off += int(c)
		}
	}
	out := make(index.TokenFrequencies, len(counts))
	for i, t := range f.terms {
		s := slot[t]
		fr := &freqs[s]
		fr.SetFrequency(fr.Frequency() + 1)
		if fr.Term == nil {
			fr.Term = bytesOf(t)
			out[t] = fr
		}
		if i < located {
			l := &locs[i]
			l.Position = i + 1
			if f.pos != nil {
				l.Position = int(f.pos[i])
			}
			fr.Locations = append(fr.Locations, l)
		}
	}
	f.freqs = out
	f.terms, f.pos = nil, nil
}
