package search

import (
	"testing"
	"time"
)

func TestCitationGBT(t *testing.T) {
	accessed := time.Date(2026, 5, 1, 23, 30, 0, 0, time.FixedZone("CST", 8*3600))
	body := []Paragraph{{Text: "一、总则", Heading: true}, {Text: "正文。"}}
	secs := []Section{{ID: "x/s1", Path: []string{"一、总则"}, First: 1, Last: 2}}
	for _, c := range []struct {
		name string
		doc  Document
		n    int
		want string
	}{
		{"a State Council opinion with its number and source page",
			Document{ID: "govcn-5365945", Title: "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见", Agency: "国务院",
				DocNumber: "国发〔2019〕5号", Date: "2019-02-15", SourceURL: "http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm"}, 2,
			"国务院. 国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见: 国发〔2019〕5号[EB/OL]. (2019-02-15)[2026-05-01]. http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm."},
		{"no number, no source URL: the permalink of the paragraph",
			Document{ID: "seed-000", Title: "重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告", Agency: "重庆市九龙坡区人民政府", Date: "2023-03-23"}, 7,
			"重庆市九龙坡区人民政府. 重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告[EB/OL]. (2023-03-23)[2026-05-01]. https://gongkai.example/doc/seed-000#p-7."},
		{"the whole document: no anchor",
			Document{ID: "seed-000", Title: "报告", Agency: "某区人民政府", Date: "2023-03-23"}, 0,
			"某区人民政府. 报告[EB/OL]. (2023-03-23)[2026-05-01]. https://gongkai.example/doc/seed-000."},
		{"an undated work report: the year it is about, no update date",
			Document{ID: "gwrn-1954", Title: "1954年中华人民共和国国务院政府工作报告", Agency: "国务院", Year: 1954, SourceURL: "https://zh.wikisource.org/wiki/x"}, 1,
			"国务院. 1954年中华人民共和国国务院政府工作报告[EB/OL]. 1954[2026-05-01]. https://zh.wikisource.org/wiki/x."},
		{"no agency, only the date written; a source that is not a web address",
			Document{ID: "q", Title: "加班费的仲裁时效应当如何认定", DateWritten: "2020-01-02", SourceURL: "file.txt"}, 1,
			"加班费的仲裁时效应当如何认定[EB/OL]. (2020-01-02)[2026-05-01]. https://gongkai.example/doc/q#p-1."},
	} {
		d := c.doc
		d.Paragraphs, d.Sections = body, secs
		permalink := "https://gongkai.example/doc/" + d.ID
		if got := d.CitationGBT(c.n, accessed, permalink); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
