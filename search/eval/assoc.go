package eval

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
)

// AssocOptions tune LearnAssociations.
type AssocOptions struct {
	// MinPair is how many questions must pair a question word with an
	// article word before the association counts.
	MinPair int
	// TopK is how many associated words a question word keeps.
	TopK int
}

// termsOf returns the distinct content words of text (two or more
// characters, not stopwords).
func termsOf(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range analyzer.Words(text) {
		if t.Kind != analyzer.Word || utf8.RuneCountInString(t.Term) < 2 || analyzer.IsStopword(t.Term) || seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		out = append(out, t.Term)
	}
	return out
}

// LearnAssociations learns, from questions and the documents judged
// relevant to them, which document words go with which question words:
// for a question word w and a word a of the relevant documents,
//
//	score(w, a) = P(a in a relevant document | w in the question) · ln(N / df(a))
//
// kept when at least MinPair questions support the pair, the TopK best per
// w, scaled so that w's best association weighs 1. docs maps a document id
// to its text; only documents of judged questions need to be in it, but df
// is counted over all of docs.
func LearnAssociations(queries []Query, qrels Qrels, docs map[string]string, o AssocOptions) map[string][]analyzer.Expansion {
	if o.MinPair <= 0 {
		o.MinPair = 2
	}
	if o.TopK <= 0 {
		o.TopK = 5
	}
	docTerms := map[string][]string{}
	df := map[string]int{}
	for id, text := range docs {
		ts := termsOf(text)
		docTerms[id] = ts
		for _, t := range ts {
			df[t]++
		}
	}
	n := float64(len(docs))
	pair := map[string]map[string]int{}
	qcount := map[string]int{}
	for _, q := range queries {
		rel := qrels[q.ID]
		if len(rel) == 0 {
			continue
		}
		relTerms := map[string]bool{}
		for id := range rel {
			for _, t := range docTerms[id] {
				relTerms[t] = true
			}
		}
		for _, w := range termsOf(q.Text) {
			qcount[w]++
			if pair[w] == nil {
				pair[w] = map[string]int{}
			}
			for a := range relTerms {
				if a != w {
					pair[w][a]++
				}
			}
		}
	}
	out := map[string][]analyzer.Expansion{}
	for w, as := range pair {
		var list []analyzer.Expansion
		for a, c := range as {
			if c < o.MinPair || df[a] == 0 {
				continue
			}
			list = append(list, analyzer.Expansion{Word: a, Weight: float64(c) / float64(qcount[w]) * math.Log(n/float64(df[a]))})
		}
		if len(list) == 0 {
			continue
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].Weight != list[j].Weight {
				return list[i].Weight > list[j].Weight
			}
			return list[i].Word < list[j].Word
		})
		if len(list) > o.TopK {
			list = list[:o.TopK]
		}
		top := list[0].Weight
		for i := range list {
			list[i].Weight = math.Round(list[i].Weight/top*1000) / 1000
			if list[i].Weight == 0 {
				list[i].Weight = 0.001
			}
		}
		out[w] = list
	}
	return out
}

// WriteExpansions writes a table in the format analyzer.ParseExpansions reads.
func WriteExpansions(w io.Writer, header string, m map[string][]analyzer.Expansion) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, l := range strings.Split(strings.TrimSpace(header), "\n") {
		if _, err := fmt.Fprintf(w, "# %s\n", l); err != nil {
			return err
		}
	}
	for _, k := range keys {
		parts := make([]string, len(m[k]))
		for i, e := range m[k] {
			parts[i] = fmt.Sprintf("%s:%g", e.Word, e.Weight)
		}
		if _, err := fmt.Fprintf(w, "%s\t%s\n", k, strings.Join(parts, " ")); err != nil {
			return err
		}
	}
	return nil
}
