package indexer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/gongkai/gongkai/search"
)

// MaxDocumentBytes is the largest document body gongkai indexes, in bytes
// of UTF-8 text. A larger record or file is reported and skipped, never
// cut short: an index that silently holds half a document would cite it
// wrongly.
const MaxDocumentBytes = 8 << 20

// MaxPageBytes is the largest HTML or text page read; markup makes a page
// larger than its text.
const MaxPageBytes = 4 * MaxDocumentBytes

// maxRecordBytes bounds one JSONL line (JSON escapes make a record larger
// than its text).
const maxRecordBytes = 4 * MaxDocumentBytes

// errTooLarge says what was too large, by how much, and what the limit is.
func errTooLarge(what string, size, limit int) error {
	return fmt.Errorf("%s有 %.1f MB，超过 %d MB 的上限，未索引", what, float64(size)/(1<<20), limit>>20)
}

// stripControls drops control characters (C0 but tab and newline, DEL,
// C1) that documents sometimes carry from their sources: they have no
// meaning in text and must not reach pages or terminals.
func stripControls(s string) string {
	if strings.IndexFunc(s, isStrayControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isStrayControl(r) {
			return -1
		}
		return r
	}, s)
}

func isStrayControl(r rune) bool {
	return r != '\n' && r != '\t' && r != '\r' && unicode.IsControl(r)
}

// finish checks and tidies a parsed document: control characters out of
// every field, the size limit, and a year for an undated document when
// its title or opening states one.
func finish(doc *search.Document) (*search.Document, error) {
	for _, p := range []*string{&doc.Title, &doc.Agency, &doc.DocNumber, &doc.Category, &doc.Subcategory, &doc.DocType,
		&doc.Region, &doc.IndexNumber, &doc.SourceURL, &doc.Source} {
		*p = strings.TrimSpace(stripControls(*p))
	}
	size := 0
	for i := range doc.Paragraphs {
		doc.Paragraphs[i].Text = stripControls(doc.Paragraphs[i].Text)
		size += len(doc.Paragraphs[i].Text) + 1
	}
	for i := range doc.Sections {
		for j := range doc.Sections[i].Path {
			doc.Sections[i].Path[j] = stripControls(doc.Sections[i].Path[j])
		}
	}
	if size > MaxDocumentBytes {
		return nil, errTooLarge("文档 "+doc.ID+" ", size, MaxDocumentBytes)
	}
	inferYear(doc)
	return doc, nil
}

var (
	titleYearRe = regexp.MustCompile(`^(19[4-9]\d|20\d\d)年`)
	// bodyDateRe finds the dates of the note that opens laws and
	// regulations: （2013年4月26日…通过 根据2019年…修正）.
	bodyDateRe = regexp.MustCompile(`(19[4-9]\d|20\d\d)年\d{1,2}月\d{1,2}日`)
)

// inferYear gives an undated document without a year the year its title
// starts with (2025年…政府工作报告), else the latest date of the note
// that opens its body (adopted, amended, published), and records where
// the year came from.
func inferYear(doc *search.Document) {
	if doc.Date != "" || doc.Year != 0 {
		return
	}
	if m := titleYearRe.FindStringSubmatch(doc.Title); m != nil {
		doc.Year, _ = strconv.Atoi(m[1])
		doc.YearFrom = search.YearFromTitle
		return
	}
	for i, p := range doc.Paragraphs {
		if i >= 3 {
			break
		}
		text := p.Text
		if !strings.ContainsAny(text, "（(") || !(strings.Contains(text, "通过") || strings.Contains(text, "公布") ||
			strings.Contains(text, "修正") || strings.Contains(text, "修订") || strings.Contains(text, "施行") || strings.Contains(text, "发布")) {
			continue
		}
		best := 0
		for _, m := range bodyDateRe.FindAllStringSubmatch(text, -1) {
			if y, _ := strconv.Atoi(m[1]); y > best {
				best = y
			}
		}
		if best > 0 {
			doc.Year = best
			doc.YearFrom = search.YearFromBody
			return
		}
	}
}
