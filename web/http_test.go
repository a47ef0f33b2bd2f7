package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/search"
)

// Every response, matched route or not, carries the security headers.
func TestSecurityHeaders(t *testing.T) {
	s := newServer(t, "")
	for _, c := range []struct{ method, target string }{
		{"GET", "/"}, {"GET", "/search?q=" + q("放管服")}, {"GET", "/doc/govcn-5365945"}, {"GET", "/api/search?q=" + q("放管服")},
		{"GET", "/feed?q=" + q("放管服")}, {"GET", "/static/style.css"}, {"GET", "/no/such/page"}, {"POST", "/search"},
		{"GET", "/healthz"}, {"GET", "/api/search?q=" + q(`"未闭合`)},
	} {
		r := do(t, s, c.method, c.target, nil)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s %s (%d): CSP %q lacks %s", c.method, c.target, r.status, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s %s: CSP allows inline script or style", c.method, c.target)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") == "" || r.header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s %s: headers %v", c.method, c.target, r.header)
		}
	}
	// The CSP holds because the pages have no inline script, no inline
	// style and no event handler attributes.
	for _, target := range []string{"/", "/search?q=" + q("放管服"), "/doc/seed-000_44bda8417bfe1ce5", "/commitments?agency=" + q("重庆市") + "&year=2025"} {
		body := do(t, s, "GET", target, nil).body
		if m := regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|\sstyle="|\son[a-z]+="`).FindString(body); m != "" {
			t.Errorf("%s has inline script or style: %q", target, m)
		}
	}
}

// Pages and the API come compressed to a client that accepts gzip or
// zstd, and decompress to the same bytes.
func TestCompression(t *testing.T) {
	s := newServer(t, "")
	target := "/search?q=" + q("人民政府")
	plain := do(t, s, "GET", target, nil)
	if plain.header.Get("Content-Encoding") != "" {
		t.Fatalf("compressed without Accept-Encoding: %q", plain.header.Get("Content-Encoding"))
	}
	for _, enc := range []string{"gzip", "zstd"} {
		r := do(t, s, "GET", target, nil, "Accept-Encoding", enc)
		if r.header.Get("Content-Encoding") != enc || !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%s: Content-Encoding %q, Vary %q", enc, r.header.Get("Content-Encoding"), r.header.Get("Vary"))
		}
		var rd io.Reader
		if enc == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			rd = zr
		} else {
			zr, err := zstd.NewReader(strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			rd = zr
		}
		got, err := io.ReadAll(rd)
		if err != nil {
			t.Fatal(err)
		}
		// The page holds its own timing; compare without it.
		took := regexp.MustCompile(`（[0-9.]+ 毫秒）`)
		if took.ReplaceAllString(string(got), "") != took.ReplaceAllString(plain.body, "") {
			t.Errorf("%s body differs from the plain one", enc)
		}
		if len(r.body)*3 > len(plain.body) {
			t.Errorf("%s: %d bytes for %d", enc, len(r.body), len(plain.body))
		}
	}
}

// Static files: an ETag, 304 when the browser has it, a year of caching
// for the versioned URLs the pages use, and no directory listing.
func TestStaticFiles(t *testing.T) {
	s := newServer(t, "")
	home := do(t, s, "GET", "/", nil).body
	m := regexp.MustCompile(`href="(/static/style\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home)
	if m == nil {
		t.Fatal("the page does not link a versioned style sheet")
	}
	r := do(t, s, "GET", m[1], nil)
	if r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Errorf("versioned style sheet: %d %v", r.status, r.header)
	}
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on a static file")
	}
	if r := do(t, s, "GET", "/static/style.css", nil, "If-None-Match", etag); r.status != http.StatusNotModified || r.body != "" {
		t.Errorf("If-None-Match: %d", r.status)
	}
	if r := do(t, s, "GET", "/static/style.css?v=old", nil); r.status != 200 || strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("an old version is cached for good: %v", r.header.Get("Cache-Control"))
	}
	for _, target := range []string{"/static/", "/static", "/static/nothing.css", "/static/templates/home.html", "/static/./"} {
		r := do(t, s, "GET", target, nil)
		if r.status == http.StatusMovedPermanently {
			r = do(t, s, "GET", r.header.Get("Location"), nil)
		}
		if r.status != http.StatusNotFound || strings.Contains(r.body, `<a href="style.css">`) || strings.Contains(r.body, "{{") {
			t.Errorf("%s: %d %.100s", target, r.status, r.body)
		}
	}
}

// Documents (page and JSON) carry an ETag and Cache-Control; the same
// ETag answers 304, another query gives another ETag.
func TestDocumentCaching(t *testing.T) {
	s := newServer(t, "")
	for _, target := range []string{"/doc/govcn-5365945", "/doc/govcn-5365945?q=" + q("监管"), "/api/documents/govcn-5365945"} {
		r := do(t, s, "GET", target, nil)
		etag := r.header.Get("ETag")
		if r.status != 200 || !strings.HasPrefix(etag, `W/"`) || !strings.Contains(r.header.Get("Cache-Control"), "max-age=") {
			t.Fatalf("%s: %d ETag %q Cache-Control %q", target, r.status, etag, r.header.Get("Cache-Control"))
		}
		if again := do(t, s, "GET", target, nil); again.header.Get("ETag") != etag {
			t.Errorf("%s: ETag changes between two requests", target)
		}
		if r := do(t, s, "GET", target, nil, "If-None-Match", `"other", `+etag); r.status != http.StatusNotModified || r.body != "" {
			t.Errorf("%s with its ETag: %d", target, r.status)
		}
		if r := do(t, s, "GET", target, nil, "If-None-Match", `W/"other"`); r.status != 200 {
			t.Errorf("%s with another ETag: %d", target, r.status)
		}
	}
	a := do(t, s, "GET", "/doc/govcn-5365945", nil).header.Get("ETag")
	b := do(t, s, "GET", "/doc/govcn-5365945?q="+q("监管"), nil).header.Get("ETag")
	if a == b {
		t.Error("the highlighted page has the ETag of the plain one")
	}
}

// A method a route does not take is 405 with the methods it does.
func TestMethodNotAllowed(t *testing.T) {
	s := newServer(t, "")
	for _, c := range []struct{ method, target, allow string }{
		{"POST", "/api/search?q=x", "GET, HEAD"},
		{"DELETE", "/search", "GET, HEAD"},
		{"POST", "/api/documents/x", "GET, HEAD, DELETE"},
		{"GET", "/api/documents", "POST"},
		{"PUT", "/feed?q=x", "GET, HEAD"},
	} {
		r := do(t, s, c.method, c.target, nil)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", c.method, c.target, r.status, r.header.Get("Allow"), c.allow)
		}
	}
	// HEAD is answered wherever GET is (the headers, no body).
	hs := httptest.NewServer(s)
	defer hs.Close()
	resp, err := http.Head(hs.URL + "/api/search?q=" + q("放管服"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(body) != 0 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("HEAD /api/search: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// The Bearer scheme is case-insensitive (RFC 7235); the token is not.
func TestBearerScheme(t *testing.T) {
	s := New(Options{Token: "s3cret", Log: zerolog.Nop()})
	s.SetIndex(&fakeIndex{result: &search.Result{}})
	doc := `{"id":"b-1","title":"测试","body":"正文。"}`
	for auth, want := range map[string]int{
		"Bearer s3cret": 201, "bearer s3cret": 201, "BEARER   s3cret": 201, " Bearer s3cret ": 201,
		"Bearer S3CRET": 401, "Basic s3cret": 401, "Bearers3cret": 401, "Bearer": 401,
	} {
		if r := do(t, s, "POST", "/api/documents", strings.NewReader(doc), "Authorization", auth); r.status != want {
			t.Errorf("Authorization %q: %d, want %d", auth, r.status, want)
		}
	}
}

// syncBuffer is a log sink the server writes from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// logEntries parses the server's JSON log lines.
func logEntries(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

// A search that runs out of time answers 503 with a message saying how
// to simplify the query, and is logged as such.
func TestSearchDeadline(t *testing.T) {
	var log syncBuffer
	s := New(Options{Log: zerolog.New(&log)})
	// What the search core answers when a search runs out of its deadline.
	s.SetIndex(&fakeIndex{err: fmt.Errorf("search: %w", context.DeadlineExceeded)})
	for _, target := range []string{"/api/search?q=" + q("的 的 的"), "/search?q=" + q("的 的 的"), "/feed?q=" + q("的 的 的"), "/api/search?q=x&format=csv"} {
		r := do(t, s, "GET", target, nil)
		if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "查询过于复杂") || !strings.Contains(r.body, "筛选条件") {
			t.Errorf("%s: %d %.200s", target, r.status, r.body)
		}
		if r.header.Get("Retry-After") != "" {
			t.Errorf("%s: Retry-After on a query that will run out again", target)
		}
	}
	timeouts, status503 := 0, 0
	for _, e := range logEntries(t, log.String()) {
		if e["message"] == "search ran out of time" && e["q"] == "的 的 的" {
			timeouts++
		}
		if e["message"] == "request" && e["status"] == float64(503) {
			status503++
		}
	}
	if timeouts != 3 || status503 != 4 {
		t.Errorf("%d timeouts and %d 503s logged:\n%s", timeouts, status503, log.String())
	}
	if m := do(t, s, "GET", "/metrics", nil).body; !strings.Contains(m, "gongkai_search_timeouts_total 4") {
		t.Error("timeouts not counted in the metrics")
	}
	// The real search core with a deadline nothing can meet answers the
	// same way. (Not closed: it shares the test index's engine.)
	s = newServer(t, "")
	s.SetIndex(search.NewCore(sharedIdx.Engine(), search.Options{Deadline: time.Nanosecond}))
	if r := do(t, s, "GET", "/api/search?q="+q("放管服"), nil); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "查询过于复杂") {
		t.Errorf("core deadline: %d %s", r.status, r.body)
	}
}

// A client that goes away stops the search, and the request is logged
// with status 499.
func TestClientGone(t *testing.T) {
	var log syncBuffer
	f := &fakeIndex{block: true, started: make(chan struct{})}
	s := New(Options{Log: zerolog.New(&log)})
	s.SetIndex(f)
	for _, target := range []string{"/api/search?q=" + q("放管服"), "/search?q=" + q("放管服")} {
		f.started = make(chan struct{})
		ctx, cancel := context.WithCancel(context.Background())
		req := httptest.NewRequest("GET", target, nil).WithContext(ctx)
		done := make(chan struct{})
		go func() {
			s.ServeHTTP(httptest.NewRecorder(), req)
			close(done)
		}()
		<-f.started
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the search goes on after the client left", target)
		}
	}
	n := 0
	for _, e := range logEntries(t, log.String()) {
		if e["message"] == "request" {
			n++
			if e["status"] != float64(StatusClientClosedRequest) || e["client_gone"] != true {
				t.Errorf("logged %v", e)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d requests logged:\n%s", n, log.String())
	}
}

// Unmatched requests are logged too, with their status.
func TestAccessLogCoversEveryRequest(t *testing.T) {
	var log syncBuffer
	s := New(Options{Log: zerolog.New(&log)})
	s.SetIndex(sharedIdx)
	do(t, s, "GET", "/nothing/here", nil)
	do(t, s, "PATCH", "/search", nil)
	do(t, s, "GET", "/search?q="+q("放管服"), nil)
	var got []string
	for _, e := range logEntries(t, log.String()) {
		got = append(got, fmt.Sprint(e["route"], " ", e["status"]))
	}
	if strings.Join(got, ",") != "other 404,other 405,search 200" {
		t.Errorf("access log %v", got)
	}
}

// A client sending costly searches back to back to a busy server is told
// to wait (429 with Retry-After) once its heavy-search budget is spent,
// while its cheap searches and other clients' costly ones still answer,
// and an idle server answers it. Behind a proxy, clients are told apart by
// the address the proxy appends; without one, X-Forwarded-For cannot buy
// a fresh budget.
func TestHeavySearchBudget(t *testing.T) {
	held := &heldEngine{Engine: sharedIdx.Engine(), hold: 2, gate: make(chan struct{}), started: make(chan struct{}, 64)}
	// A deadline the held searches cannot reach while the test runs
	// (they must keep other clients searching to the end).
	core := search.NewCore(held, search.Options{ClientHeavyShare: 1e-6, ClientHeavyBurst: time.Nanosecond, Deadline: time.Hour, SearchSlots: -1})
	from := func(s *Server, addr, target string, headers ...string) response {
		t.Helper()
		req := httptest.NewRequest("GET", target, nil)
		req.RemoteAddr = addr
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return response{w.Code, w.Header(), w.Body.String()}
	}
	question := "/api/search?q=" + q("公司拖欠工资怎么办")
	s := New(Options{Log: zerolog.Nop()})
	s.SetIndex(core)
	// On an idle server the budget does not count.
	for i := range 2 {
		held.pass.Store(true)
		if r := from(s, "192.0.2.1:4000", question); r.status != http.StatusOK {
			t.Fatalf("question %d on an idle server: %d %s", i, r.status, r.body)
		}
	}
	// Keep the server busy: other clients' searches wait in the engine.
	held.pass.Store(false)
	var wg sync.WaitGroup
	for range held.hold {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from(s, "192.0.2.9:4000", "/api/search?q="+q("放管服"))
		}()
		<-held.started
	}
	defer func() {
		close(held.gate)
		wg.Wait()
	}()
	r := from(s, "192.0.2.1:4001", question)
	if r.status != http.StatusTooManyRequests || !strings.Contains(jsonError(t, r), "过于频繁") {
		t.Fatalf("question on a busy server after the budget: %d %s", r.status, r.body)
	}
	if n, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	if r := from(s, "192.0.2.1:4002", "/search?q="+q("公司拖欠工资怎么办")); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "过于频繁") || r.header.Get("Retry-After") == "" {
		t.Errorf("page: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if r := from(s, "192.0.2.1:4003", "/api/search?q="+q("放管服")); r.status != http.StatusOK {
		t.Errorf("a keyword of the same client: %d %s", r.status, r.body)
	}
	// Reports that make many searches count as one heavy search.
	report := "/api/commitments?agency=" + q("重庆市") + "&year=2025"
	if r := from(s, "192.0.2.1:4006", report); r.status != http.StatusTooManyRequests {
		t.Errorf("a commitments report of the client over its budget: %d", r.status)
	}
	if r := from(s, "192.0.2.3:4000", report); r.status != http.StatusOK {
		t.Errorf("a commitments report of another client: %d %.200s", r.status, r.body)
	}
	if r := from(s, "192.0.2.3:4001", report); r.status != http.StatusTooManyRequests {
		t.Errorf("a second report at once of that client, now over its budget: %d", r.status)
	}
	if r := from(s, "192.0.2.2:4000", question); r.status != http.StatusOK {
		t.Errorf("another client: %d %s", r.status, r.body)
	}
	if r := from(s, "192.0.2.1:4004", question, "X-Forwarded-For", "198.51.100.7"); r.status != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For trusted without a proxy: %d", r.status)
	}
	// Behind a proxy every request comes from the proxy's address.
	p := New(Options{Log: zerolog.Nop(), BehindProxy: true})
	p.SetIndex(core)
	for _, client := range []string{"198.51.100.7", "203.0.113.9, 198.51.100.8"} {
		if r := from(p, "10.0.0.2:80", question, "X-Forwarded-For", client); r.status != http.StatusOK {
			t.Errorf("behind a proxy, client %s: %d %s", client, r.status, r.body)
		}
	}
	if r := from(p, "10.0.0.2:80", question, "X-Forwarded-For", "203.0.113.9, 198.51.100.7"); r.status != http.StatusTooManyRequests {
		t.Errorf("behind a proxy, the same client again: %d", r.status)
	}
}

// heldEngine holds its first hold searches (after pass is turned off)
// until gate closes, telling started of each.
type heldEngine struct {
	search.Engine
	hold    int
	gate    chan struct{}
	started chan struct{}
	pass    atomic.Bool
	n       atomic.Int64
}

func (e *heldEngine) Search(ctx context.Context, req *search.EngineRequest) (*search.EngineResult, error) {
	if !e.pass.Load() && e.n.Add(1) <= int64(e.hold) {
		e.started <- struct{}{}
		select {
		case <-e.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return e.Engine.Search(ctx, req)
}

// People behind one address (an office, a carrier's NAT) who ask at the
// same moment, with nobody else searching, are not told to wait.
func TestHeavySearchBudgetOneAddress(t *testing.T) {
	held := &heldEngine{Engine: sharedIdx.Engine(), hold: 1, gate: make(chan struct{}), started: make(chan struct{}, 8)}
	core := search.NewCore(held, search.Options{ClientHeavyShare: 1e-6, ClientHeavyBurst: time.Nanosecond, Deadline: time.Hour, HeavySlots: 4, SearchSlots: -1})
	s := New(Options{Log: zerolog.Nop()})
	s.SetIndex(core)
	question := "/api/search?q=" + q("公司拖欠工资怎么办")
	get := func(addr string) int {
		req := httptest.NewRequest("GET", question, nil)
		req.RemoteAddr = addr
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w.Code
	}
	first := make(chan int, 1)
	go func() { first <- get("198.51.100.1:1000") }()
	<-held.started // the first question is in the engine
	if code := get("198.51.100.1:1001"); code != http.StatusOK {
		t.Errorf("a second question from the same address, nobody else searching: %d", code)
	}
	close(held.gate)
	if code := <-first; code != http.StatusOK {
		t.Errorf("the first question: %d", code)
	}
}
