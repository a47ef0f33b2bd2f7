package indexer

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/search"
)

// Role classification on 112 real headings labelled by hand
// (testdata/roles/headings.tsv). The accuracy is reported in
// docs/quality.md; the test keeps it from falling.
func TestRoleAccuracy(t *testing.T) {
	f, err := os.Open("../testdata/roles/headings.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	total, right, years, yearsRight := 0, 0, 0, 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		c := strings.Split(line, "\t")
		docYear, _ := strconv.Atoi(c[2])
		wantYear, _ := strconv.Atoi(c[3])
		total++
		role := headingRole(c[0])
		if role == "" {
			role = search.RoleOther
		}
		if role == c[1] {
			right++
		} else {
			t.Logf("%s: %s, labelled %s", c[0], role, c[1])
		}
		if c[1] != search.RoleOther && role == c[1] {
			years++
			if y := roleYear(role, c[0], docYear); y == wantYear {
				yearsRight++
			} else {
				t.Logf("%s: year %d, labelled %d", c[0], y, wantYear)
			}
		}
	}
	acc := float64(right) / float64(total)
	t.Logf("role accuracy %d/%d = %.3f; year %d/%d", right, total, acc, yearsRight, years)
	if total < 100 || acc < 0.95 || yearsRight != years {
		t.Errorf("role accuracy %.3f on %d headings (want ≥ 0.95 on ≥ 100), years %d/%d", acc, total, yearsRight, years)
	}
}

// Roles in whole documents: the seed report, the 2024 national report,
// and a provincial report that numbers only its subsections.
func TestAssignRoles(t *testing.T) {
	d, err := ParseFile(corpus + "seed/000_44bda8417bfe1ce5.txt")
	if err != nil {
		t.Fatal(err)
	}
	check := func(d *search.Document, text, role string, year int) {
		t.Helper()
		sec, _ := sectionWith(t, d, text)
		if sec.Role != role || sec.Year != year {
			t.Errorf("%s: section %q has role %s/%d, want %s/%d", d.ID, sec.Path, sec.Role, sec.Year, role, year)
		}
	}
	check(d, "深化“放管服”改革", search.RoleReview, 2022)
	check(d, "深度助推示范区创建", search.RolePlan, 2023)
	g := record(t, "gwrn-2024")
	check(g, "国内生产总值超过126万亿元", search.RoleReview, 2023)
	check(g, "大力推进现代化产业体系建设，加快发展新质生产力", search.RolePlan, 2024)
	// Older work reports name few roles: after the review, the parts
	// are the plan; a year in Chinese numerals places a part; the
	// explanation of a draft is neither; a heading broken at 《 is one line.
	report := func(year, body string) *search.Document {
		t.Helper()
		title, typ, src := year+"年中华人民共和国国务院政府工作报告", "政府工作报告", "wikisource_gwr_national"
		var r Record
		if err := json.Unmarshal([]byte(`{"id":"x","year":`+year+`}`), &r); err != nil {
			t.Fatal(err)
		}
		r.Title, r.DocType, r.Source, r.Body = &title, &typ, &src, &body
		d, err := FromRecord(&r)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	old := report("1997", "各位代表：\n\n一、１９９６年国内工作的回顾\n\n去年国民经济继续快速增长。\n\n二、保持国民经济发展的良好势头\n\n今年要继续加强农业。\n\n三、关于《\n国民经济和社会发展第九个五年计划纲要\n》的说明\n\n下面作简要说明。")
	check(old, "去年国民经济继续快速增长", search.RoleReview, 1996)
	check(old, "今年要继续加强农业", search.RolePlan, 1997)
	check(old, "下面作简要说明", search.RoleOther, 0)
	if sec, _ := sectionWith(t, old, "下面作简要说明"); sec.Path[0] != "三、关于《国民经济和社会发展第九个五年计划纲要》的说明" {
		t.Errorf("heading broken at its brackets: %q", sec.Path[0])
	}
	leap := report("1958", "（一）一九五七年经济战线上的胜利\n\n一九五七年工业总产值增长。\n\n（二）争取一九五八年国民经济的新跃进\n\n一九五八年要争取新跃进。")
	check(leap, "工业总产值增长", search.RoleReview, 1957)
	check(leap, "要争取新跃进", search.RolePlan, 1958)

	law := record(t, "lrb-ecbaccb7f6")
	for _, s := range law.Sections {
		if s.Role != search.RoleOther {
			t.Errorf("law section %q has role %s", s.Path, s.Role)
			break
		}
	}
}
