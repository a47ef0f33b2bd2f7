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

// gatedCore returns a gate engine and a core over it with one search slot.
func gatedCore() (*gateEngine, *Core) {
	e := &gateEngine{gate: make(chan struct{}), entered: make(chan struct{}, 64)}
	return e, NewCore(e, Options{SearchSlots: 1, Deadline: time.Hour})
}

func (e *gateEngine) Documents(ctx context.Context, ids []string) (map[string]*Document, error) {
	return map[string]*Document{}, nil
}

// With every search slot taken, a search waits its turn, and one whose
// deadline passes while waiting says so without reaching the engine.
func TestSearchSlots(t *testing.T) {
	e, c := gatedCore()
	q := mustParse(t, "放管服")
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
	e, c := gatedCore()
	cheap, heavy := mustParse(t, "放管服"), mustParse(t, "公司拖欠工资怎么办")
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

// waiters returns how many wait in each lane of s.
func (s *slots) waiters() (later, fresh int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiting[0]), len(s.waiting[1])
}

// waitFor polls until s has the given waiters.
func waitFor(t *testing.T, s *slots, later, fresh int) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if l, f := s.waiters(); l == later && f == fresh {
			return
		}
		time.Sleep(time.Millisecond)
	}
	l, f := s.waiters()
	t.Fatalf("waiters: %d later, %d new; want %d, %d", l, f, later, fresh)
}

// Waiters get a freed slot in order of arrival, a later step of a request
// under way before new requests; one whose wait ends leaves its place,
// and a slot handed to it as the wait ends goes on to the next.
func TestSlotsLaterStepsFirst(t *testing.T) {
	s := newSlots(1)
	if err := s.acquire(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 4)
	wait := func(name string, ctx context.Context, later bool) {
		if err := s.acquire(ctx, later); err != nil {
			got <- name + " gave up"
			return
		}
		got <- name
	}
	go wait("new 1", context.Background(), false)
	waitFor(t, s, 0, 1)
	gone, cancel := context.WithCancel(context.Background())
	go wait("new 2, gone", gone, false)
	waitFor(t, s, 0, 2)
	go wait("later", context.Background(), true)
	waitFor(t, s, 1, 2)
	cancel()
	if g := <-got; g != "new 2, gone gave up" {
		t.Fatalf("%s, want the cancelled waiter to give up", g)
	}
	waitFor(t, s, 1, 1)
	for _, want := range []string{"later", "new 1"} {
		s.release()
		if g := <-got; g != want {
			t.Fatalf("the freed slot went to %s, want %s", g, want)
		}
	}
	s.release()
	if s.free != 1 {
		t.Fatalf("%d free slots after all left, want 1", s.free)
	}
	// A slot handed over just as the wait ends is passed on, not lost.
	for i := 0; i < 200; i++ {
		s := newSlots(1)
		if err := s.acquire(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.acquire(ctx, false) }()
		waitFor(t, s, 0, 1)
		go cancel()
		s.release()
		if err := <-done; err == nil {
			s.release()
		}
		if l, f := s.waiters(); s.free != 1 || l+f != 0 {
			t.Fatalf("round %d: %d free slots and %d waiters after all left, want 1 and 0", i, s.free, l+f)
		}
		cancel()
	}
}
