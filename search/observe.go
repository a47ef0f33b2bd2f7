package search

import (
	"context"
	"time"
)

// observed is an engine whose every call is reported to observe.
type observed struct {
	Engine
	observe func(op string, took time.Duration, err error)
}

func (o *observed) done(op string, t0 time.Time, err error) error {
	o.observe(op, time.Since(t0), err)
	return err
}

func (o *observed) Write(ctx context.Context, docs []*IndexDoc) error {
	t0 := time.Now()
	return o.done("write", t0, o.Engine.Write(ctx, docs))
}

func (o *observed) Delete(ctx context.Context, ids ...string) error {
	t0 := time.Now()
	return o.done("delete", t0, o.Engine.Delete(ctx, ids...))
}

func (o *observed) Unchanged(ctx context.Context, hashes map[string]string) (map[string]bool, error) {
	t0 := time.Now()
	r, err := o.Engine.Unchanged(ctx, hashes)
	return r, o.done("unchanged", t0, err)
}

func (o *observed) Search(ctx context.Context, req *EngineRequest) (*EngineResult, error) {
	t0 := time.Now()
	r, err := o.Engine.Search(ctx, req)
	return r, o.done("search", t0, err)
}

func (o *observed) Documents(ctx context.Context, ids []string) (map[string]*Document, error) {
	t0 := time.Now()
	r, err := o.Engine.Documents(ctx, ids)
	return r, o.done("documents", t0, err)
}

func (o *observed) Count(ctx context.Context) (int, error) {
	t0 := time.Now()
	n, err := o.Engine.Count(ctx)
	return n, o.done("count", t0, err)
}

func (o *observed) Health(ctx context.Context) error {
	t0 := time.Now()
	return o.done("health", t0, o.Engine.Health(ctx))
}
