// Package commitments finds what a government promised for a year — the
// actions of the plan sections of its reports — and what its review of
// that year says about each: the passages that report on it, and a status
// (有回应, 未见回应, or 待核对 where the evidence is mixed) with the
// evidence beside it.
package commitments

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/search"
)

// Statuses of a commitment.
const (
	Answered   = "有回应"  // a review sentence names what the commitment acts on
	Unclear    = "待核对"  // the evidence is mixed: candidates to read
	Unanswered = "未见回应" // the review does not name what it acts on
	NoReview   = "尚无回顾" // no review of the year is indexed yet
)

// Statuses lists the statuses in the order they are shown.
var Statuses = []string{Answered, Unclear, Unanswered, NoReview}

// KnownStatus reports whether s is one of Statuses.
func KnownStatus(s string) bool { return slices.Contains(Statuses, s) }

// Commitment is one action promised in a plan section.
type Commitment struct {
	// ID names the commitment: document, paragraph and item
	// ("gwrn-2024/p88/2"); the second and later actions of an item that
	// joins several add their place ("gwrn-2024/p88/2.2").
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Agency    string   `json:"agency"`
	Year      int      `json:"year"`
	DocID     string   `json:"doc_id"`
	DocTitle  string   `json:"doc_title"`
	Paragraph int      `json:"paragraph"`
	SectionID string   `json:"section_id"`
	Path      []string `json:"path"`
	// Quantitative marks a commitment that states a numeric target
	// (5%左右, 1200万人以上).
	Quantitative bool   `json:"quantitative,omitempty"`
	Status       string `json:"status"`
	// Reason says in a sentence why the status is what it is.
	Reason   string   `json:"reason"`
	Evidence Evidence `json:"evidence"`
	// Score is the best follow-up's score.
	Score     float64    `json:"score"`
	FollowUps []FollowUp `json:"follow_ups"`

	rule string // the rule of status.go that decided the status
}

// Evidence is what a status was decided from, in terms a reader can check.
type Evidence struct {
	// Source is how the status was decided: "words" (what the review's
	// sentences name) or "targets" (numbers, by Tracker.Quantitative).
	Source string `json:"source"`
	// Terms are what the commitment acts on, as matched in the review,
	// weightiest first.
	Terms []string `json:"terms"`
	// Shared are the terms that the best follow-up's best sentence names.
	Shared []string `json:"shared"`
	// Missing are the terms that no sentence of the review names.
	Missing []string `json:"missing"`
	// Covered is the weighted share of the terms that sentence names.
	Covered float64 `json:"covered"`
	// Sentence is that sentence.
	Sentence string `json:"sentence,omitempty"`
	// CloserTo is the ID of another commitment of the same plan that the
	// sentence names more.
	CloserTo string `json:"closer_to,omitempty"`
}

// FollowUp is a passage of a later review that may answer a commitment.
type FollowUp struct {
	DocID     string   `json:"doc_id"`
	DocTitle  string   `json:"doc_title"`
	Date      string   `json:"date"`
	Paragraph int      `json:"paragraph"`
	Path      []string `json:"path"`
	// Score is the weighted share of the commitment's terms that the
	// paragraph's best sentence names, in [0, 1].
	Score float64 `json:"score"`
	// Snippet is about snippetWidth characters of the paragraph around the
	// terms it shares with the commitment, HTML-escaped, those terms in
	// <mark>.
	Snippet string `json:"snippet"`
}

// snippetWidth is the length of follow-up snippets in characters.
const snippetWidth = 160

// QuantitativeJudge decides the status of a commitment that states a
// numeric target (Commitment.Quantitative) from numbers — the target the
// plan states against the result the review reports — rather than from
// words. reviews are the documents that review the year. ok is false when
// it cannot judge; the commitment then keeps the status its words give.
type QuantitativeJudge func(ctx context.Context, c Commitment, reviews []*search.Document) (v Verdict, ok bool, err error)

// Verdict is a QuantitativeJudge's decision about a commitment.
type Verdict struct {
	Status string // Answered, Unclear or Unanswered
	Reason string // for readers: 目标“增长5%左右”，实际“增长5%”（达成）
	// FollowUp, when set, is the passage that reports the result; it is
	// shown first.
	FollowUp *FollowUp
}

// Tracker finds commitments and their follow-ups in an index.
type Tracker struct {
	Index search.Index
	// FollowUps is how many follow-ups each commitment keeps (default 3).
	FollowUps int
	// Quantitative, when set, judges the commitments that state numeric
	// targets (issue 12's targets and results).
	Quantitative QuantitativeJudge
}

// eachDocument calls fn for every stored document the filters select,
// paging through the whole result.
func eachDocument(ctx context.Context, idx search.Index, f search.Filters, fn func(*search.Document) error) error {
	q := &search.Query{Filters: f}
	for page := 1; page <= search.MaxPage; page++ {
		res, err := idx.Search(ctx, q, &search.Request{Page: page, Size: search.MaxSize, Sort: search.SortDate, Mode: search.ModeDocuments})
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			d, err := idx.Document(ctx, h.ID)
			if errors.Is(err, search.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(res.Hits) < search.MaxSize || page*search.MaxSize >= res.Total {
			return nil
		}
	}
	return nil
}

// documents returns the documents of government g that the filters
// select.
func (t *Tracker) documents(ctx context.Context, g government, f search.Filters) ([]*search.Document, error) {
	f.Agency = []string{g.key}
	var out []*search.Document
	err := eachDocument(ctx, t.Index, f, func(d *search.Document) error {
		if governmentKey(d.Agency) == g.key {
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// Report is what Tracker.Report returns: the commitments of an agency for
// a year, the documents they come from and the documents that review the
// year.
type Report struct {
	// Agency is the government as its documents name it (浙江 →
	// 浙江省人民政府).
	Agency      string         `json:"agency"`
	Year        int            `json:"year"`
	Plans       []DocRef       `json:"plans"`   // documents whose plan sections are about the year
	Reviews     []DocRef       `json:"reviews"` // documents whose review sections are about the year
	Counts      map[string]int `json:"counts"`  // commitments per status
	Commitments []Commitment   `json:"commitments"`
}

// DocRef names a document.
type DocRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date,omitempty"`
}

// Keep drops the commitments whose status is not status; "" keeps all.
// Counts still count every commitment.
func (r *Report) Keep(status string) {
	if status == "" {
		return
	}
	kept := []Commitment{}
	for _, c := range r.Commitments {
		if c.Status == status {
			kept = append(kept, c)
		}
	}
	r.Commitments = kept
}

// Years lists the years the plans of the government named agency are
// about, newest first; none when no government with plans has that name.
func (t *Tracker) Years(ctx context.Context, agency string) ([]int, error) {
	g, err := t.resolve(ctx, agency)
	if errors.Is(err, ErrNoGovernment) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return t.years(ctx, g)
}

// Commitments lists the commitments of agency's plans for year, each with
// its best follow-ups from the agency's reviews of that year.
func (t *Tracker) Commitments(ctx context.Context, agency string, year int) ([]Commitment, error) {
	r, err := t.Report(ctx, agency, year)
	if err != nil {
		return nil, err
	}
	return r.Commitments, nil
}

// Report finds the commitments of agency's plans for year and their
// follow-ups. The agency is resolved as ResolveAgency says; a name that
// no government with plans has gives a report without plans, a name that
// several have an *AmbiguousError.
func (t *Tracker) Report(ctx context.Context, agency string, year int) (*Report, error) {
	agency = strings.TrimSpace(agency)
	if agency == "" || year <= 0 {
		return nil, fmt.Errorf("commitments need an agency and a year")
	}
	r := &Report{Agency: agency, Year: year, Plans: []DocRef{}, Reviews: []DocRef{}, Counts: map[string]int{}, Commitments: []Commitment{}}
	g, err := t.resolve(ctx, agency)
	if errors.Is(err, ErrNoGovernment) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	r.Agency = g.name
	plans, err := t.documents(ctx, g, search.Filters{PlanYear: []int{year}})
	if err != nil {
		return nil, err
	}
	for _, d := range plans {
		r.Plans = append(r.Plans, DocRef{d.ID, d.Title, d.Date})
		r.Commitments = append(r.Commitments, ExtractActions(d, year)...)
	}
	reviews, docs, err := t.reviews(ctx, g, year)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		r.Reviews = append(r.Reviews, DocRef{d.ID, d.Title, d.Date})
	}
	m := newMatcher(reviews, r.Commitments)
	k := t.FollowUps
	if k <= 0 {
		k = 3
	}
	for i := range r.Commitments {
		c := &r.Commitments[i]
		if len(reviews) == 0 {
			c.Status, c.Reason, c.FollowUps = NoReview, "索引中还没有回顾该年度的文件", []FollowUp{}
			c.Evidence = Evidence{Source: "words", Terms: m.terms[i], Shared: []string{}, Missing: []string{}}
		} else {
			m.judge(i, c, k, r.Commitments)
			if t.Quantitative != nil && c.Quantitative {
				v, ok, err := t.Quantitative(ctx, *c, docs)
				if err != nil {
					return nil, err
				}
				if ok {
					applyVerdict(c, v)
				}
			}
		}
		r.Counts[c.Status]++
	}
	return r, nil
}

// applyVerdict gives a commitment the status a QuantitativeJudge decided.
func applyVerdict(c *Commitment, v Verdict) {
	if !KnownStatus(v.Status) {
		return
	}
	c.Status, c.Reason = v.Status, v.Reason
	c.Evidence.Source = "targets"
	if v.FollowUp != nil {
		fs := []FollowUp{*v.FollowUp}
		for _, f := range c.FollowUps {
			if f.DocID != v.FollowUp.DocID || f.Paragraph != v.FollowUp.Paragraph {
				fs = append(fs, f)
			}
		}
		c.FollowUps = fs[:min(len(fs), max(len(c.FollowUps), 1))]
		c.Score = c.FollowUps[0].Score
	}
}

// reviews are the passages of government g's review sections about year,
// and the documents they come from.
func (t *Tracker) reviews(ctx context.Context, g government, year int) ([]passage, []*search.Document, error) {
	docs, err := t.documents(ctx, g, search.Filters{ReviewYear: []int{year}})
	if err != nil {
		return nil, nil, err
	}
	var out []passage
	for _, d := range docs {
		for _, s := range d.Sections {
			if s.Role != search.RoleReview || s.Year != year {
				continue
			}
			for n := s.First; n <= s.Last; n++ {
				p := d.Paragraphs[n-1]
				if p.Heading && utf8.RuneCountInString(p.Text) < 40 || notReportRe.MatchString(p.Text) {
					continue
				}
				out = append(out, passage{doc: d, n: n, path: s.Path, text: p.Text})
			}
		}
	}
	return out, docs, nil
}

// notReportRe finds the paragraphs of a review section that report on
// nothing: the problems that close it (在肯定成绩的同时，我们也清醒看到…)
// and the thanks (…表示衷心感谢！). Their words (协调配合不够) must not
// pass for a follow-up.
var notReportRe = regexp.MustCompile(`^(?:在(?:充分)?肯定成绩的同时|在看到成绩的同时|同时[，,]?我们(?:也)?清醒|我们也清醒|我们也要清醒|思危方能居安|安不忘危|我们既要正视)|表示(?:诚挚|衷心的?)感谢|致以崇高(?:的)?敬意|清醒(?:地)?(?:看到|认识到)[^。]{0,20}(?:问题|困难|挑战|不足)`)

// planYears are the years of the plan sections of d.
func planYears(d *search.Document) []int {
	var ys []int
	for _, s := range d.Sections {
		if s.Role == search.RolePlan && s.Year > 0 && !slices.Contains(ys, s.Year) {
			ys = append(ys, s.Year)
		}
	}
	sort.Ints(ys)
	return ys
}
