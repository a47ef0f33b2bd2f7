package bleve

import (
	"fmt"
	"path/filepath"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve/internal/zapseg"
)

// TestSegmentsAsZapx builds segments of the 48 test documents (whole,
// and in batches of seven) the way Write hands them to scorch, and
// checks that zapseg writes the bytes zapx's builder writes for them:
// our fields hand zapseg their terms as a slice, and zapx the same terms
// as a map.
func TestSegmentsAsZapx(t *testing.T) {
	docs := analysedTestDocs(t)
	if err := zapseg.Check(docs); err != nil {
		t.Fatalf("%d documents: %v", len(docs), err)
	}
	for i := 0; i < len(docs); i += 7 {
		batch := docs[i:min(i+7, len(docs))]
		if err := zapseg.Check(batch); err != nil {
			t.Fatalf("documents %d–%d: %v", i, i+len(batch), err)
		}
	}
}

// TestMergesAsZapx writes the 48 test documents in segment files of
// seven, as scorch persists them, and checks that zapseg merges them
// into the file zapx's merge writes; then merges two merged files the
// same way, as scorch's tiers do.
func TestMergesAsZapx(t *testing.T) {
	docs := analysedTestDocs(t)
	dir := t.TempDir()
	open := func(path string) segment.Segment {
		seg, err := (&zap.ZapPlugin{}).Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { seg.Close() })
		return seg
	}
	var segs []segment.Segment
	for i := 0; i < len(docs); i += 7 {
		sb, _, err := (&zapseg.Plugin{}).New(docs[i:min(i+7, len(docs))])
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("batch-%d.zap", i))
		if err := sb.(segment.UnpersistedSegment).Persist(path); err != nil {
			t.Fatal(err)
		}
		segs = append(segs, open(path))
	}
	first, err := zapseg.CheckMerge(segs[:4], dir, "first")
	if err != nil {
		t.Fatalf("first four: %v", err)
	}
	rest, err := zapseg.CheckMerge(segs[4:], dir, "rest")
	if err != nil {
		t.Fatalf("the rest: %v", err)
	}
	if _, err := zapseg.CheckMerge([]segment.Segment{open(first), open(rest)}, dir, "all"); err != nil {
		t.Fatalf("merged files: %v", err)
	}
}

// analysedTestDocs returns the test documents as Write hands them to
// scorch, analysed.
func analysedTestDocs(t *testing.T) []index.Document {
	var docs []index.Document
	for _, d := range testDocs(t) {
		a, err := search.Analyze(d)
		if err != nil {
			t.Fatal(err)
		}
		b, err := buildDocument(a)
		if err != nil {
			t.Fatal(err)
		}
		b.doc.AddIDField()
		b.doc.VisitFields(func(f index.Field) { f.Analyze() })
		docs = append(docs, b.doc)
	}
	return docs
}
