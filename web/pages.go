package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
)

var templateFuncs = template.FuncMap{
	"add":    func(a, b int) int { return a + b },
	"static": staticURL,
	// headingOpen and headingClose write a heading of level 2–6.
	"headingOpen": func(level int) template.HTML {
		return template.HTML("<h" + strconv.Itoa(clampHeading(level)) + ` class="hd">`)
	},
	"headingClose": func(level int) template.HTML { return template.HTML("</h" + strconv.Itoa(clampHeading(level)) + ">") },
}

func clampHeading(level int) int { return min(max(level, 2), 6) }

// siteName is the name of the site on every page and in feeds.
const siteName = "公开 · 政府信息公开全文检索"

// navItems are the site's sections, linked from the header of every page
// and from the home page.
var navItems = []navItem{
	{Text: "全文检索", URL: "/", Help: "关键词、精确短语、文号或整句提问"},
	{Text: "承诺与回应", URL: "/commitments", Help: "某年工作报告作出的部署，及其后报告中的回应"},
	{Text: "目标与完成", URL: "/targets", Help: "工作报告的数量目标（增长5%左右……）与实际完成，是否达成"},
	{Text: "文档比较", URL: "/compare", Help: "同一文件两个版本、相邻年度工作报告的逐句差异"},
}

type navItem struct {
	Text, URL, Help string
}

// basePage is what every page shows: the search box, the site's sections
// and the index size, and what the page says about itself to sharing
// previews.
type basePage struct {
	// retryAfter is the Retry-After of a page that answers an error (see
	// classify).
	retryAfter string

	Title string
	Query string
	Docs  int
	Ready bool
	// Description is the page's summary for search engines and link
	// previews (meta description, og:description).
	Description string
	// URL is the page's absolute address (og:url); Canonical, when set,
	// the address without query parameters (a document's permalink).
	URL       string
	Canonical string
	OGType    string
	// Feed is the address of the page's Atom feed, if it has one.
	Feed string
	Nav  []link
}

const defaultDescription = "检索政府工作报告、通知、意见、法规和法治政府建设年度报告，直达匹配的章节与段落，可逐段引用。"

func (s *Server) base(r *http.Request, title string) basePage {
	b := basePage{Title: title, Query: r.URL.Query().Get("q"), Docs: s.pageCount(), Ready: s.Ready(),
		Description: defaultDescription, URL: s.baseURL(r) + r.URL.RequestURI(), OGType: "website"}
	for _, n := range navItems {
		active := r.URL.Path == n.URL || (n.URL == "/" && (r.URL.Path == "/search" || strings.HasPrefix(r.URL.Path, "/doc/")))
		b.Nav = append(b.Nav, link{Text: n.Text, URL: n.URL, Active: active})
	}
	return b
}

// renderPage executes a template into a buffer first, so that a template
// error becomes a clean 500 instead of half a page. Control characters
// are taken out of the page, whatever field they came from.
// classify is classify(err) for a page, which keeps the Retry-After its
// answer carries.
func (b *basePage) classify(err error) (int, string) {
	b.retryAfter = retryAfter(err)
	return classify(err)
}

func (b *basePage) retryAfterHeader() string { return b.retryAfter }

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	body, ok := s.executePage(w, name, data)
	if !ok {
		return
	}
	if p, ok := data.(interface{ retryAfterHeader() string }); ok && p.retryAfterHeader() != "" {
		w.Header().Set("Retry-After", p.retryAfterHeader())
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead && status != StatusClientClosedRequest {
		_, _ = w.Write(body)
	}
}

// executePage renders a page; on failure it answers 500 and reports false.
func (s *Server) executePage(w http.ResponseWriter, name string, data any) ([]byte, bool) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name+".html", data); err != nil {
		s.log.Error().Err(err).Str("template", name).Msg("render failed")
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return nil, false
	}
	return stripControls(buf.Bytes()), true
}

type errorPage struct {
	basePage
	Status  int
	Heading string
	Message string
}

// Examples returns the queries the home page offers (a test keeps each
// of them giving good results on the bundled sample).
func Examples() []string { return append([]string(nil), examples...) }

// examples are the queries offered on the home page.
var examples = []string{"放管服", `"双随机、一公开"`, "营商环境 year:2024", "国发〔2019〕5号", "公司拖欠工资怎么办", "新质生产力 机关:人民政府", "河长制 -重庆"}

type homePage struct {
	basePage
	Examples []link
	Sections []navItem
	Forms    []search.SyntaxForm
	Filters  []search.FilterSpec
	Advanced advancedForm
}

type link struct {
	Text   string
	URL    string
	Active bool
}

func searchURL(q string, extra ...string) string {
	v := url.Values{}
	v.Set("q", q)
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			v.Set(extra[i], extra[i+1])
		}
	}
	return "/search?" + v.Encode()
}

func (s *Server) serveHome(w http.ResponseWriter, r *http.Request) {
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		qv := r.URL.Query()
		http.Redirect(w, r, searchURL(q, "sort", qv.Get("sort"), "mode", qv.Get("mode")), http.StatusFound)
		return
	}
	s.renderHome(w, r)
}

// renderHome shows the home page: the search box, examples, the advanced
// form and the query syntax.
func (s *Server) renderHome(w http.ResponseWriter, r *http.Request) {
	p := &homePage{basePage: s.base(r, ""), Forms: search.SyntaxForms(), Filters: search.FilterSpecs(),
		Advanced: newAdvancedForm(nil, "", "")}
	p.Query = ""
	for _, e := range examples {
		p.Examples = append(p.Examples, link{Text: e, URL: searchURL(e)})
	}
	p.Sections = navItems[1:] // the sections other than search
	s.renderPage(w, r, http.StatusOK, "home", p)
}

// filterName is the name a filter is written with on pages: the one its
// example uses (机关:, 文种:, from: …).
func filterName(f search.FilterSpec) string {
	if name, _, ok := strings.Cut(f.Example, ":"); ok && name != "" {
		return name
	}
	return f.Names[len(f.Names)-1]
}

// filterSpec returns the filter with canonical name name.
func filterSpec(name string) (search.FilterSpec, bool) {
	for _, f := range search.FilterSpecs() {
		if f.Name == name {
			return f, true
		}
	}
	return search.FilterSpec{}, false
}

// filterValue writes a value for name:value: without quote characters
// (the syntax has no escape for them), quoted when it holds a space.
func filterValue(v string) string {
	v = strings.TrimSpace(strings.Map(func(r rune) rune {
		if isQuote(r) {
			return -1
		}
		return r
	}, v))
	if strings.ContainsFunc(v, unicode.IsSpace) {
		return `"` + v + `"`
	}
	return v
}

func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' || r == '＂' }

// unquote strips the quotes a user typed around a phrase.
func unquote(s string) string { return strings.TrimFunc(s, isQuote) }

// quotedTerms shows the words of a query, each in Chinese quotes, without
// the quotes the user typed (“稳中求进”, not “"稳中求进"”), its filters,
// exclusions and OR left out.
func quotedTerms(q *search.Query, raw string) string {
	var b strings.Builder
	if q == nil {
		return "“" + unquote(strings.TrimSpace(raw)) + "”"
	}
	for _, p := range q.Parts {
		if p.Field != "" || p.Text == "OR" || strings.HasPrefix(p.Text, "-") {
			continue
		}
		if t := unquote(p.Text); t != "" {
			b.WriteString("“" + t + "”")
		}
	}
	if b.Len() == 0 { // only filters
		return "“" + strings.TrimSpace(raw) + "”"
	}
	return b.String()
}

// advancedForm is the advanced search form: the query's words and a field
// per filter of the syntax, filled in from the current query. It submits
// to /search with adv=1, which writes the query syntax and redirects.
type advancedForm struct {
	Words  string
	Fields []advancedField
	Sort   string
	Mode   string
}

type advancedField struct {
	Name, Label, Help, Placeholder, Value string
	// Type is the input type: text, number, date or select.
	Type    string
	Options []link // for select: Text shown, URL is the value
}

// roleOptions are the roles the form offers, by their Chinese names.
var roleOptions = []string{search.RolePlan, search.RoleReview, search.RoleProblem}

// newAdvancedForm fills the form in from a parsed query: the first part
// of each filter goes into its field (normalized: dates as YYYY-MM-DD),
// everything else stays in the words.
func newAdvancedForm(q *search.Query, sortBy, mode string) advancedForm {
	f := advancedForm{Sort: sortBy, Mode: mode}
	values := map[string]string{}
	var words []string
	if q != nil {
		for _, p := range q.Parts {
			v, ok := "", false
			if p.Field != "" && values[p.Field] == "" {
				v, ok = formValue(p)
			}
			if ok {
				values[p.Field] = v
			} else {
				words = append(words, p.Text)
			}
		}
	}
	f.Words = strings.Join(words, " ")
	for _, spec := range search.FilterSpecs() {
		fld := advancedField{Name: spec.Name, Label: spec.Label, Help: spec.Help, Value: values[spec.Name], Type: "text"}
		if _, ex, ok := strings.Cut(spec.Example, ":"); ok {
			fld.Placeholder = "例如 " + ex
		}
		switch spec.Name {
		case search.FilterFrom, search.FilterTo:
			fld.Type, fld.Placeholder = "date", ""
		case search.FilterYear:
			fld.Type = "number"
		case search.FilterRole:
			fld.Type, fld.Placeholder = "select", ""
			fld.Options = []link{{Text: "不限", URL: "", Active: fld.Value == ""}}
			for _, r := range roleOptions {
				name := search.RoleNames[r]
				fld.Options = append(fld.Options, link{Text: name, URL: name, Active: fld.Value == name})
			}
		}
		f.Fields = append(f.Fields, fld)
	}
	return f
}

// formValue is the value of a filter part as its form field shows it.
func formValue(p search.Part) (string, bool) {
	q, err := search.Parse(p.Text)
	if err != nil {
		return "", false
	}
	switch p.Field {
	case search.FilterFrom:
		return q.Filters.From, q.Filters.From != ""
	case search.FilterTo:
		return q.Filters.To, q.Filters.To != ""
	case search.FilterRole:
		if len(q.Filters.Role) == 1 {
			return search.RoleNames[q.Filters.Role[0]], true
		}
		return "", false
	}
	return p.Value, p.Value != ""
}

// composeQuery writes the advanced form's fields as the query syntax.
func composeQuery(words string, form url.Values) string {
	parts := strings.Fields(words)
	for _, spec := range search.FilterSpecs() {
		if v := filterValue(form.Get(spec.Name)); v != "" {
			parts = append(parts, filterName(spec)+":"+v)
		}
	}
	return strings.Join(parts, " ")
}

// searchPage is the results page.
type searchPage struct {
	basePage
	Result      *search.Result
	Hits        []hitView
	First, Last int
	Facets      []facetGroup
	Chips       []link // active filters, each linking to the query without it
	Sorts       []link
	Modes       []link
	Pages       []link
	Prev, Next  string
	// PastEnd links the last page when the page asked for is beyond it.
	PastEnd     string
	LastPage    int
	Suggestions []link
	Error       string
	// Terms are the query's words as the messages quote them.
	Terms string
	// Suggestion links the corrected query (您是不是要找).
	Suggestion *link
	Exports    []link
	Advanced   advancedForm
	// Sort and Mode are the current ones, kept by the within-results form.
	Sort, Mode string
}

type hitView struct {
	Title string
	URL   string
	Meta  []string
	// Date is what the hit shows as its date; DateTime its machine form
	// (YYYY-MM-DD), empty for an undated document.
	Date     string
	DateTime string
	Matched  []string
	Sections []sectionView
}

type sectionView struct {
	Role      string // Chinese name of the section's role, if any
	Path      []string
	Paragraph int
	URL       string
	Snippet   template.HTML
}

type facetGroup struct {
	Label string
	// Items are shown; More fold under 更多.
	Items []facetItem
	More  []facetItem
}

type facetItem struct {
	Value  string
	Count  int
	URL    string
	Active bool
}

// facetShown is how many values of a facet show before 更多.
const facetShown = 10

// maxExport is the number of hits an export link asks for (the largest page).
const maxExport = search.MaxSize

func (s *Server) serveSearchPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	sortBy, mode := v.Get("sort"), v.Get("mode")
	// The advanced form and the within-results form write the query
	// syntax, so that the results page, its links and the box show it.
	if v.Get("adv") != "" {
		if q := composeQuery(v.Get("q"), v); q != "" {
			http.Redirect(w, r, searchURL(q, "sort", sortBy, "mode", mode), http.StatusSeeOther)
			return
		}
	} else if within := strings.TrimSpace(v.Get("within")); within != "" {
		http.Redirect(w, r, searchURL(strings.TrimSpace(v.Get("q")+" "+within), "sort", sortBy, "mode", mode), http.StatusSeeOther)
		return
	}
	if strings.TrimSpace(v.Get("q")) == "" {
		s.renderHome(w, r)
		return
	}
	p, status := s.serveSearchPageErr(r)
	s.renderPage(w, r, status, "search", p)
}

// serveSearchPageErr builds the results page; a bad query is shown on the
// page with status 400.
func (s *Server) serveSearchPageErr(r *http.Request) (*searchPage, int) {
	p := &searchPage{basePage: s.base(r, r.URL.Query().Get("q"))}
	q := strings.TrimSpace(p.Query)
	p.Feed = "/feed?" + url.Values{"q": {q}}.Encode()
	p.Description = "在政府信息公开文件中检索：" + q
	parsed, _ := search.Parse(q)
	p.Terms = quotedTerms(parsed, q)
	req, err := searchRequest(r)
	p.Sort, p.Mode = req.Sort, req.Mode
	p.Advanced = newAdvancedForm(parsed, req.Sort, req.Mode)
	if err == nil {
		p.Result, err = s.runSearch(r, req)
	}
	if err != nil {
		status, msg := p.classify(err)
		if status >= 500 && status != http.StatusServiceUnavailable {
			s.log.Error().Err(err).Str("q", q).Msg("search failed")
		}
		p.Error = msg
		return p, status
	}
	res := p.Result
	mode := ""
	if res.Mode == search.ModePassages {
		mode = search.ModePassages
	}
	sortBy := ""
	if req.Sort == search.SortDate || req.Sort == search.SortDateAsc {
		sortBy = req.Sort
	}
	p.Sort, p.Mode = sortBy, mode
	p.Advanced.Sort, p.Advanced.Mode = sortBy, mode
	p.Description += "，找到 " + strconv.Itoa(res.Total) + " 条结果"
	p.First = (res.Page-1)*res.Size + 1
	p.Last = p.First + len(res.Hits) - 1
	// A hit links its document with the search to return to.
	back := url.Values{"q": {q}}
	for k, v := range map[string]string{"sort": sortBy, "mode": mode} {
		if v != "" {
			back.Set(k, v)
		}
	}
	if res.Page > 1 {
		back.Set("page", strconv.Itoa(res.Page))
	}
	if req.Size != 0 && req.Size != search.DefaultSize {
		back.Set("size", strconv.Itoa(req.Size))
	}
	docQuery := "?" + back.Encode()
	for _, h := range res.Hits {
		hv := hitView{Title: h.Title, URL: docPath(h.ID) + docQuery, Date: h.Date, DateTime: h.Date, Matched: h.Matched}
		if hv.Date == "" {
			hv.Date = undatedYear(h.Date, h.Year, h.YearFrom)
		}
		for _, m := range []string{h.Agency, h.DocNumber, h.DocType} {
			if m != "" {
				hv.Meta = append(hv.Meta, m)
			}
		}
		for i, sec := range h.Sections {
			sv := sectionView{Role: search.RoleNames[sec.Role], Path: sec.Path, Paragraph: sec.Paragraph, Snippet: template.HTML(sec.Snippet),
				URL: docPath(h.ID) + docQuery + "#p-" + strconv.Itoa(sec.Paragraph)}
			if i == 0 {
				hv.URL = sv.URL
			}
			hv.Sections = append(hv.Sections, sv)
		}
		p.Hits = append(p.Hits, hv)
	}
	if res.Suggestion != "" {
		p.Suggestion = &link{Text: res.Suggestion, URL: searchURL(res.Suggestion, "sort", sortBy, "mode", mode)}
	}

	if parsed != nil {
		for i, part := range parsed.Parts {
			if part.Field != "" {
				p.Chips = append(p.Chips, link{Text: part.Text, URL: searchURL(parsed.Without(i), "sort", sortBy, "mode", mode)})
			}
		}
	}
	p.Facets = facetGroups(parsed, q, res.Facets, sortBy, mode)

	p.Sorts = []link{
		{Text: "按相关度", URL: searchURL(q, "mode", mode), Active: sortBy == ""},
		{Text: "从新到旧", URL: searchURL(q, "sort", search.SortDate, "mode", mode), Active: sortBy == search.SortDate},
		{Text: "从旧到新", URL: searchURL(q, "sort", search.SortDateAsc, "mode", mode), Active: sortBy == search.SortDateAsc},
	}
	p.Modes = []link{
		{Text: "文档", URL: searchURL(q, "sort", sortBy), Active: mode == ""},
		{Text: "段落", URL: searchURL(q, "sort", sortBy, "mode", search.ModePassages), Active: mode != ""},
	}
	export := url.Values{"q": {q}, "size": {strconv.Itoa(maxExport)}}
	if sortBy != "" {
		export.Set("sort", sortBy)
	}
	if mode != "" {
		export.Set("mode", mode)
	}
	p.Exports = []link{{Text: "JSON", URL: "/api/search?" + export.Encode()}}
	export.Set("format", "csv")
	p.Exports = append([]link{{Text: "CSV", URL: "/api/search?" + export.Encode()}}, p.Exports...)

	pages := (res.Total + res.Size - 1) / res.Size
	pages = min(pages, search.MaxPage)
	size := ""
	if req.Size != 0 && req.Size != search.DefaultSize {
		size = strconv.Itoa(req.Size)
	}
	pageURL := func(n int) string {
		pg := ""
		if n > 1 {
			pg = strconv.Itoa(n)
		}
		return searchURL(q, "sort", sortBy, "mode", mode, "size", size, "page", pg)
	}
	if pages > 1 {
		for n := max(1, res.Page-4); n <= min(pages, res.Page+4); n++ {
			p.Pages = append(p.Pages, link{Text: strconv.Itoa(n), URL: pageURL(n), Active: n == res.Page})
		}
		if res.Page > 1 {
			p.Prev = pageURL(res.Page - 1)
		}
		if res.Page < pages {
			p.Next = pageURL(res.Page + 1)
		}
	}
	if len(res.Hits) == 0 && res.Total > 0 && res.Page > pages {
		p.PastEnd, p.LastPage = pageURL(pages), pages
	} else if len(res.Hits) == 0 && parsed != nil {
		p.Suggestions = noResultSuggestions(parsed)
	}
	return p, http.StatusOK
}

// noResultSuggestions are the queries offered when nothing matched: without
// the filters, without one word, without the quotes.
func noResultSuggestions(q *search.Query) []link {
	var out []link
	var plain []string
	var words []search.Part
	for _, part := range q.Parts {
		if part.Field == "" {
			plain = append(plain, part.Text)
			if part.Text != "OR" {
				words = append(words, part)
			}
		}
	}
	if len(plain) < len(q.Parts) && len(plain) > 0 {
		out = append(out, link{Text: "去掉筛选条件：" + strings.Join(plain, " "), URL: searchURL(strings.Join(plain, " "))})
	}
	if len(words) > 1 {
		for i, part := range q.Parts {
			if part.Field != "" || part.Text == "OR" {
				continue
			}
			rest := q.Without(i)
			out = append(out, link{Text: "去掉“" + unquote(strings.TrimPrefix(part.Text, "-")) + "”：" + rest, URL: searchURL(rest)})
		}
	}
	for _, part := range words {
		if t := strings.TrimPrefix(part.Text, "-"); t != "" && isQuote([]rune(t)[0]) {
			unq := unquote(t)
			out = append(out, link{Text: "不加引号：" + unq, URL: searchURL(unq)})
		}
	}
	return out
}

// facetGroups turns the facets into filter links. A facet's link adds its
// filter to the query; a value already filtered on is shown as active. A
// facet whose filter the syntax lacks is listed without links.
func facetGroups(parsed *search.Query, q string, f search.Facets, sortBy, mode string) []facetGroup {
	var out []facetGroup
	active := func(field, value string) bool {
		if parsed == nil {
			return false
		}
		if field == search.FilterRole {
			return slices.Contains(parsed.Filters.Role, value)
		}
		for _, p := range parsed.Parts {
			if p.Field == field && strings.TrimPrefix(p.Value, "=") == value {
				return true
			}
		}
		return false
	}
	group := func(label, field string, exact bool, vals []search.FacetValue) {
		spec, linked := filterSpec(field)
		g := facetGroup{Label: label}
		for i, v := range vals {
			shown := v.Value
			if field == search.FilterRole {
				if name, ok := search.RoleNames[v.Value]; ok {
					shown = name
				}
			}
			item := facetItem{Value: shown, Count: v.Count, Active: active(field, v.Value)}
			if linked && !item.Active {
				val := filterValue(shown)
				if exact {
					val = "=" + val
				}
				item.URL = searchURL(q+" "+filterName(spec)+":"+val, "sort", sortBy, "mode", mode)
			}
			if i < facetShown {
				g.Items = append(g.Items, item)
			} else {
				g.More = append(g.More, item)
			}
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	group("发文机关", search.FilterAgency, true, f.Agency)
	group("文种", search.FilterType, false, f.DocType)
	group("年份", search.FilterYear, false, f.Year)
	group("主题分类", search.FilterCategory, false, f.Category)
	group("报告内容", search.FilterRole, false, f.Role)
	return out
}

// docPage is a whole document with numbered, citable paragraphs.
type docPage struct {
	basePage
	Doc       *search.Document
	Meta      []metaRow
	Outline   []outlineItem
	Sections  []docSection
	Matches   int
	Terms     string
	Permalink string
	Back      string
	Versions  *versionsBlock // other versions of the document (compare.go)
	Targets   []link         // the years it sets targets for, on /targets (targets.go)
	// Citation and CitationGBT cite the whole document.
	Citation, CitationGBT string
}

type metaRow struct {
	Label, Value, URL string
	// NoWrap keeps a short value (a date) on one line.
	NoWrap bool
}

type outlineItem struct {
	Depth  int
	Text   string
	Anchor string
}

type docSection struct {
	ID    string
	Depth int
	Path  string
	// PlanURL links a plan section to its commitments and their
	// follow-ups on /commitments; PlanYear is the year it plans for.
	PlanURL    string
	PlanYear   int
	Paragraphs []docParagraph
}

type docParagraph struct {
	N int
	// Heading holds the heading of a paragraph that opens a section (the
	// whole line, or the first sentence of an inline heading); HTML is the
	// rest of the paragraph. Level is the heading's level (h2–h6),
	// following the section depth without skipping a level.
	Heading     template.HTML
	Level       int
	HTML        template.HTML
	Citation    string
	CitationGBT string
	// SourceLink points at this paragraph on the source page (a text
	// fragment), when the document has a source URL.
	SourceLink string
}

// splitMarked marks text and splits it at byte k into two HTML parts.
func splitMarked(text string, spans []search.Span, k int) (template.HTML, template.HTML) {
	var head, rest []search.Span
	for _, sp := range spans {
		if sp.Start < k {
			head = append(head, search.Span{Start: sp.Start, End: min(sp.End, k), Clause: sp.Clause})
		}
		if sp.End > k {
			rest = append(rest, search.Span{Start: max(sp.Start, k) - k, End: sp.End - k, Clause: sp.Clause})
		}
	}
	return template.HTML(search.Mark(text[:k], head)), template.HTML(search.Mark(text[k:], rest))
}

func (s *Server) serveDocPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.serveDocPageErr(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, ok := s.executePage(w, "doc", p)
	if !ok {
		return
	}
	writeCacheable(w, r, "text/html; charset=utf-8", cacheDocument, body)
}

// isWebURL reports whether u is an http(s) address.
func isWebURL(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

func (s *Server) serveDocPageErr(r *http.Request) (*docPage, error) {
	d, err := s.loadDocument(r)
	if err != nil {
		return nil, err
	}
	base := s.baseURL(r)
	p := &docPage{basePage: s.base(r, d.Title), Doc: d, Permalink: base + docPath(d.ID)}
	p.Canonical, p.OGType = p.Permalink, "article"
	p.Description = documentDescription(d)
	accessed := s.now().In(chinaTime)
	p.Citation = documentCitation(d) + " " + p.Permalink
	p.CitationGBT = d.CitationGBT(0, accessed, p.Permalink)
	if p.Query != "" {
		qv := r.URL.Query()
		p.Back = searchURL(p.Query, "sort", qv.Get("sort"), "mode", qv.Get("mode"), "page", qv.Get("page"), "size", qv.Get("size"))
	}
	p.Versions = s.docVersions(r, d)
	p.Targets = s.docTargets(d)
	for _, m := range []metaRow{
		{Label: "发文机关", Value: d.Agency}, {Label: "发文字号", Value: d.DocNumber, NoWrap: true},
		{Label: "发布日期", Value: d.Date, NoWrap: true}, {Label: "成文日期", Value: d.DateWritten, NoWrap: true},
		{Label: "年份", Value: undatedYear(d.Date, d.Year, d.YearFrom), NoWrap: true},
		{Label: "文种", Value: d.DocType}, {Label: "分类", Value: d.Category},
		{Label: "主题分类", Value: d.Subcategory}, {Label: "索引号", Value: d.IndexNumber},
		{Label: "地区", Value: d.Region},
	} {
		if m.Value != "" {
			p.Meta = append(p.Meta, m)
		}
	}
	if isWebURL(d.SourceURL) {
		p.Meta = append(p.Meta, metaRow{Label: "原文链接", Value: d.SourceURL, URL: d.SourceURL})
	}

	// Query terms to highlight, when the page was opened from a result.
	var spans []search.Span
	if q := strings.TrimSpace(p.Query); q != "" {
		if parsed, err := search.Parse(q); err == nil {
			p.Terms = quotedTerms(parsed, q)
			spans, _ = s.index().Matches(r.Context(), parsed, d)
		} else {
			p.Terms = quotedTerms(nil, q)
		}
	}
	p.Matches = len(spans)
	starts := d.ParagraphStarts()
	perPara := make([][]search.Span, len(d.Paragraphs))
	for _, sp := range spans {
		i := sort.SearchInts(starts, sp.Start+1) - 1
		if i >= 0 {
			perPara[i] = append(perPara[i], search.Span{Start: sp.Start - starts[i], End: sp.End - starts[i], Clause: sp.Clause})
		}
	}
	level := 2                     // the document's h1 is followed by h2 (目录, 引用本文)
	committed := map[string]bool{} // sections with commitments, as the commitments page groups them
	extracted := map[int]bool{}
	for i, sec := range d.Sections {
		ds := docSection{ID: sec.ID, Depth: len(sec.Path), Path: strings.Join(sec.Path, " › ")}
		if sec.Role == search.RolePlan && sec.Year > 0 && d.Agency != "" && d.Paragraphs[sec.First-1].Heading {
			if !extracted[sec.Year] {
				extracted[sec.Year] = true
				for _, c := range commitments.ExtractActions(d, sec.Year) {
					committed[c.SectionID] = true
				}
			}
			// The commitments page has an anchor for each section with
			// commitments: link the first such section within this one.
			for _, sub := range d.Sections[i:] {
				if sub.First > sec.Last {
					break
				}
				if committed[sub.ID] {
					ds.PlanURL, ds.PlanYear = commitmentsURL(d.Agency, sec.Year)+"#"+sub.ID, sec.Year
					break
				}
			}
		}
		if len(sec.Path) > 0 && d.Paragraphs[sec.First-1].Heading {
			p.Outline = append(p.Outline, outlineItem{Depth: len(sec.Path), Text: sec.Path[len(sec.Path)-1], Anchor: "p-" + strconv.Itoa(sec.First)})
		}
		for n := sec.First; n <= sec.Last; n++ {
			para := d.Paragraphs[n-1]
			dp := docParagraph{N: n, Citation: d.Citation(n) + " " + p.Permalink + "#p-" + strconv.Itoa(n),
				CitationGBT: d.CitationGBT(n, accessed, p.Permalink)}
			if isWebURL(d.SourceURL) {
				dp.SourceLink = textFragmentLink(d.SourceURL, para.Text)
			}
			k := 0
			if para.Heading && n == sec.First && len(sec.Path) > 0 {
				// An inline heading ("（二）加强组织领导。坚持……") is its first
				// sentence; the heading text may differ from the line only
				// in spacing, in which case the whole line is the heading.
				if h := sec.Path[len(sec.Path)-1]; strings.HasPrefix(para.Text, h) {
					k = len(h)
				} else {
					k = len(para.Text)
				}
				// Section depth 1 is h2; a level never skips one (h2 → h4).
				dp.Level = min(len(sec.Path)+1, level+1, 6)
				level = dp.Level
			}
			dp.Heading, dp.HTML = splitMarked(para.Text, perPara[n-1], k)
			ds.Paragraphs = append(ds.Paragraphs, dp)
		}
		p.Sections = append(p.Sections, ds)
	}
	return p, nil
}

// documentDescription summarizes a document for link previews: its
// agency, number and date, and the start of its first body paragraph.
func documentDescription(d *search.Document) string {
	var meta []string
	for _, s := range []string{d.Agency, d.DocNumber, d.Date} {
		if s != "" {
			meta = append(meta, s)
		}
	}
	desc := strings.Join(meta, "，")
	for _, para := range d.Paragraphs {
		if !para.Heading && len([]rune(para.Text)) > 20 {
			if desc != "" {
				desc += "。"
			}
			desc += truncateRunes(strings.TrimSpace(para.Text), 120)
			break
		}
	}
	if desc == "" {
		return defaultDescription
	}
	return desc
}

// undatedYear says the year of a document without a date and where it
// was read ("2025年（据标题）"); "" for a dated document or an unknown year.
func undatedYear(date string, year int, from string) string {
	if date != "" || year <= 0 {
		return ""
	}
	y := strconv.Itoa(year) + "年"
	switch from {
	case search.YearFromTitle:
		return y + "（未注明日期，据标题）"
	case search.YearFromBody:
		return y + "（未注明日期，据正文所载日期）"
	}
	return y + "（未注明日期）"
}
