package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
	"github.com/gongkai/gongkai/web"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb, zerolog.New(&errb))
	return out.String(), errb.String(), err
}

// testIndex indexes the test corpus into a new folder and returns it.
func testIndex(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if _, _, err := runCLI(t, "index", "--index", dir, "../../testdata/corpus/tests.jsonl"); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestParseArgs(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "")
	n := fs.Int("n", 10, "")
	pos, err := parseArgs(fs, []string{"营商环境", "-疫情", "--json", "-n", "5", "year:2022"})
	if err != nil {
		t.Fatal(err)
	}
	if !*asJSON || *n != 5 || !reflect.DeepEqual(pos, []string{"营商环境", "-疫情", "year:2022"}) {
		t.Errorf("json %v n %d pos %q", *asJSON, *n, pos)
	}
}

// The commands of the README, end to end on the test corpus.
func TestCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	corpus := "../../testdata/corpus/"
	out, _, err := runCLI(t, "index", "--index", dir, corpus+"tests.jsonl", corpus+"seed")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "文档 49（新增或更新 49，未变 0）") {
		t.Errorf("index summary: %s", out)
	}
	// A second run does no work.
	out, _, err = runCLI(t, "index", "--index", dir, corpus+"tests.jsonl", corpus+"seed")
	if err != nil || !strings.Contains(out, "新增或更新 0，未变 49") {
		t.Errorf("second index run: %s %v", out, err)
	}

	out, _, err = runCLI(t, "search", "--index", dir, "--json", `"双随机、一公开" year:2019`)
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	var keys []string
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range []string{"facets", "hits", "page", "query", "size", "took_ms", "total"} {
		if _, ok := res[k]; !ok {
			t.Errorf("result JSON lacks %q (has %v)", k, keys)
		}
	}
	hit := res["hits"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "title", "agency", "doc_number", "date", "doc_type", "category", "url", "score", "sections"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit lacks %q", k)
		}
	}
	sec := hit["sections"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "path", "paragraph", "score", "snippet"} {
		if _, ok := sec[k]; !ok {
			t.Errorf("section lacks %q", k)
		}
	}
	if hit["id"] != "govcn-5365945" || !strings.Contains(sec["snippet"].(string), "<mark>双随机、一公开</mark>") {
		t.Errorf("first hit %v / %v", hit["id"], sec["snippet"])
	}

	out, _, err = runCLI(t, "search", "--index", dir, "放管服")
	if err != nil || !strings.Contains(out, "重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告") ||
		!strings.Contains(out, "2.深化“放管服”改革") || !strings.Contains(out, "【放管服】") {
		t.Errorf("search output:\n%s %v", out, err)
	}

	_, _, err = runCLI(t, "search", "--index", dir, `"未闭合`)
	if ee, ok := err.(*exitError); !ok || ee.Code != 2 || !strings.Contains(err.Error(), "引号") {
		t.Errorf("bad query: %v", err)
	}
	_, _, err = runCLI(t, "search", "--index", filepath.Join(t.TempDir(), "none"), "x")
	if err == nil || !strings.Contains(err.Error(), "gongkai index") {
		t.Errorf("search without an index: %v", err)
	}

	out, _, err = runCLI(t, "analyze", "深化“放管服”改革，网上办占比98.79%")
	if err != nil || !strings.Contains(out, "放管服") || !strings.Contains(out, "98.79|98.79%") {
		t.Errorf("analyze: %s %v", out, err)
	}
}

// A file that cannot be read is reported by name and the rest lands.
func TestIndexReportsBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	if err := writeFile(bad, "{\"id\":\"ok1\",\"title\":\"关于好的通知\",\"body\":\"正文。\"}\n{broken\n"); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(filepath.Join(dir, "notes.doc"), "x"); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCLI(t, "index", "--index", filepath.Join(dir, "idx"), bad, filepath.Join(dir, "missing.txt"), filepath.Join(dir, "notes.doc"))
	if err == nil {
		t.Error("exit status 0 despite failures")
	}
	if !strings.Contains(out, "文档 1（新增或更新 1") || !strings.Contains(out, "失败 3") {
		t.Errorf("summary: %s", out)
	}
	for _, want := range []string{"bad.jsonl:2", "JSON 有误", "missing.txt", "找不到", "notes.doc", "不支持的文件类型"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("warnings lack %q:\n%s", want, errOut)
		}
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }

// A second process meets an index that a server holds: search and
// commitments go through the server, index and serve say who holds it
// and stop within seconds.
func TestHeldIndex(t *testing.T) {
	dir := testIndex(t)
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

	start := time.Now()
	out, errOut, err := runCLI(t, "search", "--index", dir, "--json", "放管服")
	if err != nil || !strings.Contains(out, "seed-000_44bda8417bfe1ce5") || !strings.Contains(errOut, hs.URL) {
		t.Errorf("search of a held index: %v\n%s\n%s", err, out, errOut)
	}
	out, _, err = runCLI(t, "commitments", "--index", dir, "--agency", "重庆", "--year", "2025", "--json")
	if err != nil || !strings.Contains(out, "gwrp2025-e6348d38") {
		t.Errorf("commitments of a held index: %v\n%.300s", err, out)
	}
	for _, args := range [][]string{{"index"}, {"index", "--rebuild"}} {
		_, _, err = runCLI(t, append(args, "--index", dir, "../../testdata/corpus/tests.jsonl")...)
		if err == nil || !strings.Contains(err.Error(), "正被另一个进程使用") || !strings.Contains(err.Error(), hs.URL) {
			t.Errorf("%v into a held index: %v", args, err)
		}
	}
	// The server's index is still there, whole.
	if res, err := search.Run(context.Background(), held, search.Request{Query: "放管服"}); err != nil || res.Total == 0 {
		t.Errorf("the server's index after a refused rebuild: %v", err)
	}
	if !bleve.IsIndex(dir) {
		t.Error("a refused rebuild deleted the index")
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the three commands took %v", d)
	}
	// Ctrl-C while waiting for the lock ends the wait at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	if err := run(ctx, []string{"index", "--index", dir, "../../testdata/corpus/tests.jsonl"}, &o, &e, zerolog.Nop()); err == nil {
		t.Error("a cancelled index run succeeded")
	}
}

// The command line as a user meets it: --help exits 0 on every command,
// a misspelt flag is an error (not a query exclusion), -n counts what is
// listed everywhere, and messages are Chinese.
func TestCommandLineConventions(t *testing.T) {
	for _, cmd := range []string{"index", "search", "serve", "analyze", "commitments", "compare", "healthcheck"} {
		_, errOut, err := runCLI(t, cmd, "--help")
		var ee *exitError
		if err != nil && (!errors.As(err, &ee) || ee.Code != 0) {
			t.Errorf("%s --help: %v", cmd, err)
		}
		if !strings.Contains(errOut, "用法") {
			t.Errorf("%s --help prints no usage: %.200s", cmd, errOut)
		}
	}
	dir := testIndex(t)
	_, _, err := runCLI(t, "search", "--index", dir, "--jsno", "放管服")
	var ee *exitError
	if !errors.As(err, &ee) || ee.Code != 2 || !strings.Contains(err.Error(), "未知参数 --jsno") {
		t.Errorf("misspelt flag: %v", err)
	}
	out, _, err := runCLI(t, "search", "--index", dir, "--json", "营商环境", "-上海")
	if err != nil || !strings.Contains(out, `"query": "营商环境 -上海"`) {
		t.Errorf("a Chinese exclusion after a flag: %v %.200s", err, out)
	}
	out, _, err = runCLI(t, "search", "--index", dir, "--json", "--", "营商环境", "-Shanghai")
	if err != nil || !strings.Contains(out, `"query": "营商环境 -Shanghai"`) {
		t.Errorf("a Latin exclusion after --: %v %.200s", err, out)
	}
	out, _, err = runCLI(t, "commitments", "--index", dir, "--agency", "重庆", "--year", "2025", "-n", "3", "--json")
	if err != nil || strings.Count(out, `"follow_ups"`) != 3 {
		t.Errorf("commitments -n 3 listed %d: %v", strings.Count(out, `"follow_ups"`), err)
	}
	_, _, err = runCLI(t, "search", "--index", filepath.Join(t.TempDir(), "none"), "放管服")
	if err == nil || !strings.Contains(err.Error(), "没有索引") {
		t.Errorf("a missing index: %v", err)
	}
}
