package bleve

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gongkai/gongkai/search"
)

// A document read before a write removed it from the cache is not put
// back: searches would show the old version (or a deleted document)
// until it fell out of the cache.
func TestDocCacheKeepsNoStaleVersion(t *testing.T) {
	c := newDocCache(1 << 20)
	old := &search.Document{ID: "a", Title: "旧版本"}
	gen := c.generation() // a reader starts reading "a"
	c.remove("a")         // a write of "a" commits meanwhile
	c.put("a", old, gen)  // the reader is done
	if d := c.get("a"); d != nil {
		t.Errorf("the version read before the write is cached: %q", d.Title)
	}
	c.put("a", old, c.generation())
	if d := c.get("a"); d == nil {
		t.Error("a document read after the last write is not cached")
	}
}

// A rebuild removes an index that cannot be opened any more (a damaged
// file is what a rebuild is for).
func TestRemoveDamagedIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Remove(context.Background(), dir); err != nil {
		t.Fatalf("remove a damaged index: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the damaged index is still there: %v", err)
	}
}
