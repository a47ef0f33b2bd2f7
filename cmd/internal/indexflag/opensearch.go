package indexflag

import (
	"context"
	"errors"
	"fmt"
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
		idx, err := opensearch.Open(ctx, opensearch.Options{URLs: urls, Index: f.Alias, Shards: f.Shards, Replicas: f.Replicas,
			Rebuild: o.Rebuild, MustExist: !o.Create, Core: o.Core})
		switch {
		case errors.Is(err, opensearch.ErrNoIndex):
			return nil, &userError{fmt.Sprintf("OpenSearch 上还没有索引 %s，请先运行 gongkai index --engine opensearch --opensearch-index %s 路径…", f.Alias, f.Alias), ErrNoIndex}
		case errors.Is(err, opensearch.ErrStale):
			return nil, &userError{fmt.Sprintf("OpenSearch 索引 %s 与当前的分词不一致（建索引时用了另一份附加词表，或索引格式已更新）："+
				"请给出建索引时的同一词表（--lexicon），或运行 gongkai index --rebuild --engine opensearch --opensearch-index %s 路径… 重建", f.Alias, f.Alias), err}
		}
		return idx, err
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
