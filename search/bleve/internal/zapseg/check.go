package zapseg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// Check builds a segment of docs with this package and with zapx's own
// builder and reports how they differ, or nil when this package wrote
// the same segment: everything before the fields section byte for byte,
// the same footer, and the same fields section (zapx lists a field's
// sections in the order of a Go map, so they are compared sorted). docs
// must be analysed (their fields' Analyze run), as scorch does before it
// builds a segment. Tests use it.
func Check(docs []index.Document) error {
	if b := (&builder{}); !b.reset(docs) {
		return errors.New("the documents are left to zapx")
	}
	want, _, err := (&zap.ZapPlugin{}).New(docs)
	if err != nil {
		return fmt.Errorf("zapx: %w", err)
	}
	got, size, err := (&Plugin{}).New(docs)
	if err != nil {
		return err
	}
	w, err := layoutOf(want.(*zap.SegmentBase))
	if err != nil {
		return err
	}
	g, err := layoutOf(got.(*memSegment).SegmentBase)
	if err != nil {
		return err
	}
	if size != uint64(len(g.mem)) {
		return fmt.Errorf("size %d, segment has %d bytes", size, len(g.mem))
	}
	return g.differs(w)
}

// CheckMerge merges segs, segment files opened by zapx, with zapx's
// merge and with this package's into files in dir named after name, and
// reports how they differ, or nil when this package did the merge itself
// (it does not leave it to zapx) and wrote the same file: everything
// before the fields section byte for byte, the same footer, the same
// fields section (sections sorted, as Check compares them), the same new
// document numbers. It returns the path of this package's file. Tests
// use it.
func CheckMerge(segs []segment.Segment, dir, name string) (string, error) {
	drops := make([]*roaring.Bitmap, len(segs))
	if _, ok := newMerger(segs, drops); !ok {
		return "", errors.New("the merge is left to zapx")
	}
	wantPath, gotPath := filepath.Join(dir, name+"-zapx.zap"), filepath.Join(dir, name+".zap")
	wantNums, _, err := (&zap.ZapPlugin{}).Merge(segs, drops, wantPath, nil, nil)
	if err != nil {
		return "", fmt.Errorf("zapx: %w", err)
	}
	gotNums, size, err := (&Plugin{}).Merge(segs, drops, gotPath, nil, nil)
	if err != nil {
		return "", err
	}
	wantBytes, err := os.ReadFile(wantPath)
	if err != nil {
		return "", err
	}
	gotBytes, err := os.ReadFile(gotPath)
	if err != nil {
		return "", err
	}
	w, err := layoutOfFile(wantBytes)
	if err != nil {
		return "", err
	}
	g, err := layoutOfFile(gotBytes)
	if err != nil {
		return "", err
	}
	switch {
	case size != uint64(len(gotBytes)):
		return "", fmt.Errorf("size %d, file has %d bytes", size, len(gotBytes))
	case fmt.Sprint(wantNums) != fmt.Sprint(gotNums):
		return "", errors.New("new document numbers differ")
	}
	return gotPath, g.differs(w)
}

// differs says how l differs from want, zapx's layout, or nil.
func (l layout) differs(want layout) error {
	switch {
	case want.footer != l.footer:
		return fmt.Errorf("footer (documents, stored index, fields index, chunk mode, version) %v, zapx's %v", l.footer, want.footer)
	case len(want.mem) != len(l.mem) || want.fieldsStart != l.fieldsStart:
		return fmt.Errorf("%d bytes, fields from %d; zapx's %d, from %d", len(l.mem), l.fieldsStart, len(want.mem), want.fieldsStart)
	case !bytes.Equal(want.mem[:want.fieldsStart], l.mem[:l.fieldsStart]):
		i := 0
		for want.mem[i] == l.mem[i] {
			i++
		}
		return fmt.Errorf("bytes differ from offset %d of %d (stored index at %d)", i, want.fieldsStart, want.footer[1])
	case !slices.Equal(want.fields, l.fields):
		return fmt.Errorf("fields\n%v\nzapx's\n%v", l.fields, want.fields)
	}
	return nil
}

// layout is a segment as zapx writes it to a file.
type layout struct {
	mem         []byte    // before the footer
	footer      [5]uint64 // documents, stored index, fields index, chunk mode, version
	fieldsStart uint64    // where the fields section starts
	fields      []string  // each field's entry and offset, its sections sorted
}

func layoutOf(sb *zap.SegmentBase) (l layout, err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("the fields section does not parse")
		}
	}()
	var buf bytes.Buffer
	if _, err := sb.WriteTo(&buf); err != nil {
		return l, err
	}
	return layoutOfFile(buf.Bytes())
}

// layoutOfFile reads the layout of a segment file's bytes b.
func layoutOfFile(b []byte) (l layout, err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("the fields section does not parse")
		}
	}()
	foot := b[len(b)-footerLen:]
	l.mem = b[:len(b)-footerLen]
	l.footer = [5]uint64{binary.BigEndian.Uint64(foot[4:]), binary.BigEndian.Uint64(foot[12:]),
		binary.BigEndian.Uint64(foot[20:]), uint64(binary.BigEndian.Uint32(foot[28:])), uint64(binary.BigEndian.Uint32(foot[32:]))}
	l.fieldsStart = uint64(len(l.mem))
	for _, e := range readFieldEntries(l.mem, l.footer[2]) {
		l.fieldsStart = min(l.fieldsStart, e.at)
		var secs []string
		for _, sec := range e.sections {
			secs = append(secs, fmt.Sprintf("%d@%d", sec[0], sec[1]))
		}
		slices.Sort(secs)
		l.fields = append(l.fields, fmt.Sprintf("%s@%d options %d %v", e.name, e.at, e.opts, secs))
	}
	return l, nil
}
