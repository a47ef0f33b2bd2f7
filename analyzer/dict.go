package analyzer

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"unicode/utf8"
)

//go:generate sh -c "go run ./internal/gendict /tmp/gongkai-dict.bin && gzip -9 -n -c /tmp/gongkai-dict.bin > data/dict.bin.gz"

// dictData is gse's embedded simplified-Chinese dictionary compiled into a
// trie (see internal/gendict): the same words and frequencies, loaded in
// milliseconds instead of a second, in a tenth of the memory.
//
//go:embed data/dict.bin.gz
var dictData []byte

// dict is a word trie with frequencies. Node 0 is the root; the children
// of node n are nodes first[n] … first[n]+count[n]-1, sorted by label.
type dict struct {
	label, first, count, freq []uint32
	total                     float64 // sum of all word frequencies
	logTotal                  float32
	// extra holds lexicon words on top of the trie: their frequency wins
	// over the trie's, as when gse loads the lexicon first.
	extra      map[string]float64
	extraNext  map[uint64]int32 // the extra words' trie: node<<32 | character → child (the root is 0)
	extraFreq  []float64        // an extra word's frequency at the node it ends at, else 0
	extraFirst []bool           // BMP characters that start an extra word
	extraMax   int              // longest extra word, in characters
	// extraKids is extraNext laid out for segment, which looks up a
	// child at most positions of a text: a map lookup there cost an
	// eighth of the segmentation.
	extraKids childTable
	// logFreq is log2 of every node's frequency (float32, as gse keeps
	// distances).
	logFreq []float32
	maxLen  int // longest trie word, in characters
	// root maps a character of the Basic Multilingual Plane to its node
	// under the root, plus one (0: none); the root has thousands of
	// children.
	root []int32
	// wide finds a child of a node with more than eight children (5,421
	// nodes, 44% of the edges, and the first characters of most words):
	// one probe where a binary search over the labels took several.
	wide edgeTable
}

// edgeTable is a hash table of trie edges, node<<32 | character → child,
// open addressing with linear probing (a key is never 0, the free
// slot's). A slot holds its key and value together: a hit reads one
// cache line.
type edgeTable struct {
	slots []edgeSlot
	shift uint
}

type edgeSlot struct {
	key uint64
	val int32
}

func newEdgeTable(edges int) edgeTable {
	bits := uint(1)
	for 1<<bits < 2*edges {
		bits++
	}
	return edgeTable{slots: make([]edgeSlot, 1<<bits), shift: 64 - bits}
}

func (t *edgeTable) slot(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> t.shift) }

func (t *edgeTable) put(k uint64, v int32) {
	mask := len(t.slots) - 1
	i := t.slot(k)
	for t.slots[i].key != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = edgeSlot{k, v}
}

func (t *edgeTable) get(k uint64) int32 {
	mask := len(t.slots) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch s.key {
		case k:
			return s.val
		case 0:
			return -1
		}
	}
}

func loadDict(data []byte) (*dict, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("dictionary: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("dictionary: %w", err)
	}
	const magic = "GKDICT1\n"
	if len(raw) < len(magic)+12 || string(raw[:len(magic)]) != magic {
		return nil, errors.New("dictionary: bad header")
	}
	raw = raw[len(magic):]
	d := &dict{total: math.Float64frombits(binary.LittleEndian.Uint64(raw))}
	n := int(binary.LittleEndian.Uint32(raw[8:]))
	raw = raw[12:]
	if len(raw) != 16*n {
		return nil, errors.New("dictionary: bad size")
	}
	read := func() []uint32 {
		out := make([]uint32, n)
		for i := range out {
			out[i] = binary.LittleEndian.Uint32(raw[4*i:])
		}
		raw = raw[4*n:]
		return out
	}
	d.label, d.first, d.count, d.freq = read(), read(), read(), read()
	d.logTotal = float32(math.Log2(d.total))
	d.logFreq = make([]float32, n)
	for i, f := range d.freq {
		if f > 0 {
			d.logFreq[i] = float32(math.Log2(float64(f)))
		}
	}
	d.root = make([]int32, 0x10000)
	for c := d.first[0]; c < d.first[0]+d.count[0]; c++ {
		if l := d.label[c]; l < 0x10000 {
			d.root[l] = int32(c) + 1
		}
	}
	// The root's children outside the Basic Multilingual Plane (not in
	// root) go in the table too; their keys are never 0.
	wide := 0
	for i := 0; i < n; i++ {
		if d.count[i] > 8 {
			wide += int(d.count[i])
		}
	}
	d.wide = newEdgeTable(wide)
	for i := 0; i < n; i++ {
		if d.count[i] > 8 {
			for c := d.first[i]; c < d.first[i]+d.count[i]; c++ {
				if i > 0 || d.label[c] >= 0x10000 {
					d.wide.put(uint64(i)<<32|uint64(d.label[c]), int32(c))
				}
			}
		}
	}
	// The longest word: the deepest node.
	depth := make([]int, n)
	for i := 0; i < n; i++ {
		for c := d.first[i]; c < d.first[i]+d.count[i]; c++ {
			depth[c] = depth[i] + 1
			d.maxLen = max(d.maxLen, depth[c])
		}
	}
	return d, nil
}

// child returns the child of node n labelled r, or -1.
func (d *dict) child(n int, r rune) int {
	if n == 0 && r >= 0 && r < rune(len(d.root)) {
		return int(d.root[r]) - 1
	}
	lo, hi := int(d.first[n]), int(d.first[n]+d.count[n])
	want := uint32(r)
	if hi-lo <= 8 {
		for i := lo; i < hi; i++ {
			if d.label[i] == want {
				return i
			}
		}
		return -1
	}
	return int(d.wide.get(uint64(n)<<32 | uint64(want)))
}

// lookup returns the trie frequency of word (0 when absent).
func (d *dict) lookup(word string) float64 {
	n := 0
	for _, r := range word {
		if n = d.child(n, r); n < 0 {
			return 0
		}
	}
	return float64(d.freq[n])
}

// addWords puts lexicon words on top of the trie, in order; the first
// occurrence of a word wins. Frequencies follow gse's loader: a word of one
// character counts 2, words under 2 are dropped. The total frequency is
// corrected as if the lexicon had been loaded before the dictionary.
func (d *dict) addWords(words []string, freqs []float64) {
	if d.extra == nil {
		d.extra = map[string]float64{}
		d.extraNext = map[uint64]int32{}
		d.extraFreq = []float64{0}
		d.extraFirst = make([]bool, 0x10000)
	}
	for i, w := range words {
		f := freqs[i]
		if utf8.RuneCountInString(w) < 2 {
			f = 2
		}
		if f < 2 || w == "" {
			continue
		}
		if _, ok := d.extra[w]; ok {
			continue
		}
		d.extra[w] = f
		node := int32(0)
		for _, r := range w {
			k := uint64(node)<<32 | uint64(uint32(r))
			next, ok := d.extraNext[k]
			if !ok {
				next = int32(len(d.extraFreq))
				d.extraNext[k] = next
				d.extraFreq = append(d.extraFreq, 0)
			}
			node = next
		}
		d.extraFreq[node] = f
		if r, _ := utf8.DecodeRuneInString(w); r < 0x10000 {
			d.extraFirst[r] = true
		} else {
			d.extraFirst = nil // a word outside the BMP: check every position
		}
		d.total += f - d.lookup(w)
		d.extraMax = max(d.extraMax, utf8.RuneCountInString(w))
	}
	d.logTotal = float32(math.Log2(d.total))
	d.extraKids = newChildTable(d.extraNext, len(d.extraFreq))
}

// childTable is a trie's edges in arrays: the children of node n are
// next[first[n]:first[n+1]], sorted by their characters in label.
type childTable struct {
	first []int32
	label []rune
	next  []int32
}

// newChildTable lays out edges (node<<32 | character → child) of a trie
// of nodes nodes.
func newChildTable(edges map[uint64]int32, nodes int) childTable {
	keys := make([]uint64, 0, len(edges))
	for k := range edges {
		keys = append(keys, k)
	}
	slices.Sort(keys) // by node, then character
	t := childTable{first: make([]int32, nodes+1), label: make([]rune, len(keys)), next: make([]int32, len(keys))}
	for i, k := range keys {
		t.label[i], t.next[i] = rune(uint32(k)), edges[k]
		t.first[k>>32+1]++
	}
	for n := 1; n <= nodes; n++ {
		t.first[n] += t.first[n-1]
	}
	return t
}

// child returns the child of node n by r, or -1.
func (t *childTable) child(n int32, r rune) int32 {
	lo, hi := t.first[n], t.first[n+1]
	for hi-lo > 8 {
		mid := int32(uint32(lo+hi) >> 1)
		switch l := t.label[mid]; {
		case l < r:
			lo = mid + 1
		case l > r:
			hi = mid
		default:
			return t.next[mid]
		}
	}
	for i := lo; i < hi; i++ {
		if t.label[i] == r {
			return t.next[i]
		}
	}
	return -1
}

// distance is the cost of a word of frequency freq in the shortest path.
func (d *dict) distance(freq float64) float32 {
	return d.logTotal - float32(math.Log2(freq))
}

// startsExtra reports whether an extra word may start with r.
func (d *dict) startsExtra(r rune) bool {
	return d.extraFirst == nil || (r >= 0 && r < 0x10000 && d.extraFirst[r])
}

// jumper is the best path to a character: its distance and the size in
// characters of the word that ends there.
type jumper struct {
	dist float32
	size int
}

// segScratch holds segment's buffers between runs of one text.
type segScratch struct {
	offs    []int
	runes   []rune
	jumpers []jumper
	sizes   []int
}

// segment cuts a run of Chinese characters into words exactly as gse's
// Segment does (dictionary words only, shortest path over distances
// log2(total/freq), an unknown single character costing 32), calling emit
// with the byte range of every word in order.
func (d *dict) segment(run string, sc *segScratch, emit func(start, end int)) {
	// Every character, and its byte offset (and one past the end).
	offs, runes := sc.offs[:0], sc.runes[:0]
	for i, r := range run {
		offs = append(offs, i)
		runes = append(runes, r)
	}
	n := len(offs)
	offs = append(offs, len(run))
	sc.offs, sc.runes = offs, runes
	if cap(sc.jumpers) < n {
		sc.jumpers = make([]jumper, n, n+n/2)
	}
	jumpers := sc.jumpers[:n]
	clear(jumpers)
	update := func(at int, dist float32, size int) {
		j := &jumpers[at]
		if j.dist == 0 || j.dist > dist {
			j.dist, j.size = dist, size
		}
	}
	// Candidate words at a position: their length and distance.
	var cands [64]struct {
		size int
		dist float32
	}
	for cur := 0; cur < n; cur++ {
		var base float32
		if cur > 0 {
			base = jumpers[cur-1].dist
		}
		// Words starting here, shortest first.
		nc := 0
		node := 0
		for l := 1; cur+l <= n && l <= d.maxLen && nc < len(cands); l++ {
			if node = d.child(node, runes[cur+l-1]); node < 0 {
				break
			}
			if d.freq[node] > 0 {
				cands[nc].size, cands[nc].dist = l, d.logTotal-d.logFreq[node]
				nc++
			}
		}
		if d.extra != nil && d.startsExtra(runes[cur]) {
			node := int32(0)
			for l := 1; cur+l <= n && l <= d.extraMax; l++ {
				next := d.extraKids.child(node, runes[cur+l-1])
				if next < 0 {
					break
				}
				node = next
				f := d.extraFreq[node]
				if f == 0 {
					continue
				}
				k := 0
				for k < nc && cands[k].size < l {
					k++
				}
				if k < nc && cands[k].size == l {
					cands[k].dist = d.distance(f)
				} else if nc < len(cands) {
					copy(cands[k+1:nc+1], cands[k:nc])
					cands[k].size, cands[k].dist = l, d.distance(f)
					nc++
				}
			}
		}
		for k := 0; k < nc; k++ {
			update(cur+cands[k].size-1, base+cands[k].dist, cands[k].size)
		}
		if nc == 0 || cands[0].size > 1 {
			update(cur, base+32, 1)
		}
	}
	// Walk back from the end, then emit in order.
	sizes := sc.sizes[:0]
	for i := n - 1; i >= 0; i -= jumpers[i].size {
		sizes = append(sizes, jumpers[i].size)
	}
	sc.sizes = sizes
	pos := 0
	for i := len(sizes) - 1; i >= 0; i-- {
		emit(offs[pos], offs[pos+sizes[i]])
		pos += sizes[i]
	}
}
