package web

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/compare"
)

// compareURL links the comparison of document a (left) with b (right).
func compareURL(a, b string) string {
	v := url.Values{}
	v.Set("a", a)
	v.Set("b", b)
	return "/compare?" + v.Encode()
}

// errCompareParams answers a comparison that does not name two documents.
var errCompareParams = &httpError{http.StatusBadRequest, "请用 a 和 b 两个参数指定要比较的两篇文档的 ID，例如 /compare?a=文档A&b=文档B"}

// compareDocs loads the documents named by the a and b parameters and
// compares them.
func (s *Server) compareDocs(r *http.Request) (*compare.Diff, error) {
	q := r.URL.Query()
	a, b := strings.TrimSpace(q.Get("a")), strings.TrimSpace(q.Get("b"))
	if a == "" || b == "" {
		return nil, errCompareParams
	}
	idx := s.index()
	if idx == nil {
		return nil, errNotReady
	}
	var docs [2]*search.Document
	for i, id := range []string{a, b} {
		d, err := idx.Document(r.Context(), id)
		if errors.Is(err, search.ErrNotFound) {
			return nil, &httpError{http.StatusNotFound, "没有找到文档 " + id}
		}
		if err != nil {
			return nil, err
		}
		docs[i] = d
	}
	return compare.Compare(docs[0], docs[1]), nil
}

func (s *Server) serveCompareAPI(w http.ResponseWriter, r *http.Request) {
	d, err := s.compareDocs(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// comparePage is /compare: two documents side by side, section by
// section.
type comparePage struct {
	basePage
	A, B         string // the ids asked for
	Error        string
	Diff         *compare.Diff
	DateA, DateB string
	URLA, URLB   string
	SwapURL      string
	JSONURL      string
	Groups       []cmpGroup
	Plans        *planView
}

// cmpGroup is one section that changed, or a run of sections that did not
// (shown folded).
type cmpGroup struct {
	Same     bool
	Summary  string
	Sections []cmpSection
}

type cmpSection struct {
	Op         string // class: same, changed, added, removed
	Label      string // 未改动, 修改, 新增, 删除
	Mark       string // ＝ ～ ＋ －
	PathA      string
	PathB      string
	SamePath   bool // the paths differ at most in spacing
	URLA, URLB string
	Renumbered bool
	Rows       []cmpRow
}

// cmpRow is a line of the side-by-side view: a sentence (or consecutive
// sentences of one paragraph) of A beside its counterpart in B.
type cmpRow struct {
	Op    string
	Label string
	Mark  string
	A, B  *cmpCell
}

type cmpCell struct {
	Para int
	URL  string
	HTML template.HTML
}

// opNames name the operations in the page's words, with their markers:
// the page never shows a change by colour alone.
var opNames = map[string][2]string{
	compare.Same:    {"未改动", "＝"},
	compare.Changed: {"修改", "～"},
	compare.Added:   {"新增", "＋"},
	compare.Removed: {"删除", "－"},
}

// segmentsHTML renders a changed sentence: the words only this side has
// in <del> (side A) or <ins> (side B), everything escaped.
func segmentsHTML(segs []compare.Segment) template.HTML {
	var b strings.Builder
	for _, sg := range segs {
		t := html.EscapeString(sg.Text)
		switch sg.Op {
		case compare.Removed:
			b.WriteString("<del>" + t + "</del>")
		case compare.Added:
			b.WriteString("<ins>" + t + "</ins>")
		default:
			b.WriteString(t)
		}
	}
	return template.HTML(b.String())
}

func cell(docID string, s *compare.Sentence) *cmpCell {
	if s == nil {
		return nil
	}
	c := &cmpCell{Para: s.Paragraph, URL: docPath(docID) + "#p-" + strconv.Itoa(s.Paragraph)}
	if s.Words != nil {
		c.HTML = segmentsHTML(s.Words)
	} else {
		c.HTML = template.HTML(html.EscapeString(s.Text))
	}
	return c
}

// rowsOf lays out a section's sentences; consecutive sentences of one
// paragraph (on both sides) that are unchanged, or all added, or all
// removed, share a row.
func rowsOf(d *compare.Diff, s *compare.SectionDiff) []cmpRow {
	var rows []cmpRow
	for i := range s.Sentences {
		x := &s.Sentences[i]
		r := cmpRow{Op: x.Op, Label: opNames[x.Op][0], Mark: opNames[x.Op][1], A: cell(d.A.ID, x.A), B: cell(d.B.ID, x.B)}
		if n := len(rows); n > 0 && x.Op != compare.Changed && rows[n-1].Op == x.Op && samePara(rows[n-1].A, r.A) && samePara(rows[n-1].B, r.B) {
			last := &rows[n-1]
			if last.A != nil {
				last.A.HTML += r.A.HTML
			}
			if last.B != nil {
				last.B.HTML += r.B.HTML
			}
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

// samePara reports whether two cells are of one paragraph (or both empty).
func samePara(a, b *cmpCell) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Para == b.Para
}

func sectionPath(r *compare.SectionRef) string {
	if r == nil {
		return ""
	}
	if len(r.Path) == 0 {
		return "（标题与开头部分）"
	}
	return strings.Join(r.Path, " › ")
}

// planView is the plan comparison of two work reports on the page.
type planView struct {
	*compare.PlanDiff
	OlderURL, NewerURL string
	New, Dropped       []planItemView
	Carried            []planMatchView
	Reworded           int
}

type planItemView struct {
	compare.PlanItem
	URL  string
	Path string
}

type planMatchView struct {
	OlderURL, NewerURL   string
	OlderPara, NewerPara int
	OlderHTML, NewerHTML template.HTML
	Same                 bool
	Similarity           string // two decimals
}

func planItems(items []compare.PlanItem) []planItemView {
	out := make([]planItemView, 0, len(items))
	for _, it := range items {
		out = append(out, planItemView{PlanItem: it, URL: docPath(it.DocID) + "#p-" + strconv.Itoa(it.Paragraph), Path: strings.Join(it.Path, " › ")})
	}
	return out
}

func newPlanView(p *compare.PlanDiff) *planView {
	v := &planView{PlanDiff: p, OlderURL: docPath(p.Older.DocID), NewerURL: docPath(p.Newer.DocID),
		New: planItems(p.New), Dropped: planItems(p.Dropped)}
	for _, c := range p.Carried {
		m := planMatchView{Same: c.Op == compare.Same,
			OlderURL: docPath(c.Older.DocID) + "#p-" + strconv.Itoa(c.Older.Paragraph), OlderPara: c.Older.Paragraph,
			NewerURL: docPath(c.Newer.DocID) + "#p-" + strconv.Itoa(c.Newer.Paragraph), NewerPara: c.Newer.Paragraph,
			Similarity: strconv.FormatFloat(c.Similarity, 'f', 2, 64)}
		if c.Op == compare.Same {
			m.OlderHTML = template.HTML(html.EscapeString(c.Older.Text))
			m.NewerHTML = m.OlderHTML
		} else {
			v.Reworded++
			m.OlderHTML, m.NewerHTML = segmentsHTML(c.OlderWords), segmentsHTML(c.NewerWords)
		}
		v.Carried = append(v.Carried, m)
	}
	return v
}

func (s *Server) serveComparePage(w http.ResponseWriter, r *http.Request) {
	p, status := s.serveComparePageErr(r)
	if status == http.StatusNotFound {
		s.writeError(w, r, &httpError{status, p.Error})
		return
	}
	s.renderPage(w, r, status, "compare", p)
}

func (s *Server) serveComparePageErr(r *http.Request) (*comparePage, int) {
	q := r.URL.Query()
	p := &comparePage{basePage: s.base(r, "文档比较"), A: strings.TrimSpace(q.Get("a")), B: strings.TrimSpace(q.Get("b"))}
	if p.A == "" && p.B == "" {
		// The page itself, reached from the header: the form.
		return p, http.StatusOK
	}
	d, err := s.compareDocs(r)
	if err != nil {
		code, msg := p.classify(err)
		if code >= 500 && code != http.StatusServiceUnavailable {
			s.log.Error().Err(err).Str("path", r.URL.Path).Msg("compare failed")
		}
		p.Error = msg
		return p, code
	}
	p.Diff = d
	p.Title = "比较：" + d.A.Title
	if d.B.Title != d.A.Title {
		p.Title += " / " + d.B.Title
	}
	p.DateA, p.DateB = refDate(d.A), refDate(d.B)
	p.URLA, p.URLB = docPath(d.A.ID), docPath(d.B.ID)
	p.SwapURL = compareURL(d.B.ID, d.A.ID)
	p.JSONURL = "/api/compare?" + strings.TrimPrefix(compareURL(d.A.ID, d.B.ID), "/compare?")
	if d.Plans != nil {
		p.Plans = newPlanView(d.Plans)
	}
	for i := range d.Sections {
		sd := &d.Sections[i]
		cs := cmpSection{Op: sd.Op, Label: opNames[sd.Op][0], Mark: opNames[sd.Op][1], PathA: sectionPath(sd.A), PathB: sectionPath(sd.B),
			Renumbered: sd.Renumbered, Rows: rowsOf(d, sd)}
		cs.SamePath = strings.Join(strings.Fields(cs.PathA), "") == strings.Join(strings.Fields(cs.PathB), "")
		if sd.A != nil {
			cs.URLA = docPath(d.A.ID) + "#p-" + strconv.Itoa(sd.A.First)
		}
		if sd.B != nil {
			cs.URLB = docPath(d.B.ID) + "#p-" + strconv.Itoa(sd.B.First)
		}
		if sd.Op == compare.Same {
			if n := len(p.Groups); n > 0 && p.Groups[n-1].Same {
				p.Groups[n-1].Sections = append(p.Groups[n-1].Sections, cs)
			} else {
				p.Groups = append(p.Groups, cmpGroup{Same: true, Sections: []cmpSection{cs}})
			}
			continue
		}
		p.Groups = append(p.Groups, cmpGroup{Sections: []cmpSection{cs}})
	}
	for i := range p.Groups {
		if g := &p.Groups[i]; g.Same {
			g.Summary = sameSummary(g.Sections)
		}
	}
	return p, http.StatusOK
}

// sameSummary says which unchanged sections a folded run holds.
func sameSummary(secs []cmpSection) string {
	first, last := secs[0].PathB, secs[len(secs)-1].PathB
	renum := 0
	for _, s := range secs {
		if s.Renumbered {
			renum++
		}
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(secs)) + " 个章节未改动")
	if renum > 0 {
		b.WriteString("（其中 " + strconv.Itoa(renum) + " 个仅编号变化）")
	}
	b.WriteString("：" + first)
	if len(secs) > 1 {
		b.WriteString(" 至 " + last)
	}
	return b.String()
}

func refDate(r compare.DocRef) string {
	if r.Date != "" {
		return r.Date
	}
	if r.Year > 0 {
		return strconv.Itoa(r.Year) + " 年"
	}
	return ""
}

// versionLink is another version of a document, for the document page.
type versionLink struct {
	compare.Version
	URL        string
	CompareURL string
	Relation   string // 较早 / 较新 / 同日
}

// versionsBlock is the "other versions" list of the document page.
type versionsBlock struct {
	Near []versionLink // the versions just before and after this one
	All  []versionLink // all of them, when there are more than Near
}

// docVersions finds the other versions of d for its page; a failure only
// leaves the list out.
func (s *Server) docVersions(r *http.Request, d *search.Document) *versionsBlock {
	idx := s.index()
	if idx == nil {
		return nil
	}
	vs, err := compare.Versions(r.Context(), idx, d)
	if err != nil {
		s.log.Warn().Err(err).Str("id", d.ID).Msg("versions lookup failed")
		return nil
	}
	if len(vs) == 0 {
		return nil
	}
	b := &versionsBlock{}
	before := -1 // index of the last version older than d
	for i, v := range vs {
		l := versionLink{Version: v, URL: docPath(v.ID)}
		// By date when both have one, else by year.
		cmp := v.Year - d.YearOf()
		if v.Date != "" && d.Date != "" {
			cmp = strings.Compare(v.Date, d.Date)
		}
		switch {
		case cmp < 0:
			l.Relation, l.CompareURL = "较早", compareURL(v.ID, d.ID)
			before = i
		case cmp > 0:
			l.Relation, l.CompareURL = "较新", compareURL(d.ID, v.ID)
		case v.Date != "" && d.Date != "":
			l.Relation, l.CompareURL = "同日", compareURL(v.ID, d.ID)
		default:
			l.Relation, l.CompareURL = "同年", compareURL(v.ID, d.ID)
		}
		b.All = append(b.All, l)
	}
	lo, hi := max(0, before-1), min(len(b.All), before+3)
	b.Near = b.All[lo:hi]
	if len(b.Near) == len(b.All) {
		b.All = nil
	}
	return b
}
