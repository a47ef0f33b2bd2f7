package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
	"github.com/gongkai/gongkai/web"
)

// Every example on the home page gives good results on the bundled
// sample, the corpus a fresh clone serves: hits, each with the passage
// that made it a hit, and for each example the document a user expects.
func TestHomeExamplesOnTheSample(t *testing.T) {
	ctx := context.Background()
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if _, err := indexer.Run(ctx, idx, []string{"sample"}, indexer.Options{FS: sample}); err != nil {
		t.Fatal(err)
	}
	// What the first hit must be like, per example.
	first := map[string]func(h search.Hit) bool{
		"放管服":       func(h search.Hit) bool { return strings.Contains(h.Sections[0].Snippet, "<mark>放管服</mark>") },
		`"双随机、一公开"`: func(h search.Hit) bool { return strings.Contains(h.Title, "双随机、一公开") },
		"营商环境 year:2024": func(h search.Hit) bool {
			return strings.HasPrefix(h.Date, "2024") && strings.Contains(h.Title, "营商环境")
		},
		"国发〔2019〕5号":    func(h search.Hit) bool { return h.DocNumber == "国发〔2019〕5号" },
		"公司拖欠工资怎么办":     func(h search.Hit) bool { return strings.ContainsAny(h.Title, "加班劳动工资") },
		"新质生产力 机关:人民政府": func(h search.Hit) bool { return strings.Contains(h.Agency, "人民政府") },
		"河长制 -重庆": func(h search.Hit) bool {
			return strings.Contains(h.Sections[0].Snippet, "<mark>河长制") && !strings.Contains(h.Title+h.Agency, "重庆")
		},
	}
	for _, q := range web.Examples() {
		res, err := search.Run(ctx, idx, search.Request{Query: q})
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		if len(res.Hits) == 0 || res.Partial {
			t.Errorf("%s: %d hits (partial %v)", q, len(res.Hits), res.Partial)
			continue
		}
		for i, h := range res.Hits {
			if len(h.Sections) == 0 || !strings.Contains(h.Sections[0].Snippet, "<mark>") {
				t.Errorf("%s: hit %d (%s) shows no passage that made it a hit", q, i+1, h.Title)
			}
		}
		check, ok := first[q]
		if !ok {
			t.Errorf("%s: no expectation for this example; add one", q)
			continue
		}
		if h := res.Hits[0]; len(h.Sections) > 0 && !check(h) {
			t.Errorf("%s: first hit %s (%s) is not what a user expects: %s", q, h.Title, h.Agency, h.Sections[0].Snippet)
		}
	}
}
