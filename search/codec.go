package search

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// docMagic starts the binary form of a Document.
const docMagic = "GKD2"

// MarshalBinary encodes the document compactly for storage: its metadata
// as JSON, then sections and paragraphs length-prefixed. Decoding it is
// several times faster than decoding the JSON of a long document.
func (d *Document) MarshalBinary() ([]byte, error) {
	meta := *d
	meta.Paragraphs, meta.Sections = nil, nil
	mj, err := json.Marshal(&meta)
	if err != nil {
		return nil, err
	}
	n := len(docMagic) + len(mj) + 16
	for _, p := range d.Paragraphs {
		n += len(p.Text) + 6
	}
	b := make([]byte, 0, n)
	b = append(b, docMagic...)
	b = binary.AppendUvarint(b, uint64(len(mj)))
	b = append(b, mj...)
	putString := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(d.Sections)))
	for _, s := range d.Sections {
		putString(s.ID)
		b = binary.AppendUvarint(b, uint64(len(s.Path)))
		for _, p := range s.Path {
			putString(p)
		}
		b = binary.AppendUvarint(b, uint64(s.First))
		b = binary.AppendUvarint(b, uint64(s.Last))
		putString(s.Role)
		b = binary.AppendUvarint(b, uint64(s.Year))
	}
	b = binary.AppendUvarint(b, uint64(len(d.Paragraphs)))
	for _, p := range d.Paragraphs {
		flag := byte(0)
		if p.Heading {
			flag = 1
		}
		b = append(b, flag)
		putString(p.Text)
	}
	return b, nil
}

var errCorrupt = errors.New("corrupt stored document")

// UnmarshalBinary decodes the form of MarshalBinary.
func (d *Document) UnmarshalBinary(b []byte) error {
	if len(b) < len(docMagic) || string(b[:len(docMagic)]) != docMagic {
		return fmt.Errorf("%w: bad header", errCorrupt)
	}
	b = b[len(docMagic):]
	num := func() (int, error) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > uint64(len(b))*8+1<<20 {
			return 0, errCorrupt
		}
		b = b[n:]
		return int(v), nil
	}
	str := func() (string, error) {
		l, err := num()
		if err != nil || l > len(b) {
			return "", errCorrupt
		}
		s := string(b[:l])
		b = b[l:]
		return s, nil
	}
	ml, err := num()
	if err != nil || ml > len(b) {
		return errCorrupt
	}
	*d = Document{}
	if err := json.Unmarshal(b[:ml], d); err != nil {
		return fmt.Errorf("%w: %v", errCorrupt, err)
	}
	b = b[ml:]
	ns, err := num()
	if err != nil {
		return err
	}
	d.Sections = make([]Section, ns)
	for i := range d.Sections {
		s := &d.Sections[i]
		if s.ID, err = str(); err != nil {
			return err
		}
		np, err := num()
		if err != nil {
			return err
		}
		s.Path = make([]string, np)
		for j := range s.Path {
			if s.Path[j], err = str(); err != nil {
				return err
			}
		}
		if s.First, err = num(); err != nil {
			return err
		}
		if s.Last, err = num(); err != nil {
			return err
		}
		if s.Role, err = str(); err != nil {
			return err
		}
		if s.Year, err = num(); err != nil {
			return err
		}
	}
	np, err := num()
	if err != nil {
		return err
	}
	d.Paragraphs = make([]Paragraph, np)
	for i := range d.Paragraphs {
		if len(b) == 0 {
			return errCorrupt
		}
		d.Paragraphs[i].Heading = b[0] == 1
		b = b[1:]
		if d.Paragraphs[i].Text, err = str(); err != nil {
			return err
		}
	}
	if len(b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(b))
	}
	d.countSections()
	return nil
}
