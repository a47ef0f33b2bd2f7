package zapseg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	index "github.com/blevesearch/bleve_index_api"
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
	g, err := layoutOf(got.(*zap.SegmentBase))
	if err != nil {
		return err
	}
	switch {
	case size != uint64(len(g.mem)):
		return fmt.Errorf("size %d, segment has %d bytes", size, len(g.mem))
	case w.footer != g.footer:
		return fmt.Errorf("footer (documents, stored index, fields index, chunk mode, version) %v, zapx's %v", g.footer, w.footer)
	case len(w.mem) != len(g.mem) || w.fieldsStart != g.fieldsStart:
		return fmt.Errorf("%d bytes, fields from %d; zapx's %d, from %d", len(g.mem), g.fieldsStart, len(w.mem), w.fieldsStart)
	case !bytes.Equal(w.mem[:w.fieldsStart], g.mem[:g.fieldsStart]):
		i := 0
		for w.mem[i] == g.mem[i] {
			i++
		}
		return fmt.Errorf("bytes differ from offset %d of %d (stored index at %d)", i, w.fieldsStart, w.footer[1])
	case !slices.Equal(w.fields, g.fields):
		return fmt.Errorf("fields\n%v\nzapx's\n%v", g.fields, w.fields)
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
	b := buf.Bytes()
	const footerLen = 40 // writer id length, documents, stored index, fields index, chunk mode, version, crc
	foot := b[len(b)-footerLen:]
	l.mem = b[:len(b)-footerLen]
	l.footer = [5]uint64{binary.BigEndian.Uint64(foot[4:]), binary.BigEndian.Uint64(foot[12:]),
		binary.BigEndian.Uint64(foot[20:]), uint64(binary.BigEndian.Uint32(foot[28:])), uint64(binary.BigEndian.Uint32(foot[32:]))}
	p := l.mem[l.footer[2]:]
	n, k := binary.Uvarint(p)
	p = p[k:]
	l.fieldsStart = uint64(len(l.mem))
	for i := uint64(0); i < n; i++ {
		off := binary.BigEndian.Uint64(p[8*i:])
		l.fieldsStart = min(l.fieldsStart, off)
		q := l.mem[off:]
		nameLen, k := binary.Uvarint(q)
		name := string(q[k : k+int(nameLen)])
		q = q[k+int(nameLen):]
		opts, k := binary.Uvarint(q)
		q = q[k:]
		sections, k := binary.Uvarint(q)
		q = q[k:]
		var secs []string
		for j := uint64(0); j < sections; j++ {
			secs = append(secs, fmt.Sprintf("%d@%d", binary.BigEndian.Uint16(q), binary.BigEndian.Uint64(q[2:])))
			q = q[10:]
		}
		slices.Sort(secs)
		l.fields = append(l.fields, fmt.Sprintf("%s@%d options %d %v", name, off, opts, secs))
	}
	return l, nil
}
