// Command gongkai indexes and searches Chinese government information
// disclosures. Subcommands:
//
//	gongkai index   [--index DIR] PATH...
//	gongkai search  [--index DIR] [--json] [-n N] [--page P] [--sort relevance|date]
//	                [--mode documents|passages] QUERY...
//	gongkai serve   [--index DIR] [--addr HOST:PORT]
//	gongkai analyze TEXT...
//	gongkai commitments --agency AGENCY --year YEAR [--json]
//	gongkai targets --agency AGENCY [--year YEAR] [--indicator NAME] [--json]
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
	"runtime/trace"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/cmd/internal/cli"
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
  gongkai healthcheck [--addr HOST:PORT]    检查运行中的服务是否就绪（容器健康检查）
  gongkai compare [--index DIR] [--json] [--plans] A B  比较两篇文档（版本之间、两年的报告）
  gongkai targets --agency 机关 [--year 年份] [--indicator 指标] [--json]
                                            数量目标（增长5%左右……）与实际完成、是否达成

测量工具（可检索率、耗时、排序质量）在单独的命令 gongkai-lab 中。

索引目录默认为 $GONGKAI_INDEX，否则为 ./data/index。
每个子命令的参数: gongkai <子命令> -h
`

// exitError carries an exit status.
type exitError = cli.ExitError

// parseArgs parses flags that may follow the positional arguments.
var parseArgs = cli.ParseArgs

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
	if tf := os.Getenv("GONGKAI_TRACE"); tf != "" {
		// Execution trace (go tool trace) for the same work: where
		// goroutines wait, whether both cores are busy.
		f, err := os.Create(tf)
		if err == nil {
			_ = trace.Start(f)
			defer trace.Stop()
		}
	}
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, log)
	if err == nil {
		return
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.Code
	}
	pprof.StopCPUProfile()
	trace.Stop()
	if !errors.Is(err, flag.ErrHelp) && err.Error() != "" {
		fmt.Fprintln(os.Stderr, "gongkai:", err)
	}
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, log zerolog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{Code: 2, Err: errors.New("")}
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
	case "compare":
		return cmdCompare(ctx, rest, stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(ctx, rest, stdout, stderr)
	case "targets":
		return cmdTargets(ctx, rest, stdout, stderr)
	case "serve":
		return cmdServe(ctx, rest, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{Code: 2, Err: fmt.Errorf("未知命令 %q", cmd)}
}
