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
			pos = append(pos, l.Position)
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
		want := 0
		if l, ok := located[term]; ok {
			want = len(l.Locations)
		}
		if len(fr.Locations) != want {
			t.Fatalf("%q: %d locations, want %d", term, len(fr.Locations), want)
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
