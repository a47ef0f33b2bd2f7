package opensearch

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

// measureQueries are the queries whose totals BenchmarkCorpus compares.
var measureQueries = []string{
	"营商环境", "放管服", `"双随机、一公开"`, "人民政府", "政府工作报告", "新质生产力 类型:打算",
	"营商环境 -上海", "养犬 OR 控制吸烟", "year:2019", "agency:重庆市", "国发〔2019〕5号",
	"法", "公司不给加班费怎么办", "居民身份证 有效期", `"2022年"`, "title:条例 重庆",
}

// BenchmarkCorpus indexes a corpus (GONGKAI_CORPUS: a JSONL file or a
// folder) into the cluster (GONGKAI_OPENSEARCH) as a rebuild published
// at the end, 3 shards with 1 replica unless GONGKAI_OPENSEARCH_SHARDS /
// _REPLICAS say otherwise, and into bleve; it reports both index times,
// the cluster's store size, and the totals and top-10 overlap of
// measureQueries on both. Run it once:
//
//	GONGKAI_OPENSEARCH=… GONGKAI_CORPUS=… go test -run '^$' -bench Corpus -benchtime 1x ./search/opensearch/
func BenchmarkCorpus(b *testing.B) {
	urls, corpus := os.Getenv("GONGKAI_OPENSEARCH"), os.Getenv("GONGKAI_CORPUS")
	if urls == "" || corpus == "" {
		b.Skip("set GONGKAI_OPENSEARCH and GONGKAI_CORPUS")
	}
	ctx := context.Background()
	shards, replicas := envInt("GONGKAI_OPENSEARCH_SHARDS", 3), envInt("GONGKAI_OPENSEARCH_REPLICAS", 1)
	if replicas == 0 {
		replicas = NoReplicas
	}
	for i := 0; i < b.N; i++ {
		o := Options{URLs: strings.Split(urls, ","), Index: fmt.Sprintf("gongkai-measure-%d", time.Now().Unix()), Shards: shards, Replicas: replicas, Rebuild: true}
		start := time.Now()
		e, err := OpenEngine(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { e.DeleteIndex(ctx); e.Close() })
		osIdx := search.NewCore(e, search.Options{})
		sum, err := indexer.Run(ctx, osIdx, []string{corpus}, indexer.Options{})
		if err != nil || sum.Failed > 0 {
			b.Fatalf("opensearch: %v %+v", err, sum)
		}
		written := time.Since(start)
		b.Logf("opensearch: %d documents written in %.1f s", sum.Indexed, written.Seconds())
		if err := e.Publish(ctx); err != nil {
			b.Fatal(err)
		}
		published := time.Since(start)
		if err := e.waitCopies(ctx, e.physical); err != nil {
			b.Fatal(err)
		}
		s, err := e.Status(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("alias swapped after %.1f s; index %s after %.1f s", published.Seconds(), s.Health, time.Since(start).Seconds())

		dir := b.TempDir()
		start = time.Now()
		blIdx, err := bleve.Open(filepath.Join(dir, "index"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := indexer.Run(ctx, blIdx, []string{corpus}, indexer.Options{}); err != nil {
			b.Fatal(err)
		}
		bleveTime := time.Since(start)
		defer blIdx.Close()

		var cat []map[string]string
		params := url.Values{"format": {"json"}, "bytes": {"b"}, "h": {"index,health,pri,rep,docs.count,store.size,pri.store.size"}}
		if err := call(ctx, e.client, http.MethodGet, "/_cat/indices/"+e.physical, params, nil, &cat); err != nil {
			b.Fatal(err)
		}
		b.Logf("documents %d; opensearch (%d shards, %d replicas): written in %.1f s, published (replicas copied) after %.1f s; bleve %.1f s",
			sum.Indexed, shards, max(replicas, 0), written.Seconds(), published.Seconds(), bleveTime.Seconds())
		for _, c := range cat {
			b.Logf("_cat/indices: %v", c)
			if v, err := strconv.ParseFloat(c["store.size"], 64); err == nil {
				b.ReportMetric(v/1e6, "MB-store")
			}
			if v, err := strconv.ParseFloat(c["pri.store.size"], 64); err == nil {
				b.ReportMetric(v/1e6, "MB-primaries")
			}
		}
		b.ReportMetric(written.Seconds(), "s-index")
		b.ReportMetric(bleveTime.Seconds(), "s-bleve")
		b.Logf("bleve folder: %.1f MB", float64(dirSize(dir))/1e6)
		b.Logf("%-24s %9s %9s %s", "query", "opensearch", "bleve", "top-10 shared")
		for _, q := range measureQueries {
			got, err := search.Run(ctx, osIdx, search.Request{Query: q})
			if err != nil {
				b.Fatalf("%s: %v", q, err)
			}
			want, err := search.Run(ctx, blIdx, search.Request{Query: q})
			if err != nil {
				b.Fatalf("%s: %v", q, err)
			}
			shared := 0
			top := map[string]bool{}
			for _, h := range want.Hits {
				top[h.ID] = true
			}
			for _, h := range got.Hits {
				if top[h.ID] {
					shared++
				}
			}
			b.Logf("%-24s %9d %9d %d/%d", q, got.Total, want.Total, shared, len(want.Hits))
		}
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}
