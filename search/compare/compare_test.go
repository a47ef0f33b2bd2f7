package compare

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
)

// Real documents: the test corpus, the bundled sample corpus and the
// versions in testdata/compare.
var testFiles = []string{
	"../../testdata/corpus/tests.jsonl",
	"../../cmd/gongkai/sample/sample.jsonl",
	"../../testdata/compare/lifafa.jsonl",
	"../../testdata/compare/minsu.jsonl",
}

var (
	linesOnce sync.Once
	lines     map[string][]byte // record lines by document id
	linesErr  error
	docsMu    sync.Mutex
	docs      = map[string]*search.Document{}
)

// idRe finds a record's id (the corpus writes it first).
var idRe = regexp.MustCompile(`^\{\s*"id":\s*"([^"]+)"`)

// doc returns a document of the test files by id. Records are parsed when
// first asked for: the files hold some 300 documents, the tests use a few.
func doc(t testing.TB, id string) *search.Document {
	t.Helper()
	linesOnce.Do(func() {
		lines = map[string][]byte{}
		for _, name := range testFiles {
			data, err := os.ReadFile(name)
			if err != nil {
				linesErr = err
				return
			}
			for _, l := range bytes.Split(data, []byte("\n")) {
				if m := idRe.FindSubmatch(l); m != nil {
					lines[string(m[1])] = l
				}
			}
		}
	})
	if linesErr != nil {
		t.Fatal(linesErr)
	}
	docsMu.Lock()
	defer docsMu.Unlock()
	if d, ok := docs[id]; ok {
		return d
	}
	l, ok := lines[id]
	if !ok {
		t.Fatalf("no document %s in the test files", id)
	}
	d, err := indexer.ParseRecord(l)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	docs[id] = d
	return d
}

// lastHeading is the last element of a section's path.
func lastHeading(r *SectionRef) string {
	if r == nil || len(r.Path) == 0 {
		return ""
	}
	return r.Path[len(r.Path)-1]
}

// findSection returns the section diff whose side A (or B) has the given
// last heading; "" for a side matches any.
func findSection(d *Diff, a, b string) *SectionDiff {
	for i := range d.Sections {
		s := &d.Sections[i]
		if (a == "" || lastHeading(s.A) == a) && (b == "" || lastHeading(s.B) == b) {
			return s
		}
	}
	return nil
}

func marked(segs []Segment, op string) []string {
	var out []string
	for _, s := range segs {
		if s.Op == op {
			out = append(out, s.Text)
		}
	}
	return out
}

func joined(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}

// The 2024 revision of 上海市优化营商环境条例 against the 2020 text.
func TestCompareShanghaiRegulation(t *testing.T) {
	old, rev := doc(t, "lrb-ecbaccb7f6"), doc(t, "lrb-6b9c8b2c12")
	d := Compare(old, rev)
	if d.A.ID != old.ID || d.B.ID != rev.ID || d.A.Date != "2020-04-10" || d.B.Date != "2024-09-27" {
		t.Fatalf("sides %+v %+v", d.A, d.B)
	}

	// An article the revision added: 第二十三条 on help after emergencies.
	s := findSection(d, "", "第二十三条")
	if s == nil || s.Op != Added || s.A != nil || len(s.Sentences) == 0 ||
		!strings.HasPrefix(s.Sentences[0].B.Text, "第二十三条 发生突发事件的") || s.Sentences[0].B.Paragraph != 57 {
		t.Errorf("2024 第二十三条 not shown as added: %+v", s)
	}
	// The old 第二十三条 (一网通办) lives on as 第二十四条, edited.
	if s := findSection(d, "第二十三条", "第二十四条"); s == nil || s.Op != Changed {
		t.Errorf("第二十三条 → 第二十四条: %+v", s)
	}

	// An article renumbered without a change: 第二十九条 (2020) is
	// 第三十条 (2024), word for word.
	s = findSection(d, "第二十九条", "")
	if s == nil || s.Op != Same || lastHeading(s.B) != "第三十条" || !s.Renumbered {
		t.Errorf("第二十九条 → 第三十条 not same and renumbered: %+v", s)
	} else {
		for _, x := range s.Sentences {
			if x.Op != Same || x.A == nil || x.B == nil {
				t.Errorf("sentence of an unchanged article: %+v", x)
			}
		}
		if !strings.HasPrefix(s.Sentences[0].A.Text, "第二十九条 本市实施政务服务“好差评”制度") ||
			!strings.HasPrefix(s.Sentences[0].B.Text, "第三十条 本市实施政务服务“好差评”制度") {
			t.Errorf("renumbered article's first sentence: %q / %q", s.Sentences[0].A.Text, s.Sentences[0].B.Text)
		}
	}
	// Chapter headings written 总则 and 总 则 are the same heading.
	if s := findSection(d, "第一章 总则", ""); s == nil || s.Op != Same {
		t.Errorf("第一章 总则: %+v", s)
	}

	// A sentence that was edited: 市场主体 became 经营主体 in 第二条.
	s = findSection(d, "第二条", "第二条")
	var edited *SentenceDiff
	if s != nil {
		for i := range s.Sentences {
			if x := &s.Sentences[i]; x.Op == Changed && strings.HasPrefix(x.A.Text, "本条例所称营商环境") {
				edited = x
			}
		}
	}
	if edited == nil {
		t.Fatalf("第二条's definition is not a changed sentence: %+v", s)
	}
	if got := marked(edited.A.Words, Removed); len(got) != 1 || got[0] != "市场主体" {
		t.Errorf("removed words %q, want [市场主体]", got)
	}
	if got := marked(edited.B.Words, Added); len(got) != 1 || got[0] != "经营主体" {
		t.Errorf("added words %q, want [经营主体]", got)
	}
	if joined(edited.A.Words) != edited.A.Text || joined(edited.B.Words) != edited.B.Text {
		t.Errorf("segments do not add up to the sentences")
	}
	if edited.A.Paragraph != 5 || edited.B.Paragraph != 8 {
		t.Errorf("paragraphs %d → %d, want 5 → 8", edited.A.Paragraph, edited.B.Paragraph)
	}
	// An insertion inside a sentence: 第一条 adds 全面提升上海城市软实力.
	s = findSection(d, "第一条", "第一条")
	if s == nil || s.Op != Changed {
		t.Fatalf("第一条: %+v", s)
	}
	if got := marked(s.Sentences[0].B.Words, Added); !slicesContain(got, "，全面提升上海城市软实力") {
		t.Errorf("第一条 added words %q", got)
	}
	// A renumbered, edited article keeps its numbers out of the word diff.
	s = findSection(d, "第二十四条", "第二十五条")
	if s == nil || s.Op != Changed || s.Sentences[0].Op != Changed {
		t.Fatalf("第二十四条 → 第二十五条: %+v", s)
	}
	if w := s.Sentences[0].A.Words[0]; w.Op != Same || !strings.HasPrefix(w.Text, "第二十四条") {
		t.Errorf("article number marked as a change: %+v", s.Sentences[0].A.Words)
	}

	// Every paragraph of both sides appears, in order, on its side.
	checkCoverage(t, d, old, rev)
	if d.Counts.Sections.Added == 0 || d.Counts.Sections.Same == 0 || d.Counts.Sentences.Changed == 0 || d.Approximate {
		t.Errorf("counts %+v approximate %v", d.Counts, d.Approximate)
	}
}

func slicesContain(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// checkCoverage checks that the sentences of each side, read in order,
// are the document's paragraphs in order, none lost or repeated.
func checkCoverage(t *testing.T, d *Diff, a, b *search.Document) {
	t.Helper()
	var ta, tb strings.Builder
	lastA, lastB := 0, 0
	for _, s := range d.Sections {
		for _, x := range s.Sentences {
			if x.A != nil {
				if x.A.Paragraph < lastA {
					t.Fatalf("side A goes back from paragraph %d to %d", lastA, x.A.Paragraph)
				}
				lastA = x.A.Paragraph
				ta.WriteString(x.A.Text)
			}
			if x.B != nil {
				if x.B.Paragraph < lastB {
					t.Fatalf("side B goes back from paragraph %d to %d", lastB, x.B.Paragraph)
				}
				lastB = x.B.Paragraph
				tb.WriteString(x.B.Text)
			}
		}
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if squash(ta.String()) != squash(strings.ReplaceAll(a.Body(), "\u3000", "")) {
		t.Errorf("side A does not read as document %s", a.ID)
	}
	if squash(tb.String()) != squash(strings.ReplaceAll(b.Body(), "\u3000", "")) {
		t.Errorf("side B does not read as document %s", b.ID)
	}
}

// 立法法 2015 → 2023: articles added, articles renumbered.
func TestCompareLegislationLaw(t *testing.T) {
	old, rev := doc(t, "lrb-7f023e7352"), doc(t, "lrb-99c87fbb5c")
	d := Compare(old, rev)
	// 基层立法联系点 came with the 2023 amendment.
	s := findSection(d, "", "第七十条")
	if s == nil || s.Op != Added || !strings.Contains(s.Sentences[0].B.Text, "基层立法联系点") {
		t.Errorf("第七十条 (基层立法联系点) not added: %+v", s)
	}
	// So did 监察法规, in the last chapter.
	s = findSection(d, "", "第一百一十八条")
	if s == nil || s.Op != Added || !strings.Contains(s.Sentences[0].B.Text, "监察法规") {
		t.Errorf("第一百一十八条 (监察法规) not added: %+v", s)
	}
	// 第十条 moved to 第十三条 unchanged.
	if s := findSection(d, "第十条", ""); s == nil || s.Op != Same || lastHeading(s.B) != "第十三条" || !s.Renumbered {
		t.Errorf("第十条 → 第十三条: %+v", s)
	}
	// 第五十二条: 立法规划、年度立法计划 became 立法规划和年度立法计划.
	s = findSection(d, "第五十二条", "第五十六条")
	if s == nil || s.Op != Changed {
		t.Fatalf("第五十二条 → 第五十六条: %+v", s)
	}
	checkCoverage(t, d, old, rev)
}

// A 61,000-character judicial interpretation against its amendment: the
// articles on small claims that the amendment deleted are removed, and the
// whole comparison is exact (no greedy stretch).
func TestCompareLongInterpretation(t *testing.T) {
	old, rev := doc(t, "lrb-e1f3df84fb"), doc(t, "lrb-6c658c3428")
	if n := len([]rune(old.Body())); n < 50000 {
		t.Fatalf("only %d characters", n)
	}
	d := Compare(old, rev)
	s := findSection(d, "第二百七十四条", "")
	if s == nil || s.Op != Removed || !strings.Contains(s.Sentences[0].A.Text, "适用小额诉讼程序审理") {
		t.Errorf("第二百七十四条 (小额诉讼) not removed: %+v", s)
	}
	if d.Counts.Sections.Same < 300 {
		t.Errorf("only %d unchanged sections of ~550", d.Counts.Sections.Same)
	}
	checkCoverage(t, d, old, rev)
}

// A document compared with itself is all same.
func TestCompareIdentical(t *testing.T) {
	a := doc(t, "lrb-f8f91e3033")
	d := Compare(a, a)
	if d.Counts.Sections.Changed+d.Counts.Sections.Added+d.Counts.Sections.Removed != 0 ||
		d.Counts.Sentences.Changed+d.Counts.Sentences.Added+d.Counts.Sentences.Removed != 0 || d.Counts.Sections.Same != len(a.Sections) {
		t.Errorf("identical documents: %+v", d.Counts)
	}
	// The two records of 居民身份证法 in the corpus are the same text.
	d = Compare(a, doc(t, "lrb-0f27a707be"))
	if d.Counts.Sentences.Changed+d.Counts.Sentences.Added+d.Counts.Sentences.Removed != 0 {
		t.Errorf("duplicate records differ: %+v", d.Counts)
	}
}

// Two work reports: review pairs with review, plan with plan, whatever
// their headings share.
func TestCompareWorkReportsAlignsRoles(t *testing.T) {
	d := Compare(doc(t, "gwrp2025-e6348d38"), doc(t, "gwrp2026-e6348d38"))
	s := findSection(d, "一、2024年工作回顾", "")
	if s == nil || s.B == nil || lastHeading(s.B) != "一、2025年和“十四五”时期工作回顾" {
		t.Errorf("the reviews are not aligned: %+v", s)
	}
	for _, s := range d.Sections {
		if s.A != nil && s.B != nil && reportRole(s.A.Role) && reportRole(s.B.Role) && s.A.Role != s.B.Role {
			t.Errorf("%v (%s) aligned with %v (%s)", s.A.Path, s.A.Role, s.B.Path, s.B.Role)
		}
	}
	if d.Plans == nil || d.Plans.Older.Year != 2025 || d.Plans.Newer.Year != 2026 {
		t.Fatalf("plans: %+v", d.Plans)
	}
}

// The JSON answer: field names of the API.
func TestDiffJSON(t *testing.T) {
	d := Compare(doc(t, "lrb-ecbaccb7f6"), doc(t, "lrb-6b9c8b2c12"))
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b", "counts", "sections"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if _, ok := m["plans"]; ok {
		t.Error("regulations have no plans, yet the JSON has them")
	}
	sec := m["sections"].([]any)[1].(map[string]any)
	for _, k := range []string{"op", "a", "b", "sentences"} {
		if _, ok := sec[k]; !ok {
			t.Errorf("section lacks %q: %v", k, sec)
		}
	}
	for _, want := range []string{`"op":"changed"`, `"op":"added"`, `"op":"removed"`, `"words":[`, `"paragraph":`, `"renumbered":true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	for in, want := range map[string][]string{
		"第一条 为了规范。本法所称“营商环境”。": {"第一条 为了规范。", "本法所称“营商环境”。"},
		"他说：“好。”然后走了；再见！":      {"他说：“好。”", "然后走了；", "再见！"},
		"（一）买卖合同、借款合同纠纷；（二）其他": {"（一）买卖合同、借款合同纠纷；", "（二）其他"},
		"  没有句号的标题  ":          {"没有句号的标题"},
		"增长5%左右。。":             {"增长5%左右。。"},
		"":                     nil,
	} {
		got := splitSentences(in)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("splitSentences(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStripLabel(t *testing.T) {
	for in, want := range map[string]string{
		"第三十条 本市实施":   "本市实施",
		"第二章  市场环境":   "市场环境",
		"一、2024年工作回顾": "2024年工作回顾",
		"（二）着力扩大内需":   "着力扩大内需",
		"3. 推进改革":     "推进改革",
		"3.5万人":       "3.5万人",
		"本市实施":        "本市实施",
	} {
		if got := stripLabel(in); got != want {
			t.Errorf("stripLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWordDiff(t *testing.T) {
	a, b := wordDiff("本市加强知识产权保护工作。", "本市强化知识产权保护工作，加大执法力度。")
	if joined(a) != "本市加强知识产权保护工作。" || joined(b) != "本市强化知识产权保护工作，加大执法力度。" {
		t.Fatalf("segments %q / %q", a, b)
	}
	if got := marked(a, Removed); strings.Join(got, "|") != "加强" {
		t.Errorf("removed %q", got)
	}
	if got := marked(b, Added); strings.Join(got, "|") != "强化|，加大执法力度" {
		t.Errorf("added %q", got)
	}
	// Width variants of punctuation are not changes.
	a, b = wordDiff("中国(上海)自由贸易试验区", "中国（上海）自由贸易试验区")
	if len(marked(a, Removed))+len(marked(b, Added)) != 0 {
		t.Errorf("width change marked: %q / %q", a, b)
	}
}

// Texts that differ only in full-width and ASCII punctuation between
// clauses (；and ;) are the same text, not changed sentences.
func TestCompareASCIISemicolon(t *testing.T) {
	mk := func(id, body string) *search.Document {
		d, err := indexer.FromRecord(&indexer.Record{ID: id, Title: ptrTo("学校安全条例"), Body: ptrTo(body)})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a := mk("a", "第十条 学校应当告知学生可能造成伤害的危险；按照学生不同年龄开展安全教育，建立规章制度。")
	b := mk("b", "第十条 学校应当告知学生可能造成伤害的危险;按照学生不同年龄开展安全教育，建立规章制度。")
	d := Compare(a, b)
	if n := d.Counts.Sentences.Changed + d.Counts.Sentences.Added + d.Counts.Sentences.Removed; n != 0 {
		t.Errorf("；against ; : %+v", d.Counts)
	}
}

func ptrTo(s string) *string { return &s }
