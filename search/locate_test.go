package search

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// testParagraphs are the paragraphs of testDocument.
var testParagraphs = []string{
	"国务院关于深化“放管服”改革优化营商环境的意见",
	"一、总体要求",
	"以习近平新时代中国特色社会主义思想为指导，持续优化營商環境，推进政府职能转变。",
	"（一）深化简政放权。全面推行行政许可事项清单管理，2024年底前完成。",
	"第一条　为了规范政府信息公开，保障公民、法人和其他组织依法获取政府信息，制定本条例。",
	"各地区、各部门要加强组织领导，确保各项改革举措落地见效。ABC-123 公司拖欠工资的，依法处理。",
}

// testDocument is a document of testParagraphs, those numbered heads
// (0-based) headings, in sections.
func testDocument(sections []Section, heads ...int) *Document {
	d := &Document{ID: "x", Title: "关于优化营商环境的意见", Sections: sections}
	for i, text := range testParagraphs {
		d.Paragraphs = append(d.Paragraphs, Paragraph{Text: text, Heading: slices.Contains(heads, i)})
	}
	return d
}

// A stored document, decoded with its paragraphs' character filters,
// shows the same matches as the document it was made from.
func TestLocateWithCharFilters(t *testing.T) {
	d := testDocument([]Section{{ID: "x/s1", First: 1, Last: 1}, {ID: "x/s2", Path: []string{"一、总体要求"}, First: 2, Last: len(testParagraphs)}}, 1)
	_, stored := roundTrip(t, d)
	if stored.charsOf(0) == nil || d.charsOf(0) != nil {
		t.Fatal("filters: the decoded document should have them, the made one not")
	}
	found := 0
	for _, text := range []string{"营商环境", "放管服", `"政府信息公开"`, "优化 营商环境 改革", "公司拖欠工资怎么办", "abc", "2024年", "第一条", "规范 保障 制定 组织 领导 改革", "不存在的词"} {
		p, err := newPlan(mustParse(t, text), DefaultRanking())
		if err != nil {
			t.Fatal(err)
		}
		want := locateDoc(context.Background(), d, p)
		got := locateDoc(context.Background(), stored, p)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v with filters, %v without", text, got, want)
		}
		found += len(want)
	}
	if found < 10 {
		t.Fatalf("only %d matches in all: the queries find too little to compare", found)
	}
}

// A stored document, decoded with each paragraph's section, ranks the
// sections of its matches as the document it was made from, headings
// that go on with text and articles among them.
func TestSectionsOfStoredDocument(t *testing.T) {
	d := testDocument([]Section{
		{ID: "x/s1", First: 1, Last: 1},
		{ID: "x/s2", Path: []string{"一、总体要求"}, First: 2, Last: 3},
		{ID: "x/s3", Path: []string{"一、总体要求", "（一）深化简政放权"}, First: 4, Last: 4},
		{ID: "x/s4", Path: []string{"第一条"}, First: 5, Last: 6},
	}, 1, 3, 4)
	_, stored := roundTrip(t, d)
	for n := 0; n <= len(testParagraphs)+1; n++ {
		if got, want := stored.SectionOf(n), d.SectionOf(n); got != want {
			t.Errorf("paragraph %d: section %d stored, %d made", n, got, want)
		}
	}
	heads := 0
	for _, text := range []string{"营商环境", "深化简政放权", "第一条 政府信息", "总体要求 营商环境", "简政放权 改革", "优化"} {
		p, err := newPlan(mustParse(t, text), DefaultRanking())
		if err != nil {
			t.Fatal(err)
		}
		want := rankSectionsOf(d, locateDoc(context.Background(), d, p), p.clauses, p.roles).top(MaxSections)
		got := rankSectionsOf(stored, locateDoc(context.Background(), stored, p), p.clauses, p.roles).top(MaxSections)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: stored %v, made %v", text, got, want)
		}
		if len(want) == 0 {
			t.Errorf("%s: no section found", text)
		}
		for _, m := range rankSections(d, locateDoc(context.Background(), d, p), p.clauses) {
			heads += m.headHits
		}
	}
	if heads == 0 {
		t.Fatal("no match in a heading: the headings are not tested")
	}
}

// A section's spans are a window on the document's while they come one
// after the other, and a copy of their own once they do not; the
// document's spans are never written.
func TestSectionMatchSpans(t *testing.T) {
	spans := []Span{{Start: 0, End: 2}, {Start: 3, End: 5}, {Start: 10, End: 12}, {Start: 6, End: 8}, {Start: 20, End: 22}}
	orig := append([]Span(nil), spans...)
	var a, b sectionMatch
	a.add(spans, 0)
	a.add(spans, 1)
	b.add(spans, 2)
	a.add(spans, 3) // after b's: a copy
	a.add(spans, 4)
	if fmt.Sprint(a.spans) != fmt.Sprint([]Span{orig[0], orig[1], orig[3], orig[4]}) || !a.owned {
		t.Errorf("a: %v (owned %v)", a.spans, a.owned)
	}
	if fmt.Sprint(b.spans) != fmt.Sprint([]Span{orig[2]}) || b.owned {
		t.Errorf("b: %v (owned %v)", b.spans, b.owned)
	}
	if fmt.Sprint(spans) != fmt.Sprint(orig) {
		t.Errorf("the document's spans changed: %v, were %v", spans, orig)
	}
}
