package search

import (
	"context"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
)

// maxSpans bounds the matches located in one document: enough for
// sections, snippets and whole-document highlights, whatever the
// document holds.
const maxSpans = 20000

// MaxAnalyzedBytes bounds the paragraph text analysed to locate matches
// in one document for one search (as Elasticsearch's
// index.highlight.max_analyzed_offset does): in a document of many
// megabytes, sections and highlights come from the first megabyte of
// paragraphs that hold the query, and a search stays fast.
const MaxAnalyzedBytes = 1 << 20

// locate finds where the clauses of a plan match in the body of doc, in
// byte offsets of Document.Body. Only paragraphs whose raw text may hold
// a clause are analysed, and matching is linear in the paragraph, so the
// cost is bounded by the size of the document however the query and the
// document repeat themselves. It stops early when ctx is done.
func locate(ctx context.Context, doc *Document, locs []locator) []Span {
	if len(locs) == 0 {
		return nil
	}
	var spans []Span
	off := 0
	analysed := 0
	cand := make([]locator, 0, len(locs))
	// In a document within the analysis budget, paragraphs may be matched
	// in any order and way without changing what is found.
	size := 0
	for _, p := range doc.Paragraphs {
		size += len(p.Text)
	}
	whole := size <= MaxAnalyzedBytes
	for i, p := range doc.Paragraphs {
		start := off
		off += len(p.Text) + 1
		if i%64 == 63 && ctx.Err() != nil {
			return spans
		}
		cand = cand[:0]
		if f := doc.charsOf(i); f != nil {
			// The paragraph's characters, filtered when the document was
			// read: most paragraphs are ruled out here, and a look at the
			// text would rule out few more than the filter does.
			for _, l := range locs {
				if l.m.MayMatchFilter(f) {
					cand = append(cand, l)
				}
			}
		} else if len(locs) > 2 {
			// Many clauses: one pass over the paragraph collects its
			// characters for all of them.
			set := analyzer.NewRuneSet(p.Text)
			for _, l := range locs {
				if l.m.MayMatchSet(set) {
					cand = append(cand, l)
				}
			}
		} else {
			for _, l := range locs {
				if l.m.MayMatch(p.Text) {
					cand = append(cand, l)
				}
			}
		}
		if len(cand) == 0 {
			continue
		}
		var units []analyzer.Unit
		folded := ""
		for _, l := range cand {
			if l.m.Single() {
				l.m.FindRaw(p.Text, func(s, e int) bool {
					spans = append(spans, Span{Start: start + s, End: start + e, Clause: l.clause})
					return len(spans) < maxSpans
				})
				if len(spans) >= maxSpans {
					return spans
				}
				continue
			}
			if units == nil && whole && folded == "" {
				// Units kept from an earlier search: matching them is
				// cheaper than folding the text to rule the paragraph out
				// (once folded, they were not kept: no second look).
				units, _ = doc.knownUnits(i)
			}
			if units == nil {
				if folded == "" {
					folded = analyzer.FoldString(p.Text)
				}
				if !l.m.MayMatchFolded(folded) {
					continue
				}
			}
			if units == nil {
				text := p.Text
				if left := MaxAnalyzedBytes - analysed; len(text) > left {
					if left <= 0 {
						return spans
					}
					// A paragraph larger than what is left of the budget
					// is analysed up to the budget.
					text = text[:runeStart(text, left)]
				}
				analysed += len(text)
				if len(text) == len(p.Text) {
					units = doc.units(i)
				} else {
					units = analyzer.Units(text)
				}
			}
			n := l.m.Len()
			l.m.Find(units, func(first int) bool {
				spans = append(spans, Span{Start: start + units[first].Start, End: start + units[first+n-1].End, Clause: l.clause})
				return len(spans) < maxSpans
			})
			if len(spans) >= maxSpans {
				return spans
			}
		}
	}
	return spans
}

// runeStart returns the largest index ≤ i that starts a rune of s.
func runeStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}
