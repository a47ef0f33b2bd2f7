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
	if err := bs.allow("a", true); err != nil {
		t.Fatalf("a new client is refused: %v", err)
	}
	bs.spend("a", 1500*time.Millisecond) // one long search overdraws
	var busy *BusyError
	if err := bs.allow("a", true); !errors.As(err, &busy) {
		t.Fatalf("an overdrawn client is allowed: %v", err)
	}
	// 0.5 s of debt at a quarter of a second per second: 2 s.
	if busy.RetryAfter < 2*time.Second || busy.RetryAfter > 2*time.Second+10*time.Millisecond {
		t.Errorf("retry after %v, want 2 s", busy.RetryAfter)
	}
	if err := bs.allow("a", false); err != nil {
		t.Errorf("refused on a server that is not busy: %v", err)
	}
	if err := bs.allow("b", true); err != nil {
		t.Errorf("another client is refused: %v", err)
	}
	if err := bs.allow("", true); err != nil {
		t.Errorf("an unnamed caller is refused: %v", err)
	}
	now = now.Add(busy.RetryAfter)
	if err := bs.allow("a", true); err != nil {
		t.Errorf("refused after waiting as told: %v", err)
	}
	// Credit never grows past the burst.
	now = now.Add(time.Hour)
	bs.spend("a", 1100*time.Millisecond)
	if err := bs.allow("a", true); err == nil {
		t.Error("an hour of rest bought more than the burst")
	}
	// A negative share turns the budget off.
	var off *budgets = newBudgets(-1, 1, 0)
	off.spend("a", time.Hour)
	if err := off.allow("a", true); err != nil {
		t.Errorf("no budget, still refused: %v", err)
	}
}

// The clients remembered stay bounded however many there are.
func TestClientBudgetBounded(t *testing.T) {
	bs := newBudgets(0, 1, 0)
	for i := range 3 * maxClientBudgets {
		bs.spend(string(rune(0x4e00+i)), time.Second)
	}
	if n := len(bs.clients); n > maxClientBudgets {
		t.Errorf("%d clients remembered, at most %d", n, maxClientBudgets)
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
