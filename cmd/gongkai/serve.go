package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/cmd/internal/indexflag"
	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/web"
)

// sample is the corpus indexed when serve starts on an empty index (see
// sample/README.md).
//
//go:embed sample
var sample embed.FS

// The Go collector's settings for gongkai serve.
const (
	serveGCPercent   = 400
	serveMemoryLimit = 512 << 20
)

func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	logFormat := fs.String("log-format", "json", "访问日志格式：json 或 console")
	noSample := fs.Bool("no-sample", false, "索引为空时不导入内置样例语料")
	deadline := fs.Duration("search-timeout", search.DefaultDeadline, "单次检索的最长耗时，超时返回 503")
	behindProxy := fs.Bool("behind-proxy", os.Getenv("GONGKAI_BEHIND_PROXY") == "1", "运行在反向代理之后：按 X-Forwarded-For 中代理追加的地址区分用户（用于复杂检索的频率限制；仅当代理是唯一入口时开启）")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai serve [--index DIR] [--addr HOST:PORT] [--log-format json|console] [--no-sample] [--search-timeout 5s] [--behind-proxy]\n\n启动网页与 JSON 接口。索引为空时先导入内置样例语料。写入接口需设置环境变量 GONGKAI_TOKEN。")
		fs.PrintDefaults()
	}
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// A server's live heap is small next to what it allocates per
		// search: collecting when the heap has grown fivefold rather
		// than tripled gives 3-6% more answers at 8 clients and up to
		// 1.5 ms off their p99, for ~120 MB more resident memory under
		// load (docs/performance.md). GOGC overrides it.
		debug.SetGCPercent(serveGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// Collect harder rather than grow past 512 MiB (a busy server
		// otherwise reached 0.75-1 GB at GOGC=400); GOMEMLIMIT overrides
		// it.
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	var log zerolog.Logger
	switch *logFormat {
	case "json":
		log = zerolog.New(stderr).With().Timestamp().Logger()
	case "console":
		log = zerolog.New(zerolog.ConsoleWriter{Out: stderr, TimeFormat: "15:04:05"}).With().Timestamp().Logger()
	default:
		return &exitError{Code: 2, Err: fmt.Errorf("--log-format 只能是 json 或 console（收到 %q）", *logFormat)}
	}
	if err := ix.AddLexicon(); err != nil {
		return err
	}
	token := os.Getenv("GONGKAI_TOKEN")
	srv := web.New(web.Options{Token: token, Log: log, BehindProxy: *behindProxy})
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info().Str("addr", "http://"+ln.Addr().String()).Bool("writes", token != "").Msg("listening")
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()

	// Start-up work happens while /healthz already answers.
	type opened struct {
		idx *search.Core
		err error
	}
	ready := make(chan opened, 1)
	go func() {
		t0 := time.Now()
		if err := analyzer.Load(); err != nil {
			ready <- opened{err: err}
			return
		}
		log.Info().Dur("took", time.Since(t0)).Msg("dictionary loaded")
		idx, err := ix.Open(ctx, indexflag.Options{Create: true, Command: "gongkai serve",
			Core: search.Options{Deadline: *deadline, Observe: srv.ObserveEngine}})
		if le := indexflag.Held(err); le != nil {
			err = errors.New(indexflag.HeldMessage(le))
		}
		if err != nil {
			ready <- opened{err: err}
			return
		}
		if o, ok := idx.Engine().(interface{ SetOwnerAddr(string) }); ok {
			o.SetOwnerAddr(clientURL(ln.Addr()))
		}
		if !*noSample {
			need, resume, err := sampleNeeded(ctx, idx)
			if err == nil && need {
				if resume {
					log.Warn().Str("index", ix.Describe()).Msg("the bundled sample was not fully indexed (an earlier start was stopped): finishing it")
				} else {
					log.Info().Str("index", ix.Describe()).Msg("empty index: indexing the bundled sample corpus")
				}
				var sum *indexer.Summary
				if sum, err = indexer.Run(ctx, idx, []string{"sample"}, indexer.Options{FS: sample}); err == nil {
					log.Info().Int("documents", sum.Indexed).Int("unchanged", sum.Unchanged).Int("failed", sum.Failed).Float64("seconds", sum.Seconds).Msg("sample indexed")
				}
			}
			if err != nil {
				idx.Close()
				ready <- opened{err: fmt.Errorf("导入样例语料失败：%w", err)}
				return
			}
		}
		ready <- opened{idx: idx}
	}()

	var idx *search.Core
	for {
		select {
		case o := <-ready:
			if o.err != nil {
				shutdown(hs, log)
				return o.err
			}
			idx = o.idx
			srv.SetIndex(idx)
			n, _ := idx.Count()
			log.Info().Uint64("documents", n).Msg("ready")
			ready = nil
			continue
		case err := <-serveErr:
			if idx != nil {
				idx.Close()
			}
			return err
		case <-ctx.Done():
		}
		break
	}
	log.Info().Msg("shutting down: draining requests")
	shutdown(hs, log)
	if idx == nil {
		// Start-up may still be writing the sample; let it finish.
		if o := <-ready; o.idx != nil {
			idx = o.idx
		}
	}
	if idx != nil {
		if err := idx.Close(); err != nil {
			return fmt.Errorf("关闭索引失败：%w", err)
		}
	}
	log.Info().Msg("stopped")
	return nil
}

// clientURL is the URL a local client reaches a listener at: a wildcard
// address becomes the loopback.
func clientURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func shutdown(hs *http.Server, log zerolog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		log.Error().Err(err).Msg("shutdown")
	}
}
