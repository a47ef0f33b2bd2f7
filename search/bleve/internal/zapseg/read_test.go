package zapseg

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// TestPostingsAsZapx reads every term of every field of segment files,
// new and merged (whose rare terms are 1-hits), and checks that Terms
// gives the documents, frequencies and norms zapx's iterator gives.
func TestPostingsAsZapx(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewSource(9))
	segs := persisted(t, dir, "s", [][]index.Document{randomDocs(r, 300), randomDocs(r, 1500), randomDocs(r, 40)})
	segs = append(segs, mergeBoth(t, dir, "m", segs[:2]))
	// A merge that drops documents is zapx's (an index updated in place
	// has such segments).
	dropped := filepath.Join(dir, "dropped.zap")
	if _, _, err := (&Plugin{}).Merge(segs[1:3], []*roaring.Bitmap{roaring.BitmapOf(0, 5, 9), nil}, dropped, nil, nil); err != nil {
		t.Fatal(err)
	}
	zs, err := (&zap.ZapPlugin{}).Open(dropped)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zs.Close() })
	segs = append(segs, zs)
	terms, oneHits := 0, 0
	for i, seg := range segs {
		for _, field := range seg.Fields() {
			d, err := seg.Dictionary(field)
			if err != nil {
				t.Fatal(err)
			}
			ours, ok := OpenTerms(seg, field)
			if !ok {
				if field == "_id" || d == nil {
					continue
				}
				t.Fatalf("segment %d, field %s: not read", i, field)
			}
			it := d.AutomatonIterator(nil, nil, nil)
			for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
				if err != nil {
					t.Fatal(err)
				}
				pl, err := d.PostingsList([]byte(e.Term), nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				pi := pl.Iterator(true, true, false, nil)
				for p, err := pi.Next(); p != nil || err != nil; p, err = pi.Next() {
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, fmt.Sprint(p.Number(), p.Frequency(), p.Norm()))
				}
				p, found, ok := ours.Postings([]byte(e.Term))
				if !found || !ok {
					t.Fatalf("segment %d, %s:%q: found %v, read %v", i, field, e.Term, found, ok)
				}
				if p.Count() != pl.Count() {
					t.Fatalf("segment %d, %s:%q: count %d, zapx %d", i, field, e.Term, p.Count(), pl.Count())
				}
				var got []string
				p.Each(nil, func(doc uint32, freq, normBits uint64) {
					got = append(got, fmt.Sprint(uint64(doc), freq, Norm(normBits)))
				})
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("segment %d, %s:%q:\n got %v\nwant %v", i, field, e.Term, got, want)
				}
				terms++
				if p.val&fstValEncodingMask == fstValEncoding1Hit {
					oneHits++
				}
			}
			if _, found, _ := ours.Postings([]byte("\xff\xfe no such term")); found {
				t.Errorf("segment %d, field %s: a term that is not there was found", i, field)
			}
		}
	}
	if terms < 1000 || oneHits == 0 {
		t.Fatalf("%d terms read, %d of them 1-hits: the test reads too little", terms, oneHits)
	}
	// Segments in memory are not read here (zapx reads them).
	s, _, err := (&Plugin{}).New(randomDocs(r, 5))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := OpenTerms(s, "body"); ok {
		t.Error("a segment in memory was read as a file")
	}
	var _ segment.Segment = s
}

// BenchmarkPostings reads every posting of every term of a segment file
// of 3,000 random documents' "grams" field, straight from its bytes and
// through zapx's iterator.
func BenchmarkPostings(b *testing.B) {
	dir := b.TempDir()
	r := rand.New(rand.NewSource(10))
	var batches [][]index.Document
	for range 3 {
		batches = append(batches, randomDocs(r, 1000))
	}
	seg := persistedB(b, dir, batches)
	d, err := seg.Dictionary("grams")
	if err != nil {
		b.Fatal(err)
	}
	var terms [][]byte
	it := d.AutomatonIterator(nil, nil, nil)
	for e, err := it.Next(); e != nil && err == nil; e, err = it.Next() {
		terms = append(terms, []byte(e.Term))
	}
	b.Run("direct", func(b *testing.B) {
		ours, ok := OpenTerms(seg, "grams")
		if !ok {
			b.Fatal("not read")
		}
		var docs []uint32
		var sum float64
		for i := 0; i < b.N; i++ {
			for _, t := range terms {
				p, _, _ := ours.Postings(t)
				docs = p.Each(docs, func(doc uint32, freq, normBits uint64) { sum += float64(freq) * Norm(normBits) })
			}
		}
	})
	b.Run("zapx", func(b *testing.B) {
		var pi segment.PostingsIterator
		var sum float64
		for i := 0; i < b.N; i++ {
			for _, t := range terms {
				pl, _ := d.PostingsList(t, nil, nil)
				pi = pl.Iterator(true, true, false, pi)
				for p, err := pi.Next(); p != nil && err == nil; p, err = pi.Next() {
					sum += float64(p.Frequency()) * p.Norm()
				}
			}
		}
	})
}

// persistedB writes batches as segment files in dir, merges them into
// one file and opens it.
func persistedB(b *testing.B, dir string, batches [][]index.Document) segment.Segment {
	segs := persisted(b, dir, "b", batches)
	path := filepath.Join(dir, "merged.zap")
	if _, _, err := (&Plugin{}).Merge(segs, make([]*roaring.Bitmap, len(segs)), path, nil, nil); err != nil {
		b.Fatal(err)
	}
	seg, err := (&zap.ZapPlugin{}).Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { seg.Close() })
	return seg
}
