package parallel

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestEach checks that every item is done once, on no more goroutines
// than asked for, that the errors come back in the order of their items,
// and that a cancelled context stops the work with its error.
func TestEach(t *testing.T) {
	done := make([]atomic.Int32, 100)
	var running, most atomic.Int32
	err := Each(context.Background(), len(done), 3, func(i int) error {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		defer running.Add(-1)
		done[i].Add(1)
		if i == 70 || i == 20 {
			return fmt.Errorf("item %d", i)
		}
		return nil
	})
	if err == nil || err.Error() != "item 20\nitem 70" {
		t.Errorf("errors %q, want those of items 20 and 70 in order", err)
	}
	for i := range done {
		if n := done[i].Load(); n != 1 {
			t.Errorf("item %d done %d times", i, n)
		}
	}
	if most.Load() > 3 {
		t.Errorf("%d at once, want at most 3", most.Load())
	}

	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	err = Each(ctx, 1000, 2, func(i int) error {
		if calls.Add(1) == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls.Load() >= 1000 {
		t.Errorf("after cancelling: %v, %d calls", err, calls.Load())
	}
}
