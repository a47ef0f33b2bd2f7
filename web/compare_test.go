package web

import (
	"encoding/json"
	"html"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/search/compare"
)

// The 2020 and 2024 versions of 上海市优化营商环境条例, in the test corpus.
const (
	sh2020 = "lrb-ecbaccb7f6"
	sh2024 = "lrb-6b9c8b2c12"
)

func TestCompareAPI(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/api/compare?a="+sh2020+"&b="+sh2024, nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d %s: %.300s", r.status, r.header.Get("Content-Type"), r.body)
	}
	var d compare.Diff
	if err := json.Unmarshal([]byte(r.body), &d); err != nil {
		t.Fatal(err)
	}
	if d.A.ID != sh2020 || d.B.ID != sh2024 || d.A.Title != "上海市优化营商环境条例" || d.B.Date != "2024-09-27" {
		t.Errorf("sides %+v / %+v", d.A, d.B)
	}
	// The article on emergencies is new in 2024, at paragraph 57.
	found := false
	for _, sec := range d.Sections {
		if sec.Op == compare.Added && sec.B != nil && len(sec.Sentences) > 0 && strings.HasPrefix(sec.Sentences[0].B.Text, "第二十三条 发生突发事件的") {
			found = sec.Sentences[0].B.Paragraph == 57 && sec.A == nil
		}
	}
	if !found {
		t.Error("2024 第二十三条 is not an added section at paragraph 57")
	}
	// Field names of the contract.
	for _, k := range []string{`"a":{`, `"b":{`, `"counts":{"sections":{`, `"sentences":[`, `"op":"changed"`, `"words":[`, `"paragraph":`, `"path":[`, `"first":`} {
		if !strings.Contains(r.body, k) {
			t.Errorf("JSON lacks %s", k)
		}
	}
	// Text is plain, not HTML: quotes stay quotes, nothing is marked up.
	if strings.Contains(r.body, "<del>") || strings.Contains(r.body, "&quot;") || !strings.Contains(r.body, "“一网通办”") {
		t.Error("the JSON carries markup or escaped text")
	}
	// Two work reports: the plans come along.
	r = do(t, s, "GET", "/api/compare?a=gwrp2025-e6348d38&b=gwrp2026-e6348d38", nil)
	if r.status != 200 || !strings.Contains(r.body, `"plans":{"older":{"doc_id":"gwrp2025-e6348d38"`) || !strings.Contains(r.body, `"text":"拓展实施“人工智能+”行动。"`) {
		t.Errorf("work reports: %d %.300s", r.status, r.body)
	}
}

func TestCompareAPIErrors(t *testing.T) {
	s := newServer(t, "")
	for target, status := range map[string]int{
		"/api/compare":                                400,
		"/api/compare?a=" + sh2020:                    400,
		"/api/compare?b=" + sh2024:                    400,
		"/api/compare?a=%20&b=" + sh2024:              400,
		"/api/compare?a=" + sh2020 + "&b=no-such-doc": 404,
		"/api/compare?a=no-such-doc&b=" + sh2024:      404,
		"/api/compare?a=" + sh2020 + "&b=" + q("<x>"): 404,
	} {
		r := do(t, s, "GET", target, nil)
		if r.status != status {
			t.Errorf("%s: status %d, want %d", target, r.status, status)
			continue
		}
		msg := jsonError(t, r)
		if status == 404 && !strings.Contains(msg, "没有找到文档") {
			t.Errorf("%s: message %q", target, msg)
		}
	}
	// Not ready: 503.
	ns := New(Options{})
	if r := do(t, ns, "GET", "/api/compare?a="+sh2020+"&b="+sh2024, nil); r.status != 503 {
		t.Errorf("without an index: %d", r.status)
	}
}

func TestComparePage(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/compare?a="+sh2020+"&b="+sh2024, nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d: %.300s", r.status, r.body)
	}
	for _, want := range []string{
		"<h1>文档比较</h1>",
		`<link rel="stylesheet" href="/static/compare.css?v=`,
		// Both documents, linked.
		`<a href="/doc/` + sh2020 + `">上海市优化营商环境条例</a> <span class="date">2020-04-10</span>`,
		// The changed words, marked by element and not by colour alone.
		"企业等<del>市场主体</del>在市场经济活动中",
		"企业等<ins>经营主体</ins>在市场经济活动中",
		`<span aria-hidden="true">～</span><span class="sr-only">修改：</span>`,
		// The added article: its row, its mark, its paragraph link into B.
		`<div class="cmp-row added">`,
		`<span class="op added">＋ 新增</span>`,
		`<a class="pn" href="/doc/` + sh2024 + `#p-57" title="在 B 原文中查看">¶57</a> 第二十三条 发生突发事件的`,
		"A 无此句",
		// Unchanged articles folded, renumbering said in words.
		`<details class="cmp-same">`,
		"（内容未变，仅编号变化）",
		// Swap and JSON.
		`href="/compare?a=` + sh2024 + `&amp;b=` + sh2020 + `"`,
		`href="/api/compare?a=` + sh2020 + `&amp;b=` + sh2024 + `"`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(r.body, "年度部署对比") {
		t.Error("regulations shown with a plan comparison")
	}
	if r := do(t, s, "HEAD", "/compare?a="+sh2020+"&b="+sh2024, nil); r.status != 200 || r.body != "" {
		t.Errorf("HEAD: %d %q", r.status, r.body[:min(len(r.body), 50)])
	}

	// Two work reports: the plan comparison, new items listed.
	r = do(t, s, "GET", "/compare?a=gwrp2025-e6348d38&b=gwrp2026-e6348d38", nil)
	if r.status != 200 {
		t.Fatalf("work reports: %d", r.status)
	}
	page := html.UnescapeString(r.body)
	for _, want := range []string{"年度部署对比：2026 年与 2025 年", "＋ 今年新增", "－ 不再提及", "～ 延续",
		`拓展实施“人工智能+”行动。 <a class="pn" href="/doc/gwrp2026-e6348d38#p-46">¶46</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("work report page lacks %s", want)
		}
	}
}

func TestComparePageErrors(t *testing.T) {
	s := newServer(t, "")
	// Missing documents: 400 with a form to name them.
	r := do(t, s, "GET", "/compare?a="+sh2020, nil)
	if r.status != 400 || !strings.Contains(r.body, `<form class="cmpform" action="/compare"`) || !strings.Contains(r.body, `name="a" value="`+sh2020+`"`) ||
		!strings.Contains(r.body, "请用 a 和 b 两个参数") {
		t.Errorf("missing b: %d %.500s", r.status, r.body)
	}
	// The page itself (linked from the header): the form, no error.
	if r := do(t, s, "GET", "/compare", nil); r.status != 200 || !strings.Contains(r.body, `<form class="cmpform"`) || strings.Contains(r.body, `role="alert"`) {
		t.Errorf("no parameters: %d %.300s", r.status, r.body)
	}
	// Unknown documents: 404, the id shown escaped.
	r = do(t, s, "GET", "/compare?a="+sh2020+"&b="+q("<script>x</script>"), nil)
	if r.status != 404 || strings.Contains(r.body, "<script>x") || !strings.Contains(r.body, html.EscapeString("没有找到文档 <script>x</script>")) {
		t.Errorf("unknown id: %d %.300s", r.status, r.body)
	}
}

func TestSegmentsHTMLEscapes(t *testing.T) {
	got := string(segmentsHTML([]compare.Segment{{Op: compare.Same, Text: "a<b>"}, {Op: compare.Removed, Text: `"x"&`}, {Op: compare.Added, Text: "<script>"}}))
	if got != `a&lt;b&gt;<del>&#34;x&#34;&amp;</del><ins>&lt;script&gt;</ins>` {
		t.Errorf("segmentsHTML = %s", got)
	}
}

// The document page lists the other versions with compare links.
func TestDocPageVersions(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/doc/"+sh2020, nil)
	if r.status != 200 || !strings.Contains(r.body, `<h2 id="versions-title">其他版本</h2>`) ||
		!strings.Contains(r.body, `<span class="rel">较新</span><a href="/doc/`+sh2024+`">上海市优化营商环境条例</a>（2024-09-27）<a class="cmp" href="/compare?a=`+sh2020+`&amp;b=`+sh2024+`">与本文比较 →</a>`) {
		t.Errorf("2020 version's page: %d, versions block missing or wrong", r.status)
	}
	// Work reports of one government: the older on the left.
	r = do(t, s, "GET", "/doc/gwrp2026-e6348d38", nil)
	if !strings.Contains(r.body, `<span class="rel">较早</span><a href="/doc/gwrp2025-e6348d38">2025年重庆市政府工作报告</a>`) ||
		!strings.Contains(r.body, `href="/compare?a=gwrp2025-e6348d38&amp;b=gwrp2026-e6348d38"`) {
		t.Error("2026 重庆 report does not link its 2025 report")
	}
	// The 2024 national report has the 1954 and 1978 ones (no dates: by year).
	r = do(t, s, "GET", "/doc/gwrn-2024", nil)
	if !strings.Contains(r.body, `<a href="/doc/gwrn-1978">1978年中华人民共和国国务院政府工作报告</a>（1978 年）`) ||
		strings.Contains(r.body, `/doc/gwrn-ae364b5761">`) {
		t.Error("national report versions wrong")
	}
	// A document with no other version has no block.
	if r := do(t, s, "GET", "/doc/govcn-5365945", nil); r.status != 200 || strings.Contains(r.body, "其他版本") {
		t.Errorf("a document without versions: %d", r.status)
	}
}
