package opensearch

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/search"
)

var _ search.Vocabulary = (*Engine)(nil)

// maxSuggestions bounds the terms one Similar asks the cluster for.
const maxSuggestions = 50

// Similar returns the terms of field that start with prefix and are
// within edits characters of term, and how many documents hold each
// (search.Vocabulary), from Lucene's spell checker (the term suggester),
// as bleve's engine finds them in its term dictionary.
func (e *Engine) Similar(ctx context.Context, field, term, prefix string, edits int) ([]search.FacetValue, error) {
	if !isText(field) || term == "" || strings.ContainsFunc(term, unsafeRune) {
		return nil, nil
	}
	target, err := e.readable(ctx)
	if err != nil {
		return nil, err
	}
	body := obj{
		"size": 0,
		"suggest": obj{"similar": obj{
			"text": term,
			"term": obj{
				"field":         field,
				"suggest_mode":  "always",
				"max_edits":     max(1, min(edits, 2)), // what Lucene allows
				"prefix_length": utf8.RuneCountInString(prefix),
				// Lifted defaults that suit English words: words of any
				// length; a correction is sought only for a word no
				// document holds, so the input's own frequency (at most
				// one document, as 1.0 reads) never stops it.
				"min_word_length": 1,
				"max_term_freq":   1.0,
				"min_doc_freq":    0,
				"size":            maxSuggestions,
				"sort":            "frequency",
			},
		}},
	}
	var ans struct {
		Suggest map[string][]struct {
			Options []struct {
				Text string `json:"text"`
				Freq int    `json:"freq"`
			} `json:"options"`
		} `json:"suggest"`
	}
	if err := call(ctx, e.client, http.MethodPost, "/"+seg(target)+"/_search", nil, body, &ans); err != nil {
		return nil, fmt.Errorf("opensearch suggest: %w", err)
	}
	var out []search.FacetValue
	for _, entry := range ans.Suggest["similar"] {
		for _, o := range entry.Options {
			if strings.HasPrefix(o.Text, prefix) {
				out = append(out, search.FacetValue{Value: o.Text, Count: o.Freq})
			}
		}
	}
	return out, nil
}
