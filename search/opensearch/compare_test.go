package opensearch

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
	"github.com/gongkai/gongkai/search/searchtest"
)

// compareQueries cover every kind of query node and request option.
var compareQueries = []search.Request{
	{Query: "放管服"},
	{Query: "营商环境", Size: 20},
	{Query: `"双随机、一公开"`},
	{Query: `"2022年"`},
	{Query: "国发〔2019〕5号"},
	{Query: "人民政府", Size: 50},
	{Query: "人民政府", Page: 3, Size: 5},
	{Query: "人民政府", Sort: search.SortDate, Size: 50},
	{Query: "人民政府", Sort: search.SortDateAsc, Size: 50},
	{Query: "政府工作报告"},
	{Query: "新质生产力 类型:打算"},
	{Query: "营商环境 -上海"},
	{Query: "养犬 OR 控制吸烟"},
	{Query: "year:2019", Size: 50},
	{Query: "agency:重庆市"},
	{Query: "机关:国务院 文种:通知"},
	{Query: "文号:国发〔2019〕"},
	{Query: "法"},
	{Query: "公司不给加班费怎么办"},
	{Query: "居民身份证 有效期"},
	{Query: "title:条例 重庆"},
	{Query: `"九龙"`},
	{Query: "from:2019-01-01 to:2019-12-31", Sort: search.SortDate, Size: 50},
	{Query: "营商环境", Mode: search.ModePassages},
	{Query: "中华人民共和国居民身份证法"},
	{Query: "数字政府建设考评"},
}

// The OpenSearch engine answers the test corpus's queries as bleve does:
// the same totals and facets, the same documents (in the same order when
// sorted by date), and the same sections and snippets for each document.
// The order by relevance is compared at the engine level (TestBM25AgreesWithBleve):
// bleve scales its disjunctions (search.Any, a Bool's Should nodes) by the
// share of nodes that matched, which the engine contract does not ask for.
func TestAgreesWithBleve(t *testing.T) {
	osIdx, blIdx := indexBoth(t)
	ctx := context.Background()
	for _, req := range compareQueries {
		want, err := search.Run(ctx, blIdx, req)
		if err != nil {
			t.Fatalf("bleve %q: %v", req.Query, err)
		}
		got, err := search.Run(ctx, osIdx, req)
		if err != nil {
			t.Errorf("opensearch %q: %v", req.Query, err)
			continue
		}
		name := strings.TrimSpace(req.Query + " " + req.Sort + " " + req.Mode)
		if got.Total != want.Total {
			t.Errorf("%s: total %d, bleve %d", name, got.Total, want.Total)
		}
		if !reflect.DeepEqual(got.Facets, want.Facets) {
			t.Errorf("%s: facets\n%+v\nbleve\n%+v", name, got.Facets, want.Facets)
		}
		if got.Relaxed != want.Relaxed {
			t.Errorf("%s: relaxed %v, bleve %v", name, got.Relaxed, want.Relaxed)
		}
		if len(got.Hits) != len(want.Hits) {
			t.Errorf("%s: %d hits, bleve %d", name, len(got.Hits), len(want.Hits))
			continue
		}
		gotHits := map[string]search.Hit{}
		for _, h := range got.Hits {
			gotHits[hitKey(h)] = h
		}
		whole := got.Total <= len(got.Hits) && req.Mode != search.ModePassages
		for i, w := range want.Hits {
			g, ok := gotHits[hitKey(w)]
			if !ok {
				if whole {
					t.Errorf("%s: bleve's hit %s is missing", name, w.ID)
				}
				continue
			}
			if !reflect.DeepEqual(g.Sections, w.Sections) {
				t.Errorf("%s: %s sections differ:\n%+v\nbleve\n%+v", name, w.ID, g.Sections, w.Sections)
			}
			if req.Sort != "" && req.Sort != search.SortRelevance && got.Hits[i].Date != w.Date {
				t.Errorf("%s: hit %d dated %s, bleve's %s", name, i+1, got.Hits[i].Date, w.Date)
			}
		}
	}
}

// indexBoth indexes the test subset into a fresh OpenSearch index and a
// bleve index.
func indexBoth(t *testing.T) (osIdx, blIdx *search.Core) {
	t.Helper()
	ctx := context.Background()
	osIdx = search.NewCore(openEngine(t, testOptions(t)), search.Options{})
	blIdx, err := bleve.Open(filepath.Join(t.TempDir(), "bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blIdx.Close() })
	corpus := filepath.Join(searchtest.Corpus(), "tests.jsonl")
	for _, idx := range []search.Index{osIdx, blIdx} {
		if sum, err := indexer.Run(ctx, idx, []string{corpus}, indexer.Options{}); err != nil || sum.Failed > 0 {
			t.Fatalf("index: %v %+v", err, sum)
		}
	}
	return osIdx, blIdx
}

func hitKey(h search.Hit) string {
	if len(h.Sections) == 1 {
		return h.ID + "#" + h.Sections[0].ID
	}
	return h.ID
}

// scoreTolerance is how far (relative) a score may be from bleve's:
// Lucene keeps a field's length in one byte (about 1/16 relative
// precision above 40 tokens) and counts, for the idf, the documents that
// have the field rather than all.
const scoreTolerance = 0.05

// engineQueries are engine requests whose scores bleve computes without
// coordination: term sums, phrases, conjunctions, must-only booleans.
var engineQueries = []*search.EngineRequest{
	{Query: &search.Bool{Must: []search.Node{&search.Terms{Terms: []search.WeightedTerm{
		{Field: search.FieldBody, Term: "营商", Weight: 1}, {Field: search.FieldBody, Term: "环境", Weight: 1},
		{Field: search.FieldBodyGrams, Term: "营商", Weight: 0.6}, {Field: search.FieldTitle, Term: "条例", Weight: 2}}}}}},
	{Query: &search.Bool{Must: []search.Node{&search.Phrase{Field: search.FieldBodyGrams, Slots: []string{"人民", "民政", "政府"}, Weight: 1}}}},
	{Query: &search.Bool{Must: []search.Node{&search.Phrase{Field: search.FieldTitleGrams, Slots: []string{"人民", "民政", "政府"}, Weight: 3}}}},
	{Query: &search.Bool{Must: []search.Node{&search.Phrase{Field: search.FieldBodyGrams, Slots: []string{"2022", "年"}, Weight: 1}}}},
	{Query: &search.Bool{Must: []search.Node{
		&search.Phrase{Field: search.FieldBodyGrams, Slots: []string{"法治", "治政", "政府"}, Weight: 1},
		&search.Phrase{Field: search.FieldBodyGrams, Slots: []string{"建设"}, Weight: 2}}}},
	{Query: &search.Bool{Must: []search.Node{&search.All{Nodes: []search.Node{
		&search.Terms{Terms: []search.WeightedTerm{{Field: search.FieldBody, Term: "工资", Weight: 1}}},
		&search.Terms{Terms: []search.WeightedTerm{{Field: search.FieldBody, Term: "劳动", Weight: 0.5}}}}}}}},
	{Query: &search.Bool{Must: []search.Node{&search.Terms{Terms: []search.WeightedTerm{{Field: search.FieldBody, Term: "发展", Weight: 1}}}},
		Not: []search.Node{&search.Phrase{Field: search.FieldBodyGrams, Slots: []string{"上海"}, Weight: 1}}},
		Filter: []search.Node{&search.Keyword{Field: search.FieldDocType, Values: []string{"通知", "条例"}}}},
	{Query: &search.Bool{Must: []search.Node{&search.Terms{Terms: []search.WeightedTerm{{Field: search.FieldTitleKey, Term: "中华人民共和国居民身份证法", Weight: 20}}}}}},
}

// The engines' BM25 agree: the same documents, scores within
// scoreTolerance of bleve's, and the same order wherever bleve's scores
// are further apart than that.
func TestBM25AgreesWithBleve(t *testing.T) {
	osIdx, blIdx := indexBoth(t)
	ctx := context.Background()
	for qi, req := range engineQueries {
		req.Size = 100
		want, err := blIdx.Engine().Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := osIdx.Engine().Search(ctx, req)
		if err != nil {
			t.Fatalf("query %d: %v", qi, err)
		}
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) || want.Total == 0 {
			t.Errorf("query %d: %d hits of %d, bleve %d of %d", qi, len(got.Hits), got.Total, len(want.Hits), want.Total)
			continue
		}
		score := map[string]float64{}
		for _, h := range got.Hits {
			score[h.ID] = h.Score
		}
		for _, w := range want.Hits {
			g, ok := score[w.ID]
			if !ok {
				t.Errorf("query %d: bleve's hit %s missing", qi, w.ID)
			} else if math.Abs(g-w.Score) > scoreTolerance*w.Score {
				t.Errorf("query %d: %s scores %.4f, bleve %.4f", qi, w.ID, g, w.Score)
			}
		}
		for i := range got.Hits {
			for j := i + 1; j < len(want.Hits); j++ {
				a, b := want.Hits[i], want.Hits[j]
				if a.Score > b.Score*(1+2*scoreTolerance) && score[a.ID] < score[b.ID] {
					t.Errorf("query %d: %s (bleve %.4f) ranks below %s (bleve %.4f)", qi, a.ID, a.Score, b.ID, b.Score)
				}
			}
		}
	}
}
