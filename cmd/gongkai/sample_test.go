package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

// The bundled sample is indexed into an empty index, finished at the next
// start when a first start was stopped part way, and never added to an
// index of other documents.
func TestSampleOnStart(t *testing.T) {
	ctx := context.Background()
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	check := func(what string, wantNeed, wantResume bool) {
		t.Helper()
		need, resume, err := sampleNeeded(ctx, idx)
		if err != nil || need != wantNeed || resume != wantResume {
			t.Errorf("%s: need %v resume %v (%v), want %v %v", what, need, resume, err, wantNeed, wantResume)
		}
	}
	check("empty index", true, false)
	if _, err := indexer.Run(ctx, idx, []string{"sample"}, indexer.Options{FS: sample}); err != nil {
		t.Fatal(err)
	}
	full, _ := idx.Count()
	check("whole sample", false, false)
	// A first start stopped part way: some of the sample is missing.
	if err := idx.Delete(ctx, "gwrn-2025", "gwrn-2024"); err != nil {
		t.Fatal(err)
	}
	check("part of the sample", true, true)
	if _, err := indexer.Run(ctx, idx, []string{"sample"}, indexer.Options{FS: sample}); err != nil {
		t.Fatal(err)
	}
	if n, _ := idx.Count(); n != full {
		t.Errorf("after finishing: %d documents, want %d", n, full)
	}
	// Someone's own documents beside part of the sample: left alone.
	doc, err := indexer.FromRecord(&indexer.Record{ID: "own", Title: ptr("本单位文件"), Body: ptr("本单位自己的文件。")})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Put(ctx, []*search.Document{doc}); err != nil {
		t.Fatal(err)
	}
	if err := idx.Delete(ctx, "gwrn-2025"); err != nil {
		t.Fatal(err)
	}
	check("own documents", false, false)
}

func ptr(s string) *string { return &s }
