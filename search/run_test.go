package search

import (
	"context"
	"testing"
	"time"
)

// stepIndex finds nothing and records the deadline each step of Run was
// given.
type stepIndex struct {
	Index
	deadlines []time.Time
}

func (s *stepIndex) step(ctx context.Context) {
	d, _ := ctx.Deadline()
	s.deadlines = append(s.deadlines, d)
}

func (s *stepIndex) Search(ctx context.Context, q *Query, req *Request) (*Result, error) {
	s.step(ctx)
	return &Result{}, nil
}

func (s *stepIndex) Suggest(ctx context.Context, q *Query) (string, error) {
	s.step(ctx)
	return "", nil
}

func (s *stepIndex) Deadline() time.Duration { return time.Minute }

// A query that finds nothing is searched, corrected and relaxed within one
// deadline, not one per step.
func TestRunSharesOneDeadline(t *testing.T) {
	idx := &stepIndex{}
	if _, err := Run(context.Background(), idx, Request{Query: "量子纠缠超导体"}); err != nil {
		t.Fatal(err)
	}
	if len(idx.deadlines) != 3 {
		t.Fatalf("%d steps, want search, suggestion and relaxed search", len(idx.deadlines))
	}
	for i, d := range idx.deadlines {
		if d.IsZero() || !d.Equal(idx.deadlines[0]) {
			t.Errorf("step %d: deadline %v, want %v for every step", i, d, idx.deadlines[0])
		}
	}
}

// busyIndex finds nothing as typed and refuses the relaxed search for the
// client's budget, as the core does for a client over its share.
type busyIndex struct{ stepIndex }

func (b *busyIndex) Search(ctx context.Context, q *Query, req *Request) (*Result, error) {
	if q.Relaxed {
		return nil, &BusyError{RetryAfter: time.Second}
	}
	return &Result{}, nil
}

func (b *busyIndex) Suggest(ctx context.Context, q *Query) (string, error) { return "放管服", nil }

// A keyword search is no costly search to refuse: when its relaxed retry
// is over the client's budget, the answer is what it found as typed, and
// its suggestion.
func TestRunRelaxedOverBudget(t *testing.T) {
	res, err := Run(context.Background(), &busyIndex{}, Request{Query: "放官服 改革"})
	if err != nil || res.Relaxed || res.Suggestion != "放管服" {
		t.Errorf("%+v, %v", res, err)
	}
}
