package bleve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gongkai/gongkai/search"
)

var (
	fuzzOnce sync.Once
	fuzzDir  string
	fuzzIdx  *Index
	fuzzErr  error
)

// TestMain removes the fuzz index after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if fuzzIdx != nil {
		fuzzIdx.Close()
	}
	if fuzzDir != "" {
		os.RemoveAll(fuzzDir)
	}
	os.Exit(code)
}

// FuzzSearch sends arbitrary queries through search.Run on the test
// corpus: no panic, no error but a QueryError, and snippets whose only
// markup is <mark>. `go test` runs the seeds; `go test -fuzz FuzzSearch
// ./search/bleve` explores.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"放管服", `"双随机、一公开" year:2019`, "公司拖欠工资怎么办", strings.Repeat("的 ", 249),
		strings.Repeat("的 OR ", 99) + "的", "的 是 在 和", "<script>alert(1)</script>", "&lt;mark&gt;", `"<mark>"`,
		"国发〔2019〕5号", "-放管服 营商环境", "from:2019 to:2019-02", "title:条例 重庆", "role:plan 新质生产力", "\x00\x07\x1b",
		strings.Repeat("营商环境", 120),
		// Found by the hostile query corpus: a spelling check of a single
		// character asked bleve for unscored prefix matches with BM25
		// statistics, which failed (500).
		`可 OR 产"  OR "  -应当 OR  OR "标准政策实施"的 - - - 面会多 -`, `会" -"  OR  ""同" -产 -"  OR  OR  -机制 OR 得"说"推进政府 - `} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	fuzzOnce.Do(func() {
		fuzzDir, fuzzErr = os.MkdirTemp("", "gongkai-fuzz")
		if fuzzErr != nil {
			return
		}
		fuzzIdx, fuzzErr = Open(filepath.Join(fuzzDir, "index"))
		if fuzzErr == nil {
			fuzzErr = fuzzIdx.Put(context.Background(), testDocs(f))
		}
	})
	if fuzzErr != nil {
		f.Fatal(fuzzErr)
	}
	f.Fuzz(func(t *testing.T, q string, mode uint8) {
		req := search.Request{Query: q, Size: 20}
		if mode%2 == 1 {
			req.Mode = search.ModePassages
		}
		res, err := search.Run(context.Background(), fuzzIdx, req)
		if err != nil {
			var qe *search.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("%q: %v", q, err)
			}
			return
		}
		if len(res.Hits) > req.Size {
			t.Fatalf("%q: %d hits for size %d", q, len(res.Hits), req.Size)
		}
		for _, h := range res.Hits {
			for _, s := range h.Sections {
				bare := strings.ReplaceAll(strings.ReplaceAll(s.Snippet, "<mark>", ""), "</mark>", "")
				if strings.ContainsAny(bare, "<>") || strings.Count(s.Snippet, "<mark>") != strings.Count(s.Snippet, "</mark>") {
					t.Fatalf("%q: snippet with markup: %q", q, s.Snippet)
				}
			}
		}
	})
}
