// Package targets reads the numeric targets a government sets for a year
// in the plan part of its work report (国内生产总值增长5%左右, 城镇新增就业
// 1200万人以上, 城镇调查失业率5.5%左右 …) and the results its next report
// gives for that year in its review (增长5%, 城镇新增就业1256万人, 失业率平
// 均为5.1% …), and says, from the numbers and the comparison word alone,
// whether each target was met.
//
// Indicators are named by a curated table (indicators.tsv, embedded; see
// its header for how to edit it, and Options.ExtraIndicators for adding
// a table file of one's own): only quantities the table names are read,
// under the names it lists. The package works on *search.Document; the
// Tracker finds an agency's plans and reviews through search.Index.
package targets

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/search"
)

// Statuses of a target.
const (
	Met         = "达成"   // the result is within what the target allows
	Missed      = "未达成"  // the result is outside it
	NotCompared = "无法比较" // no result found, a result in another unit, or one too vague to tell
)

// Statuses lists the statuses in the order they are shown.
var Statuses = []string{Met, Missed, NotCompared}

// DefaultTolerance is how far a result may fall from a target written
// 左右 (about) and still meet it, as a share of the target's value: 5%左右
// is met by 4.75% and more when more is better, by 5.25% and less when
// less is better. The same share is allowed around a bare number of an
// indicator where missing either way counts (居中).
const DefaultTolerance = 0.05

// Passage cites a sentence of a document to its paragraph.
type Passage struct {
	DocID     string   `json:"doc_id"`
	DocTitle  string   `json:"doc_title"`
	Date      string   `json:"date,omitempty"`
	Paragraph int      `json:"paragraph"`
	Path      []string `json:"path,omitempty"`
	// Sentence is the sentence as written.
	Sentence string `json:"sentence"`
	// Link is the document page at the paragraph: /doc/{id}#p-N.
	Link string `json:"link"`
}

// Target is a numeric target of a plan and what became of it.
type Target struct {
	// ID names the target: document, paragraph and indicator
	// ("gwrn-2024/p28/城镇新增就业").
	ID        string `json:"id"`
	Agency    string `json:"agency"`
	Year      int    `json:"year"`
	Indicator string `json:"indicator"`
	// Direction is the indicator's: 越高越好, 越低越好 or 居中.
	Direction string `json:"direction"`
	// Comparison is 左右, 以上, 以内, 区间 or 目标值 (a bare number).
	Comparison string  `json:"comparison"`
	Value      float64 `json:"value"`
	// High is the upper end of a 区间 (range) target; Value is its lower end.
	High float64 `json:"high,omitempty"`
	Unit string  `json:"unit"`
	// Phrase is the target as the report states it, with full-width forms,
	// traditional characters and Chinese-numeral percentages normalised:
	// 国内生产总值增长5%左右.
	Phrase string `json:"phrase"`
	// Main is set for targets stated in the report's list of main targets
	// (主要预期目标).
	Main   bool    `json:"main"`
	Source Passage `json:"source"`
	// Actual is the result the review of the year gives, or nil.
	Actual *Actual `json:"actual"`
	Status string  `json:"status"`
	// Reason says in words how the status was reached.
	Reason string `json:"reason"`
}

// Actual is the result a review gives for an indicator.
type Actual struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	Value     float64 `json:"value"`
	High      float64 `json:"high,omitempty"`
	// Qualifier is the words around the number that qualify it (超过,
	// 以上, 近, 左右 …), as written.
	Qualifier string `json:"qualifier,omitempty"`
	// Bound is set when the words make the value a bound: 下限 (超过3%:
	// the result is at least Value) or 上限 (近40%: at most Value).
	Bound  string  `json:"bound,omitempty"`
	Unit   string  `json:"unit"`
	Phrase string  `json:"phrase"`
	Source Passage `json:"source"`
}

// Bounds of a result.
const (
	LowerBound = "下限"
	UpperBound = "上限"
)

// Link is the document page at paragraph n.
func Link(docID string, n int) string {
	return "/doc/" + docID + "#p-" + strconv.Itoa(n)
}

func passage(d *search.Document, n int, path []string, sentence string) Passage {
	return Passage{DocID: d.ID, DocTitle: d.Title, Date: d.Date, Paragraph: n, Path: path, Sentence: sentence, Link: Link(d.ID, n)}
}

// mainCue returns the year a paragraph lists main targets for (今年发展主要
// 预期目标是：…), or 0 when it lists none.
func mainCue(text string, docYear int) int {
	f := foldText(text)
	if !mainCueRe.MatchString(f) {
		return 0
	}
	m := mainCueYearRe.FindStringSubmatch(f)
	switch {
	case m == nil || m[1] == "今年":
		return docYear
	case m[1] == "明年":
		return docYear + 1
	default:
		y, _ := strconv.Atoi(m[1][:4])
		return y
	}
}

// PlanYears lists the years d sets targets for: those its plan sections
// are about and those its lists of main targets name.
func PlanYears(d *search.Document) []int {
	seen := map[int]bool{}
	var out []int
	add := func(y int) {
		if y > 0 && !seen[y] {
			seen[y] = true
			out = append(out, y)
		}
	}
	for _, s := range d.Sections {
		if s.Role == search.RolePlan {
			add(s.Year)
		}
	}
	for _, p := range d.Paragraphs {
		if y := mainCue(p.Text, d.YearOf()); y > 0 {
			add(y)
		}
	}
	return out
}

// Targets reads the numeric targets d sets for year: from its plan
// sections about year, and from a list of main targets for year wherever
// it stands. An indicator gets one target per document: the one in the
// list of main targets, else the first.
func (t *Table) Targets(d *search.Document, year int) []Target {
	var out []Target
	at := map[string]int{} // indicator → index in out
	docYear := d.YearOf()
	mainNext := false // the paragraph after a main cue ending in ：
	for _, s := range d.Sections {
		for n := s.First; n <= s.Last; n++ {
			p := d.Paragraphs[n-1]
			cue := mainCue(p.Text, docYear)
			main := cue == year || mainNext
			mainNext = cue == year && strings.HasSuffix(strings.TrimSpace(p.Text), "：")
			if !main && !(s.Role == search.RolePlan && s.Year == year) {
				continue
			}
			if p.Heading && !main && utf8.RuneCountInString(p.Text) < 40 {
				// A heading alone; long "headings" carry their section's text.
				continue
			}
			if f := foldText(strings.TrimSpace(p.Text)); !main && (reviewOpenRe.MatchString(f) || otherYearPara(f, year)) {
				continue
			}
			for _, sen := range sentences(paragraphText(d, n, s.Last)) {
				for _, m := range t.mentions(sen.folded, planWording) {
					u, ok := units[m.unit]
					if !ok || u.family != m.ind.family {
						continue
					}
					prefix := sen.folded[:m.start]
					if aboutOtherPeriod(sen.folded, &m, year) || planPrefixRe.MatchString(prefix) {
						continue
					}
					tg := Target{
						ID:     fmt.Sprintf("%s/p%d/%s", d.ID, n, m.ind.Name),
						Agency: d.Agency, Year: year, Indicator: m.ind.Name, Direction: m.ind.Direction,
						Comparison: m.comparison(), Value: m.value, Unit: m.unit,
						Phrase: m.phrase(sen.folded), Main: main,
						Source: passage(d, n, s.Path, sen.orig),
					}
					if m.isRange {
						tg.High = m.high
					}
					if i, ok := at[m.ind.Name]; ok {
						if main && !out[i].Main {
							out[i] = tg
						}
						continue
					}
					at[m.ind.Name] = len(out)
					out = append(out, tg)
				}
			}
		}
	}
	return out
}

// Actuals reads the results d's review of year gives: for each indicator
// the first statement of its value in a unit of its family, else the first
// in another unit (which cannot be compared with a target). Paragraphs that
// review several years (五年来 …) and sentences about other periods are
// skipped.
func (t *Table) Actuals(d *search.Document, year int) []Actual {
	type found struct {
		a    Actual
		fits bool
	}
	var order []string
	best := map[string]*found{}
	docYear := d.YearOf()
	// multi is set in a run of paragraphs about several years: it goes on
	// across the subsections (（一）…（六）) of a five-year review.
	multi := false
	// The next year's work report may review the year in parts whose
	// headings name no role (“十四五”时期发展成就和2025年工作回顾 without
	// a number): there the review starts at a paragraph that opens the
	// year (刚刚过去的2025年，…) and ends where the plan's targets begin.
	nextReport := docYear == year+1 && isWorkReport(d)
	inYear := false // past such an opening
	for _, s := range d.Sections {
		inReview := s.Role == search.RoleReview && s.Year == year
		if !inReview && !(nextReport && s.Role == search.RoleOther) {
			continue
		}
		for n := s.First; n <= s.Last; n++ {
			p := d.Paragraphs[n-1]
			f := foldText(strings.TrimSpace(p.Text))
			switch {
			case multiYearParaRe.MatchString(f):
				multi = true
			case yearParaRe.MatchString(f):
				multi, inYear = false, true
			}
			if mainCue(p.Text, docYear) > 0 {
				inYear = false
				continue
			}
			if p.Heading && utf8.RuneCountInString(p.Text) < 40 || !inReview && !inYear || otherYearPara(f, year) {
				continue
			}
			for _, sen := range sentences(paragraphText(d, n, s.Last)) {
				// Inside a review of several years only a sentence that
				// names the year speaks of it (2012年，…国内生产总值增长7.8%).
				if multi && !strings.HasPrefix(sen.folded, strconv.Itoa(year)+"年") {
					continue
				}
				for _, m := range t.mentions(sen.folded, reviewWording) {
					u, ok := units[m.unit]
					if !ok {
						continue
					}
					if aboutOtherPeriod(sen.folded, &m, year) || reviewPrefixRe.MatchString(sen.folded[:m.start]) ||
						targetClauseRe.MatchString(clauseBefore(sen.folded, m.start)) || targetAfterRe.MatchString(sen.folded[m.end:]) {
						continue
					}
					// A total read without its verb stands for the year
					// only if nothing in its sentence speaks of several.
					if m.verbless && multiYearRe.MatchString(sen.folded) {
						continue
					}
					fits := u.family == m.ind.family
					if m.verbless && fits {
						continue
					}
					prev, seen := best[m.ind.Name]
					if seen && (prev.fits || !fits) {
						continue
					}
					a := Actual{
						Indicator: m.ind.Name, Year: year, Value: m.value, Unit: m.unit,
						Phrase: m.phrase(sen.folded), Source: passage(d, n, s.Path, sen.orig),
					}
					if m.isRange {
						a.High = m.high
					}
					a.Qualifier = strings.TrimSpace(m.pre + " " + m.post)
					if m.more && m.post != "多" {
						a.Qualifier = strings.TrimSpace(a.Qualifier + " 多")
					}
					a.Bound = m.bound()
					if !seen {
						order = append(order, m.ind.Name)
					}
					best[m.ind.Name] = &found{a, fits}
				}
			}
		}
	}
	out := make([]Actual, 0, len(order))
	for _, name := range order {
		out = append(out, best[name].a)
	}
	return out
}

// isWorkReport reports whether d is a government work report.
func isWorkReport(d *search.Document) bool {
	return strings.Contains(d.Title, "工作报告") || d.DocType == "政府工作报告"
}

// interval is a set of values: [lo, hi], either end open to infinity.
type interval struct {
	lo, hi     float64
	noLo, noHi bool
}

// allowed is the set of results that meet tg, in the base unit of its
// family: 以上 and 以内 as written; 左右 and a 区间 toward the side the
// indicator's direction says is good (both sides for 居中), 左右 widened by
// tol; a bare number as a floor or a ceiling by the direction (within tol
// either side for 居中).
func allowed(tg *Target, scale, tol float64) interval {
	v, h := tg.Value*scale, tg.Value*scale
	if tg.Comparison == Range {
		h = tg.High * scale
	}
	slack := math.Abs(v) * tol
	switch tg.Comparison {
	case AtLeast:
		return interval{lo: v, noHi: true}
	case AtMost:
		return interval{hi: v, noLo: true}
	case About:
		v, h = v-slack, h+slack
	case Exact:
		if tg.Direction == Centered {
			v, h = v-slack, h+slack
		}
	}
	switch tg.Direction {
	case HigherBetter:
		return interval{lo: v, noHi: true}
	case LowerBetter:
		return interval{hi: h, noLo: true}
	}
	return interval{lo: v, hi: h}
}

// Judge sets tg's Status and Reason from its Actual: 达成 when every value
// the result's words allow meets the target, 未达成 when none does, 无法比较
// when there is no result, it is in a unit of another family, or its words
// leave both open (超过3% against a ceiling of 3.5%). tol is the tolerance
// of 左右 (0 means DefaultTolerance).
func Judge(tg *Target, tol float64) {
	if tol <= 0 {
		tol = DefaultTolerance
	}
	a := tg.Actual
	if a == nil {
		tg.Status, tg.Reason = NotCompared, "未找到该年度的实际完成数"
		return
	}
	tu, ok1 := units[tg.Unit]
	au, ok2 := units[a.Unit]
	if !ok1 || !ok2 || tu.family != au.family {
		tg.Status, tg.Reason = NotCompared, "实际数的单位（"+a.Unit+"）与目标（"+tg.Unit+"）不同"
		return
	}
	iv := allowed(tg, tu.scale, tol)
	// The values the result's words allow, in the base unit.
	lo, hi := a.Value*au.scale, a.Value*au.scale
	if a.High != 0 {
		hi = a.High * au.scale
	}
	loOpen, hiOpen := a.Bound == UpperBound, a.Bound == LowerBound
	switch {
	case (iv.noLo || !loOpen && geq(lo, iv.lo)) && (iv.noHi || !hiOpen && geq(iv.hi, hi)):
		tg.Status = Met
	case !iv.noHi && !loOpen && !geq(iv.hi, lo), !iv.noLo && !hiOpen && !geq(hi, iv.lo):
		tg.Status = Missed
	default:
		tg.Status = NotCompared
	}
	tg.Reason = "实际" + describeActual(a) + "，目标要求" + describeAllowed(iv, tu.scale, tg.Unit)
	if tg.Status == NotCompared {
		tg.Reason += "：实际数只给出一个界限，无法判断"
	}
}

// geq reports whether x ≥ y, allowing for rounding in the last digits.
func geq(x, y float64) bool {
	return x >= y-1e-9*math.Max(math.Abs(x), math.Abs(y))
}

func describeActual(a *Actual) string {
	s := formatNumber(a.Value) + a.Unit
	if a.High != 0 && a.High != a.Value {
		s = formatNumber(a.Value) + a.Unit + "至" + formatNumber(a.High) + a.Unit
	}
	switch a.Bound {
	case UpperBound:
		s = "不高于" + s
	case LowerBound:
		s = "不低于" + s
	}
	return s
}

func describeAllowed(iv interval, scale float64, unit string) string {
	f := func(x float64) string { return formatNumber(math.Round(x/scale*1e4)/1e4) + unit }
	switch {
	case iv.noHi:
		return f(iv.lo) + "及以上"
	case iv.noLo:
		return f(iv.hi) + "及以下"
	}
	return f(iv.lo) + "至" + f(iv.hi)
}
