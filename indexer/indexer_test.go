package indexer

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gongkai/gongkai/search"
)

const corpus = "../testdata/corpus/"

// record returns the test-subset record with the given id.
func record(t *testing.T, id string) *search.Document {
	t.Helper()
	f, err := os.Open(corpus + "tests.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if !bytes.Contains(sc.Bytes(), []byte(`"id": "`+id+`"`)) && !bytes.Contains(sc.Bytes(), []byte(`"id":"`+id+`"`)) {
			continue
		}
		doc, err := ParseRecord(sc.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return doc
	}
	t.Fatalf("no record %s in the test subset", id)
	return nil
}

// sectionWith returns the section holding the first paragraph that
// contains text.
func sectionWith(t *testing.T, d *search.Document, text string) (search.Section, int) {
	t.Helper()
	for i, p := range d.Paragraphs {
		if strings.Contains(p.Text, text) {
			return d.Sections[d.SectionOf(i+1)], i + 1
		}
	}
	t.Fatalf("%s: no paragraph contains %q", d.ID, text)
	return search.Section{}, 0
}

func TestSeedPage(t *testing.T) {
	d, err := ParseFile(corpus + "seed/000_44bda8417bfe1ce5.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"title":    "重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告",
		"agency":   "重庆市九龙坡区人民政府",
		"date":     "2023-03-23",
		"type":     "报告",
		"category": "法治政府建设年度报告",
	}
	got := map[string]string{"title": d.Title, "agency": d.Agency, "date": d.Date, "type": d.DocType, "category": d.Category}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	sec, _ := sectionWith(t, d, "深化“放管服”改革")
	wantPath := []string{"一、主要举措和成效", "(二)健全政府机构职能体系,推动更好发挥政府作用", "2.深化“放管服”改革,强化营商环境法治保障"}
	if strings.Join(sec.Path, "|") != strings.Join(wantPath, "|") {
		t.Errorf("path of 放管服 = %q, want %q", sec.Path, wantPath)
	}
	// Chrome and page metadata are not content.
	body := d.Body()
	for _, chrome := range []string{"您当前的位置", "扫一扫在手机打开当前页", "国务院部门网站", "区(县)政府网站", "日期:2023-03-23"} {
		if strings.Contains(body, chrome) {
			t.Errorf("body still contains page chrome %q", chrome)
		}
	}
	// The last paragraph is the last real one.
	if last := d.Paragraphs[len(d.Paragraphs)-1].Text; !strings.HasPrefix(last, "(四)深度助推示范区创建") {
		t.Errorf("last paragraph = %q", last)
	}
	// 一是/二是 enumerations stay paragraphs of their section.
	sec, _ = sectionWith(t, d, "一是深入学习贯彻习近平法治思想")
	if len(sec.Path) != 2 || !strings.HasPrefix(sec.Path[1], "(一)坚持以习近平法治思想为统领") {
		t.Errorf("一是… paragraph is in section %q", sec.Path)
	}
}

// The same text parsed twice gets the same section and paragraph ids.
func TestStableIDs(t *testing.T) {
	a := record(t, "gwrn-2024")
	b := record(t, "gwrn-2024")
	if len(a.Sections) != len(b.Sections) || a.Hash() != b.Hash() {
		t.Fatal("two parses of the same record differ")
	}
	for i := range a.Sections {
		if a.Sections[i].ID != b.Sections[i].ID || a.Sections[i].First != b.Sections[i].First {
			t.Fatalf("section %d differs: %+v vs %+v", i, a.Sections[i], b.Sections[i])
		}
	}
}

func TestLawArticles(t *testing.T) {
	d := record(t, "lrb-ecbaccb7f6") // 上海市优化营商环境条例 (2020)
	sec, _ := sectionWith(t, d, "违反“一网通办”工作要求")
	if got := strings.Join(sec.Path, "|"); got != "第七章 法律责任|第七十九条" {
		t.Errorf("item of an article is in %q, want the article itself", got)
	}
	sec, _ = sectionWith(t, d, "为了持续优化营商环境")
	if got := strings.Join(sec.Path, "|"); got != "第一章 总则|第一条" {
		t.Errorf("first article path = %q", got)
	}
}

func TestChromeStripped(t *testing.T) {
	d := record(t, "gwrp2026-d9c54797") // 2026 Shanghai report copied from a web page
	for _, p := range d.Paragraphs[:5] {
		for _, chrome := range []string{"下载", "打印", "全屏", "收藏", "【字号", "加大", "还原", "减小", "来源：解放日报", "时间：2026-02-09"} {
			if p.Text == chrome || strings.HasPrefix(p.Text, chrome) {
				t.Errorf("chrome line %q kept", p.Text)
			}
		}
	}
	if last := d.Paragraphs[len(d.Paragraphs)-1].Text; strings.Contains(last, "相关报道") {
		t.Errorf("footer kept: %q", last)
	}
	sec, _ := sectionWith(t, d, "全力促进经济平稳健康发展")
	if len(sec.Path) != 2 || sec.Path[0] != "一、2025年工作回顾" {
		t.Errorf("path = %q", sec.Path)
	}
}

// Wikisource left line breaks around linked words; they are joined back.
func TestBrokenLinesJoined(t *testing.T) {
	d := record(t, "gwrn-1954")
	found := false
	for _, p := range d.Paragraphs {
		if strings.Contains(p.Text, "在聽了劉少奇同志關於憲法草案的報告並進行了三天的討論以後") {
			found = true
		}
	}
	if !found {
		t.Error("the sentence broken around a link is not one paragraph")
	}
}

func TestGovcnHTML(t *testing.T) {
	d, err := ParseFile(corpus + "html/govcn-5365945.html")
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]string{
		"title":        {d.Title, "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"},
		"agency":       {d.Agency, "国务院"},
		"doc_number":   {d.DocNumber, "国发〔2019〕5号"},
		"date":         {d.Date, "2019-02-15"},
		"date_written": {d.DateWritten, "2019-01-27"},
		"index_number": {d.IndexNumber, "000014349/2019-00007"},
		"subcategory":  {d.Subcategory, "市场监管、安全生产监管\\工商"},
		"type":         {d.DocType, "意见"},
		"source_url":   {d.SourceURL, "http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm"},
	}
	for k, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", k, c[0], c[1])
		}
	}
	// The body is the same text as the corpus record's body.
	rec := record(t, "govcn-5365945")
	if d.Body() != rec.Body() {
		t.Errorf("HTML body differs from the JSONL body:\n%.300s\n---\n%.300s", d.Body(), rec.Body())
	}
}

// A page in GBK (declared), in GB18030 (undeclared) and in UTF-8 with a
// wrong declaration all read the same.
func TestHTMLCharsets(t *testing.T) {
	raw, err := os.ReadFile(corpus + "html/govcn-5346276.html")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseHTML("x", raw)
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string][]byte{
		"gbk declared":      append([]byte(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>`), gbk...),
		"gb2312 declared":   append([]byte(`<meta charset="GB2312">`), gbk...),
		"gb18030 sniffed":   gb18030,
		"utf-8 with BOM":    append([]byte{0xEF, 0xBB, 0xBF}, raw...),
		"utf-8 declared":    append([]byte(`<meta charset="utf-8">`), raw...),
		"gbk declared utf8": append([]byte(`<meta charset="utf-8">`), gbk...),
	}
	for name, page := range pages {
		got, err := ParseHTML("x", page)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got.Title != want.Title || got.Body() != want.Body() || got.DocNumber != want.DocNumber {
			t.Errorf("%s: read as %q / %.60q", name, got.Title, got.Body())
		}
	}
	if !strings.Contains(want.Body(), "元旦：2018年12月30日至2019年1月1日放假调休") {
		t.Errorf("holiday notice body: %.200q", want.Body())
	}
}

func TestBreadcrumbCategory(t *testing.T) {
	page := `<html><head><title>关于印发某某办法的通知_某市人民政府</title></head><body>
<div class="crumb">您当前的位置：<a>首页</a> &gt; <a>政务公开</a> &gt; <a>政策文件</a> &gt; <a>规范性文件</a></div>
<div class="share">下载 打印 【字号：大 中 小】</div>
<div id="zoom"><p>日期：2022-05-06</p><p>一、总则</p><p>为了规范管理，制定本办法。</p></div>
<div>扫一扫在手机打开当前页</div></body></html>`
	d, err := ParseHTML("p", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if d.Category != "规范性文件" || d.Title != "关于印发某某办法的通知" || d.Date != "2022-05-06" {
		t.Errorf("category %q title %q date %q", d.Category, d.Title, d.Date)
	}
	if body := d.Body(); body != "一、总则\n为了规范管理，制定本办法。" {
		t.Errorf("body = %q", body)
	}
}

func TestBadRecords(t *testing.T) {
	for _, line := range []string{`{"id": "", "title": "x", "body": "y"}`, `{"id": "a/b", "title": "x"}`, `{"id": "x", "date": "2020-13-45", "title": "t", "body": "b"}`, `{not json`} {
		if _, err := ParseRecord([]byte(line)); err == nil {
			t.Errorf("ParseRecord(%s) succeeded", line)
		}
	}
	if d, err := ParseRecord([]byte(`{"id": "y", "title": null, "body": "一、总则\n第一段。", "year": "2024"}`)); err != nil || d.Title != "一、总则" || d.Year != 2024 {
		t.Errorf("record without title: %+v, %v", d, err)
	}
}

func TestHeadings(t *testing.T) {
	cases := []struct {
		line      string
		inArticle bool
		want      string // "" = not a heading
	}{
		{"一、主要举措和成效", false, "一、主要举措和成效"},
		{"（二）加强法治政府建设组织领导。坚持以习近平新时代中国特色社会主义思想为指导", false, "（二）加强法治政府建设组织领导"},
		{"1.39万亿斤粮食", false, ""},
		{"90．利用各种宣传形式，通过政府网站、传统媒体和新媒体等渠道多层次、全方位加强对数字政府建设新理念、新做法、新成效的宣传推广。", false, ""},
		{"（一）违反“一网通办”工作要求，限定市场主体办理渠道的；", false, ""},
		{"（一）违反规定的", true, ""},
		{"第一章  总则", false, "第一章 总则"},
		{"第七十九条 本市各级人民政府", false, "第七十九条"},
		{"（3）建立健全随机抽查“两库”", false, "（3）建立健全随机抽查“两库”"},
		{"第一节 一般规定", false, "第一节 一般规定"},
	}
	for _, c := range cases {
		_, got, ok := heading(c.line, c.inArticle)
		if !ok {
			got = ""
		}
		if got != c.want {
			t.Errorf("heading(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}

func TestFileID(t *testing.T) {
	if got := FileID(filepath.Join("a", "b", "govcn-5345294.html")); got != "govcn-5345294" {
		t.Errorf("FileID = %q", got)
	}
	if got := FileID("my page.txt"); got != "my_page" {
		t.Errorf("FileID = %q", got)
	}
}

// BenchmarkParseRecord parses the longest document of the test subset (a
// 107,000-character judicial interpretation): chrome, line joining and
// sections.
func BenchmarkParseRecord(b *testing.B) {
	f, err := os.ReadFile(corpus + "tests.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var line []byte
	for _, l := range bytes.Split(f, []byte("\n")) {
		if len(l) > len(line) {
			line = l
		}
	}
	b.SetBytes(int64(len(line)))
	for i := 0; i < b.N; i++ {
		if _, err := ParseRecord(line); err != nil {
			b.Fatal(err)
		}
	}
}

// Hostile and broken inputs are refused with a reason or tidied: ids
// that no URL can name, control characters, bodies over the limit, a
// valid UTF-8 page that declares gb2312, undated documents with a year in
// their title or opening note.
func TestInputsThatUsedToSlipThrough(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, id := range []string{".", "..", "a/b", "a%2Fb", "a b", "a\x00b", "a\x1bb"} {
		if _, err := FromRecord(&Record{ID: id, Title: str("标题"), Body: str("正文")}); err == nil {
			t.Errorf("id %q accepted", id)
		}
	}
	d, err := FromRecord(&Record{ID: "ctl", Title: str("关于\x07测试\x00的通知"), Agency: str("某\x1b[31m局"), Body: str("一、总则\n正文\x00含\x1b控制\u0085字符。")})
	if err != nil {
		t.Fatal(err)
	}
	all := d.Title + d.Agency + d.Body()
	for _, r := range all {
		if r != '\n' && unicode.IsControl(r) {
			t.Errorf("control character %U kept in %q", r, all)
		}
	}
	if d.Title != "关于测试的通知" {
		t.Errorf("title %q", d.Title)
	}
	huge := strings.Repeat("推进营商环境优化。", MaxDocumentBytes/27+1)
	if _, err := FromRecord(&Record{ID: "huge", Title: str("大"), Body: str(huge)}); err == nil || !strings.Contains(err.Error(), "上限") {
		t.Errorf("a body over %d bytes: err %v", MaxDocumentBytes, err)
	}
	ok := strings.Repeat("推进营商环境优化。", (5<<20)/27)
	if _, err := FromRecord(&Record{ID: "five", Title: str("五兆"), Body: str(ok)}); err != nil {
		t.Errorf("a 5 MB body: %v", err)
	}
	page := []byte(`<html><head><meta charset="gb2312"><title>关于优化营商环境的通知</title></head><body><div id="UCAP-CONTENT"><p>一、总则</p><p>深化“放管服”改革。</p></div></body></html>`)
	text, cs, err := DecodeHTML(page)
	if err != nil || cs != "utf-8" || !strings.Contains(text, "放管服") {
		t.Errorf("valid UTF-8 page declaring gb2312 decoded as %s: %.60q %v", cs, text, err)
	}
	for title, want := range map[string]int{"2025年中华人民共和国国务院政府工作报告": 2025} {
		d, _ := FromRecord(&Record{ID: "y", Title: str(title), Body: str("各位代表：")})
		if d.Year != want || d.YearFrom != search.YearFromTitle {
			t.Errorf("%s: year %d from %q", title, d.Year, d.YearFrom)
		}
	}
	d, _ = FromRecord(&Record{ID: "law", Title: str("上海市红十字会条例"), Body: str("（1995年9月7日上海市第十届人民代表大会常务委员会第二十一次会议通过　根据2010年9月17日上海市第十三届人民代表大会常务委员会第二十一次会议《关于修改本市部分地方性法规的决定》修正）\n第一条　为了……")})
	if d.Year != 2010 || d.YearFrom != search.YearFromBody {
		t.Errorf("law: year %d from %q, want 2010 from the body", d.Year, d.YearFrom)
	}
}

func TestOversizedJSONLLineIsReportedNotHeld(t *testing.T) {
	var in bytes.Buffer
	in.WriteString(`{"id":"a","title":"甲","body":"正文"}` + "\n")
	in.WriteString(`{"id":"b","title":"乙","body":"` + strings.Repeat("字", maxRecordBytes/3+10) + `"}` + "\n")
	in.WriteString(`{"id":"c","title":"丙","body":"正文"}` + "\n")
	var got []string
	err := ReadJSONL(&in, func(d *search.Document, line int, _ int64, err error) error {
		switch {
		case err != nil:
			got = append(got, fmt.Sprintf("%d:error", line))
		case d != nil:
			got = append(got, fmt.Sprintf("%d:%s", line, d.ID))
		}
		return nil
	})
	if err != nil || strings.Join(got, " ") != "1:a 2:error 3:c" {
		t.Errorf("got %v, %v", got, err)
	}
}
