package indexflag

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/search"
)

// remoteTimeout bounds a request to a running server.
const remoteTimeout = 30 * time.Second

// Get sends GET base+path?query to a running gongkai server and decodes
// the JSON answer into out. An error answer carries the server's message.
func Get(ctx context.Context, base, path string, query url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, remoteTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path+"?"+query.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("无法访问服务 %s：%w", base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("读取服务 %s 的回答失败：%w", base, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			if resp.StatusCode == http.StatusBadRequest {
				return &search.QueryError{Msg: e.Error, Detail: "server: " + e.Error}
			}
			return fmt.Errorf("服务 %s：%s", base, e.Error)
		}
		return fmt.Errorf("服务 %s 返回 %s", base, resp.Status)
	}
	return json.Unmarshal(body, out)
}

// RemoteSearch runs req on the server at base (GET /api/search), which
// answers the same JSON a local search returns.
func RemoteSearch(ctx context.Context, base string, req search.Request) (*search.Result, error) {
	q := url.Values{"q": {req.Query}}
	if req.Page > 0 {
		q.Set("page", strconv.Itoa(req.Page))
	}
	if req.Size > 0 {
		q.Set("size", strconv.Itoa(req.Size))
	}
	if req.Sort != "" {
		q.Set("sort", req.Sort)
	}
	if req.Mode != "" {
		q.Set("mode", req.Mode)
	}
	var res search.Result
	if err := Get(ctx, base, "/api/search", q, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
