// Package compare shows what changed between two documents — two versions
// of a regulation, or the work reports of one government in two years.
// It aligns their sections by heading and content in document order, then
// the sentences of each pair of sections, and for a sentence that was
// edited rather than replaced, the words that changed. For two work
// reports it also sets the items of one year's plan against the last
// year's: what is new, what was dropped, what carries on.
//
// It works on *search.Document alone and needs no index, except Versions,
// which finds the other versions of a document through search.Index's
// Search.
package compare

import (
	"strings"

	"github.com/gongkai/gongkai/search"
)

// Operations on sections, sentences and segments.
const (
	Same    = "same"    // unchanged (sections: possibly renumbered)
	Changed = "changed" // present on both sides, edited
	Added   = "added"   // only in B
	Removed = "removed" // only in A
)

// Similarity thresholds: two sections (sentences) are the same section
// (sentence), edited, when they are at least this alike; below, one was
// removed and the other added. Section similarity blends heading and
// content (see sectionSim); sentence similarity is the Dice coefficient
// of character bigrams.
const (
	SectionThreshold  = 0.3
	SentenceThreshold = 0.5
)

// Diff is the comparison of document A with document B. Its JSON form is
// the answer of GET /api/compare and `gongkai compare --json`.
type Diff struct {
	A        DocRef        `json:"a"`
	B        DocRef        `json:"b"`
	Counts   Counts        `json:"counts"`
	Sections []SectionDiff `json:"sections"`
	// Plans compares the plans of two work reports (nil unless both
	// documents have plan sections about different years).
	Plans *PlanDiff `json:"plans,omitempty"`
	// Approximate is set when the documents were too long for an exact
	// alignment somewhere and a stretch was aligned greedily.
	Approximate bool `json:"approximate,omitempty"`
}

// DocRef names a compared document.
type DocRef struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Agency string `json:"agency,omitempty"`
	Date   string `json:"date,omitempty"`
	Year   int    `json:"year,omitempty"`
}

// Counts sums up a comparison.
type Counts struct {
	Sections  OpCounts `json:"sections"`
	Sentences OpCounts `json:"sentences"`
}

// OpCounts counts sections or sentences by operation.
type OpCounts struct {
	Same    int `json:"same"`
	Changed int `json:"changed"`
	Added   int `json:"added"`
	Removed int `json:"removed"`
}

func (c *OpCounts) add(op string) {
	switch op {
	case Same:
		c.Same++
	case Changed:
		c.Changed++
	case Added:
		c.Added++
	case Removed:
		c.Removed++
	}
}

// SectionDiff is a section of A aligned with one of B, or a section only
// one of them has.
type SectionDiff struct {
	Op string      `json:"op"`
	A  *SectionRef `json:"a,omitempty"` // nil when Added
	B  *SectionRef `json:"b,omitempty"` // nil when Removed
	// Renumbered is set when the sections are the same but their headings
	// carry different numbers (第三条 → 第四条, 一、 → 二、).
	Renumbered bool `json:"renumbered,omitempty"`
	// Similarity of the aligned sections, 0–1.
	Similarity float64        `json:"similarity,omitempty"`
	Sentences  []SentenceDiff `json:"sentences"`
}

// SectionRef is a section of one side: its heading path and paragraphs.
type SectionRef struct {
	ID    string   `json:"id"`
	Path  []string `json:"path"`
	First int      `json:"first"`
	Last  int      `json:"last"`
	Role  string   `json:"role,omitempty"`
	Year  int      `json:"year,omitempty"`
}

// SentenceDiff is a sentence of A aligned with one of B, or a sentence
// only one of them has.
type SentenceDiff struct {
	Op string    `json:"op"`
	A  *Sentence `json:"a,omitempty"`
	B  *Sentence `json:"b,omitempty"`
}

// Sentence is a sentence of one side, with the number of its paragraph
// (the anchor #p-N of the document page).
type Sentence struct {
	Paragraph int    `json:"paragraph"`
	Text      string `json:"text"`
	// Words is the sentence in segments when it was Changed: the words
	// that the other side lacks are marked Removed (side A) or Added
	// (side B). Joined, they are Text.
	Words []Segment `json:"words,omitempty"`
}

// sentence is a sentence being compared.
type sentence struct {
	para int
	text string
	key  string // normalized, without a leading heading number
	g    grams
}

// section is a section being compared.
type section struct {
	ref       SectionRef
	label     string // the heading's number (第三条, 二、), if any
	head      string // heading key: heading text without number, digits blanked
	hg        grams
	key       string // the normalized text, numbers stripped: equal keys are identical sections
	g         grams
	sentences []sentence
}

// sectionsOf prepares the sections of d for comparison.
func sectionsOf(d *search.Document) []section {
	out := make([]section, 0, len(d.Sections))
	for _, s := range d.Sections {
		sec := section{ref: SectionRef{ID: s.ID, Path: s.Path, First: s.First, Last: s.Last, Role: s.Role, Year: s.Year}}
		if len(s.Path) > 0 {
			last := s.Path[len(s.Path)-1]
			sec.head = headingKey(last)
			sec.label = strings.TrimSpace(strings.TrimSuffix(last, stripLabel(last)))
			sec.hg = gramsOf(sec.head)
		}
		var key strings.Builder
		for n := s.First; n <= s.Last && n <= len(d.Paragraphs); n++ {
			for k, t := range splitSentences(d.Paragraphs[n-1].Text) {
				kt := t
				if k == 0 {
					kt = stripLabel(t)
				}
				nk := normalize(kt)
				sec.sentences = append(sec.sentences, sentence{para: n, text: t, key: nk, g: gramsOf(nk)})
				key.WriteString(nk)
				key.WriteByte('\n')
			}
		}
		sec.key = key.String()
		sec.g = gramsOf(sec.key)
		out = append(out, sec)
	}
	return out
}

// sectionSim is how alike two sections are, 0–1: the Dice coefficient of
// their texts' bigrams, and when both have heading text (not just a
// number like 第三条) the heading's likeness weighs 0.6 of it, so that the
// parts of two years' reports pair up by their headings even when their
// text was rewritten. Parts of a report with different roles (review,
// plan, problem) are not alike at all.
func sectionSim(a, b *section) float64 {
	if a.ref.Role != b.ref.Role && reportRole(a.ref.Role) && reportRole(b.ref.Role) {
		// A review never pairs with a plan, whatever their headings share
		// (2024年工作回顾, 2026年工作安排).
		return 0
	}
	c := dice(a.g, b.g)
	if a.head != "" && b.head != "" {
		return 0.6*dice(a.hg, b.hg) + 0.4*c
	}
	return c
}

// reportRole reports whether role is one of the parts of a report.
func reportRole(role string) bool {
	return role == search.RoleReview || role == search.RolePlan || role == search.RoleProblem
}

func refOf(d *search.Document) DocRef {
	return DocRef{ID: d.ID, Title: d.Title, Agency: d.Agency, Date: d.Date, Year: d.YearOf()}
}

// Compare compares document a with document b: their sections aligned in
// order, the sentences of aligned sections aligned in order, and the
// words of each edited sentence. Sections and sentences are aligned
// exactly (dynamic programming over similarities) up to maxCells pairs
// per stretch between identical anchors, greedily above that, so the cost
// stays near linear: a 50,000-character regulation against its revision
// takes a fraction of a second.
func Compare(a, b *search.Document) *Diff {
	d := &Diff{A: refOf(a), B: refOf(b), Sections: []SectionDiff{}}
	sa, sb := sectionsOf(a), sectionsOf(b)
	al := aligner{n: len(sa), m: len(sb), threshold: SectionThreshold,
		sim: func(i, j int) float64 { return sectionSim(&sa[i], &sb[j]) }}
	al.keyA = make([]string, len(sa))
	for i := range sa {
		al.keyA[i] = sa[i].head + "\x00" + sa[i].key
	}
	al.keyB = make([]string, len(sb))
	for j := range sb {
		al.keyB[j] = sb[j].head + "\x00" + sb[j].key
	}
	pairs := al.align()
	d.Approximate = al.approximate

	i, j := 0, 0
	emitGap := func(ti, tj int) {
		for ; i < ti; i++ {
			d.Sections = append(d.Sections, oneSided(&sa[i], Removed))
		}
		for ; j < tj; j++ {
			d.Sections = append(d.Sections, oneSided(&sb[j], Added))
		}
	}
	for _, p := range pairs {
		emitGap(p.i, p.j)
		d.Sections = append(d.Sections, d.both(&sa[p.i], &sb[p.j], p.sim))
		i, j = p.i+1, p.j+1
	}
	emitGap(len(sa), len(sb))
	for _, s := range d.Sections {
		d.Counts.Sections.add(s.Op)
		for _, t := range s.Sentences {
			d.Counts.Sentences.add(t.Op)
		}
	}
	d.Plans = ComparePlans(a, b)
	return d
}

// oneSided is a section only one side has: all its sentences added or
// removed.
func oneSided(s *section, op string) SectionDiff {
	ref := s.ref
	sd := SectionDiff{Op: op, Sentences: make([]SentenceDiff, 0, len(s.sentences))}
	for _, t := range s.sentences {
		st := &Sentence{Paragraph: t.para, Text: t.text}
		if op == Added {
			sd.Sentences = append(sd.Sentences, SentenceDiff{Op: op, B: st})
		} else {
			sd.Sentences = append(sd.Sentences, SentenceDiff{Op: op, A: st})
		}
	}
	if op == Added {
		sd.B = &ref
	} else {
		sd.A = &ref
	}
	return sd
}

// both compares two aligned sections sentence by sentence.
func (d *Diff) both(a, b *section, sim float64) SectionDiff {
	ra, rb := a.ref, b.ref
	sd := SectionDiff{Op: Same, A: &ra, B: &rb, Similarity: round3(sim), Sentences: []SentenceDiff{}}
	al := aligner{n: len(a.sentences), m: len(b.sentences), threshold: SentenceThreshold,
		sim: func(i, j int) float64 { return dice(a.sentences[i].g, b.sentences[j].g) }}
	al.keyA = make([]string, len(a.sentences))
	for i, t := range a.sentences {
		al.keyA[i] = t.key
	}
	al.keyB = make([]string, len(b.sentences))
	for j, t := range b.sentences {
		al.keyB[j] = t.key
	}
	pairs := al.align()
	d.Approximate = d.Approximate || al.approximate
	i, j := 0, 0
	emitGap := func(ti, tj int) {
		for ; i < ti; i++ {
			t := a.sentences[i]
			sd.Sentences = append(sd.Sentences, SentenceDiff{Op: Removed, A: &Sentence{Paragraph: t.para, Text: t.text}})
		}
		for ; j < tj; j++ {
			t := b.sentences[j]
			sd.Sentences = append(sd.Sentences, SentenceDiff{Op: Added, B: &Sentence{Paragraph: t.para, Text: t.text}})
		}
	}
	for _, p := range pairs {
		emitGap(p.i, p.j)
		ta, tb := a.sentences[p.i], b.sentences[p.j]
		x := SentenceDiff{Op: Same, A: &Sentence{Paragraph: ta.para, Text: ta.text}, B: &Sentence{Paragraph: tb.para, Text: tb.text}}
		if ta.key != tb.key {
			x.Op = Changed
			x.A.Words, x.B.Words = labelledWordDiff(ta.text, tb.text)
		}
		sd.Sentences = append(sd.Sentences, x)
		i, j = p.i+1, p.j+1
	}
	emitGap(len(a.sentences), len(b.sentences))
	for _, t := range sd.Sentences {
		if t.Op != Same {
			sd.Op = Changed
			break
		}
	}
	sd.Renumbered = sd.Op == Same && a.label != b.label && a.head == b.head
	return sd
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }
