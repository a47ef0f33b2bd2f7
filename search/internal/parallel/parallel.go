// Package parallel runs the same work on many items on every core.
package parallel

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Each calls fn(i) for every i from 0 to n-1 on at most workers
// goroutines, handing out items in order, and returns the errors fn
// returned, joined in the order of their items. It hands out no more
// items once ctx is done, and then returns ctx's error.
func Each(ctx context.Context, n, workers int, fn func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				errs[i] = fn(i)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}
