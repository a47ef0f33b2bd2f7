package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
	"github.com/gongkai/gongkai/search/targets"
)

// trackers keeps one targets tracker per index: reading the indicator
// table compiles its patterns, which costs more than many a report.
var trackers struct {
	mu  sync.Mutex
	idx search.Index
	tr  *targets.Tracker
}

// targetsTracker returns the tracker over the server's index.
func (s *Server) targetsTracker() (*targets.Tracker, error) {
	idx := s.index()
	if idx == nil {
		return nil, errNotReady
	}
	trackers.mu.Lock()
	defer trackers.mu.Unlock()
	if trackers.tr == nil || trackers.idx != idx {
		tr, err := targets.New(idx, targets.Options{})
		if err != nil {
			return nil, err
		}
		trackers.idx, trackers.tr = idx, tr
	}
	return trackers.tr, nil
}

// targetsParams reads agency, year and indicator for the targets API, the
// chart and the page. The agency may be left out only when optional.
func targetsParams(r *http.Request, optional bool) (agency string, year int, indicator string, err error) {
	q := r.URL.Query()
	agency = strings.TrimSpace(q.Get("agency"))
	indicator = strings.TrimSpace(q.Get("indicator"))
	if year, err = intParam(r, "year"); err != nil {
		return
	}
	switch {
	case agency == "" && !optional:
		err = &httpError{http.StatusBadRequest, "请指定机关（agency），例如 国务院、浙江省"}
	case year != 0 && (year < 1949 || year > 2100):
		err = &httpError{http.StatusBadRequest, "年份（year）应在 1949–2100 之间，不填表示全部年份"}
	case len([]rune(agency)) > 200 || len([]rune(indicator)) > 200:
		err = &httpError{http.StatusBadRequest, "机关或指标名称过长"}
	}
	return
}

// unknownIndicator says that name is not in the tracker's table and lists
// the names that are.
func unknownIndicator(name string, t *targets.Table) error {
	names := make([]string, 0, len(t.Indicators))
	for _, ind := range t.Indicators {
		names = append(names, ind.Name)
	}
	return &httpError{http.StatusBadRequest, "未知指标：" + name + "（可用：" + strings.Join(names, "、") + "）"}
}

// targetsReport runs the tracker; an unknown indicator is the user's
// mistake.
func (s *Server) targetsReport(ctx context.Context, agency string, year int, indicator string) (*targets.Report, error) {
	tr, err := s.targetsTracker()
	if err != nil {
		return nil, err
	}
	rep, err := tr.Report(ctx, agency, year, indicator)
	if errors.Is(err, targets.ErrUnknownIndicator) {
		return nil, unknownIndicator(indicator, tr.Table())
	}
	return rep, err
}

func (s *Server) serveTargetsAPI(w http.ResponseWriter, r *http.Request) {
	rep, err := s.serveTargetsAPIErr(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (s *Server) serveTargetsAPIErr(r *http.Request) (*targets.Report, error) {
	agency, year, indicator, err := targetsParams(r, false)
	if err != nil {
		return nil, err
	}
	return charged(s, r, func(ctx context.Context) (*targets.Report, error) {
		return s.targetsReport(ctx, agency, year, indicator)
	})
}

func (s *Server) serveTargetsChart(w http.ResponseWriter, r *http.Request) {
	svg, err := s.serveTargetsChartErr(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(svg)
	}
}

// serveTargetsChartErr draws one indicator of one government over all
// the years it set a target for.
func (s *Server) serveTargetsChartErr(r *http.Request) ([]byte, error) {
	agency, _, indicator, err := targetsParams(r, false)
	if err != nil {
		return nil, err
	}
	if indicator == "" {
		return nil, &httpError{http.StatusBadRequest, "请指定指标（indicator），例如 经济增长"}
	}
	tr, err := s.targetsTracker()
	if err != nil {
		return nil, err
	}
	series, err := charged(s, r, func(ctx context.Context) (*targets.Series, error) { return tr.Series(ctx, agency, indicator) })
	if errors.Is(err, targets.ErrUnknownIndicator) {
		return nil, unknownIndicator(indicator, tr.Table())
	}
	if err != nil {
		return nil, err
	}
	// Documents may carry control characters, which XML forbids.
	return stripControls(targets.Chart(series)), nil
}

// targetsPage is the /targets page: a form, the governments whose reports
// state targets, and for the chosen one its targets and results by year,
// with a chart for one indicator.
type targetsPage struct {
	basePage
	Agency    string
	Year      int
	Indicator string
	Error     string
	// Agencies are the governments with targets.
	Agencies []link
	// Options are the indicators of the table, for the form.
	Options []link
	// Years and Indicators narrow the report: the years the government
	// set targets for and the indicators it set, each with "all" first.
	Years      []link
	Indicators []link
	Report     *targets.Report
	Plans      []docLink
	Reviews    []docLink
	Caption    string
	Total      int
	Counts     []statusCount
	Groups     []targetYear
	// Chart is the chart of the chosen indicator over all years, drawn
	// on the server; ChartURL is the same chart as an image of its own.
	Chart    template.HTML
	ChartURL string
	// Tolerance is how far a 左右 target may be missed (5%), and
	// ToleranceExample the least growth that meets 5%左右.
	Tolerance, ToleranceExample string
}

type docLink struct {
	Title, Date, URL string
}

type statusCount struct {
	Status, Class string
	N             int
}

// targetYear is the targets of one year.
type targetYear struct {
	Year   int
	Counts []statusCount
	Rows   []targetRow
}

type targetRow struct {
	targets.Target
	Class, Mark          string
	SourceURL, ActualURL string
}

var targetClass = map[string]string{targets.Met: "met", targets.Missed: "missed", targets.NotCompared: "nocompare"}

// targetMark repeats the status as a sign beside its word.
var targetMark = map[string]string{targets.Met: "✓", targets.Missed: "✗", targets.NotCompared: "–"}

func targetsURL(agency string, year int, indicator string) string {
	v := url.Values{}
	if agency != "" {
		v.Set("agency", agency)
	}
	if year > 0 {
		v.Set("year", strconv.Itoa(year))
	}
	if indicator != "" {
		v.Set("indicator", indicator)
	}
	if len(v) == 0 {
		return "/targets"
	}
	return "/targets?" + v.Encode()
}

func countStatuses(ts []targets.Target) []statusCount {
	n := map[string]int{}
	for _, t := range ts {
		n[t.Status]++
	}
	var out []statusCount
	for _, st := range targets.Statuses {
		if n[st] > 0 {
			out = append(out, statusCount{Status: st, Class: targetClass[st], N: n[st]})
		}
	}
	return out
}

// agencyCacheTTL bounds how long the list of governments with targets is
// reused while the number of documents stays the same.
const agencyCacheTTL = 10 * time.Minute

// targetAgencyCache holds the governments with targets of the last index
// asked: finding them reads documents, more work than a page should
// repeat for every visitor.
var targetAgencyCache struct {
	mu    sync.Mutex
	idx   search.Index
	count uint64
	at    time.Time
	names []string
}

// targetAgencies lists the governments with targets; chosen (as the user
// typed it) is marked.
func (s *Server) targetAgencies(ctx context.Context, tr *targets.Tracker, chosen string) ([]link, error) {
	idx := s.index()
	if idx == nil {
		return nil, errNotReady
	}
	count, err := idx.Count()
	if err != nil {
		return nil, err
	}
	c := &targetAgencyCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idx != idx || c.count != count || time.Since(c.at) > agencyCacheTTL {
		names, err := findTargetAgencies(ctx, idx, tr.Table())
		if err != nil {
			return nil, err
		}
		c.idx, c.count, c.at, c.names = idx, count, time.Now(), names
	}
	out := make([]link, len(c.names))
	for i, a := range c.names {
		out[i] = link{Text: a, URL: targetsURL(a, 0, ""), Active: chosen != "" && commitments.SameAgency(a, chosen)}
	}
	return out, nil
}

// findTargetAgencies finds the governments that set targets the table
// names, the State Council first, then in pinyin order. Candidates are
// the work reports and plans that state targets in so many words (预期目标,
// 主要目标, 调控目标), found by a search; a government counts once one of
// its candidates, newest first, yields a target, so most governments cost
// one document.
func findTargetAgencies(ctx context.Context, idx search.Index, table *targets.Table) ([]string, error) {
	q, err := search.Parse(`"预期目标" OR "主要目标" OR "调控目标"`)
	if err != nil {
		return nil, err
	}
	docs := map[string][]search.Hit{}
	seen := map[string]bool{}
	for _, f := range []search.Filters{{Title: []string{"工作报告"}}, {Role: []string{search.RolePlan}}} {
		q.Filters = f
		for page := 1; page <= search.MaxPage; page++ {
			res, err := idx.Search(ctx, q, &search.Request{Page: page, Size: search.MaxSize, Mode: search.ModeDocuments, Sort: search.SortDate})
			if err != nil {
				return nil, err
			}
			for _, h := range res.Hits {
				if strings.TrimSpace(h.Agency) != "" && !seen[h.ID] {
					seen[h.ID] = true
					docs[h.Agency] = append(docs[h.Agency], h)
				}
			}
			if len(res.Hits) < search.MaxSize || page*search.MaxSize >= res.Total {
				break
			}
		}
	}
	var names []string
	for agency, hits := range docs {
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].Date > hits[j].Date })
		found := false
		for _, h := range hits {
			d, err := idx.Document(ctx, h.ID)
			if errors.Is(err, search.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			for _, y := range targets.PlanYears(d) {
				if len(table.Targets(d, y)) > 0 {
					found = true
					break
				}
			}
			if found {
				break
			}
		}
		if found {
			names = append(names, agency)
		}
	}
	// The State Council first, then the provinces in pinyin order.
	col := collate.New(language.Chinese)
	sort.Slice(names, func(i, j int) bool {
		a, b := names[i], names[j]
		if (a == "国务院") != (b == "国务院") {
			return a == "国务院"
		}
		return col.CompareString(a, b) < 0
	})
	return names, nil
}

func (s *Server) serveTargetsPage(w http.ResponseWriter, r *http.Request) {
	p, status := s.serveTargetsPageErr(r)
	s.renderPage(w, r, status, "targets", p)
}

func (s *Server) serveTargetsPageErr(r *http.Request) (*targetsPage, int) {
	p := &targetsPage{basePage: s.base(r, "目标与完成"),
		Tolerance:        strconv.FormatFloat(targets.DefaultTolerance*100, 'f', -1, 64) + "%",
		ToleranceExample: strconv.FormatFloat(5*(1-targets.DefaultTolerance), 'f', -1, 64) + "%"}
	fail := func(err error) (*targetsPage, int) {
		code, msg := p.classify(err)
		if code >= 500 && code != http.StatusServiceUnavailable {
			s.log.Error().Err(err).Str("path", r.URL.Path).Msg("targets page failed")
		}
		p.Error = msg
		return p, code
	}
	agency, year, indicator, err := targetsParams(r, true)
	p.Agency, p.Year, p.Indicator = agency, year, indicator
	if err != nil {
		return fail(err)
	}
	tr, err := s.targetsTracker()
	if err != nil {
		return fail(err)
	}
	var ind *targets.Indicator
	if indicator != "" {
		if ind = tr.Table().Lookup(indicator); ind == nil {
			p.Indicator = ""
			return fail(unknownIndicator(indicator, tr.Table()))
		}
		p.Indicator = ind.Name
	}
	for _, i := range tr.Table().Indicators {
		p.Options = append(p.Options, link{Text: i.Name, Active: i.Name == p.Indicator})
	}
	p.Agencies, err = s.targetAgencies(r.Context(), tr, agency)
	if err != nil {
		return fail(err)
	}
	if agency == "" {
		return p, http.StatusOK
	}
	p.Title = agency + " 目标与完成"

	// One report over every year and indicator: it gives the years and
	// indicators to choose from, the rows shown and the chart.
	rep, err := charged(s, r, func(ctx context.Context) (*targets.Report, error) { return tr.Report(ctx, agency, 0, "") })
	if err != nil {
		return fail(err)
	}
	p.Report = rep
	if len(rep.Targets) == 0 {
		return p, http.StatusOK
	}
	p.Years = append(p.Years, link{Text: "全部年份", URL: targetsURL(agency, 0, p.Indicator), Active: year == 0})
	for _, y := range rep.Years {
		p.Years = append(p.Years, link{Text: strconv.Itoa(y) + " 年", URL: targetsURL(agency, y, p.Indicator), Active: y == year})
	}
	p.Indicators = append(p.Indicators, link{Text: "全部指标", URL: targetsURL(agency, year, ""), Active: p.Indicator == ""})
	for _, name := range rep.Indicators {
		p.Indicators = append(p.Indicators, link{Text: name, URL: targetsURL(agency, year, name), Active: name == p.Indicator})
	}

	var shown []targets.Target
	for _, t := range rep.Targets {
		if (year == 0 || t.Year == year) && (p.Indicator == "" || t.Indicator == p.Indicator) {
			shown = append(shown, t)
		}
	}
	p.Total = len(shown)
	p.Counts = countStatuses(shown)
	plans, reviews := map[string]bool{}, map[string]bool{}
	var g *targetYear
	for _, t := range shown {
		if g == nil || g.Year != t.Year {
			p.Groups = append(p.Groups, targetYear{Year: t.Year})
			g = &p.Groups[len(p.Groups)-1]
		}
		row := targetRow{Target: t, Class: targetClass[t.Status], Mark: targetMark[t.Status],
			SourceURL: docPath(t.Source.DocID) + "#p-" + strconv.Itoa(t.Source.Paragraph)}
		plans[t.Source.DocID] = true
		if a := t.Actual; a != nil {
			row.ActualURL = docPath(a.Source.DocID) + "#p-" + strconv.Itoa(a.Source.Paragraph)
			reviews[a.Source.DocID] = true
		}
		g.Rows = append(g.Rows, row)
	}
	for i := range p.Groups {
		rows := make([]targets.Target, len(p.Groups[i].Rows))
		for j, row := range p.Groups[i].Rows {
			rows[j] = row.Target
		}
		p.Groups[i].Counts = countStatuses(rows)
	}
	for _, d := range rep.Plans {
		if plans[d.ID] {
			p.Plans = append(p.Plans, docLink{Title: d.Title, Date: d.Date, URL: docPath(d.ID)})
		}
	}
	for _, d := range rep.Reviews {
		if reviews[d.ID] {
			p.Reviews = append(p.Reviews, docLink{Title: d.Title, Date: d.Date, URL: docPath(d.ID)})
		}
	}

	what := "数量目标"
	if p.Indicator != "" {
		what = p.Indicator + "目标"
	}
	when := ""
	switch {
	case year > 0:
		when = strconv.Itoa(year) + " 年"
	case len(p.Groups) > 1:
		when = strconv.Itoa(p.Groups[len(p.Groups)-1].Year) + "—" + strconv.Itoa(p.Groups[0].Year) + " 年"
	case len(p.Groups) == 1:
		when = strconv.Itoa(p.Groups[0].Year) + " 年"
	}
	p.Caption = strings.TrimSpace(agency+" "+when) + "的" + what + "与实际完成（共 " + strconv.Itoa(p.Total) + " 项）"

	if ind != nil {
		series := targets.SeriesOf(rep, ind)
		if len(series.Points) > 0 {
			p.Chart = template.HTML(targets.Chart(series))
			p.ChartURL = "/targets/chart.svg?" + url.Values{"agency": {agency}, "indicator": {ind.Name}}.Encode()
		}
	}
	return p, http.StatusOK
}

// docTargets links a document that sets targets the indicator table names
// to its government's targets of each such year on /targets; nil for any
// other document.
func (s *Server) docTargets(d *search.Document) []link {
	if strings.TrimSpace(d.Agency) == "" {
		return nil
	}
	years := targets.PlanYears(d)
	if len(years) == 0 {
		return nil
	}
	tr, err := s.targetsTracker()
	if err != nil {
		return nil
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	var out []link
	for _, y := range years {
		if len(tr.Table().Targets(d, y)) > 0 {
			out = append(out, link{Text: strconv.Itoa(y) + " 年目标与完成情况 →", URL: targetsURL(d.Agency, y, "")})
		}
	}
	return out
}
