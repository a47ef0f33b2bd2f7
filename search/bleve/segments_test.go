package bleve

import (
	"testing"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve/internal/zapseg"
)

// TestSegmentsAsZapx builds segments of the 48 test documents (whole,
// and in batches of seven) the way Write hands them to scorch, and
// checks that zapseg writes the bytes zapx's builder writes for them:
// our fields hand zapseg their terms as a slice, and zapx the same terms
// as a map.
func TestSegmentsAsZapx(t *testing.T) {
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
