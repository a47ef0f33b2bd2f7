package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/search/commitments"
)

// commitmentsParams reads agency, year, status and n for the commitments
// API and page; year may be left out only when allowYearless.
func commitmentsParams(r *http.Request, allowYearless bool) (agency string, year int, status string, n int, err error) {
	q := r.URL.Query()
	agency = strings.TrimSpace(q.Get("agency"))
	if year, err = intParam(r, "year"); err != nil {
		return
	}
	if n, err = intParam(r, "n"); err != nil {
		return
	}
	status = q.Get("status")
	switch {
	case agency == "" && !allowYearless:
		err = &httpError{http.StatusBadRequest, "请指定机关（agency），例如 国务院、上海市"}
	case (year < 1949 || year > 2100) && (year != 0 || !allowYearless):
		err = &httpError{http.StatusBadRequest, "请指定年份（year），例如 2024"}
	case n < 0 || n > 10:
		err = &httpError{http.StatusBadRequest, "每项回应条数（n）应在 1–10 之间"}
	}
	if status != "" && !commitments.KnownStatus(status) && err == nil {
		err = &httpError{http.StatusBadRequest, "状态（status）应为 有回应、待核对、未见回应 或 尚无回顾"}
	}
	return
}

// commitmentsReport runs the tracker and keeps the commitments of one
// status when status is set.
func (s *Server) commitmentsReport(r *http.Request, agency string, year int, status string, n int) (*commitments.Report, error) {
	idx := s.index()
	if idx == nil {
		return nil, errNotReady
	}
	tt, err := s.targetsTracker()
	if err != nil {
		return nil, err
	}
	tr := &commitments.Tracker{Index: idx, FollowUps: n, Quantitative: tt.Judge()}
	rep, err := charged(s, r, func(ctx context.Context) (*commitments.Report, error) { return tr.Report(ctx, agency, year) })
	if err != nil {
		return nil, err
	}
	rep.Keep(status)
	return rep, nil
}

func (s *Server) serveCommitmentsAPI(w http.ResponseWriter, r *http.Request) {
	format, err := exportFormat(r)
	var rep *commitments.Report
	if err == nil {
		rep, err = s.serveCommitmentsAPIErr(r)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if format == formatCSV {
		writeCSV(w, r, "gongkai-commitments.csv", commitmentsCSV(rep, s.baseURL(r)))
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (s *Server) serveCommitmentsAPIErr(r *http.Request) (*commitments.Report, error) {
	agency, year, status, n, err := commitmentsParams(r, false)
	if err != nil {
		return nil, err
	}
	return s.commitmentsReport(r, agency, year, status, n)
}

// commitmentsPage is the /commitments page: a form, the governments and
// years that have plans, and the report for the chosen ones.
type commitmentsPage struct {
	basePage
	Agency   string
	Year     int
	Status   string
	Error    string
	Agencies []link // governments with plan sections
	Years    []link // years the chosen government planned for
	Report   *commitments.Report
	Statuses []link // status filter, with counts
	Groups   []commitmentGroup
	Total    int
	Exports  []link // the report as CSV and JSON
}

// commitmentGroup is the commitments of one plan section.
type commitmentGroup struct {
	ID, Path, DocID, URL string
	Items                []commitmentItem
}

type commitmentItem struct {
	commitments.Commitment
	URL       string // the commitment's paragraph
	Class     string // status class for the badge
	FollowUps []followUpItem
}

type followUpItem struct {
	commitments.FollowUp
	URL     string
	Snippet template.HTML
	Path    string
}

func commitmentsURL(agency string, year int, extra ...string) string {
	v := url.Values{}
	v.Set("agency", agency)
	if year > 0 {
		v.Set("year", strconv.Itoa(year))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			v.Set(extra[i], extra[i+1])
		}
	}
	return "/commitments?" + v.Encode()
}

var statusClass = map[string]string{
	commitments.Answered: "answered", commitments.Unclear: "unclear",
	commitments.Unanswered: "unanswered", commitments.NoReview: "noreview",
}

func (s *Server) serveCommitmentsPage(w http.ResponseWriter, r *http.Request) {
	p, status := s.serveCommitmentsPageErr(r)
	s.renderPage(w, r, status, "commitments", p)
}

func (s *Server) serveCommitmentsPageErr(r *http.Request) (*commitmentsPage, int) {
	p := &commitmentsPage{basePage: s.base(r, "承诺与回应")}
	agency, year, status, _, err := commitmentsParams(r, true)
	p.Agency, p.Year, p.Status = agency, year, status
	if err != nil {
		code, msg := p.classify(err)
		p.Error = msg
		return p, code
	}
	idx := s.index()
	if idx == nil {
		code, msg := p.classify(errNotReady)
		p.Error = msg
		return p, code
	}
	// Every government with plans, not only the top of a facet.
	govs, err := commitments.Governments(r.Context(), idx)
	if err != nil {
		code, msg := p.classify(err)
		p.Error = msg
		return p, code
	}
	for _, g := range govs {
		p.Agencies = append(p.Agencies, link{Text: g.Agency, URL: commitmentsURL(g.Agency, 0), Active: agency != "" && commitments.SameAgency(g.Agency, agency)})
	}
	if agency == "" {
		return p, http.StatusOK
	}
	years, err := (&commitments.Tracker{Index: idx}).Years(r.Context(), agency)
	if err != nil {
		code, msg := p.classify(err)
		p.Error = msg
		return p, code
	}
	for _, y := range years {
		p.Years = append(p.Years, link{Text: strconv.Itoa(y), URL: commitmentsURL(agency, y), Active: y == year})
	}
	if year == 0 {
		return p, http.StatusOK
	}
	rep, err := s.commitmentsReport(r, agency, year, "", 3)
	if err != nil {
		code, msg := p.classify(err)
		p.Error = msg
		return p, code
	}
	p.Report = rep
	p.Total = len(rep.Commitments)
	p.Exports = commitmentsExports(agency, year, status)
	p.Statuses = append(p.Statuses, link{Text: "全部 " + strconv.Itoa(p.Total), URL: commitmentsURL(agency, year), Active: status == ""})
	for _, st := range commitments.Statuses {
		if c := rep.Counts[st]; c > 0 {
			p.Statuses = append(p.Statuses, link{Text: st + " " + strconv.Itoa(c), URL: commitmentsURL(agency, year, "status", st), Active: status == st})
		}
	}
	var g *commitmentGroup
	for _, c := range rep.Commitments {
		if status != "" && c.Status != status {
			continue
		}
		if g == nil || g.ID != c.SectionID {
			p.Groups = append(p.Groups, commitmentGroup{ID: c.SectionID, Path: strings.Join(c.Path, " › "), DocID: c.DocID,
				URL: docPath(c.DocID) + "#p-" + strconv.Itoa(c.Paragraph)})
			g = &p.Groups[len(p.Groups)-1]
		}
		it := commitmentItem{Commitment: c, URL: docPath(c.DocID) + "#p-" + strconv.Itoa(c.Paragraph), Class: statusClass[c.Status]}
		for _, f := range c.FollowUps {
			it.FollowUps = append(it.FollowUps, followUpItem{FollowUp: f, URL: docPath(f.DocID) + "#p-" + strconv.Itoa(f.Paragraph),
				Snippet: template.HTML(f.Snippet), Path: strings.Join(f.Path, " › ")})
		}
		g.Items = append(g.Items, it)
	}
	return p, http.StatusOK
}
