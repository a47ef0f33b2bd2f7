// Package eval measures ranking on a relevance benchmark (queries,
// judged documents) through search.Run, the path a user's query takes,
// and converts the STARD statute-retrieval set into the corpus schema.
package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/gongkai/gongkai/search"
)

// Query is a benchmark question.
type Query struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Split string `json:"split"`
}

// ReadQueries reads queries (JSONL: id, text, split).
func ReadQueries(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Query
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q Query
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// Qrels maps a query id to its relevant document ids.
type Qrels map[string]map[string]bool

// ReadQrels reads TREC qrels (qid 0 docid rel); rel > 0 is relevant.
func ReadQrels(path string) (Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := Qrels{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if len(fs) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 fields, got %d", path, line, len(fs))
		}
		if fs[3] == "0" {
			continue
		}
		if out[fs[0]] == nil {
			out[fs[0]] = map[string]bool{}
		}
		out[fs[0]][fs[2]] = true
	}
	return out, sc.Err()
}

// Metrics are averaged over the judged queries.
type Metrics struct {
	Queries int     `json:"queries"`
	R10     float64 `json:"recall@10"`
	R20     float64 `json:"recall@20"`
	R100    float64 `json:"recall@100"`
	Hit10   float64 `json:"hit@10"`
	MRR10   float64 `json:"mrr@10"`
	NDCG10  float64 `json:"ndcg@10"`
	// Latency of search.Run over the queries, in milliseconds.
	P50 float64 `json:"latency_p50_ms"`
	P95 float64 `json:"latency_p95_ms"`
	P99 float64 `json:"latency_p99_ms"`
}

// Score computes the metrics of one ranking against the relevant set.
func Score(ranked []string, rel map[string]bool) (r10, r20, r100, hit10, mrr10, ndcg10 float64) {
	if len(rel) == 0 {
		return
	}
	found := func(k int) float64 {
		n := 0
		for i := 0; i < k && i < len(ranked); i++ {
			if rel[ranked[i]] {
				n++
			}
		}
		return float64(n) / float64(len(rel))
	}
	r10, r20, r100 = found(10), found(20), found(100)
	dcg, idcg := 0.0, 0.0
	for i := 0; i < 10 && i < len(ranked); i++ {
		if rel[ranked[i]] {
			if mrr10 == 0 {
				mrr10 = 1 / float64(i+1)
			}
			hit10 = 1
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	for i := 0; i < 10 && i < len(rel); i++ {
		idcg += 1 / math.Log2(float64(i+2))
	}
	ndcg10 = dcg / idcg
	return
}

// Options of Run.
type Options struct {
	Split string // only queries of this split ("" = all)
	K     int    // results per query (≤ search.MaxSize)
	// Progress, when set, is called after every query.
	Progress func(done, total int)
}

// Run sends every judged query of the split through search.Run and
// averages the metrics.
func Run(ctx context.Context, idx search.Index, queries []Query, qrels Qrels, o Options) (*Metrics, error) {
	if o.K <= 0 || o.K > search.MaxSize {
		o.K = search.MaxSize
	}
	var todo []Query
	for _, q := range queries {
		if (o.Split == "" || q.Split == o.Split) && len(qrels[q.ID]) > 0 {
			todo = append(todo, q)
		}
	}
	if len(todo) == 0 {
		return nil, fmt.Errorf("no judged queries in split %q", o.Split)
	}
	m := &Metrics{Queries: len(todo)}
	var lat []time.Duration
	for i, q := range todo {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		text := q.Text
		if n := len([]rune(text)); n > search.MaxQueryLen {
			text = string([]rune(text)[:search.MaxQueryLen])
		}
		t0 := time.Now()
		res, err := search.Run(ctx, idx, search.Request{Query: text, Size: o.K})
		lat = append(lat, time.Since(t0))
		var ranked []string
		if err == nil {
			for _, h := range res.Hits {
				ranked = append(ranked, h.ID)
			}
		} else if _, ok := err.(*search.QueryError); !ok {
			return nil, fmt.Errorf("query %s: %w", q.ID, err)
		}
		r10, r20, r100, hit, mrr, ndcg := Score(ranked, qrels[q.ID])
		m.R10 += r10
		m.R20 += r20
		m.R100 += r100
		m.Hit10 += hit
		m.MRR10 += mrr
		m.NDCG10 += ndcg
		if o.Progress != nil {
			o.Progress(i+1, len(todo))
		}
	}
	n := float64(len(todo))
	m.R10, m.R20, m.R100, m.Hit10, m.MRR10, m.NDCG10 = m.R10/n, m.R20/n, m.R100/n, m.Hit10/n, m.MRR10/n, m.NDCG10/n
	l := Latencies(lat).Sort()
	m.P50, m.P95, m.P99 = MS(l.Percentile(0.5)), MS(l.Percentile(0.95)), MS(l.Percentile(0.99))
	return m, nil
}

// WriteTable prints metrics as a Markdown table row with a header.
func WriteTable(w io.Writer, label string, m *Metrics) {
	fmt.Fprintln(w, "| run | queries | R@10 | R@20 | R@100 | Hit@10 | MRR@10 | nDCG@10 | p50 ms | p95 ms |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	fmt.Fprintf(w, "| %s | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.1f | %.1f |\n",
		label, m.Queries, m.R10, m.R20, m.R100, m.Hit10, m.MRR10, m.NDCG10, m.P50, m.P95)
}
