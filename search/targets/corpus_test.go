package targets

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

var corpusIndex = flag.String("index", "", "index of the work reports for TestCorpusReport (built with gongkai index from the corpus's gwr_*.jsonl)")

// TestCorpusReport is an evaluation, not a check: on an index of every
// work report of the corpus it counts, per government, the targets read,
// the results found and the statuses, and prints 20 targets drawn at
// random (seed 2026) outside the labelled reports, with their sentences,
// for reading. Without -index there is nothing to evaluate.
func TestCorpusReport(t *testing.T) {
	if *corpusIndex == "" {
		t.Skip("evaluation: pass -index DIR (an index of the corpus's gwr_*.jsonl)")
	}
	idx, err := bleve.Open(*corpusIndex)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	ctx := context.Background()
	tr, err := New(idx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Every government with a work report.
	res, err := idx.Search(ctx, &search.Query{Filters: search.Filters{DocType: []string{"政府工作报告"}}},
		&search.Request{Page: 1, Size: search.MaxSize, Sort: search.SortDate, Mode: search.ModeDocuments})
	if err != nil {
		t.Fatal(err)
	}
	agencies := map[string]bool{}
	for page := 1; ; page++ {
		for _, h := range res.Hits {
			if h.Agency != "" {
				agencies[h.Agency] = true
			}
		}
		if page*search.MaxSize >= res.Total {
			break
		}
		res, err = idx.Search(ctx, &search.Query{Filters: search.Filters{DocType: []string{"政府工作报告"}}},
			&search.Request{Page: page + 1, Size: search.MaxSize, Sort: search.SortDate, Mode: search.ModeDocuments})
		if err != nil {
			t.Fatal(err)
		}
	}
	names := make([]string, 0, len(agencies))
	for a := range agencies {
		names = append(names, a)
	}
	sort.Strings(names)

	labelled := map[string]bool{}
	for _, l := range readLabels(t) {
		labelled[l.doc] = true
	}
	var pool []Target
	var total, withActual int
	all := map[string]int{}
	t.Logf("%-16s %5s %7s %7s %5s %6s %6s %8s", "government", "years", "targets", "results", "达成", "未达成", "无法比较", "compared")
	for _, a := range names {
		r, err := tr.Report(ctx, a, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tg := range r.Targets {
			if tg.Actual != nil {
				n++
			}
			if !labelled[tg.Source.DocID] {
				pool = append(pool, tg)
			}
		}
		total += len(r.Targets)
		withActual += n
		for s, c := range r.Counts {
			all[s] += c
		}
		t.Logf("%-16s %5d %7d %7d %5d %6d %6d %8d", strings.TrimSuffix(a, "人民政府"), len(r.Years), len(r.Targets), n,
			r.Counts[Met], r.Counts[Missed], r.Counts[NotCompared], r.Counts[Met]+r.Counts[Missed])
	}
	t.Logf("all %d governments: %d targets, %d with a result; 达成 %d, 未达成 %d, 无法比较 %d",
		len(names), total, withActual, all[Met], all[Missed], all[NotCompared])

	sort.Slice(pool, func(i, j int) bool { return pool[i].ID < pool[j].ID })
	rng := rand.New(rand.NewPCG(2026, 0))
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	// 20 targets, then 20 more among those with a result.
	sample := pool[:min(20, len(pool))]
	var withResult []Target
	for _, tg := range pool[len(sample):] {
		if tg.Actual != nil && len(withResult) < 20 {
			withResult = append(withResult, tg)
		}
	}
	for i, tg := range append(sample, withResult...) {
		line := fmt.Sprintf("%2d. %s %d %s %s %s%s | %s", i+1, tg.Agency, tg.Year, tg.Indicator, tg.Comparison,
			formatNumber(tg.Value), tg.Unit, tg.Source.Sentence)
		if tg.Actual != nil {
			line += fmt.Sprintf("\n      → %s ¶%d %s%s | %s", tg.Actual.Source.DocID, tg.Actual.Source.Paragraph,
				formatNumber(tg.Actual.Value), tg.Actual.Unit, tg.Actual.Source.Sentence)
		}
		line += "\n      = " + tg.Status + "（" + tg.Reason + "）"
		t.Log(line)
	}
}
