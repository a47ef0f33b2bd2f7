package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/search"
)

// Record is one document in the corpus JSONL schema (see SOURCES.md of the
// shared corpus). Unknown fields are ignored.
type Record struct {
	ID          string  `json:"id"`
	Title       *string `json:"title"`
	Agency      *string `json:"agency"`
	DocNumber   *string `json:"doc_number"`
	Date        *string `json:"date"`
	DateWritten *string `json:"date_written"`
	Category    *string `json:"category"`
	Subcategory *string `json:"subcategory"`
	DocType     *string `json:"doc_type"`
	Region      *string `json:"region"`
	IndexNumber *string `json:"index_number"`
	SourceURL   *string `json:"source_url"`
	Source      *string `json:"source"`
	Year        flexInt `json:"year"`
	Body        *string `json:"body"`
	// RawPageText marks a body copied from a web page with its breadcrumb,
	// metadata lines and footer.
	RawPageText bool `json:"raw_page_text"`
}

// flexInt reads a number written as a JSON number or a string ("2024");
// null and "" read as 0.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("year（年份）%s 不是数字", b)
	}
	*f = flexInt(n)
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// ParseRecord turns one JSONL line into a document.
func ParseRecord(line []byte) (*search.Document, error) {
	var r Record
	if !decodeRecord(line, &r) {
		r = Record{}
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("JSON 有误：%w", JSONProblem(err))
		}
	}
	return FromRecord(&r)
}

// FromRecord turns a record into a document: metadata as given (the agency
// and type derived from the title where missing), the body cleaned of page
// chrome and split into sections.
func FromRecord(r *Record) (*search.Document, error) {
	id := strings.TrimSpace(r.ID)
	if id == "" {
		return nil, errors.New("缺少 id")
	}
	if err := CheckID(id); err != nil {
		return nil, err
	}
	body := str(r.Body)
	if len(body) > MaxDocumentBytes {
		return nil, errTooLarge("文档 "+id+" 的正文", len(body), MaxDocumentBytes)
	}
	doc := &search.Document{
		ID:          id,
		Title:       str(r.Title),
		Agency:      str(r.Agency),
		DocNumber:   str(r.DocNumber),
		Date:        normDate(str(r.Date)),
		DateWritten: normDate(str(r.DateWritten)),
		Category:    str(r.Category),
		Subcategory: str(r.Subcategory),
		DocType:     str(r.DocType),
		Region:      str(r.Region),
		IndexNumber: str(r.IndexNumber),
		SourceURL:   str(r.SourceURL),
		Source:      str(r.Source),
	}
	if r.Date != nil && str(r.Date) != "" && doc.Date == "" {
		return nil, fmt.Errorf("文档 %s：日期 %q 不是 YYYY-MM-DD 格式", id, str(r.Date))
	}
	doc.Year = int(r.Year)
	lines := rawLines(body)
	if r.RawPageText {
		lines = extractHead(doc, lines)
	}
	minRun := 30
	if doc.Source == brokenLinesSource {
		// This source broke lines around every wiki link, short ones too.
		minRun = 1
	}
	buildParagraphs(doc, joinBroken(stripChrome(lines), minRun))
	if doc.Title == "" {
		if len(doc.Paragraphs) == 0 {
			return nil, fmt.Errorf("文档 %s 既没有标题也没有正文", id)
		}
		rs := []rune(doc.Paragraphs[0].Text)
		doc.Title = string(rs[:min(len(rs), maxTitleRunes)])
	}
	fillDerived(&doc.Agency, &doc.DocType, doc.Title)
	return finish(doc)
}

// brokenLinesSource is the corpus source whose texts (from Wikisource)
// have line breaks around linked words inside sentences.
const brokenLinesSource = "wikisource_gwr_national"

// CheckID rejects ids that cannot be used in a URL path segment: a
// document must be reachable at /doc/{id} and deletable at
// /api/documents/{id}.
func CheckID(id string) error {
	if len(id) > 200 {
		return fmt.Errorf("id %q 超过 200 字节", id[:50]+"…")
	}
	if id == "." || id == ".." {
		return fmt.Errorf("id 不能是 %q（网址路径无法指向它）", id)
	}
	if strings.ContainsAny(id, "/?#%\\") || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fmt.Errorf("id %q 含有不允许的字符（/ ? # %% \\、空白或控制字符）", id)
	}
	if !utf8.ValidString(id) {
		return errors.New("id 不是有效的 UTF-8 文本")
	}
	return nil
}

// JSONProblem says what is wrong with a record's JSON in words a user
// reads (encoding/json names Go types).
func JSONProblem(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return fmt.Errorf("字段 %s 的值应为%s", te.Field, jsonKind(te.Type.Kind()))
	case errors.As(err, &te):
		return fmt.Errorf("应为 JSON 对象，收到的是%s", jsonValueName(te.Value))
	case errors.As(err, &se):
		return fmt.Errorf("语法错误（第 %d 字节附近）", se.Offset)
	}
	return err
}

// jsonValueName names a JSON value as encoding/json describes it
// ("number", "string" …).
func jsonValueName(v string) string {
	switch {
	case strings.HasPrefix(v, "number"):
		return "数字"
	case v == "string":
		return "字符串"
	case v == "array":
		return "数组"
	case v == "bool":
		return "true 或 false"
	}
	return v
}

// jsonKind names the JSON value a Go kind takes.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "字符串"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		return "数字"
	case reflect.Bool:
		return "true 或 false"
	case reflect.Slice:
		return "数组"
	}
	return "对象"
}
