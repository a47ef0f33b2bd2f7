package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/search/bleve"
	"github.com/gongkai/gongkai/search/targets"
	"github.com/gongkai/gongkai/web"
)

// reportsIndex indexes the bundled sample's national work reports of
// 2022–2025 with the index command.
func reportsIndex(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	raw, err := os.ReadFile("sample/sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	keep := regexp.MustCompile(`^gwrn-202[2-5]$`)
	var sel bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var rec struct{ ID string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && keep.MatchString(rec.ID) {
			sel.Write(sc.Bytes())
			sel.WriteByte('\n')
		}
	}
	file := filepath.Join(dir, "reports.jsonl")
	if err := os.WriteFile(file, sel.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, "index")
	if out, _, err := runCLI(t, "index", "--index", index, file); err != nil || !strings.Contains(out, "文档 4（新增或更新 4") {
		t.Fatalf("index: %v %s", err, out)
	}
	return index
}

func exitCode(err error) int {
	if ee, ok := err.(*exitError); ok {
		return ee.Code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestTargetsCommand(t *testing.T) {
	index := reportsIndex(t)

	// Text: by year, each target with its paragraph, its result with
	// its paragraph, the status and why.
	out, _, err := runCLI(t, "targets", "--index", index, "--agency", "国务院", "--indicator", "GDP")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"国务院 各年度的经济增长目标与实际完成",
		"共 4 项：达成 2，未达成 1，无法比较 1",
		"[未达成] 经济增长：国内生产总值增长5.5%左右（左右）\n   目标出处：gwrn-2022 ¶39\n   实际：国内生产总值增长3%  出处：gwrn-2023 ¶6\n   实际3%，目标要求5.225%及以上",
		"2025 年\n[无法比较] 经济增长：国内生产总值增长5%左右（左右）",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// JSON: the report of one year.
	out, _, err = runCLI(t, "targets", "--index", index, "--agency", "国务院", "--year", "2024", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep targets.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	var jobs *targets.Target
	for i, tg := range rep.Targets {
		if tg.Year != 2024 {
			t.Errorf("a target of %d in the report of 2024", tg.Year)
		}
		if tg.Indicator == "城镇新增就业" {
			jobs = &rep.Targets[i]
		}
	}
	if jobs == nil || jobs.Value != 1200 || jobs.Unit != "万人" || jobs.Comparison != "以上" || jobs.Status != targets.Met ||
		jobs.Actual == nil || jobs.Actual.Value != 1256 || jobs.Actual.Source.Link != "/doc/gwrn-2025#p-5" {
		t.Errorf("2024 jobs: %+v", jobs)
	}

	// An extra table that reads prices as a level to reach (居中): 0.2%
	// against 3%左右 misses.
	builtin := "居民消费价格涨幅\t%\t越低越好\t居民消费价格|居民消费价格总水平|全国居民消费价格|居民消费价格指数|cpi|物价总水平\t涨幅|上涨|上涨幅度|同比上涨|上升|增长|微涨\t下降|下跌|同比下降|微降\n"
	extra := filepath.Join(t.TempDir(), "extra.tsv")
	if err := os.WriteFile(extra, []byte(strings.Replace(builtin, "越低越好", "居中", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(t, "targets", "--index", index, "--agency", "国务院", "--year", "2024", "--indicator", "CPI", "--indicators", extra, "--json")
	rep = targets.Report{}
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Targets) != 1 {
		t.Fatalf("extra table: %v\n%s", err, out)
	}
	if tg := rep.Targets[0]; tg.Direction != "居中" || tg.Status != targets.Missed {
		t.Errorf("CPI 2024 read as a level: %+v", tg)
	}

	// Mistakes: exit 2 and a message that says what to do.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--agency", "国务院", "--indicator", "幸福指数"}, "未知指标：幸福指数（可用：经济增长、居民消费价格涨幅、"},
		{[]string{"--year", "2024"}, "需要 --agency"},
		{[]string{"--agency", "国务院", "--year", "24"}, "年份 24 超出范围"},
		{[]string{"--agency", "国务院", "--indicators", filepath.Join(t.TempDir(), "none.tsv")}, "指标表有误"},
	} {
		_, _, err := runCLI(t, append([]string{"targets", "--index", index}, c.args...)...)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: exit %d, %v; want 2 and %q", c.args, exitCode(err), err, c.want)
		}
	}
}

// A server holds the index: targets are asked of it, with the same
// answers and the same mistakes.
func TestTargetsHeldIndex(t *testing.T) {
	index := reportsIndex(t)
	direct, _, err := runCLI(t, "targets", "--index", index, "--agency", "国务院", "--json")
	if err != nil {
		t.Fatal(err)
	}
	held, err := bleve.OpenWith(context.Background(), index, bleve.Options{Owner: bleve.Owner{Command: "gongkai serve"}})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	srv := web.New(web.Options{Log: zerolog.Nop()})
	srv.SetIndex(held)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	held.Engine().(*bleve.Engine).SetOwnerAddr(hs.URL)

	out, errOut, err := runCLI(t, "targets", "--index", index, "--agency", "国务院", "--json")
	if err != nil || !strings.Contains(errOut, hs.URL) {
		t.Fatalf("targets of a held index: %v\n%s", err, errOut)
	}
	var a, b targets.Report
	if json.Unmarshal([]byte(direct), &a) != nil || json.Unmarshal([]byte(out), &b) != nil || len(a.Targets) == 0 || len(a.Targets) != len(b.Targets) || a.Counts[targets.Met] != b.Counts[targets.Met] {
		t.Errorf("through the server: %d targets %v; directly: %d %v", len(b.Targets), b.Counts, len(a.Targets), a.Counts)
	}
	_, _, err = runCLI(t, "targets", "--index", index, "--agency", "国务院", "--indicator", "幸福指数")
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "未知指标") {
		t.Errorf("unknown indicator, held index: %v", err)
	}
	extra := filepath.Join(t.TempDir(), "extra.tsv")
	if err := os.WriteFile(extra, []byte("# nothing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCLI(t, "targets", "--index", index, "--agency", "国务院", "--indicators", extra)
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "服务只用内置指标表") {
		t.Errorf("--indicators with a held index: %v", err)
	}
}
