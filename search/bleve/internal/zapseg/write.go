package zapseg

import (
	"io"
	"os"
	"slices"

	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// writePiece is the most this package hands the kernel in one write to
// a segment file. Measured on the project's machines (ext4 on a virtual
// disk, docs/performance.md): 640 MB written into the page cache in
// writes of 4 MB cost 4.4–4.7 s of system time, in writes of 1 MB 3.1 s,
// in writes of 64–512 KB 0.15–0.25 s; writing the same bytes again after
// deleting the file is fast at any size. A build writes about 650 MB of
// segments (new segments, tier merges, the final merge), zapx and this
// package each in writes of megabytes, and spent 2.3–3.3 s of its 15 s
// of CPU in the kernel, most of it copying into the page cache.
const writePiece = 256 << 10

// pieces writes to w in writes of at most writePiece bytes.
type pieces struct{ w io.Writer }

func (p pieces) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		k, err := p.w.Write(b[:min(len(b), writePiece)])
		n += k
		if err != nil {
			return n, err
		}
		b = b[k:]
	}
	return n, nil
}

// memSegment is a segment this package built, in memory: zapx's, whose
// Persist writes it in pieces (writePiece). Everything else is zapx's
// SegmentBase; zapx's own merge is handed the SegmentBase (zapxSegments).
type memSegment struct {
	*zap.SegmentBase
}

// Persist writes the segment's file at path, the bytes zapx's Persist
// writes (its WriteTo), in pieces, and syncs it.
func (s *memSegment) Persist(path string) (err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(path)
		}
	}()
	if _, err = s.WriteTo(pieces{f}); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// zapxSegments returns segs as zapx's merge takes them: its own types,
// not memSegment.
func zapxSegments(segs []segment.Segment) []segment.Segment {
	out := segs
	for i, s := range segs {
		if m, ok := s.(*memSegment); ok {
			if &out[0] == &segs[0] {
				out = slices.Clone(segs)
			}
			out[i] = m.SegmentBase
		}
	}
	return out
}
