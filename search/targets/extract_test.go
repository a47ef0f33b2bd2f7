package targets

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/search"
)

func builtin(t *testing.T) *Table {
	t.Helper()
	tab, err := LoadTable("")
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// report is a work report of year with the given plan and review
// paragraphs (sentences from real reports).
func report(year int, plan, review []string) *search.Document {
	d := &search.Document{ID: "x", Title: fmt.Sprint(year, "年政府工作报告"), Agency: "某省人民政府", Date: fmt.Sprint(year, "-01-20")}
	add := func(role string, roleYear int, heading string, paras []string) {
		first := len(d.Paragraphs) + 1
		d.Paragraphs = append(d.Paragraphs, search.Paragraph{Text: heading, Heading: true})
		for _, p := range paras {
			d.Paragraphs = append(d.Paragraphs, search.Paragraph{Text: p})
		}
		d.Sections = append(d.Sections, search.Section{ID: fmt.Sprint("x/s", len(d.Sections)), Path: []string{heading},
			First: first, Last: len(d.Paragraphs), Role: role, Year: roleYear})
	}
	add(search.RoleReview, year-1, "一、过去一年工作回顾", review)
	add(search.RolePlan, year, "二、今年工作安排", plan)
	return d
}

func describe(tg Target) string {
	s := fmt.Sprintf("p%d %s %s %s%s", tg.Source.Paragraph, tg.Indicator, tg.Comparison, formatNumber(tg.Value), tg.Unit)
	if tg.Comparison == Range {
		s = fmt.Sprintf("p%d %s %s %s-%s%s", tg.Source.Paragraph, tg.Indicator, tg.Comparison, formatNumber(tg.Value), formatNumber(tg.High), tg.Unit)
	}
	if tg.Main {
		s += " main"
	}
	return s
}

func TestTargetsGolden(t *testing.T) {
	tab := builtin(t)
	d := report(2024, []string{
		// gwrn-2024 ¶28
		"今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上，城镇调查失业率5.5%左右；居民消费价格涨幅3%左右；居民收入增长和经济增长同步；国际收支保持基本平衡；粮食产量1.3万亿斤以上；单位国内生产总值能耗降低2.5%左右，生态环境质量持续改善。",
		// gwrn-2024 ¶29: the same GDP target again, explained
		"提出上述预期目标，综合考虑了国内外形势和各方面因素，兼顾了需要和可能。经济增长预期目标为5%左右，考虑了促进就业增收、防范化解风险等需要。",
		// gwrn-2024 ¶31
		"赤字率拟按3%安排，赤字规模4.06万亿元，比上年年初预算增加1800亿元。",
		// gwrp2025-d9c54797 ¶44: R&D intensity, not GDP
		"全社会研发经费支出相当于全市生产总值的比例达到4.5%左右，城镇调查失业率5%以内。",
		// gwrn-2011 ¶68: a five-year target
		"今后五年，我国经济增长预期目标是在明显提高质量和效益的基础上年均增长7%。",
		// gwrp2025-99c454c7 ¶27 style with another year named
		"到2027年，全社会研发投入强度达到3.5%以上。",
		// gwrp2026-e6348d38 ¶33
		"单位地区生产总值二氧化碳排放下降3.8%。",
		// gwrp2025-15ef4634 ¶70
		"出台促进高质量充分就业的实施意见，建立就业影响评估机制，实现城镇新增就业不少于26万人。",
	}, nil)
	var got []string
	for _, tg := range tab.Targets(d, 2024) {
		got = append(got, describe(tg))
	}
	want := []string{
		"p3 经济增长 左右 5% main",
		"p3 城镇新增就业 以上 1200万人 main",
		"p3 城镇调查失业率 左右 5.5% main",
		"p3 居民消费价格涨幅 左右 3% main",
		"p3 粮食产量 以上 1.3万亿斤 main",
		"p3 单位生产总值能耗降低 左右 2.5% main",
		"p5 赤字率 目标值 3%",
		"p6 研发经费投入强度 左右 4.5%",
		"p9 单位生产总值二氧化碳排放降低 目标值 3.8%",
	}
	if !slices.Equal(got, want) {
		t.Errorf("targets:\n got %q\nwant %q", got, want)
	}
	if ts := tab.Targets(d, 2023); len(ts) != 0 {
		t.Errorf("targets for a year the plan is not about: %v", ts)
	}
	first := tab.Targets(d, 2024)[0]
	if first.Phrase != "国内生产总值增长5%左右" || first.Source.Link != "/doc/x#p-3" || first.ID != "x/p3/经济增长" ||
		!strings.HasPrefix(first.Source.Sentence, "今年发展主要预期目标是：国内生产总值增长5%左右") || first.Direction != HigherBetter {
		t.Errorf("first target: %+v", first)
	}
}

func TestTargetWordings(t *testing.T) {
	tab := builtin(t)
	for _, c := range []struct{ text, want string }{
		{"今年经济社会发展的主要预期目标是：国内生产总值增长6%－6.5%；", "经济增长 区间 6-6.5%"},               // gwrn-2019
		{"今年经济社会发展主要预期目标为：全省生产总值增长5%—5.5%，在实际工作中努力争取更好结果；", "经济增长 区间 5-5.5%"}, // gwrp2026-234a7010
		{"城镇调查失业率全年控制在5.5%以内；", "城镇调查失业率 以内 5.5%"},                            // gwrn-2022
		{"城镇登记失业率低于4.6%；", "城镇登记失业率 以内 4.6%"},                                 // gwrn-2013
		{"居民消费价格总水平涨幅控制在4%左右；", "居民消费价格涨幅 左右 4%"},                             // gwrn-2011
		{"城镇登记失业率控制在4.6％。", "城镇登记失业率 以内 4.6%"},                                // gwrn-2005
		{"今年经济增长速度8 ％，商品零售价格涨幅控制在3 ％以内。", "经济增长 目标值 8%; 商品零售价格涨幅 以内 3%"},      // gwrn-1998
		{"根据这个要求，今年计划国内生产总值增长百分之九。", "经济增长 目标值 9%"},                           // gwrn-1994
		{"综合分析各方面的条件，今年经济增长速度的宏观调控目标，定为百分之八至九。", "经济增长 区间 8-9%"},              // gwrn-1995
		{"今年国民生产总值计划增长百分之八，是留有余地的。", "经济增长 目标值 8%"},                           // gwrn-1993
		{"地区生产总值按增长5%安排，在实际工作中努力争取更好结果；", "经济增长 目标值 5%"},                      // gwrp2026-99c454c7
		{"居民消费价格指数上涨2%左右，", "居民消费价格涨幅 左右 2%"},                                 // gwrp2026-beaf52b4
		{"广义货币M2预期增长13%左右，社会融资规模余额增长13%左右。", "广义货币供应量增长 左右 13%"},              // gwrn-2016
		{"细颗粒物年均浓度控制在29微克/立方米左右、争取更优水平，", "细颗粒物浓度 左右 29微克/立方米"},               // gwrp2026-15ef4634
		{"农村贫困人口减少1000万以上，", "农村贫困人口减少 以上 1000万"},                             // gwrn-2019
		{"粮食产量1285万吨；", "粮食产量 目标值 1285万吨"},                                    // gwrp2025-9de07271
		{"居民收入增长和经济增长同步；", ""},
		{"去年国内生产总值增长5.2%，今年要巩固向好态势。", ""},
		{"服务业增加值占国内生产总值比重上升到51.6%。", ""},
		{"“七五”计划草案规定，在不断提高经济效益的前提下，国民生产总值增长百分之七点五。", ""},
		// A part of the quantity is not the quantity (gwrp2025-4f5a5ba7,
		// gwrp2026-aab01ad3, gwrp2025-0b38f21f).
		{"农村居民人均可支配收入增长6%左右。", ""},
		{"城镇居民人均可支配收入增长6%左右；", ""},
		{"跨境电商进出口增长15%以上，进出口总额增长3.5%左右。", "进出口增长 左右 3.5%"},
		{"开发区规上工业增加值增长6%。", ""},
		{"城镇新增就业1200万人以上，城镇调查失业率5.5%左右，", "城镇新增就业 以上 1200万人; 城镇调查失业率 左右 5.5%"},
	} {
		d := report(2024, []string{c.text}, nil)
		var got []string
		for _, tg := range tab.Targets(d, 2024) {
			s := fmt.Sprintf("%s %s %s%s", tg.Indicator, tg.Comparison, formatNumber(tg.Value), tg.Unit)
			if tg.Comparison == Range {
				s = fmt.Sprintf("%s %s %s-%s%s", tg.Indicator, tg.Comparison, formatNumber(tg.Value), formatNumber(tg.High), tg.Unit)
			}
			got = append(got, s)
		}
		if g := strings.Join(got, "; "); g != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.text, g, c.want)
		}
	}
}

func TestActualsGolden(t *testing.T) {
	tab := builtin(t)
	// Paragraphs: 1 review heading, 2… the review.
	d := report(2025, nil, []string{
		// gwrn-2018 ¶5: five years, not last year
		"五年来，经济实力跃上新台阶。国内生产总值从54万亿元增加到82.7万亿元，年均增长7.1%。",
		"——经济结构出现重大变革。城镇新增就业6600万人以上。",
		// a single year again (gwrn-2025 ¶5)
		"过去一年，经济规模稳步扩大，国内生产总值达到134.9万亿元、增长5%，增速居世界主要经济体前列。就业、物价总体平稳，城镇新增就业1256万人、城镇调查失业率平均为5.1%，居民消费价格上涨0.2%。",
		// gwrn-2025 ¶6
		"生态环境质量有新改善，单位国内生产总值能耗降幅超过3%；粮食产量首次跃上1.4万亿斤新台阶。",
		// gwrp2026-99c454c7 ¶16: a level, not the growth targeted
		"社会消费品零售总额达4.64万亿元，进出口总额5.95万亿元、增长6%。",
		"居民消费价格下降0.1%。",
		// a restated plan inside a review is no result
		"今年城镇新增就业预期目标为1200万人以上。",
	})
	var got []string
	for _, a := range tab.Actuals(d, 2024) {
		s := fmt.Sprintf("p%d %s %s%s", a.Source.Paragraph, a.Indicator, formatNumber(a.Value), a.Unit)
		if a.Qualifier != "" {
			s += " (" + a.Qualifier + ")"
		}
		got = append(got, s)
	}
	want := []string{
		"p4 经济增长 5%",
		"p4 城镇新增就业 1256万人",
		"p4 城镇调查失业率 5.1%",
		"p4 居民消费价格涨幅 0.2%",
		"p5 单位生产总值能耗降低 3% (超过)",
		"p5 粮食产量 1.4万亿斤",
		"p6 社会消费品零售总额增长 4.64万亿元",
		"p6 进出口增长 6%",
	}
	if !slices.Equal(got, want) {
		t.Errorf("actuals:\n got %q\nwant %q", got, want)
	}
	neg := report(2025, nil, []string{"居民消费价格下降0.1%。"})
	if as := tab.Actuals(neg, 2024); len(as) != 1 || as[0].Value != -0.1 {
		t.Errorf("a fall in prices: %+v", as)
	}
}

func TestJudge(t *testing.T) {
	tab := builtin(t)
	target := func(ind, cmp string, v, h float64, unit string) *Target {
		i := tab.Lookup(ind)
		if i == nil {
			t.Fatalf("no indicator %s", ind)
		}
		return &Target{Indicator: i.Name, Direction: i.Direction, Comparison: cmp, Value: v, High: h, Unit: unit}
	}
	actual := func(text string) *Actual {
		d := report(2025, nil, []string{text})
		as := tab.Actuals(d, 2024)
		if len(as) != 1 {
			t.Fatalf("%s: %d results", text, len(as))
		}
		return &as[0]
	}
	for _, c := range []struct {
		tg   *Target
		text string
		want string
	}{
		{target("经济增长", About, 5, 0, "%"), "国内生产总值增长5%。", Met},
		{target("经济增长", About, 5, 0, "%"), "国内生产总值增长4.8%。", Met}, // within 5% of 5
		{target("经济增长", About, 5, 0, "%"), "国内生产总值增长4.7%。", Missed},
		{target("经济增长", About, 5.5, 0, "%"), "国内生产总值增长3%。", Missed},
		{target("经济增长", Range, 6, 6.5, "%"), "国内生产总值增长6.1%。", Met},
		{target("经济增长", Range, 6, 6.5, "%"), "国内生产总值增长5.9%。", Missed},
		{target("经济增长", Exact, 7.5, 0, "%"), "国内生产总值增长7.8%。", Met},
		{target("居民消费价格涨幅", About, 3, 0, "%"), "居民消费价格上涨0.2%。", Met}, // a ceiling
		{target("居民消费价格涨幅", About, 3, 0, "%"), "居民消费价格上涨3.2%。", Missed},
		{target("城镇新增就业", AtLeast, 1200, 0, "万人"), "城镇新增就业1256万人。", Met},
		// 1100多万人 may be anything from 1100万: it cannot say.
		{target("城镇新增就业", AtLeast, 1200, 0, "万人"), "城镇新增就业1100多万人。", NotCompared},
		{target("城镇新增就业", AtLeast, 1200, 0, "万人"), "城镇新增就业1100万人。", Missed},
		{target("城镇新增就业", AtLeast, 1000, 0, "万人"), "城镇新增就业1100多万人。", Met},
		{target("城镇调查失业率", AtMost, 5.5, 0, "%"), "城镇调查失业率降到5.5%。", Met},
		{target("城镇调查失业率", AtMost, 5.5, 0, "%"), "城镇调查失业率平均为5.6%。", Missed},
		{target("单位生产总值能耗降低", About, 2.5, 0, "%"), "单位国内生产总值能耗降幅超过3%。", Met},
		{target("单位生产总值能耗降低", AtLeast, 3.5, 0, "%"), "单位国内生产总值能耗降幅超过3%。", NotCompared},
		{target("粮食产量", Exact, 1285, 0, "万吨"), "粮食产量257亿斤。", Met}, // 1285万吨 = 257亿斤
		{target("粮食产量", AtLeast, 1.3, 0, "万亿斤"), "粮食产量1.2万亿斤。", Missed},
		{target("广义货币供应量增长", About, 13, 0, "%"), "广义货币M2增长11.3%。", Missed}, // both ways count
		{target("广义货币供应量增长", Exact, 16, 0, "%"), "广义货币增长16.5%。", Met},
		{target("社会消费品零售总额增长", About, 5.5, 0, "%"), "社会消费品零售总额达4.64万亿元。", NotCompared},
		{target("居民消费价格涨幅", About, 2, 0, "%"), "居民消费价格下降0.1%。", Met},
		{target("居民消费价格涨幅", About, 2, 0, "%"), "CPI微降0.1%。", Met},       // gwrp2026-749be811
		{target("固定资产投资增长", About, 5, 0, "%"), "固定资产投资下降3.3%。", Missed}, // gwrp2026-066c5321
	} {
		c.tg.Actual = actual(c.text)
		Judge(c.tg, 0)
		// The status follows from what the JSON answer carries.
		raw, err := json.Marshal(c.tg)
		if err != nil {
			t.Fatal(err)
		}
		var back Target
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		Judge(&back, 0)
		if back.Status != c.tg.Status {
			t.Errorf("%s: %s from the JSON form, %s from the extraction", c.text, back.Status, c.tg.Status)
		}
		if c.tg.Status != c.want {
			t.Errorf("%s %s %g %g%s vs %s: %s (%s), want %s", c.tg.Indicator, c.tg.Comparison, c.tg.Value, c.tg.High, c.tg.Unit, c.text, c.tg.Status, c.tg.Reason, c.want)
		}
		if c.tg.Reason == "" {
			t.Errorf("%s: no reason", c.text)
		}
	}
	none := target("经济增长", About, 5, 0, "%")
	Judge(none, 0)
	if none.Status != NotCompared {
		t.Errorf("no result: %s", none.Status)
	}
}

func TestTables(t *testing.T) {
	tab := builtin(t)
	for _, name := range []string{"经济增长", "GDP", "地区生产总值", "国内生产总值"} {
		if ind := tab.Lookup(name); ind == nil || ind.Name != "经济增长" {
			t.Errorf("Lookup(%s) = %v", name, ind)
		}
	}
	if tab.Lookup("城镇化率") != nil {
		t.Error("城镇化率 is not in the built-in table")
	}
	for _, bad := range []string{
		"经济增长\t%\t越高越好\t国内生产总值",                          // four columns
		"城镇化率\t平方米\t越高越好\t城镇化率\t-",                       // unknown unit
		"城镇化率\t%\t更好\t城镇化率\t-",                           // unknown direction
		"城镇化率\t%\t越高越好\t\t-",                             // no names
		"城镇化率\t%\t越高越好\t城镇化率\t",                          // no verbs
		"城镇化率\t%\t越高越好\t城镇化率\t-\n城镇化率\t%\t越高越好\t城镇化率\t-", // twice
	} {
		if _, err := ParseTable(bad); err == nil {
			t.Errorf("ParseTable(%q) accepted", bad)
		}
	}

	// An extra table adds an indicator and replaces one.
	extra := filepath.Join(t.TempDir(), "extra.tsv")
	if err := os.WriteFile(extra, []byte("# 本地补充指标\n常住人口城镇化率\t%\t越高越好\t常住人口城镇化率|城镇化率\t提高到|达到|-\n"+
		"居民消费价格涨幅\t%\t居中\t居民消费价格\t涨幅|上涨\t下降\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	more, err := LoadTable(extra)
	if err != nil {
		t.Fatal(err)
	}
	if len(more.Indicators) != len(tab.Indicators)+1 {
		t.Errorf("extra table: %d indicators, want %d", len(more.Indicators), len(tab.Indicators)+1)
	}
	d := report(2024, []string{"常住人口城镇化率提高到68%左右，居民消费价格涨幅2%左右。"}, nil)
	var got []string
	for _, tg := range more.Targets(d, 2024) {
		got = append(got, tg.Indicator+" "+tg.Direction)
	}
	if want := []string{"常住人口城镇化率 越高越好", "居民消费价格涨幅 居中"}; !slices.Equal(got, want) {
		t.Errorf("with the extra table: %q, want %q", got, want)
	}
	if _, err := LoadTable(filepath.Join(t.TempDir(), "missing.tsv")); err == nil {
		t.Error("a missing extra table is accepted")
	}
	if _, err := New(nil, Options{ExtraIndicators: extra}); err != nil {
		t.Errorf("New with an extra table: %v", err)
	}
}
