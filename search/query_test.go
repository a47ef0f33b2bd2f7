package search

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in       string
		groups   [][]Term
		excluded []Term
		filters  Filters
		question bool
	}{
		{in: "营商环境 法治", groups: [][]Term{{{Text: "营商环境"}}, {{Text: "法治"}}}},
		{in: `"双随机、一公开" year:2019`, groups: [][]Term{{{Text: "双随机、一公开", Phrase: true}}}, filters: Filters{Year: []int{2019}}},
		{in: "“双随机、一公开”", groups: [][]Term{{{Text: "双随机、一公开", Phrase: true}}}},
		{in: "放管服 OR 简政放权 -疫情 -\"新冠 肺炎\"", groups: [][]Term{{{Text: "放管服"}, {Text: "简政放权"}}},
			excluded: []Term{{Text: "疫情"}, {Text: "新冠 肺炎", Phrase: true}}},
		{in: "机关:九龙坡区 文种:报告 年份:2022年 文号:国发〔2019〕5号 标题:法治", filters: Filters{Agency: []string{"九龙坡区"}, DocType: []string{"报告"}, Year: []int{2022}, DocNum: []string{"国发〔2019〕5号"}, Title: []string{"法治"}}},
		{in: "agency：重庆 from:2022-01 to:2022", filters: Filters{Agency: []string{"重庆"}, From: "2022-01-01", To: "2022-12-31"}},
		{in: "机关:=国务院 agency:=\"国务院 办公厅\"", filters: Filters{AgencyExact: []string{"国务院", "国务院 办公厅"}}},
		{in: "from:2022年3月1日 to:2022-02", filters: Filters{From: "2022-03-01", To: "2022-02-28"}},
		{in: "公司不给加班费怎么办", groups: [][]Term{{{Text: "公司不给加班费怎么办"}}}, question: true},
		{in: "公司 不给加班费 怎么办", groups: [][]Term{{{Text: "公司"}}, {{Text: "不给加班费"}}, {{Text: "怎么办"}}}, question: true},
		{in: "加班费 怎么办 year:2020", groups: [][]Term{{{Text: "加班费"}}, {{Text: "怎么办"}}}, filters: Filters{Year: []int{2020}}},
		{in: "国发〔2019〕5号", groups: [][]Term{{{Text: "国发〔2019〕5号"}}}},
		{in: "http://www.gov.cn", groups: [][]Term{{{Text: "http://www.gov.cn"}}}},
		{in: `title:"优化营商环境条例"`, filters: Filters{Title: []string{"优化营商环境条例"}}},
		{in: "营商环境 ， 法治", groups: [][]Term{{{Text: "营商环境"}}, {{Text: "法治"}}}},
		{in: "Guide - Methods", groups: [][]Term{{{Text: "Guide"}}, {{Text: "Methods"}}}},
	}
	for _, c := range cases {
		q, err := Parse(c.in)
		if err != nil {
			if c.filters.From > c.filters.To && c.filters.To != "" {
				continue
			}
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(q.Groups, c.groups) || !reflect.DeepEqual(q.Excluded, c.excluded) ||
			!reflect.DeepEqual(q.Filters, c.filters) || q.Question != c.question {
			t.Errorf("Parse(%q) = groups %v excluded %v filters %+v question %v", c.in, q.Groups, q.Excluded, q.Filters, q.Question)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "请输入",
		"   ":                     "请输入",
		`"未闭合的引号`:                 "引号",
		"OR 放管服":                  "OR",
		"放管服 OR OR 简政放权":          "OR",
		"-疫情":                     "排除",
		"year:abc":                "年份",
		"from:2022-02-30":         "日期",
		"to:2022/13":              "日期",
		"from:2023-01-01 to:2022": "日期范围",
		"-year:2020":              "取反",
		`""`:                      "引号",
		"。，、":                     "可检索",
		strings.Repeat("长", 501):  "过长",
	} {
		_, err := Parse(in)
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%.20q) = %v, want a QueryError", in, err)
			continue
		}
		if !strings.Contains(qe.Msg, want) {
			t.Errorf("Parse(%.20q) says %q, want it to mention %q", in, qe.Msg, want)
		}
	}
}

func TestCanonicalDocNum(t *testing.T) {
	for _, in := range []string{"国发〔2019〕5号", "国发[2019]5号", "国发(2019)5号", "国发（2019）5号", "国发［2019］5号", "国发【2019】5号", "国发 〔2019〕 5号", "国发〔２０１９〕５号"} {
		got, ok := CanonicalDocNum(in)
		if !ok || got != "国发〔2019〕5号" {
			t.Errorf("CanonicalDocNum(%q) = %q, %v", in, got, ok)
		}
	}
	if got, ok := CanonicalDocNum("国办发明电〔2018〕15号"); !ok || got != "国办发明电〔2018〕15号" {
		t.Errorf("国办发明电: %q %v", got, ok)
	}
	if _, ok := CanonicalDocNum("国令第707号"); !ok {
		t.Error("国令第707号 is a document number")
	}
	if _, ok := CanonicalDocNum("营商环境"); ok {
		t.Error("营商环境 is not a document number")
	}
}

func TestSnippet(t *testing.T) {
	text := "一是持续优化法治化营商环境。积极争创营商环境创新试点市级示范区,牵头出台区营商环境创新试点实施方案。"
	span := func(s string, nth int) Span {
		i := -1
		for k := 0; k <= nth; k++ {
			i += 1 + strings.Index(text[i+1:], s)
		}
		return Span{Start: i, End: i + len(s)}
	}
	got := Snippet(text, []Span{span("营商", 0), span("商环", 0), span("环境", 0)}, 200)
	if want := "一是持续优化法治化<mark>营商环境</mark>。积极争创营商环境创新试点市级示范区,牵头出台区营商环境创新试点实施方案。"; got != want {
		t.Errorf("overlapping spans: %s", got)
	}
	// A long text is cut around the match, at sentence ends, with ellipses.
	long := strings.Repeat("前文前文前文前文。", 30) + "关键句里有放管服改革。" + strings.Repeat("后文后文后文后文。", 30)
	i := strings.Index(long, "放管服")
	got = Snippet(long, []Span{{Start: i, End: i + len("放管服")}}, 60)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, "关键句里有<mark>放管服</mark>改革。") {
		t.Errorf("long snippet: %s", got)
	}
	if strings.Contains(got, "前文前文前文前文前文") {
		t.Errorf("snippet did not start at a sentence: %s", got)
	}
	// Text is escaped.
	got = Snippet("a<b>&放管服", []Span{{Start: 5, End: 5 + len("放管服")}}, 50)
	if got != "a&lt;b&gt;&amp;<mark>放管服</mark>" {
		t.Errorf("escaping: %s", got)
	}
}

func TestCitation(t *testing.T) {
	d := &Document{ID: "x", Title: "关于某事的通知", Agency: "国务院办公厅", DocNumber: "国办发〔2019〕1号", Date: "2019-01-02",
		Paragraphs: []Paragraph{{Text: "前言"}, {Text: "一、总则", Heading: true}, {Text: "正文"}},
		Sections:   []Section{{ID: "x/s1", Path: []string{}, First: 1, Last: 1}, {ID: "x/s2", Path: []string{"一、总则"}, First: 2, Last: 3}}}
	if got, want := d.Citation(3), "《关于某事的通知》（国务院办公厅，国办发〔2019〕1号，2019-01-02）一、总则 第3段"; got != want {
		t.Errorf("Citation = %q, want %q", got, want)
	}
}

// roundTrip returns d's stored form and the document decoded from it.
func roundTrip(t *testing.T, d *Document) ([]byte, *Document) {
	t.Helper()
	b, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Document
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	return b, &got
}

// mustParse parses text or fails the test.
func mustParse(t *testing.T, text string) *Query {
	t.Helper()
	q, err := Parse(text)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	return q
}

func TestDocumentBinary(t *testing.T) {
	d := &Document{ID: "x", Title: "关于某事的通知", Agency: "国务院办公厅", Year: 2019, Date: "2019-01-02",
		Paragraphs: []Paragraph{{Text: "前言"}, {Text: "一、总则", Heading: true}, {Text: "正文\n含换行"}},
		Sections:   []Section{{ID: "x/s1", Path: []string{}, First: 1, Last: 1}, {ID: "x/s2", Path: []string{"一、总则"}, First: 2, Last: 3, Role: RolePlan, Year: 2024}}}
	b, got := roundTrip(t, d)
	if got.Hash() != d.Hash() {
		t.Errorf("round trip changed the document: %+v", got)
	}
	// Section lengths in characters, counted once at decoding.
	for i, want := range []int{2, 10} {
		if got.sectionLen(i) != want || d.sectionLen(i) != want || len(got.sectionChars) != 2 {
			t.Errorf("section %d: %d characters decoded, %d counted, want %d", i, got.sectionLen(i), d.sectionLen(i), want)
		}
	}
	for cut := 0; cut < len(b); cut += 7 {
		var x Document
		if err := x.UnmarshalBinary(b[:cut]); err == nil {
			t.Errorf("truncated at %d decodes without error", cut)
		}
	}
}

func TestParseParts(t *testing.T) {
	q, err := Parse(`营商环境  机关:=国务院 ＂放管服＂ -疫情 年份：2022`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range q.Parts {
		got = append(got, p.Field+"|"+p.Value+"|"+p.Text)
	}
	want := []string{"|营商环境|营商环境", "agency|=国务院|机关:=国务院", "|放管服|＂放管服＂", "|疫情|-疫情", "year|2022|年份：2022"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parts = %q, want %q", got, want)
	}
	if w := q.Without(1); w != `营商环境 ＂放管服＂ -疫情 年份：2022` {
		t.Errorf("Without(agency) = %q", w)
	}
	for i, p := range q.Parts {
		if q.Raw[p.Start:p.End] != p.Text {
			t.Errorf("part %d: offsets %d-%d do not give %q", i, p.Start, p.End, p.Text)
		}
	}
}

func TestSyntaxHelpNamesEveryFilter(t *testing.T) {
	help := SyntaxHelp()
	for _, f := range FilterSpecs() {
		for _, n := range f.Names {
			if !strings.Contains(help, n+":") {
				t.Errorf("help lacks %s:", n)
			}
			if _, err := Parse(n + ":" + strings.SplitN(f.Example, ":", 2)[1]); err != nil {
				t.Errorf("example of %s does not parse under name %s: %v", f.Name, n, err)
			}
		}
	}
}

// FuzzParse: the parser never panics, and what it accepts it can account
// for: every part's text is where its offsets say.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"营商环境 法治", `"双随机、一公开" year:2019`, "放管服 OR 简政放权 -疫情", "机关:=国务院 from:2022-01 to:2022",
		strings.Repeat("的 ", 249), strings.Repeat("的 OR ", 99) + "的", `"未闭合`, "-", "OR", "：", "year:", "＂＂", "\x00\x1b[31m", "\xff\xfe",
		"title:\"\" agency:=", "role:打算 类型:问题", strings.Repeat("很长", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Msg == "" {
				t.Fatalf("Parse(%q): %v is not a QueryError with a message", s, err)
			}
			return
		}
		for _, p := range q.Parts {
			if p.Start < 0 || p.End > len(s) || p.Start > p.End || s[p.Start:p.End] != p.Text {
				t.Fatalf("Parse(%q): part %+v does not match its offsets", s, p)
			}
		}
		if len(q.Groups) == 0 && q.Filters.Empty() {
			t.Fatalf("Parse(%q) accepted a query with nothing to search", s)
		}
	})
}

func TestQuotesCloseWithTheirOwnKind(t *testing.T) {
	q, err := Parse(`"深化“放管服”改革" 分类:政府工作报告`)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Groups) != 1 || q.Groups[0][0].Text != "深化“放管服”改革" || !q.Groups[0][0].Phrase {
		t.Errorf("groups %+v", q.Groups)
	}
	if !reflect.DeepEqual(q.Filters.Category, []string{"政府工作报告"}) {
		t.Errorf("category %v", q.Filters.Category)
	}
}
