package termtab

import (
	"math/rand"
	"testing"
)

// TestTableAsMap checks the table against a Go map over random short
// terms (empty ones and zero bytes among them), through growth and
// resets.
func TestTableAsMap(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var tab Table
	for round := 0; round < 4; round++ {
		want := map[string]int32{}
		tab.Reset(round * 100)
		for i := 0; i < 20000; i++ {
			b := make([]byte, r.Intn(8))
			for j := range b {
				b[j] = byte(r.Intn(3)) // few distinct bytes: many repeats
			}
			k, ok := Key(b)
			if !ok || k == 0 {
				t.Fatalf("key of %q: %d, %v", b, k, ok)
			}
			v, found := tab.Find(k, int32(i))
			w, seen := want[string(b)]
			if !seen {
				want[string(b)], w = int32(i), int32(i)
			}
			if found != seen || v != w {
				t.Fatalf("round %d, %q: %d %v, want %d %v", round, b, v, found, w, seen)
			}
		}
		if tab.Len() != len(want) {
			t.Errorf("round %d: %d keys, want %d", round, tab.Len(), len(want))
		}
	}
	if _, ok := Key("八个字节的"); ok {
		t.Error("a term of more than seven bytes got a key")
	}
}
