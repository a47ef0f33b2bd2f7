package indexer

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/search"
)

// setMeta stores a metadata value in doc unless the field is already set.
func setMeta(doc *search.Document, field, value string) {
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	switch field {
	case "date":
		set(&doc.Date, normDate(value))
	case "date_written":
		set(&doc.DateWritten, normDate(value))
	case "doc_number":
		set(&doc.DocNumber, value)
	case "index_number":
		set(&doc.IndexNumber, value)
	case "agency":
		set(&doc.Agency, value)
	case "title":
		set(&doc.Title, value)
	case "subcategory":
		set(&doc.Subcategory, value)
	case "category":
		set(&doc.Category, value)
	}
}

// maxTitleRunes is the longest line taken for a page title.
const maxTitleRunes = 100

// extractHead reads page metadata from the top of a page's lines — the
// breadcrumb (category), lines such as 日期:2023-03-23 or 发文字号：…, and the
// title — into doc, and returns the remaining lines. A title already set
// in doc is only removed from the text.
func extractHead(doc *search.Document, lines []string) []string {
	out := make([]string, 0, len(lines))
	titleDone := false
	for i, l := range lines {
		if i >= headLines {
			out = append(out, lines[i:]...)
			break
		}
		if breadcrumbRe.MatchString(l) {
			setMeta(doc, "category", categoryFromBreadcrumb(l))
			continue
		}
		if f, v, ok := metaLine(l); ok {
			setMeta(doc, f, v)
			continue
		}
		if isChrome(l) || headMetaRe.MatchString(l) || timeLineRe.MatchString(l) {
			continue
		}
		if !titleDone {
			if doc.Title == "" && utf8.RuneCountInString(l) <= maxTitleRunes {
				last, _ := utf8.DecodeLastRuneInString(l)
				if last != '。' && last != '；' && last != '：' && last != ':' {
					doc.Title = l
					titleDone = true
					continue
				}
			}
			if l == doc.Title {
				titleDone = true
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

// ParseText parses a page saved as plain text (like the seed page): a
// breadcrumb, the title, metadata lines and the body, with page chrome
// around them. id names the document.
func ParseText(id, text string) (*search.Document, error) {
	if !utf8.ValidString(text) {
		return nil, errors.New("文本不是有效的 UTF-8 编码")
	}
	text = strings.TrimPrefix(text, "\ufeff")
	doc := &search.Document{ID: id}
	lines := extractHead(doc, rawLines(text))
	buildParagraphs(doc, joinBroken(stripChrome(lines), 30))
	if doc.Title == "" || len(doc.Paragraphs) == 0 {
		return nil, errors.New("没有找到标题或正文")
	}
	fillDerived(&doc.Agency, &doc.DocType, doc.Title)
	return finish(doc)
}
