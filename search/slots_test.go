package search

import (
	"context"
	"errors"
	"testing"
	"time"
)

// gateEngine answers every search with nothing, holding each until gate
// closes and telling entered of it.
type gateEngine struct {
	Engine  // nil: only Search and Documents are called
	gate    chan struct{}
	entered chan struct{}
}

func (e *gateEngine) Search(ctx context.Context, req *EngineRequest) (*EngineResult, error) {
	e.entered <- struct{}{}
	select {
	case <-e.gate:
		return &EngineResult{}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (e *gateEngine) Documents(ctx context.Context, ids []string) (map[string]*Document, error) {
	return map[string]*Document{}, nil
}

// With every search slot taken, a search waits its turn, and one whose
// deadline passes while waiting says so without reaching the engine.
func TestSearchSlots(t *testing.T) {
	e := &gateEngine{gate: make(chan struct{}), entered: make(chan struct{}, 64)}
	c := NewCore(e, Options{SearchSlots: 1, Deadline: time.Hour})
	q, err := Parse("放管服")
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{Page: 1, Size: 10}
	first := make(chan error, 1)
	go func() {
		_, err := c.Search(context.Background(), q, req)
		first <- err
	}()
	<-e.entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Search(ctx, q, req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a search while the only slot is taken: %v, want a deadline error", err)
	}
	select {
	case <-e.entered:
		t.Fatal("the waiting search reached the engine")
	default:
	}
	second := make(chan error, 1)
	go func() {
		_, err := c.Search(context.Background(), q, req)
		second <- err
	}()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-e.entered:
		t.Fatal("a second search ran beside the first")
	default:
	}
	close(e.gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}

// A heavy search that waits for a search slot is not charged to its
// client's budget for the wait, only for its run.
func TestHeavyBudgetNotChargedForWaiting(t *testing.T) {
	e := &gateEngine{gate: make(chan struct{}), entered: make(chan struct{}, 64)}
	c := NewCore(e, Options{SearchSlots: 1, Deadline: time.Hour})
	cheap, err := Parse("放管服")
	if err != nil {
		t.Fatal(err)
	}
	heavy, err := Parse("公司拖欠工资怎么办")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := newPlan(heavy, c.ranking); err != nil || !p.heavy {
		t.Fatalf("the question should be a heavy search (%v)", err)
	}
	req := &Request{Page: 1, Size: 10}
	other := make(chan error, 1)
	go func() {
		_, err := c.Search(WithClient(context.Background(), "other"), cheap, req)
		other <- err
	}()
	<-e.entered // another client's search holds the only slot
	done := make(chan error, 1)
	go func() {
		_, err := c.Search(WithClient(context.Background(), "x"), heavy, req)
		done <- err
	}()
	time.Sleep(300 * time.Millisecond) // x waits for the slot
	close(e.gate)
	if err := <-other; err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.budgets.mu.Lock()
	b := c.budgets.clients["x"]
	c.budgets.mu.Unlock()
	if b == nil {
		t.Fatal("no budget kept for the client")
	}
	if spent := c.budgets.burst - b.credit; spent > 150*time.Millisecond {
		t.Errorf("the client was charged %v for a search that waited 300 ms and ran at once", spent)
	}
}
