// Command plainbleve is the baseline gongkai is measured against: bleve
// with gse the way a newcomer would wire them — one bleve document per
// document (title and body), gse's embedded dictionary in accurate mode,
// bleve's default scoring and its HTML highlighter.
//
//	plainbleve index DIR CORPUS...      build the index
//	plainbleve serve DIR ADDR           GET /search?q= (every word required, top 10, highlights)
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/go-ego/gse"
)

var seg gse.Segmenter

type gseTokenizer struct{}

// Tokenize uses gse's Segment, which gives byte offsets.
func (gseTokenizer) Tokenize(b []byte) analysis.TokenStream {
	var out analysis.TokenStream
	pos := 1
	for _, s := range seg.Segment(b) {
		text := strings.TrimSpace(string(b[s.Start():s.End()]))
		if text == "" || strings.ContainsAny(text, "，。、；：？！“”（）《》,.;:?!\"()") && len([]rune(text)) == 1 {
			continue
		}
		out = append(out, &analysis.Token{Term: []byte(strings.ToLower(text)), Start: s.Start(), End: s.End(), Position: pos, Type: analysis.Ideographic})
		pos++
	}
	return out
}

func init() {
	_ = registry.RegisterTokenizer("gse", func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) { return gseTokenizer{}, nil })
}

func newMapping() *mapping.IndexMappingImpl {
	m := blevelib.NewIndexMapping()
	if err := m.AddCustomAnalyzer("gse", map[string]interface{}{"type": "custom", "tokenizer": "gse"}); err != nil {
		panic(err)
	}
	m.DefaultAnalyzer = "gse"
	return m
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: plainbleve index DIR CORPUS... | plainbleve serve DIR ADDR")
		os.Exit(2)
	}
	t0 := time.Now()
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		panic(err)
	}
	fmt.Fprintf(os.Stderr, "dictionary loaded in %v\n", time.Since(t0))
	switch os.Args[1] {
	case "index":
		if err := index(os.Args[2], os.Args[3:]); err != nil {
			fmt.Fprintln(os.Stderr, "plainbleve:", err)
			os.Exit(1)
		}
	case "serve":
		if err := serve(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "plainbleve:", err)
			os.Exit(1)
		}
	}
}

func index(dir string, roots []string) error {
	idx, err := blevelib.New(dir, newMapping())
	if err != nil {
		return err
	}
	defer idx.Close()
	batch := idx.NewBatch()
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".jsonl") {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 1<<26)
			for sc.Scan() {
				var r struct {
					ID    string  `json:"id"`
					Title *string `json:"title"`
					Body  *string `json:"body"`
				}
				if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
					return err
				}
				doc := map[string]string{"title": deref(r.Title), "body": deref(r.Body)}
				if err := batch.Index(r.ID, doc); err != nil {
					return err
				}
				if batch.Size() >= 100 {
					if err := idx.Batch(batch); err != nil {
						return err
					}
					batch = idx.NewBatch()
				}
			}
			return sc.Err()
		})
		if err != nil {
			return err
		}
	}
	return idx.Batch(batch)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func serve(dir, addr string) error {
	idx, err := blevelib.Open(dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	http.HandleFunc("/search", func(w http.ResponseWriter, r *http.Request) {
		mq := query.NewMatchQuery(r.URL.Query().Get("q"))
		mq.SetOperator(query.MatchQueryOperatorAnd)
		req := blevelib.NewSearchRequestOptions(mq, 10, 0, false)
		req.Highlight = blevelib.NewHighlightWithStyle("html")
		req.Fields = []string{"title"}
		res, err := idx.SearchInContext(r.Context(), req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res)
	})
	return http.ListenAndServe(addr, nil)
}
