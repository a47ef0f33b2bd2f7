package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
	"github.com/gongkai/gongkai/search/targets"
)

const sampleDir = "../cmd/gongkai/sample/"

// targetsServer returns a ready server on an index of the bundled sample's
// national work reports 2016–2025 and 浙江's reports of 2025 and 2026, and
// a State Council General Office opinion that states 主要目标 in words but
// sets no number the indicator table names.
func targetsServer(t *testing.T) *Server {
	t.Helper()
	dir := t.TempDir()
	raw, err := os.ReadFile(sampleDir + "sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	keep := regexp.MustCompile(`^(gwrn-20(1[6-9]|2[0-5])|gwrp202[56]-234a7010)$`)
	var sel bytes.Buffer
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var rec struct{ ID string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && keep.MatchString(rec.ID) {
			sel.Write(sc.Bytes())
			sel.WriteByte('\n')
			n++
		}
	}
	if n != 11 { // 2016–2025 without 2020 (no text in the corpus), and 浙江 twice
		t.Fatalf("%d reports selected from the sample, want 11", n)
	}
	file := filepath.Join(dir, "reports.jsonl")
	if err := os.WriteFile(file, sel.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	sum, err := indexer.Run(context.Background(), idx, []string{file, sampleDir + "html/govcn-5350427.html"}, indexer.Options{})
	if err != nil || sum.Failed > 0 || sum.Indexed != 12 {
		t.Fatalf("index: %v %+v", err, sum)
	}
	s := New(Options{Log: zerolog.Nop()})
	s.SetIndex(idx)
	return s
}

func targetsAPI(t *testing.T, s *Server, target string) *targets.Report {
	t.Helper()
	r := do(t, s, "GET", target, nil)
	if r.status != 200 {
		t.Fatalf("GET %s: status %d: %s", target, r.status, r.body)
	}
	var rep targets.Report
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

// TestTargets checks the API, the chart and the page on the State
// Council's and 浙江's reports: real targets in, real statuses out.
func TestTargets(t *testing.T) {
	s := targetsServer(t)

	t.Run("API", func(t *testing.T) {
		// GDP is one of the names of 经济增长; every year 2016–2025
		// but 2020 (no report in the corpus).
		rep := targetsAPI(t, s, "/api/targets?agency="+q("国务院")+"&indicator=GDP")
		if rep.Indicator != "经济增长" || len(rep.Targets) != 9 {
			t.Fatalf("国务院 GDP: indicator %q, %d targets", rep.Indicator, len(rep.Targets))
		}
		byYear := map[int]targets.Target{}
		for _, tg := range rep.Targets {
			byYear[tg.Year] = tg
		}
		// 2022: 5.5%左右 set, 3% reached, as the 2023 report says.
		t22 := byYear[2022]
		if t22.Value != 5.5 || t22.Comparison != "左右" || t22.Status != targets.Missed || t22.Source.Link != "/doc/gwrn-2022#p-39" ||
			t22.Actual == nil || t22.Actual.Value != 3 || t22.Actual.Source.Link != "/doc/gwrn-2023#p-6" {
			t.Errorf("2022: %+v", t22)
		}
		t24 := byYear[2024]
		if t24.Status != targets.Met || t24.Source.Link != "/doc/gwrn-2024#p-28" || t24.Actual == nil || t24.Actual.Source.Link != "/doc/gwrn-2025#p-5" {
			t.Errorf("2024: %+v", t24)
		}
		if t25 := byYear[2025]; t25.Status != targets.NotCompared || t25.Actual != nil {
			t.Errorf("2025 has no review in the index, yet: %+v", t25)
		}
		// One year: every indicator of it.
		one := targetsAPI(t, s, "/api/targets?agency="+q("浙江")+"&year=2025")
		total := 0
		for _, n := range one.Counts {
			total += n
		}
		if len(one.Targets) < 5 || total != len(one.Targets) || one.Counts[targets.Met] == 0 || one.Counts[targets.Missed] == 0 {
			t.Errorf("浙江 2025: %d targets, counts %v", len(one.Targets), one.Counts)
		}
		for _, tg := range one.Targets {
			if tg.Year != 2025 {
				t.Errorf("浙江 2025 lists a target of %d", tg.Year)
			}
			if tg.Indicator == "城镇调查失业率" && (tg.Status != targets.Met || tg.Actual == nil || tg.Actual.Source.Link != "/doc/gwrp2026-234a7010#p-14") {
				t.Errorf("浙江 unemployment: %+v", tg)
			}
		}
		// The government named as its documents name it.
		if full := targetsAPI(t, s, "/api/targets?agency="+q("浙江省人民政府")+"&year=2025"); len(full.Targets) != len(one.Targets) {
			t.Errorf("浙江省人民政府: %d targets, 浙江: %d", len(full.Targets), len(one.Targets))
		}
		// A government without reports: an empty report, not an error.
		if none := targetsAPI(t, s, "/api/targets?agency="+q("火星市")); len(none.Targets) != 0 || none.Targets == nil {
			t.Errorf("火星市: %+v", none)
		}
	})

	t.Run("APIErrors", func(t *testing.T) {
		for target, want := range map[string]string{
			"/api/targets":           "机关",
			"/api/targets?year=2024": "机关",
			"/api/targets?agency=" + q("国务院") + "&year=abc":               "整数",
			"/api/targets?agency=" + q("国务院") + "&year=24":                "年份",
			"/api/targets?agency=" + q("国务院") + "&indicator=" + q("幸福指数"): "未知指标：幸福指数（可用：经济增长、",
			"/targets/chart.svg?agency=" + q("国务院"):                       "指标",
		} {
			r := do(t, s, "GET", target, nil)
			if r.status != 400 {
				t.Errorf("GET %s: status %d, want 400", target, r.status)
				continue
			}
			msg := r.body
			if strings.HasPrefix(target, "/api/") {
				msg = jsonError(t, r)
			}
			if !strings.Contains(html.UnescapeString(msg), want) {
				t.Errorf("GET %s: error %.200q does not say %q", target, msg, want)
			}
		}
	})

	t.Run("Chart", func(t *testing.T) {
		r := do(t, s, "GET", "/targets/chart.svg?agency="+q("国务院")+"&indicator="+q("经济增长"), nil)
		if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("chart: %d %s", r.status, r.header.Get("Content-Type"))
		}
		var svg struct {
			Title string `xml:"title"`
			Desc  string `xml:"desc"`
			Links []struct {
				Href  string `xml:"href,attr"`
				Title string `xml:"title"`
			} `xml:"a"`
		}
		if err := xml.Unmarshal([]byte(r.body), &svg); err != nil {
			t.Fatalf("the chart is not XML: %v", err)
		}
		if svg.Title != "国务院 经济增长：目标与实际" || !strings.Contains(svg.Desc, "2016—2025年9个年度") {
			t.Errorf("title %q, desc %q", svg.Title, svg.Desc)
		}
		var to2023 bool
		for _, a := range svg.Links {
			to2023 = to2023 || a.Href == "/doc/gwrn-2023#p-6" && strings.Contains(a.Title, "2022年实际：3%（未达成）")
		}
		if !to2023 {
			t.Errorf("no link from the 2022 result to its paragraph: %+v", svg.Links)
		}
		if r := do(t, s, "GET", "/targets/chart.svg?agency="+q("国务院")+"&indicator="+q("幸福指数"), nil); r.status != 400 {
			t.Errorf("unknown indicator: %d", r.status)
		}
	})

	t.Run("Page", func(t *testing.T) {
		// No choice yet: the governments with targets, and only those.
		r := do(t, s, "GET", "/targets", nil)
		if r.status != 200 || !strings.Contains(r.body, `href="/targets?agency=`+q("国务院")+`"`) ||
			!strings.Contains(r.body, `href="/targets?agency=`+q("浙江省人民政府")+`"`) {
			t.Fatalf("/targets: %d %.3000s", r.status, r.body)
		}
		if strings.Index(r.body, "agency="+q("国务院")+`"`) > strings.Index(r.body, "agency="+q("浙江省人民政府")+`"`) {
			t.Error("the State Council is not offered first")
		}
		if strings.Contains(r.body, "agency="+q("国务院办公厅")) {
			t.Error("国务院办公厅 is offered, but it sets no target the table names")
		}

		// One indicator: the chart inline, the table by year, each
		// target and result linked to its paragraph.
		r = do(t, s, "GET", "/targets?agency="+q("国务院")+"&indicator="+q("经济增长"), nil)
		body := html.UnescapeString(r.body)
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		for _, want := range []string{
			`<figure class="tchart">`, `<svg xmlns="http://www.w3.org/2000/svg"`, "<title id=", "国务院 经济增长：目标与实际",
			"<caption>国务院 2016—2025 年的经济增长目标与实际完成（共 9 项）</caption>",
			`<th scope="col">年度</th>`,
			`href="/doc/gwrn-2022#p-39"`, `href="/doc/gwrn-2023#p-6"`, "国内生产总值增长5.5%左右", "国内生产总值增长3%",
			`<span class="status missed"><span aria-hidden="true">✗ </span>未达成</span>`,
			`<span class="status met"><span aria-hidden="true">✓ </span>达成</span>`,
			"实际3%，目标要求5.225%及以上",
			`href="/targets/chart.svg?agency=` + q("国务院") + `&indicator=` + q("经济增长") + `"`,
			`<a href="/targets?agency=` + q("国务院") + `&indicator=` + q("经济增长") + `" class="on" aria-current="page">全部年份</a>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if n := strings.Count(r.body, "<h1"); n != 1 {
			t.Errorf("%d h1 on the page", n)
		}
		// Every control of the form has a label around it.
		form := r.body[strings.Index(r.body, `<form class="commitform targetform"`):]
		form = form[:strings.Index(form, "</form>")]
		if c, l := strings.Count(form, "<input")+strings.Count(form, "<select"), strings.Count(form, "<label>"); c != 3 || l != 3 {
			t.Errorf("%d controls, %d labels", c, l)
		}

		// Every indicator of one year: grouped under the year, no chart.
		r = do(t, s, "GET", "/targets?agency="+q("浙江")+"&year=2025", nil)
		body = html.UnescapeString(r.body)
		if r.status != 200 || strings.Contains(body, "<svg") || !strings.Contains(body, `<tbody id="y2025">`) || strings.Contains(body, `<tbody id="y2026">`) ||
			!strings.Contains(body, "城镇调查失业率控制在5%以内") || !strings.Contains(body, `href="/doc/gwrp2026-234a7010#p-14"`) {
			t.Errorf("浙江 2025: %d", r.status)
		}
		if !strings.Contains(body, `class="on" aria-current="page">2025 年</a>`) || !strings.Contains(body, `>2026 年</a>`) {
			t.Error("浙江 2025: the years to choose from are not offered")
		}

		// A report that sets targets links to them; a document that
		// sets none does not.
		r = do(t, s, "GET", "/doc/gwrn-2022", nil)
		if body := html.UnescapeString(r.body); !strings.Contains(body, `<a href="/targets?agency=`+q("国务院")+`&year=2022">2022 年目标与完成情况 →</a>`) {
			t.Error("the 2022 report does not link to its targets")
		}
		if r = do(t, s, "GET", "/doc/govcn-5350427", nil); r.status != 200 || strings.Contains(r.body, "目标与完成情况") {
			t.Errorf("an opinion without targets links to targets: %d", r.status)
		}

		// Nothing found, and mistakes: said on the page.
		r = do(t, s, "GET", "/targets?agency="+q("火星市"), nil)
		if r.status != 200 || !strings.Contains(r.body, "没有找到“火星市”的数量目标") {
			t.Errorf("火星市: %d", r.status)
		}
		r = do(t, s, "GET", "/targets?agency="+q("国务院")+"&year=1960", nil)
		if r.status != 200 || !strings.Contains(r.body, "没有 1960 年的数量目标") {
			t.Errorf("国务院 1960: %d", r.status)
		}
		r = do(t, s, "GET", "/targets?agency="+q("国务院")+"&indicator="+q("幸福指数"), nil)
		if r.status != 400 || !strings.Contains(r.body, "未知指标：幸福指数") || !strings.Contains(r.body, `<select name="indicator">`) {
			t.Errorf("unknown indicator on the page: %d", r.status)
		}
	})
}

// TestTargetsHostile shows work reports whose every field holds markup,
// script and control characters on the targets page, API and chart: the
// targets are read, the text is escaped, and the only markup is the
// templates' and the chart's.
func TestTargetsHostile(t *testing.T) {
	agency := "恶意区人民政府" + hostile
	records := []*indexer.Record{{
		ID: "hostile-t1", Title: ptr("恶意区" + hostile + "2025年政府工作报告"), Agency: ptr(agency), Date: ptr("2025-01-10"),
		Body: ptr("一、2024年工作回顾\n过去一年，推进恶意治理" + hostile + "。\n二、2025年工作安排\n今年经济社会发展的主要预期目标是：地区生产总值增长5%左右" +
			hostile + "，城镇调查失业率5.5%左右。\n"),
	}, {
		ID: "hostile-t2", Title: ptr("恶意区" + hostile + "2026年政府工作报告"), Agency: ptr(agency), Date: ptr("2026-01-12"),
		Body: ptr("一、2025年工作回顾\n过去一年，地区生产总值增长5.2%" + hostile + "，城镇调查失业率5.1%。\n二、2026年工作安排\n今年的主要预期目标是：地区生产总值增长5%左右。\n"),
	}}
	var docs []*search.Document
	for _, rec := range records {
		d, err := indexer.FromRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		d.Agency += "\x07\u0085"
		for i := range d.Paragraphs {
			d.Paragraphs[i].Text += "\x00\x1b"
		}
		docs = append(docs, d)
	}
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := idx.Put(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	s := New(Options{Log: zerolog.Nop()})
	s.SetIndex(idx)

	rep := targetsAPI(t, s, "/api/targets?agency="+q(docs[0].Agency))
	var met bool
	for _, tg := range rep.Targets {
		met = met || tg.Year == 2025 && tg.Indicator == "经济增长" && tg.Status == targets.Met
	}
	if !met {
		t.Fatalf("the hostile report's growth target is not read as met: %+v", rep.Targets)
	}

	tags, attrs := templateVocabulary(t)
	// The chart's own markup (the tokenizer lower-cases names).
	for _, tag := range strings.Fields("svg title desc rect text g line polyline path circle a") {
		tags[tag] = true
	}
	for _, a := range strings.Fields("xmlns viewbox width height role aria-labelledby font-family font-size font-weight id x y x1 y1 x2 y2 cx cy r d points fill stroke stroke-width text-anchor transform href") {
		attrs[a] = true
	}
	for _, target := range []string{
		"/targets", "/targets?agency=" + q(docs[0].Agency), "/targets?agency=" + q(docs[0].Agency) + "&indicator=" + q("经济增长"),
		"/targets?agency=" + q(hostile), "/targets?agency=" + q(docs[0].Agency) + "&indicator=" + q(hostile),
		"/api/targets?agency=" + q(docs[0].Agency), "/api/targets?agency=" + q(docs[0].Agency) + "&indicator=" + q(hostile),
		"/targets/chart.svg?agency=" + q(docs[0].Agency) + "&indicator=" + q("经济增长"),
	} {
		r := do(t, s, "GET", target, nil)
		if r.status >= 500 {
			t.Errorf("%s: %d", target, r.status)
			continue
		}
		switch ct := r.header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/html"):
			checkHTML(t, target, r.body, tags, attrs)
			checkText(t, target, "the page", r.body)
		case strings.HasPrefix(ct, "application/json"):
			checkJSON(t, target, []byte(r.body))
		case ct == "image/svg+xml":
			checkText(t, target, "the chart", r.body)
			// Well-formed XML of the chart's elements only, no handler
			// attribute, and the agency's markup there as text.
			dec := xml.NewDecoder(strings.NewReader(r.body))
			var text strings.Builder
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Errorf("%s: %v", target, err)
					break
				}
				switch tok := tok.(type) {
				case xml.StartElement:
					if !tags[tok.Name.Local] || tok.Name.Local == "script" {
						t.Errorf("%s: element <%s>", target, tok.Name.Local)
					}
					for _, a := range tok.Attr {
						if !attrs[strings.ToLower(a.Name.Local)] {
							t.Errorf("%s: attribute %s=%q", target, a.Name.Local, a.Value)
						}
					}
				case xml.CharData:
					text.Write(tok)
				}
			}
			if !strings.Contains(text.String(), "<script>alert(1)</script>") {
				t.Errorf("%s: the hostile agency is not shown as text in the chart", target)
			}
		default:
			t.Errorf("%s: content type %q", target, ct)
		}
	}
	if body := do(t, s, "GET", "/targets?agency="+q(docs[0].Agency)+"&indicator="+q("经济增长"), nil).body; !strings.Contains(body, "<svg") || !strings.Contains(body, "&lt;script&gt;alert(1)") {
		t.Error("the hostile government's chart or its escaped name is not on the page")
	}
}
