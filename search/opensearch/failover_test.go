package opensearch

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/searchtest"
)

// BenchmarkFailover measures what users see when a node fails: the test
// subset in an index of 3 shards with 1 replica, 4 clients searching and
// one writing a document every 100 ms, and after 10 s the shell command
// GONGKAI_FAILOVER_CMD (which stops or kills a node). It reports failed
// and miscounted searches and when they happened, failed writes, and
// acknowledged documents that are missing afterwards, then waits for the
// cluster to be green again. Run it once:
//
//	GONGKAI_OPENSEARCH=… GONGKAI_FAILOVER_CMD='…' go test -run '^$' -bench Failover -benchtime 1x ./search/opensearch/
func BenchmarkFailover(b *testing.B) {
	urls, cmd := os.Getenv("GONGKAI_OPENSEARCH"), os.Getenv("GONGKAI_FAILOVER_CMD")
	if urls == "" || cmd == "" {
		b.Skip("set GONGKAI_OPENSEARCH and GONGKAI_FAILOVER_CMD")
	}
	duration := time.Duration(envInt("GONGKAI_FAILOVER_SECONDS", 60)) * time.Second
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		o := Options{URLs: strings.Split(urls, ","), Index: fmt.Sprintf("gongkai-failover-%d", time.Now().Unix()), Shards: 3, Replicas: 1}
		e, err := OpenEngine(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		idx := search.NewCore(e, search.Options{})
		if _, err := indexer.Run(ctx, idx, []string{filepath.Join(searchtest.Corpus(), "tests.jsonl")}, indexer.Options{}); err != nil {
			b.Fatal(err)
		}
		if err := e.waitCopies(ctx, e.physical); err != nil {
			b.Fatal(err)
		}
		queries := []string{"营商环境", "人民政府", `"双随机、一公开"`, "year:2019", "公司不给加班费怎么办"}
		want := map[string]int{}
		for _, q := range queries {
			res, err := search.Run(ctx, idx, search.Request{Query: q})
			if err != nil {
				b.Fatal(err)
			}
			want[q] = res.Total
		}

		start := time.Now()
		var mu sync.Mutex
		var searches, failed, wrong int
		var firstFail, lastFail time.Duration
		var failures []string
		var acked, writeFailed []string
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := 0; c < 4; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for n := c; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					q := queries[n%len(queries)]
					res, err := search.Run(ctx, idx, search.Request{Query: q})
					mu.Lock()
					searches++
					if err != nil || res.Total != want[q] {
						at := time.Since(start)
						if failed+wrong == 0 {
							firstFail = at
						}
						lastFail = at
						if err != nil {
							failed++
							if len(failures) < 5 {
								failures = append(failures, err.Error())
							}
						} else {
							wrong++
						}
					}
					mu.Unlock()
				}
			}(c)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				id := fmt.Sprintf("failover-%d", n)
				d, _ := indexer.FromRecord(&indexer.Record{ID: id, Title: ptr("故障转移测试"), Body: ptr(fmt.Sprintf("第%d份写入的文档。", n))})
				wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				err := idx.Put(wctx, []*search.Document{d})
				cancel()
				mu.Lock()
				if err != nil {
					writeFailed = append(writeFailed, id+": "+err.Error())
				} else {
					acked = append(acked, id)
				}
				mu.Unlock()
			}
		}()
		time.Sleep(10 * time.Second)
		out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
		b.Logf("at %.1f s ran %q: %v %s", time.Since(start).Seconds(), cmd, err, strings.TrimSpace(string(out)))
		time.Sleep(duration - 10*time.Second)
		close(stop)
		wg.Wait()

		b.Logf("searches %d: %d failed, %d miscounted; first at %.1f s, last at %.1f s", searches, failed, wrong, firstFail.Seconds(), lastFail.Seconds())
		for _, f := range failures {
			b.Logf("  %s", f)
		}
		b.Logf("writes: %d acknowledged, %d failed", len(acked), len(writeFailed))
		for i, f := range writeFailed {
			if i == 5 {
				break
			}
			b.Logf("  %s", f)
		}
		docs, err := e.Documents(ctx, acked)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("acknowledged documents missing: %d", len(acked)-len(docs))
		for {
			s, err := e.Status(ctx)
			if err == nil && s.Health == "green" {
				b.Logf("green again %.1f s after the start (%d nodes)", time.Since(start).Seconds(), s.Nodes)
				break
			}
			if time.Since(start) > duration+5*time.Minute {
				b.Logf("not green %.0f s after the start: %+v %v", time.Since(start).Seconds(), s, err)
				break
			}
			time.Sleep(time.Second)
		}
		b.ReportMetric(float64(failed+wrong), "bad-searches")
		b.ReportMetric(float64(len(acked)-len(docs)), "lost-docs")
		e.DeleteIndex(ctx)
		e.Close()
	}
}
