package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/search/bleve"
	"github.com/gongkai/gongkai/web"
)

// gongkai compare on the test corpus: the two versions of 上海市优化营商环境条例
// and Chongqing's work reports of 2025 and 2026.
func TestCompareCommand(t *testing.T) {
	dir := testIndex(t)
	out, _, err := runCLI(t, "compare", "--index", dir, "lrb-ecbaccb7f6", "lrb-6b9c8b2c12")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"A：《上海市优化营商环境条例》（lrb-ecbaccb7f6，2020-04-10）",
		"章节：未改动 ",
		// An added article, with its path and paragraph.
		"+ 新增 第二章 市场环境 › 第二十三条\n  + ¶57 第二十三条 发生突发事件的",
		// A changed sentence with the changed words, both paragraph numbers.
		"~ ¶5 本条例所称营商环境，是指企业等[-市场主体-]在市场经济活动中",
		"    ¶8 本条例所称营商环境，是指企业等{+经营主体+}在市场经济活动中",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Unchanged sections are left out unless asked for.
	if strings.Contains(out, "仅编号变化") || strings.Contains(out, "\n= ") {
		t.Error("an unchanged article is listed without --all")
	}
	out, _, err = runCLI(t, "compare", "--index", dir, "--all", "lrb-ecbaccb7f6", "lrb-6b9c8b2c12")
	if err != nil || !strings.Contains(out, "= 第三章 政务服务 › 第二十九条 → 第三章 政务服务 › 第三十条（仅编号变化）") {
		t.Errorf("--all: %v\n%.2000s", err, out)
	}

	out, _, err = runCLI(t, "compare", "--index", dir, "--json", "lrb-ecbaccb7f6", "lrb-6b9c8b2c12")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		A, B struct {
			ID string `json:"id"`
		}
		Counts struct {
			Sections struct{ Added int }
		}
		Sections []struct {
			Op        string
			Sentences []struct{ Op string }
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("--json: %v\n%.300s", err, out)
	}
	if d.A.ID != "lrb-ecbaccb7f6" || d.B.ID != "lrb-6b9c8b2c12" || d.Counts.Sections.Added == 0 || len(d.Sections) < 80 {
		t.Errorf("JSON: %+v", d.A)
	}

	// Two work reports: the plans, new items first.
	out, _, err = runCLI(t, "compare", "--index", dir, "--plans", "gwrp2025-e6348d38", "gwrp2026-e6348d38")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"年度部署：2026 年（gwrp2026-e6348d38", "+ ¶46 拓展实施“人工智能+”行动。", "不再提及", "延续"} {
		if !strings.Contains(out, want) {
			t.Errorf("--plans output lacks %q", want)
		}
	}
	if strings.Contains(out, "章节：") {
		t.Error("--plans prints the section comparison")
	}

	// Mistakes: an unknown id, one id, two regulations asked for plans.
	if _, _, err := runCLI(t, "compare", "--index", dir, "lrb-ecbaccb7f6", "no-such-doc"); err == nil || !strings.Contains(err.Error(), "no-such-doc") {
		t.Errorf("unknown id: %v", err)
	}
	if _, _, err := runCLI(t, "compare", "--index", dir, "lrb-ecbaccb7f6"); err == nil {
		t.Error("one id accepted")
	} else if ee, ok := err.(*exitError); !ok || ee.Code != 2 {
		t.Errorf("one id: %v", err)
	}
	if _, _, err := runCLI(t, "compare", "--index", dir, "--plans", "lrb-ecbaccb7f6", "lrb-6b9c8b2c12"); err == nil || !strings.Contains(err.Error(), "工作报告") {
		t.Errorf("--plans on regulations: %v", err)
	}

	// A server holds the index: the comparison goes through it, the same.
	held, err := bleve.OpenWith(context.Background(), dir, bleve.Options{Owner: bleve.Owner{Command: "gongkai serve"}})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	srv := web.New(web.Options{Log: zerolog.Nop()})
	srv.SetIndex(held)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	held.Engine().(*bleve.Engine).SetOwnerAddr(hs.URL)
	remote, errOut, err := runCLI(t, "compare", "--index", dir, "--plans", "gwrp2025-e6348d38", "gwrp2026-e6348d38")
	if err != nil || remote != out || !strings.Contains(errOut, hs.URL) {
		t.Errorf("compare of a held index: %v\n%s\n%.300s", err, errOut, remote)
	}
	if _, _, err := runCLI(t, "compare", "--index", dir, "lrb-ecbaccb7f6", "no-such-doc"); err == nil || !strings.Contains(err.Error(), "no-such-doc") {
		t.Errorf("unknown id through the server: %v", err)
	}
}
