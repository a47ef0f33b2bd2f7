package zapseg

import (
	"encoding/binary"
	"math"

	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"
)

// Terms reads one field's postings straight from the bytes of a segment
// file, for a search that scores every posting of many terms (BM25 over
// a question's words and bigrams): zapx's iterator costs several times
// more per posting (its chunk bookkeeping, an interface call and a
// uvarint reader per value), and a term's frequencies and norms are,
// chunk after chunk, simply one entry per document in order (the merge
// reads them so too).
type Terms struct {
	mem []byte
	fst *vellum.FST
}

// OpenTerms returns field's terms in seg; ok is false when seg is not a
// segment file this package reads (one in memory, one written another
// way) or has no dictionary for field: the caller then asks zapx.
func OpenTerms(seg segment.Segment, field string) (t *Terms, ok bool) {
	zs, isFile := seg.(*zap.Segment)
	if !isFile || zs.ChunkMode() != zap.DefaultChunkMode || zs.Version() != zap.Version || zs.CallbackId() != "" {
		return nil, false
	}
	at, err := zs.DictAddr(field)
	if err != nil || at == 0 {
		return nil, false
	}
	mem := zs.Data()
	n, k := binary.Uvarint(mem[at:])
	if k <= 0 || at+uint64(k)+n > uint64(len(mem)) {
		return nil, false
	}
	fst, err := vellum.Load(mem[at+uint64(k) : at+uint64(k)+n])
	if err != nil {
		return nil, false
	}
	return &Terms{mem: mem, fst: fst}, true
}

// Postings is one term's postings in a segment file (Terms.Postings).
type Postings struct {
	mem   []byte
	val   uint64 // the dictionary's value: where the postings are, or a 1-hit
	count uint64
}

// Postings returns term's postings; found is false when the field has
// no such term. ok is false when they are in a form this package does
// not read (a bitmap with run containers, no frequencies written): the
// caller then asks zapx.
func (t *Terms) Postings(term []byte) (p Postings, found, ok bool) {
	val, found, err := t.fst.Get(term)
	if err != nil {
		return Postings{}, false, false
	}
	if !found {
		return Postings{}, false, true
	}
	p = Postings{mem: t.mem, val: val, count: 1}
	if val&fstValEncodingMask == fstValEncoding1Hit {
		return p, true, true
	}
	rb := p.bitmap()
	if len(rb) < 8 || binary.LittleEndian.Uint32(rb) != serialCookieNoRunContainer {
		return Postings{}, true, false
	}
	if tfAt, _ := binary.Uvarint(t.mem[val:]); tfAt == 0 {
		return Postings{}, true, false // no frequencies written (zapx's termNotEncoded)
	}
	n := int(binary.LittleEndian.Uint32(rb[4:]))
	p.count = 0
	for c := 0; c < n; c++ {
		p.count += uint64(binary.LittleEndian.Uint16(rb[8+4*c+2:])) + 1
	}
	return p, true, true
}

// Count is the number of documents the term is in.
func (p Postings) Count() uint64 { return p.count }

// bitmap returns the postings' roaring bitmap bytes.
func (p Postings) bitmap() []byte {
	q := p.mem[p.val:]
	_, k := binary.Uvarint(q) // frequencies
	q = q[k:]
	_, k = binary.Uvarint(q) // locations
	q = q[k:]
	n, k := binary.Uvarint(q)
	return q[k : k+int(n)]
}

// Norm is the norm of a posting with the given norm bits, as zapx's
// Posting.Norm gives it: 1/√length, rounded to a float32 (the bits are
// the field's length).
func Norm(bits uint64) float64 {
	return float64(float32(1.0 / math.Sqrt(float64(uint32(bits)))))
}

// Each appends the term's documents to docs (a scratch slice, returned
// for reuse) and calls fn with each document, the term's frequency in
// it and the norm's bits (zapx's Posting.Norm is their float32), in
// document order.
func (p Postings) Each(docs []uint32, fn func(doc uint32, freq uint64, normBits uint64)) []uint32 {
	if p.val&fstValEncodingMask == fstValEncoding1Hit {
		fn(uint32(p.val&mask31Bits), 1, (p.val>>31)&mask31Bits)
		return docs
	}
	docs, _ = appendRoaringDocs(docs[:0], p.bitmap(), 0)
	tfAt, _ := binary.Uvarint(p.mem[p.val:])
	tf := chunkData(p.mem, tfAt)
	for _, doc := range docs {
		fh, k := binary.Uvarint(tf)
		tf = tf[k:]
		var norm uint64
		if fh>>1 > 0 {
			norm, k = binary.Uvarint(tf)
			tf = tf[k:]
		}
		fn(doc, fh>>1, norm)
	}
	return docs
}
