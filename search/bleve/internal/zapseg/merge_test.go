package zapseg

import (
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// persisted writes each batch as a segment file in dir and opens it
// as scorch would.
func persisted(t testing.TB, dir, prefix string, batches [][]index.Document) []segment.Segment {
	t.Helper()
	var segs []segment.Segment
	for i, docs := range batches {
		sb, _, err := (&Plugin{}).New(docs)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("%s-%d.zap", prefix, i))
		if err := sb.(segment.UnpersistedSegment).Persist(path); err != nil {
			t.Fatal(err)
		}
		seg, err := (&zap.ZapPlugin{}).Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { seg.Close() })
		segs = append(segs, seg)
	}
	return segs
}

// mergeBoth merges segs with zapx and with this package (CheckMerge)
// and returns this package's merged segment, opened.
func mergeBoth(t *testing.T, dir, name string, segs []segment.Segment) segment.Segment {
	t.Helper()
	path, err := CheckMerge(segs, dir, name)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := (&zap.ZapPlugin{}).Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Close() })
	return seg
}

// TestMergeAsZapx merges segments of random documents of every field
// kind, then merges the merged segments (whose rare terms zapx has
// written as 1-hits), and checks every merge against zapx's.
func TestMergeAsZapx(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewSource(7))
	var merged []segment.Segment
	for round, sizes := range [][]int{{40, 1}, {300, 200, 700}, {30, 30, 30, 30, 30}, {1500, 20}} {
		var batches [][]index.Document
		for _, n := range sizes {
			batches = append(batches, randomDocs(r, n))
		}
		segs := persisted(t, dir, fmt.Sprintf("r%d", round), batches)
		// A one-document batch may lack fields the others have: zapx
		// then merges (checked below); otherwise this package does.
		if _, ok := newMerger(segs, make([]*roaring.Bitmap, len(segs))); !ok {
			if round == 0 {
				continue
			}
			t.Fatalf("round %d: left to zapx", round)
		}
		merged = append(merged, mergeBoth(t, dir, fmt.Sprintf("m%d", round), segs))
	}
	if len(merged) < 3 {
		t.Fatalf("%d merged segments", len(merged))
	}
	mergeBoth(t, dir, "all", merged)
}

// TestMergeLeavesToZapx checks that merges this package does not do
// (documents dropped, fields that differ) still happen, zapx's way.
func TestMergeLeavesToZapx(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewSource(8))
	segs := persisted(t, dir, "s", [][]index.Document{randomDocs(r, 50), randomDocs(r, 50)})
	drops := []*roaring.Bitmap{roaring.BitmapOf(3, 7), nil}
	if _, ok := newMerger(segs, drops); ok {
		t.Fatal("a merge that drops documents was taken")
	}
	nums, _, err := (&Plugin{}).Merge(segs, drops, filepath.Join(dir, "dropped.zap"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := (&zap.ZapPlugin{}).Open(filepath.Join(dir, "dropped.zap"))
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if seg.Count() != 98 || nums[0][3] != math.MaxUint64 {
		t.Errorf("%d documents, document 3 now %d", seg.Count(), nums[0][3])
	}
}

// BenchmarkMerge merges five segment files of 300 random documents
// with this package and with zapx.
func BenchmarkMerge(b *testing.B) {
	dir := b.TempDir()
	r := rand.New(rand.NewSource(9))
	var batches [][]index.Document
	for i := 0; i < 5; i++ {
		batches = append(batches, randomDocs(r, 300))
	}
	segs := persisted(b, dir, "in", batches)
	drops := make([]*roaring.Bitmap, len(segs))
	for _, p := range []struct {
		name  string
		merge func([]segment.Segment, []*roaring.Bitmap, string, chan struct{}, segment.StatsReporter) ([][]uint64, uint64, error)
	}{{"zapseg", (&Plugin{}).Merge}, {"zapx", (&zap.ZapPlugin{}).Merge}} {
		b.Run(p.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, _, err := p.merge(segs, drops, filepath.Join(dir, "out.zap"), nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
