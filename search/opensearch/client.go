package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	osgo "github.com/opensearch-project/opensearch-go/v4"
)

// request is one REST call, for osgo.Do.
type request struct {
	path   string
	params url.Values
	body   []byte
	ndjson bool
}

// GetRequest implements osgo.Request.
func (r *request) GetRequest(method string) (*http.Request, error) {
	u := r.path
	if len(r.params) > 0 {
		u += "?" + r.params.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body) // replayable: retries resend it
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return nil, err
	}
	if r.body != nil {
		if r.ndjson {
			req.Header.Set("Content-Type", "application/x-ndjson")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	return req, nil
}

// StatusError is an error answer of the cluster.
type StatusError struct {
	Method, Path string
	Status       int
	// Err is the cluster's error, parsed by the client (*osgo.StructError
	// and friends).
	Err error
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("opensearch %s %s: %v", e.Method, e.Path, e.Err)
}

func (e *StatusError) Unwrap() error { return e.Err }

// Type returns the cluster's error type (index_not_found_exception …),
// or "".
func (e *StatusError) Type() string {
	var se *osgo.StructError
	if errors.As(e.Err, &se) {
		return se.Err.Type
	}
	return ""
}

// isStatus reports whether err is a StatusError with that status.
func isStatus(err error, status int) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == status
}

// call sends a request and decodes a successful answer into out (which
// may be nil). body is sent as is when it is []byte, else as JSON. The
// client spreads calls over the nodes, and retries on another node after
// a connection error or a 502/503/504 answer, with backoff, within ctx.
func call[T any](ctx context.Context, c *osgo.Client, method, path string, params url.Values, body any, out *T) error {
	r := &request{path: path, params: params}
	switch b := body.(type) {
	case nil:
	case []byte:
		r.body = b
		r.ndjson = strings.HasSuffix(path, "/_bulk")
	default:
		var err error
		if r.body, err = json.Marshal(b); err != nil {
			return fmt.Errorf("opensearch %s %s: %w", method, path, err)
		}
	}
	resp, err := osgo.Do(ctx, c, method, r, out)
	if err != nil && (resp == nil || !resp.IsError()) {
		if ctx.Err() != nil {
			return fmt.Errorf("opensearch %s %s: %w", method, path, ctx.Err())
		}
		return fmt.Errorf("opensearch %s %s: %w", method, path, err)
	}
	if resp.IsError() {
		return &StatusError{Method: method, Path: path, Status: resp.StatusCode, Err: osgo.ParseError(resp)}
	}
	return nil
}

// noBody is the answer type of calls whose answer is not needed.
type noBody = osgo.NoBody

// seg escapes one path segment.
func seg(s string) string { return url.PathEscape(s) }
