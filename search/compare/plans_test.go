package compare

import (
	"strings"
	"testing"
)

func findItem(items []PlanItem, text string) *PlanItem {
	for i := range items {
		if items[i].Text == text {
			return &items[i]
		}
	}
	return nil
}

// Chongqing's plan for 2026 against its plan for 2025.
func TestComparePlansChongqing(t *testing.T) {
	r25, r26 := doc(t, "gwrp2025-e6348d38"), doc(t, "gwrp2026-e6348d38")
	p := ComparePlans(r26, r25) // either order: the later plan is the newer
	if p == nil {
		t.Fatal("no plan comparison for two consecutive work reports")
	}
	if p.Older.DocID != r25.ID || p.Older.Year != 2025 || p.Newer.DocID != r26.ID || p.Newer.Year != 2026 {
		t.Fatalf("older %+v newer %+v", p.Older, p.Newer)
	}
	if len(p.New)+len(p.Carried) != p.Newer.Items || len(p.Dropped)+len(p.Carried) != p.Older.Items {
		t.Errorf("items do not add up: new %d carried %d dropped %d, items %d / %d",
			len(p.New), len(p.Carried), len(p.Dropped), p.Newer.Items, p.Older.Items)
	}

	// New this year: the AI+ action and the low-altitude economy.
	if it := findItem(p.New, "拓展实施“人工智能+”行动。"); it == nil || it.DocID != r26.ID || it.Paragraph != 46 {
		t.Errorf("拓展实施“人工智能+”行动 not listed as new: %+v", it)
	}
	found := false
	for _, it := range p.New {
		found = found || strings.Contains(it.Text, "打造低空经济创新发展强市")
	}
	if !found {
		t.Error("the low-altitude economy item is not new")
	}
	// Dropped: one-off tasks of 2025.
	for _, want := range []string{"投用江北国际机场T3B航站楼，加快建设区位门户复合型国际航空枢纽。",
		"配合国家编制双城经济圈建设“十五五”指导文件，协同办好五周年宣传活动，合力打造区域协作高水平样板。"} {
		if it := findItem(p.Dropped, want); it == nil || it.DocID != r25.ID {
			t.Errorf("%q not dropped", want)
		}
	}
	// Carried on, reworded: 数字重庆's capabilities.
	var dig *PlanMatch
	for i := range p.Carried {
		if p.Carried[i].Newer.Text == "推动数字重庆体系能力建设。" {
			dig = &p.Carried[i]
		}
	}
	if dig == nil || dig.Older.Text != "推动形成数字重庆基本能力。" || dig.Op != Changed {
		t.Fatalf("数字重庆 not carried from 2025: %+v", dig)
	}
	if joined(dig.OlderWords) != dig.Older.Text || joined(dig.NewerWords) != dig.Newer.Text ||
		len(marked(dig.NewerWords, Added)) == 0 || !strings.Contains(strings.Join(marked(dig.NewerWords, Same), ""), "数字重庆") {
		t.Errorf("数字重庆 word diff: %+v / %+v", dig.OlderWords, dig.NewerWords)
	}
	// Carried word for word.
	same := false
	for _, c := range p.Carried {
		if c.Newer.Text == "建设高素质专业化教师队伍。" {
			same = c.Op == Same && c.Older.Text == c.Newer.Text && c.OlderWords == nil
		}
	}
	if !same {
		t.Error("建设高素质专业化教师队伍 is not carried unchanged")
	}
}

// The State Council's targets for 2025 against 2024: the energy target
// changed from 2.5% to 3%.
func TestComparePlansNational(t *testing.T) {
	p := ComparePlans(doc(t, "gwrn-2024"), doc(t, "gwrn-2025"))
	if p == nil || p.Older.Year != 2024 || p.Newer.Year != 2025 {
		t.Fatalf("plans %+v", p)
	}
	var energy *PlanMatch
	for i := range p.Carried {
		if strings.HasPrefix(p.Carried[i].Newer.Text, "单位国内生产总值能耗降低") {
			energy = &p.Carried[i]
		}
	}
	if energy == nil || energy.Op != Changed {
		t.Fatalf("energy target: %+v", energy)
	}
	if got := strings.Join(marked(energy.OlderWords, Removed), "|"); got != "2.5%" {
		t.Errorf("2024 energy target words %q, want 2.5%%", got)
	}
	if got := strings.Join(marked(energy.NewerWords, Added), "|"); got != "3%" {
		t.Errorf("2025 energy target words %q, want 3%%", got)
	}
}

func TestComparePlansNeedsTwoYears(t *testing.T) {
	if p := ComparePlans(doc(t, "gwrn-2024"), doc(t, "gwrn-2024")); p != nil {
		t.Error("a plan compared with itself")
	}
	if p := ComparePlans(doc(t, "lrb-ecbaccb7f6"), doc(t, "lrb-6b9c8b2c12")); p != nil {
		t.Error("regulations have no plans")
	}
	if y := PlanYear(doc(t, "gwrp2026-e6348d38")); y != 2026 {
		t.Errorf("PlanYear = %d", y)
	}
}
