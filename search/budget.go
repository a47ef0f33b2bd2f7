package search

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// DefaultClientHeavyShare and DefaultClientHeavyBurst are the heavy-search
// budget of one client unless Options say otherwise: a quarter of the
// heavy slots' time on average (on two CPUs, one slot: a quarter of a
// CPU), after two seconds of heavy work at once. The budget is enforced
// only while other searches are running: a person who asks a question a
// second (20–60 ms each) never meets it, and neither does a lone client on
// an idle server; a script sending the costliest queries back to back
// beside other users is held to its quarter, so the others' questions
// wait less for it.
const (
	DefaultClientHeavyShare = 0.25
	DefaultClientHeavyBurst = 2 * time.Second
)

// maxClientBudgets bounds the clients remembered at once; beyond it,
// clients whose budget is full again are forgotten.
const maxClientBudgets = 4096

// clientHeavyInFlight is how many heavy searches one client may have
// started at once (running or waiting for a slot) while others search:
// its budget is charged when a search ends, so forty sent at once would
// otherwise all pass; a few at once are people behind one address (an
// office, a campus, a carrier's NAT).
const clientHeavyInFlight = 4

type clientKey struct{}

// chargedKey marks a context whose heavy work is already charged to its
// client as a whole (Core.Charge).
type chargedKey struct{}

// WithClient returns ctx naming the client a search is for (the web
// front end passes its address). Heavy searches of one named client share
// a time budget (Options.ClientHeavyShare); searches without a client,
// such as the command line's, are not limited.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// clientOf returns the client whose budget a search counts against: none
// inside work charged as a whole.
func clientOf(ctx context.Context) string {
	if ctx.Value(chargedKey{}) != nil {
		return ""
	}
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}

// BusyError is returned for a heavy search of a client that has spent its
// heavy-search budget; cheap searches of the same client still run.
type BusyError struct {
	// RetryAfter is when the client's budget allows a heavy search again.
	RetryAfter time.Duration
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("too many costly searches from one client: retry after %s", e.RetryAfter.Round(time.Millisecond))
}

// budgets is a token bucket of heavy-search time per client: a client
// starts with burst, earns rate seconds per second up to burst, and
// spends the time its heavy searches hold a slot. While other clients
// search, a client may also have at most clientHeavyInFlight heavy
// searches started. It also counts each client's searches running, to
// tell whether other clients are searching.
type budgets struct {
	rate  float64
	burst time.Duration
	now   func() time.Time

	mu      sync.Mutex
	clients map[string]*budget
}

type budget struct {
	credit  time.Duration
	at      time.Time
	running int // heavy searches started and not ended
	active  int // searches of any kind running (enter/leave)
}

// newBudgets returns the budgets of clients that may each hold share of
// slots heavy slots' time; nil (no limit) for a negative share.
func newBudgets(share float64, slots int, burst time.Duration) *budgets {
	if share < 0 {
		return nil
	}
	if share == 0 {
		share = DefaultClientHeavyShare
	}
	if burst <= 0 {
		burst = DefaultClientHeavyBurst
	}
	rate := share * float64(max(slots, 1))
	return &budgets{rate: rate, burst: burst, now: time.Now, clients: map[string]*budget{}}
}

// enter counts a search of client as running and returns how many of its
// searches run now, this one included; leave must follow.
func (bs *budgets) enter(client string) int {
	if bs == nil || client == "" {
		return 1
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b := bs.clients[client]
	if b == nil {
		b = bs.add(client, bs.now())
	}
	b.active++
	return b.active
}

// leave ends a search counted by enter.
func (bs *budgets) leave(client string) {
	if bs == nil || client == "" {
		return
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if b := bs.clients[client]; b != nil {
		b.active--
	}
}

// refill brings b's credit up to now; the caller holds mu.
func (bs *budgets) refill(b *budget, now time.Time) {
	earned := time.Duration(float64(now.Sub(b.at)) * bs.rate)
	b.credit = min(b.credit+earned, bs.burst)
	b.at = now
}

// start lets client start a heavy search, or says how long it must wait;
// when no other client is searching (busy false) it starts whatever its
// budget. Every start without an error must be followed by one end.
func (bs *budgets) start(client string, busy bool) error {
	if bs == nil || client == "" {
		return nil
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	now := bs.now()
	b := bs.clients[client]
	if b == nil {
		b = bs.add(client, now)
	}
	bs.refill(b, now)
	if busy {
		if b.credit <= 0 {
			wait := time.Duration(math.Ceil(float64(-b.credit)/bs.rate)) + time.Millisecond
			return &BusyError{RetryAfter: wait}
		}
		if b.running >= clientHeavyInFlight {
			return &BusyError{RetryAfter: time.Second}
		}
	}
	b.running++
	return nil
}

// end charges client for took of heavy work at the end of a search it
// started.
func (bs *budgets) end(client string, took time.Duration) {
	if bs == nil || client == "" {
		return
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b := bs.clients[client]
	if b == nil {
		return // cannot happen: a client with searches running is kept
	}
	bs.refill(b, bs.now())
	b.credit -= took
	b.running--
}

// add remembers a new client with a full budget, forgetting others when
// there are too many; the caller holds mu.
func (bs *budgets) add(client string, now time.Time) *budget {
	if len(bs.clients) >= maxClientBudgets {
		bs.forgetFull(now)
		// Many clients at once: those with credit left start afresh
		// (clients over their budget or with searches running are kept).
		for k, b := range bs.clients {
			if len(bs.clients) < maxClientBudgets*3/4 {
				break // room for a while before the next sweep
			}
			if b.running == 0 && b.active == 0 && b.credit > 0 {
				delete(bs.clients, k)
			}
		}
	}
	b := &budget{credit: bs.burst, at: now}
	bs.clients[client] = b
	return b
}

// forgetFull drops the clients whose budget is full again and that have
// no search running (they would start afresh with the same credit); the
// caller holds mu.
func (bs *budgets) forgetFull(now time.Time) {
	for k, b := range bs.clients {
		bs.refill(b, now)
		if b.credit >= bs.burst && b.running == 0 && b.active == 0 {
			delete(bs.clients, k)
		}
	}
}
