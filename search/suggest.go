package search

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
)

// Vocabulary is what an engine may offer for spelling suggestions: the
// terms of a field that start with prefix and are within a number of
// edits of a term (in characters), with how many documents hold each. An
// engine without it gets no suggestions.
type Vocabulary interface {
	Similar(ctx context.Context, field, term, prefix string, edits int) ([]FacetValue, error)
}

// A keyword is corrected when it is 2–maxTypoWord Chinese characters (a
// longer run, or one with digits or Latin letters, is rarely one word of
// the vocabulary: 2024年政府工作报告), and its first character may be the
// misspelt one only up to maxFreeTypo characters: any first character
// means walking the whole vocabulary (~2.5 ms on the full corpus), a
// known one a part of it.
const (
	maxTypoWord = 8
	maxFreeTypo = 4
)

var _ Suggester = (*Core)(nil)

// Suggest corrects the keywords of q that match no document with the
// word of the index's word layer one character away that the most
// documents hold (放官服 → 放管服), and returns the corrected query when it
// finds documents.
func (c *Core) Suggest(ctx context.Context, q *Query) (string, error) {
	v, ok := c.Engine().(Vocabulary)
	if !ok {
		return "", nil
	}
	raw := q.Raw
	changed := false
	for i := len(q.Parts) - 1; i >= 0; i-- {
		part := q.Parts[i]
		if part.Field != "" || strings.HasPrefix(part.Text, "-") || part.Text == "OR" || part.Value == "" {
			continue
		}
		fixed, err := c.correct(ctx, v, part.Value)
		if err != nil {
			return "", err
		}
		if fixed != part.Value {
			raw = raw[:part.Start] + strings.Replace(part.Text, part.Value, fixed, 1) + raw[part.End:]
			changed = true
		}
	}
	if !changed {
		return "", nil
	}
	fq, err := Parse(raw)
	if err != nil {
		return "", nil
	}
	res, err := c.Search(ctx, fq, &Request{Page: 1, Size: 1, Sort: SortRelevance, Mode: ModeDocuments})
	if err != nil || res.Total == 0 {
		return "", err
	}
	return raw, nil
}

// correct returns text, or a correction of it when no document holds it
// and a word of the index is one character away.
func (c *Core) correct(ctx context.Context, v Vocabulary, text string) (string, error) {
	n := utf8.RuneCountInString(text)
	if n < 2 || n > maxTypoWord {
		return text, nil
	}
	for _, r := range text {
		if !analyzer.IsHan(r) {
			return text, nil
		}
	}
	found, err := c.engine.Search(ctx, &EngineRequest{Query: &Bool{Must: []Node{gramMatch(text, FieldBodyGrams, 1)}}, Sort: SortRelevance})
	if err != nil || found.Total > 0 {
		return text, err
	}
	folded := analyzer.FoldString(text)
	prefix := ""
	if n > maxFreeTypo {
		_, size := utf8.DecodeRuneInString(folded)
		prefix = folded[:size]
	}
	cands, err := v.Similar(ctx, FieldBody, folded, prefix, 1)
	if err != nil {
		return text, err
	}
	best := FacetValue{}
	for _, cand := range cands {
		// A substitution only (same length): an added or dropped
		// character is more often another word than a typo.
		if utf8.RuneCountInString(cand.Value) == utf8.RuneCountInString(folded) && cand.Value != folded && cand.Count > best.Count {
			best = cand
		}
	}
	if best.Value == "" {
		return text, nil
	}
	return best.Value, nil
}
