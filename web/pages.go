package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/gongkai/gongkai/search"
)

var templateFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
}

// basePage is what every page shows: the search box and the index size.
type basePage struct {
	Title string
	Query string
	Docs  int
	Ready bool
}

func (s *Server) base(r *http.Request, title string) basePage {
	return basePage{Title: title, Query: r.URL.Query().Get("q"), Docs: int(s.count()), Ready: s.Ready()}
}

// renderPage executes a template into a buffer first, so that a template
// error becomes a clean 500 instead of half a page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name+".html", data); err != nil {
		s.log.Error().Err(err).Str("template", name).Msg("render failed")
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

type errorPage struct {
	basePage
	Status  int
	Message string
}

// examples are the queries offered on the home page.
var examples = []string{"放管服", `"双随机、一公开"`, "营商环境 year:2024", "国发〔2019〕5号", "公司拖欠工资怎么办", "新质生产力 机关:人民政府", "河长制 -重庆"}

type homePage struct {
	basePage
	Examples []link
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
		http.Redirect(w, r, searchURL(q), http.StatusFound)
		return
	}
	p := &homePage{basePage: s.base(r, "")}
	for _, e := range examples {
		p.Examples = append(p.Examples, link{Text: e, URL: searchURL(e)})
	}
	s.renderPage(w, r, http.StatusOK, "home", p)
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
	Suggestions []link
	Error       string
}

type hitView struct {
	Title    string
	URL      string
	Meta     []string
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
	Items []facetItem
}

type facetItem struct {
	Value  string
	Count  int
	URL    string
	Active bool
}

// queryTokens splits a query like the parser does (spaces outside quotes).
func queryTokens(q string) []string {
	var toks []string
	var cur strings.Builder
	inQuote := false
	for _, r := range q {
		switch {
		case r == '"' || r == '“' || r == '”':
			inQuote = !inQuote
			cur.WriteRune(r)
		case unicode.IsSpace(r) && !inQuote:
			if cur.Len() > 0 {
				toks = append(toks, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		toks = append(toks, cur.String())
	}
	return toks
}

// filterPrefixes name the filters a chip can show, in their display form.
var filterPrefixes = []struct{ names []string }{
	{[]string{"agency:", "机关:", "发文机关:", "agency：", "机关："}},
	{[]string{"type:", "文种:", "type：", "文种："}},
	{[]string{"year:", "年份:", "year：", "年份："}},
	{[]string{"docnum:", "文号:", "发文字号:", "docnum：", "文号："}},
	{[]string{"title:", "标题:", "title：", "标题："}},
	{[]string{"from:", "从:", "起:", "from："}},
	{[]string{"to:", "到:", "止:", "to："}},
	{[]string{"role:", "类型:", "角色:", "role：", "类型："}},
}

func isFilterToken(t string) bool {
	lt := strings.ToLower(t)
	for _, f := range filterPrefixes {
		for _, n := range f.names {
			if strings.HasPrefix(lt, n) {
				return true
			}
		}
	}
	return false
}

// filterValue quotes a facet value that holds a space.
func filterValue(v string) string {
	if strings.ContainsFunc(v, unicode.IsSpace) {
		return `"` + v + `"`
	}
	return v
}

func (s *Server) serveSearchPage(w http.ResponseWriter, r *http.Request) {
	p, status := s.serveSearchPageErr(r)
	s.renderPage(w, r, status, "search", p)
}

// serveSearchPageErr builds the results page; a bad query is shown on the
// page with status 400.
func (s *Server) serveSearchPageErr(r *http.Request) (*searchPage, int) {
	p := &searchPage{basePage: s.base(r, r.URL.Query().Get("q"))}
	q := strings.TrimSpace(p.Query)
	if q == "" {
		p.Error = "请输入查询内容。"
		return p, http.StatusBadRequest
	}
	req, err := searchRequest(r)
	if err == nil {
		p.Result, err = s.runSearch(r, req)
	}
	if err != nil {
		status, msg := classify(err)
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
	if req.Sort == search.SortDate {
		sortBy = search.SortDate
	}
	p.First = (res.Page-1)*res.Size + 1
	p.Last = p.First + len(res.Hits) - 1
	for _, h := range res.Hits {
		hv := hitView{Title: h.Title, URL: docPath(h.ID) + "?q=" + url.QueryEscape(q)}
		for _, m := range []string{h.Agency, h.DocNumber, h.DocType, h.Date} {
			if m != "" {
				hv.Meta = append(hv.Meta, m)
			}
		}
		for i, sec := range h.Sections {
			sv := sectionView{Role: search.RoleNames[sec.Role], Path: sec.Path, Paragraph: sec.Paragraph, Snippet: template.HTML(sec.Snippet),
				URL: docPath(h.ID) + "?q=" + url.QueryEscape(q) + "#p-" + strconv.Itoa(sec.Paragraph)}
			if i == 0 {
				hv.URL = sv.URL
			}
			hv.Sections = append(hv.Sections, sv)
		}
		p.Hits = append(p.Hits, hv)
	}

	toks := queryTokens(q)
	active := map[string]bool{}
	for i, t := range toks {
		if !isFilterToken(t) {
			continue
		}
		active[t] = true
		rest := append(append([]string{}, toks[:i]...), toks[i+1:]...)
		p.Chips = append(p.Chips, link{Text: t, URL: searchURL(strings.Join(rest, " "), "sort", sortBy, "mode", mode)})
	}
	group := func(label, prefix string, vals []search.FacetValue) {
		g := facetGroup{Label: label}
		for _, v := range vals {
			shown := v.Value
			if name, ok := search.RoleNames[v.Value]; ok && prefix == "类型:" {
				shown = name
			}
			tok := prefix + filterValue(shown)
			item := facetItem{Value: shown, Count: v.Count, Active: active[tok]}
			if !item.Active {
				item.URL = searchURL(q+" "+tok, "sort", sortBy, "mode", mode)
			}
			g.Items = append(g.Items, item)
		}
		if len(g.Items) > 0 {
			p.Facets = append(p.Facets, g)
		}
	}
	group("发文机关", "机关:=", res.Facets.Agency)
	group("文种", "文种:", res.Facets.DocType)
	group("年份", "年份:", res.Facets.Year)
	group("报告内容", "类型:", res.Facets.Role)

	p.Sorts = []link{
		{Text: "按相关度", URL: searchURL(q, "mode", mode), Active: sortBy == ""},
		{Text: "按日期", URL: searchURL(q, "sort", search.SortDate, "mode", mode), Active: sortBy == search.SortDate},
	}
	p.Modes = []link{
		{Text: "文档", URL: searchURL(q, "sort", sortBy), Active: mode == ""},
		{Text: "段落", URL: searchURL(q, "sort", sortBy, "mode", search.ModePassages), Active: mode != ""},
	}
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
	if len(res.Hits) == 0 {
		var plain []string
		for _, t := range toks {
			if !isFilterToken(t) {
				plain = append(plain, t)
			}
		}
		if len(plain) < len(toks) && len(plain) > 0 {
			p.Suggestions = append(p.Suggestions, link{Text: "去掉筛选条件：" + strings.Join(plain, " "), URL: searchURL(strings.Join(plain, " "))})
		}
		if len(plain) > 1 {
			for i := range plain {
				rest := append(append([]string{}, plain[:i]...), plain[i+1:]...)
				p.Suggestions = append(p.Suggestions, link{Text: "去掉“" + plain[i] + "”：" + strings.Join(rest, " "), URL: searchURL(strings.Join(rest, " "))})
			}
		}
		for _, t := range plain {
			if strings.HasPrefix(t, `"`) || strings.HasPrefix(t, "“") {
				unq := strings.Trim(t, `"“”`)
				p.Suggestions = append(p.Suggestions, link{Text: "不加引号：" + unq, URL: searchURL(unq)})
			}
		}
	}
	return p, http.StatusOK
}

// docPage is a whole document with numbered, citable paragraphs.
type docPage struct {
	basePage
	Doc       *search.Document
	Meta      []metaRow
	Outline   []outlineItem
	Sections  []docSection
	Matches   int
	Permalink string
	Back      string
	Versions  *versionsBlock // other versions of the document (compare.go)
}

type metaRow struct {
	Label, Value, URL string
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
	// rest of the paragraph.
	Heading  template.HTML
	HTML     template.HTML
	Citation string
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
	s.renderPage(w, r, http.StatusOK, "doc", p)
}

func (s *Server) serveDocPageErr(r *http.Request) (*docPage, error) {
	d, err := s.loadDocument(r)
	if err != nil {
		return nil, err
	}
	base := baseURL(r)
	p := &docPage{basePage: s.base(r, d.Title), Doc: d, Permalink: base + docPath(d.ID)}
	if p.Query != "" {
		p.Back = searchURL(p.Query)
	}
	p.Versions = s.docVersions(r, d)
	for _, m := range []metaRow{
		{Label: "发文机关", Value: d.Agency}, {Label: "发文字号", Value: d.DocNumber},
		{Label: "发布日期", Value: d.Date}, {Label: "成文日期", Value: d.DateWritten},
		{Label: "文种", Value: d.DocType}, {Label: "分类", Value: d.Category},
		{Label: "主题分类", Value: d.Subcategory}, {Label: "索引号", Value: d.IndexNumber},
		{Label: "地区", Value: d.Region},
	} {
		if m.Value != "" {
			p.Meta = append(p.Meta, m)
		}
	}
	if strings.HasPrefix(d.SourceURL, "http://") || strings.HasPrefix(d.SourceURL, "https://") {
		p.Meta = append(p.Meta, metaRow{Label: "原文链接", Value: d.SourceURL, URL: d.SourceURL})
	}

	// Query terms to highlight, when the page was opened from a result.
	var spans []search.Span
	if q := strings.TrimSpace(p.Query); q != "" {
		if parsed, err := search.Parse(q); err == nil {
			spans, _ = s.index().Matches(r.Context(), parsed, d)
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
	for _, sec := range d.Sections {
		ds := docSection{ID: sec.ID, Depth: len(sec.Path), Path: strings.Join(sec.Path, " › ")}
		if sec.Role == search.RolePlan && sec.Year > 0 && d.Agency != "" && d.Paragraphs[sec.First-1].Heading {
			ds.PlanURL, ds.PlanYear = commitmentsURL(d.Agency, sec.Year)+"#"+sec.ID, sec.Year
		}
		if len(sec.Path) > 0 && d.Paragraphs[sec.First-1].Heading {
			p.Outline = append(p.Outline, outlineItem{Depth: len(sec.Path), Text: sec.Path[len(sec.Path)-1], Anchor: "p-" + strconv.Itoa(sec.First)})
		}
		for n := sec.First; n <= sec.Last; n++ {
			para := d.Paragraphs[n-1]
			dp := docParagraph{N: n, Citation: d.Citation(n) + " " + p.Permalink + "#p-" + strconv.Itoa(n)}
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
			}
			dp.Heading, dp.HTML = splitMarked(para.Text, perPara[n-1], k)
			ds.Paragraphs = append(ds.Paragraphs, dp)
		}
		p.Sections = append(p.Sections, ds)
	}
	return p, nil
}
