// Package zapseg builds bleve's zap (version 17) segments from a batch of
// analysed documents, writing the bytes zapx's own builder writes, in a
// fraction of its time, and merges segment files into the file zapx's
// merge writes (merge.go); opening and reading segments stay zapx's, but
// for Terms (read.go), which reads a field's postings straight from a
// segment file's bytes for BM25 summed over many terms. Segment files are
// written in pieces of writePiece bytes (write.go): large writes into
// the page cache cost many times more on the machines measured.
//
// zapx builds a segment in two passes over every field's term
// frequencies (Go maps) with two string-keyed map lookups, a roaring
// bitmap insertion and a copy of the term per posting, then encodes term
// by term. Here a posting is one append (terms of up to seven bytes are
// looked up by a number made of their bytes), postings are grouped by
// term with one counting sort, and each term's document list is encoded
// straight from them. Fields that hand their terms over packed
// (PackedField: locations already encoded) or as a slice (SliceField)
// are read without a map at all.
//
// Plugin takes zapx v17's place in scorch (Register). A batch this
// package does not write in the same bytes (nested documents,
// synonym or geo-shape fields, a field twice in one document, locations
// naming another field) goes to zapx's builder unchanged.
//
// Check and CheckMerge compare this package's bytes with zapx's; their
// tests (and search/bleve's TestSegmentsAsZapx and TestMergesAsZapx on
// real documents) are what say, after an upgrade of zapx, whether the two
// still agree.
package zapseg

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"
	"github.com/golang/snappy"

	"github.com/gongkai/gongkai/search/bleve/internal/termtab"
)

// SliceField is a field that hands its distinct terms and their
// frequencies and locations over as a slice, in any order; the writer
// then never builds or walks a map of them.
type SliceField interface {
	index.Field
	TokenFreqSlice() []index.TokenFreq
}

// PackedField is a field that hands its distinct terms over with how
// often each occurs and its one location already encoded: the bytes zap
// writes for a location after its field number (position, start, end,
// the number of array positions and each of them). Term i's location is
// locs[ends[i-1]:ends[i]], none when that is empty or ends is nil. ok is
// false when the field cannot (a term with several locations); the
// writer then reads it as a SliceField or by its map.
type PackedField interface {
	index.Field
	PackedTerms() (terms []string, freqs []int32, locs []byte, ends []int32, ok bool)
}

// Plugin is zapx v17 with a faster builder of new segments: New and
// NewUsing write the segment themselves, Open and Merge are zapx's.
type Plugin struct {
	zap.ZapPlugin
}

// Register makes Plugin scorch's default segment plugin and the one it
// uses for zap v17 segments, which it writes in the same format.
func Register() {
	scorch.RegisterSegmentPlugin(&Plugin{}, true)
	// zapx's merges (those that drop documents) buffer their file in
	// writes of this size (see writePiece).
	zap.DefaultFileMergerBufferSize = writePiece
}

// New builds an in-memory segment of results.
func (p *Plugin) New(results []index.Document) (segment.Segment, uint64, error) {
	return p.NewUsing(results, nil)
}

// NewUsing builds an in-memory segment of results; config is passed to
// the segment as zapx would.
func (p *Plugin) NewUsing(results []index.Document, config map[string]interface{}) (segment.Segment, uint64, error) {
	b := builders.Get().(*builder)
	defer func() {
		b.docs = nil // the pooled builder keeps no documents
		builders.Put(b)
	}()
	if !b.reset(results) {
		return p.ZapPlugin.NewUsing(results, config)
	}
	mem, storedIndex, sectionsIndex := b.write()
	stats, _ := config[segment.StatsKey].(*segment.Stats)
	if stats == nil {
		stats = new(segment.Stats)
	}
	sb, err := zap.InitSegmentBase(mem, crc32.ChecksumIEEE(mem), zap.DefaultChunkMode,
		uint64(len(results)), storedIndex, sectionsIndex, config, stats)
	if err != nil {
		return nil, 0, err
	}
	return &memSegment{sb}, uint64(len(mem)), nil
}

var builders = sync.Pool{New: func() any { return &builder{} }}

// Section numbers of zap v17 without vector support (zapx's constants).
const (
	sectionInvertedText = 0
	sectionSynonym      = 2
	sectionGeoShapeV2   = 3
)

// fieldNotUninverted marks a field without doc values.
const fieldNotUninverted = math.MaxUint64

// posting is one term of one document's field. Its locations are
// encoded as they are collected, document by document, so that writing
// a term's postings reads no document's memory.
type posting struct {
	term   uint32 // index into builder.terms
	doc    uint32
	norm   uint32 // the field's length in the document
	freq   uint32
	locAt  uint32 // the locations' varints: builder.locs[locAt:locAt+locLen]
	locLen uint32
}

// fieldDict is the terms of one field in a batch.
type fieldDict struct {
	short termtab.Table // terms of up to seven bytes, by their bytes
	long  map[string]uint32
	ids   []uint32 // the field's terms (indexes into builder.terms)
}

func (d *fieldDict) lookup(b *builder, t []byte) uint32 {
	if k, ok := termtab.Key(t); ok {
		id, found := d.short.Find(k, int32(len(b.terms)))
		if !found {
			b.newTerm(t)
			d.ids = append(d.ids, uint32(id))
		}
		return uint32(id)
	}
	if id, ok := d.long[string(t)]; ok {
		return id
	}
	id := b.newTerm(t)
	d.long[b.terms[id]] = id
	d.ids = append(d.ids, id)
	return id
}

// builder holds one segment's working data; it is reused.
type builder struct {
	docs     []index.Document
	fields   []string // field id → name; _id first, the rest sorted
	fieldIDs map[string]uint16
	opts     []index.FieldIndexingOptions
	docVals  []bool // a field has doc values
	dicts    []fieldDict

	terms    []string // term id → term
	postings []posting
	locs     []byte    // encoded locations of the postings
	sorted   []posting // postings grouped by term, documents rising
	starts   []uint32  // term id → its postings in sorted: starts[id]:starts[id+1]

	out        []byte // the segment being written (its own: see write)
	outBase    uint64 // where out starts in the segment (a merge writes its file in pieces)
	lastSize   int    // bytes and documents of the last segment written
	lastDocs   int
	docTerm    [][]byte // doc values of one field, per document
	seen       []uint32 // field id → last document it was seen in, plus 1
	vellum     *vellum.Builder
	fstBuf     bytes.Buffer
	bits       *roaring.Bitmap // for what appendRoaring leaves to roaring
	docList    []uint32
	containers [][3]int // key, first and end index into docList
	keyed      []keyedTerm
	keyedTmp   []keyedTerm
}

// reset readies b for docs; false when docs need zapx's builder.
func (b *builder) reset(docs []index.Document) bool {
	if len(docs) == 0 {
		return false
	}
	b.docs = docs
	if b.fieldIDs == nil {
		b.fieldIDs = map[string]uint16{}
	}
	clear(b.fieldIDs)
	b.fields = append(b.fields[:0], "_id")
	b.fieldIDs["_id"] = 0
	b.opts = append(b.opts[:0], index.IndexField|index.StoreField)
	ok := true
	for _, d := range docs {
		if nd, is := d.(index.NestedDocument); is {
			nd.VisitNestedDocuments(func(index.Document) { ok = false })
		}
		d.VisitComposite(func(index.CompositeField) { ok = false })
		d.VisitFields(func(f index.Field) {
			switch f.(type) {
			case index.SynonymField, index.GeoShapeV2Field, index.GeoShapeField:
				ok = false
			}
			name := f.Name()
			id, seen := b.fieldIDs[name]
			if !seen {
				id = uint16(len(b.fields))
				b.fieldIDs[name] = id
				b.fields = append(b.fields, name)
				b.opts = append(b.opts, 0)
			}
			b.opts[id] |= f.Options()
		})
		if !ok {
			return false
		}
	}
	if len(b.fields) > math.MaxUint16 {
		return false
	}
	// zapx numbers fields by name, _id first.
	opts := make(map[string]index.FieldIndexingOptions, len(b.fields))
	for i, n := range b.fields {
		opts[n] = b.opts[i]
	}
	slices.Sort(b.fields[1:])
	for i, n := range b.fields {
		b.fieldIDs[n] = uint16(i)
		b.opts[i] = opts[n]
	}
	nf := len(b.fields)
	b.docVals = slices.Grow(b.docVals[:0], nf)[:nf]
	clear(b.docVals)
	b.seen = slices.Grow(b.seen[:0], nf)[:nf]
	clear(b.seen)
	if cap(b.dicts) < nf {
		b.dicts = append(b.dicts[:cap(b.dicts)], make([]fieldDict, nf-cap(b.dicts))...)
	}
	b.dicts = b.dicts[:nf]
	for i := range b.dicts {
		d := &b.dicts[i]
		if d.long == nil {
			d.long = map[string]uint32{}
		}
		d.short.Reset(len(d.ids))
		clear(d.long)
		d.ids = d.ids[:0]
	}
	b.terms = b.terms[:0]
	b.postings = b.postings[:0]
	b.locs = b.locs[:0]
	return b.collect()
}

func (b *builder) newTerm(t []byte) uint32 {
	b.terms = append(b.terms, string(t))
	return uint32(len(b.terms) - 1)
}

// collect gathers every document's postings; false when a document has
// a field twice or a location in another field.
func (b *builder) collect() bool {
	ok := true
	for docNum, d := range b.docs {
		d.VisitFields(func(f index.Field) {
			if !ok {
				return
			}
			id := b.fieldIDs[f.Name()]
			if b.seen[id] == uint32(docNum)+1 {
				ok = false // zapx merges the two; leave it to zapx
				return
			}
			b.seen[id] = uint32(docNum) + 1
			if f.Options().IncludeDocValues() {
				b.docVals[id] = true
			}
			norm := uint32(f.AnalyzedLength())
			dict := &b.dicts[id]
			add := func(tf *index.TokenFreq) {
				at := len(b.locs)
				for _, l := range tf.Locations {
					if l.Field != "" && l.Field != f.Name() {
						ok = false
					}
					b.locs = binary.AppendUvarint(b.locs, uint64(id))
					b.locs = binary.AppendUvarint(b.locs, uint64(l.Position))
					b.locs = binary.AppendUvarint(b.locs, uint64(l.Start))
					b.locs = binary.AppendUvarint(b.locs, uint64(l.End))
					b.locs = binary.AppendUvarint(b.locs, uint64(len(l.ArrayPositions)))
					for _, a := range l.ArrayPositions {
						b.locs = binary.AppendUvarint(b.locs, a)
					}
				}
				if len(b.locs) > math.MaxUint32 {
					ok = false
				}
				b.postings = append(b.postings, posting{term: dict.lookup(b, tf.Term), doc: uint32(docNum), norm: norm,
					freq: uint32(tf.Frequency()), locAt: uint32(at), locLen: uint32(len(b.locs) - at)})
			}
			if pf, is := f.(PackedField); is {
				if terms, freqs, locs, ends, packed := pf.PackedTerms(); packed {
					prev := int32(0)
					for i, t := range terms {
						at := len(b.locs)
						if ends != nil && ends[i] > prev {
							b.locs = binary.AppendUvarint(b.locs, uint64(id))
							b.locs = append(b.locs, locs[prev:ends[i]]...)
							prev = ends[i]
						}
						b.postings = append(b.postings, posting{term: dict.lookup(b, bytesOf(t)), doc: uint32(docNum),
							norm: norm, freq: uint32(freqs[i]), locAt: uint32(at), locLen: uint32(len(b.locs) - at)})
					}
					if len(b.locs) > math.MaxUint32 {
						ok = false
					}
					return
				}
			}
			if sf, is := f.(SliceField); is {
				tfs := sf.TokenFreqSlice()
				for i := range tfs {
					add(&tfs[i])
				}
				return
			}
			for _, tf := range f.AnalyzedTokenFrequencies() {
				add(tf)
			}
		})
		if !ok {
			return false
		}
	}
	// Group the postings by term: a counting sort keeps documents in order.
	n := len(b.terms)
	b.starts = slices.Grow(b.starts[:0], n+1)[:n+1]
	clear(b.starts)
	for i := range b.postings {
		b.starts[b.postings[i].term+1]++
	}
	for i := 1; i <= n; i++ {
		b.starts[i] += b.starts[i-1]
	}
	b.sorted = slices.Grow(b.sorted[:0], len(b.postings))[:len(b.postings)]
	next := slices.Clone(b.starts[:n]) // where each term's next posting goes
	for _, p := range b.postings {
		b.sorted[next[p.term]] = p
		next[p.term]++
	}
	return true
}

// write encodes the segment: stored fields, the inverted index with doc
// values, the fields section. It returns the bytes and the offsets of
// the stored index and the fields index.
func (b *builder) write() ([]byte, uint64, uint64) {
	// The segment keeps its bytes, so they are never reused: each
	// segment gets new ones, sized from the last one's bytes per
	// document.
	size := 1 << 20
	if b.lastDocs > 0 {
		size = b.lastSize / b.lastDocs * (len(b.docs) + len(b.docs)/8 + 1)
	}
	b.out = make([]byte, 0, size)
	stored := b.writeStored()
	addrs := b.writeDicts()
	sections := b.writeFields(addrs)
	out := b.out
	b.out = nil
	b.lastSize, b.lastDocs = len(out), len(b.docs)
	return out, stored, sections
}

func (b *builder) uvarint(v uint64) { b.out = binary.AppendUvarint(b.out, v) }

// writeStored writes every document's stored fields as zapx does: per
// document the _id's length and the other values' field, type, offset,
// length and array positions as varints, then the _id and the snappy
// of the other values; then the offset of every document, and an empty
// list of nested documents.
func (b *builder) writeStored() uint64 {
	offsets := make([]uint64, len(b.docs))
	var meta, data, compressed []byte
	type value struct {
		field uint16
		val   []byte
		typ   byte
		ap    []uint64
	}
	var vals []value
	for docNum, d := range b.docs {
		vals = vals[:0]
		var id []byte
		d.VisitFields(func(f index.Field) {
			if !f.Options().IsStored() {
				return
			}
			fid := b.fieldIDs[f.Name()]
			if fid == 0 {
				if id == nil {
					id = f.Value()
				}
				return
			}
			vals = append(vals, value{fid, f.Value(), f.EncodedFieldType(), f.ArrayPositions()})
		})
		slices.SortStableFunc(vals, func(x, y value) int { return int(x.field) - int(y.field) })
		meta = binary.AppendUvarint(meta[:0], uint64(len(id)))
		data = data[:0]
		for _, v := range vals {
			meta = binary.AppendUvarint(meta, uint64(v.field))
			meta = binary.AppendUvarint(meta, uint64(v.typ))
			meta = binary.AppendUvarint(meta, uint64(len(data)))
			meta = binary.AppendUvarint(meta, uint64(len(v.val)))
			meta = binary.AppendUvarint(meta, uint64(len(v.ap)))
			for _, p := range v.ap {
				meta = binary.AppendUvarint(meta, p)
			}
			data = append(data, v.val...)
		}
		compressed = snappy.Encode(compressed[:cap(compressed)], data)
		offsets[docNum] = uint64(len(b.out))
		b.uvarint(uint64(len(meta)))
		b.uvarint(uint64(len(id) + len(compressed)))
		b.out = append(b.out, meta...)
		b.out = append(b.out, id...)
		b.out = append(b.out, compressed...)
	}
	storedIndex := uint64(len(b.out))
	for _, o := range offsets {
		b.out = binary.BigEndian.AppendUint64(b.out, o)
	}
	b.uvarint(0) // no nested documents
	return storedIndex
}

// chunks encodes varints in chunks of documents as zapx's chunkedIntCoder:
// the number of chunks, each chunk's end offset, then the bytes.
type chunks struct {
	size uint64   // documents per chunk
	lens []uint64 // bytes of each chunk
	buf  []byte
	cur  uint64 // the chunk being written
	from int    // where its bytes start in buf
}

func (c *chunks) reset(size, numDocs uint64) {
	c.size = size
	n := int((numDocs-1)/size + 1)
	c.lens = slices.Grow(c.lens[:0], n)[:n]
	clear(c.lens)
	c.buf = c.buf[:0]
	c.cur, c.from = 0, 0
}

// at starts the values of docNum.
func (c *chunks) at(docNum uint64) {
	if ch := docNum / c.size; ch != c.cur {
		c.close()
		c.cur, c.from = ch, len(c.buf)
	}
}

func (c *chunks) close() { c.lens[c.cur] = uint64(len(c.buf) - c.from) }

func (c *chunks) add(v uint64) { c.buf = binary.AppendUvarint(c.buf, v) }

// writeTo appends the encoded chunks to out and returns where they
// start, or 0 when there is nothing (zapx writes nothing then).
func (c *chunks) writeTo(out []byte) ([]byte, uint64) {
	c.close()
	if len(c.buf) == 0 {
		return out, 0
	}
	at := uint64(len(out))
	out = binary.AppendUvarint(out, uint64(len(c.lens)))
	var end uint64
	for _, l := range c.lens {
		end += l
		out = binary.AppendUvarint(out, end)
	}
	return append(out, c.buf...), at
}

// chunkSize is zapx's chunk size for DefaultChunkMode (1026).
func chunkSize(cardinality, numDocs uint64) uint64 {
	return numDocs / (cardinality/1024 + 1)
}

// appendRoaring appends the length and the bytes of the roaring bitmap
// of docs (rising) as roaring's ToBytes writes them. Array and bitmap
// containers (no runs: zapx never optimizes its bitmaps) are written
// here; a full container of 65,536 documents, which roaring turns into
// a run, is left to roaring.
func (b *builder) appendRoaring(out []byte, docs []uint32) []byte {
	// Containers: documents with the same high 16 bits.
	cs := b.containers[:0]
	for i := 0; i < len(docs); {
		key := int(docs[i] >> 16)
		j := i + 1
		for j < len(docs) && int(docs[j]>>16) == key {
			j++
		}
		if j-i == 1<<16 {
			if b.bits == nil {
				b.bits = roaring.New()
			}
			b.bits.Clear()
			for _, d := range docs {
				b.bits.Add(d) // as zapx adds them
			}
			rb, err := b.bits.ToBytes()
			if err != nil {
				panic(err) // writing to memory does not fail
			}
			out = binary.AppendUvarint(out, uint64(len(rb)))
			return append(out, rb...)
		}
		cs = append(cs, [3]int{key, i, j})
		i = j
	}
	b.containers = cs
	size := 8 + 8*len(cs)
	for _, c := range cs {
		size += containerBytes(c[2] - c[1])
	}
	out = binary.AppendUvarint(out, uint64(size))
	out = binary.LittleEndian.AppendUint32(out, serialCookieNoRunContainer)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(cs)))
	for _, c := range cs {
		out = binary.LittleEndian.AppendUint16(out, uint16(c[0]))
		out = binary.LittleEndian.AppendUint16(out, uint16(c[2]-c[1]-1))
	}
	at := 8 + 8*len(cs)
	for _, c := range cs {
		out = binary.LittleEndian.AppendUint32(out, uint32(at))
		at += containerBytes(c[2] - c[1])
	}
	for _, c := range cs {
		vals := docs[c[1]:c[2]]
		if len(vals) <= arrayMaxSize {
			for _, v := range vals {
				out = binary.LittleEndian.AppendUint16(out, uint16(v))
			}
			continue
		}
		var words [1 << 10]uint64
		for _, v := range vals {
			words[uint16(v)>>6] |= 1 << (v & 63)
		}
		for _, w := range words {
			out = binary.LittleEndian.AppendUint64(out, w)
		}
	}
	return out
}

// Roaring's serial format: the cookie of bitmaps without run
// containers, and the most values an array container holds.
const (
	serialCookieNoRunContainer = 12346
	arrayMaxSize               = 4096
)

// containerBytes is the size of a container of n values.
func containerBytes(n int) int {
	if n <= arrayMaxSize {
		return 2 * n
	}
	return 8192
}

// writeDicts writes, field by field, every term's postings (frequencies
// and norms, locations, the documents as a roaring bitmap), the field's
// dictionary (an FST from term to postings), its doc values, and the
// field's addresses; it returns where each field's addresses are.
func (b *builder) writeDicts() []uint64 {
	numDocs := uint64(len(b.docs))
	addrs := make([]uint64, len(b.fields))
	var tf, locs chunks
	for fieldID := range b.fields {
		if err := b.startDict(); err != nil {
			panic(err) // vellum only fails writing to the buffer
		}
		dict := &b.dicts[fieldID]
		ids := b.sortTerms(dict.ids)
		dv := b.docVals[fieldID]
		if dv {
			b.docTerm = slices.Grow(b.docTerm[:0], int(numDocs))[:numDocs]
			for i := range b.docTerm {
				b.docTerm[i] = b.docTerm[i][:0]
			}
		}
		for _, id := range ids {
			ps := b.sorted[b.starts[id]:b.starts[id+1]]
			term := b.terms[id]
			size := chunkSize(uint64(len(ps)), numDocs)
			tf.reset(size, numDocs)
			locs.reset(size, numDocs)
			b.docList = b.docList[:0]
			for _, p := range ps {
				doc := uint64(p.doc)
				b.docList = append(b.docList, p.doc)
				tf.at(doc)
				fh := uint64(p.freq) << 1
				if p.locLen > 0 {
					fh |= 1 // the document has locations
				}
				tf.add(fh)
				if p.freq > 0 {
					tf.add(uint64(p.norm))
				}
				if p.locLen > 0 {
					locs.at(doc)
					locs.add(uint64(p.locLen))
					locs.buf = append(locs.buf, b.locs[p.locAt:p.locAt+p.locLen]...)
				}
				if dv {
					b.docTerm[doc] = append(append(b.docTerm[doc], term...), index.DocValueTermSeparator)
				}
			}
			var tfAt, locAt uint64
			b.out, tfAt = tf.writeTo(b.out)
			b.out, locAt = locs.writeTo(b.out)
			at := uint64(len(b.out))
			b.uvarint(tfAt)
			b.uvarint(locAt)
			b.out = b.appendRoaring(b.out, b.docList)
			if err := b.vellum.Insert(bytesOf(term), at); err != nil {
				panic(err) // terms are inserted in order, once each
			}
		}
		dictAt, err := b.endDict()
		if err != nil {
			panic(err)
		}
		dvStart, dvEnd := uint64(fieldNotUninverted), uint64(fieldNotUninverted)
		if dv {
			dvStart, dvEnd = b.writeDocValues(fieldID)
		}
		addrs[fieldID] = b.writeFieldAddrs(dvStart, dvEnd, dictAt)
	}
	return addrs
}

// startDict readies the dictionary writer (an FST into fstBuf) for a
// field's terms.
func (b *builder) startDict() error {
	b.fstBuf.Reset()
	if b.vellum == nil {
		v, err := vellum.New(&b.fstBuf, vellumOpts)
		b.vellum = v
		return err
	}
	return b.vellum.Reset(&b.fstBuf)
}

// endDict finishes the field's dictionary and writes it (its length,
// then the FST); it returns where.
func (b *builder) endDict() (uint64, error) {
	if err := b.vellum.Close(); err != nil {
		return 0, err
	}
	at := b.outBase + uint64(len(b.out))
	b.uvarint(uint64(b.fstBuf.Len()))
	b.out = append(b.out, b.fstBuf.Bytes()...)
	return at, nil
}

// writeFieldAddrs writes where a field's doc values start and end and
// where its dictionary is; it returns where these addresses are.
func (b *builder) writeFieldAddrs(dvStart, dvEnd, dictAt uint64) uint64 {
	at := b.outBase + uint64(len(b.out))
	b.uvarint(dvStart)
	b.uvarint(dvEnd)
	b.uvarint(dictAt)
	return at
}

// sortKey orders terms as their bytes do, for terms that differ in
// their first seven bytes or are at most seven bytes long: those bytes
// big-endian, then the length (255 for longer terms, whose ties are
// broken by comparing them).
func sortKey(t string) uint64 {
	var k uint64
	for j := 0; j < 7; j++ {
		k <<= 8
		if j < len(t) {
			k |= uint64(t[j])
		}
	}
	if len(t) > 7 {
		return k<<8 | 255
	}
	return k<<8 | uint64(len(t))
}

// sortTerms sorts a field's term ids by term, comparing numbers rather
// than strings (which would read every term's bytes at each step): a
// radix sort of the numbers (sortKey), then terms of equal numbers
// (longer than seven bytes) by their bytes.
func (b *builder) sortTerms(ids []uint32) []uint32 {
	keyed := b.keyed[:0]
	for _, id := range ids {
		keyed = append(keyed, keyedTerm{sortKey(b.terms[id]), id})
	}
	b.keyed = keyed
	if len(keyed) < 512 {
		slices.SortFunc(keyed, func(x, y keyedTerm) int {
			switch {
			case x.key < y.key:
				return -1
			case x.key > y.key:
				return 1
			}
			return strings.Compare(b.terms[x.id], b.terms[y.id])
		})
	} else {
		b.keyedTmp = slices.Grow(b.keyedTmp[:0], len(keyed))[:len(keyed)]
		keyed = radixSort(keyed, b.keyedTmp)
		for i := 0; i < len(keyed); {
			j := i + 1
			for j < len(keyed) && keyed[j].key == keyed[i].key {
				j++
			}
			if j-i > 1 {
				slices.SortFunc(keyed[i:j], func(x, y keyedTerm) int {
					return strings.Compare(b.terms[x.id], b.terms[y.id])
				})
			}
			i = j
		}
	}
	for i := range keyed {
		ids[i] = keyed[i].id
	}
	return ids
}

// radixSort sorts keyed by key, least significant byte first, using tmp
// (as long as keyed) as the other buffer; it returns whichever of the
// two holds the result. Bytes that all keys share are skipped.
func radixSort(keyed, tmp []keyedTerm) []keyedTerm {
	var counts [8][256]int
	for _, k := range keyed {
		for i := range 8 {
			counts[i][byte(k.key>>(8*i))]++
		}
	}
	src, dst := keyed, tmp
	for i := range 8 {
		c := &counts[i]
		if c[byte(src[0].key>>(8*i))] == len(src) {
			continue
		}
		sum := 0
		for j := range c {
			c[j], sum = sum, sum+c[j]
		}
		for _, k := range src {
			bt := byte(k.key >> (8 * i))
			dst[c[bt]] = k
			c[bt]++
		}
		src, dst = dst, src
	}
	return src
}

type keyedTerm struct {
	key uint64
	id  uint32
}

// writeDocValues writes a field's doc values (each document's terms,
// each followed by index.DocValueTermSeparator) as zapx's
// chunkedContentCoder: chunks of 1024 documents (one per document with
// SkipDVChunking), each chunk's document numbers and end offsets, then
// its values, snappy-compressed unless SkipDVCompression; then the
// chunks' end offsets, their length and their number.
func (b *builder) writeDocValues(fieldID int) (uint64, uint64) {
	numDocs := uint64(len(b.docTerm))
	size := uint64(1024)
	opts := b.opts[fieldID]
	if opts.SkipDVChunking() {
		size = 1
	}
	n := (numDocs-1)/size + 1
	lens := make([]uint64, n)
	var final, meta, data, compressed []byte
	var docNums, ends []uint64
	cur := uint64(0)
	flush := func() {
		var metaLen int
		if size != 1 {
			m0 := len(meta)
			meta = binary.AppendUvarint(meta, uint64(len(docNums)))
			for i := range docNums {
				meta = binary.AppendUvarint(meta, docNums[i])
				meta = binary.AppendUvarint(meta, ends[i])
			}
			metaLen = len(meta) - m0
			final = append(final, meta[m0:]...)
		}
		c := data
		if !opts.SkipDVCompression() {
			compressed = snappy.Encode(compressed[:cap(compressed)], data)
			c = compressed
		}
		final = append(final, c...)
		lens[cur] = uint64(len(c) + metaLen)
	}
	for doc := uint64(0); doc < numDocs; doc++ {
		v := b.docTerm[doc]
		if len(v) == 0 {
			continue
		}
		if ch := doc / size; ch != cur {
			flush()
			meta, data = meta[:0], data[:0]
			docNums, ends = docNums[:0], ends[:0]
			cur = ch
		}
		data = append(data, v...)
		docNums = append(docNums, doc)
		ends = append(ends, uint64(len(data)))
	}
	flush()
	start := b.outBase + uint64(len(b.out))
	b.out = append(b.out, final...)
	offStart := len(b.out)
	var end uint64
	for _, l := range lens {
		end += l
		b.uvarint(end)
	}
	b.out = binary.BigEndian.AppendUint64(b.out, uint64(len(b.out)-offStart))
	b.out = binary.BigEndian.AppendUint64(b.out, n)
	return start, b.outBase + uint64(len(b.out))
}

// writeFields writes the fields section: per field its name, options
// and the address of its data in each section, then where each field's
// entry is; it returns where that index starts.
func (b *builder) writeFields(addrs []uint64) uint64 {
	offsets := make([]uint64, len(b.fields))
	for id, name := range b.fields {
		offsets[id] = b.outBase + uint64(len(b.out))
		b.uvarint(uint64(len(name)))
		b.out = append(b.out, name...)
		b.uvarint(uint64(b.opts[id]))
		b.uvarint(3)
		b.out = binary.BigEndian.AppendUint16(b.out, sectionInvertedText)
		b.out = binary.BigEndian.AppendUint64(b.out, addrs[id])
		b.out = binary.BigEndian.AppendUint16(b.out, sectionSynonym)
		b.out = binary.BigEndian.AppendUint64(b.out, 0)
		b.out = binary.BigEndian.AppendUint16(b.out, sectionGeoShapeV2)
		b.out = binary.BigEndian.AppendUint64(b.out, 0)
	}
	at := b.outBase + uint64(len(b.out))
	b.uvarint(uint64(len(b.fields)))
	for _, o := range offsets {
		b.out = binary.BigEndian.AppendUint64(b.out, o)
	}
	return at
}

// vellumOpts are zapx's options for its dictionaries.
var vellumOpts = &vellum.BuilderOpts{Encoder: 1, RegistryTableSize: 0, RegistryMRUSize: 1}

// bytesOf returns the bytes of s without copying; vellum only reads them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
