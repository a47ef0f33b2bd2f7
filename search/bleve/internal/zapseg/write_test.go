package zapseg

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// recorder keeps every write it is given.
type recorder struct {
	all    bytes.Buffer
	writes []int
}

func (r *recorder) Write(b []byte) (int, error) {
	r.writes = append(r.writes, len(b))
	return r.all.Write(b)
}

// TestPieces checks that pieces hands on every byte, in order, in writes
// of at most writePiece bytes.
func TestPieces(t *testing.T) {
	data := make([]byte, 3*writePiece+12345)
	rand.New(rand.NewSource(1)).Read(data)
	var r recorder
	if n, err := (pieces{&r}).Write(data); n != len(data) || err != nil {
		t.Fatalf("wrote %d of %d bytes, %v", n, len(data), err)
	}
	if !bytes.Equal(r.all.Bytes(), data) {
		t.Fatal("the bytes written differ from the bytes given")
	}
	if len(r.writes) != 4 {
		t.Errorf("%d writes, want 4: %v", len(r.writes), r.writes)
	}
	for _, n := range r.writes {
		if n > writePiece {
			t.Errorf("a write of %d bytes, more than %d", n, writePiece)
		}
	}
}

// TestPersistAsZapx checks that a new segment written by Persist (in
// pieces) is the file zapx's own Persist writes, and opens.
func TestPersistAsZapx(t *testing.T) {
	dir := t.TempDir()
	docs := randomDocs(rand.New(rand.NewSource(5)), 400)
	s, _, err := (&Plugin{}).New(docs)
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := filepath.Join(dir, "ours.zap"), filepath.Join(dir, "zapx.zap")
	if err := s.(segment.UnpersistedSegment).Persist(ours); err != nil {
		t.Fatal(err)
	}
	if err := s.(*memSegment).SegmentBase.Persist(theirs); err != nil {
		t.Fatal(err)
	}
	a, err := os.ReadFile(ours)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(theirs)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) <= writePiece {
		t.Fatalf("the segment is %d bytes: too small to be written in pieces", len(a))
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("Persist wrote %d bytes, not zapx's %d", len(a), len(b))
	}
	seg, err := (&zap.ZapPlugin{}).Open(ours)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if seg.Count() != uint64(len(docs)) {
		t.Errorf("%d documents, want %d", seg.Count(), len(docs))
	}
}

// TestMergeInMemory merges segments still in memory, as scorch's
// persister does when several wait: zapx's merge must be handed its own
// type, or it panics.
func TestMergeInMemory(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewSource(6))
	var segs []segment.Segment
	for _, n := range []int{30, 40} {
		s, _, err := (&Plugin{}).New(randomDocs(r, n))
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, s)
	}
	path := filepath.Join(dir, "merged.zap")
	if _, _, err := (&Plugin{}).Merge(segs, []*roaring.Bitmap{nil, nil}, path, nil, nil); err != nil {
		t.Fatal(err)
	}
	seg, err := (&zap.ZapPlugin{}).Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if seg.Count() != 70 {
		t.Errorf("%d documents, want 70", seg.Count())
	}
}
