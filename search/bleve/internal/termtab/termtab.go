// Package termtab is a hash table from short terms to numbers, for
// counting the terms of a field or a segment: a term of up to seven
// bytes (nearly every gram and word) is packed into a uint64 key, and
// the table probes an array of keys, which is several times faster
// than a Go map of strings or even of uint64.
package termtab

// Key packs a term of up to seven bytes into a key (never 0); ok is
// false for longer terms.
func Key[T string | []byte](t T) (key uint64, ok bool) {
	if len(t) > 7 {
		return 0, false
	}
	k := uint64(len(t))<<56 | 1<<63
	for j := 0; j < len(t); j++ {
		k |= uint64(t[j]) << (8 * j)
	}
	return k, true
}

// Table maps keys to int32 values; the zero Table is empty and ready.
type Table struct {
	keys  []uint64 // 0: free
	vals  []int32
	n     int
	shift uint
}

// Reset empties the table, keeping its memory, sized for about n keys.
func (t *Table) Reset(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	if len(t.keys) < size || len(t.keys) > 8*size {
		t.alloc(size)
		return
	}
	clear(t.keys)
	t.n = 0
}

func (t *Table) alloc(size int) {
	t.keys = make([]uint64, size)
	t.vals = make([]int32, size)
	t.n = 0
	t.shift = 64
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
}

// Find returns the value of key and true, or stores v as its value and
// returns v and false.
func (t *Table) Find(key uint64, v int32) (int32, bool) {
	if 2*(t.n+1) > len(t.keys) {
		t.grow()
	}
	mask := len(t.keys) - 1
	for i := int((key * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case key:
			return t.vals[i], true
		case 0:
			t.keys[i], t.vals[i] = key, v
			t.n++
			return v, false
		}
	}
}

// Len is the number of keys in the table.
func (t *Table) Len() int { return t.n }

func (t *Table) grow() {
	keys, vals := t.keys, t.vals
	t.alloc(max(16, 2*len(keys)))
	for i, k := range keys {
		if k != 0 {
			t.Find(k, vals[i])
		}
	}
}
