// Command gongkai-lab measures gongkai: findability of verbatim runs,
// query latency in process, ranking quality on a relevance benchmark, and
// the tools that prepare the benchmark. It is not part of the product
// binary, which carries none of this.
//
//	gongkai-lab findability [--index DIR] [--samples N] [--seed S] CORPUS...
//	gongkai-lab latency     [--index DIR] [--rounds N] [--mode documents|passages] [-v] QUERYFILE
//	gongkai-lab eval        --index DIR --queries FILE --qrels FILE [--split dev|train|all] [-k 100] [--json]
//	gongkai-lab convert-stard [--text-only] STARD_CORPUS.jsonl OUT.jsonl
//	gongkai-lab learn-expansions --queries FILE --qrels FILE --corpus STARD_CORPUS.jsonl [--split train] [--out FILE]
//	gongkai-lab hostile [--url URL] [--ceiling 1s] [--random N]
//	gongkai-lab writes  [--url URL] [--log FILE] [--batch N] [-n N]
//	gongkai-lab verify  [--url URL] LOG...
//
// Every command that reads an index takes the engine flags of gongkai
// (--engine, --index, --opensearch).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gongkai/gongkai/cmd/internal/cli"
)

const usage = `gongkai-lab — 公开检索的测量工具

用法:
  gongkai-lab findability [--index DIR] [--samples N] CORPUS...   原文片段可检索率
  gongkai-lab latency [--index DIR] [--rounds N] QUERYFILE         进程内查询耗时
  gongkai-lab eval --index DIR --queries F --qrels F [--split dev] 排序质量（R@k、MRR、nDCG）
  gongkai-lab convert-stard [--text-only] STARD_CORPUS OUT         转换 STARD 法条语料
  gongkai-lab learn-expansions --queries F --qrels F --corpus F    学习查询扩展（仅用训练集）

可靠性（对运行中的服务，见 bench/reliability.sh）:
  gongkai-lab hostile [--url URL] [--ceiling 1s] [--random N]      恶意查询：0 个 5xx、耗时上限
  gongkai-lab writes [--url URL] [--log FILE] [-n N]               持续写入并记录已确认的 id
  gongkai-lab verify [--url URL] LOG...                            核对已确认的文档都在索引中

读取索引的命令都接受 --engine bleve|opensearch、--index DIR、--opensearch URL。
每个子命令的参数: gongkai-lab <子命令> -h
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	code := 1
	var ee *cli.ExitError
	if errors.As(err, &ee) {
		code = ee.Code
	}
	if !errors.Is(err, flag.ErrHelp) && err.Error() != "" {
		fmt.Fprintln(os.Stderr, "gongkai-lab:", err)
	} else if errors.Is(err, flag.ErrHelp) {
		code = 0
	}
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &cli.ExitError{Code: 2, Err: errors.New("")}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
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
	case "hostile":
		return cmdHostile(ctx, rest, stdout, stderr)
	case "writes":
		return cmdWrites(ctx, rest, stdout, stderr)
	case "verify":
		return cmdVerify(ctx, rest, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &cli.ExitError{Code: 2, Err: fmt.Errorf("未知命令 %q", cmd)}
}
