package web

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/search/commitments"
)

func commitmentsAPI(t *testing.T, s *Server, target string) *commitments.Report {
	t.Helper()
	r := do(t, s, "GET", target, nil)
	if r.status != 200 {
		t.Fatalf("GET %s: status %d: %s", target, r.status, r.body)
	}
	var rep commitments.Report
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

// TestCommitmentsAPI checks Chongqing's 2025 plan against its 2026 report,
// both in the test corpus: the commitment to build 数字重庆's basic
// capabilities is answered by the paragraph that says they are in place.
func TestCommitmentsAPI(t *testing.T) {
	s := newServer(t, "")
	rep := commitmentsAPI(t, s, "/api/commitments?agency="+q("重庆市")+"&year=2025")
	if len(rep.Plans) != 1 || rep.Plans[0].ID != "gwrp2025-e6348d38" || len(rep.Reviews) != 1 || rep.Reviews[0].ID != "gwrp2026-e6348d38" {
		t.Fatalf("plans %v, reviews %v", rep.Plans, rep.Reviews)
	}
	if len(rep.Commitments) < 100 {
		t.Errorf("only %d commitments in a provincial work report", len(rep.Commitments))
	}
	var found bool
	for _, c := range rep.Commitments {
		if c.Text != "推动形成数字重庆基本能力。" {
			continue
		}
		found = true
		if c.Status != commitments.Answered || len(c.FollowUps) == 0 || c.FollowUps[0].DocID != "gwrp2026-e6348d38" ||
			c.FollowUps[0].Paragraph != 18 || !strings.Contains(c.FollowUps[0].Snippet, "<mark>") {
			t.Errorf("数字重庆: %+v", c)
		}
	}
	if !found {
		t.Error("the commitment 推动形成数字重庆基本能力 is not listed")
	}
	total := 0
	for _, n := range rep.Counts {
		total += n
	}
	if total != len(rep.Commitments) {
		t.Errorf("counts %v add up to %d, not %d", rep.Counts, total, len(rep.Commitments))
	}

	// The government named as its documents name it, or shorter.
	for _, a := range []string{"重庆市人民政府", "重庆"} {
		if r := commitmentsAPI(t, s, "/api/commitments?agency="+q(a)+"&year=2025"); len(r.Commitments) != len(rep.Commitments) {
			t.Errorf("%s: %d commitments, 重庆市: %d", a, len(r.Commitments), len(rep.Commitments))
		}
	}
	// One status only.
	answered := commitmentsAPI(t, s, "/api/commitments?agency="+q("重庆市")+"&year=2025&status="+q("有回应"))
	if len(answered.Commitments) != rep.Counts[commitments.Answered] || len(answered.Commitments) == 0 {
		t.Errorf("status filter: %d, counted %d", len(answered.Commitments), rep.Counts[commitments.Answered])
	}
	// The State Council's 2024 report is here, its 2025 report is not:
	// nothing can be said about follow-ups yet.
	nat := commitmentsAPI(t, s, "/api/commitments?agency="+q("国务院")+"&year=2024")
	if len(nat.Commitments) == 0 || len(nat.Reviews) != 0 || nat.Counts[commitments.NoReview] != len(nat.Commitments) {
		t.Errorf("国务院 2024 without its review: %d commitments, reviews %v, counts %v", len(nat.Commitments), nat.Reviews, nat.Counts)
	}
	// A government with no plans: an empty report, not an error.
	none := commitmentsAPI(t, s, "/api/commitments?agency="+q("火星市")+"&year=2025")
	if len(none.Commitments) != 0 || len(none.Plans) != 0 {
		t.Errorf("火星市: %+v", none)
	}
}

func TestCommitmentsAPIErrors(t *testing.T) {
	s := newServer(t, "")
	for _, target := range []string{
		"/api/commitments",
		"/api/commitments?agency=" + q("国务院"),
		"/api/commitments?year=2024",
		"/api/commitments?agency=" + q("国务院") + "&year=abc",
		"/api/commitments?agency=" + q("国务院") + "&year=24",
		"/api/commitments?agency=" + q("国务院") + "&year=2024&status=done",
		"/api/commitments?agency=" + q("国务院") + "&year=2024&n=50",
	} {
		r := do(t, s, "GET", target, nil)
		if r.status != 400 {
			t.Errorf("GET %s: status %d, want 400", target, r.status)
			continue
		}
		if msg := jsonError(t, r); !strings.ContainsAny(msg, "机关年份状态条数整数") {
			t.Errorf("GET %s: error %q does not say what is wrong", target, msg)
		}
	}
}

func TestCommitmentsPage(t *testing.T) {
	s := newServer(t, "")
	// No choice yet: the governments with plans are offered.
	r := do(t, s, "GET", "/commitments", nil)
	if r.status != 200 || !strings.Contains(r.body, "重庆市人民政府") || !strings.Contains(r.body, "有工作部署的机关") {
		t.Fatalf("/commitments: %d %.500s", r.status, r.body)
	}
	// A government: its years.
	r = do(t, s, "GET", "/commitments?agency="+q("重庆市"), nil)
	if r.status != 200 || !strings.Contains(r.body, ">2025</a>") {
		t.Errorf("years of 重庆市: %d", r.status)
	}
	// A government and a year: commitments by section, statuses, and the
	// follow-up paragraph linked.
	r = do(t, s, "GET", "/commitments?agency="+q("重庆市")+"&year=2025", nil)
	body := html.UnescapeString(r.body)
	for _, want := range []string{
		"2025年重庆市政府工作报告", "2026年重庆市政府工作报告",
		`class="status answered">有回应`, `class="status unclear">待核对`,
		"推动形成数字重庆基本能力。",
		`href="/doc/gwrp2026-e6348d38#p-18"`,
		`<section class="cgroup" id="gwrp2025-e6348d38/s`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("commitments page lacks %q", want)
		}
	}
	// Filtered to 未见回应: no 有回应 badge left.
	r = do(t, s, "GET", "/commitments?agency="+q("重庆市")+"&year=2025&status="+q("未见回应"), nil)
	if r.status != 200 || strings.Contains(r.body, `class="status answered"`) {
		t.Errorf("status filter on the page: %d", r.status)
	}
	// Without the next report the page says so.
	r = do(t, s, "GET", "/commitments?agency="+q("国务院")+"&year=2024", nil)
	if r.status != 200 || !strings.Contains(r.body, "索引中尚无") || !strings.Contains(r.body, "尚无回顾") {
		t.Errorf("国务院 2024: %d", r.status)
	}
	// Bad input: a Chinese message on the page, status 400.
	r = do(t, s, "GET", "/commitments?agency="+q("国务院")+"&year=abc", nil)
	if r.status != 400 || !strings.Contains(r.body, "参数 year 应为整数") {
		t.Errorf("bad year: %d", r.status)
	}
	// A plan section of the 2025 report links to its follow-ups.
	r = do(t, s, "GET", "/doc/gwrp2025-e6348d38", nil)
	if !strings.Contains(html.UnescapeString(r.body), `/commitments?agency=`+q("重庆市人民政府")+`&year=2025#gwrp2025-e6348d38/s`) {
		t.Error("the plan sections of the 2025 report do not link to /commitments")
	}
}

// Every "查看其后的回应" link of a plan document lands on a group of the
// commitments page (sections that commit to nothing have no link).
func TestPlanLinksLand(t *testing.T) {
	s := newServer(t, "")
	linkRe := regexp.MustCompile(`href="(/commitments\?[^"#]+)#([^"]+)"`)
	links := 0
	for _, id := range []string{"gwrn-2024", "gwrp2025-e6348d38", "gwrp2026-e6348d38", "gwrp2025-15ef4634"} {
		page := do(t, s, "GET", "/doc/"+id, nil)
		if page.status != http.StatusOK {
			t.Fatalf("%s: %d", id, page.status)
		}
		pages := map[string]string{}
		for _, m := range linkRe.FindAllStringSubmatch(page.body, -1) {
			links++
			target := html.UnescapeString(m[1])
			if _, ok := pages[target]; !ok {
				pages[target] = do(t, s, "GET", target, nil).body
			}
			anchor := html.UnescapeString(m[2])
			if !strings.Contains(pages[target], `id="`+html.EscapeString(anchor)+`"`) {
				t.Errorf("%s links %s#%s, which has no such anchor", id, target, anchor)
			}
		}
	}
	if links == 0 {
		t.Fatal("no plan links on the plan documents")
	}
}
