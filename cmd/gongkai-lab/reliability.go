package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gongkai/gongkai/cmd/internal/cli"
	"github.com/gongkai/gongkai/search/eval"
)

// hostileQueries are the shapes of issue 9 that once took a server down,
// and their relatives, up to the length limit.
func hostileQueries(rng *rand.Rand, random int) []hostile {
	rep := func(w, sep string, n int) string { return strings.TrimSuffix(strings.Repeat(w+sep, n), sep) }
	common := strings.Fields("中国 发展 工作 建设 加强 推进 经济 社会 管理 服务 国家 政府 人民 企业 制度 规定 实施 部门 单位 组织 问题 地方 提高 完善 监督 安全 政策 改革 创新 保障 规划 市场 项目 资金 标准 责任 法律 机构 依法 行政 条例 办法 有关 应当 按照 进行 相关 开展 落实 重点 加快 全面 推动 坚持 促进 实现 体系 机制 能力 水平 质量 环境 合作 支持")
	chars := []rune("的一是在了和有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经")
	question := cut(strings.Join(common, "")+"怎么办", 490)
	qs := []hostile{
		{"的 ×249", rep("的", " ", 249), ""},
		{"的 ×249 passages", rep("的", " ", 249), "passages"},
		{"的 OR ×99", rep("的", " OR ", 100), ""},
		{"的 ×40 passages", rep("的", " ", 40), "passages"},
		{"four characters", "的 是 在 和", ""},
		{"four characters passages", "的 是 在 和", "passages"},
		{"four characters OR", "的 OR 是 OR 在 OR 和", ""},
		{"64 common words", strings.Join(common[:64], " "), ""},
		{"64 common words OR", cut(strings.Join(common[:64], " OR "), 480), ""},
		{"64 common words passages", strings.Join(common[:64], " "), "passages"},
		{"long question", question, ""},
		{"long question passages", question, "passages"},
		{"long question by date", question, "date"},
		{"的 phrase ×400", `"` + strings.Repeat("的", 400) + `"`, ""},
		{"common phrase", `"` + strings.Join(common[:30], "") + `"`, ""},
		{"exclusions", "营商环境 -" + strings.Join(common[:40], " -"), ""},
		{"single-character exclusions", "营商环境 -的 -是 -在 -和", ""},
		{"filters only", "year:2024 机关:国务院 类型:打算", ""},
		{"role filter passages", "的 类型:打算", "passages"},
		{"too many clauses", strings.Join(common, " ") + " " + strings.Join(common, "x "), ""},
		{"too long", strings.Repeat("长", 501), ""},
		{"unbalanced quote", `"营商环境`, ""},
		{"control characters", "营商\x00环境\x1b[31m", ""},
		{"invalid UTF-8", "营商\xff\xfe环境", ""},
		{"markup", `<script>alert(1)</script> "<mark>"`, ""},
		{"long latin token", strings.Repeat("a", 499), ""},
		{"digits", strings.Repeat("9", 499), ""},
		{"punctuation", strings.Repeat("，。、", 160), ""},
	}
	for i := 0; i < random; i++ {
		n := 1 + rng.Intn(60)
		var b strings.Builder
		for j := 0; j < n; j++ {
			switch rng.Intn(6) {
			case 0:
				b.WriteString(common[rng.Intn(len(common))])
			case 1:
				b.WriteRune(chars[rng.Intn(len(chars))])
			case 2:
				b.WriteString(" OR ")
			case 3:
				b.WriteString(" -")
			case 4:
				b.WriteString(`"`)
			default:
				b.WriteString(" ")
			}
		}
		mode := ""
		if rng.Intn(4) == 0 {
			mode = "passages"
		}
		qs = append(qs, hostile{fmt.Sprintf("random %d", i), b.String(), mode})
	}
	return qs
}

type hostile struct{ name, q, mode string }

// cut returns the first n characters of s.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// cmdHostile sends the hostile query corpus to a running server and
// fails on any 5xx or any answer slower than the ceiling.
func cmdHostile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hostile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "server to test")
	ceiling := fs.Duration("ceiling", time.Second, "slowest acceptable answer")
	random := fs.Int("random", 200, "random queries besides the fixed shapes")
	seed := fs.Int64("seed", 1, "random seed")
	verbose := fs.Bool("v", false, "print every query")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai-lab hostile [--url URL] [--ceiling 1s] [--random N]\n\n向运行中的服务发送恶意/极端查询（重复单字、超长 OR、长问题、段落模式、非法字符……），统计状态码与耗时；出现 5xx 或超过上限即失败。")
		fs.PrintDefaults()
	}
	if _, err := cli.ParseArgs(fs, args); err != nil {
		return err
	}
	hc := &http.Client{Timeout: 5 * time.Minute}
	codes := map[int]int{}
	var lat eval.Latencies
	var failures []string
	worst, worstName := time.Duration(0), ""
	for _, h := range hostileQueries(rand.New(rand.NewSource(*seed)), *random) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		v := url.Values{"q": {h.q}}
		switch h.mode {
		case "passages":
			v.Set("mode", "passages")
		case "date":
			v.Set("sort", "date")
		}
		t0 := time.Now()
		code, err := getStatus(ctx, hc, *base+"/api/search?"+v.Encode())
		d := time.Since(t0)
		if err != nil {
			return fmt.Errorf("%s: %w", h.name, err)
		}
		codes[code]++
		lat = append(lat, d)
		if d > worst {
			worst, worstName = d, h.name
		}
		if *verbose {
			fmt.Fprintf(stdout, "%3d %8.1f ms  %s\n", code, eval.MS(d), h.name)
		}
		if code >= 500 || d > *ceiling {
			failures = append(failures, fmt.Sprintf("%s: %d in %.0f ms", h.name, code, eval.MS(d)))
		}
	}
	lat.Sort()
	fmt.Fprintf(stdout, "hostile queries: %d, status %v, p50 %.1f ms, p99 %.1f ms, max %.1f ms (%s)\n",
		len(lat), codes, eval.MS(lat.Percentile(0.5)), eval.MS(lat.Percentile(0.99)), eval.MS(worst), worstName)
	if len(failures) > 0 {
		for _, f := range failures {
			fmt.Fprintln(stdout, "  FAIL", f)
		}
		return &cli.ExitError{Code: 1, Err: fmt.Errorf("%d hostile queries failed (5xx or over %v)", len(failures), *ceiling)}
	}
	return nil
}

func getStatus(ctx context.Context, hc *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// cmdWrites posts documents to a server in small batches until stopped,
// appending the ids of every acknowledged batch to a log, synced before
// the next batch: after a crash, every id in the log must be in the index.
func cmdWrites(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("writes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "server")
	out := fs.String("log", "acked.txt", "file the acknowledged ids are appended to")
	batch := fs.Int("batch", 5, "documents per POST")
	max := fs.Int("n", 0, "stop after this many documents (0: until stopped)")
	prefix := fs.String("prefix", "w", "id prefix (distinct per run)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai-lab writes [--url URL] [--log FILE] [--batch N] [-n N]\n\n持续写入文档（需 GONGKAI_TOKEN），每批确认后把 id 追加并落盘到日志，供崩溃后核对。")
		fs.PrintDefaults()
	}
	if _, err := cli.ParseArgs(fs, args); err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	hc := &http.Client{Timeout: time.Minute}
	acked, failed := 0, 0
	for n := 0; *max == 0 || n < *max; n += *batch {
		if ctx.Err() != nil {
			break
		}
		var body bytes.Buffer
		var ids []string
		for i := 0; i < *batch; i++ {
			id := fmt.Sprintf("%s-%07d", *prefix, n+i)
			ids = append(ids, id)
			rec := map[string]string{"id": id, "title": "写入测试文档 " + id, "agency": "测试机关", "date": "2024-05-01",
				"body": "一、总则\n为检验崩溃后不丢失已确认的写入，" + id + " 号文档写入测试。\n二、附则\n本文件自发布之日起施行。"}
			b, _ := json.Marshal(rec)
			body.Write(b)
			body.WriteByte('\n')
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, *base+"/api/documents", &body)
		req.Header.Set("Authorization", "Bearer "+os.Getenv("GONGKAI_TOKEN"))
		resp, err := hc.Do(req)
		if err != nil {
			failed++
			time.Sleep(100 * time.Millisecond)
			continue // the server is down; the batch was not acknowledged
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			failed++
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if _, err := f.WriteString(strings.Join(ids, "\n") + "\n"); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		acked += len(ids)
	}
	fmt.Fprintf(stdout, "writes: %d documents acknowledged, %d batches refused or unanswered\n", acked, failed)
	return nil
}

// cmdVerify checks that every id of an acknowledgement log is in the
// index behind a server.
func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "server")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai-lab verify [--url URL] LOG...\n\n逐个检查日志中已确认写入的文档是否都在索引中。")
		fs.PrintDefaults()
	}
	logs, err := cli.ParseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(logs) == 0 {
		fs.Usage()
		return &cli.ExitError{Code: 2, Err: errors.New("name the acknowledgement logs")}
	}
	hc := &http.Client{Timeout: time.Minute}
	total, missing := 0, 0
	for _, l := range logs {
		f, err := os.Open(l)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			id := strings.TrimSpace(sc.Text())
			if id == "" {
				continue
			}
			total++
			code, err := getStatus(ctx, hc, *base+"/api/documents/"+url.PathEscape(id))
			if err != nil {
				f.Close()
				return err
			}
			if code != http.StatusOK {
				missing++
				if missing <= 10 {
					fmt.Fprintf(stdout, "  missing %s (%d)\n", id, code)
				}
			}
		}
		f.Close()
	}
	fmt.Fprintf(stdout, "verify: %d acknowledged documents, %d missing\n", total, missing)
	if missing > 0 {
		return &cli.ExitError{Code: 1, Err: fmt.Errorf("%d acknowledged documents are missing", missing)}
	}
	return nil
}
