package indexflag

import (
	"context"
	"strings"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/opensearch"
)

func init() {
	openOpenSearch = func(ctx context.Context, f *Flags, o Options) (*search.Core, error) {
		var urls []string
		for _, u := range strings.Split(f.URLs, ",") {
			if u = strings.TrimSpace(u); u != "" {
				urls = append(urls, u)
			}
		}
		return opensearch.Open(ctx, opensearch.Options{URLs: urls, Index: f.Alias, Shards: f.Shards, Replicas: f.Replicas,
			Rebuild: o.Rebuild, Core: o.Core})
	}
}

// Publishes reports whether a rebuilt index of idx waits for Publish
// before searches see it (OpenSearch); bleve rebuilds in place.
func Publishes(idx *search.Core) bool {
	_, ok := idx.Engine().(interface{ Publish(context.Context) error })
	return ok
}

// Publish makes a rebuilt index the one searches see (OpenSearch swaps
// its alias); for bleve, which rebuilds in place, it does nothing.
func Publish(ctx context.Context, idx *search.Core) error {
	if p, ok := idx.Engine().(interface{ Publish(context.Context) error }); ok {
		return p.Publish(ctx)
	}
	return nil
}
