package findability

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search/bleve"
)

// The guarantee on the test corpus (the bundled documents): 1,000 sampled
// runs unique to one document, each found first.
func TestFindabilityOnTestCorpus(t *testing.T) {
	ctx := context.Background()
	paths := []string{"../../testdata/corpus/tests.jsonl"}
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if _, err := indexer.Run(ctx, idx, paths, indexer.Options{}); err != nil {
		t.Fatal(err)
	}
	docs, _, err := indexer.ReadAll(ctx, paths, indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Check(ctx, idx, docs, 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	if rep.Found != rep.Samples {
		t.Errorf("%s; misses: %+v", rep, rep.Misses[:min(len(rep.Misses), 10)])
	}
	if rep.Exact != rep.Samples {
		t.Errorf("%d of %d unique runs matched more than their document", rep.Samples-rep.Exact, rep.Samples)
	}

	// Titles and document numbers typed plainly find their document first.
	lr, err := CheckLookups(ctx, idx, docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(lr)
	if lr.TitlesFirst != lr.Titles || lr.DocNumsFirst != lr.DocNums || lr.DocNums == 0 {
		t.Errorf("%s; misses: %+v", lr, lr.Misses)
	}
}
