package main

import (
	"context"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
)

// sampleSmallIndex bounds the indexes checked for an unfinished sample:
// larger ones are nobody's sample.
const sampleSmallIndex = 1000

// sampleNeeded reports whether the bundled sample should be indexed into
// idx: the index is empty, or holds nothing but part of the sample (the
// first start of a server was stopped while indexing it). An index with
// other documents is left alone.
func sampleNeeded(ctx context.Context, idx search.Index) (need, resume bool, err error) {
	n, err := idx.Count()
	if err != nil || n == 0 {
		return err == nil, false, err
	}
	if n >= sampleSmallIndex {
		return false, false, nil
	}
	// Read the sample without writing it, asking the index which of its
	// documents it already holds.
	probe := &sampleProbe{Index: idx}
	if _, err := indexer.Run(ctx, probe, []string{"sample"}, indexer.Options{FS: sample}); err != nil {
		return false, false, err
	}
	partial := probe.held == int(n) && probe.held < probe.docs
	return partial, partial, nil
}

// sampleProbe counts the sample's documents and those the index holds,
// and writes nothing.
type sampleProbe struct {
	search.Index
	docs, held int
}

func (p *sampleProbe) Unchanged(ctx context.Context, docs []*search.Document) (map[string]bool, error) {
	have, err := p.Index.Unchanged(ctx, docs)
	if err != nil {
		return nil, err
	}
	all := make(map[string]bool, len(docs))
	for _, d := range docs {
		p.docs++
		if have[d.ID] {
			p.held++
		}
		all[d.ID] = true
	}
	return all, nil
}

func (p *sampleProbe) Put(context.Context, []*search.Document) error { return nil }
