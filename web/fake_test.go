package web

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/gongkai/gongkai/search"
)

// fakeIndex answers every search with a fixed result or a fixed error,
// or, when block is set, waits until the search's context ends and
// returns its error (a search whose client left).
type fakeIndex struct {
	result *search.Result
	// err, when set, is every search's answer.
	err   error
	block bool
	// started is closed when a blocking search has begun.
	started chan struct{}
}

func (f *fakeIndex) Put(context.Context, []*search.Document) error { return nil }
func (f *fakeIndex) Delete(context.Context, ...string) error       { return nil }
func (f *fakeIndex) Unchanged(context.Context, []*search.Document) (map[string]bool, error) {
	return map[string]bool{}, nil
}

func (f *fakeIndex) Search(ctx context.Context, q *search.Query, req *search.Request) (*search.Result, error) {
	if f.err != nil {
		return nil, f.err
	}
	if f.block {
		if f.started != nil {
			close(f.started)
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	res := *f.result
	res.Query, res.Page, res.Size, res.Mode = req.Query, req.Page, req.Size, req.Mode
	return &res, nil
}

func (f *fakeIndex) Document(context.Context, string) (*search.Document, error) {
	return nil, search.ErrNotFound
}

func (f *fakeIndex) Matches(context.Context, *search.Query, *search.Document) ([]search.Span, error) {
	return nil, nil
}

func (f *fakeIndex) Count() (uint64, error) { return 0, nil }
func (f *fakeIndex) Close() error           { return nil }

// newFakeServer returns a server on a fake index that logs nothing.
func newFakeServer(f *fakeIndex) *Server {
	s := New(Options{Log: zerolog.Nop()})
	s.SetIndex(f)
	return s
}
