package zapseg

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// testField is an index.Field with the term frequencies it is given.
type testField struct {
	name   string
	opts   index.FieldIndexingOptions
	tfs    index.TokenFrequencies
	length int
	value  []byte
}

func (f *testField) Name() string                                     { return f.name }
func (f *testField) ArrayPositions() []uint64                         { return nil }
func (f *testField) Options() index.FieldIndexingOptions              { return f.opts }
func (f *testField) Analyze()                                         {}
func (f *testField) Value() []byte                                    { return f.value }
func (f *testField) NumPlainTextBytes() uint64                        { return uint64(len(f.value)) }
func (f *testField) AnalyzedLength() int                              { return f.length }
func (f *testField) EncodedFieldType() byte                           { return 't' }
func (f *testField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.tfs }
func (f *testField) Size() int                                        { return 0 }

// sliceTestField also hands its terms over as a slice, in its own order.
type sliceTestField struct {
	testField
	slice []index.TokenFreq
}

func (f *sliceTestField) TokenFreqSlice() []index.TokenFreq { return f.slice }

// packedTestField also hands its terms over packed, in its own order,
// when every term has at most one location.
type packedTestField struct {
	sliceTestField
}

func (f *packedTestField) PackedTerms() (terms []string, freqs []int32, locs []byte, ends []int32, ok bool) {
	for _, tf := range f.slice {
		if len(tf.Locations) > 1 {
			return nil, nil, nil, nil, false
		}
		terms = append(terms, string(tf.Term))
		freqs = append(freqs, int32(tf.Frequency()))
		for _, l := range tf.Locations {
			locs = binary.AppendUvarint(locs, uint64(l.Position))
			locs = binary.AppendUvarint(locs, uint64(l.Start))
			locs = binary.AppendUvarint(locs, uint64(l.End))
			locs = binary.AppendUvarint(locs, uint64(len(l.ArrayPositions)))
			for _, a := range l.ArrayPositions {
				locs = binary.AppendUvarint(locs, a)
			}
		}
		ends = append(ends, int32(len(locs)))
	}
	return terms, freqs, locs, ends, true
}

var vocabulary = []string{"的", "政府", "信息", "公开", "营商环境", "a", "ab", "abcdefg", "abcdefgh",
	"国发〔2019〕5号", "九龙坡区", "z", "", "x\xff", "第十二条规定", "2024"}

// randomDocs makes n documents with every kind of field zap stores:
// terms with and without locations (array positions, offsets), doc
// values, stored values, fields some documents lack, bleve's own
// numeric and date fields, and terms in one document only.
func randomDocs(r *rand.Rand, n int) []index.Document {
	docs := make([]index.Document, n)
	for i := range docs {
		d := document.NewDocument(fmt.Sprintf("doc-%05d", i))
		for _, name := range []string{"body", "title", "kw", "words", "packed", "grams"} {
			if r.Intn(5) == 0 {
				continue
			}
			opts := index.IndexField
			switch name {
			case "body", "title", "packed", "grams":
				opts |= index.IncludeTermVectors
			case "kw":
				opts |= index.DocValues
			}
			tfs := index.TokenFrequencies{}
			length := 0
			terms := 1 + r.Intn(12)
			if r.Intn(6) == 0 {
				terms = 0 // a placeholder field, as every document carries every field
			}
			for k := 0; k < terms; k++ {
				t := vocabulary[r.Intn(len(vocabulary))]
				if r.Intn(8) == 0 {
					t = fmt.Sprintf("only-%d-%d", i, k)
				}
				tf := tfs[t]
				if tf == nil {
					tf = &index.TokenFreq{Term: []byte(t)}
					tfs[t] = tf
				}
				occ := 1 + r.Intn(3)
				tf.SetFrequency(tf.Frequency() + occ)
				length += occ
				if opts.IncludeTermVectors() {
					l := &index.TokenLocation{Position: length, Start: r.Intn(3000), End: r.Intn(3000)}
					for a := r.Intn(3); a > 0; a-- {
						l.ArrayPositions = append(l.ArrayPositions, uint64(r.Intn(300)))
					}
					tf.Locations = append(tf.Locations, l)
				}
			}
			f := testField{name: name, opts: opts, tfs: tfs, length: length + r.Intn(3)}
			if name == "grams" {
				// One location per term, the later positions as array
				// positions (gaps), as gongkai's fields store them;
				// sometimes one that counts without a location.
				for _, tf := range tfs {
					if len(tf.Locations) > 1 {
						first := *tf.Locations[0]
						first.ArrayPositions = nil
						for range tf.Locations[1:] {
							first.ArrayPositions = append(first.ArrayPositions, uint64(1+r.Intn(200)))
						}
						tf.Locations = []*index.TokenLocation{&first}
					}
					switch r.Intn(20) {
					case 0, 1:
						tf.Locations = nil
					case 2:
						// A term all over the document: more than 127
						// bytes of locations.
						l := &index.TokenLocation{Position: 1 + r.Intn(9)}
						for range 100 {
							l.ArrayPositions = append(l.ArrayPositions, uint64(1+r.Intn(300)))
						}
						tf.Locations = []*index.TokenLocation{l}
						tf.SetFrequency(101)
					}
				}
			}
			switch name {
			case "words", "packed", "grams":
				sf := &sliceTestField{testField: f}
				for _, tf := range tfs {
					sf.slice = append(sf.slice, *tf)
				}
				r.Shuffle(len(sf.slice), func(a, b int) { sf.slice[a], sf.slice[b] = sf.slice[b], sf.slice[a] })
				if name == "words" {
					d.AddField(sf)
				} else {
					d.AddField(&packedTestField{*sf})
				}
			default:
				d.AddField(&f)
			}
		}
		if r.Intn(4) > 0 {
			d.AddField(document.NewNumericFieldWithIndexingOptions("n", nil, float64(r.Intn(1000)), index.IndexField|index.DocValues))
		}
		if r.Intn(4) > 0 {
			t := time.Date(2000+r.Intn(25), time.Month(1+r.Intn(12)), 1+r.Intn(28), 0, 0, 0, 0, time.UTC)
			f, _ := document.NewDateTimeFieldWithIndexingOptions("date", nil, t, time.RFC3339, index.IndexField|index.DocValues)
			d.AddField(f)
		}
		stored := make([]byte, r.Intn(400))
		r.Read(stored)
		d.AddField(document.NewTextFieldWithIndexingOptions("_src", nil, stored, index.StoreField))
		if r.Intn(3) == 0 {
			d.AddField(document.NewTextFieldWithIndexingOptions("note", []uint64{1, 2}, []byte("附注"), index.StoreField|index.IndexField|index.DocValues))
		}
		d.AddIDField()
		d.VisitFields(func(f index.Field) { f.Analyze() })
		docs[i] = d
	}
	return docs
}

// TestSameBytesAsZapx checks that a segment written here holds the bytes
// zapx writes for the same documents (Check), and that zapx reads it.
func TestSameBytesAsZapx(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 2, 7, 100, 1100, 5000} {
		docs := randomDocs(r, n)
		if err := Check(docs); err != nil {
			t.Fatalf("%d documents: %v", n, err)
		}
		s, _, err := (&Plugin{}).New(docs)
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.DocID(uint64(n - 1))
		if err != nil || string(id) != fmt.Sprintf("doc-%05d", n-1) {
			t.Errorf("%d documents: last id %q, %v", n, id, err)
		}
	}
}

// TestEmptyFields checks fields without a term in any document of the
// batch (a facet no document of it has, a field without term vectors
// or doc values): zapx still writes their dictionaries and doc values.
func TestEmptyFields(t *testing.T) {
	var docs []index.Document
	for i := 0; i < 3; i++ {
		d := document.NewDocument(fmt.Sprintf("empty-%d", i))
		d.AddField(&testField{name: "facet", opts: index.IndexField | index.DocValues, tfs: index.TokenFrequencies{}})
		d.AddField(&testField{name: "grams", opts: index.IndexField | index.IncludeTermVectors, tfs: index.TokenFrequencies{}})
		d.AddField(document.NewTextFieldWithIndexingOptions("_src", nil, []byte("正文"), index.StoreField))
		d.AddIDField()
		d.VisitFields(func(f index.Field) { f.Analyze() })
		docs = append(docs, d)
	}
	if err := Check(docs); err != nil {
		t.Fatal(err)
	}
}

// TestSegmentsKeepTheirBytes checks that building a segment leaves the
// segments built before it as they were (the builder is reused; the
// bytes of a segment must not be).
func TestSegmentsKeepTheirBytes(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	p := &Plugin{}
	first, _, err := p.New(randomDocs(r, 50))
	if err != nil {
		t.Fatal(err)
	}
	var before bytes.Buffer
	first.(io.WriterTo).WriteTo(&before)
	for i := 0; i < 5; i++ {
		if _, _, err := p.New(randomDocs(r, 50)); err != nil {
			t.Fatal(err)
		}
	}
	var after bytes.Buffer
	first.(io.WriterTo).WriteTo(&after)
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Fatal("a segment's bytes changed when the next segments were built")
	}
}

// TestLeavesToZapx checks that documents this package does not write
// (a field twice in one document) still make a segment, zapx's.
func TestLeavesToZapx(t *testing.T) {
	d := document.NewDocument("twice")
	d.AddField(document.NewTextField("f", nil, []byte("一")))
	d.AddField(document.NewTextField("f", nil, []byte("二")))
	d.AddIDField()
	d.VisitFields(func(f index.Field) { f.Analyze() })
	b := builders.Get().(*builder)
	if b.reset([]index.Document{d}) {
		t.Fatal("a field twice in one document was taken")
	}
	s, _, err := (&Plugin{}).New([]index.Document{d})
	if err != nil {
		t.Fatal(err)
	}
	dict, err := s.Dictionary("f")
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range []string{"一", "二"} {
		pl, err := dict.PostingsList([]byte(term), nil, nil)
		if err != nil || pl.Count() != 1 {
			t.Errorf("term %s: %v", term, err)
		}
	}
}

// TestRoaringBytes checks appendRoaring against roaring's own bytes:
// sparse and dense containers (arrays and bitmaps), several of them,
// and a full one, which roaring writes as a run.
func TestRoaringBytes(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	b := &builder{}
	cases := [][]uint32{{0}, {65535}, {1, 2, 3, 70000}}
	for _, density := range []int{2, 10, 100, 5000} {
		var docs []uint32
		for d := uint32(0); d < 200000; d++ {
			if r.Intn(density) == 0 {
				docs = append(docs, d)
			}
		}
		cases = append(cases, docs)
	}
	var full []uint32
	for d := uint32(65536); d < 2*65536; d++ {
		full = append(full, d)
	}
	cases = append(cases, append([]uint32{7}, full...))
	for _, docs := range cases {
		want := roaring.BitmapOf(docs...)
		wb, err := want.ToBytes()
		if err != nil {
			t.Fatal(err)
		}
		got := b.appendRoaring(nil, docs)
		n, k := binary.Uvarint(got)
		if int(n) != len(got)-k || !bytes.Equal(got[k:], wb) {
			t.Errorf("%d documents from %d: %d bytes, roaring's %d", len(docs), docs[0], len(got)-k, len(wb))
		}
	}
}

// TestSortTerms checks that terms sorted by sortKey come out in the
// order of their bytes: short and long terms, shared prefixes, zero
// bytes.
func TestSortTerms(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	b := &builder{}
	var ids []uint32
	for i := 0; i < 5000; i++ {
		t := make([]byte, r.Intn(12))
		for j := range t {
			t[j] = "ab\x00\xff"[r.Intn(4)]
		}
		b.terms = append(b.terms, string(t))
		ids = append(ids, uint32(i))
	}
	b.sortTerms(ids)
	for i := 1; i < len(ids); i++ {
		if b.terms[ids[i-1]] > b.terms[ids[i]] {
			t.Fatalf("%q sorted before %q", b.terms[ids[i-1]], b.terms[ids[i]])
		}
	}
}

// BenchmarkNew builds a segment of 500 random documents of every field
// kind with this package and with zapx.
func BenchmarkNew(b *testing.B) {
	docs := randomDocs(rand.New(rand.NewSource(10)), 500)
	for _, p := range []struct {
		name string
		new  func([]index.Document) (segment.Segment, uint64, error)
	}{{"zapseg", (&Plugin{}).New}, {"zapx", (&zap.ZapPlugin{}).New}} {
		b.Run(p.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, _, err := p.new(docs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSortTerms sorts 100,000 distinct terms shaped like a batch's
// grams: pairs of common Chinese characters, and some longer words.
func BenchmarkSortTerms(b *testing.B) {
	r := rand.New(rand.NewSource(11))
	seen := map[string]bool{}
	bd := &builder{}
	for len(bd.terms) < 100000 {
		n := 2
		if r.Intn(10) == 0 {
			n = 3 + r.Intn(4)
		}
		t := ""
		for range n {
			t += string(rune(0x4e00 + r.Intn(3500)))
		}
		if !seen[t] {
			seen[t] = true
			bd.terms = append(bd.terms, t)
		}
	}
	ids := make([]uint32, len(bd.terms))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range ids {
			ids[j] = uint32(j)
		}
		bd.sortTerms(ids)
	}
}
