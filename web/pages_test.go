package web

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/search"
)

// location returns the decoded query q of a redirect.
func redirectQuery(t *testing.T, r response) url.Values {
	t.Helper()
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d, want a redirect: %.200s", r.status, r.body)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil || u.Path != "/search" {
		t.Fatalf("redirect to %q", r.header.Get("Location"))
	}
	return u.Query()
}

func TestEmptySearchShowsHome(t *testing.T) {
	s := newServer(t, "")
	for _, target := range []string{"/search", "/search?q=", "/search?q=+++", "/search?adv=1&q=&agency="} {
		r := do(t, s, "GET", target, nil)
		if r.status != 200 || !strings.Contains(r.body, "<h1>政府信息公开全文检索</h1>") || strings.Contains(r.body, "请输入查询内容") {
			t.Errorf("%s: %d", target, r.status)
		}
	}
}

// The home page's syntax help and the advanced form are the parser's
// own list of filters.
func TestHomeSyntaxFromFilterSpecs(t *testing.T) {
	s := newServer(t, "")
	body := do(t, s, "GET", "/", nil).body
	for _, f := range search.SyntaxForms() {
		if !strings.Contains(body, "<code>"+html.EscapeString(f.Example)+"</code>") {
			t.Errorf("syntax help lacks %s", f.Example)
		}
	}
	for _, f := range search.FilterSpecs() {
		if !strings.Contains(body, "<code>"+f.Example+"</code>") || !strings.Contains(body, `name="`+f.Name+`"`) {
			t.Errorf("home lacks the filter %s (help or form field)", f.Name)
		}
	}
	if !strings.Contains(body, "role:") || !strings.Contains(body, "类型:") {
		t.Error("the syntax help does not name role:/类型:")
	}
	// The other parts of the site are linked from home and the header.
	if !strings.Contains(body, `<ul class="features"><li><a href="/commitments">承诺与回应</a>`) {
		t.Error("home does not link the commitments page")
	}
	for _, target := range []string{"/", "/search?q=" + q("放管服"), "/doc/govcn-5365945", "/commitments"} {
		b := do(t, s, "GET", target, nil).body
		nav := regexp.MustCompile(`(?s)<nav class="sitenav"[^>]*>(.*?)</nav>`).FindStringSubmatch(b)
		if nav == nil || !strings.Contains(nav[1], `href="/commitments"`) || !strings.Contains(nav[1], `href="/"`) || strings.Count(nav[1], "aria-current") != 1 {
			t.Errorf("%s: header navigation %v", target, nav)
		}
	}
}

// The advanced form writes the query syntax; the results page then shows
// its filters as chips and fills the form in again.
func TestAdvancedSearch(t *testing.T) {
	s := newServer(t, "")
	form := url.Values{"adv": {"1"}, "q": {"法治政府"}, "agency": {"九龙坡区"}, "type": {"报告"}, "from": {"2023-01-01"},
		"to": {"2023-12-31"}, "role": {"回顾"}, "title": {"法治政府建设"}, "docnum": {""}, "year": {""}, "sort": {"date_asc"}}
	rq := redirectQuery(t, do(t, s, "GET", "/search?"+form.Encode(), nil))
	want := `法治政府 机关:九龙坡区 文种:报告 标题:法治政府建设 from:2023-01-01 to:2023-12-31 类型:回顾`
	if rq.Get("q") != want || rq.Get("sort") != "date_asc" {
		t.Fatalf("advanced form wrote %q (sort %q), want %q", rq.Get("q"), rq.Get("sort"), want)
	}
	r := do(t, s, "GET", searchURL(rq.Get("q"), "sort", "date_asc"), nil)
	if r.status != 200 || !strings.Contains(r.body, "找到 ") || !strings.Contains(r.body, "seed-000_44bda8417bfe1ce5") {
		t.Fatalf("results of the advanced query: %d %s", r.status, regexp.MustCompile(`找到 \d+ 篇文档|没有找到结果`).FindString(r.body))
	}
	for _, chip := range []string{"机关:九龙坡区", "文种:报告", "标题:法治政府建设", "from:2023-01-01", "to:2023-12-31", "类型:回顾"} {
		if !strings.Contains(r.body, `">`+chip+` ×</a>`) {
			t.Errorf("no chip %s", chip)
		}
	}
	// The form is filled in from the query.
	for _, field := range []string{`id="adv-q" type="text" name="q" value="法治政府"`, `name="agency" value="九龙坡区"`, `type="date" name="from" value="2023-01-01"`,
		`<option value="回顾" selected>`, `name="title" value="法治政府建设"`} {
		if !strings.Contains(r.body, field) {
			t.Errorf("advanced form lacks %s", field)
		}
	}
	// A value with a space is quoted; quotes in a value are dropped (the
	// syntax cannot escape them); the parser reads back what was meant.
	composed := composeQuery(" 营商 环境 ", url.Values{"agency": {"九龙坡区 人民政府"}, "title": {`“条例”`}, "role": {"打算"}})
	if composed != `营商 环境 机关:"九龙坡区 人民政府" 标题:条例 类型:打算` {
		t.Errorf("composed %s", composed)
	}
	if pq, err := search.Parse(composed); err != nil || pq.Filters.Agency[0] != "九龙坡区 人民政府" || pq.Filters.Title[0] != "条例" || pq.Filters.Role[0] != search.RolePlan {
		t.Errorf("parsed back: %+v %v", pq, err)
	}
	// An incomplete date shows in the date field as the day it means.
	r = do(t, s, "GET", "/search?q="+q("放管服 from:2022 to:2023-06"), nil)
	if !strings.Contains(r.body, `name="from" value="2022-01-01"`) || !strings.Contains(r.body, `name="to" value="2023-06-30"`) {
		t.Error("incomplete dates are not shown as days in the form")
	}
}

// A chip removes exactly its filter, however the query quotes things
// (the parser's own spans: full-width ＂ included).
func TestChipsFollowTheParser(t *testing.T) {
	s := newServer(t, "")
	query := `＂双随机、一公开＂ 年份:2019 文种:意见`
	r := do(t, s, "GET", "/search?q="+q(query), nil)
	if !strings.Contains(r.body, "找到 1 篇文档") {
		t.Fatalf("%s: %s", query, regexp.MustCompile(`找到 \d+ 篇文档|没有找到结果`).FindString(r.body))
	}
	chips := regexp.MustCompile(`<a class="chip" href="([^"]+)"[^>]*>([^<]+) ×</a>`).FindAllStringSubmatch(r.body, -1)
	got := map[string]string{}
	for _, c := range chips {
		u, _ := url.Parse(html.UnescapeString(c[1]))
		got[c[2]] = u.Query().Get("q")
	}
	want := map[string]string{"年份:2019": `＂双随机、一公开＂ 文种:意见`, "文种:意见": `＂双随机、一公开＂ 年份:2019`}
	if len(got) != len(want) || got["年份:2019"] != want["年份:2019"] || got["文种:意见"] != want["文种:意见"] {
		t.Errorf("chips %v, want %v", got, want)
	}
}

func TestSearchWithinResults(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/search?q="+q("营商环境"), nil)
	if !strings.Contains(r.body, `<input type="hidden" name="q" value="营商环境">`) || !strings.Contains(r.body, `name="within"`) {
		t.Fatal("no within-results form")
	}
	rq := redirectQuery(t, do(t, s, "GET", "/search?q="+q("营商环境")+"&within="+q("上海市")+"&mode=passages", nil))
	if rq.Get("q") != "营商环境 上海市" || rq.Get("mode") != "passages" {
		t.Errorf("within results: %v", rq)
	}
	wide := do(t, s, "GET", "/api/search?q="+q("营商环境"), nil)
	narrow := do(t, s, "GET", "/api/search?q="+q("营商环境 上海市"), nil)
	var a, b search.Result
	_ = jsonUnmarshal(wide.body, &a)
	_ = jsonUnmarshal(narrow.body, &b)
	if b.Total == 0 || b.Total >= a.Total {
		t.Errorf("within results: %d of %d", b.Total, a.Total)
	}
}

// Oldest first: dates never decrease down the page.
func TestOldestFirst(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/search?q="+q("人民政府")+"&sort=date_asc", nil)
	dates := regexp.MustCompile(`<time class="date" datetime="([0-9-]+)">`).FindAllStringSubmatch(r.body, -1)
	if len(dates) < 5 {
		t.Fatalf("%d dated hits", len(dates))
	}
	var ds []string
	for _, d := range dates {
		ds = append(ds, d[1])
	}
	if !sort.StringsAreSorted(ds) {
		t.Errorf("not oldest first: %v", ds)
	}
	if !strings.Contains(r.body, `<span class="on" aria-current="true">从旧到新</span>`) {
		t.Error("the oldest-first tab is not marked")
	}
	// Paging keeps the order.
	if !strings.Contains(r.body, "sort=date_asc") {
		t.Error("links drop sort=date_asc")
	}
}

// Facets: ten values show, the rest fold under 更多; the subject facet
// shows when the engine fills it.
func TestFacetsMoreAndCategory(t *testing.T) {
	res := &search.Result{Total: 30, Hits: []search.Hit{{ID: "a", Title: "某文件"}}}
	for i := 1; i <= 15; i++ {
		res.Facets.Agency = append(res.Facets.Agency, search.FacetValue{Value: "第" + strconv.Itoa(i) + "机关", Count: 20 - i})
	}
	res.Facets.Category = []search.FacetValue{{Value: "国务院文件", Count: 3}}
	s := newFakeServer(&fakeIndex{result: res})
	r := do(t, s, "GET", "/search?q="+q("机关"), nil)
	aside := regexp.MustCompile(`(?s)<aside class="facets".*?</aside>`).FindString(r.body)
	more := regexp.MustCompile(`(?s)<details class="more-values"><summary>更多（5）</summary>(.*?)</details>`).FindStringSubmatch(aside)
	if more == nil || !strings.Contains(more[1], ">第11机关</a>") || strings.Contains(more[1], ">第10机关<") {
		t.Errorf("更多 folds %v", more)
	}
	if !strings.Contains(aside, ">第10机关</a>") || strings.Index(aside, ">第10机关<") > strings.Index(aside, "更多") {
		t.Error("the first ten are not shown before 更多")
	}
	if !strings.Contains(aside, "<h3>主题分类</h3>") || !strings.Contains(aside, "国务院文件") {
		t.Error("no subject facet")
	}
	// On a phone the same facets come first, folded.
	if i, j := strings.Index(r.body, `<details class="facets-phone">`), strings.Index(r.body, `<ol class="hits"`); i < 0 || i > j {
		t.Error("the phone's facets do not come before the results")
	}
}

// Partial and relaxed results say so and show which words each hit has;
// a misspelt query offers the correction.
func TestPartialResultsAndSuggestion(t *testing.T) {
	res := &search.Result{Total: 1, Partial: true, Suggestion: "放管服",
		Hits: []search.Hit{{ID: "a", Title: "某条例", Matched: []string{"纠缠"},
			Sections: []search.SectionHit{{Paragraph: 3, Snippet: "不得<mark>纠缠</mark>游客"}}}}}
	s := newFakeServer(&fakeIndex{result: res})
	r := do(t, s, "GET", "/search?q="+q("量子纠缠超导体"), nil)
	for _, want := range []string{"没有文档同时包含全部检索词，以下为部分匹配", `<p class="matched">包含：<mark>纠缠</mark></p>`,
		`您是不是要找：<a href="/search?q=%E6%94%BE%E7%AE%A1%E6%9C%8D">放管服</a>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	res.Partial, res.Relaxed, res.Suggestion = false, true, ""
	r = do(t, s, "GET", "/search?q="+q(`"稳中求进" 扩大内需`), nil)
	if !strings.Contains(r.body, "没有文档完整包含“稳中求进”“扩大内需”，以下按其中的实词排序") || !strings.Contains(r.body, `class="matched"`) {
		t.Errorf("relaxed: %s", regexp.MustCompile(`没有文档[^<]*`).FindString(r.body))
	}
	res.Relaxed = false
	if r = do(t, s, "GET", "/search?q="+q("放管服"), nil); strings.Contains(r.body, `class="matched"`) || strings.Contains(r.body, "部分匹配") {
		t.Error("a full match is shown as partial")
	}
}

// The document page quotes the query without the user's own quotes, and
// nothing on the pages doubles quotes.
func TestNoDoubledQuotes(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/doc/gwrn-2024?q="+q(`"稳中求进"`), nil)
	if !strings.Contains(r.body, "已标出“稳中求进”的 2 处匹配") {
		t.Errorf("document page: %s", regexp.MustCompile(`已标出[^<]*|本文没有[^<]*`).FindString(r.body))
	}
	r = do(t, s, "GET", "/doc/gwrn-2024?q="+q(`＂不存在的短语＂`), nil)
	if !strings.Contains(r.body, "本文没有与“不存在的短语”匹配的正文") {
		t.Errorf("document page: %s", regexp.MustCompile(`本文没有[^<]*`).FindString(r.body))
	}
	doubled := regexp.MustCompile(`“(&#34;|＂|")|(&#34;|＂|")”|““|””`)
	for _, target := range []string{"/doc/gwrn-2024?q=" + q(`"稳中求进" 扩大内需`), "/search?q=" + q(`"稳中求进" "不存在的短语"`), "/search?q=" + q(`"双随机、一公开" year:1990`)} {
		body := do(t, s, "GET", target, nil).body
		if m := doubled.FindString(body); m != "" {
			t.Errorf("%s doubles quotes: %q", target, m)
		}
	}
}

// Headings on the document page: one h1, levels that follow the section
// depth and never skip one.
func TestDocumentHeadings(t *testing.T) {
	s := newServer(t, "")
	for _, id := range []string{"seed-000_44bda8417bfe1ce5", "govcn-5365945", "gwrn-2024", "lrb-7f023e7352"} {
		body := do(t, s, "GET", "/doc/"+id, nil).body
		levels := regexp.MustCompile(`<h([1-6])[ >]`).FindAllStringSubmatch(body, -1)
		if len(levels) < 3 || levels[0][1] != "1" {
			t.Fatalf("%s: headings %v", id, levels)
		}
		prev, h1, deep := 1, 0, 0
		for _, l := range levels {
			n, _ := strconv.Atoi(l[1])
			if n == 1 {
				h1++
			}
			if n > prev+1 {
				t.Errorf("%s: h%d after h%d", id, n, prev)
			}
			prev = n
			deep = max(deep, n)
		}
		if h1 != 1 {
			t.Errorf("%s: %d h1", id, h1)
		}
		if id == "seed-000_44bda8417bfe1ce5" && deep < 4 {
			t.Errorf("%s: the three-level headings reach only h%d", id, deep)
		}
	}
	// The seed report's paragraph 7 is at depth 3: an h4.
	body := do(t, s, "GET", "/doc/seed-000_44bda8417bfe1ce5", nil).body
	if !regexp.MustCompile(`id="p-7">\s*<a class="num"[^>]*>7</a>\s*<h4 class="hd">2\.深化“放管服”改革`).MatchString(body) {
		t.Error("paragraph 7 is not an h4")
	}
}

// The citation in both forms, for the document and for each paragraph,
// and a link to the paragraph on the source page.
func TestCitations(t *testing.T) {
	s := newServer(t, "")
	s.now = func() time.Time { return time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC) } // 12-01 in China
	body := do(t, s, "GET", "/doc/govcn-5365945", nil).body
	gbt := "国务院. 国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见: 国发〔2019〕5号[EB/OL]. (2019-02-15)[2026-12-01]. http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm."
	if n := strings.Count(body, `data-citation="`+gbt+`"`); n < 10 {
		t.Errorf("GB/T citation copy buttons: %d", n)
	}
	if !strings.Contains(body, `<p class="citation gbt">`+gbt+`</p>`) {
		t.Error("no GB/T citation shown")
	}
	usual := "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国务院，国发〔2019〕5号，2019-02-15） http://example.com/doc/govcn-5365945"
	if !strings.Contains(body, `data-citation="`+usual+`"`) {
		t.Error("no document citation in the usual form")
	}
	m := regexp.MustCompile(`<a href="(http://www\.gov\.cn/zhengce/content/2019-02/15/content_5365945\.htm#:~:text=[^"]+)" rel="noopener">在原网页中定位本段`).FindAllStringSubmatch(body, -1)
	if len(m) < 10 {
		t.Fatalf("%d source links", len(m))
	}
	// Without a source URL, GB/T cites the permalink of the paragraph.
	body = do(t, s, "GET", "/doc/seed-000_44bda8417bfe1ce5", nil).body
	if !strings.Contains(body, "重庆市九龙坡区人民政府. 重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告[EB/OL]. (2023-03-23)[2026-12-01]. http://example.com/doc/seed-000_44bda8417bfe1ce5#p-7.") ||
		strings.Contains(body, "在原网页中定位") {
		t.Error("seed report: GB/T citation of paragraph 7 or a source link without a source")
	}
}

func TestTextFragmentLink(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"短句，含逗号-和&号。", "https://a.gov.cn/x.htm#:~:text=%E7%9F%AD%E5%8F%A5%EF%BC%8C%E5%90%AB%E9%80%97%E5%8F%B7%2D%E5%92%8C%26%E5%8F%B7%E3%80%82"},
		// A long paragraph: its first clause, then its last.
		{"深化“放管服”改革，持续优化营商环境，推进政务服务标准化规范化便利化，全面实行行政许可事项清单管理，推动更多事项网上办掌上办一次办。",
			"https://a.gov.cn/x.htm#:~:text=" + url.PathEscape("深化“放管服”改革") + "," + url.PathEscape("推动更多事项网上办掌上办一次办")},
		{"控制字符\x07和  多余空格", "https://a.gov.cn/x.htm#:~:text=" + url.PathEscape("控制字符和") + "%20" + url.PathEscape("多余空格")},
	} {
		if got := textFragmentLink("https://a.gov.cn/x.htm#top", c.text); got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.text, got, c.want)
		}
	}
	if got := encodeTextDirective("a-b,c&d e"); got != "a%2Db%2Cc%26d%20e" {
		t.Errorf("encode: %s", got)
	}
}

// Share previews: a description, Open Graph tags, the canonical address.
func TestSharingTags(t *testing.T) {
	s := newServer(t, "")
	body := do(t, s, "GET", "/doc/govcn-5365945?q="+q("监管"), nil).body
	for _, want := range []string{
		`<meta property="og:title" content="国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见">`,
		`<meta property="og:type" content="article">`,
		`<meta property="og:url" content="http://example.com/doc/govcn-5365945">`,
		`<link rel="canonical" href="http://example.com/doc/govcn-5365945">`,
		`<meta name="description" content="国务院，国发〔2019〕5号，2019-02-15。`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("document page lacks %s", want)
		}
	}
	body = do(t, s, "GET", "/search?q="+q("放管服"), nil).body
	if !regexp.MustCompile(`<meta name="description" content="在政府信息公开文件中检索：放管服，找到 \d+ 条结果">`).MatchString(body) ||
		!strings.Contains(body, `<meta property="og:type" content="website">`) {
		t.Error("results page lacks its description")
	}
}

// CSV exports open in Excel (UTF-8 BOM), have the documented columns and
// the same hits as the JSON.
func TestSearchExport(t *testing.T) {
	s := newServer(t, "")
	page := do(t, s, "GET", "/search?q="+q("放管服")+"&sort=date", nil).body
	csvLink := regexp.MustCompile(`<a href="(/api/search\?[^"]*format=csv[^"]*)">CSV</a>`).FindStringSubmatch(page)
	if csvLink == nil {
		t.Fatal("no CSV export link on the results page")
	}
	r := do(t, s, "GET", html.UnescapeString(csvLink[1]), nil)
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %v", r.status, r.header)
	}
	if !strings.HasPrefix(r.body, "\uFEFF序号,标题,发文机关,") || !strings.Contains(r.body, "\r\n") {
		t.Errorf("CSV starts %q", r.body[:40])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var res search.Result
	if err := jsonUnmarshal(do(t, s, "GET", "/api/search?q="+q("放管服")+"&sort=date&size=100", nil).body, &res); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(res.Hits)+1 || len(rows[0]) != len(searchCSVHeader) {
		t.Fatalf("%d rows of %d columns for %d hits", len(rows), len(rows[0]), len(res.Hits))
	}
	for i, h := range res.Hits {
		row := rows[i+1]
		if row[0] != strconv.Itoa(i+1) || row[1] != h.Title || row[4] != h.Date || row[13] != h.ID ||
			row[8] != strconv.Itoa(h.Sections[0].Paragraph) || strings.Contains(row[9], "<mark>") || !strings.Contains(row[9], "放管服") ||
			row[12] != "http://example.com/doc/"+h.ID+"#p-"+row[8] {
			t.Errorf("row %d: %q", i+1, row)
		}
	}
	if r := do(t, s, "GET", "/api/search?q=x&format=xml", nil); r.status != 400 {
		t.Errorf("format=xml: %d", r.status)
	}
}

// A spreadsheet never runs a document's text as a formula.
func TestCSVTextIsNotAFormula(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "@SUM(A1)": "'@SUM(A1)",
		"-2%": "'-2%", "国务院": "国务院", "a\x00b\x1bc": "abc", "\x00=1": "'=1"} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCommitmentsExport(t *testing.T) {
	s := newServer(t, "")
	page := do(t, s, "GET", "/commitments?agency="+q("重庆市")+"&year=2025", nil).body
	link := regexp.MustCompile(`<a href="(/api/commitments\?[^"]*format=csv[^"]*)">CSV</a>`).FindStringSubmatch(page)
	if link == nil {
		t.Fatal("no CSV export link on the commitments page")
	}
	r := do(t, s, "GET", html.UnescapeString(link[1]), nil)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
	if err != nil || !strings.HasPrefix(r.body, "\uFEFF") {
		t.Fatalf("commitments CSV: %v", err)
	}
	rep := commitmentsAPI(t, s, "/api/commitments?agency="+q("重庆市")+"&year=2025")
	if len(rows) != len(rep.Commitments)+1 {
		t.Fatalf("%d rows for %d commitments", len(rows), len(rep.Commitments))
	}
	found := false
	for _, row := range rows[1:] {
		if row[3] == "推动形成数字重庆基本能力。" {
			found = true
			if row[1] != "有回应" || row[12] != "18" || !strings.HasSuffix(row[15], "/doc/gwrp2026-e6348d38#p-18") || strings.Contains(row[14], "<mark>") {
				t.Errorf("数字重庆 row %q", row)
			}
		}
	}
	if !found {
		t.Error("数字重庆 not in the CSV")
	}
}

// The Atom feed of a query: valid Atom 1.0, newest first, linked from the
// results page.
func TestFeed(t *testing.T) {
	s := newServer(t, "")
	page := do(t, s, "GET", "/search?q="+q("营商环境"), nil).body
	alt := `<link rel="alternate" type="application/atom+xml" title="订阅最新文档：营商环境" href="/feed?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83">`
	if !strings.Contains(page, alt) || !strings.Contains(page, `<a class="feed" href="/feed?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"`) {
		t.Fatal("the results page does not link its feed")
	}
	r := do(t, s, "GET", "/feed?q="+q("营商环境"), nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/atom+xml; charset=utf-8" || r.header.Get("ETag") == "" {
		t.Fatalf("feed: %d %v", r.status, r.header)
	}
	var feed struct {
		XMLName xml.Name
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Author  []struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Summary struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
		t.Fatal(err)
	}
	if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.XMLName.Local != "feed" || feed.ID == "" || feed.Title == "" || len(feed.Author) != 1 {
		t.Errorf("feed head: %+v", feed.XMLName)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("feed updated %q", feed.Updated)
	}
	self := false
	for _, l := range feed.Links {
		self = self || (l.Rel == "self" && l.Href == "http://example.com/feed?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83")
	}
	if !self {
		t.Errorf("no self link: %+v", feed.Links)
	}
	if len(feed.Entries) < 5 {
		t.Fatalf("%d entries", len(feed.Entries))
	}
	ids := map[string]bool{}
	prev := "9999"
	for _, e := range feed.Entries {
		u, err := time.Parse(time.RFC3339, e.Updated)
		if err != nil || e.ID == "" || ids[e.ID] || e.Title == "" || len(e.Link) == 0 || e.Link[0].Rel != "alternate" {
			t.Errorf("entry %+v", e)
		}
		ids[e.ID] = true
		if d := u.Format("2006-01-02"); d > prev {
			t.Errorf("not newest first: %s after %s", d, prev)
		} else {
			prev = d
		}
		if e.Summary.Type != "text" || e.Summary.Text == "" || strings.ContainsAny(e.Summary.Text, "<>") || strings.Contains(e.Summary.Text, "&") {
			t.Errorf("summary %q", e.Summary.Text)
		}
		if feed.Updated < e.Updated {
			t.Errorf("feed updated %s before entry %s", feed.Updated, e.Updated)
		}
	}
	if r := do(t, s, "GET", "/feed?q=", nil); r.status != 400 {
		t.Errorf("feed without q: %d", r.status)
	}
	// Keywords that no document holds together make an empty feed, not
	// one of documents that hold some of them.
	if api := do(t, s, "GET", "/api/search?q="+q("放管服 量子纠缠"), nil).body; !strings.Contains(api, `"relaxed":true`) {
		t.Fatalf("放管服 量子纠缠 is not relaxed: %.200s", api)
	}
	if r := do(t, s, "GET", "/feed?q="+q("放管服 量子纠缠"), nil); r.status != 200 || strings.Contains(r.body, "<entry>") {
		t.Errorf("feed of a relaxed query: %d, entries: %v", r.status, strings.Contains(r.body, "<entry>"))
	}
	if r := do(t, s, "GET", "/feed?q="+q("营商环境"), nil, "If-None-Match", r.header.Get("ETag")); r.status != 304 {
		t.Errorf("feed revalidation: %d", r.status)
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// A page beyond the last says so and links the last page, instead of
// saying nothing matched.
func TestPagePastTheEnd(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/search?q="+q("营商环境")+"&page=50", nil)
	if r.status != http.StatusOK || strings.Contains(r.body, "没有文档同时满足") || !strings.Contains(r.body, "没有第 50 页") || !strings.Contains(r.body, "转到最后一页") {
		t.Errorf("page 50: %d\n%.2000s", r.status, r.body)
	}
}

// From a document back to the results keeps the search as it was: sort,
// mode and page.
func TestBackToResultsKeepsTheSearch(t *testing.T) {
	s := newServer(t, "")
	page := do(t, s, "GET", "/search?q="+q("营商环境")+"&sort=date&page=2&size=5", nil).body
	m := regexp.MustCompile(`href="(/doc/[^"#]+)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no document link on page 2")
	}
	doc := do(t, s, "GET", html.UnescapeString(m[1]), nil).body
	back := regexp.MustCompile(`<p class="back"><a href="([^"]+)"`).FindStringSubmatch(doc)
	if back == nil {
		t.Fatal("no way back to the results")
	}
	u, err := url.Parse(html.UnescapeString(back[1]))
	if err != nil {
		t.Fatal(err)
	}
	if v := u.Query(); v.Get("q") != "营商环境" || v.Get("sort") != "date" || v.Get("page") != "2" || v.Get("size") != "5" {
		t.Errorf("back to %s", u)
	}
	if r := do(t, s, "GET", "/?q="+q("营商环境")+"&sort=date", nil); !strings.Contains(r.header.Get("Location"), "sort=date") {
		t.Errorf("home redirect drops the sort: %s", r.header.Get("Location"))
	}
}

// An error page says in words what went wrong, in its heading and title.
func TestErrorPageSaysWhat(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/doc/no-such-document", nil)
	if r.status != http.StatusNotFound || !strings.Contains(r.body, "<h1>没有找到") || !strings.Contains(r.body, "<title>没有找到 - ") {
		t.Errorf("404 page: %d\n%.600s", r.status, r.body)
	}
}
