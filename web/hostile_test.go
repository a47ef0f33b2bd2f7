package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rs/zerolog"
	xhtml "golang.org/x/net/html"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

// hostile is markup, script and control characters as a document field
// could carry them.
const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)><svg/onload=alert(3)>` +
	`<a href="javascript:alert(4)">链</a>"'&` + "\x00\x07\x1b[31m\x0b\x0c\r\u0085\u009b\u007f"

// hostileDocuments are a work report and its follow-up whose every field
// is hostile, one with a very long line, so that every page shows them:
// results, facets, the document, commitments and their follow-ups.
func hostileDocuments(t *testing.T) []*search.Document {
	t.Helper()
	long := strings.Repeat("甲乙丙丁"+hostile, 2000) // 100,000 bytes in one line
	records := []*indexer.Record{{
		ID: "hostile-1", Title: ptr("恶意文件" + hostile + "2025年政府工作报告"), Agency: ptr("恶意区人民政府" + hostile),
		DocNumber: ptr("恶〔2025〕1号" + hostile), Date: ptr("2025-01-10"), DocType: ptr("报告" + hostile),
		Category: ptr("政府工作报告" + hostile), Subcategory: ptr(hostile), Region: ptr(hostile), IndexNumber: ptr(hostile),
		SourceURL: ptr(`https://example.gov.cn/a?x="><script>alert(5)</script>&y=` + "\x07"),
		Body: ptr("恶意区人民政府" + hostile + "\n一、2024年工作回顾\n过去一年，推进恶意治理" + hostile + "取得成效。\n" +
			"二、2025年工作安排\n（一）推进恶意治理" + hostile + "全覆盖。\n（二）加快恶意链接平台" + hostile + "建设，确保年底前上线运行。\n" + long),
	}, {
		ID: "hostile-2", Title: ptr("恶意文件" + hostile + "2026年政府工作报告"), Agency: ptr("恶意区人民政府" + hostile),
		Date: ptr("2026-01-12"), DocType: ptr("报告"), SourceURL: ptr("javascript:alert(6)"),
		Body: ptr("一、2025年工作回顾\n推进恶意治理" + hostile + "全覆盖，恶意链接平台" + hostile + "建设完成并上线运行。\n二、2026年工作安排\n继续推进恶意治理。"),
	}}
	var docs []*search.Document
	for _, rec := range records {
		d, err := indexer.FromRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		// Whatever the indexer keeps out, the pages must not depend on it:
		// put control characters back into every text field.
		ctl := "\x00\x07\x1b\u0085"
		for _, f := range []*string{&d.Title, &d.Agency, &d.DocNumber, &d.DocType, &d.Category, &d.Subcategory, &d.Region, &d.IndexNumber} {
			*f += ctl
		}
		for i := range d.Paragraphs {
			d.Paragraphs[i].Text += ctl
		}
		for i := range d.Sections {
			for j := range d.Sections[i].Path {
				d.Sections[i].Path[j] += ctl
			}
		}
		docs = append(docs, d)
	}
	return docs
}

// templateVocabulary is every tag and attribute name the templates write:
// a page holding any other came from data.
func templateVocabulary(t *testing.T) (tags, attrs map[string]bool) {
	t.Helper()
	tags, attrs = map[string]bool{}, map[string]bool{}
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range regexp.MustCompile(`<([a-z][a-z0-9]*)`).FindAllStringSubmatch(string(b), -1) {
			tags[m[1]] = true
		}
		for _, m := range regexp.MustCompile(`\s([a-z][a-z-]*)=`).FindAllStringSubmatch(string(b), -1) {
			attrs[m[1]] = true
		}
		for _, a := range []string{"open", "selected", "hidden", "defer", "required", "autofocus", "start"} {
			attrs[a] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Headings come from a template function; marks from snippets.
	for _, h := range []string{"h2", "h3", "h4", "h5", "h6", "mark"} {
		tags[h] = true
	}
	return tags, attrs
}

// controlRe finds a control character other than tab and newline.
var controlRe = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]")

// checkHTML checks that a page is made of the templates' markup only.
func checkHTML(t *testing.T, target, body string, tags, attrs map[string]bool) {
	t.Helper()
	z := xhtml.NewTokenizer(strings.NewReader(body))
	scripts := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if !errors.Is(z.Err(), io.EOF) {
				t.Errorf("%s: %v", target, z.Err())
			}
			break
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if !tags[tok.Data] {
			t.Errorf("%s: a <%s> the templates do not write", target, tok.Data)
		}
		for _, a := range tok.Attr {
			if !attrs[a.Key] || strings.HasPrefix(a.Key, "on") {
				t.Errorf("%s: attribute %s=%q on <%s>", target, a.Key, a.Val, tok.Data)
			}
			if (a.Key == "href" || a.Key == "src" || a.Key == "action") && regexp.MustCompile(`(?i)^\s*(javascript|data|vbscript):`).MatchString(a.Val) {
				t.Errorf("%s: %s=%q", target, a.Key, a.Val)
			}
		}
		if tok.Data == "script" {
			scripts++
			if len(tok.Attr) < 1 || tok.Attr[0].Key != "src" || !strings.HasPrefix(tok.Attr[0].Val, "/static/app.js") {
				t.Errorf("%s: script %v", target, tok.Attr)
			}
		}
	}
	if scripts > 1 {
		t.Errorf("%s: %d scripts", target, scripts)
	}
	if strings.Count(strings.ToLower(body), "<script") != scripts {
		t.Errorf("%s: an unescaped <script", target)
	}
}

// checkText checks decoded text for control characters.
func checkText(t *testing.T, target, where, s string) {
	t.Helper()
	if m := controlRe.FindString(s); m != "" {
		t.Errorf("%s: control character %q in %s", target, m, where)
	}
}

// checkJSON checks that a body is valid JSON whose strings hold no control
// characters.
func checkJSON(t *testing.T, target string, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: invalid JSON: %v", target, err)
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			checkText(t, target, "a JSON string", strings.ReplaceAll(x, "\n", ""))
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				walk(k)
				walk(e)
			}
		}
	}
	walk(v)
}

// TestHostileDocuments walks every page, feed, export and API over
// documents whose every field holds markup, script, control characters
// and very long lines: the output is well-formed, shows the text escaped,
// and holds no markup and no control character from the documents.
func TestHostileDocuments(t *testing.T) {
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := idx.Put(context.Background(), hostileDocuments(t)); err != nil {
		t.Fatal(err)
	}
	s := New(Options{Log: zerolog.Nop()})
	s.SetIndex(idx)
	tags, attrs := templateVocabulary(t)

	// The agency as stored, markup and control characters included.
	agency := hostileDocuments(t)[0].Agency
	targets := []string{
		"/", "/search?q=" + q("恶意"), "/search?q=" + q("恶意") + "&mode=passages", "/search?q=" + q("恶意") + "&sort=date_asc",
		"/search?q=" + q("恶意 "+hostile), "/search?q=" + q(`"<script>alert(1)</script>"`), "/search?q=" + q("script alert"),
		"/search?q=" + q("甲乙丙丁"), "/search?q=" + q("不存在的词 恶意") + "&page=1",
		"/doc/hostile-1", "/doc/hostile-1?q=" + q("恶意 script"), "/doc/hostile-2?q=" + q(`"`+hostile+`"`), "/doc/" + url.PathEscape("<script>"),
		"/commitments", "/commitments?agency=" + q(agency), "/commitments?agency=" + q(agency) + "&year=2025",
		"/commitments?agency=" + q(hostile),
		"/feed?q=" + q("恶意"), "/feed?q=" + q(hostile+" 恶意"),
		"/api/search?q=" + q("恶意"), "/api/search?q=" + q("恶意") + "&mode=passages", "/api/search?q=" + q("恶意") + "&format=csv",
		"/api/documents/hostile-1", "/api/documents/hostile-2",
		"/api/commitments?agency=" + q(agency) + "&year=2025", "/api/commitments?agency=" + q(agency) + "&year=2025&format=csv",
	}
	// Every facet and chip link of the results page, and every government
	// and year the commitments pages link, too.
	links := regexp.MustCompile(`href="(/(?:search|commitments)\?[^"]+)"`)
	for _, page := range []string{"/search?q=" + q("恶意"), "/commitments", "/commitments?agency=" + q(agency)} {
		for _, m := range links.FindAllStringSubmatch(do(t, s, "GET", page, nil).body, -1) {
			targets = append(targets, html.UnescapeString(m[1]))
		}
	}
	shown := map[string]bool{}
	for _, target := range targets {
		r := do(t, s, "GET", target, nil)
		if r.status >= 500 {
			t.Errorf("%s: %d", target, r.status)
			continue
		}
		if !utf8.ValidString(r.body) {
			t.Errorf("%s: not UTF-8", target)
		}
		ct := r.header.Get("Content-Type")
		switch {
		case strings.HasPrefix(ct, "text/html"):
			checkHTML(t, target, r.body, tags, attrs)
			checkText(t, target, "the page", r.body)
			if strings.Contains(r.body, "&lt;script&gt;alert(") {
				shown[strings.SplitN(target, "?", 2)[0]] = true
			}
		case strings.HasPrefix(ct, "application/json"):
			checkJSON(t, target, []byte(r.body))
			checkText(t, target, "the JSON", r.body)
		case strings.HasPrefix(ct, "application/atom+xml"):
			checkText(t, target, "the feed", r.body)
			dec := xml.NewDecoder(strings.NewReader(r.body))
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Errorf("%s: %v", target, err)
					break
				}
				if se, ok := tok.(xml.StartElement); ok && !regexp.MustCompile(`^(feed|id|title|subtitle|updated|link|author|name|generator|entry|published|category|summary)$`).MatchString(se.Name.Local) {
					t.Errorf("%s: element <%s>", target, se.Name.Local)
				}
			}
			if strings.Contains(r.body, "<script") {
				t.Errorf("%s: <script in the feed", target)
			}
		case strings.HasPrefix(ct, "text/csv"):
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Errorf("%s: %v", target, err)
			}
			if len(rows) < 2 {
				t.Errorf("%s: %d rows", target, len(rows))
			}
			for _, row := range rows {
				for _, cell := range row {
					checkText(t, target, "a cell", cell)
					if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
						t.Errorf("%s: a cell starts a formula: %.40q", target, cell)
					}
				}
			}
		default:
			t.Errorf("%s: content type %q", target, ct)
		}
	}
	// The hostile text is there, escaped, on each kind of page.
	for _, path := range []string{"/search", "/doc/hostile-1", "/doc/hostile-2", "/commitments"} {
		if !shown[path] {
			t.Errorf("%s never showed the documents' text", path)
		}
	}
	// The commitments page listed the commitments of the hostile report.
	if body := do(t, s, "GET", "/commitments?agency="+q(agency)+"&year=2025", nil).body; !strings.Contains(body, `class="citem"`) {
		t.Error("the hostile report's commitments are not on the page")
	}
	if body := do(t, s, "GET", "/feed?q="+q("恶意"), nil).body; !bytes.Contains([]byte(body), []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Error("the feed does not carry the titles escaped")
	}
}
