package search

import (
	"html"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Span is a matched stretch of a document body, in byte offsets of
// Document.Body, found for query clause Clause (the index of a group of the
// query, or of a content word in question mode).
type Span struct {
	Start, End int
	Clause     int
}

// SnippetRunes is the length a snippet aims for, in characters.
const SnippetRunes = 110

// mergeSpans sorts spans and joins those that overlap or touch. A phrase
// is one span already ("双随机、一公开" with its 、), so matches of separate
// words stay separate marks when punctuation stands between them
// (<mark>左右</mark>。<mark>就业</mark>, not one mark across the full stop).
func mergeSpans(text string, spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	s := append([]Span(nil), spans...)
	sort.Slice(s, func(i, j int) bool {
		if s[i].Start != s[j].Start {
			return s[i].Start < s[j].Start
		}
		return s[i].End > s[j].End
	})
	out := s[:1]
	for _, sp := range s[1:] {
		last := &out[len(out)-1]
		if sp.Start <= last.End {
			if sp.End > last.End {
				last.End = sp.End
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// sectionScore is the score of one section for a query with n clauses:
// coverage of the clauses counts most, then how often they occur
// (saturating), then matches in the section's own heading.
type sectionMatch struct {
	section   int
	score     float64
	perClause []int // matches of each clause
	headHits  int
	// spans are the section's matches: while they come one after the
	// other in the document's spans, a window on them (no copy); owned
	// once one comes from elsewhere.
	spans []Span
	last  int // the index in the document's spans of the last of them
	owned bool
}

// add adds the document's span i to the section's.
func (m *sectionMatch) add(spans []Span, i int) {
	switch {
	case len(m.spans) == 0:
		m.spans = spans[i : i+1]
	case !m.owned && m.last == i-1:
		m.spans = m.spans[:len(m.spans)+1]
	default:
		if !m.owned {
			m.spans, m.owned = append([]Span(nil), m.spans...), true
		}
		m.spans = append(m.spans, spans[i])
	}
	m.last = i
}

// rankedSections are the matched sections of a document, best first; a
// section's snippet is cut only when it is shown (hit), so ranking every
// section of many documents stays cheap.
type rankedSections struct {
	doc     *Document
	starts  []int
	matches []*sectionMatch
}

// rankSectionsOf groups spans by section and ranks the sections whose
// role is in roles (all sections when roles is empty). nClauses is the
// number of clauses of the query (for coverage).
func rankSectionsOf(doc *Document, spans []Span, nClauses int, roles []string) rankedSections {
	starts := doc.ParagraphStarts()
	if len(roles) > 0 {
		var kept []Span
		for _, sp := range spans {
			p := sort.SearchInts(starts, sp.Start+1) - 1
			if si := doc.SectionOf(p + 1); si >= 0 && contains(roles, doc.Sections[si].Role) {
				kept = append(kept, sp)
			}
		}
		spans = kept
	}
	return rankedSections{doc: doc, starts: starts, matches: rankSections(doc, spans, nClauses)}
}

// len returns the number of matched sections.
func (r rankedSections) len() int { return len(r.matches) }

// score returns the score of the i-th section.
func (r rankedSections) score(i int) float64 { return r.matches[i].score }

// hit renders the i-th section: its best paragraph and snippet.
func (r rankedSections) hit(i int) SectionHit { return sectionHit(r.doc, r.starts, r.matches[i]) }

// top renders the best max sections.
func (r rankedSections) top(max int) []SectionHit {
	out := make([]SectionHit, 0, min(max, r.len()))
	for i := 0; i < r.len() && i < max; i++ {
		out = append(out, r.hit(i))
	}
	return out
}

func rankSections(doc *Document, spans []Span, nClauses int) []*sectionMatch {
	if len(spans) == 0 || len(doc.Sections) == 0 {
		return nil
	}
	starts := doc.ParagraphStarts()
	width := nClauses + 1 // a question's fallback words count as clause nClauses
	for _, sp := range spans {
		width = max(width, sp.Clause+1)
	}
	// Sections cover the paragraphs in order and spans come in paragraph
	// order: a span is mostly in the last span's section or a new one.
	var out []*sectionMatch
	maxSection := -1
	// headClauses: clauses matched in each section's own heading line.
	var headClauses [][]bool
	p, si := -1, -1 // the paragraph (0-based) and section of the last span
	head := -1      // a span in p from this offset on is past its heading (headingEnd)
	// Each section's count per clause, carved from one allocation.
	var slab []int
	perClause := func() []int {
		if len(slab) < width {
			slab = make([]int, width*max(8, min(len(spans), 64)))
		}
		c := slab[:width:width]
		slab = slab[width:]
		return c
	}
	for i, sp := range spans {
		if p < 0 || sp.Start < starts[p] || p+1 < len(starts) && sp.Start >= starts[p+1] {
			// Spans come in paragraph order: most are in the last one's.
			if p = sort.SearchInts(starts, sp.Start+1) - 1; p < 0 {
				continue
			}
			if si = doc.SectionOf(p + 1); si >= 0 {
				head = headingEnd(doc, si, p)
			}
		}
		if si < 0 {
			continue
		}
		var m *sectionMatch
		if si > maxSection {
			m = &sectionMatch{section: si, perClause: perClause()}
			out = append(out, m)
			maxSection = si
		} else {
			for k := len(out) - 1; k >= 0; k-- {
				if out[k].section == si {
					m = out[k]
					break
				}
			}
			if m == nil {
				m = &sectionMatch{section: si, perClause: perClause()}
				out = append(out, m)
			}
		}
		m.perClause[sp.Clause]++
		if sp.Start-starts[p] < head {
			m.headHits++
			if headClauses == nil {
				headClauses = make([][]bool, len(doc.Sections))
			}
			if headClauses[si] == nil {
				headClauses[si] = make([]bool, width)
			}
			headClauses[si][sp.Clause] = true
		}
		m.add(spans, i)
	}
	var parent []int
	if headClauses != nil {
		parent = parents(doc)
	}
	for _, m := range out {
		// Clauses found only in the headings above the section (第七章
		// 法律责任 over an article) count for coverage, a little less.
		inPath := 0.0
		for a := m.section; parent != nil && parent[a] >= 0; {
			a = parent[a]
			for c, in := range headClauses[a] {
				if in && m.perClause[c] == 0 {
					inPath += 0.7
				}
			}
		}
		cover := (float64(countPositive(m.perClause)) + inPath) / float64(max(nClauses, 1))
		freq := 0.0
		for _, n := range m.perClause {
			freq += math.Log1p(float64(n))
		}
		length := doc.sectionLen(m.section)
		// Long sections collect matches by chance; dampen them a little.
		norm := 1 / (1 + 0.15*math.Log1p(float64(length)/400))
		m.score = 3*cover + freq*norm + 0.5*math.Min(float64(m.headHits), 2)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].section < out[j].section
	})
	return out
}

// headingEnd returns the byte offset in paragraph p (0-based) of section
// si where the section's heading ends: 0 when the paragraph holds none,
// past its end when it is the heading line, else the end of the heading
// part of a line that goes on with text (第四条 …, （二）加强组织领导。坚持……).
// A match that starts before it is in the heading. It is worked out once
// per paragraph: asked for every match, it was 2.5% of the server.
func headingEnd(doc *Document, si, p int) int {
	sec := &doc.Sections[si]
	if !doc.Paragraphs[p].Heading || p+1 != sec.First || len(sec.Path) == 0 {
		return 0
	}
	h := sec.Path[len(sec.Path)-1]
	if strings.HasPrefix(doc.Paragraphs[p].Text, h) {
		return len(h)
	}
	return math.MaxInt
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func countPositive(m []int) int {
	n := 0
	for _, v := range m {
		if v > 0 {
			n++
		}
	}
	return n
}

// parents returns, for every section, the index of the section whose
// heading is the last but one of its path (its parent), or -1. It runs in
// one pass with a stack of open headings.
func parents(doc *Document) []int {
	out := make([]int, len(doc.Sections))
	var open []int // open[d]: the latest section at depth d+1
	for i, sec := range doc.Sections {
		depth := len(sec.Path)
		out[i] = -1
		if depth >= 2 && depth-2 < len(open) {
			if a := open[depth-2]; len(doc.Sections[a].Path) == depth-1 && doc.Sections[a].Path[depth-2] == sec.Path[depth-2] {
				out[i] = a
			}
		}
		if depth > 0 {
			if depth > len(open) {
				open = append(open, make([]int, depth-len(open))...)
			}
			open = open[:depth]
			open[depth-1] = i
		}
	}
	return out
}

// sectionHit picks the best paragraph of a matched section and cuts its snippet.
func sectionHit(doc *Document, starts []int, m *sectionMatch) SectionHit {
	sec := doc.Sections[m.section]
	// Best paragraph: most distinct clauses, then most matches, then
	// first. The spans are in order, so a paragraph's are together.
	best, bestClauses, bestHits := -1, 0, 0
	cur, hits := -1, 0
	var clauses []int // the distinct clauses of paragraph cur
	done := func() {
		if cur >= 0 && (best < 0 || len(clauses) > bestClauses || len(clauses) == bestClauses && hits > bestHits) {
			best, bestClauses, bestHits = cur, len(clauses), hits
		}
	}
	for _, sp := range m.spans {
		if p := sort.SearchInts(starts, sp.Start+1) - 1; p != cur {
			done()
			cur, hits, clauses = p, 0, clauses[:0]
		}
		hits++
		if !slices.Contains(clauses, sp.Clause) {
			clauses = append(clauses, sp.Clause)
		}
	}
	done()
	pStart := starts[best]
	pEnd := pStart + len(doc.Paragraphs[best].Text)
	var local []Span
	for _, sp := range m.spans {
		if sp.Start >= pStart && sp.End <= pEnd {
			local = append(local, Span{Start: sp.Start - pStart, End: sp.End - pStart, Clause: sp.Clause})
		}
	}
	path := sec.Path
	if path == nil {
		path = []string{}
	}
	role := sec.Role
	if role == RoleOther {
		role = ""
	}
	return SectionHit{
		ID:        sec.ID,
		Path:      path,
		Role:      role,
		Paragraph: best + 1,
		Score:     math.Round(m.score*1000) / 1000,
		Snippet:   Snippet(doc.Paragraphs[best].Text, local, SnippetRunes),
	}
}

// sentenceEnd reports whether r ends a sentence or clause where a snippet
// may start or stop.
func sentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '\n':
		return true
	}
	return false
}

// Snippet cuts about width characters of text around its densest cluster of
// spans (byte offsets into text), preferring sentence boundaries, and
// returns it HTML-escaped with <mark> around the merged spans. Its cost is
// linear in the text and the spans.
func Snippet(text string, spans []Span, width int) string {
	spans = mergeSpans(text, spans)
	if len(text) == 0 {
		return ""
	}
	n := utf8.RuneCountInString(text)
	from, to := 0, n
	if n > width {
		// Rune index ↔ byte offset.
		offs := make([]int, 0, n+1)
		for i := range text {
			offs = append(offs, i)
		}
		offs = append(offs, len(text))
		runeAt := func(b int) int { return sort.SearchInts(offs, b) }
		rs := make([]int, len(spans)) // rune index of each span's start
		re := make([]int, len(spans)) // and end
		for i, sp := range spans {
			rs[i], re[i] = runeAt(sp.Start), runeAt(sp.End)
		}
		// Window start: the span that begins the densest window (spans
		// are sorted and disjoint, so their ends ascend too).
		bestStart, bestCount := 0, -1
		for i, j := 0, 0; i < len(spans); i++ {
			if j < i {
				j = i
			}
			for j < len(spans) && re[j] <= rs[i]+width {
				j++
			}
			if j-i > bestCount {
				bestStart, bestCount = rs[i], j-i
			}
		}
		runeOf := func(i int) rune {
			r, _ := utf8.DecodeRuneInString(text[offs[i]:])
			return r
		}
		// Give the match some context before it, back to a sentence start
		// if one is near.
		from = max(bestStart-width/4, 0)
		for i := bestStart - 1; i >= max(bestStart-width/2, 0); i-- {
			if sentenceEnd(runeOf(i)) {
				from = i + 1
				break
			}
			if i == 0 {
				from = 0
			}
		}
		to = min(from+width, n)
		// Stop at a sentence end if one is near the window's end.
		for i := to - 1; i > to-width/4 && i > from; i-- {
			if sentenceEnd(runeOf(i)) {
				to = i + 1
				break
			}
		}
		// Never cut a mark in two.
		for i := range spans {
			if rs[i] < to && re[i] > to {
				to = re[i]
			}
		}
		var b strings.Builder
		if from > 0 {
			b.WriteString("…")
		}
		mark(&b, text, spans, offs[from], offs[to])
		if to < n {
			b.WriteString("…")
		}
		return b.String()
	}
	var b strings.Builder
	mark(&b, text, spans, 0, len(text))
	return b.String()
}

// Mark returns text HTML-escaped with <mark> around the spans (byte
// offsets into text; merged as in snippets).
func Mark(text string, spans []Span) string {
	var b strings.Builder
	mark(&b, text, mergeSpans(text, spans), 0, len(text))
	return b.String()
}

// mark writes text[from:to] escaped, with merged spans marked.
func mark(b *strings.Builder, text string, spans []Span, from, to int) {
	pos := from
	for _, sp := range spans {
		s, e := max(sp.Start, from), min(sp.End, to)
		if s >= e || s < pos {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s:e]))
		b.WriteString("</mark>")
		pos = e
	}
	b.WriteString(html.EscapeString(text[pos:to]))
}
