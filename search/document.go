package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
)

// Document is one disclosed item: its metadata and its body as numbered
// paragraphs grouped into sections.
type Document struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Agency      string `json:"agency,omitempty"`
	DocNumber   string `json:"doc_number,omitempty"`
	Date        string `json:"date,omitempty"`         // publication date, YYYY-MM-DD
	DateWritten string `json:"date_written,omitempty"` // 成文日期, YYYY-MM-DD
	// Year is the year the document is about when it has no date (older
	// work reports); otherwise the year of Date.
	Year int `json:"year,omitempty"`
	// YearFrom says where Year came from when the source gave none:
	// YearFromTitle or YearFromBody.
	YearFrom    string `json:"year_from,omitempty"`
	DocType     string `json:"doc_type,omitempty"` // 文种: 通知, 意见, 报告 …
	Category    string `json:"category,omitempty"`
	Subcategory string `json:"subcategory,omitempty"`
	Region      string `json:"region,omitempty"`
	IndexNumber string `json:"index_number,omitempty"` // 索引号
	SourceURL   string `json:"source_url,omitempty"`
	// Source names where the document came from (a corpus source or a file).
	Source string `json:"source,omitempty"`

	// Paragraphs are the lines of the body in order; paragraph N (as in
	// the anchor #p-N) is Paragraphs[N-1].
	Paragraphs []Paragraph `json:"paragraphs"`
	// Sections cover the paragraphs in order, without gaps.
	Sections []Section `json:"sections"`

	// sectionChars is the number of characters of each section, counted
	// once when a stored document is decoded (engines keep decoded
	// documents and show them again and again); nil for documents made
	// otherwise, whose sections sectionLen counts when asked.
	sectionChars []int
	// paraChars filters the characters of each paragraph, made with
	// sectionChars: locating a query skips most paragraphs without
	// reading them.
	paraChars []analyzer.CharFilter
	// paraStarts is ParagraphStarts, made with sectionChars.
	paraStarts []int
	// paraUnits remembers where the units of each paragraph are kept,
	// made with sectionChars.
	paraUnits []analyzer.UnitSlot
	// paraSection is SectionOf each paragraph (0-based), made with
	// sectionChars: ranking sections asks it for every paragraph that
	// holds a match, and the binary search read a section at every step.
	paraSection []int32
}

// charsOf returns the character filter of paragraph i (0-based), or nil.
func (d *Document) charsOf(i int) *analyzer.CharFilter {
	if len(d.paraChars) != len(d.Paragraphs) {
		return nil
	}
	return &d.paraChars[i]
}

// sectionLen returns the number of characters of section i.
func (d *Document) sectionLen(i int) int {
	if len(d.sectionChars) == len(d.Sections) {
		return d.sectionChars[i]
	}
	return d.countSection(i)
}

func (d *Document) countSection(i int) int {
	n := 0
	sec := d.Sections[i]
	for p := max(sec.First, 1); p <= sec.Last && p <= len(d.Paragraphs); p++ {
		n += utf8.RuneCountInString(d.Paragraphs[p-1].Text)
	}
	return n
}

// countSections fills sectionChars, paraChars and paraStarts.
func (d *Document) countSections() {
	d.sectionChars = make([]int, len(d.Sections))
	for i := range d.Sections {
		d.sectionChars[i] = d.countSection(i)
	}
	d.paraChars = make([]analyzer.CharFilter, len(d.Paragraphs))
	for i, p := range d.Paragraphs {
		d.paraChars[i] = analyzer.NewCharFilter(p.Text)
	}
	d.paraStarts = d.paragraphStarts()
	d.paraUnits = make([]analyzer.UnitSlot, len(d.Paragraphs))
	d.paraSection = make([]int32, len(d.Paragraphs))
	for i := range d.paraSection {
		d.paraSection[i] = int32(d.sectionOf(i + 1))
	}
}

// knownUnits returns the units of paragraph i (0-based) when they are
// kept (see analyzer.Units).
func (d *Document) knownUnits(i int) ([]analyzer.Unit, bool) {
	if len(d.paraUnits) != len(d.Paragraphs) {
		return analyzer.KnownUnits(d.Paragraphs[i].Text)
	}
	return d.paraUnits[i].Known(d.Paragraphs[i].Text)
}

// units returns the units of paragraph i (0-based), as analyzer.Units.
func (d *Document) units(i int) []analyzer.Unit {
	if len(d.paraUnits) != len(d.Paragraphs) {
		return analyzer.Units(d.Paragraphs[i].Text)
	}
	return d.paraUnits[i].Units(d.Paragraphs[i].Text)
}

// Paragraph is one line of a document body.
type Paragraph struct {
	Text string `json:"text"`
	// Heading marks a line that opens a section (一、… / 第一条 …).
	Heading bool `json:"heading,omitempty"`
}

// Section is a run of paragraphs under one heading path.
type Section struct {
	// ID is stable for the same text: the document id and the section's
	// ordinal ("govcn-5365945/s3").
	ID string `json:"id"`
	// Path is the chain of headings from the outermost, e.g.
	// ["一、主要举措和成效", "(二)健全政府机构职能体系…"]. The part before the
	// first heading has an empty path.
	Path []string `json:"path"`
	// First and Last are the paragraph numbers (1-based, inclusive).
	First int `json:"first"`
	Last  int `json:"last"`
	// Role is what the section does in a report: RoleReview, RoleProblem,
	// RolePlan or RoleOther.
	Role string `json:"role,omitempty"`
	// Year is the year a review, problem or plan section is about.
	Year int `json:"year,omitempty"`
}

// Where the year of an undated document was read.
const (
	YearFromTitle = "title" // the title starts with it (2025年…)
	YearFromBody  = "body"  // the note that opens the body dates it
)

// Section roles.
const (
	RoleReview  = "review"  // 回顾/成效: what was done
	RoleProblem = "problem" // 问题: shortcomings
	RolePlan    = "plan"    // 打算/任务: what is promised
	RoleOther   = "other"
)

// RoleNames are the Chinese names of the roles, as the pages show them.
var RoleNames = map[string]string{RoleReview: "回顾", RoleProblem: "问题", RolePlan: "打算", RoleOther: "其他"}

// Body returns the text that is indexed for the document: its paragraphs
// joined by newlines. Match offsets refer to this text.
func (d *Document) Body() string {
	n := 0
	for _, p := range d.Paragraphs {
		n += len(p.Text) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range d.Paragraphs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// ParagraphStarts returns the byte offset in Body of every paragraph. A
// stored document's are counted once, when it is decoded, and shared: the
// result must not be modified.
func (d *Document) ParagraphStarts() []int {
	if len(d.paraStarts) == len(d.Paragraphs) {
		return d.paraStarts
	}
	return d.paragraphStarts()
}

func (d *Document) paragraphStarts() []int {
	starts := make([]int, len(d.Paragraphs))
	off := 0
	for i, p := range d.Paragraphs {
		starts[i] = off
		off += len(p.Text) + 1
	}
	return starts
}

// Headings returns the heading lines of the document joined by newlines.
func (d *Document) Headings() string {
	var b strings.Builder
	for _, p := range d.Paragraphs {
		if p.Heading {
			b.WriteString(p.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// SectionOf returns the index in Sections of the section holding paragraph
// number n (1-based), or -1.
func (d *Document) SectionOf(n int) int {
	if len(d.paraSection) == len(d.Paragraphs) && n >= 1 && n <= len(d.Paragraphs) {
		return int(d.paraSection[n-1])
	}
	return d.sectionOf(n)
}

func (d *Document) sectionOf(n int) int {
	lo, hi := 0, len(d.Sections)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		s := d.Sections[mid]
		switch {
		case n < s.First:
			hi = mid - 1
		case n > s.Last:
			lo = mid + 1
		default:
			return mid
		}
	}
	return -1
}

// Hash returns a digest of everything indexed about the document. Two
// documents with the same hash index identically, so a reindex can skip it.
func (d *Document) Hash() string {
	b, _ := json.Marshal(d)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// YearOf returns the year of the document: from its date, else Year.
func (d *Document) YearOf() int {
	if len(d.Date) >= 4 {
		y := 0
		for _, c := range d.Date[:4] {
			if c < '0' || c > '9' {
				return d.Year
			}
			y = y*10 + int(c-'0')
		}
		return y
	}
	return d.Year
}

// Citation returns the citation of paragraph n in the form journalists use:
// 《title》（agency，doc number，date）section path 第N段.
func (d *Document) Citation(n int) string {
	var b strings.Builder
	b.WriteString("《" + d.Title + "》")
	var meta []string
	for _, s := range []string{d.Agency, d.DocNumber, d.Date} {
		if s != "" {
			meta = append(meta, s)
		}
	}
	if len(meta) > 0 {
		b.WriteString("（" + strings.Join(meta, "，") + "）")
	}
	if si := d.SectionOf(n); si >= 0 && len(d.Sections[si].Path) > 0 {
		b.WriteString(strings.Join(d.Sections[si].Path, " › ") + " ")
	}
	b.WriteString("第" + strconv.Itoa(n) + "段")
	return b.String()
}
