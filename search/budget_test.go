package search

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A client spends its burst, is refused on a busy server with the time it
// must wait, and earns heavy time back at its share; other clients,
// unnamed callers and an idle server are not affected.
func TestClientBudget(t *testing.T) {
	now := time.Unix(0, 0)
	bs := newBudgets(0.125, 2, time.Second) // a quarter of a slot per second
	bs.now = func() time.Time { return now }
	if err := bs.start("a", true); err != nil {
		t.Fatalf("a new client is refused: %v", err)
	}
	bs.end("a", 1500*time.Millisecond) // one long search overdraws
	var busy *BusyError
	if err := bs.start("a", true); !errors.As(err, &busy) {
		t.Fatalf("an overdrawn client is allowed: %v", err)
	}
	// 0.5 s of debt at a quarter of a second per second: 2 s.
	if busy.RetryAfter < 2*time.Second || busy.RetryAfter > 2*time.Second+10*time.Millisecond {
		t.Errorf("retry after %v, want 2 s", busy.RetryAfter)
	}
	if err := bs.start("a", false); err != nil {
		t.Errorf("refused on a server that is not busy: %v", err)
	}
	bs.end("a", 0)
	if err := bs.start("b", true); err != nil {
		t.Errorf("another client is refused: %v", err)
	}
	bs.end("b", 0)
	if err := bs.start("", true); err != nil {
		t.Errorf("an unnamed caller is refused: %v", err)
	}
	now = now.Add(busy.RetryAfter)
	if err := bs.start("a", true); err != nil {
		t.Errorf("refused after waiting as told: %v", err)
	}
	bs.end("a", 0)
	// Credit never grows past the burst.
	now = now.Add(time.Hour)
	if err := bs.start("a", true); err != nil {
		t.Fatal(err)
	}
	bs.end("a", 1100*time.Millisecond)
	if err := bs.start("a", true); err == nil {
		t.Error("an hour of rest bought more than the burst")
	}
	// A negative share turns the budget off.
	off := newBudgets(-1, 1, 0)
	off.end("a", time.Hour)
	if err := off.start("a", true); err != nil {
		t.Errorf("no budget, still refused: %v", err)
	}
}

// Searches sent at once are charged only when they end, so a client may
// have only a few started while others search (people behind one address
// may ask at the same moment; forty at once are no people).
func TestClientBudgetInFlight(t *testing.T) {
	bs := newBudgets(0.25, 1, time.Hour)
	for i := range clientHeavyInFlight {
		if err := bs.start("a", true); err != nil {
			t.Fatalf("search %d of %d at once: %v", i+1, clientHeavyInFlight, err)
		}
	}
	var busy *BusyError
	if err := bs.start("a", true); !errors.As(err, &busy) {
		t.Fatalf("one more at once on a busy server: %v", err)
	}
	if err := bs.start("b", true); err != nil {
		t.Errorf("another client is refused: %v", err)
	}
	bs.end("a", time.Millisecond)
	if err := bs.start("a", true); err != nil {
		t.Errorf("refused after one of its searches ended: %v", err)
	}
}

// A client's own searches are no "others": enter counts them.
func TestClientSearchesCounted(t *testing.T) {
	bs := newBudgets(0, 1, 0)
	if n := bs.enter("a"); n != 1 {
		t.Errorf("first search of a: %d", n)
	}
	if n := bs.enter("a"); n != 2 {
		t.Errorf("second search of a: %d", n)
	}
	bs.leave("a")
	bs.leave("a")
	if n := bs.enter("a"); n != 1 {
		t.Errorf("after both ended: %d", n)
	}
	if n := bs.enter(""); n != 1 {
		t.Errorf("an unnamed caller: %d", n)
	}
}

// The clients remembered stay bounded however many there are, and a
// client over its budget is not forgotten (it would start afresh).
func TestClientBudgetBounded(t *testing.T) {
	bs := newBudgets(0, 1, 0)
	if err := bs.start("over", true); err != nil {
		t.Fatal(err)
	}
	bs.end("over", time.Hour)
	for i := range 3 * maxClientBudgets {
		c := string(rune(0x4e00 + i))
		if err := bs.start(c, false); err != nil {
			t.Fatal(err)
		}
		bs.end(c, time.Millisecond)
	}
	if n := len(bs.clients); n > maxClientBudgets {
		t.Errorf("%d clients remembered, at most %d", n, maxClientBudgets)
	}
	if err := bs.start("over", true); err == nil {
		t.Error("a client over its budget was forgotten")
	}
}

func TestWithClient(t *testing.T) {
	if c := clientOf(WithClient(context.Background(), "192.0.2.1")); c != "192.0.2.1" {
		t.Errorf("client %q", c)
	}
	if c := clientOf(context.Background()); c != "" {
		t.Errorf("client %q without one", c)
	}
}
