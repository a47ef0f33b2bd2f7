// Command gongkai indexes and searches Chinese government information
// disclosures. Subcommands:
//
//	gongkai index   [--index DIR] PATH...
//	gongkai search  [--index DIR] [--json] [-n N] [--page P] [--sort relevance|date]
//	                [--mode documents|passages] QUERY...
//	gongkai serve   [--index DIR] [--addr HOST:PORT]
//	gongkai analyze TEXT...
//	gongkai commitments --agency AGENCY --year YEAR [--json]
//
// The index folder defaults to $GONGKAI_INDEX, else ./data/index.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

const usage = `gongkai — 政府信息公开全文检索

用法:
  gongkai index   [--index DIR] PATH...      索引 .jsonl / .txt / .html 文件或文件夹
  gongkai search  [--index DIR] [--json] [-n N] [--page P] [--sort relevance|date]
                  [--mode documents|passages] QUERY...
  gongkai serve   [--index DIR] [--addr HOST:PORT]
  gongkai analyze [--json] TEXT...          显示分析器产生的检索词
  gongkai commitments --agency 机关 --year 年份 [--json] [--status 状态]
                                            某年度的工作部署及其后报告中的回应

测量:
  gongkai findability [--index DIR] [--samples N] CORPUS...   原文片段可检索率
  gongkai latency [--index DIR] [--rounds N] QUERYFILE         查询耗时
  gongkai eval --index DIR --queries F --qrels F [--split dev] 排序质量（R@k、MRR、nDCG）
  gongkai convert-stard [--text-only] STARD_CORPUS OUT         转换 STARD 法条语料
  gongkai learn-expansions --queries F --qrels F --corpus F    学习查询扩展（仅用训练集）

索引目录默认为 $GONGKAI_INDEX，否则为 ./data/index。
每个子命令的参数: gongkai <子命令> -h
`

// exitError carries an exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	log := zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr, NoColor: !isatty.IsTerminal(os.Stderr.Fd()), TimeFormat: "15:04:05"}).
		With().Timestamp().Logger()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if prof := os.Getenv("GONGKAI_CPUPROFILE"); prof != "" {
		// Profiling hook for performance work (see docs/performance.md).
		f, err := os.Create(prof)
		if err == nil {
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, log)
	if err == nil {
		return
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	pprof.StopCPUProfile()
	if !errors.Is(err, flag.ErrHelp) && err.Error() != "" {
		fmt.Fprintln(os.Stderr, "gongkai:", err)
	}
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, log zerolog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{2, errors.New("")}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "index":
		return cmdIndex(ctx, rest, stdout, stderr, log)
	case "search":
		return cmdSearch(ctx, rest, stdout, stderr)
	case "analyze":
		return cmdAnalyze(rest, stdout, stderr)
	case "commitments":
		return cmdCommitments(ctx, rest, stdout, stderr)
	case "serve":
		return cmdServe(ctx, rest, stderr)
	case "findability":
		return cmdFindability(ctx, rest, stdout, stderr)
	case "latency":
		return cmdLatency(ctx, rest, stdout, stderr)
	case "eval":
		return cmdEval(ctx, rest, stdout, stderr)
	case "convert-stard":
		return cmdConvertSTARD(rest, stdout, stderr)
	case "learn-expansions":
		return cmdLearnExpansions(rest, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{2, fmt.Errorf("unknown command %q", cmd)}
}

// defaultIndex is $GONGKAI_INDEX, else ./data/index.
func defaultIndex() string {
	if d := os.Getenv("GONGKAI_INDEX"); d != "" {
		return d
	}
	return "data/index"
}

// parseArgs parses flags that may come before or after the positional
// arguments. An argument that looks like a flag but names none of fs's
// (a query exclusion such as -疫情) is positional; "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, flags []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		name := strings.TrimLeft(a, "-")
		if !strings.HasPrefix(a, "-") || name == "" || len(a)-len(name) > 2 {
			pos = append(pos, a)
			continue
		}
		name, _, hasValue := strings.Cut(name, "=")
		f := fs.Lookup(name)
		if f == nil && name != "h" && name != "help" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if f != nil && !hasValue && !isBool(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, &exitError{2, err}
	}
	return pos, nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
