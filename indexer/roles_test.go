package indexer

import (
	"bufio"
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
	law := record(t, "lrb-ecbaccb7f6")
	for _, s := range law.Sections {
		if s.Role != search.RoleOther {
			t.Errorf("law section %q has role %s", s.Path, s.Role)
			break
		}
	}
}
