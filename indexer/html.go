package indexer

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/gongkai/gongkai/search"
)

var metaCharsetRe = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)`)

// gbFamily are the labels of GB 2312 and its supersets; GB 18030 decodes
// them all.
var gbFamily = map[string]bool{"gb2312": true, "gbk": true, "gb18030": true, "x-gbk": true, "cp936": true, "euc-cn": true, "hz-gb-2312": false}

// DecodeHTML returns the text of an HTML page as UTF-8 and the charset it
// was read in. The charset comes from a byte-order mark, else the page's
// <meta> declaration, else the content itself: valid UTF-8 is UTF-8,
// anything else is read as GB 18030 (a superset of GBK and GB 2312).
// A declaration that the content contradicts loses to the content: UTF-8
// declared but invalid bytes found, or another charset declared for a
// page that is valid UTF-8 with non-ASCII text (a GB 2312 or GBK text is
// practically never valid UTF-8, so such a page was re-encoded and kept its
// old <meta>).
func DecodeHTML(raw []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		return string(raw[3:]), "utf-8", nil
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(raw)
		if err != nil {
			return "", "utf-16", fmt.Errorf("decode UTF-16: %w", err)
		}
		return string(out), "utf-16", nil
	}
	head := raw
	if len(head) > 8192 {
		head = head[:8192]
	}
	name := ""
	if m := metaCharsetRe.FindSubmatch(head); m != nil {
		name = strings.ToLower(string(m[1]))
	}
	valid := utf8.Valid(raw)
	if valid && name != "" && name != "utf-8" && name != "utf8" && hasMultiByte(raw) {
		return string(raw), "utf-8", nil
	}
	switch {
	case name == "" || name == "utf-8" || name == "utf8":
		if valid {
			return string(raw), "utf-8", nil
		}
		name = "gb18030"
	case !gbFamily[name]:
		if e, canon := charset.Lookup(name); e != nil {
			out, err := e.NewDecoder().Bytes(raw)
			if err != nil {
				return "", canon, fmt.Errorf("decode %s: %w", canon, err)
			}
			return string(out), canon, nil
		}
		if valid {
			return string(raw), "utf-8", nil
		}
		name = "gb18030"
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	if err != nil {
		return "", name, fmt.Errorf("decode %s: %w", name, err)
	}
	return string(out), name, nil
}

// hasMultiByte reports whether b holds a byte outside ASCII.
func hasMultiByte(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// contentSelectors find the body of a page, most specific first.
var contentSelectors = []string{"#UCAP-CONTENT", ".pages_content", "#zoom", ".TRS_Editor", ".article-content", "#content", ".content", "article", "main"}

var blockTags = map[string]bool{
	"p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "table": true, "tbody": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true, "article": true,
	"header": true, "footer": true, "blockquote": true, "pre": true, "dd": true, "dt": true, "dl": true,
	"center": true, "form": true, "hr": true,
}

var skipTags = map[string]bool{"script": true, "style": true, "noscript": true, "iframe": true, "head": true, "select": true, "button": true, "svg": true, "template": true}

// nodeText writes the text of n with a line break around every block.
func nodeText(n *html.Node, b *strings.Builder) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(collapseSpace(n.Data))
		return
	case html.ElementNode:
		if skipTags[n.Data] {
			return
		}
		if n.Data == "br" {
			b.WriteByte('\n')
			return
		}
	case html.CommentNode:
		return
	}
	block := n.Type == html.ElementNode && blockTags[n.Data]
	if block {
		b.WriteByte('\n')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		nodeText(c, b)
	}
	if n.Type == html.ElementNode && (n.Data == "td" || n.Data == "th") {
		b.WriteByte(' ')
	}
	if block {
		b.WriteByte('\n')
	}
}

// collapseSpace turns runs of ASCII white space (source formatting) into
// one space; other spaces (U+3000 indentation) are kept.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func selText(s *goquery.Selection) string {
	var b strings.Builder
	for _, n := range s.Nodes {
		nodeText(n, &b)
	}
	return strings.TrimSpace(strings.Join(strings.Fields(b.String()), " "))
}

// findBreadcrumb returns the text of the element holding a breadcrumb
// (您当前的位置: 首页>…), or "".
func findBreadcrumb(n *html.Node) string {
	if n.Type == html.TextNode && breadcrumbRe.MatchString(strings.TrimSpace(n.Data)) && n.Parent != nil {
		var b strings.Builder
		nodeText(n.Parent, &b)
		if t := strings.TrimSpace(strings.Join(strings.Fields(b.String()), " ")); len(t) < 400 {
			return t
		}
		return ""
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if t := findBreadcrumb(c); t != "" {
			return t
		}
	}
	return ""
}

var govcnLinkRe = regexp.MustCompile(`^(?:https?://www\.gov\.cn)?(/zhengce/content/\d{4}-\d{2}/\d{2}/content_\d+\.htm)`)

// ParseHTML parses an HTML page (whole, or a fragment such as the gov.cn
// policy pages) in any of the charsets DecodeHTML reads. It takes the
// metadata table of gov.cn pages (索引号, 主题分类, 发文机关, 成文日期, 标题,
// 发文字号, 发布日期), a breadcrumb for the category, the title, and the body
// without page chrome.
func ParseHTML(id string, raw []byte) (*search.Document, error) {
	text, _, err := DecodeHTML(raw)
	if err != nil {
		return nil, err
	}
	page, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("无法解析 HTML：%w", err)
	}
	doc := &search.Document{ID: id}

	// The gov.cn metadata table: a label cell followed by its value.
	hasTable := false
	page.Find("td, th").Each(func(_ int, cell *goquery.Selection) {
		field := labelOf(selText(cell))
		if field == "" {
			return
		}
		next := cell.Next()
		if next.Length() == 0 {
			return
		}
		if v := selText(next); v != "" {
			if field == "title" && cell.Closest("#UCAP-CONTENT").Length() > 0 {
				return
			}
			hasTable = true
			setMeta(doc, field, v)
		}
	})
	// The breadcrumb: the element around a text that starts 您当前的位置 ….
	for _, n := range page.Nodes {
		if crumb := findBreadcrumb(n); crumb != "" {
			setMeta(doc, "category", categoryFromBreadcrumb(crumb))
		}
	}
	if doc.Title == "" {
		if h := selText(page.Find("h1").First()); h != "" {
			doc.Title = h
		} else if t := selText(page.Find("title").First()); t != "" {
			for _, sep := range []string{"_", " - ", "—", "|"} {
				if i := strings.Index(t, sep); i > 0 {
					t = strings.TrimSpace(t[:i])
				}
			}
			doc.Title = t
		}
	}
	if href, ok := page.Find(`link[rel="canonical"]`).Attr("href"); ok && strings.HasPrefix(href, "http") {
		doc.SourceURL = href
	} else if u, ok := page.Find(`meta[property="og:url"]`).Attr("content"); ok && strings.HasPrefix(u, "http") {
		doc.SourceURL = u
	} else {
		page.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
			href, _ := a.Attr("href")
			if m := govcnLinkRe.FindStringSubmatch(href); m != nil {
				doc.SourceURL = "http://www.gov.cn" + m[1]
				return false
			}
			return true
		})
	}

	var content *goquery.Selection
	for _, sel := range contentSelectors {
		if s := page.Find(sel).First(); s.Length() > 0 && strings.TrimSpace(s.Text()) != "" {
			content = s
			break
		}
	}
	if content == nil {
		content = page.Find("body")
		if content.Length() == 0 {
			content = page.Selection
		}
		content.Find("nav, header, footer, .breadcrumb, .crumb").Remove()
	}
	var b strings.Builder
	for _, n := range content.Nodes {
		nodeText(n, &b)
	}
	lines := rawLines(b.String())
	if !hasTable {
		lines = extractHead(doc, lines)
	}
	buildParagraphs(doc, joinBroken(stripChrome(lines), 30))
	if doc.Title == "" || len(doc.Paragraphs) == 0 {
		return nil, errors.New("网页中没有找到标题或正文")
	}
	fillDerived(&doc.Agency, &doc.DocType, doc.Title)
	return finish(doc)
}
