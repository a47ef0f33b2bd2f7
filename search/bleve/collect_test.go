package bleve

import (
	"context"
	"reflect"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/gongkai/gongkai/search"
)

// bleveSearch answers an engine request with bleve's own collector, as
// Search did before collect: the oracle collect must agree with.
func (e *Engine) bleveSearch(ctx context.Context, req *search.EngineRequest) (*search.EngineResult, error) {
	q, err := e.boolean(req.Query, req.Filter)
	if err != nil {
		return nil, err
	}
	sr := blevelib.NewSearchRequestOptions(q, req.Size, req.From, false)
	if req.Size == 0 {
		sr.Score = "none"
	}
	for _, f := range req.Facets {
		size := req.FacetSize
		if f == search.FieldRole {
			size = len(search.Roles)
		}
		sr.AddFacet(f, blevelib.NewFacetRequest(f, size))
	}
	switch req.Sort {
	case search.SortDate:
		sr.SortBy([]string{"-" + search.FieldDate, "-_score", "_id"})
	case search.SortDateAsc:
		sr.SortBy([]string{search.FieldDate, "-_score", "_id"})
	}
	if sr.Score != "none" {
		sr.PreSearchData = map[string]interface{}{bsearch.BM25PreSearchDataKey: e.bm25Stats()}
	}
	res, err := e.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	out := &search.EngineResult{Total: int(res.Total), MaxScore: res.MaxScore, Hits: make([]search.Ranked, len(res.Hits))}
	for i, h := range res.Hits {
		out.Hits[i] = search.Ranked{ID: h.ID, Score: h.Score}
	}
	if len(req.Facets) > 0 {
		out.Facets = map[string][]search.FacetValue{}
		for name, fr := range res.Facets {
			vals := []search.FacetValue{}
			if fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					vals = append(vals, search.FacetValue{Value: t.Term, Count: t.Count})
				}
			}
			out.Facets[name] = vals
		}
	}
	return out, nil
}

// checkedEngine answers through collect and checks every answer against
// bleve's collector.
type checkedEngine struct {
	*Engine
	t *testing.T
	n *int
}

func (c checkedEngine) Search(ctx context.Context, req *search.EngineRequest) (*search.EngineResult, error) {
	got, err := c.Engine.Search(ctx, req)
	want, err2 := c.Engine.bleveSearch(ctx, req)
	if (err == nil) != (err2 == nil) {
		c.t.Fatalf("collect: %v, bleve: %v", err, err2)
	}
	if err != nil {
		return got, err
	}
	*c.n++
	if !reflect.DeepEqual(got, want) {
		c.t.Errorf("request %+v (sort %q, from %d, size %d):\ncollect %+v\nbleve   %+v", req.Query, req.Sort, req.From, req.Size, got, want)
	}
	return got, nil
}

// collect ranks, counts and facets exactly as bleve's collector: the same
// hits in the same order with the same scores, totals and facets, for
// every sort, page and mode, with filters and exclusions.
func TestCollectMatchesBleve(t *testing.T) {
	ctx := context.Background()
	eng, err := OpenEngine(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	n := 0
	core := search.NewCore(checkedEngine{eng, t, &n}, search.Options{})
	if err := core.Put(ctx, testDocs(t)); err != nil {
		t.Fatal(err)
	}
	queries := []string{"放管服", "营商环境 法治", `"双随机、一公开"`, "公司不给加班费怎么办", "国发〔2019〕5号",
		"法", "营商环境 -上海", "放管服 OR 简政放权", "条例 type:条例", "法治 from:2020-01-01 to:2023-12-31",
		"title:条例", "政府 year:2022", "报告"}
	for _, q := range queries {
		for _, sort := range []string{search.SortRelevance, search.SortDate, search.SortDateAsc} {
			for _, page := range []int{1, 2} {
				for _, mode := range []string{search.ModeDocuments, search.ModePassages} {
					if _, err := search.Run(ctx, core, search.Request{Query: q, Sort: sort, Page: page, Mode: mode}); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
			}
		}
	}
	if n < len(queries)*12 {
		t.Fatalf("only %d engine searches compared", n)
	}
}
