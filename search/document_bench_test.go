package search_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/searchtest"
)

// BenchmarkDecodeDocument decodes the stored form of the test subset's
// documents (48, 1.4 MB), as an engine does when a document enters its
// cache: paragraphs, section lengths and the paragraphs' filters.
func BenchmarkDecodeDocument(b *testing.B) {
	f, err := os.Open(filepath.Join(searchtest.Corpus(), "tests.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var stored [][]byte
	size := 0
	err = indexer.ReadJSONL(f, func(d *search.Document, _ int, _ int64, err error) error {
		if d != nil {
			bin, err := d.MarshalBinary()
			if err != nil {
				return err
			}
			stored = append(stored, bin)
			size += len(d.Body())
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, bin := range stored {
			var d search.Document
			if err := d.UnmarshalBinary(bin); err != nil {
				b.Fatal(err)
			}
		}
	}
}
