package search

import (
	"context"
	"sync"
)

// slots is a counting semaphore whose waiters are served in order of
// arrival, with one exception: a later step of a request already under
// way (Run's relaxed search, after the query as typed found nothing)
// goes ahead of new requests, so that a request waits its turn once, not
// once per step.
type slots struct {
	mu   sync.Mutex
	free int
	// waiting holds the waiters' channels, closed to hand them a slot:
	// [0] later steps, [1] new requests.
	waiting [2][]chan struct{}
}

func newSlots(n int) *slots { return &slots{free: n} }

// acquire takes a slot, waiting until one is handed over or ctx ends;
// later marks a later step of a request under way.
func (s *slots) acquire(ctx context.Context, later bool) error {
	s.mu.Lock()
	if s.free > 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	lane := 1
	if later {
		lane = 0
	}
	ch := make(chan struct{})
	s.waiting[lane] = append(s.waiting[lane], ch)
	s.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for i, w := range s.waiting[lane] {
		if w == ch {
			s.waiting[lane] = append(s.waiting[lane][:i], s.waiting[lane][i+1:]...)
			s.mu.Unlock()
			return ctx.Err()
		}
	}
	s.mu.Unlock()
	// A slot was handed over as the wait ended: pass it on.
	s.release()
	return ctx.Err()
}

// release gives a slot back: to the first waiting later step, else to the
// first waiting new request, else to the pool.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for lane, q := range s.waiting {
		if len(q) > 0 {
			s.waiting[lane] = q[1:]
			close(q[0])
			return
		}
	}
	s.free++
}

// laterStepKey marks the context of a later step of a request (see slots).
type laterStepKey struct{}

// laterStep returns ctx marked as a later step of the request under way.
func laterStep(ctx context.Context) context.Context {
	return context.WithValue(ctx, laterStepKey{}, true)
}

func isLaterStep(ctx context.Context) bool { return ctx.Value(laterStepKey{}) != nil }
