package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gongkai/gongkai/web"
)

// cmdHealthcheck asks a running server whether it is ready (its /readyz):
// the check the container image runs, which has no shell and no curl.
func cmdHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "要检查的服务地址")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai healthcheck [--addr HOST:PORT]\n\n检查运行中的服务是否就绪（GET /readyz 返回 200）；就绪时退出码为 0，否则为 1。")
		fs.PrintDefaults()
	}
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := web.CheckReady(ctx, "http://"+*addr+"/readyz"); err != nil {
		return &exitError{Code: 1, Err: err}
	}
	fmt.Fprintln(stdout, "就绪")
	return nil
}
