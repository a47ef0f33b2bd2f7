package web

import (
	"bytes"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
)

// chinaTime is the time zone of citation dates (引用日期).
var chinaTime = time.FixedZone("CST", 8*3600)

// Export formats of /api/search and /api/commitments (format=…).
const (
	formatJSON = "json"
	formatCSV  = "csv"
)

// exportFormat reads the format parameter: json (the default) or csv.
func exportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", formatJSON:
		return formatJSON, nil
	case formatCSV:
		return formatCSV, nil
	default:
		return "", &httpError{http.StatusBadRequest, "格式（format）只能是 json 或 csv"}
	}
}

// utf8BOM opens a CSV file so that Excel reads it as UTF-8.
const utf8BOM = "\uFEFF"

// writeCSV answers rows as a CSV download: UTF-8 with a BOM, CRLF line
// ends (RFC 4180).
func writeCSV(w http.ResponseWriter, r *http.Request, filename string, rows [][]string) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	_ = cw.WriteAll(rows) // writes to memory: no error
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// csvText makes a document's text safe for a spreadsheet cell: no control
// characters, and no leading =, +, -, @ that a spreadsheet would run as a
// formula (the cell is prefixed with an apostrophe, as OWASP advises).
func csvText(s string) string {
	s = cleanText(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// plainSnippet is a snippet as text: marks dropped, entities decoded.
func plainSnippet(snippet string) string {
	s := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(snippet)
	return html.UnescapeString(s)
}

// searchCSVHeader names the columns of a search export; README lists them
// with their JSON counterparts.
var searchCSVHeader = []string{"序号", "标题", "发文机关", "发文字号", "发布日期", "文种", "分类",
	"章节", "段落", "摘录", "匹配词", "原文链接", "本站链接", "id", "得分"}

// searchCSV is a search result as CSV rows: the header, then one row per
// hit with its best section.
func searchCSV(res *search.Result, base string) [][]string {
	rows := [][]string{searchCSVHeader}
	first := (res.Page-1)*res.Size + 1
	for i, h := range res.Hits {
		var path, para, snippet, link string
		link = base + docPath(h.ID)
		if len(h.Sections) > 0 {
			sec := h.Sections[0]
			path = strings.Join(sec.Path, " › ")
			para = strconv.Itoa(sec.Paragraph)
			snippet = plainSnippet(sec.Snippet)
			link += "#p-" + para
		}
		src := ""
		if isWebURL(h.URL) {
			src = cleanText(h.URL)
		}
		rows = append(rows, []string{strconv.Itoa(first + i), csvText(h.Title), csvText(h.Agency), csvText(h.DocNumber),
			csvText(h.Date), csvText(h.DocType), csvText(h.Category), csvText(path), para, csvText(snippet),
			csvText(strings.Join(h.Matched, "、")), src, link, csvText(h.ID), strconv.FormatFloat(h.Score, 'f', 4, 64)})
	}
	return rows
}

// commitmentsCSVHeader names the columns of a commitments export.
var commitmentsCSVHeader = []string{"编号", "状态", "得分", "部署内容", "机关", "年份", "部署文件", "段落", "章节", "本站链接",
	"回应文件", "回应日期", "回应段落", "回应得分", "回应摘录", "回应链接"}

// commitmentsCSV is a commitments report as CSV rows: one row per
// commitment with its best follow-up.
func commitmentsCSV(rep *commitments.Report, base string) [][]string {
	rows := [][]string{commitmentsCSVHeader}
	for _, c := range rep.Commitments {
		row := []string{csvText(c.ID), csvText(c.Status), strconv.FormatFloat(c.Score, 'f', 2, 64), csvText(c.Text),
			csvText(c.Agency), strconv.Itoa(c.Year), csvText(c.DocTitle), strconv.Itoa(c.Paragraph),
			csvText(strings.Join(c.Path, " › ")), base + docPath(c.DocID) + "#p-" + strconv.Itoa(c.Paragraph)}
		if len(c.FollowUps) > 0 {
			f := c.FollowUps[0]
			row = append(row, csvText(f.DocTitle), csvText(f.Date), strconv.Itoa(f.Paragraph), strconv.FormatFloat(f.Score, 'f', 2, 64),
				csvText(plainSnippet(f.Snippet)), base+docPath(f.DocID)+"#p-"+strconv.Itoa(f.Paragraph))
		} else {
			row = append(row, "", "", "", "", "", "")
		}
		rows = append(rows, row)
	}
	return rows
}

// commitmentsExports are the export links of a commitments report.
func commitmentsExports(agency string, year int, status string) []link {
	v := url.Values{"agency": {agency}, "year": {strconv.Itoa(year)}}
	if status != "" {
		v.Set("status", status)
	}
	j := "/api/commitments?" + v.Encode()
	v.Set("format", formatCSV)
	return []link{{Text: "CSV", URL: "/api/commitments?" + v.Encode()}, {Text: "JSON", URL: j}}
}

// textFragmentLink links to text on the source page with a text fragment
// (#:~:text=, the URL Fragment Text Directives spec), so the browser
// scrolls to it and highlights it. A short paragraph is quoted whole; a
// long one by its first and last clause (textStart,textEnd), cut at
// punctuation so that both ends fall on word boundaries, as browsers
// require.
func textFragmentLink(sourceURL, text string) string {
	text = strings.Join(strings.Fields(cleanText(text)), " ")
	if text == "" {
		return ""
	}
	base, _, _ := strings.Cut(sourceURL, "#")
	rs := []rune(text)
	if len(rs) <= 40 {
		return base + "#:~:text=" + encodeTextDirective(text)
	}
	isPunct := func(r rune) bool { return strings.ContainsRune("，。；：！？、,;:!?", r) }
	start := len(rs)
	for i, r := range rs {
		if i >= 6 && isPunct(r) {
			start = i
			break
		}
	}
	end := 0
	last := len(rs)
	for last > 0 && isPunct(rs[last-1]) {
		last--
	}
	for i := last - 1; i > 0; i-- {
		if isPunct(rs[i]) && last-i > 6 {
			end = i + 1
			break
		}
	}
	if start > 30 || end == 0 || last-end > 30 || end <= start {
		return base + "#:~:text=" + encodeTextDirective(text)
	}
	return base + "#:~:text=" + encodeTextDirective(string(rs[:start])) + "," + encodeTextDirective(string(rs[end:last]))
}

// encodeTextDirective percent-encodes a text directive value: everything
// but ASCII letters, digits and . _ ~ (the spec requires -, & and , to be
// encoded; the rest is encoded as in any URL fragment).
func encodeTextDirective(s string) string {
	var b strings.Builder
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
