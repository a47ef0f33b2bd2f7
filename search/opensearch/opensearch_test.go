package opensearch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/searchtest"
)

// The tests that need a cluster run when GONGKAI_OPENSEARCH names its
// nodes (comma-separated URLs) and are skipped otherwise, unless CI is
// set: then a missing cluster fails them. Every test works in indexes of
// its own, named gongkai-test-…, and deletes them.

func clusterURLs(t *testing.T) []string {
	t.Helper()
	v := os.Getenv("GONGKAI_OPENSEARCH")
	if v == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but GONGKAI_OPENSEARCH is not: the OpenSearch engine must be tested against a cluster")
		}
		t.Skip("GONGKAI_OPENSEARCH is not set (comma-separated URLs of an OpenSearch cluster)")
	}
	return strings.Split(v, ",")
}

func testName(t *testing.T) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("gongkai-test-%d-%s", time.Now().UnixNano(), hex.EncodeToString(b[:]))
}

// testOptions are the options of a test index: three shards (term
// statistics must be the whole index's), one replica (pages must not mix
// copies).
func testOptions(t *testing.T) Options {
	return Options{URLs: clusterURLs(t), Index: testName(t), Shards: 3, Replicas: 1}
}

// openEngine opens a fresh engine and deletes its indexes when the test
// ends.
func openEngine(t *testing.T, o Options) *Engine {
	t.Helper()
	ctx := context.Background()
	e, err := OpenEngine(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.DeleteIndex(ctx); err != nil {
			t.Errorf("delete test index: %v", err)
		}
		e.Close()
	})
	return e
}

func openCore(t *testing.T) search.Index {
	t.Helper()
	return search.NewCore(openEngine(t, testOptions(t)), search.Options{})
}

// TestConformance runs the suite every engine must pass.
func TestConformance(t *testing.T) {
	clusterURLs(t)
	searchtest.Run(t, openCore)
}

func ptr(s string) *string { return &s }

// The gram layer reaches the index with its positions: terms of one
// position stacked, one empty position at every skip.
func TestGramValues(t *testing.T) {
	toks := analyzer.Grams("2022年经济")
	var terms []string
	var pos []int32
	for _, tk := range toks {
		terms = append(terms, tk.Term)
		pos = append(pos, int32(tk.Position))
	}
	// A second paragraph two positions on, as bodyGrams leaves it.
	terms = append(terms, "九", "九龙", "龙")
	pos = append(pos, pos[len(pos)-1]+2, pos[len(pos)-1]+2, pos[len(pos)-1]+3)
	got, err := gramValues(terms, pos)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2022 年|年经 经济 济", "九|九龙 龙"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("gramValues = %q, want %q", got, want)
	}
	// Out of order, the same.
	n := len(terms)
	terms[0], terms[n-1] = terms[n-1], terms[0]
	pos[0], pos[n-1] = pos[n-1], pos[0]
	if got2, _ := gramValues(terms, pos); strings.Join(got2, "\n") != strings.Join(want, "\n") {
		t.Errorf("unsorted: %q", got2)
	}
}

// Terms a whitespace analyzer would split or cut get a form it keeps
// whole, the same at index and query time, distinct for distinct terms.
func TestSafeTerm(t *testing.T) {
	long := strings.Repeat("a", 300)
	for _, term := range []string{"a b", "x|y", "", long, long + "b", strings.Repeat("𠀀", 200)} {
		s := safeTerm(term)
		if s == term || strings.IndexFunc(s, unsafeRune) >= 0 || utf16Len(s) > maxTerm || s == "" {
			t.Errorf("safeTerm(%.20q) = %.40q", term, s)
		}
	}
	if safeTerm(long) == safeTerm(long+"b") {
		t.Error("two long terms share a form")
	}
	for _, term := range []string{"经济", "2022", "5.2", "%", "c919"} {
		if safeTerm(term) != term {
			t.Errorf("safeTerm(%q) = %q", term, safeTerm(term))
		}
	}
}

// A query with more phrase slots than Lucene allows clauses scores its
// phrases by Lucene's phrase score instead of per slot.
func TestClauseBudget(t *testing.T) {
	small := &search.Bool{Must: []search.Node{&search.Phrase{Field: search.FieldBodyGrams, Slots: []string{"经济", "济发", "发展"}, Weight: 1}}}
	if !newTranslator(small, nil).expandPhrases {
		t.Error("a short phrase is not scored per slot")
	}
	slots := make([]string, 600)
	for i := range slots {
		slots[i] = fmt.Sprint(i)
	}
	big := &search.Bool{Must: []search.Node{
		&search.Phrase{Field: search.FieldBodyGrams, Slots: slots, Weight: 1},
		&search.Phrase{Field: search.FieldTitleGrams, Slots: slots, Weight: 3},
	}}
	if newTranslator(big, nil).expandPhrases {
		t.Error("1200 slots are scored per slot")
	}
}

// A document the cluster refuses is named in the error; the others of
// the batch are written.
func TestWriteReportsFailedDocuments(t *testing.T) {
	e := openEngine(t, testOptions(t))
	ctx := context.Background()
	var docs []*search.IndexDoc
	for i, body := range []string{"推进依法行政", "加强监督管理", "深化改革"} {
		d, _ := indexer.FromRecord(&indexer.Record{ID: fmt.Sprintf("w%d", i), Title: ptr("通知"), Body: ptr(body)})
		ad, err := search.Analyze(d)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, ad)
	}
	docs[1].Date = "2019-02-30" // not a date: the cluster refuses the document
	err := e.Write(ctx, docs)
	var be *BulkError
	if !errors.As(err, &be) || len(be.Failed) != 1 || be.Failed["w1"] == "" || be.Total != 3 {
		t.Fatalf("err = %v, want a BulkError naming w1", err)
	}
	if !strings.Contains(err.Error(), "w1") {
		t.Errorf("message %q does not name w1", err)
	}
	if n, _ := e.Count(ctx); n != 2 {
		t.Errorf("count %d, want the 2 good documents", n)
	}
}

// A node that does not answer is passed over: every request succeeds on
// the others.
func TestDeadNodeIsPassedOver(t *testing.T) {
	o := testOptions(t)
	o.URLs = append([]string{"http://127.0.0.1:1"}, o.URLs...)
	e := openEngine(t, o)
	idx := search.NewCore(e, search.Options{})
	ctx := context.Background()
	d, _ := indexer.FromRecord(&indexer.Record{ID: "n1", Title: ptr("关于节点的通知"), Body: ptr("集群节点故障转移测试。")})
	for i := 0; i < 6; i++ {
		if err := idx.Put(ctx, []*search.Document{d}); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
		res, err := search.Run(ctx, idx, search.Request{Query: "故障转移"})
		if err != nil || res.Total != 1 {
			t.Fatalf("search %d: %v %+v", i, err, res)
		}
	}
	if err := e.Health(ctx); err != nil {
		t.Errorf("health: %v", err)
	}
}

// A rebuild is invisible through the alias until Publish, which swaps the
// alias to it and deletes the old index.
func TestRebuildPublish(t *testing.T) {
	ctx := context.Background()
	o := testOptions(t)
	old := openEngine(t, o)
	reader := search.NewCore(old, search.Options{})
	put := func(idx search.Index, id, body string) {
		d, _ := indexer.FromRecord(&indexer.Record{ID: id, Title: ptr("通知"), Body: ptr(body)})
		if err := idx.Put(ctx, []*search.Document{d}); err != nil {
			t.Fatal(err)
		}
	}
	total := func(idx search.Index, q string) int {
		res, err := search.Run(ctx, idx, search.Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	put(reader, "a", "旧版本的正文内容")

	o.Rebuild = true
	building, err := OpenEngine(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer building.Close()
	writer := search.NewCore(building, search.Options{})
	if n, _ := writer.Count(); n != 0 {
		t.Fatalf("a rebuild starts with %d documents", n)
	}
	put(writer, "b", "新版本的正文内容")
	if total(writer, `"新版本"`) != 1 || total(reader, `"新版本"`) != 0 || total(reader, `"旧版本"`) != 1 {
		t.Fatal("the rebuild is visible through the alias before Publish, or not to itself")
	}
	oldPhysical := old.physical
	if err := building.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	if total(reader, `"新版本"`) != 1 || total(reader, `"旧版本"`) != 0 {
		t.Error("after Publish the alias does not show the rebuild")
	}
	if err := call[noBody](ctx, building.client, "HEAD", "/"+oldPhysical, nil, nil, nil); !isStatus(err, 404) {
		t.Errorf("old index %s still there after Publish: %v", oldPhysical, err)
	}
	// The engine that built it goes on through the alias.
	put(writer, "c", "发布之后写入")
	if total(reader, `"发布之后"`) != 1 {
		t.Error("a write after Publish is not searchable through the alias")
	}
}

// An abandoned rebuild (closed without Publish) leaves nothing behind.
func TestAbandonedRebuildIsDeleted(t *testing.T) {
	ctx := context.Background()
	o := testOptions(t)
	o.Rebuild = true
	e, err := OpenEngine(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	name := e.building
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	check, err := OpenEngine(ctx, Options{URLs: o.URLs, Index: testName(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { check.DeleteIndex(ctx); check.Close() }()
	if err := call[noBody](ctx, check.client, "HEAD", "/"+name, nil, nil, nil); !isStatus(err, 404) {
		t.Errorf("abandoned index %s still there: %v", name, err)
	}
}

// Servers starting together on an empty cluster share one index: the
// first index of an alias has a fixed name, so only one creation wins.
func TestConcurrentFirstOpen(t *testing.T) {
	o := testOptions(t)
	ctx := context.Background()
	engines := make([]*Engine, 3)
	errs := make([]error, 3)
	done := make(chan int)
	for i := range engines {
		go func(i int) {
			engines[i], errs[i] = OpenEngine(ctx, o)
			done <- i
		}(i)
	}
	for range engines {
		<-done
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("engine %d: %v", i, err)
		}
	}
	t.Cleanup(func() {
		if err := engines[0].DeleteIndex(ctx); err != nil {
			t.Errorf("delete test index: %v", err)
		}
		for _, e := range engines {
			e.Close()
		}
	})
	behind, err := engines[0].aliasIndexes(ctx)
	if err != nil || len(behind) != 1 {
		t.Fatalf("alias %s points to %v (%v)", o.Index, behind, err)
	}
	for i, e := range engines {
		if e.physical != behind[0] {
			t.Errorf("engine %d writes to %s, the alias points to %s", i, e.physical, behind[0])
		}
	}
}
