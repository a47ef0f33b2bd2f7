package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/klauspost/compress/gzhttp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
)

// Limits on requests.
const (
	// MaxBodyBytes bounds a POST /api/documents body.
	MaxBodyBytes = 16 << 20
	// MaxDocsPerPost bounds the documents of one POST.
	MaxDocsPerPost = 2000
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure a Server.
type Options struct {
	// Token is the bearer token for writes; empty disables writes (403).
	Token string
	// Log receives the access log and errors.
	Log zerolog.Logger
	// Registry receives the metrics; nil uses a new registry.
	Registry *prometheus.Registry
	// BehindProxy names clients by the last address of X-Forwarded-For
	// (the one a reverse proxy appends) instead of the connection's: set
	// it only when a proxy that sets the header is the sole way in, or
	// clients could name themselves.
	BehindProxy bool
}

// Server is gongkai's HTTP face: the JSON API, the HTML pages, health
// and metrics. It answers /healthz at once; everything that needs the
// index waits for SetIndex (until then /readyz and the search routes
// answer 503).
type Server struct {
	idx     atomic.Pointer[indexRef]
	token   string
	proxied bool
	counted atomic.Pointer[countAt]
	log     zerolog.Logger
	metrics *metrics
	pages   *template.Template
	router  *mux.Router
	handler http.Handler
	// now is the clock for citation dates (引用日期).
	now func() time.Time
}

type indexRef struct{ search.Index }

// New returns a server without an index.
func New(o Options) *Server {
	reg := o.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{token: o.Token, proxied: o.BehindProxy, log: o.Log, now: time.Now}
	s.metrics = newMetrics(reg, s.count)
	s.pages = template.Must(template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/*.html"))
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.serveNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.serveMethodNotAllowed)
	handle := func(name, path string, h http.HandlerFunc, methods ...string) {
		r.Handle(path, h).Methods(methods...).Name(name)
	}
	handle("home", "/", s.serveHome, http.MethodGet, http.MethodHead)
	handle("search", "/search", s.serveSearchPage, http.MethodGet, http.MethodHead)
	handle("doc", "/doc/{id}", s.serveDocPage, http.MethodGet, http.MethodHead)
	handle("commitments", "/commitments", s.serveCommitmentsPage, http.MethodGet, http.MethodHead)
	handle("compare", "/compare", s.serveComparePage, http.MethodGet, http.MethodHead)
	handle("feed", "/feed", s.serveFeed, http.MethodGet, http.MethodHead)
	handle("api_search", "/api/search", s.serveSearchAPI, http.MethodGet, http.MethodHead)
	handle("api_commitments", "/api/commitments", s.serveCommitmentsAPI, http.MethodGet, http.MethodHead)
	handle("api_compare", "/api/compare", s.serveCompareAPI, http.MethodGet, http.MethodHead)
	handle("targets", "/targets", s.serveTargetsPage, http.MethodGet, http.MethodHead)
	handle("targets_chart", "/targets/chart.svg", s.serveTargetsChart, http.MethodGet, http.MethodHead)
	handle("api_targets", "/api/targets", s.serveTargetsAPI, http.MethodGet, http.MethodHead)
	handle("api_doc", "/api/documents/{id}", s.serveDocumentAPI, http.MethodGet, http.MethodHead)
	handle("api_delete", "/api/documents/{id}", s.serveDeleteAPI, http.MethodDelete)
	handle("api_post", "/api/documents", s.servePostAPI, http.MethodPost)
	handle("healthz", "/healthz", s.serveHealthz, http.MethodGet, http.MethodHead)
	handle("readyz", "/readyz", s.serveReadyz, http.MethodGet, http.MethodHead)
	r.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{})).Name("metrics")
	r.PathPrefix("/static/").HandlerFunc(s.serveStatic).Methods(http.MethodGet, http.MethodHead).Name("static")
	r.Use(nameRoute)
	s.router = r
	// Compression: gzip, and zstd for browsers that ask for it (gzhttp
	// negotiates, sets Vary and skips small or already compressed bodies).
	compress, err := gzhttp.NewWrapper(gzhttp.MinSize(1024))
	if err != nil {
		panic(err) // only for invalid options, which are fixed here
	}
	s.handler = s.logMiddleware(securityHeaders(compress(s.recoverMiddleware(r))))
	return s
}

// SetIndex makes the server ready to answer from idx.
func (s *Server) SetIndex(idx search.Index) { s.idx.Store(&indexRef{idx}) }

func (s *Server) index() search.Index {
	if ref := s.idx.Load(); ref != nil {
		return ref.Index
	}
	return nil
}

// Ready reports whether the server has an index to answer from.
func (s *Server) Ready() bool { return s.index() != nil }

// pageCount is the number of documents that pages show, counted at most
// every pageCountTTL (a page asked the engine each time: with OpenSearch,
// one more cluster call per page, error pages too).
func (s *Server) pageCount() int {
	now := time.Now().UnixNano()
	if c := s.counted.Load(); c != nil && now-c.at < int64(pageCountTTL) {
		return c.n
	}
	n := int(s.count())
	if n > 0 { // not ready, or empty: ask again next time
		s.counted.Store(&countAt{n: n, at: now})
	}
	return n
}

// pageCountTTL is how long pages reuse a count of the documents.
const pageCountTTL = 2 * time.Second

type countAt struct {
	n  int
	at int64
}

func (s *Server) count() float64 {
	if idx := s.index(); idx != nil {
		if n, err := idx.Count(); err == nil {
			return float64(n)
		}
	}
	return 0
}

// ServeHTTP answers a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// httpError is an error with the status and message to show the user.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

var errNotReady = &httpError{http.StatusServiceUnavailable, "服务正在启动（加载词典、打开索引），请稍后再试"}

// StatusClientClosedRequest is the status logged for a request whose
// client went away before the answer (nginx's 499); its work is stopped.
const StatusClientClosedRequest = 499

// msgTooExpensive answers a search that ran out of its time (the search
// core's deadline, search.Options.Deadline).
const msgTooExpensive = "查询过于复杂，未能在限定时间内完成，已停止。请减少关键词或 OR 的数量、少用单个汉字，" +
	"或加上筛选条件（如 年份:2024、机关:国务院、文种:通知）缩小范围后再试。"

// classify turns an error into the status and the message a user sees.
// Anything not known to be the user's doing is a 500 with a generic text.
func classify(err error) (int, string) {
	var he *httpError
	var qe *search.QueryError
	var mb *http.MaxBytesError
	var ae *commitments.AmbiguousError
	var be *search.BusyError
	switch {
	case errors.As(err, &he):
		return he.status, he.msg
	case errors.As(err, &ae):
		return http.StatusBadRequest, "“" + ae.Name + "”对应多个政府：" + strings.Join(ae.Candidates, "、") + "，请写出全称"
	case errors.As(err, &qe):
		return http.StatusBadRequest, qe.Msg
	case errors.Is(err, search.ErrNotFound):
		return http.StatusNotFound, "没有找到该文档"
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge, "请求内容过大"
	case errors.As(err, &be):
		return http.StatusTooManyRequests, fmt.Sprintf("复杂检索（问句、单字、多个 OR 等）过于频繁，请 %d 秒后再试；普通关键词检索不受影响。", retryAfterSeconds(be))
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, msgTooExpensive
	case errors.Is(err, context.Canceled):
		// The server never cancels a request itself: the client left.
		return StatusClientClosedRequest, "请求已取消"
	}
	return http.StatusInternalServerError, "服务器内部错误"
}

// writeError answers with the error as JSON for API routes and as a page
// otherwise.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := classify(err)
	switch {
	case status == StatusClientClosedRequest:
		w.WriteHeader(status) // for the log: nobody reads the answer
		return
	case status >= 500 && status != http.StatusServiceUnavailable:
		s.log.Error().Err(err).Str("path", r.URL.Path).Msg("request failed")
	}
	if ra := retryAfter(err); ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gongkai"`) // RFC 9110 §11.6.1
	}
	if isAPI(r) {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	title := statusTitle(status)
	s.renderPage(w, r, status, "error", &errorPage{basePage: s.base(r, title), Status: status, Heading: title, Message: msg})
}

// statusTitle names an error status for a page's heading and title.
func statusTitle(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "请求有误"
	case http.StatusUnauthorized, http.StatusForbidden:
		return "没有权限"
	case http.StatusNotFound:
		return "没有找到"
	case http.StatusMethodNotAllowed:
		return "不支持的请求方法"
	case http.StatusRequestEntityTooLarge:
		return "请求内容过大"
	case http.StatusTooManyRequests:
		return "请求过于频繁"
	case http.StatusServiceUnavailable:
		return "服务暂时不可用"
	}
	return "服务器出错"
}

// retryAfter is the Retry-After of the answer to err, or "": while the
// server starts, and for a client's costly searches beyond its share.
func retryAfter(err error) string {
	var be *search.BusyError
	switch {
	case errors.Is(err, errNotReady):
		return "2"
	case errors.As(err, &be):
		return strconv.Itoa(retryAfterSeconds(be))
	}
	return ""
}

// retryAfterSeconds is a BusyError's wait in whole seconds, at least one.
func retryAfterSeconds(e *search.BusyError) int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// isAPI reports whether the request is for a route that answers JSON.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/readyz" || r.URL.Path == "/healthz"
}

// writeJSON answers v as JSON, without the control characters documents
// may carry.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"服务器内部错误"}`+"\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// encodeJSON encodes v as the API writes it: <, > and & as they are, and
// without control characters.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return stripControlsJSON(buf.Bytes()), nil
}

// serveMethodNotAllowed answers 405 with the methods the path allows.
func (s *Server) serveMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if s.router.Match(probe, &match) && match.MatchErr == nil {
			allowed = append(allowed, m)
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	s.writeError(w, r, &httpError{http.StatusMethodNotAllowed, "不支持该请求方法（可用：" + strings.Join(allowed, "、") + "）"})
}

func (s *Server) serveNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, &httpError{http.StatusNotFound, "页面不存在"})
}

func (s *Server) serveHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "ready": s.Ready()})
}

func (s *Server) serveReadyz(w http.ResponseWriter, r *http.Request) {
	if !s.Ready() {
		s.writeError(w, r, errNotReady)
		return
	}
	// An engine that can fail on its own (a cluster) reports its health.
	if h, ok := s.index().(interface{ Health(context.Context) error }); ok {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := h.Health(ctx); err != nil {
			s.log.Warn().Err(err).Msg("engine not healthy")
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unhealthy", "error": "检索引擎不可用：" + err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "documents": s.count()})
}

// authorize checks the bearer token of a write.
func (s *Server) authorize(r *http.Request) error {
	if s.token == "" {
		return &httpError{http.StatusForbidden, "写入接口未启用（服务端未设置 GONGKAI_TOKEN）"}
	}
	// The scheme is case-insensitive (RFC 7235 §2.1).
	scheme, got, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	got = strings.TrimSpace(got)
	if !strings.EqualFold(scheme, "Bearer") || got == "" {
		return &httpError{http.StatusUnauthorized, "需要 Authorization: Bearer <令牌>"}
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
		return &httpError{http.StatusUnauthorized, "令牌无效"}
	}
	return nil
}
