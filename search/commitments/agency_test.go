package commitments

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

// planDoc is a small report: a plan section for planYear and, when
// reviewYear is set, a review section before it.
func planDoc(id, agency, title string, planYear, reviewYear int, plan, review string) *search.Document {
	d := &search.Document{ID: id, Agency: agency, Title: title, Date: "2025-01-20"}
	if reviewYear > 0 {
		d.Paragraphs = append(d.Paragraphs, search.Paragraph{Text: "一、工作回顾", Heading: true}, search.Paragraph{Text: review})
		d.Sections = append(d.Sections, search.Section{ID: id + "/s1", Path: []string{"一、工作回顾"}, First: 1, Last: 2,
			Role: search.RoleReview, Year: reviewYear})
	}
	n := len(d.Paragraphs)
	d.Paragraphs = append(d.Paragraphs, search.Paragraph{Text: "二、今年工作安排", Heading: true}, search.Paragraph{Text: plan})
	d.Sections = append(d.Sections, search.Section{ID: id + "/s2", Path: []string{"二、今年工作安排"}, First: n + 1, Last: n + 2,
		Role: search.RolePlan, Year: planYear})
	return d
}

// agencyIndex holds plans of governments whose names overlap as users
// type them.
func agencyIndex(t *testing.T) *bleve.Index {
	t.Helper()
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	docs := []*search.Document{
		planDoc("gov-2024", "国务院", "2024年政府工作报告", 2024, 0, "加快建设西部陆海新通道。实施城市更新行动。", ""),
		planDoc("gov-2025", "国务院", "2025年政府工作报告", 2025, 2024, "推进城市更新。",
			"西部陆海新通道建设加快推进，城市更新行动全面实施。"),
		planDoc("gov-office-2024", "国务院办公厅", "2024年政务公开工作要点", 2024, 0, "推进政务公开标准化规范化。", ""),
		planDoc("zj-2025", "浙江省人民政府", "2025年浙江省政府工作报告", 2025, 0, "高标准建设大宗商品资源配置枢纽。", ""),
		planDoc("zj-npc-2025", "浙江省人民代表大会常务委员会", "浙江省人大常委会工作报告", 2025, 0, "加强地方立法工作。", ""),
		planDoc("cq-2025", "重庆市人民政府", "2025年重庆市政府工作报告", 2025, 0, "推动形成数字重庆基本能力。", ""),
		planDoc("jlp-2025", "重庆市九龙坡区人民政府", "九龙坡区2025年政府工作报告", 2025, 0, "建设西部（重庆）科学城九龙坡片区。", ""),
		planDoc("cy-bj", "北京市朝阳区人民政府", "朝阳区2025年政府工作报告", 2025, 0, "建设国际消费中心城市主承载区。", ""),
		planDoc("cy-cc", "长春市朝阳区人民政府", "朝阳区2025年政府工作报告", 2025, 0, "推进老旧小区改造。", ""),
	}
	if err := idx.Put(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return idx
}

// TestResolveAgency checks that names as users type them resolve among
// the agencies that the 机关: filter selects for them.
func TestResolveAgency(t *testing.T) {
	idx := agencyIndex(t)
	ctx := context.Background()
	for _, c := range []struct{ typed, want string }{
		{"国务院", "国务院"},
		{"国务院办公厅", "国务院办公厅"},
		{"浙江", "浙江省人民政府"},
		{"浙江省", "浙江省人民政府"},
		{"浙江省人民政府", "浙江省人民政府"},
		{"浙江省政府", "浙江省人民政府"},
		{"九龙坡区", "重庆市九龙坡区人民政府"},
		{"九龙坡", "重庆市九龙坡区人民政府"},
		{"重庆", "重庆市人民政府"},
		{"重庆市", "重庆市人民政府"},
	} {
		// The candidates are what 机关: selects: every candidate's agency
		// contains the name as typed or, when none does, its key
		// (浙江省政府 → 浙江).
		var selected []string
		for _, name := range []string{c.typed, governmentKey(c.typed)} {
			q, err := search.Parse("机关:" + name + " 类型:plan")
			if err != nil {
				t.Fatal(err)
			}
			res, err := idx.Search(ctx, q, &search.Request{Page: 1, Size: 100, Sort: search.SortDate})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				selected = append(selected, h.Agency)
			}
			if len(selected) > 0 {
				break
			}
		}
		got, err := ResolveAgency(ctx, idx, c.typed)
		if err != nil {
			t.Errorf("%s: %v", c.typed, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s resolves to %s, want %s", c.typed, got, c.want)
		}
		if !slices.Contains(selected, got) {
			t.Errorf("%s resolves to %s, which 机关:%s does not select (%v)", c.typed, got, c.typed, selected)
		}
	}

	var amb *AmbiguousError
	if _, err := ResolveAgency(ctx, idx, "朝阳区"); !errors.As(err, &amb) || len(amb.Candidates) != 2 {
		t.Errorf("朝阳区: %v, want an AmbiguousError with the two 朝阳区", err)
	}
	if _, err := ResolveAgency(ctx, idx, "火星"); !errors.Is(err, ErrNoGovernment) {
		t.Errorf("火星: %v, want ErrNoGovernment", err)
	}
}

// TestReportKeepsGovernmentsApart checks that a report is made of one
// government's documents only: 国务院's plans and reviews, not
// 国务院办公厅's, and the other way round.
func TestReportKeepsGovernmentsApart(t *testing.T) {
	idx := agencyIndex(t)
	ctx := context.Background()
	tr := &Tracker{Index: idx}
	r, err := tr.Report(ctx, "国务院", 2024)
	if err != nil {
		t.Fatal(err)
	}
	var plans, reviews []string
	for _, d := range r.Plans {
		plans = append(plans, d.ID)
	}
	for _, d := range r.Reviews {
		reviews = append(reviews, d.ID)
	}
	if r.Agency != "国务院" || !slices.Equal(plans, []string{"gov-2024"}) || !slices.Equal(reviews, []string{"gov-2025"}) {
		t.Errorf("国务院 2024: agency %s, plans %v, reviews %v; want 国务院, [gov-2024], [gov-2025]", r.Agency, plans, reviews)
	}
	for _, c := range r.Commitments {
		if strings.Contains(c.Text, "西部陆海新通道") && (c.Status != Answered || c.FollowUps[0].DocID != "gov-2025") {
			t.Errorf("%s: %s %v, want 有回应 from gov-2025", c.Text, c.Status, c.FollowUps)
		}
	}
	r, err = tr.Report(ctx, "国务院办公厅", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if r.Agency != "国务院办公厅" || len(r.Plans) != 1 || r.Plans[0].ID != "gov-office-2024" || len(r.Reviews) != 0 {
		t.Errorf("国务院办公厅 2024: %s %v %v, want only gov-office-2024 and no review", r.Agency, r.Plans, r.Reviews)
	}
	for _, c := range r.Commitments {
		if c.Status != NoReview {
			t.Errorf("%s: %s, want %s", c.Text, c.Status, NoReview)
		}
	}
	if r, err := tr.Report(ctx, "火星", 2024); err != nil || len(r.Plans) != 0 {
		t.Errorf("火星: %v %v, want an empty report", r, err)
	}
	if years, err := tr.Years(ctx, "国务院"); err != nil || !slices.Equal(years, []int{2025, 2024}) {
		t.Errorf("国务院 years: %v %v, want [2025 2024]", years, err)
	}
}

// TestGovernments checks that every government with a plan is listed,
// not only the ten a facet shows, each with its plan years.
func TestGovernments(t *testing.T) {
	idx := agencyIndex(t)
	gs, err := Governments(context.Background(), idx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range gs {
		got = append(got, g.Agency)
		if g.Agency == "国务院" && !slices.Equal(g.Years, []int{2025, 2024}) {
			t.Errorf("国务院 years %v, want [2025 2024]", g.Years)
		}
	}
	want := []string{"北京市朝阳区人民政府", "国务院", "国务院办公厅", "浙江省人民代表大会常务委员会", "浙江省人民政府",
		"重庆市九龙坡区人民政府", "重庆市人民政府", "长春市朝阳区人民政府"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Governments:\n got %v\nwant %v", got, want)
	}
}

// TestQuantitativeJudge checks that a judge of numeric commitments
// decides their status, and only theirs.
func TestQuantitativeJudge(t *testing.T) {
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	ctx := context.Background()
	docs := []*search.Document{
		planDoc("p", "某市人民政府", "2024年政府工作报告", 2024, 0, "地区生产总值增长5%左右。加快建设轨道交通。", ""),
		planDoc("r", "某市人民政府", "2025年政府工作报告", 2025, 2024, "",
			"地区生产总值增长5.2%。轨道交通建设加快推进。"),
	}
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	var judged []string
	tr := &Tracker{Index: idx, Quantitative: func(_ context.Context, c Commitment, reviews []*search.Document) (Verdict, bool, error) {
		judged = append(judged, c.Text)
		if len(reviews) != 1 || reviews[0].ID != "r" {
			t.Errorf("reviews %v, want [r]", reviews)
		}
		return Verdict{Status: Answered, Reason: "目标“增长5%左右”，实际“增长5.2%”（达成）",
			FollowUp: &FollowUp{DocID: "r", Paragraph: 2, Score: 1}}, true, nil
	}}
	cs, err := tr.Commitments(ctx, "某市", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || !slices.Equal(judged, []string{cs[0].Text}) {
		t.Fatalf("commitments %v, judged %v; want two, the first judged", cs, judged)
	}
	c := cs[0]
	if !c.Quantitative || c.Status != Answered || c.Evidence.Source != "targets" || !strings.Contains(c.Reason, "达成") ||
		c.FollowUps[0].DocID != "r" || c.FollowUps[0].Paragraph != 2 {
		t.Errorf("judged commitment: %+v", c)
	}
	if cs[1].Quantitative || cs[1].Evidence.Source != "words" {
		t.Errorf("second commitment: %+v, want judged by words", cs[1])
	}
}
