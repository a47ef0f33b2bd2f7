// Package indexflag holds what the gongkai commands share about reaching
// an index: the flags that choose the engine and where its index lives
// (--engine, --index, --opensearch), opening it with a bounded wait and
// a clear message when another process holds it, and a client that sends
// a search to the server that holds it.
package indexflag

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

// Engines.
const (
	Bleve      = "bleve"
	OpenSearch = "opensearch"
)

// Flags name an engine and its index.
type Flags struct {
	// Engine is Bleve (embedded, the default) or OpenSearch.
	Engine string
	// Dir is the bleve index folder.
	Dir string
	// URLs are the OpenSearch nodes, comma-separated.
	URLs string
	// Alias is the OpenSearch index alias.
	Alias string
	// Shards and Replicas shape a new OpenSearch index (0: the engine's
	// defaults).
	Shards, Replicas int
	// Lexicon lists extra word lists, separated as PATH is (':' on Unix):
	// the index remembers the words it was built with, so every command
	// that opens it needs the same lists.
	Lexicon string

	lexiconAdded bool
}

// DefaultDir is the bleve index folder: $GONGKAI_INDEX, else ./data/index.
func DefaultDir() string {
	if d := os.Getenv("GONGKAI_INDEX"); d != "" {
		return d
	}
	return "data/index"
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Add defines the flags on fs.
func Add(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	fs.StringVar(&f.Engine, "engine", envOr("GONGKAI_ENGINE", Bleve), "引擎：bleve（本地磁盘上的内置索引）或 opensearch（集群）；环境变量 GONGKAI_ENGINE")
	fs.StringVar(&f.Dir, "index", DefaultDir(), "bleve 引擎的索引目录；环境变量 GONGKAI_INDEX")
	fs.StringVar(&f.URLs, "opensearch", os.Getenv("GONGKAI_OPENSEARCH"), "OpenSearch 节点地址，逗号分隔；环境变量 GONGKAI_OPENSEARCH")
	fs.StringVar(&f.Alias, "opensearch-index", envOr("GONGKAI_OPENSEARCH_INDEX", "gongkai"), "OpenSearch 索引别名；环境变量 GONGKAI_OPENSEARCH_INDEX")
	fs.IntVar(&f.Shards, "opensearch-shards", 0, "新建 OpenSearch 索引的主分片数（0 为 1）")
	fs.IntVar(&f.Replicas, "opensearch-replicas", 0, "新建 OpenSearch 索引每个分片的副本数（0 为 1，-1 为不设副本）")
	fs.StringVar(&f.Lexicon, "lexicon", os.Getenv("GONGKAI_LEXICON"), "附加词表（每行一个词；多个文件用 "+string(filepath.ListSeparator)+" 分隔）；索引与检索须用同一词表；环境变量 GONGKAI_LEXICON")
	return f
}

// AddLexicon loads the word lists of --lexicon into the analyzer, once;
// it must run before the dictionary loads (Open runs it).
func (f *Flags) AddLexicon() error {
	if f.lexiconAdded {
		return nil
	}
	f.lexiconAdded = true
	return AddLexicons(f.Lexicon)
}

// AddLexicons loads the word lists of list (paths separated as PATH is)
// into the analyzer.
func AddLexicons(list string) error {
	for _, p := range filepath.SplitList(list) {
		if p == "" {
			continue
		}
		if err := analyzer.AddLexiconFile(p); err != nil {
			return fmt.Errorf("读取附加词表失败：%w", err)
		}
	}
	return nil
}

// Options say how to open an index.
type Options struct {
	// Create makes the index when there is none; otherwise a missing
	// index is an error that says how to build one.
	Create bool
	// Rebuild starts the index afresh: the bleve folder is deleted first;
	// OpenSearch builds a new physical index that searches see once
	// Publish is called.
	Rebuild bool
	// Command describes this process to others that find the index held.
	Command string
	// Bulk writes as bleve.Options.Bulk does: for a command that writes
	// again, when run again, whatever a killed run did not finish.
	Bulk bool
	// Core tunes the search core.
	Core search.Options
}

// ErrNoIndex is returned for an index that does not exist yet.
var ErrNoIndex = errors.New("no index")

// Describe names the index for messages.
func (f *Flags) Describe() string {
	if f.Engine == OpenSearch {
		return "OpenSearch " + f.URLs + " / " + f.Alias
	}
	return f.Dir
}

// Check reports a bad engine choice.
func (f *Flags) Check() error {
	switch f.Engine {
	case Bleve:
		return nil
	case OpenSearch:
		if strings.TrimSpace(f.URLs) == "" {
			return errors.New("--engine opensearch 需要 --opensearch URL[,URL…]（或环境变量 GONGKAI_OPENSEARCH）")
		}
		return nil
	}
	return fmt.Errorf("未知引擎 %q：可选 bleve 或 opensearch", f.Engine)
}

// Open opens the index the flags name and returns the search core over
// it. For bleve it waits a few seconds at most for an index another
// process holds, then returns a *bleve.LockedError; it gives up at once
// when ctx is done.
func (f *Flags) Open(ctx context.Context, o Options) (*search.Core, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if err := f.AddLexicon(); err != nil {
		return nil, err
	}
	switch f.Engine {
	case OpenSearch:
		return openOpenSearch(ctx, f, o)
	}
	if o.Rebuild {
		if err := bleve.Remove(ctx, f.Dir); err != nil {
			if Held(err) != nil {
				return nil, err
			}
			return nil, fmt.Errorf("删除旧索引失败：%w", err)
		}
	}
	if !o.Create && !bleve.IsIndex(f.Dir) {
		return nil, &userError{fmt.Sprintf("%s 中还没有索引，请先运行 gongkai index --index %s 路径…", f.Dir, f.Dir), ErrNoIndex}
	}
	idx, err := bleve.OpenWith(ctx, f.Dir, bleve.Options{Owner: bleve.Owner{Command: o.Command}, Bulk: o.Bulk, Core: o.Core})
	if errors.Is(err, bleve.ErrStale) {
		return nil, &userError{fmt.Sprintf("索引 %s 与当前的分词不一致（建索引时用了另一份附加词表，或索引格式已更新）："+
			"请给出建索引时的同一词表（--lexicon 或 GONGKAI_LEXICON），或运行 gongkai index --rebuild --index %s 路径… 重建", f.Dir, f.Dir), err}
	}
	return idx, err
}

// userError is an error with a message written for the user, wrapping
// the error a program tests for.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.err }

// openOpenSearch is replaced when the OpenSearch engine is built in.
var openOpenSearch = func(ctx context.Context, f *Flags, o Options) (*search.Core, error) {
	return nil, errors.New("此版本未内置 OpenSearch 引擎")
}

// Held returns the error that says another process holds the index, or
// nil.
func Held(err error) *bleve.LockedError {
	var le *bleve.LockedError
	if errors.As(err, &le) {
		return le
	}
	return nil
}

// HeldMessage explains a held index to a user who wanted to write to it.
func HeldMessage(le *bleve.LockedError) string {
	msg := fmt.Sprintf("索引 %s 正被另一个进程使用", le.Dir)
	if o := le.Owner; o != nil {
		msg += fmt.Sprintf("（进程 %d：%s", o.PID, o.Command)
		if o.Addr != "" {
			msg += "，服务地址 " + o.Addr
		}
		msg += "）"
		if o.Addr != "" {
			msg += "。请先停止该服务，或通过其接口写入：POST " + o.Addr + "/api/documents（需 GONGKAI_TOKEN）"
			return msg
		}
	}
	return msg + "。请等它结束或先停止它，再重试"
}
