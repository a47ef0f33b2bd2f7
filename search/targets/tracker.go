package targets

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
)

// Options configure a Tracker.
type Options struct {
	// ExtraIndicators is the path of an indicator table in the format of
	// indicators.tsv, read after the built-in one: its indicators are
	// added, or replace built-in ones of the same name. "" means none.
	ExtraIndicators string
	// Tolerance is the share of a 左右 target's value a result may miss it
	// by and still meet it; 0 means DefaultTolerance.
	Tolerance float64
}

// Tracker finds an agency's targets and results in an index. It uses only
// filter searches and stored documents, so it works on any engine behind
// search.Index.
type Tracker struct {
	index search.Index
	table *Table
	tol   float64
}

// New returns a Tracker over idx.
func New(idx search.Index, opt Options) (*Tracker, error) {
	tab, err := LoadTable(opt.ExtraIndicators)
	if err != nil {
		return nil, err
	}
	return &Tracker{index: idx, table: tab, tol: opt.Tolerance}, nil
}

// Table is the indicator table the tracker reads with.
func (t *Tracker) Table() *Table { return t.table }

// ErrUnknownIndicator is returned for an indicator the table does not
// name.
var ErrUnknownIndicator = errors.New("unknown indicator")

// DocRef names a document.
type DocRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date,omitempty"`
	Year  int    `json:"year,omitempty"`
}

// Report is the targets of an agency, for one year or all, and what became
// of them. Its JSON form is the answer of GET /api/targets and of
// `gongkai targets --json`.
type Report struct {
	// Agency is the agency as asked for.
	Agency string `json:"agency"`
	// Year is the year asked for; 0 means all years.
	Year int `json:"year,omitempty"`
	// Indicator is the indicator asked for (its canonical name), or "".
	Indicator string `json:"indicator,omitempty"`
	// Years lists the years the agency set targets for, newest first:
	// every such year whatever Indicator selects, but only Year itself
	// when Year is set.
	Years []int `json:"years"`
	// Indicators lists the indicators the agency set targets for, in the
	// order of the indicator table.
	Indicators []string `json:"indicators"`
	// Plans are the documents the targets come from; Reviews those the
	// results come from.
	Plans   []DocRef `json:"plans"`
	Reviews []DocRef `json:"reviews"`
	// Counts counts the targets by status.
	Counts map[string]int `json:"counts"`
	// Targets are ordered by year (newest first), then by the indicator
	// table.
	Targets []Target `json:"targets"`
}

// Report finds agency's targets for year (0: every year) of indicator
// ("" : every indicator), and the results its reviews give for them.
func (t *Tracker) Report(ctx context.Context, agency string, year int, indicator string) (*Report, error) {
	agency = strings.TrimSpace(agency)
	if agency == "" {
		return nil, fmt.Errorf("targets need an agency")
	}
	// A name as users type it (浙江, 九龙坡区) means the government the
	// commitments and the 机关: filter take it to mean.
	switch g, err := commitments.ResolveAgency(ctx, t.index, agency); {
	case err == nil:
		agency = g
	case !errors.Is(err, commitments.ErrNoGovernment):
		return nil, err
	}
	r := &Report{Agency: agency, Year: year, Years: []int{}, Indicators: []string{}, Plans: []DocRef{}, Reviews: []DocRef{},
		Counts: map[string]int{}, Targets: []Target{}}
	if indicator != "" {
		ind := t.table.Lookup(indicator)
		if ind == nil {
			return nil, fmt.Errorf("%w: %s", ErrUnknownIndicator, indicator)
		}
		r.Indicator = ind.Name
	}
	// Documents with plan sections, and work reports whose parts name no
	// role but list their main targets.
	f := search.Filters{Agency: agencyFilter(agency), Role: []string{search.RolePlan}}
	g := search.Filters{Agency: agencyFilter(agency), Title: []string{"工作报告"}}
	if year > 0 {
		f = search.Filters{Agency: agencyFilter(agency), PlanYear: []int{year}}
		g.Year = []int{year}
	}
	plans, err := t.documents(ctx, agency, f, g)
	if err != nil {
		return nil, err
	}
	// One target per year and indicator: from a list of main targets
	// first, then from the report of that year, then the earliest.
	type key struct {
		year int
		ind  string
	}
	chosen := map[key]Target{}
	from := map[key]*search.Document{}
	for _, d := range plans {
		for _, y := range PlanYears(d) {
			if year > 0 && y != year {
				continue
			}
			for _, tg := range t.table.Targets(d, y) {
				k := key{y, tg.Indicator}
				if prev, ok := chosen[k]; ok && !better(tg, d, prev, from[k]) {
					continue
				}
				chosen[k], from[k] = tg, d
			}
		}
	}
	years := map[int]bool{}
	inds := map[string]bool{}
	usedPlans := map[string]*search.Document{}
	for k, tg := range chosen {
		years[k.year], inds[k.ind] = true, true
		if r.Indicator != "" && k.ind != r.Indicator {
			continue
		}
		usedPlans[from[k].ID] = from[k]
		r.Targets = append(r.Targets, tg)
	}
	r.Years = sortedYears(years)
	for _, ind := range t.table.Indicators {
		if inds[ind.Name] {
			r.Indicators = append(r.Indicators, ind.Name)
		}
	}
	r.Plans = refs(usedPlans)

	// Results, from the reviews of each year targeted.
	need := map[int]bool{}
	for _, tg := range r.Targets {
		need[tg.Year] = true
	}
	usedReviews := map[string]*search.Document{}
	for _, y := range sortedYears(need) {
		acts, docs, err := t.actuals(ctx, agency, y)
		if err != nil {
			return nil, err
		}
		for i := range r.Targets {
			tg := &r.Targets[i]
			if tg.Year != y {
				continue
			}
			for _, k := range docs {
				if k.ID == tg.Source.DocID {
					continue
				}
				if a, ok := acts[k.ID][tg.Indicator]; ok {
					tg.Actual = &a
					usedReviews[k.ID] = k
					break
				}
			}
		}
	}
	r.Reviews = refs(usedReviews)
	order := map[string]int{}
	for i, ind := range t.table.Indicators {
		order[ind.Name] = i
	}
	sort.SliceStable(r.Targets, func(i, j int) bool {
		a, b := r.Targets[i], r.Targets[j]
		if a.Year != b.Year {
			return a.Year > b.Year
		}
		return order[a.Indicator] < order[b.Indicator]
	})
	for i := range r.Targets {
		Judge(&r.Targets[i], t.tol)
		r.Counts[r.Targets[i].Status]++
	}
	return r, nil
}

// better reports whether target a of document da is to be preferred to
// target b of db for the same year and indicator.
func better(a Target, da *search.Document, b Target, db *search.Document) bool {
	if a.Main != b.Main {
		return a.Main
	}
	ao, bo := da.YearOf() == a.Year, db.YearOf() == b.Year
	if ao != bo {
		return ao
	}
	return da.Date < db.Date || da.Date == db.Date && da.ID < db.ID
}

// actuals reads the results of year in agency's reviews of it: per document
// id, per indicator. The documents come in the order they are consulted:
// the report of the next year first, then by date.
func (t *Tracker) actuals(ctx context.Context, agency string, year int) (map[string]map[string]Actual, []*search.Document, error) {
	docs, err := t.documents(ctx, agency,
		search.Filters{Agency: agencyFilter(agency), ReviewYear: []int{year}},
		search.Filters{Agency: agencyFilter(agency), Title: []string{"工作报告"}, Year: []int{year + 1}})
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(docs, func(i, j int) bool {
		ni, nj := docs[i].YearOf() == year+1, docs[j].YearOf() == year+1
		if ni != nj {
			return ni
		}
		return docs[i].Date < docs[j].Date
	})
	out := map[string]map[string]Actual{}
	for _, d := range docs {
		m := map[string]Actual{}
		for _, a := range t.table.Actuals(d, year) {
			m[a.Indicator] = a
		}
		out[d.ID] = m
	}
	return out, docs, nil
}

// documents returns the stored documents of agency that any of the
// filters selects (all pages of them).
func (t *Tracker) documents(ctx context.Context, agency string, fs ...search.Filters) ([]*search.Document, error) {
	var out []*search.Document
	seen := map[string]bool{}
	for _, f := range fs {
		docs, err := t.select1(ctx, agency, f, seen)
		if err != nil {
			return nil, err
		}
		out = append(out, docs...)
	}
	return out, nil
}

func (t *Tracker) select1(ctx context.Context, agency string, f search.Filters, seen map[string]bool) ([]*search.Document, error) {
	var out []*search.Document
	for page := 1; page <= search.MaxPage; page++ {
		q := &search.Query{Filters: f}
		res, err := t.index.Search(ctx, q, &search.Request{Page: page, Size: search.MaxSize, Sort: search.SortDate, Mode: search.ModeDocuments})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			if seen[h.ID] {
				continue
			}
			seen[h.ID] = true
			d, err := t.index.Document(ctx, h.ID)
			if errors.Is(err, search.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			name := d.Agency
			if name == "" {
				name = d.Title
			}
			if commitments.SameAgency(name, agency) {
				out = append(out, d)
			}
		}
		if len(res.Hits) < search.MaxSize || page*search.MaxSize >= res.Total {
			break
		}
	}
	return out, nil
}

// agencyFilter is what the index is asked for an agency: the core of its
// name (上海市人民政府 → 上海), which the agency field contains; SameAgency
// then keeps the documents of that very government.
func agencyFilter(agency string) []string {
	c := commitments.AgencyCore(agency)
	c = strings.TrimSuffix(strings.TrimSuffix(c, "市"), "省")
	if c == "" {
		c = agency
	}
	return []string{c}
}

func sortedYears(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for y := range m {
		out = append(out, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}

func refs(m map[string]*search.Document) []DocRef {
	out := make([]DocRef, 0, len(m))
	for _, d := range m {
		out = append(out, DocRef{ID: d.ID, Title: d.Title, Date: d.Date, Year: d.YearOf()})
	}
	slices.SortFunc(out, func(a, b DocRef) int {
		if a.Year != b.Year {
			return b.Year - a.Year
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// Series is one indicator's targets and results over the years, for a
// chart: GET /targets?agency=…&indicator=… draws it with Chart.
type Series struct {
	Agency    string `json:"agency"`
	Indicator string `json:"indicator"`
	// Unit is the unit of every value of the points.
	Unit      string  `json:"unit"`
	Direction string  `json:"direction"`
	Points    []Point `json:"points"`
}

// Point is one year of a Series.
type Point struct {
	Year       int     `json:"year"`
	Comparison string  `json:"comparison"`
	Target     float64 `json:"target"`
	// TargetHigh is the upper end of a 区间 target.
	TargetHigh float64 `json:"target_high,omitempty"`
	// TargetPhrase is the target as written (国内生产总值增长5%左右).
	TargetPhrase string `json:"target_phrase"`
	TargetLink   string `json:"target_link"`
	// Actual is the result in Unit; nil when there is none to compare.
	Actual       *float64 `json:"actual"`
	ActualPhrase string   `json:"actual_phrase,omitempty"`
	ActualLink   string   `json:"actual_link,omitempty"`
	Status       string   `json:"status"`
	Reason       string   `json:"reason"`
}

// Series returns agency's targets and results for indicator over all the
// years it set one, oldest first.
func (t *Tracker) Series(ctx context.Context, agency, indicator string) (*Series, error) {
	if strings.TrimSpace(indicator) == "" {
		return nil, fmt.Errorf("a series needs an indicator")
	}
	r, err := t.Report(ctx, agency, 0, indicator)
	if err != nil {
		return nil, err
	}
	return SeriesOf(r, t.table.Lookup(r.Indicator)), nil
}

// SeriesOf makes the series of ind from a report's targets.
func SeriesOf(r *Report, ind *Indicator) *Series {
	s := &Series{Agency: r.Agency, Points: []Point{}}
	if ind == nil {
		return s
	}
	s.Indicator, s.Direction, s.Unit = ind.Name, ind.Direction, ind.Unit
	var ts []Target
	for _, tg := range r.Targets {
		if tg.Indicator == ind.Name {
			ts = append(ts, tg)
		}
	}
	// The targets' own unit when they all share one (万亿斤 for the
	// national grain target), else the table's.
	if len(ts) > 0 {
		same := true
		for _, tg := range ts {
			same = same && tg.Unit == ts[0].Unit
		}
		if same {
			s.Unit = ts[0].Unit
		}
	}
	to := units[s.Unit]
	conv := func(v float64, unit string) (float64, bool) {
		u, ok := units[unit]
		if !ok || u.family != to.family {
			return 0, false
		}
		return v * u.scale / to.scale, true
	}
	for _, tg := range ts {
		p := Point{Year: tg.Year, Comparison: tg.Comparison, TargetPhrase: tg.Phrase, TargetLink: tg.Source.Link, Status: tg.Status, Reason: tg.Reason}
		v, ok := conv(tg.Value, tg.Unit)
		if !ok {
			continue
		}
		p.Target = v
		if tg.Comparison == Range {
			p.TargetHigh, _ = conv(tg.High, tg.Unit)
		}
		if a := tg.Actual; a != nil {
			p.ActualPhrase, p.ActualLink = a.Phrase, a.Source.Link
			if av, ok := conv(a.Value, a.Unit); ok {
				p.Actual = &av
			}
		}
		s.Points = append(s.Points, p)
	}
	sort.Slice(s.Points, func(i, j int) bool { return s.Points[i].Year < s.Points[j].Year })
	return s
}
