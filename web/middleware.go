package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// requestInfo is what the access log learns from inside the router.
type requestInfo struct{ route string }

type requestInfoKey struct{}

// nameRoute records the name of the matched route for the access log.
func nameRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
			if rt := mux.CurrentRoute(r); rt != nil && rt.GetName() != "" {
				info.route = rt.GetName()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// logMiddleware writes the access log and the request metrics of every
// request, matched or not. A request whose client went away before the
// answer is logged with status 499.
func (s *Server) logMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		info := &requestInfo{route: "other"}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		if r.Context().Err() != nil && sw.status >= 500 {
			sw.status = StatusClientClosedRequest
		}
		d := time.Since(t0)
		s.metrics.requests.WithLabelValues(info.route, r.Method, strconv.Itoa(sw.status)).Inc()
		s.metrics.latency.WithLabelValues(info.route).Observe(d.Seconds())
		ev := s.log.Info()
		if sw.status == StatusClientClosedRequest {
			ev = ev.Bool("client_gone", true)
		}
		ev.Str("method", r.Method).
			Str("path", r.URL.RequestURI()).
			Str("route", info.route).
			Int("status", sw.status).
			Int("bytes", sw.bytes).
			Float64("duration_ms", float64(d.Microseconds())/1000).
			Msg("request")
	})
}

// contentSecurityPolicy allows the site's own script, styles and images
// only: no inline script, no framing, forms only to the site.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders sets the security headers of every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Links to source pages carry the origin only, never a query.
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// recoverMiddleware turns a panic into a 500 and a log entry.
func (s *Server) recoverMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error().Str("panic", fmt.Sprint(v)).Str("stack", string(debug.Stack())).Str("path", r.URL.Path).Msg("panic")
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// metrics are the Prometheus metrics of the server.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	search   *prometheus.HistogramVec
	timeouts prometheus.Counter
	// engine and engineErrors time and count the engine's calls
	// (Server.ObserveEngine).
	engine       *prometheus.HistogramVec
	engineErrors *prometheus.CounterVec
}

// ObserveEngine records one engine call in the metrics; pass it as
// search.Options.Observe.
func (s *Server) ObserveEngine(op string, took time.Duration, err error) {
	s.metrics.engine.WithLabelValues(op).Observe(took.Seconds())
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		s.metrics.engineErrors.WithLabelValues(op).Inc()
	}
}

func newMetrics(reg *prometheus.Registry, docs func() float64) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongkai_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gongkai_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5},
		}, []string{"route"}),
		search: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gongkai_search_duration_seconds", Help: "Search latency (parsing, index, sections and snippets) by mode.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1},
		}, []string{"mode"}),
		timeouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gongkai_search_timeouts_total", Help: "Searches stopped because they ran out of their time (answered 503).",
		}),
		engine: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gongkai_engine_duration_seconds", Help: "Engine calls (search, documents, write …) by operation.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5},
		}, []string{"op"}),
		engineErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongkai_engine_errors_total", Help: "Engine calls that failed, by operation (cancelled calls not counted).",
		}, []string{"op"}),
	}
	reg.MustRegister(m.requests, m.latency, m.search, m.timeouts, m.engine, m.engineErrors,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongkai_index_documents", Help: "Documents in the index."}, docs),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
