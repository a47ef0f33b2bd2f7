package bleve

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/gongkai/gongkai/analyzer"
)

// Names under which gongkai's analyzers register with bleve, so that an
// index mapping refers to them by name and the index describes itself.
// Documents reach bleve analysed (search.Analyze); the names matter to any
// program that opens a gongkai index, which therefore imports this
// package, and to bleve's own query types, which then analyse text the
// gongkai way.
const (
	// WordsName is the word layer: segmented words and whole numbers.
	WordsName = "gongkai_words"
	// GramsName is the gram layer: bigrams, run-edge unigrams, numbers.
	GramsName = "gongkai_grams"
	// KeywordName folds a whole value into one term (for exact filters).
	KeywordName = "gongkai_keyword"
)

// analyzerFunc adapts a token function to bleve's Analyzer and Tokenizer.
type analyzerFunc func(string) []analyzer.Token

func (f analyzerFunc) Analyze(input []byte) analysis.TokenStream {
	return stream(f(string(input)))
}

func (f analyzerFunc) Tokenize(input []byte) analysis.TokenStream {
	return f.Analyze(input)
}

// stream converts tokens to bleve's form.
func stream(toks []analyzer.Token) analysis.TokenStream {
	stream := make(analysis.TokenStream, len(toks))
	backing := make([]analysis.Token, len(toks))
	for i, t := range toks {
		typ := analysis.Ideographic
		switch t.Kind {
		case analyzer.Number, analyzer.Measure:
			typ = analysis.Numeric
		case analyzer.Latin, analyzer.Symbol:
			typ = analysis.AlphaNumeric
		}
		backing[i] = analysis.Token{Term: []byte(t.Term), Start: t.Start, End: t.End, Position: t.Position, Type: typ}
		stream[i] = &backing[i]
	}
	return stream
}

// keyword folds the whole of s into one term: the value of an exact filter
// (agency, document type, document number).
func keyword(s string) []analyzer.Token {
	f := analyzer.FoldString(s)
	if f == "" {
		return nil
	}
	return []analyzer.Token{{Term: f, Start: 0, End: len(s), Position: 1, Kind: analyzer.Latin}}
}

// analyzerNamed returns the bleve analyzer registered under name.
func analyzerNamed(name string) analysis.Analyzer {
	switch name {
	case WordsName:
		return analyzerFunc(analyzer.Words)
	case GramsName:
		return analyzerFunc(analyzer.Grams)
	case KeywordName:
		return analyzerFunc(keyword)
	}
	return nil
}

func init() {
	for _, name := range []string{WordsName, GramsName, KeywordName} {
		a := analyzerNamed(name)
		if err := registry.RegisterTokenizer(name, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
			return a.(analysis.Tokenizer), nil
		}); err != nil {
			panic(err)
		}
		if err := registry.RegisterAnalyzer(name, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return a, nil
		}); err != nil {
			panic(err)
		}
	}
}
