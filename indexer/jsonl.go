package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
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
		return fmt.Errorf("year %s is not a number", b)
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
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("bad JSON: %w", err)
	}
	return FromRecord(&r)
}

// FromRecord turns a record into a document: metadata as given (the agency
// and type derived from the title where missing), the body cleaned of page
// chrome and split into sections.
func FromRecord(r *Record) (*search.Document, error) {
	id := strings.TrimSpace(r.ID)
	if id == "" {
		return nil, errors.New("record has no id")
	}
	if err := CheckID(id); err != nil {
		return nil, err
	}
	body := str(r.Body)
	if len(body) > MaxDocumentBytes {
		return nil, errTooLarge("the body of record "+id, len(body), MaxDocumentBytes)
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
		return nil, fmt.Errorf("record %s: date %q is not YYYY-MM-DD", id, str(r.Date))
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
			return nil, fmt.Errorf("record %s has neither title nor body", id)
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
		return fmt.Errorf("id %q is longer than 200 bytes", id[:50]+"…")
	}
	if id == "." || id == ".." {
		return fmt.Errorf("id %q is not allowed: a URL path cannot name it", id)
	}
	if strings.ContainsAny(id, "/?#%\\") || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fmt.Errorf("id %q contains a character not allowed in ids (/ ? # %% \\, spaces or control characters)", id)
	}
	if !utf8.ValidString(id) {
		return errors.New("id is not valid UTF-8")
	}
	return nil
}
