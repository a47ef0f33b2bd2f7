// Command gongkai-load sends a query load to an HTTP search endpoint and
// prints latency percentiles and throughput. It drives gongkai and the
// engines it is compared with (bench/run.sh) the same way.
//
//	gongkai-load -url 'http://127.0.0.1:8080/api/search?q={q}' -queries bench/queries.txt -clients 8 -duration 20s
//
// {q} in the URL is replaced by each query, URL-escaped. Clients go
// through the query file in turn, each starting at a different line.
// With -spread, each client connects from its own loopback address
// (127.0.0.2, 127.0.0.3, …), as separate users would: a server that limits
// each client (gongkai's heavy-search budget) then sees several. With
// -tail N it also names the queries behind the slowest requests.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/search/eval"
)

func main() {
	target := flag.String("url", "http://127.0.0.1:8080/api/search?q={q}", "URL template; {q} is replaced by the escaped query")
	queries := flag.String("queries", "bench/queries.txt", "query file: one per line, # comments")
	clients := flag.Int("clients", 8, "concurrent clients")
	duration := flag.Duration("duration", 20*time.Second, "how long to send load")
	warmup := flag.Duration("warmup", 2*time.Second, "load before measuring starts")
	name := flag.String("name", "", "label for the result line")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	tail := flag.Int("tail", 0, "after the result line, name the N queries with the most requests slower than p99 (in -json always, as \"tail\")")
	spread := flag.Bool("spread", false, "each client connects from its own loopback address (127.0.0.2, …); the server must be on loopback")
	flag.Parse()
	if !strings.Contains(*target, "{q}") {
		fatal("the -url template needs {q}")
	}
	qs, err := readQueries(*queries)
	if err != nil {
		fatal(err.Error())
	}
	if len(qs) == 0 {
		fatal("no queries in " + *queries)
	}
	if *spread {
		u, err := url.Parse(strings.ReplaceAll(*target, "{q}", ""))
		if err != nil {
			fatal(err.Error())
		}
		if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
			fatal("-spread needs a server on a loopback address (127.0.0.1), not " + u.Host)
		}
		if *clients > 250 {
			fatal("-spread: at most 250 clients")
		}
	}
	res := run(*target, qs, *clients, *warmup, *duration, *spread)
	res.Name = *name
	if *asJSON {
		_ = json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf("%s clients=%d requests=%d errors=%d qps=%.1f p50=%.1fms p95=%.1fms p99=%.1fms max=%.1fms\n",
		res.Name, res.Clients, res.Requests, res.Errors, res.QPS, res.P50, res.P95, res.P99, res.Max)
	for i, t := range res.Tail {
		if i == *tail {
			break
		}
		fmt.Printf("  slower than p99: %4d of %5d requests (median %.1fms)  %s\n", t.Slow, t.Requests, t.Median, t.Query)
	}
	if res.Errors > 0 {
		fmt.Fprintf(os.Stderr, "first error: %s\n", res.FirstError)
		os.Exit(1)
	}
}

// Result is the outcome of a load run; latencies are in milliseconds.
type Result struct {
	Name       string  `json:"name,omitempty"`
	Clients    int     `json:"clients"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	QPS        float64 `json:"qps"`
	P50        float64 `json:"p50_ms"`
	P95        float64 `json:"p95_ms"`
	P99        float64 `json:"p99_ms"`
	Max        float64 `json:"max_ms"`
	FirstError string  `json:"first_error,omitempty"`
	// Tail lists the queries whose requests were slower than P99.
	Tail []QueryTail `json:"tail,omitempty"`
}

// QueryTail is one query's share of the slowest requests.
type QueryTail struct {
	Query    string  `json:"query"`
	Slow     int     `json:"slower_than_p99"`
	Requests int     `json:"requests"`
	Median   float64 `json:"median"`
}

func run(target string, qs []string, clients int, warmup, duration time.Duration, spread bool) Result {
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, DisableCompression: true}
	shared := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	clientOf := func(c int) *http.Client {
		if !spread {
			return shared
		}
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+c))}}
		return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 2, DisableCompression: true}, Timeout: 30 * time.Second}
	}
	var mu sync.Mutex
	var lat []time.Duration
	var byQuery = make([][]time.Duration, len(qs))
	errs := 0
	firstErr := ""
	start := time.Now()
	measureFrom := start.Add(warmup)
	end := measureFrom.Add(duration)
	ctx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			hc := clientOf(c)
			var local []time.Duration
			localBy := make([][]time.Duration, len(qs))
			localErrs := 0
			localFirst := ""
			for i := c * len(qs) / clients; ctx.Err() == nil; i++ {
				u := strings.ReplaceAll(target, "{q}", url.QueryEscape(qs[i%len(qs)]))
				t0 := time.Now()
				err := get(ctx, hc, u)
				d := time.Since(t0)
				if ctx.Err() != nil {
					break
				}
				if t0.Before(measureFrom) {
					continue
				}
				if err != nil {
					localErrs++
					if localFirst == "" {
						localFirst = err.Error()
					}
					continue
				}
				local = append(local, d)
				localBy[i%len(qs)] = append(localBy[i%len(qs)], d)
			}
			mu.Lock()
			lat = append(lat, local...)
			for q := range localBy {
				byQuery[q] = append(byQuery[q], localBy[q]...)
			}
			errs += localErrs
			if firstErr == "" {
				firstErr = localFirst
			}
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	l := eval.Latencies(lat).Sort()
	pct := func(p float64) float64 { return eval.MS(l.Percentile(p)) }
	return Result{Clients: clients, Requests: len(lat), Errors: errs, QPS: float64(len(lat)) / duration.Seconds(),
		P50: pct(0.5), P95: pct(0.95), P99: pct(0.99), Max: pct(1), FirstError: firstErr,
		Tail: tailOf(qs, byQuery, l.Percentile(0.99))}
}

// tailOf names the queries with requests slower than p99, most first.
func tailOf(qs []string, byQuery [][]time.Duration, p99 time.Duration) []QueryTail {
	var out []QueryTail
	for i, ds := range byQuery {
		n := 0
		for _, d := range ds {
			if d > p99 {
				n++
			}
		}
		if n == 0 {
			continue
		}
		med := eval.Latencies(ds).Sort()
		out = append(out, QueryTail{Query: qs[i], Slow: n, Requests: len(ds), Median: eval.MS(med.Percentile(0.5))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slow > out[j].Slow })
	return out
}

func get(ctx context.Context, hc *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", u, resp.StatusCode)
	}
	return nil
}

func readQueries(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			qs = append(qs, l)
		}
	}
	return qs, sc.Err()
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "gongkai-load:", msg)
	os.Exit(2)
}
