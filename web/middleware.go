package web

import (
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

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func routeName(r *http.Request) string {
	if rt := mux.CurrentRoute(r); rt != nil && rt.GetName() != "" {
		return rt.GetName()
	}
	return "other"
}

// logMiddleware writes the access log and the request metrics.
func (s *Server) logMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(t0)
		route := routeName(r)
		s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
		s.log.Info().
			Str("method", r.Method).
			Str("path", r.URL.RequestURI()).
			Str("route", route).
			Int("status", sw.status).
			Int("bytes", sw.bytes).
			Float64("duration_ms", float64(d.Microseconds())/1000).
			Msg("request")
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
	}
	reg.MustRegister(m.requests, m.latency, m.search,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongkai_index_documents", Help: "Documents in the index."}, docs),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
