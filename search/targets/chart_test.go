package targets

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// svgDoc is the parts of a chart the tests look at.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	Role    string   `xml:"role,attr"`
	Title   string   `xml:"title"`
	Desc    string   `xml:"desc"`
	Lines   []struct {
		Points string `xml:"points,attr"`
	} `xml:"polyline"`
	Links []struct {
		Href  string `xml:"href,attr"`
		Title string `xml:"title"`
	} `xml:"a"`
}

func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	// The whole document must be well-formed XML.
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v\n%s", err, b)
		}
	}
	var doc svgDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestSeriesAndChart draws the State Council's GDP targets and results
// from the sample reports.
func TestSeriesAndChart(t *testing.T) {
	tr, err := New(reportIndex(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := tr.Series(context.Background(), "国务院", "GDP")
	if err != nil {
		t.Fatal(err)
	}
	if s.Indicator != "经济增长" || s.Unit != "%" || s.Direction != HigherBetter {
		t.Errorf("series: %+v", s)
	}
	byYear := map[int]Point{}
	for i, p := range s.Points {
		byYear[p.Year] = p
		if i > 0 && p.Year <= s.Points[i-1].Year {
			t.Errorf("points out of order: %d after %d", p.Year, s.Points[i-1].Year)
		}
	}
	// 2010–2019 and 2021–2025 have targets in the test corpus; 2020 has no report.
	if len(s.Points) != 15 {
		t.Errorf("%d points, want 15: %+v", len(s.Points), s.Points)
	}
	p22 := byYear[2022]
	if p22.Target != 5.5 || p22.Actual == nil || *p22.Actual != 3 || p22.Status != Missed ||
		p22.TargetLink != "/doc/gwrn-2022#p-39" || p22.ActualLink != "/doc/gwrn-2023#p-6" {
		t.Errorf("2022: %+v", p22)
	}
	if p19 := byYear[2019]; p19.Comparison != Range || p19.Target != 6 || p19.TargetHigh != 6.5 || p19.Actual != nil {
		t.Errorf("2019: %+v", p19)
	}

	svg := Chart(s)
	doc := parseSVG(t, svg)
	if doc.Role != "img" || !strings.Contains(doc.Title, "国务院") || !strings.Contains(doc.Title, "经济增长") {
		t.Errorf("title %q role %q", doc.Title, doc.Role)
	}
	if !strings.Contains(doc.Desc, "2010—2025年15个年度") || !strings.Contains(doc.Desc, "未达成") {
		t.Errorf("desc %q", doc.Desc)
	}
	// A link per target and per result, each with its tooltip.
	targets, results := 0, 0
	for _, a := range doc.Links {
		switch {
		case strings.Contains(a.Title, "年目标："):
			targets++
		case strings.Contains(a.Title, "年实际："):
			results++
		}
		if a.Href == "" || !strings.HasPrefix(a.Href, "/doc/") {
			t.Errorf("link %q (%s)", a.Href, a.Title)
		}
	}
	withResult := 0
	for _, p := range s.Points {
		if p.Actual != nil {
			withResult++
		}
	}
	if targets != len(s.Points) || results != withResult || withResult < 10 {
		t.Errorf("%d target links, %d result links; want %d and %d", targets, results, len(s.Points), withResult)
	}
	// The results line breaks where a year has none (2010, 2019).
	if len(doc.Lines) < 2 {
		t.Errorf("%d result lines, want the line broken at the missing years", len(doc.Lines))
	}
	for _, bad := range []string{"<script", "NaN", "Inf"} {
		if bytes.Contains(svg, []byte(bad)) {
			t.Errorf("chart contains %s", bad)
		}
	}

	if _, err := tr.Series(context.Background(), "国务院", "幸福指数"); !errors.Is(err, ErrUnknownIndicator) {
		t.Errorf("an unknown indicator: %v", err)
	}
}

func TestChartEdgeCases(t *testing.T) {
	empty := parseSVG(t, Chart(&Series{Agency: "某市人民政府", Indicator: "经济增长", Unit: "%"}))
	if !strings.Contains(empty.Desc, "没有") {
		t.Errorf("empty chart desc %q", empty.Desc)
	}
	one := 5.2
	s := &Series{Agency: `A&B "市" <政府>`, Indicator: "经济增长", Unit: "%", Points: []Point{
		{Year: 2025, Comparison: About, Target: 5, TargetPhrase: "地区生产总值增长5%左右", TargetLink: "/doc/a?x=1&y=2#p-3", Actual: &one, Status: Met},
	}}
	doc := parseSVG(t, Chart(s))
	if !strings.Contains(doc.Title, `A&B "市" <政府>`) {
		t.Errorf("escaped title %q", doc.Title)
	}
	if len(doc.Links) != 2 || doc.Links[0].Href != "/doc/a?x=1&y=2#p-3" {
		t.Errorf("links %+v", doc.Links)
	}
	for _, c := range []struct {
		lo, hi float64
		first  float64
	}{{0.2, 6.9, 0}, {1200, 1361, 1200}, {5, 5, 4}, {-0.1, 2, -0.5}} {
		ticks := niceTicks(c.lo, c.hi, 5)
		if ticks[0] > c.lo || ticks[len(ticks)-1] < c.hi || ticks[0] != c.first {
			t.Errorf("niceTicks(%g, %g) = %v", c.lo, c.hi, ticks)
		}
	}
}

// TestReportAsked checks the report a user gets for names as typed.
func TestReportAsked(t *testing.T) {
	tr, err := New(reportIndex(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	full, err := tr.Report(ctx, "浙江省人民政府", 2025, "")
	if err != nil {
		t.Fatal(err)
	}
	short, err := tr.Report(ctx, "浙江", 2025, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Targets) == 0 || len(short.Targets) != len(full.Targets) {
		t.Errorf("浙江: %d targets, 浙江省人民政府: %d", len(short.Targets), len(full.Targets))
	}
	if len(full.Plans) != 1 || full.Plans[0].ID != "gwrp2025-234a7010" || len(full.Reviews) != 1 || full.Reviews[0].ID != "gwrp2026-234a7010" {
		t.Errorf("plans %+v reviews %+v", full.Plans, full.Reviews)
	}
	sum := 0
	for _, s := range Statuses {
		sum += full.Counts[s]
	}
	if sum != len(full.Targets) {
		t.Errorf("counts %v for %d targets", full.Counts, len(full.Targets))
	}
	one, err := tr.Report(ctx, "浙江", 0, "城镇调查失业率")
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Targets) != 2 || one.Indicator != "城镇调查失业率" || len(one.Years) != 2 || one.Years[0] != 2026 {
		t.Errorf("one indicator over all years: %+v", one)
	}
	none, err := tr.Report(ctx, "九龙坡区", 0, "")
	if err != nil || len(none.Targets) != 0 {
		t.Errorf("a government without plans: %v %+v", err, none)
	}
	if _, err := tr.Report(ctx, "", 2025, ""); err == nil {
		t.Error("no agency accepted")
	}
}
