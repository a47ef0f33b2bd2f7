package bleve

import (
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// gramField is the gram field of text as search.Analyze makes it.
func gramField(text string) *search.Field {
	terms, pos, _ := analyzer.AppendGramTerms(nil, nil, text, 0)
	return &search.Field{Name: search.FieldBodyGrams, Terms: terms, Positions: pos}
}

// bleveFreqs is what bleve's own analysis makes of a field's terms.
func bleveFreqs(f *search.Field, vectors bool) index.TokenFrequencies {
	toks := make(analysis.TokenStream, len(f.Terms))
	for i, t := range f.Terms {
		pos := i + 1
		if f.Positions != nil {
			pos = int(f.Positions[i])
		}
		toks[i] = &analysis.Token{Term: []byte(t), Position: pos, Type: analysis.Ideographic}
	}
	opts := index.IndexField
	if vectors {
		opts |= index.IncludeTermVectors
	}
	return analysis.TokenFrequency(toks, nil, opts)
}

func describe(tfs index.TokenFrequencies) map[string]string {
	out := map[string]string{}
	for term, tf := range tfs {
		var pos []int
		for _, l := range tf.Locations {
			p := l.Position
			pos = append(pos, p)
			for _, gap := range l.ArrayPositions {
				p += int(gap)
				pos = append(pos, p)
			}
		}
		out[term] = fmt.Sprintf("%s %d %v", tf.Term, tf.Frequency(), pos)
	}
	return out
}

// A termsField gives bleve the term frequencies and positions its own
// analysis would, without positions for the weight-only terms.
func TestTermsFieldMatchesBleve(t *testing.T) {
	doc := testDocs(t)[0]
	text := doc.Body()
	for _, vectors := range []bool{true, false} {
		f := gramField(text)
		want := describe(bleveFreqs(f, vectors))
		opts := optWords
		if vectors {
			opts = optGrams
		}
		tf := newTermsField(f.Name, opts, f)
		tf.Analyze()
		if got := describe(tf.AnalyzedTokenFrequencies()); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("vectors %v: termsField differs from bleve's analysis", vectors)
		}
		if tf.AnalyzedLength() != len(f.Terms) {
			t.Fatalf("length %d, want %d", tf.AnalyzedLength(), len(f.Terms))
		}
	}
	// The last terms repeat earlier ones and only count.
	f := gramField(text + "\n" + doc.Title)
	head := gramField(text)
	f.WeightOnly = len(f.Terms) - len(head.Terms)
	tf := newTermsField(f.Name, optGrams, f)
	tf.Analyze()
	located := bleveFreqs(head, true)
	counted := bleveFreqs(f, false)
	for term, fr := range tf.AnalyzedTokenFrequencies() {
		if fr.Frequency() != counted[term].Frequency() {
			t.Fatalf("%q: frequency %d, want %d", term, fr.Frequency(), counted[term].Frequency())
		}
		want, got := 0, 0
		if l, ok := located[term]; ok {
			want = len(l.Locations)
		}
		for _, l := range fr.Locations {
			got += 1 + len(l.ArrayPositions)
		}
		if got != want {
			t.Fatalf("%q: %d positions, want %d", term, got, want)
		}
	}
}

func BenchmarkTermsField(b *testing.B) {
	var text string
	for _, d := range testDocs(b) {
		text += d.Body() + "\n"
	}
	f := gramField(text)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tf := newTermsField(f.Name, optGrams, f)
		tf.Analyze()
	}
}

// Positions a field hands bleve come back from the term vectors a search
// reads, whether they rise (one location per term, gaps as array
// positions) or, in a field no analysis makes, go down somewhere (one
// location per occurrence).
func TestTermsFieldPositionsRoundTrip(t *testing.T) {
	for _, f := range []*search.Field{
		gramField("国务院关于国务院机构改革方案的通知，国务院办公厅"),
		{Name: search.FieldBodyGrams, Terms: []string{"甲", "乙", "甲", "甲", "乙"}, Positions: []int32{4, 2, 9, 1, 3}},
	} {
		want := map[string][]uint64{}
		for i, term := range f.Terms {
			want[term] = append(want[term], uint64(f.Positions[i]))
		}
		tf := newTermsField(f.Name, optGrams, f)
		tf.Analyze()
		for term, fr := range tf.AnalyzedTokenFrequencies() {
			var vs []*index.TermFieldVector
			for _, l := range fr.Locations {
				aps := make([]uint64, len(l.ArrayPositions))
				copy(aps, l.ArrayPositions)
				vs = append(vs, &index.TermFieldVector{Pos: uint64(l.Position), ArrayPositions: aps})
			}
			if got := positionsOf(nil, vs); fmt.Sprint(got) != fmt.Sprint(want[term]) {
				t.Errorf("%q: positions %v, want %v", term, got, want[term])
			}
		}
	}
}
