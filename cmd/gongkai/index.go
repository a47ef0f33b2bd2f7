package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/schollz/progressbar/v3"

	"github.com/gongkai/gongkai/cmd/internal/indexflag"
	"github.com/gongkai/gongkai/indexer"
)

// The Go collector's settings for gongkai index.
const (
	indexGCPercent   = 200
	indexMemoryLimit = 600 << 20
)

func cmdIndex(ctx context.Context, args []string, stdout, stderr io.Writer, log zerolog.Logger) (err error) {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	batch := fs.Int("batch", 100, "每次写入索引的文档数")
	rebuild := fs.Bool("rebuild", false, "删除索引后重建（更换词表后需要）")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai index [--index DIR] PATH...\n\n索引 .jsonl（语料格式）、.txt 和 .html/.htm 文件；文件夹递归读取。\n未变化的文档不会重新索引。")
		fs.PrintDefaults()
	}
	paths, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return &exitError{Code: 2, Err: errors.New("请指定要索引的文件或文件夹")}
	}
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// Indexing allocates every batch and lets it go: collecting when
		// the heap triples rather than doubles takes ~9% off a build,
		// and the soft limit keeps its peak near 0.75 GB instead of
		// 1 GB (docs/performance.md). GOGC or GOMEMLIMIT overrides both.
		debug.SetGCPercent(indexGCPercent)
		debug.SetMemoryLimit(indexMemoryLimit)
	}
	// A rebuild with a misspelt path stops before the index is deleted
	// (it would start from nothing); other runs report it and go on.
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil && *rebuild {
			return &exitError{Code: 2, Err: fmt.Errorf("找不到要索引的文件或文件夹 %s：索引未重建", p)}
		}
	}
	idx, err := ix.Open(ctx, indexflag.Options{Create: true, Rebuild: *rebuild, Bulk: true, Command: "gongkai index"})
	if le := indexflag.Held(err); le != nil {
		return &exitError{Code: 1, Err: errors.New(indexflag.HeldMessage(le))}
	}
	if err != nil {
		return err
	}
	// The index is complete on disk only once closed (Bulk writes).
	closeIndex := sync.OnceValue(func() error {
		if cerr := idx.Close(); cerr != nil {
			return fmt.Errorf("写入索引失败：%w", cerr)
		}
		return nil
	})
	defer func() {
		if cerr := closeIndex(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	begin := time.Now()

	opt := indexer.Options{BatchSize: *batch}
	var bar *progressbar.ProgressBar
	if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		opt.Progress = func(done, total int64) {
			if bar == nil {
				bar = progressbar.NewOptions64(total,
					progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription("索引中"),
					progressbar.OptionShowBytes(true),
					progressbar.OptionSetWidth(30),
					progressbar.OptionThrottle(200_000_000),
					progressbar.OptionClearOnFinish())
			}
			_ = bar.Set64(done)
		}
	}
	sum, err := indexer.Run(ctx, idx, paths, opt)
	if bar != nil {
		_ = bar.Finish()
	}
	// The time and MB/s reported include closing the index: after a
	// build, its final merge and writes take a tenth of the run. An
	// OpenSearch rebuild stays open to be published (its close is quick).
	var closeErr error
	if err == nil && !indexflag.Publishes(idx) {
		closeErr = closeIndex()
		sum.Seconds = time.Since(begin).Seconds()
	}
	for _, p := range sum.Problems {
		where := p.Path
		if p.Line > 0 {
			where = fmt.Sprintf("%s:%d", p.Path, p.Line)
		}
		log.Warn().Str("file", where).Msg(p.Err.Error())
	}
	mbps := 0.0
	if sum.Seconds > 0 {
		mbps = float64(sum.TextBytes) / 1e6 / sum.Seconds
	}
	fmt.Fprintf(stdout, "文档 %d（新增或更新 %d，未变 %d），章节 %d，跳过 %d，失败 %d，用时 %.1f 秒（正文 %.1f MB，%.1f MB/s）\n",
		sum.Documents, sum.Indexed, sum.Unchanged, sum.Sections, sum.Skipped, sum.Failed, sum.Seconds,
		float64(sum.TextBytes)/1e6, mbps)
	if err != nil {
		return err
	}
	if closeErr != nil {
		return closeErr
	}
	if *rebuild {
		// A rebuilt OpenSearch index becomes the one searches see only now,
		// complete (the alias swaps); until here they saw the old one. A
		// rebuild that could not read all its inputs is not complete.
		if sum.Failed > 0 || sum.Documents == 0 {
			why := fmt.Sprintf("%d 个输入无法读取（见上方警告）", sum.Failed)
			if sum.Failed == 0 {
				why = "没有读到任何文档"
			}
			if indexflag.Publishes(idx) {
				return &exitError{Code: 1, Err: fmt.Errorf("%s：重建的索引未启用，检索仍使用原来的索引；修正后请重新运行 --rebuild", why)}
			}
			if sum.Failed == 0 {
				return &exitError{Code: 1, Err: fmt.Errorf("%s：重建后的索引是空的", why)}
			}
		}
		if err := indexflag.Publish(ctx, idx); err != nil {
			return fmt.Errorf("启用重建的索引失败：%w", err)
		}
	}
	if sum.Failed > 0 {
		return &exitError{Code: 1, Err: fmt.Errorf("%d 个输入无法读取（见上方警告），其余均已索引", sum.Failed)}
	}
	return nil
}
