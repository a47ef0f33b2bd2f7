package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/search/opensearch"
)

// A misspelt path stops a rebuild before the index is deleted; without
// --rebuild it is reported and the rest indexed (TestIndexReportsBadFiles).
func TestIndexMissingPath(t *testing.T) {
	dir := testIndex(t)
	_, _, err := runCLI(t, "index", "--rebuild", "--index", dir, "../../testdata/corpus/no-such-file.jsonl")
	var ee *exitError
	if !errors.As(err, &ee) || ee.Code != 2 || !strings.Contains(err.Error(), "找不到") {
		t.Errorf("a rebuild with a missing path: %v", err)
	}
	out, _, err := runCLI(t, "search", "--index", dir, "--json", "放管服")
	if err != nil || !strings.Contains(out, "seed-000_44bda8417bfe1ce5") {
		t.Errorf("the index after refused runs: %v %.200s", err, out)
	}
}

// An OpenSearch rebuild that cannot read all its inputs leaves searches
// on the index they had (the alias does not move), and says so.
func TestOpenSearchRebuildWithFailures(t *testing.T) {
	urls := os.Getenv("GONGKAI_OPENSEARCH")
	if urls == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but GONGKAI_OPENSEARCH is not")
		}
		t.Skip("GONGKAI_OPENSEARCH is not set")
	}
	alias := fmt.Sprintf("gongkai-cli-test-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		ctx := context.Background()
		if e, err := opensearch.OpenEngine(ctx, opensearch.Options{URLs: strings.Split(urls, ","), Index: alias}); err == nil {
			_ = e.DeleteIndex(ctx)
			e.Close()
		}
	})
	engine := []string{"--engine", "opensearch", "--opensearch", urls, "--opensearch-index", alias, "--opensearch-replicas", "-1"}
	// Reading commands do not create the index they look for.
	if _, _, err := runCLI(t, append(append([]string{"search"}, engine...), "放管服")...); err == nil || !strings.Contains(err.Error(), "还没有索引") {
		t.Errorf("search of an alias with no index: %v", err)
	}
	if resp, err := http.Get(strings.Split(urls, ",")[0] + "/_alias/" + alias); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a search created the alias: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	if _, _, err := runCLI(t, append(append([]string{"index"}, engine...), "../../testdata/corpus/tests.jsonl")...); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		out, _, err := runCLI(t, append(append([]string{"search"}, engine...), "--json", "放管服")...)
		if err != nil {
			t.Fatal(err)
		}
		var res struct{ Total int }
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	before := count()
	if before == 0 {
		t.Fatal("放管服 finds nothing in the first index")
	}
	inputs := t.TempDir()
	if err := writeFile(filepath.Join(inputs, "one.jsonl"), `{"id":"one","title":"一篇","body":"只有这一篇。"}`+"\n"); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(filepath.Join(inputs, "bad.jsonl"), "{not json\n"); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, append(append([]string{"index", "--rebuild"}, engine...), inputs)...)
	if err == nil || !strings.Contains(err.Error(), "未启用") {
		t.Errorf("a rebuild with an unreadable input: %v", err)
	}
	if after := count(); after != before {
		t.Errorf("searches after a failed rebuild find %d, before %d", after, before)
	}
}

// Two pages that would take the same id (index.html in two folders) are
// not both indexed, and the run fails saying why instead of reporting one
// as skipped.
func TestSameFileNameTwice(t *testing.T) {
	in := t.TempDir()
	for i, dir := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(in, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("<html><head><title>第%d个网页</title></head><body><p>这是第%d个网站的首页正文，内容各不相同。</p></body></html>", i+1, i+1)
		if err := writeFile(filepath.Join(in, dir, "index.html"), page); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, err := runCLI(t, "index", "--index", filepath.Join(t.TempDir(), "index"), in)
	var ee *exitError
	if !errors.As(err, &ee) || ee.Code != 1 || !strings.Contains(out, "失败 1") || !strings.Contains(errOut, "须有不同的 id") {
		t.Errorf("two index.html: %v\n%s\n%s", err, out, errOut)
	}
}

// commitments checks --follow-ups itself (a server it asks would answer a
// 400 about a parameter the user never typed) and its summary counts all
// items, saying how many it lists.
func TestCommitmentsListing(t *testing.T) {
	dir := testIndex(t)
	_, _, err := runCLI(t, "commitments", "--index", dir, "--agency", "重庆", "--year", "2025", "--follow-ups", "20")
	var ee *exitError
	if !errors.As(err, &ee) || ee.Code != 2 || !strings.Contains(err.Error(), "--follow-ups") {
		t.Errorf("--follow-ups 20: %v", err)
	}
	out, _, err := runCLI(t, "commitments", "--index", dir, "--agency", "重庆", "--year", "2025", "-n", "1")
	if err != nil || !strings.Contains(out, "（以下列出 1 项）") || strings.Contains(out, "共 1 项") {
		t.Errorf("-n 1: %v\n%.400s", err, out)
	}
}

// targets says in Chinese which governments a name could mean, and exits
// 2 as for any bad argument (as commitments does).
func TestTargetsAmbiguousAgency(t *testing.T) {
	dir := testIndex(t)
	_, _, err := runCLI(t, "targets", "--index", dir, "--agency", "人民政府")
	var ee *exitError
	if !errors.As(err, &ee) || ee.Code != 2 || !strings.Contains(err.Error(), "对应多个政府") {
		t.Errorf("an ambiguous agency: %v", err)
	}
}
