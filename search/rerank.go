package search

import (
	"math"
	"sort"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
)

// rerankHead is how many of the best hits of a keyword query are
// reordered by how the keywords stand in them.
const rerankHead = 20

// Weights of the reordering: the engine's score is multiplied by
// 1 + coverage·wCover + proximity·wNear (coverage: the share of the
// keywords the best paragraph holds; proximity: how close together they
// stand there), and by titleAll when the title holds every keyword.
const (
	wCover   = 0.5
	wNear    = 0.5
	titleAll = 1.5
	// nearRunes is the window, in characters, at which keywords count as
	// half close.
	nearRunes = 30
)

// rerank reorders hits (the head of a keyword query's ranking) in place,
// and gives each the score it was reordered by:
// a document whose title holds all the keywords, and documents where the
// keywords stand together in one paragraph and close to each other, move
// ahead of documents that mention them in passing.
func rerank(p *plan, hits []Ranked, docs map[string]*Document, spans map[string][]Span) {
	if p.clauses < 2 {
		return
	}
	key := make(map[string]float64, len(hits))
	for _, h := range hits {
		d, ok := docs[h.ID]
		if !ok {
			key[h.ID] = h.Score
			continue
		}
		cover, near := closeness(d, spans[h.ID], p.clauses)
		k := h.Score * (1 + wCover*cover + wNear*near)
		if titleHoldsAll(p, d.Title) {
			k *= titleAll
		}
		key[h.ID] = k
	}
	sort.SliceStable(hits, func(i, j int) bool { return key[hits[i].ID] > key[hits[j].ID] })
	// The score shown is what ranked the hit (never below the engine's,
	// so the hits after the head still score lower).
	for i := range hits {
		hits[i].Score = key[hits[i].ID]
	}
}

// titleHoldsAll reports whether every clause of p matches title.
func titleHoldsAll(p *plan, title string) bool {
	units := analyzer.Units(title)
	has := map[int]bool{}
	for _, l := range p.locate {
		if !has[l.clause] {
			l.m.Find(units, func(int) bool { has[l.clause] = true; return false })
		}
	}
	return len(has) == p.clauses
}

// closeness returns, for the paragraph of doc that holds the most
// clauses, the share of the n clauses it holds, and how close together
// they stand there: 1 when adjacent, ½ at nearRunes characters, falling
// towards 0 (0 unless it holds them all).
func closeness(doc *Document, spans []Span, n int) (cover, near float64) {
	if len(spans) == 0 || n == 0 {
		return 0, 0
	}
	starts := doc.ParagraphStarts()
	byPara := map[int][]Span{}
	for _, sp := range spans {
		p := sort.SearchInts(starts, sp.Start+1) - 1
		byPara[p] = append(byPara[p], sp)
	}
	bestCover, bestWindow := 0, math.MaxInt
	for p, ss := range byPara {
		seen := map[int]bool{}
		for _, sp := range ss {
			seen[sp.Clause] = true
		}
		c := len(seen)
		if c < bestCover {
			continue
		}
		w := math.MaxInt
		if c == n {
			w = minWindow(doc.Paragraphs[p].Text, starts[p], ss, n)
		}
		if c > bestCover || w < bestWindow {
			bestCover, bestWindow = c, w
		}
	}
	cover = float64(bestCover) / float64(n)
	if bestWindow < math.MaxInt {
		near = 1 / (1 + float64(bestWindow)/nearRunes)
	}
	return cover, near
}

// minWindow returns the fewest characters between the first and the last
// of a stretch of text (paragraph text starting at byte off of the body)
// that holds a match of each of the n clauses, over spans sorted or not.
func minWindow(text string, off int, spans []Span, n int) int {
	ss := append([]Span(nil), spans...)
	sort.Slice(ss, func(i, j int) bool { return ss[i].Start < ss[j].Start })
	count := map[int]int{}
	best := math.MaxInt
	have := 0
	for i, j := 0, 0; j < len(ss); j++ {
		if count[ss[j].Clause]++; count[ss[j].Clause] == 1 {
			have++
		}
		for have == n {
			a, b := ss[i].Start-off, ss[j].Start-off
			if a >= 0 && b <= len(text) && a <= b {
				best = min(best, utf8.RuneCountInString(text[a:b]))
			}
			if count[ss[i].Clause]--; count[ss[i].Clause] == 0 {
				have--
			}
			i++
		}
	}
	return best
}
