package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/gongkai/gongkai/cmd/internal/cli"
	"github.com/gongkai/gongkai/cmd/internal/indexflag"
	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/eval"
	"github.com/gongkai/gongkai/search/findability"
)

// cmdFindability measures the findability guarantee on a corpus.
func cmdFindability(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("findability", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	n := fs.Int("samples", 1000, "runs to sample")
	seed := fs.Int64("seed", 1, "random seed")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai-lab findability [--index DIR] [--samples N] [--seed S] CORPUS...\n\n从语料中随机抽取只出现在一篇文档里的 2–12 字原文片段，以带引号的查询检索，统计该文档排第一的比例和查询耗时。")
		fs.PrintDefaults()
	}
	paths, err := cli.ParseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return &cli.ExitError{Code: 2, Err: errors.New("name the corpus files or folders the index was built from")}
	}
	idx, err := ix.Open(ctx, indexflag.Options{Command: "gongkai-lab"})
	if err != nil {
		return err
	}
	defer idx.Close()
	docs, _, err := indexer.ReadAll(ctx, paths, indexer.Options{})
	if err != nil {
		return err
	}
	rep, err := findability.Check(ctx, idx, docs, *n, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, rep)
	for _, m := range rep.Misses {
		fmt.Fprintf(stdout, "  miss %q in %s: got %v\n", m.Run, m.DocID, m.Got)
	}
	lr, err := findability.CheckLookups(ctx, idx, docs)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, lr)
	for _, m := range lr.Misses {
		fmt.Fprintf(stdout, "  miss %q for %s: got %v\n", m.Run, m.DocID, m.Got)
	}
	if n := len(rep.Misses) + len(lr.Misses); n > 0 {
		return &cli.ExitError{Code: 1, Err: fmt.Errorf("%d lookups did not find their document first", n)}
	}
	return nil
}

// readQueries reads a query file: one query per line, # comments.
func readQueries(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			qs = append(qs, l)
		}
	}
	return qs, sc.Err()
}

// cmdLatency runs a query file against an index in this process and
// prints latency percentiles.
func cmdLatency(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("latency", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	rounds := fs.Int("rounds", 5, "times each query runs (the first round warms up and is not counted)")
	mode := fs.String("mode", search.ModeDocuments, "documents or passages")
	verbose := fs.Bool("v", false, "print the median latency of every query")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai-lab latency [--index DIR] [--rounds N] QUERYFILE\n\n逐条执行查询文件（每行一条），输出查询耗时的 p50/p95/p99。")
		fs.PrintDefaults()
	}
	files, err := cli.ParseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return &cli.ExitError{Code: 2, Err: errors.New("name one query file")}
	}
	qs, err := readQueries(files[0])
	if err != nil {
		return err
	}
	idx, err := ix.Open(ctx, indexflag.Options{Command: "gongkai-lab"})
	if err != nil {
		return err
	}
	defer idx.Close()
	var lat []time.Duration
	perQuery := make([][]time.Duration, len(qs))
	for r := 0; r < *rounds; r++ {
		for i, q := range qs {
			t0 := time.Now()
			if _, err := search.Run(ctx, idx, search.Request{Query: q, Mode: *mode}); err != nil {
				return fmt.Errorf("query %q: %w", q, err)
			}
			if r > 0 {
				d := time.Since(t0)
				lat = append(lat, d)
				perQuery[i] = append(perQuery[i], d)
			}
		}
	}
	if *verbose {
		for i, q := range qs {
			ds := perQuery[i]
			sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
			if len(ds) > 0 {
				fmt.Fprintf(stdout, "%8.1f ms  %s\n", float64(ds[len(ds)/2].Microseconds())/1000, q)
			}
		}
	}
	l := eval.Latencies(lat).Sort()
	pct := func(p float64) float64 { return eval.MS(l.Percentile(p)) }
	fmt.Fprintf(stdout, "%d queries × %d rounds: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		len(qs), *rounds-1, pct(0.5), pct(0.95), pct(0.99), pct(1))
	return nil
}
