package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/searchtest"
)

func ptr(s string) *string { return &s }

func openTemp(t *testing.T) search.Index {
	t.Helper()
	idx, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

// TestConformance runs the suite every engine must pass.
func TestConformance(t *testing.T) { searchtest.Run(t, openTemp) }

// testDocs reads the test subset.
func testDocs(tb testing.TB) []*search.Document {
	f, err := os.Open(filepath.Join(searchtest.Corpus(), "tests.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var docs []*search.Document
	err = indexer.ReadJSONL(f, func(d *search.Document, _ int, _ int64, err error) error {
		if d != nil {
			docs = append(docs, d)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

// testIndex is a fresh index holding the test subset, closed when the
// test ends.
func testIndex(tb testing.TB) *Index {
	tb.Helper()
	idx, err := Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { idx.Close() })
	if err := idx.Put(context.Background(), testDocs(tb)); err != nil {
		tb.Fatal(err)
	}
	return idx
}

// bm25Query scores by textbook BM25 with the true field lengths.
func TestBM25Query(t *testing.T) {
	ctx := context.Background()
	idx, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	var docs []*search.Document
	for i, body := range []string{"工资 工资 工资 报酬", "工资 报酬 报酬 报酬 报酬 报酬 报酬 报酬", "婚姻 家庭", "工资"} {
		d, _ := indexer.FromRecord(&indexer.Record{ID: fmt.Sprintf("d%d", i), Title: ptr("t"), Body: ptr(body)})
		docs = append(docs, d)
	}
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	eng := idx.Engine().(*Engine)
	q := eng.newBM25Query([]search.WeightedTerm{{Field: search.FieldBody, Term: "工资", Weight: 1}, {Field: search.FieldBody, Term: "报酬", Weight: 0.5}})
	sr := blevelib.NewSearchRequestOptions(q, 10, 0, false)
	res, err := eng.idx.SearchInContext(ctx, sr)
	if err != nil {
		t.Fatal(err)
	}
	// Word-field lengths: 4, 8, 2, 1 tokens; N = 4.
	lens := map[string]float64{"d0": 4, "d1": 8, "d2": 2, "d3": 1}
	avg := (4 + 8 + 2 + 1) / 4.0
	bm := func(tf, df, length float64) float64 {
		if tf == 0 {
			return 0
		}
		idf := math.Log(1 + (4-df+0.5)/(df+0.5))
		return idf * tf * (DefaultK1 + 1) / (tf + DefaultK1*(1-DefaultB+DefaultB*length/avg))
	}
	tf := map[string][2]float64{"d0": {3, 1}, "d1": {1, 7}, "d3": {1, 0}}
	if len(res.Hits) != 3 {
		t.Fatalf("hits %v", res.Hits)
	}
	for _, h := range res.Hits {
		want := bm(tf[h.ID][0], 3, lens[h.ID]) + 0.5*bm(tf[h.ID][1], 2, lens[h.ID])
		if math.Abs(h.Score-want) > 1e-6 {
			t.Errorf("%s: score %v, want %v", h.ID, h.Score, want)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	idx := testIndex(b)
	for _, q := range []string{"放管服", "营商环境 法治", `"双随机、一公开"`, "公司不给加班费怎么办", "国发〔2019〕5号", "法"} {
		b.Run(q, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := search.Run(context.Background(), idx, search.Request{Query: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPut indexes the test subset (48 documents, 1.4 MB) into a
// fresh index per iteration: analysis, bleve segment building and the
// BM25 statistics.
func BenchmarkPut(b *testing.B) {
	docs := testDocs(b)
	size := 0
	for _, d := range docs {
		size += len(d.Body())
	}
	b.SetBytes(int64(size))
	for i := 0; i < b.N; i++ {
		idx, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		if err := idx.Put(context.Background(), docs); err != nil {
			b.Fatal(err)
		}
		idx.Close()
	}
}

// largeDoc joins the bodies of the test subset, repeated, into one
// document of about size bytes.
func largeDoc(tb testing.TB, size int) *search.Document {
	var body strings.Builder
	for body.Len() < size {
		for _, d := range testDocs(tb) {
			body.WriteString(d.Body())
			body.WriteString("\n")
			if body.Len() >= size {
				break
			}
		}
	}
	d, err := indexer.FromRecord(&indexer.Record{ID: "large", Title: ptr("大文档"), Body: ptr(body.String())})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// BenchmarkPutLarge writes one 5 MB document into a fresh index (issue
// 9: at most 2 s and 300 MB more memory).
func BenchmarkPutLarge(b *testing.B) {
	doc := largeDoc(b, 5<<20)
	b.SetBytes(int64(len(doc.Body())))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		idx, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		if err := idx.Put(context.Background(), []*search.Document{doc}); err != nil {
			b.Fatal(err)
		}
		idx.Close()
	}
}

// With many terms bm25Searcher sums scores term at a time, straight from
// the segments' postings; it finds the same documents with the same
// scores as its document-at-a-time merge over bleve's term readers (which
// it keeps when positions are asked for), also when a conjunction makes
// it skip ahead, over several segments, and with documents deleted and
// replaced since they were written.
func TestBM25TermAtATime(t *testing.T) {
	ctx := context.Background()
	idx, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	docs := testDocs(t)
	for i := 0; i < len(docs); i += 7 {
		if err := idx.Put(ctx, docs[i:min(i+7, len(docs))]); err != nil {
			t.Fatal(err)
		}
	}
	deleted := []string{docs[3].ID, docs[20].ID}
	if err := idx.Delete(ctx, deleted...); err != nil {
		t.Fatal(err)
	}
	replaced, err := indexer.FromRecord(&indexer.Record{ID: docs[10].ID, Title: ptr("政府工作报告"), Body: ptr("政府 工作 报告：发展经济，改革服务，管理法治建设。")})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Put(ctx, []*search.Document{replaced}); err != nil {
		t.Fatal(err)
	}
	eng := idx.Engine().(*Engine)
	if r, err := eng.reader(); err != nil {
		t.Fatal(err)
	} else {
		if n := len(r.(*scorch.IndexSnapshot).Segments()); n < 3 {
			t.Errorf("the index has %d segments; the test wants several", n)
		}
		r.Close()
	}
	var terms []search.WeightedTerm
	for _, w := range []string{"政府", "工作", "报告", "发展", "经济", "改革", "服务", "管理", "法治", "建设"} {
		terms = append(terms, search.WeightedTerm{Field: search.FieldBody, Term: w, Weight: 1}, search.WeightedTerm{Field: search.FieldTitle, Term: w, Weight: 0.5})
	}
	// Both ways of reading postings are in play: straight from the
	// segment files without deletions, through zapx for the others.
	if r, err := eng.reader(); err != nil {
		t.Fatal(err)
	} else {
		s := &bm25Searcher{q: eng.newBM25Query(terms), score: true}
		if ok, err := s.openLists(r.(*scorch.IndexSnapshot)); !ok || err != nil {
			t.Fatalf("term at a time not taken: %v, %v", ok, err)
		}
		direct, zapx := 0, 0
		for _, tl := range s.lists {
			for _, p := range tl.direct {
				if p.Count() > 0 {
					direct++
				}
			}
			for _, pl := range tl.lists {
				if pl != nil {
					zapx++
				}
			}
		}
		if direct == 0 || zapx == 0 {
			t.Errorf("postings read straight from %d segments' files, through zapx from %d: the test wants both", direct, zapx)
		}
		r.Close()
	}
	filter := query.NewTermQuery("2022")
	filter.SetField(search.FieldYear)
	for _, q := range []query.Query{eng.newBM25Query(terms), query.NewConjunctionQuery([]query.Query{eng.newBM25Query(terms), filter})} {
		run := func(positions bool) map[string]float64 {
			sr := blevelib.NewSearchRequestOptions(q, 10000, 0, false)
			sr.IncludeLocations = positions
			res, err := eng.idx.SearchInContext(ctx, sr)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]float64{}
			for _, h := range res.Hits {
				out[h.ID] = h.Score
			}
			return out
		}
		summed, merged := run(false), run(true)
		if len(summed) == 0 || len(summed) != len(merged) {
			t.Fatalf("term at a time finds %d documents, the merge %d", len(summed), len(merged))
		}
		for id, s := range merged {
			if math.Abs(summed[id]-s) > 1e-9 {
				t.Fatalf("%s: score %v term at a time, %v merged", id, summed[id], s)
			}
		}
		for _, id := range deleted {
			if _, ok := summed[id]; ok {
				t.Errorf("deleted document %s found term at a time", id)
			}
		}
	}
	// The replaced document counts once: its first version is deleted.
	sr := blevelib.NewSearchRequestOptions(eng.newBM25Query(terms), 10000, 0, false)
	res, err := eng.idx.SearchInContext(ctx, sr)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, h := range res.Hits {
		if h.ID == replaced.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("replaced document %s found %d times term at a time, want once", replaced.ID, n)
	}
}

// A search shows the same sections, snippets and highlights the first
// time its documents are read (their paragraphs analysed) and the next
// time (their units kept from the first).
func TestSearchSameWithKnownUnits(t *testing.T) {
	ctx := context.Background()
	idx := testIndex(t)
	queries := []string{"营商环境", "\"人民政府\"", "政府 工作 报告", "公司拖欠工资怎么办", "法治政府建设", "高质量发展 -疫情"}
	run := func() []string {
		var out []string
		for _, q := range queries {
			for _, mode := range []string{search.ModeDocuments, search.ModePassages} {
				res, err := search.Run(ctx, idx, search.Request{Query: q, Page: 1, Size: 10, Mode: mode})
				if err != nil {
					t.Fatal(err)
				}
				res.TookMS = 0
				b, err := json.Marshal(res)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, string(b))
			}
		}
		return out
	}
	first, again := run(), run()
	sections := 0
	for i := range first {
		if first[i] != again[i] {
			t.Errorf("query %q (%d): the second answer differs from the first", queries[i/2], i%2)
		}
		sections += strings.Count(first[i], `"snippet"`)
	}
	if sections == 0 {
		t.Fatal("no sections shown: nothing was located")
	}
}

// A query that found nothing as typed and is run again as a question
// ranks as the same question typed by the user would: the question's
// phrases as typed, which the relaxed run leaves out, would find nothing.
func TestRelaxedRanksAsQuestion(t *testing.T) {
	ctx := context.Background()
	idx := testIndex(t)
	relaxed := 0
	for _, text := range []string{"2024年政府工作报告", "政府信息公开工作年度报告统计数据", "营商环境 量子计算", "乡村振兴产业 发展规划纲要"} {
		req := search.Request{Query: text}
		res, err := search.Run(ctx, idx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Relaxed {
			continue
		}
		relaxed++
		q, err := search.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		q.Question, q.QuestionText = true, q.PlainText()
		if err := req.Normalize(); err != nil {
			t.Fatal(err)
		}
		asked, err := idx.Search(ctx, q, &req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != asked.Total || len(res.Hits) != len(asked.Hits) {
			t.Fatalf("%s: %d matches, %d hits relaxed; %d, %d as a question", text, res.Total, len(res.Hits), asked.Total, len(asked.Hits))
		}
		for i := range res.Hits {
			if res.Hits[i].ID != asked.Hits[i].ID || res.Hits[i].Score != asked.Hits[i].Score {
				t.Errorf("%s: hit %d is %s (%v) relaxed, %s (%v) as a question", text, i, res.Hits[i].ID, res.Hits[i].Score, asked.Hits[i].ID, asked.Hits[i].Score)
			}
		}
	}
	if relaxed < 2 {
		t.Fatalf("only %d of the queries were relaxed", relaxed)
	}
}

// Bulk writes return before they reach the disk; Close puts them all
// there, merged into one segment, and a later open finds every document.
func TestBulkWritesReachDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	docs := testDocs(t)
	idx, err := OpenWith(ctx, dir, Options{Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(docs); i += 8 { // several writes, several segments
		if err := idx.Put(ctx, docs[i:min(i+8, len(docs))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := idx.Count()
	if err != nil || n != uint64(len(docs)) {
		t.Fatalf("reopened index holds %d documents (%v), want %d", n, err, len(docs))
	}
	zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if len(zaps) != 1 {
		t.Errorf("%d segment files after a bulk build, want 1: %v", len(zaps), zaps)
	}
	res, err := search.Run(ctx, idx, search.Request{Query: docs[0].Title})
	if err != nil || res.Total == 0 || res.Hits[0].ID != docs[0].ID {
		t.Fatalf("the first document's title finds %+v (%v)", res, err)
	}
}
