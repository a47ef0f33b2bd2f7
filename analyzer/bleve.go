package analyzer

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which the analyzers register with bleve. An index mapping
// refers to them by name, so any program that opens a gongkai index must
// import this package.
const (
	// WordsName is the word layer: segmented words and whole numbers.
	WordsName = "gongkai_words"
	// GramsName is the gram layer: bigrams, run-edge unigrams, numbers.
	GramsName = "gongkai_grams"
	// KeywordName folds a whole value into one term (for exact filters).
	KeywordName = "gongkai_keyword"
)

// analyzerFunc adapts a token function to bleve's Analyzer and Tokenizer.
type analyzerFunc func(string) []Token

func (f analyzerFunc) Analyze(input []byte) analysis.TokenStream {
	return Stream(f(string(input)))
}

func (f analyzerFunc) Tokenize(input []byte) analysis.TokenStream {
	return f.Analyze(input)
}

// Stream converts tokens to bleve's form.
func Stream(toks []Token) analysis.TokenStream {
	stream := make(analysis.TokenStream, len(toks))
	backing := make([]analysis.Token, len(toks))
	for i, t := range toks {
		typ := analysis.Ideographic
		switch t.Kind {
		case Number, Measure:
			typ = analysis.Numeric
		case Latin, Symbol:
			typ = analysis.AlphaNumeric
		}
		backing[i] = analysis.Token{Term: []byte(t.Term), Start: t.Start, End: t.End, Position: t.Position, Type: typ}
		stream[i] = &backing[i]
	}
	return stream
}

// Keyword folds the whole of s into one term: the value of an exact filter
// (agency, document type, document number).
func Keyword(s string) []Token {
	f := FoldString(s)
	if f == "" {
		return nil
	}
	return []Token{{Term: f, Start: 0, End: len(s), Position: 1, Kind: Latin}}
}

// Analyzer returns the bleve analyzer registered under name, for callers that
// analyze outside a mapping.
func Analyzer(name string) analysis.Analyzer {
	switch name {
	case WordsName:
		return analyzerFunc(Words)
	case GramsName:
		return analyzerFunc(Grams)
	case KeywordName:
		return analyzerFunc(Keyword)
	}
	return nil
}

func init() {
	for _, name := range []string{WordsName, GramsName, KeywordName} {
		a := Analyzer(name)
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
