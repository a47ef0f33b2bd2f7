package zapseg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/bits"
	"os"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"
	"github.com/golang/snappy"
)

// Merge merges segments into a new segment file at path; see MergeUsing.
func (p *Plugin) Merge(segments []segment.Segment, drops []*roaring.Bitmap, path string,
	closeCh chan struct{}, s segment.StatsReporter) ([][]uint64, uint64, error) {
	return p.MergeUsing(segments, drops, path, closeCh, s, nil)
}

// MergeUsing merges segment files that drop no document and have the
// same fields into a new segment file at path, in the bytes zapx's
// merge writes (the fields section's entries aside, which zapx lists
// in Go-map order). Anything else (deletions, in-memory segments,
// fields that differ between segments, run-length bitmaps) is merged
// by zapx.
//
// zapx merges term by term through a postings-list object, a parsed
// roaring bitmap and an iterator per term and segment. Here a term's
// frequencies and locations, which hold no document numbers, are
// copied as they are (documents keep their order), and only a term
// long enough to be cut into several chunks is walked document by
// document.
func (p *Plugin) MergeUsing(segments []segment.Segment, drops []*roaring.Bitmap, path string,
	closeCh chan struct{}, s segment.StatsReporter, config map[string]interface{}) ([][]uint64, uint64, error) {
	m, ok := newMerger(segments, drops)
	if !ok {
		return p.ZapPlugin.MergeUsing(zapxSegments(segments), drops, path, closeCh, s, config)
	}
	newDocNums, size, err := m.mergeTo(path, closeCh)
	if errors.Is(err, errNotMine) {
		return p.ZapPlugin.MergeUsing(zapxSegments(segments), drops, path, closeCh, s, config)
	}
	if err != nil {
		return nil, 0, err
	}
	if s != nil {
		s.ReportBytesWritten(size)
	}
	return newDocNums, size, nil
}

// errNotMine stops a merge that met something zapx's merge must do.
var errNotMine = errors.New("zapseg: left to zapx")

// footerLen is the length of a segment file's footer when its writer
// has no id: the id's length, documents, stored index, fields index,
// chunk mode, version, CRC.
const footerLen = 4 + 8 + 8 + 8 + 4 + 4 + 4

// mergeInput is one segment being merged.
type mergeInput struct {
	mem     []byte // the file without its footer
	numDocs uint64
	stored  uint64   // where the stored index starts
	base    uint64   // the new number of its first document
	invAt   []uint64 // field id → its inverted-index section
}

// merger merges segment files.
type merger struct {
	in      []mergeInput
	fields  []string
	opts    []index.FieldIndexingOptions
	numDocs uint64
	b       builder // the writing half of a segment builder, reused

	tf, locs chunks
	parts    []mergePart
	oneHits  []byte
}

// newMerger reads the segments' layout; false when zapx must merge.
func newMerger(segments []segment.Segment, drops []*roaring.Bitmap) (*merger, bool) {
	m := &merger{}
	for i, sg := range segments {
		zs, ok := sg.(*zap.Segment)
		if !ok || (drops[i] != nil && !drops[i].IsEmpty()) || zs.CallbackId() != "" ||
			len(zs.GetUpdatedFields()) > 0 || zs.ChunkMode() != zap.DefaultChunkMode || zs.Version() != zap.Version {
			return nil, false
		}
		data := zs.Data()
		if len(data) < footerLen || binary.BigEndian.Uint32(data[len(data)-footerLen:]) != 0 {
			return nil, false
		}
		in := mergeInput{mem: data[:len(data)-footerLen], numDocs: zs.NumDocs(),
			stored: zs.StoredIndexOffset(), base: m.numDocs}
		fields, opts, invAt, ok := readFields(in.mem, zs.SectionsIndexOffset())
		if !ok {
			return nil, false
		}
		if i == 0 {
			m.fields, m.opts = fields, opts
		} else if !slices.Equal(fields, m.fields) || !slices.Equal(opts, m.opts) {
			return nil, false
		}
		// The stored index is followed by the nested documents' edges:
		// none.
		if at := in.stored + 8*in.numDocs; at >= uint64(len(in.mem)) || in.mem[at] != 0 {
			return nil, false
		}
		in.invAt = invAt
		m.numDocs += in.numDocs
		m.in = append(m.in, in)
	}
	if len(m.in) == 0 || m.numDocs == 0 || !slices.IsSorted(m.fields[1:]) {
		return nil, false
	}
	for _, o := range m.opts {
		if o.SkipDVChunking() || o.SkipDVCompression() {
			return nil, false
		}
	}
	return m, true
}

// fieldEntry is a field's entry in a segment's fields section.
type fieldEntry struct {
	at       uint64 // where the entry is
	name     string
	opts     index.FieldIndexingOptions
	sections [][2]uint64 // section type, address of the field's data in it
}

// readFieldEntries reads the fields section at at. It panics on bytes
// that are not one; its callers recover.
func readFieldEntries(mem []byte, at uint64) []fieldEntry {
	n, k := binary.Uvarint(mem[at:])
	p := mem[at+uint64(k):]
	entries := make([]fieldEntry, n)
	for i := range entries {
		e := &entries[i]
		e.at = binary.BigEndian.Uint64(p[8*i:])
		q := mem[e.at:]
		nameLen, k := binary.Uvarint(q)
		e.name = string(q[k : k+int(nameLen)])
		q = q[k+int(nameLen):]
		o, k := binary.Uvarint(q)
		e.opts = index.FieldIndexingOptions(o)
		q = q[k:]
		sections, k := binary.Uvarint(q)
		q = q[k:]
		for range sections {
			e.sections = append(e.sections, [2]uint64{uint64(binary.BigEndian.Uint16(q)), binary.BigEndian.Uint64(q[2:])})
			q = q[10:]
		}
	}
	return entries
}

// readFields reads the fields section at at: each field's name, options
// and the address of its inverted-index section; false when a field has
// another section's data.
func readFields(mem []byte, at uint64) (names []string, opts []index.FieldIndexingOptions, invAt []uint64, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false // not a fields section
		}
	}()
	for _, e := range readFieldEntries(mem, at) {
		var inv uint64
		for _, sec := range e.sections {
			switch {
			case sec[0] == sectionInvertedText:
				inv = sec[1]
			case sec[1] != 0:
				return nil, nil, nil, false
			}
		}
		if inv == 0 {
			return nil, nil, nil, false
		}
		names = append(names, e.name)
		opts = append(opts, e.opts)
		invAt = append(invAt, inv)
	}
	return names, opts, invAt, len(names) > 0 && names[0] == "_id"
}

// fileOut writes a segment file, keeping its last bytes in buf. The
// file writes happen on another goroutine (writer), so that the merge
// goes on filling the next buffer meanwhile: a quarter of a field's
// merge was spent in write system calls.
type fileOut struct {
	f    *os.File
	buf  []byte
	base uint64 // bytes handed to the writer
	crc  uint32 // of those bytes
	// full takes buffers to write, free gives them back; done is closed
	// when the writer has stopped, err then holds its first error.
	full, free chan []byte
	done       chan struct{}
	err        error
}

// newFileOut starts writing f.
func newFileOut(f *os.File) *fileOut {
	o := &fileOut{f: f, buf: make([]byte, 0, 5<<20), full: make(chan []byte, 1), free: make(chan []byte, 2), done: make(chan struct{})}
	o.free <- make([]byte, 0, 5<<20)
	go o.writer()
	return o
}

func (o *fileOut) writer() {
	defer close(o.done)
	for b := range o.full {
		if o.err == nil {
			_, o.err = pieces{o.f}.Write(b)
		}
		o.free <- b[:0]
	}
}

func (o *fileOut) pos() uint64 { return o.base + uint64(len(o.buf)) }

// spill writes buf to the file once it is large.
func (o *fileOut) spill() {
	if len(o.buf) >= 4<<20 {
		o.flush()
	}
}

// flush hands buf to the writer and takes an empty one.
func (o *fileOut) flush() {
	o.crc = crc32.Update(o.crc, crc32.IEEETable, o.buf)
	o.base += uint64(len(o.buf))
	o.full <- o.buf
	o.buf = <-o.free
}

// finish writes what is left and waits for the writer; it returns the
// first write error. A second call only returns it again.
func (o *fileOut) finish() error {
	if o.full != nil {
		if len(o.buf) > 0 {
			o.flush()
		}
		close(o.full)
		o.full = nil
		<-o.done
	}
	return o.err
}

// mergeTo writes the merged segment to path and returns the new
// numbers of every segment's documents and the file's size.
func (m *merger) mergeTo(path string, closeCh chan struct{}) (_ [][]uint64, _ uint64, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0600)
	if err != nil {
		return nil, 0, err
	}
	o := newFileOut(f)
	defer func() {
		if ferr := o.finish(); ferr != nil && err == nil {
			err = ferr
		}
		if err != nil {
			_ = f.Close()
			_ = os.Remove(path)
		}
	}()
	newDocNums, stored := m.writeStored(o)
	addrs := make([]uint64, len(m.fields))
	for fieldID := range m.fields {
		select {
		case <-closeCh:
			return nil, 0, segment.ErrClosed
		default:
		}
		if addrs[fieldID], err = m.writeField(o, fieldID); err != nil {
			return nil, 0, err
		}
	}
	// The fields section, as a segment builder writes it.
	m.b.fields, m.b.opts = m.fields, m.opts
	m.b.out, m.b.outBase = o.buf, o.base
	sections := m.b.writeFields(addrs)
	o.buf = m.b.out
	m.b.out = nil
	o.flush()
	footer := binary.BigEndian.AppendUint32(nil, 0) // no writer id
	footer = binary.BigEndian.AppendUint64(footer, m.numDocs)
	footer = binary.BigEndian.AppendUint64(footer, stored)
	footer = binary.BigEndian.AppendUint64(footer, sections)
	footer = binary.BigEndian.AppendUint32(footer, zap.DefaultChunkMode)
	footer = binary.BigEndian.AppendUint32(footer, zap.Version)
	crc := crc32.Update(o.crc, crc32.IEEETable, footer)
	footer = binary.BigEndian.AppendUint32(footer, crc)
	o.buf = append(o.buf, footer...)
	if err := o.finish(); err != nil {
		return nil, 0, err
	}
	if err := f.Sync(); err != nil {
		return nil, 0, err
	}
	if err := f.Close(); err != nil {
		return nil, 0, err
	}
	return newDocNums, o.base, nil
}

// writeStored copies every segment's stored documents, which do not
// change, and writes the new stored index and an empty list of nested
// documents' edges.
func (m *merger) writeStored(o *fileOut) ([][]uint64, uint64) {
	newDocNums := make([][]uint64, len(m.in))
	offsets := make([]uint64, 0, m.numDocs)
	for i, in := range m.in {
		nums := make([]uint64, in.numDocs)
		for d := range nums {
			nums[d] = in.base + uint64(d)
		}
		newDocNums[i] = nums
		if in.numDocs == 0 {
			continue
		}
		first := binary.BigEndian.Uint64(in.mem[in.stored:])
		at := o.pos()
		o.buf = append(o.buf, in.mem[first:in.stored]...)
		for d := uint64(0); d < in.numDocs; d++ {
			offsets = append(offsets, binary.BigEndian.Uint64(in.mem[in.stored+8*d:])-first+at)
		}
		o.spill()
	}
	stored := o.pos()
	for _, off := range offsets {
		o.buf = binary.BigEndian.AppendUint64(o.buf, off)
	}
	o.buf = append(o.buf, 0) // no nested documents
	return newDocNums, stored
}

// termSource is one segment's postings of the term being merged.
type termSource struct {
	in  *mergeInput
	val uint64 // the dictionary's value: postings offset or a 1-hit
}

// writeField merges one field's terms and doc values and returns where
// its addresses are.
func (m *merger) writeField(o *fileOut, fieldID int) (uint64, error) {
	b := &m.b
	var its []*vellum.FSTIterator
	var owners []*mergeInput
	var dvIns []*mergeInput
	if m.opts[fieldID].IsIndexed() {
		for i := range m.in {
			in := &m.in[i]
			fst, dvStart, err := in.dictionary(fieldID)
			if err != nil {
				return 0, err
			}
			it, err := fst.Iterator(nil, nil)
			if errors.Is(err, vellum.ErrIteratorDone) {
				continue // zapx merges no doc values of a segment without terms
			}
			if err != nil {
				return 0, err
			}
			if dvStart != fieldNotUninverted {
				dvIns = append(dvIns, in)
			}
			its = append(its, it)
			owners = append(owners, in)
		}
	}
	if err := b.startDict(); err != nil {
		return 0, err
	}
	// The dictionaries are read on another core, ahead of the writing.
	batches, free := make(chan *termBatch, 2), make(chan *termBatch, 3)
	for range 3 {
		free <- new(termBatch)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	defer func() {
		close(stop)
		<-done // nothing reads the segments once the merge returns
	}()
	go func() {
		defer close(done)
		readTerms(its, owners, batches, free, stop)
	}()
	for tb := range batches {
		if tb.err != nil {
			return 0, tb.err
		}
		from, fromSrc := 0, 0
		for i, end := range tb.ends {
			at, err := m.mergeTerm(o, tb.srcs[fromSrc:tb.nsrc[i]])
			if err != nil {
				return 0, err
			}
			if err := b.vellum.Insert(tb.keys[from:end], at); err != nil {
				return 0, err
			}
			from, fromSrc = end, tb.nsrc[i]
			o.spill()
		}
		free <- tb
	}
	// The dictionary, doc values and addresses, as a segment builder
	// writes them.
	if len(dvIns) > 0 {
		if err := m.collectDocValues(fieldID, dvIns); err != nil {
			return 0, err
		}
	}
	b.out, b.outBase, b.opts = o.buf, o.base, m.opts
	defer func() { b.out = nil }()
	dictAt, err := b.endDict()
	if err != nil {
		return 0, err
	}
	dvStart, dvEnd := uint64(fieldNotUninverted), uint64(fieldNotUninverted)
	if len(dvIns) > 0 {
		dvStart, dvEnd = b.writeDocValues(fieldID)
	}
	addr := b.writeFieldAddrs(dvStart, dvEnd, dictAt)
	o.buf = b.out
	o.spill()
	return addr, nil
}

// termBatch is terms in order, each with the segments that have it.
type termBatch struct {
	keys []byte       // the terms, one after the other
	ends []int        // where each term ends in keys
	srcs []termSource // the terms' sources, term after term
	nsrc []int        // where each term's sources end in srcs
	err  error        // the reading failed; the last batch
}

// termBatchLen is how many terms a batch holds.
const termBatchLen = 2048

// readTerms walks the dictionaries its (of the segments owners) together
// and sends their terms in order on out, in batches taken from free,
// until they end or stop is closed; then it closes out.
func readTerms(its []*vellum.FSTIterator, owners []*mergeInput, out chan<- *termBatch, free <-chan *termBatch, stop <-chan struct{}) {
	defer close(out)
	var tb *termBatch
	take := func() bool {
		select {
		case tb = <-free:
			tb.keys, tb.ends, tb.srcs, tb.nsrc, tb.err = tb.keys[:0], tb.ends[:0], tb.srcs[:0], tb.nsrc[:0], nil
			return true
		case <-stop:
			return false
		}
	}
	send := func() bool {
		select {
		case out <- tb:
			return true
		case <-stop:
			return false
		}
	}
	if !take() {
		return
	}
	// Each iterator's current term and value, read once per step.
	keys := make([][]byte, len(its))
	vals := make([]uint64, len(its))
	for i, it := range its {
		keys[i], vals[i] = it.Current()
	}
	for len(its) > 0 {
		// The smallest term, and every segment that has it, in order.
		from, fromSrc := len(tb.keys), len(tb.srcs)
		for i, k := range keys {
			c := -1
			if len(tb.srcs) > fromSrc {
				c = bytes.Compare(k, tb.keys[from:])
			}
			if c > 0 {
				continue
			}
			if c < 0 {
				tb.keys = append(tb.keys[:from], k...)
				tb.srcs = tb.srcs[:fromSrc]
			}
			tb.srcs = append(tb.srcs, termSource{owners[i], vals[i]})
		}
		tb.ends = append(tb.ends, len(tb.keys))
		tb.nsrc = append(tb.nsrc, len(tb.srcs))
		// Move on every iterator that was at the term (the sources, in
		// the iterators' order).
		kept, src := 0, fromSrc
		for i, it := range its {
			if src < len(tb.srcs) && tb.srcs[src].in == owners[i] {
				src++
				if err := it.Next(); errors.Is(err, vellum.ErrIteratorDone) {
					continue
				} else if err != nil {
					tb.err = err
					send()
					return
				}
				keys[i], vals[i] = it.Current()
			}
			its[kept], owners[kept], keys[kept], vals[kept] = it, owners[i], keys[i], vals[i]
			kept++
		}
		its, owners, keys, vals = its[:kept], owners[:kept], keys[:kept], vals[:kept]
		if len(tb.ends) == termBatchLen {
			if !send() || !take() {
				return
			}
		}
	}
	if len(tb.ends) > 0 {
		send()
	}
}

// dictionary returns the field's dictionary in the segment and where its
// doc values start.
func (in *mergeInput) dictionary(fieldID int) (*vellum.FST, uint64, error) {
	p := in.mem[in.invAt[fieldID]:]
	dvStart, k := binary.Uvarint(p)
	p = p[k:]
	_, k = binary.Uvarint(p)
	p = p[k:]
	dictAt, _ := binary.Uvarint(p)
	q := in.mem[dictAt:]
	n, k := binary.Uvarint(q)
	fst, err := vellum.Load(q[k : k+int(n)])
	return fst, dvStart, err
}

// Bits of a dictionary value that mark a term of one document with one
// occurrence and no locations (zapx's 1-hit encoding), and its parts.
const (
	fstValEncodingMask = uint64(0xc000000000000000)
	fstValEncoding1Hit = uint64(0x8000000000000000)
	mask31Bits         = uint64(0x000000007fffffff)
)

// mergePart is one segment's share of a term's postings.
type mergePart struct {
	tf, loc []byte // frequencies and norms; locations
	docs    int    // how many documents
}

// mergeTerm writes a term's merged postings and returns the value its
// dictionary entry gets.
func (m *merger) mergeTerm(o *fileOut, srcs []termSource) (uint64, error) {
	b := &m.b
	// The term's documents in the new segment, and its frequencies and
	// locations: each segment's bytes as they are.
	docs := b.docList[:0]
	parts := m.parts[:0]
	m.oneHits = m.oneHits[:0]
	for _, s := range srcs {
		in := s.in
		if s.val&fstValEncodingMask == fstValEncoding1Hit {
			doc, norm := s.val&mask31Bits, (s.val>>31)&mask31Bits
			docs = append(docs, uint32(in.base+doc))
			at := len(m.oneHits)
			m.oneHits = binary.AppendUvarint(m.oneHits, 2) // frequency 1, no locations
			m.oneHits = binary.AppendUvarint(m.oneHits, norm)
			parts = append(parts, mergePart{tf: m.oneHits[at:len(m.oneHits):len(m.oneHits)], docs: 1})
			continue
		}
		p := in.mem[s.val:]
		tfAt, k := binary.Uvarint(p)
		p = p[k:]
		locAt, k := binary.Uvarint(p)
		p = p[k:]
		n, k := binary.Uvarint(p)
		before := len(docs)
		var ok bool
		if docs, ok = appendRoaringDocs(docs, p[k:k+int(n)], uint32(in.base)); !ok {
			return 0, errNotMine
		}
		pt := mergePart{tf: chunkData(in.mem, tfAt), docs: len(docs) - before}
		if locAt != 0 {
			pt.loc = chunkData(in.mem, locAt)
		}
		parts = append(parts, pt)
	}
	b.docList, m.parts = docs, parts
	card := uint64(len(docs))
	size := chunkSize(card, m.numDocs)
	tf, locs := &m.tf, &m.locs
	tf.reset(size, m.numDocs)
	locs.reset(size, m.numDocs)
	if (m.numDocs-1)/size == 0 {
		// One chunk: the bytes of every segment one after the other.
		for _, pt := range parts {
			tf.buf = append(tf.buf, pt.tf...)
			locs.buf = append(locs.buf, pt.loc...)
		}
	} else {
		// Several chunks: walk the documents to find where each chunk
		// ends.
		d := 0
		for _, pt := range parts {
			t, l := pt.tf, pt.loc
			for range pt.docs {
				doc := uint64(docs[d])
				d++
				fh, n := binary.Uvarint(t)
				if fh>>1 > 0 {
					_, k := binary.Uvarint(t[n:])
					n += k
				}
				tf.at(doc)
				tf.buf = append(tf.buf, t[:n]...)
				t = t[n:]
				if fh&1 != 0 {
					ln, k := binary.Uvarint(l)
					n := k + int(ln)
					locs.at(doc)
					locs.buf = append(locs.buf, l[:n]...)
					l = l[n:]
				}
			}
		}
	}
	if card == 1 && len(locs.buf) == 0 && uint64(docs[0]) <= mask31Bits {
		// zapx's 1-hit encoding: the document and norm in the value.
		fh, k := binary.Uvarint(tf.buf)
		if fh>>1 == 1 {
			norm, _ := binary.Uvarint(tf.buf[k:])
			return fstValEncoding1Hit | (mask31Bits&norm)<<31 | uint64(docs[0]), nil
		}
	}
	var tfAt, locAt uint64
	if len(tf.buf) > 0 {
		tfAt = o.pos()
	}
	o.buf, _ = tf.writeTo(o.buf)
	if len(locs.buf) > 0 {
		locAt = o.pos()
	}
	o.buf, _ = locs.writeTo(o.buf)
	at := o.pos()
	o.buf = binary.AppendUvarint(o.buf, tfAt)
	o.buf = binary.AppendUvarint(o.buf, locAt)
	o.buf = b.appendRoaring(o.buf, docs)
	return at, nil
}

// chunkData returns the bytes of the chunks written at at, without their
// header: every chunk's bytes in order.
func chunkData(mem []byte, at uint64) []byte {
	p := mem[at:]
	n, k := binary.Uvarint(p)
	p = p[k:]
	var end uint64
	for i := uint64(0); i < n; i++ {
		e, k := binary.Uvarint(p)
		p = p[k:]
		end = e
	}
	return p[:end]
}

// appendRoaringDocs appends the documents of a roaring bitmap written
// without run containers, each plus base; false for another format.
func appendRoaringDocs(docs []uint32, rb []byte, base uint32) ([]uint32, bool) {
	if len(rb) < 8 || binary.LittleEndian.Uint32(rb) != serialCookieNoRunContainer {
		return docs, false
	}
	n := int(binary.LittleEndian.Uint32(rb[4:]))
	keys := rb[8:]
	offs := rb[8+4*n:]
	for c := 0; c < n; c++ {
		high := uint32(binary.LittleEndian.Uint16(keys[4*c:])) << 16
		card := int(binary.LittleEndian.Uint16(keys[4*c+2:])) + 1
		data := rb[binary.LittleEndian.Uint32(offs[4*c:]):]
		if card <= arrayMaxSize {
			for i := 0; i < card; i++ {
				docs = append(docs, base+(high|uint32(binary.LittleEndian.Uint16(data[2*i:]))))
			}
			continue
		}
		for w := 0; w < 1024; w++ {
			word := binary.LittleEndian.Uint64(data[8*w:])
			for word != 0 {
				low := uint32(w*64 + bits.TrailingZeros64(word))
				docs = append(docs, base+(high|low))
				word &= word - 1
			}
		}
	}
	return docs, true
}

// collectDocValues gathers the field's doc values of every document in
// the new numbering into b.docTerm.
func (m *merger) collectDocValues(fieldID int, ins []*mergeInput) error {
	b := &m.b
	b.docTerm = slices.Grow(b.docTerm[:0], int(m.numDocs))[:m.numDocs]
	for i := range b.docTerm {
		b.docTerm[i] = b.docTerm[i][:0]
	}
	for _, in := range ins {
		p := in.mem[in.invAt[fieldID]:]
		start, k := binary.Uvarint(p)
		end, _ := binary.Uvarint(p[k:])
		if end-start <= 16 {
			return fmt.Errorf("zapseg: doc values of %s from %d to %d", m.fields[fieldID], start, end)
		}
		nChunks := binary.BigEndian.Uint64(in.mem[end-8:])
		offsAt := end - 16 - binary.BigEndian.Uint64(in.mem[end-16:])
		q := in.mem[offsAt:]
		var prev uint64
		for c := uint64(0); c < nChunks; c++ {
			e, k := binary.Uvarint(q)
			q = q[k:]
			chunk := in.mem[start+prev : start+e]
			prev = e
			if len(chunk) == 0 {
				continue
			}
			count, k := binary.Uvarint(chunk)
			chunk = chunk[k:]
			if count == 0 {
				continue
			}
			type entry struct{ doc, end uint64 }
			entries := make([]entry, count)
			for i := range entries {
				d, k := binary.Uvarint(chunk)
				chunk = chunk[k:]
				e, k := binary.Uvarint(chunk)
				chunk = chunk[k:]
				entries[i] = entry{d, e}
			}
			data, err := snappy.Decode(nil, chunk)
			if err != nil {
				return fmt.Errorf("zapseg: doc values of %s: %w", m.fields[fieldID], err)
			}
			var from uint64
			for _, en := range entries {
				nd := in.base + en.doc
				b.docTerm[nd] = append(b.docTerm[nd], data[from:en.end]...)
				from = en.end
			}
		}
	}
	return nil
}
