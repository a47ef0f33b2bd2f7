package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

const corpus = "../testdata/corpus/"

var sharedIdx *bleve.Index

// TestMain indexes the test corpus (the 48 test documents and the seed
// page) once for the tests of this package.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gongkai-web-test")
	if err != nil {
		panic(err)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		// The tests send hundreds of costly searches from httptest's one
		// address; the heavy-search budget has a test of its own
		// (TestHeavySearchBudget), so it is off here.
		idx, err := bleve.OpenWith(context.Background(), filepath.Join(dir, "index"), bleve.Options{Core: search.Options{ClientHeavyShare: -1}})
		if err != nil {
			panic(err)
		}
		defer idx.Close()
		sum, err := indexer.Run(context.Background(), idx, []string{corpus + "tests.jsonl", corpus + "seed"}, indexer.Options{})
		if err != nil || sum.Failed > 0 {
			panic(fmt.Sprintf("index: %v %+v", err, sum))
		}
		sharedIdx = idx
		return m.Run()
	}()
	os.Exit(code)
}

// newServer returns a ready server on the shared index.
func newServer(t *testing.T, token string) *Server {
	t.Helper()
	s := New(Options{Token: token, Log: zerolog.Nop()})
	s.SetIndex(sharedIdx)
	return s
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, h http.Handler, method, target string, body io.Reader, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return response{w.Code, w.Header(), w.Body.String()}
}

func jsonError(t *testing.T, r response) string {
	t.Helper()
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("error response is %q, not JSON: %s", r.header.Get("Content-Type"), r.body)
	}
	var e struct{ Error string }
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == "" {
		t.Fatalf("error body %q", r.body)
	}
	return e.Error
}

func q(s string) string { return url.QueryEscape(s) }

func TestSearchAPI(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/api/search?q="+q(`"双随机、一公开" year:2019`), nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var res search.Result
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || res.Hits[0].ID != "govcn-5365945" || !strings.Contains(res.Hits[0].Sections[0].Snippet, "<mark>双随机、一公开</mark>") {
		t.Errorf("result %+v", res)
	}
	// The same JSON as the CLI: field names of the contract.
	for _, k := range []string{`"query"`, `"total"`, `"took_ms"`, `"page"`, `"size"`, `"hits"`, `"facets"`, `"doc_number"`, `"doc_type"`, `"sections"`, `"paragraph"`, `"snippet"`} {
		if !strings.Contains(r.body, k) {
			t.Errorf("JSON lacks %s", k)
		}
	}
	r = do(t, s, "GET", "/api/search?q="+q("人民政府")+"&page=2&size=5&sort=date&mode=passages", nil)
	if r.status != 200 || !strings.Contains(r.body, `"page":2`) || !strings.Contains(r.body, `"size":5`) || !strings.Contains(r.body, `"mode":"passages"`) {
		t.Errorf("paged passages: %d %.300s", r.status, r.body)
	}
}

func TestSearchAPIErrors(t *testing.T) {
	s := newServer(t, "")
	for target, status := range map[string]int{
		"/api/search":                               400,
		"/api/search?q=":                            400,
		"/api/search?q=" + q(`"未闭合`):                400,
		"/api/search?q=x&page=abc":                  400,
		"/api/search?q=x&page=0":                    400,
		"/api/search?q=x&page=1001":                 400,
		"/api/search?q=x&size=1000":                 400,
		"/api/search?q=x&sort=random":               400,
		"/api/search?q=x&mode=all":                  400,
		"/api/search?q=" + strings.Repeat("长", 501): 400,
		"/api/search?q=" + q("year:二〇一九"):           400,
		"/api/documents/no-such-document":           404,
		"/api/nothing":                              404,
	} {
		r := do(t, s, "GET", target, nil)
		if r.status != status {
			t.Errorf("GET %.60s: status %d, want %d (%s)", target, r.status, status, r.body)
			continue
		}
		if msg := jsonError(t, r); !regexp.MustCompile(`\p{Han}`).MatchString(msg) {
			t.Errorf("GET %.60s: error %q is not written for a Chinese reader", target, msg)
		}
	}
	r := do(t, s, "POST", "/api/search?q=x", nil)
	if r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/search: %d", r.status)
	}
	jsonError(t, r)
}

func TestDocumentAPI(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/api/documents/seed-000_44bda8417bfe1ce5", nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	var d apiDocument
	if err := json.Unmarshal([]byte(r.body), &d); err != nil {
		t.Fatal(err)
	}
	if d.Title != "重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告" || d.Permalink != "http://example.com/doc/seed-000_44bda8417bfe1ce5" ||
		!strings.HasPrefix(d.Citation, "《重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告》（重庆市九龙坡区人民政府，2023-03-23）") {
		t.Errorf("document %q %q %q", d.Title, d.Permalink, d.Citation)
	}
	found := false
	for _, sec := range d.Sections {
		for _, p := range sec.Paragraphs {
			if strings.Contains(p.Text, "深化“放管服”改革") && p.N == 7 && len(sec.Path) == 3 {
				found = true
			}
		}
	}
	if !found {
		t.Error("paragraph 7 with its heading path not in the document JSON")
	}
}

func TestWritesNeedToken(t *testing.T) {
	doc := `{"id":"api-1","title":"关于测试接口写入的通知","agency":"测试局","date":"2026-11-27","body":"一、总则\n接口写入的独有文字甲乙丙。"}`
	// Writes disabled without a token.
	s := newServer(t, "")
	if r := do(t, s, "POST", "/api/documents", strings.NewReader(doc)); r.status != 403 {
		t.Errorf("POST without GONGKAI_TOKEN: %d", r.status)
	}
	if r := do(t, s, "DELETE", "/api/documents/seed-000_44bda8417bfe1ce5", nil); r.status != 403 {
		t.Errorf("DELETE without GONGKAI_TOKEN: %d", r.status)
	}

	ctx := context.Background()
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	s = New(Options{Token: "s3cret", Log: zerolog.Nop()})
	s.SetIndex(idx)
	if r := do(t, s, "POST", "/api/documents", strings.NewReader(doc)); r.status != 401 || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("POST without Authorization: %d, WWW-Authenticate %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	if r := do(t, s, "POST", "/api/documents", strings.NewReader(doc), "Authorization", "Bearer wrong"); r.status != 401 {
		t.Errorf("POST with a wrong token: %d", r.status)
	}
	auth := []string{"Authorization", "Bearer s3cret"}
	r := do(t, s, "POST", "/api/documents", strings.NewReader(doc), auth...)
	if r.status != 201 || !strings.Contains(r.body, `"indexed":1`) {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	// Searchable when the call returns.
	res, err := search.Run(ctx, idx, search.Request{Query: `"独有文字甲乙丙"`})
	if err != nil || res.Total != 1 {
		t.Errorf("posted document not searchable: %v %+v", err, res)
	}
	// An array and JSONL are accepted too.
	arr := `[{"id":"api-2","title":"二号","body":"正文二。"},{"id":"api-3","title":"三号","body":"正文三。"}]`
	if r := do(t, s, "POST", "/api/documents", strings.NewReader(arr), auth...); r.status != 201 || !strings.Contains(r.body, `"indexed":2`) {
		t.Errorf("POST array: %d %s", r.status, r.body)
	}
	jsonl := "{\"id\":\"api-4\",\"title\":\"四号\",\"body\":\"正文四。\"}\n{\"id\":\"api-5\",\"title\":\"五号\",\"body\":\"正文五。\"}\n"
	if r := do(t, s, "POST", "/api/documents", strings.NewReader(jsonl), auth...); r.status != 201 || !strings.Contains(r.body, `"indexed":2`) {
		t.Errorf("POST JSONL: %d %s", r.status, r.body)
	}
	// Bad input: 400 saying in Chinese what is wrong, and nothing is
	// written.
	for bad, says := range map[string]string{
		"":          "请求体为空",
		"{not json": "语法错误",
		`[{"id":"ok-9","title":"好","body":"好。"},{"id":"","title":"无 id"}]`: "第 2 篇：缺少 id",
		`{"id":"a/b","title":"x"}`:                        "不允许的字符",
		`[{"id":"d","title":"x"},{"id":"d","title":"y"}]`: "重复",
		`{"id":"x","date":"2026-02-30","title":"t"}`:      "不是 YYYY-MM-DD",
		`{"id":5,"title":"t"}`:                            "字段 id 的值应为字符串",
		`["a"]`:                                           "应为 JSON 对象",
	} {
		r := do(t, s, "POST", "/api/documents", strings.NewReader(bad), auth...)
		if r.status != 400 {
			t.Errorf("POST %.30q: %d %s", bad, r.status, r.body)
		}
		if msg := jsonError(t, r); !strings.Contains(msg, says) {
			t.Errorf("POST %.30q: %q does not say %q", bad, msg, says)
		}
	}
	if _, err := idx.Document(ctx, "ok-9"); err == nil {
		t.Error("a batch with a bad document was partly written")
	}
	// Too large: 413.
	big := `{"id":"big","title":"大","body":"` + strings.Repeat("字", MaxBodyBytes/3+10) + `"}`
	if r := do(t, s, "POST", "/api/documents", strings.NewReader(big), auth...); r.status != 413 {
		t.Errorf("oversized POST: %d", r.status)
	}
	// Delete.
	if r := do(t, s, "DELETE", "/api/documents/api-1", nil); r.status != 401 {
		t.Errorf("DELETE without token: %d", r.status)
	}
	if r := do(t, s, "DELETE", "/api/documents/api-1", nil, auth...); r.status != 204 {
		t.Errorf("DELETE: %d %s", r.status, r.body)
	}
	if r := do(t, s, "DELETE", "/api/documents/api-1", nil, auth...); r.status != 404 {
		t.Errorf("DELETE again: %d", r.status)
	}
	if r := do(t, s, "GET", "/api/documents/api-1", nil); r.status != 404 {
		t.Errorf("GET deleted: %d", r.status)
	}
}

func TestPages(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/", nil)
	if r.status != 200 || !strings.Contains(r.body, `<form class="searchform big" action="/search"`) || !strings.Contains(r.body, "检索语法") {
		t.Errorf("home: %d", r.status)
	}
	r = do(t, s, "GET", "/search?q="+q("放管服"), nil)
	if r.status != 200 || !strings.Contains(r.body, "<mark>放管服</mark>") || !strings.Contains(r.body, `value="放管服"`) {
		t.Errorf("results page: %d %.500s", r.status, r.body)
	}
	if !strings.Contains(r.body, "2.深化“放管服”改革,强化营商环境法治保障") || !strings.Contains(r.body, "#p-7") {
		t.Error("results page lacks the section path or the paragraph link")
	}
	for _, facet := range []string{"发文机关", "文种", "年份"} {
		if !strings.Contains(r.body, "<h3>"+facet+"</h3>") {
			t.Errorf("results page lacks facet %s", facet)
		}
	}
	// A bad query is explained on the page, with status 400.
	r = do(t, s, "GET", "/search?q="+q(`"未闭合`), nil)
	if r.status != 400 || !strings.Contains(r.body, "引号") || !strings.Contains(r.body, `value="&#34;未闭合"`) {
		t.Errorf("bad query page: %d %.300s", r.status, r.body)
	}
	// No results: a suggestion to drop the filter.
	r = do(t, s, "GET", "/search?q="+q("放管服 year:1990"), nil)
	if r.status != 200 || !strings.Contains(r.body, "没有找到结果") || !strings.Contains(r.body, "去掉筛选条件") {
		t.Errorf("no-result page: %d", r.status)
	}
	// The document page: paragraph anchors, marks, citations.
	r = do(t, s, "GET", "/doc/seed-000_44bda8417bfe1ce5?q="+q("放管服"), nil)
	if r.status != 200 || !strings.Contains(r.body, `id="p-7"`) || !strings.Contains(r.body, "<mark>放管服</mark>") {
		t.Fatalf("document page: %d", r.status)
	}
	wantCite := "《重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告》（重庆市九龙坡区人民政府，2023-03-23）一、主要举措和成效 › (二)健全政府机构职能体系,推动更好发挥政府作用 › 2.深化“放管服”改革,强化营商环境法治保障 第7段 http://example.com/doc/seed-000_44bda8417bfe1ce5#p-7"
	if !strings.Contains(r.body, wantCite) {
		t.Errorf("document page lacks the citation of paragraph 7")
	}
	if r := do(t, s, "GET", "/doc/no-such", nil); r.status != 404 || !strings.Contains(r.body, "没有找到该文档") {
		t.Errorf("missing document page: %d", r.status)
	}
	if r := do(t, s, "HEAD", "/", nil); r.status != 200 || r.body != "" {
		t.Errorf("HEAD /: %d %q", r.status, r.body)
	}
	if r := do(t, s, "GET", "/static/style.css", nil); r.status != 200 || !strings.Contains(r.body, "mark") {
		t.Errorf("style.css: %d", r.status)
	}
}

// Document text is always escaped, on every page.
func TestPagesEscapeDocumentText(t *testing.T) {
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	d, err := indexer.FromRecord(&indexer.Record{ID: "xss", Title: ptr(`关于<script>alert(1)</script>的通知`), Agency: ptr(`<img src=x onerror=alert(2)>`),
		Body: ptr("一、总则\n请勿执行<script>alert('放管服')</script>代码。")})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Put(context.Background(), []*search.Document{d}); err != nil {
		t.Fatal(err)
	}
	s := New(Options{Log: zerolog.Nop()})
	s.SetIndex(idx)
	for _, target := range []string{"/search?q=" + q("放管服"), "/doc/xss?q=" + q("放管服"), "/search?q=" + q("<script>")} {
		r := do(t, s, "GET", target, nil)
		if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
			t.Errorf("%s renders document text as markup", target)
		}
		if target != "/search?q="+q("<script>") && !strings.Contains(r.body, "&lt;script&gt;") {
			t.Errorf("%s lacks the escaped text", target)
		}
	}
}

func ptr(s string) *string { return &s }

func TestHealthReadyMetrics(t *testing.T) {
	s := New(Options{Log: zerolog.Nop()})
	if r := do(t, s, "GET", "/healthz", nil); r.status != 200 {
		t.Errorf("healthz before ready: %d", r.status)
	}
	if r := do(t, s, "GET", "/readyz", nil); r.status != 503 {
		t.Errorf("readyz before ready: %d", r.status)
	}
	for _, target := range []string{"/api/search?q=x", "/search?q=x", "/doc/x", "/commitments?agency=" + q("国务院"), "/targets?agency=" + q("国务院"), "/compare?a=x&b=y"} {
		if r := do(t, s, "GET", target, nil); r.status != 503 || r.header.Get("Retry-After") == "" {
			t.Errorf("%s before ready: %d, Retry-After %q", target, r.status, r.header.Get("Retry-After"))
		}
	}
	s.SetIndex(sharedIdx)
	if r := do(t, s, "GET", "/readyz", nil); r.status != 200 {
		t.Errorf("readyz when ready: %d", r.status)
	}
	do(t, s, "GET", "/api/search?q="+q("放管服"), nil)
	do(t, s, "GET", "/search?q="+q("放管服"), nil)
	r := do(t, s, "GET", "/metrics", nil)
	for _, want := range []string{
		`gongkai_http_requests_total{code="200",method="GET",route="api_search"} 1`,
		`gongkai_http_request_duration_seconds_bucket{route="search"`,
		`gongkai_search_duration_seconds_count{mode="documents"} 2`,
		"gongkai_index_documents 49",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// Clicking a facet narrows the results to exactly the facet's count.
func TestFacetLinks(t *testing.T) {
	s := newServer(t, "")
	r := do(t, s, "GET", "/search?q="+q("人民政府"), nil)
	m := regexp.MustCompile(`<li><a href="(/search\?q=[^"]+)">([^<]+)</a> <span class="n">(\d+)</span></li>`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no facet link on the results page")
	}
	link := html.UnescapeString(m[1])
	r2 := do(t, s, "GET", link, nil)
	if !strings.Contains(r2.body, "找到 "+m[3]+" 篇文档") {
		t.Errorf("facet %s (%s) → %.200s", m[2], m[3], regexp.MustCompile(`找到 \d+ 篇文档`).FindString(r2.body))
	}
	if !strings.Contains(r2.body, `class="chip"`) {
		t.Error("the chosen facet is not shown as a removable filter")
	}
}
