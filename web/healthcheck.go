package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// HealthCheckTimeout bounds a health check when its context has no
// deadline.
const HealthCheckTimeout = 3 * time.Second

// CheckReady asks a running server whether it is ready to answer: GET
// readyURL (its /readyz) must answer 200. It is the check a container runs
// (`gongkai healthcheck`): the image has no shell and no curl.
func CheckReady(ctx context.Context, readyURL string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, HealthCheckTimeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, readyURL, nil)
	if err != nil {
		return fmt.Errorf("健康检查：地址有误：%w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("健康检查：无法连接 %s（服务没有运行，或地址不对）：%w", readyURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("健康检查：%s 返回 %d，服务尚未就绪：%s", readyURL, resp.StatusCode, body)
	}
	return nil
}
