// Package searchtest is the conformance suite every engine must pass: the
// test corpus indexed through search.Core over the engine, and a table of
// behaviours a user relies on (findability of verbatim runs, exact titles,
// document numbers in every bracket style, phrases, exclusions, OR, each
// filter, facets, date sorts, paging, passages, the role filter,
// commitments, deletes and replaced versions, and the query cost model).
//
// An engine's tests call Run with a function that opens a fresh, empty
// index; see search/bleve and search/opensearch.
package searchtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
)

// Opener returns a fresh, empty index and arranges (t.Cleanup) for it to
// be closed and removed.
type Opener func(t *testing.T) search.Index

// Corpus returns the folder of the test corpus in the repository.
func Corpus() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "corpus")
}

type suite struct {
	open Opener
	idx  search.Index
	docs map[string]*search.Document
}

// Run indexes the test corpus into an index from open and runs every
// behaviour of the suite against it as subtests.
func Run(t *testing.T, open Opener) {
	s := &suite{open: open, docs: map[string]*search.Document{}}
	s.idx = s.open(t)
	corpus := Corpus()
	sum, err := indexer.Run(context.Background(), s.idx, []string{filepath.Join(corpus, "tests.jsonl")}, indexer.Options{})
	if err != nil || sum.Failed > 0 || sum.Indexed != 48 {
		t.Fatalf("indexing the test subset: %v %+v", err, sum)
	}
	f, err := os.Open(filepath.Join(corpus, "tests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	err = indexer.ReadJSONL(f, func(d *search.Document, _ int, _ int64, err error) error {
		if d != nil {
			s.docs[d.ID] = d
		}
		return err
	})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"RankingTable", s.testRankingTable},
		{"UniqueRunsFindable", s.testUniqueRunsFindable},
		{"PhraseIsExact", s.testPhraseIsExact},
		{"FoldedQueries", s.testFoldedQueries},
		{"NumbersFindableAsWritten", s.testNumbersFindableAsWritten},
		{"Filters", s.testFilters},
		{"ExclusionAndOR", s.testExclusionAndOR},
		{"FacetsSortPages", s.testFacetsSortPages},
		{"DateSorts", s.testDateSorts},
		{"FacetCountsAreExact", s.testFacetCountsAreExact},
		{"FacetPoolCountsTheBest", s.testFacetPoolCountsTheBest},
		{"PassageMode", s.testPassageMode},
		{"SnippetsEscapeAndMark", s.testSnippetsEscapeAndMark},
		{"Incremental", s.testIncremental},
		{"BadQueries", s.testBadQueries},
		{"PhraseStopsAtParagraphs", s.testPhraseStopsAtParagraphs},
		{"ExactTitlePinnedAcrossPages", s.testExactTitlePinnedAcrossPages},
		{"RoleFilter", s.testRoleFilter},
		{"Commitments", s.testCommitments},
		{"QueryCostModel", s.testQueryCostModel},
		{"LargeDocument", s.testLargeDocument},
		{"HonestResults", s.testHonestResults},
	} {
		t.Run(c.name, c.f)
	}
}

func (s *suite) run(t *testing.T, q string, mod ...func(*search.Request)) *search.Result {
	t.Helper()
	req := search.Request{Query: q}
	for _, f := range mod {
		f(&req)
	}
	res, err := search.Run(context.Background(), s.idx, req)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return res
}

func ids(res *search.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func ptr(s string) *string { return &s }

// The ranking table: a query and the document (and, where given, the
// section path) a user expects first. Grow it with every ranking fix.
var rankingTable = []struct {
	query   string
	want    []string // acceptable first documents
	section string   // a heading the best section's path must contain
}{
	{"放管服", []string{"seed-000_44bda8417bfe1ce5"}, "2.深化“放管服”改革,强化营商环境法治保障"},
	{"中华人民共和国居民身份证法", []string{"lrb-f8f91e3033", "lrb-0f27a707be"}, ""},
	{"国务院关于印发国家职业教育改革实施方案的通知", []string{"govcn-5365341"}, ""},
	{`"双随机、一公开"`, []string{"govcn-5365945"}, ""},
	{"国发〔2019〕5号", []string{"govcn-5365945"}, ""},
	{"国发[2019]5号", []string{"govcn-5365945"}, ""},
	{"国发(2019)5号", []string{"govcn-5365945"}, ""},
	{"国发［2019］5号", []string{"govcn-5365945"}, ""},
	{"国发（2019）5号", []string{"govcn-5365945"}, ""},
	{"国令第707号", []string{"govcn-5351177"}, ""},
	{"快递暂行条例", []string{"lrb-cd4e77919f"}, ""},
	{"养犬", []string{"lrb-4cf290fdd8"}, ""},
	{"公司不给加班费怎么办", []string{"lrb-1de06803fb", "lrb-bc32347765"}, ""},
	{"法治政府建設", []string{"seed-000_44bda8417bfe1ce5"}, ""},
	{"河长制", []string{"lrb-09c258dc32"}, ""},
	{"控制吸烟", []string{"lrb-1358f985c7"}, ""},
	{"雄安新区", []string{"govcn-5354222"}, ""},
	{"节假日安排 2019", []string{"govcn-5346276"}, ""},
	{"瓦斯爆炸", []string{"govcn-5345294"}, ""},
	{"个人所得税", []string{"govcn-5351177", "lrb-f8887263df"}, ""},
	{"上海营商环境条例", []string{"lrb-ecbaccb7f6", "lrb-6b9c8b2c12"}, ""},
	{"新质生产力", []string{"gwrn-2024", "gwrp2025-15ef4634", "gwrp2025-8cba0df6", "gwrp2026-d9c54797", "gwrp2026-e6348d38", "gwrp2026-4f5a5ba7", "gwrp2025-e6348d38"}, ""},
	{"棉粮", []string{"govcn-5345639"}, ""},
	{"营商环境 法律责任", []string{"lrb-ecbaccb7f6", "lrb-6b9c8b2c12"}, "法律责任"},
	{"数字政府建设考评", []string{"pkl-12-5115678"}, ""},
	{"居民身份证 有效期", []string{"lrb-f8f91e3033", "lrb-0f27a707be"}, ""},
}

func (s *suite) testRankingTable(t *testing.T) {
	for _, c := range rankingTable {
		res := s.run(t, c.query)
		if len(res.Hits) == 0 {
			t.Errorf("%q: no results", c.query)
			continue
		}
		first := res.Hits[0]
		ok := false
		for _, w := range c.want {
			ok = ok || first.ID == w
		}
		if !ok {
			t.Errorf("%q: first is %s (%s), want one of %v; ranking %v", c.query, first.ID, first.Title, c.want, ids(res))
			continue
		}
		if c.section != "" {
			if len(first.Sections) == 0 || !strings.Contains(strings.Join(first.Sections[0].Path, "›"), c.section) {
				t.Errorf("%q: best section %+v, want a path with %q", c.query, first.Sections, c.section)
			}
		}
	}
}

// Every run of 2–12 Chinese characters that appears in exactly one
// document, searched as a quoted phrase, returns that document first.
func (s *suite) testUniqueRunsFindable(t *testing.T) {
	type text struct{ id, folded string }
	var texts []text
	var runs []struct{ id, run string }
	for id, d := range s.docs {
		all := d.Title + "\n" + d.Body()
		texts = append(texts, text{id, analyzer.FoldString(all)})
		var cur []rune
		for _, r := range all + "。" {
			if analyzer.IsHan(r) {
				cur = append(cur, r)
				continue
			}
			if len(cur) >= 2 {
				runs = append(runs, struct{ id, run string }{id, string(cur)})
			}
			cur = nil
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].id+runs[i].run < runs[j].id+runs[j].run })
	rng := rand.New(rand.NewSource(7))
	tested := 0
	for tries := 0; tested < 300 && tries < 5000; tries++ {
		r := runs[rng.Intn(len(runs))]
		rs := []rune(r.run)
		n := 2 + rng.Intn(11)
		if n > len(rs) {
			n = len(rs)
		}
		start := rng.Intn(len(rs) - n + 1)
		q := string(rs[start : start+n])
		fq := analyzer.FoldString(q)
		holders := 0
		for _, tx := range texts {
			if strings.Contains(tx.folded, fq) {
				holders++
			}
		}
		if holders != 1 {
			continue
		}
		tested++
		res := s.run(t, `"`+q+`"`)
		if len(res.Hits) == 0 || res.Hits[0].ID != r.id {
			t.Errorf("unique run %q of %s: got %v", q, r.id, ids(res))
		}
		if res.Total != 1 {
			t.Errorf("unique run %q matched %d documents", q, res.Total)
		}
	}
	if tested < 300 {
		t.Fatalf("only %d unique runs sampled", tested)
	}
}

// A quoted phrase matches only documents that contain it.
func (s *suite) testPhraseIsExact(t *testing.T) {
	for q, want := range map[string]int{
		`"九龙坡区坚持"`: 1, // only the seed
		`"九龙"`:     1,
		`"龙坡区坚持"`:  1,
		`"坡区坚持以"`:  1,
		`"双随机一公开"`: 0, // the corpus always writes 双随机、一公开
	} {
		res := s.run(t, q)
		if res.Total != want {
			t.Errorf("%s: %d documents %v, want %d", q, res.Total, ids(res), want)
		}
		for _, h := range res.Hits {
			d := s.docs[h.ID]
			if !strings.Contains(analyzer.FoldString(d.Title+d.Body()), analyzer.FoldString(strings.Trim(q, `"`))) {
				t.Errorf("%s matched %s, which does not contain it", q, h.ID)
			}
		}
	}
}

// Traditional and full-width queries find what their simplified,
// half-width forms find.
func (s *suite) testFoldedQueries(t *testing.T) {
	for _, p := range [][2]string{
		{"法治政府建設", "法治政府建设"},
		{"５．２％", "5.2%"},
		{"國務院辦公廳", "国务院办公厅"},
		{"２０２４年", "2024年"},
	} {
		a, b := s.run(t, p[0]), s.run(t, p[1])
		if a.Total == 0 || strings.Join(ids(a), ",") != strings.Join(ids(b), ",") {
			t.Errorf("%q → %v but %q → %v", p[0], ids(a), p[1], ids(b))
		}
	}
}

func (s *suite) testNumbersFindableAsWritten(t *testing.T) {
	for q, doc := range map[string]string{
		"5.2%":      "gwrn-2024",
		"1244万":     "gwrn-2024",
		"126万亿元":    "gwrn-2024",
		"2023年3月5日": "",
	} {
		res := s.run(t, `"`+q+`"`)
		if doc == "" {
			continue
		}
		found := false
		for _, id := range ids(res) {
			found = found || id == doc
		}
		if !found {
			t.Errorf("%q not found in %s: %v", q, doc, ids(res))
		}
	}
	// 5.2 must not match inside 15.2 or 5.25.
	for _, h := range s.run(t, `"5.2%"`).Hits {
		for _, s := range h.Sections {
			if strings.Contains(s.Snippet, "1<mark>5.2") || strings.Contains(s.Snippet, "<mark>5.2%</mark>5") {
				t.Errorf("5.2%% matched part of a number: %s", s.Snippet)
			}
		}
	}
}

func (s *suite) testFilters(t *testing.T) {
	res := s.run(t, "year:2019")
	for _, h := range res.Hits {
		if !strings.HasPrefix(h.Date, "2019") {
			t.Errorf("year:2019 returned %s dated %s", h.ID, h.Date)
		}
	}
	if res.Total == 0 {
		t.Error("year:2019 found nothing")
	}
	for _, h := range s.run(t, "agency:重庆市").Hits {
		if !strings.Contains(h.Agency, "重庆市") {
			t.Errorf("agency:重庆市 returned agency %q", h.Agency)
		}
	}
	for _, h := range s.run(t, "机关:国务院 文种:通知").Hits {
		if !strings.Contains(h.Agency, "国务院") || h.DocType != "通知" {
			t.Errorf("机关:国务院 文种:通知 returned %s / %s", h.Agency, h.DocType)
		}
	}
	if got := ids(s.run(t, "docnum:国发[2019]5号")); len(got) != 1 || got[0] != "govcn-5365945" {
		t.Errorf("docnum:国发[2019]5号 = %v", got)
	}
	if got := s.run(t, "文号:国发〔2019〕").Total; got != 2 {
		t.Errorf("文号:国发〔2019〕 (prefix) matched %d, want 2 (5号 and 4号)", got)
	}
	for _, h := range s.run(t, "title:条例 重庆").Hits {
		if !strings.Contains(h.Title, "条例") {
			t.Errorf("title:条例 returned %q", h.Title)
		}
	}
	res = s.run(t, "from:2019-01-01 to:2019-02-14")
	for _, h := range res.Hits {
		if h.Date < "2019-01-01" || h.Date > "2019-02-14" {
			t.Errorf("date range returned %s", h.Date)
		}
	}
	want := 0
	for _, d := range s.docs {
		if d.Date >= "2019-01-01" && d.Date <= "2019-02-14" {
			want++
		}
	}
	if res.Total != want || want == 0 {
		t.Errorf("from:2019-01-01 to:2019-02-14 matched %d: %v, want %d", res.Total, ids(res), want)
	}
}

func (s *suite) testExclusionAndOR(t *testing.T) {
	for _, h := range s.run(t, "营商环境 -上海").Hits {
		d := s.docs[h.ID]
		if strings.Contains(d.Title+d.Body(), "上海") {
			t.Errorf("营商环境 -上海 returned %s, which mentions 上海", h.ID)
		}
	}
	got := map[string]bool{}
	for _, id := range ids(s.run(t, "养犬 OR 控制吸烟")) {
		got[id] = true
	}
	if !got["lrb-4cf290fdd8"] || !got["lrb-1358f985c7"] {
		t.Errorf("养犬 OR 控制吸烟 = %v", got)
	}
}

func (s *suite) testFacetsSortPages(t *testing.T) {
	res := s.run(t, "人民政府", func(r *search.Request) { r.Size = 5 })
	if res.Total <= 5 {
		t.Fatalf("人民政府 matched only %d", res.Total)
	}
	sum := 0
	for _, f := range res.Facets.Year {
		sum += f.Count
	}
	if len(res.Facets.Agency) == 0 || len(res.Facets.DocType) == 0 || sum == 0 || sum > res.Total {
		t.Errorf("facets %+v", res.Facets)
	}
	page2 := s.run(t, "人民政府", func(r *search.Request) { r.Size = 5; r.Page = 2 })
	if page2.Total != res.Total || len(page2.Hits) == 0 || page2.Hits[0].ID == res.Hits[0].ID {
		t.Errorf("page 2 %v vs page 1 %v", ids(page2), ids(res))
	}
	byDate := s.run(t, "人民政府", func(r *search.Request) { r.Sort = search.SortDate; r.Size = 20 })
	for i := 1; i < len(byDate.Hits); i++ {
		if a, b := byDate.Hits[i-1].Date, byDate.Hits[i].Date; b != "" && a < b {
			t.Errorf("sort by date: %s before %s", a, b)
		}
	}
	// A facet value used as a filter finds exactly its count.
	f := res.Facets.DocType[0]
	if got := s.run(t, "人民政府 type:"+f.Value).Total; got != f.Count {
		t.Errorf("type:%s found %d, facet said %d", f.Value, got, f.Count)
	}
}

func (s *suite) testPassageMode(t *testing.T) {
	passages := func(r *search.Request) { r.Mode = search.ModePassages }
	// A document that matches in its title only is a passage too, not a
	// reason to relax the query.
	if docs := s.run(t, "巴东县地"); docs.Total != 1 || docs.Relaxed {
		t.Fatalf("巴东县地: %d documents, relaxed %v", docs.Total, docs.Relaxed)
	}
	if res := s.run(t, "巴东县地", passages); res.Relaxed || res.Total != 1 || res.Hits[0].ID != "govcn-5351649" {
		t.Errorf("巴东县地 in passages: relaxed %v, %v", res.Relaxed, ids(res))
	}
	// Sorted by date, passages come newest first.
	byDate := s.run(t, "营商环境", passages, func(r *search.Request) { r.Sort = search.SortDate; r.Size = 50 })
	for i := 1; i < len(byDate.Hits); i++ {
		prev, cur := byDate.Hits[i-1].Date, byDate.Hits[i].Date
		if cur != "" && (prev == "" || cur > prev) {
			t.Errorf("passages by date: %s after %s", cur, prev)
		}
	}
	// Documents: scores say the order, and an exact title scores first.
	for _, q := range []string{"营商环境 法治", "中华人民共和国居民身份证法"} {
		res := s.run(t, q)
		for i := 1; i < len(res.Hits); i++ {
			if res.Hits[i].Score > res.Hits[i-1].Score {
				t.Errorf("%s: hit %d scores %v after %v", q, i, res.Hits[i].Score, res.Hits[i-1].Score)
			}
		}
	}
	res := s.run(t, "营商环境", passages)
	if len(res.Hits) != 10 || res.Total < 10 {
		t.Fatalf("passages: %d hits of %d", len(res.Hits), res.Total)
	}
	for i, h := range res.Hits {
		if len(h.Sections) != 1 {
			t.Errorf("passage %d has %d sections", i, len(h.Sections))
		}
		if !strings.Contains(h.Sections[0].Snippet, "<mark>营商环境</mark>") {
			t.Errorf("passage %d snippet lacks the match: %s", i, h.Sections[0].Snippet)
		}
		if i > 0 && h.Score > res.Hits[i-1].Score {
			t.Errorf("passages not ranked: %v after %v", h.Score, res.Hits[i-1].Score)
		}
	}
}

func (s *suite) testSnippetsEscapeAndMark(t *testing.T) {
	ctx := context.Background()
	idx := s.open(t)
	doc, err := indexer.FromRecord(&indexer.Record{ID: "xss", Title: ptr("关于<b>测试</b>的通知"), Body: ptr("一、总则\n请勿执行<script>alert('放管服')</script>代码。")})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Put(ctx, []*search.Document{doc}); err != nil {
		t.Fatal(err)
	}
	res, err := search.Run(ctx, idx, search.Request{Query: "放管服"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	snip := res.Hits[0].Sections[0].Snippet
	if strings.Contains(snip, "<script") || !strings.Contains(snip, "&lt;script&gt;") || !strings.Contains(snip, "<mark>放管服</mark>") {
		t.Errorf("snippet %q", snip)
	}
	if strings.Count(strings.ReplaceAll(strings.ReplaceAll(snip, "<mark>", ""), "</mark>", ""), "<") != 0 {
		t.Errorf("snippet has markup besides <mark>: %q", snip)
	}
}

// Reindexing: unchanged documents are skipped, a changed one replaces its
// old version (no stale text), a deleted one is gone.
func (s *suite) testIncremental(t *testing.T) {
	ctx := context.Background()
	idx := s.open(t)
	v1, _ := indexer.FromRecord(&indexer.Record{ID: "d1", Title: ptr("关于试点的通知"), Body: ptr("一、目标\n推进旧版独有文字试点。")})
	other, _ := indexer.FromRecord(&indexer.Record{ID: "d2", Title: ptr("另一份通知"), Body: ptr("推进试点。")})
	if err := idx.Put(ctx, []*search.Document{v1, other}); err != nil {
		t.Fatal(err)
	}
	same, err := idx.Unchanged(ctx, []*search.Document{v1, other})
	if err != nil || !same["d1"] || !same["d2"] {
		t.Fatalf("unchanged = %v, %v", same, err)
	}
	v2, _ := indexer.FromRecord(&indexer.Record{ID: "d1", Title: ptr("关于试点的通知"), Body: ptr("一、目标\n推进新版文字试点。\n二、要求\n加强领导。")})
	if same, _ := idx.Unchanged(ctx, []*search.Document{v2}); same["d1"] {
		t.Fatal("a changed document reads as unchanged")
	}
	if err := idx.Put(ctx, []*search.Document{v2}); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		res, err := search.Run(ctx, idx, search.Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if n, _ := idx.Count(); n != 2 {
		t.Errorf("count %d after replacing, want 2", n)
	}
	if count(`"旧版独有"`) != 0 || count(`"新版文字"`) != 1 || count(`"加强领导"`) != 1 {
		t.Error("replaced document still matches its old text, or not its new text")
	}
	got, err := idx.Document(ctx, "d1")
	if err != nil || len(got.Sections) != 2 || got.Sections[1].Path[0] != "二、要求" {
		t.Errorf("stored document: %+v %v", got, err)
	}

	if err := idx.Delete(ctx, "d1", "missing"); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.Document(ctx, "d1"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("deleted document: %v", err)
	}
	if n, _ := idx.Count(); count("试点") != 1 || n != 1 {
		t.Errorf("deleted document still found or counted (count %d)", n)
	}
}

func (s *suite) testBadQueries(t *testing.T) {
	for _, q := range []string{"", `"未闭合`, "OR 放管服", "放管服 OR", "-放管服", "year:二〇一九", "from:2022-13-01", "from:2023-01-01 to:2022-01-01", `""`, "！！！", strings.Repeat("很长", 300)} {
		_, err := search.Run(context.Background(), s.idx, search.Request{Query: q})
		var qe *search.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("query %.20q: err = %v, want a QueryError", q, err)
		}
	}
	for _, req := range []search.Request{{Query: "x", Page: -1}, {Query: "x", Size: 1000}, {Query: "x", Sort: "random"}, {Query: "x", Mode: "xx"}} {
		_, err := search.Run(context.Background(), s.idx, req)
		var qe *search.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("request %+v: err = %v, want a QueryError", req, err)
		}
	}
}

// A phrase never matches across a paragraph break, nor between the body
// and the heading lines the gram field repeats after it.
func (s *suite) testPhraseStopsAtParagraphs(t *testing.T) {
	ctx := context.Background()
	idx := s.open(t)
	d, _ := indexer.FromRecord(&indexer.Record{ID: "p", Title: ptr("段落测试"), Body: ptr("一、总则\n甲乙丙2022\n年丁戊己。\n二、附则\n末尾文字123")})
	if err := idx.Put(ctx, []*search.Document{d}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{`"2022年"`: 0, `"丙2022"`: 1, `"123一"`: 0, `"文字123"`: 1, `"附则"`: 1, `"总则甲乙"`: 0} {
		res, err := search.Run(ctx, idx, search.Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != want {
			t.Errorf("%s matched %d documents, want %d", q, res.Total, want)
		}
	}
	res, _ := search.Run(ctx, idx, search.Request{Query: "附则"})
	if len(res.Hits) != 1 || res.Hits[0].Sections[0].Paragraph != 4 || res.Hits[0].Sections[0].Snippet != "二、<mark>附则</mark>" {
		t.Errorf("heading match: %+v", res.Hits)
	}
}

// Documents titled exactly as the query come first on page 1 and never
// again on later pages.
func (s *suite) testExactTitlePinnedAcrossPages(t *testing.T) {
	seen := map[string]int{}
	var order []string
	for page := 1; page <= 6; page++ {
		res := s.run(t, "中华人民共和国居民身份证法", func(r *search.Request) { r.Size = 1; r.Page = page })
		if len(res.Hits) != 1 {
			t.Fatalf("page %d: %d hits", page, len(res.Hits))
		}
		id := res.Hits[0].ID
		seen[id]++
		order = append(order, id)
	}
	if !strings.HasPrefix(order[0], "lrb-") || s.docs[order[0]].Title != "中华人民共和国居民身份证法" || s.docs[order[1]].Title != "中华人民共和国居民身份证法" {
		t.Errorf("pages 1–2 are not the two documents of that title: %v", order)
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s shown on %d pages: %v", id, n, order)
		}
	}
}

// role: keeps matches inside sections of that role, and the sections
// shown carry their role.
func (s *suite) testRoleFilter(t *testing.T) {
	res := s.run(t, "新质生产力 类型:打算")
	if res.Total == 0 {
		t.Fatal("no plan section mentions 新质生产力")
	}
	for _, h := range res.Hits {
		if len(h.Sections) == 0 {
			t.Errorf("%s has no section", h.ID)
		}
		for _, s := range h.Sections {
			if s.Role != search.RolePlan || !strings.Contains(s.Snippet, "<mark>新质生产力</mark>") {
				t.Errorf("%s: section %q role %q snippet %s", h.ID, s.Path, s.Role, s.Snippet)
			}
		}
	}
	// 放管服 appears in the seed's review only: no plan match there.
	for _, h := range s.run(t, "放管服 role:plan").Hits {
		if h.ID == "seed-000_44bda8417bfe1ce5" {
			t.Error("the seed matched role:plan for a word of its review")
		}
	}
	if ids := ids(s.run(t, "放管服 role:review")); len(ids) == 0 || !slices.Contains(ids, "seed-000_44bda8417bfe1ce5") {
		t.Errorf("role:review 放管服 = %v", ids)
	}
	facets := s.run(t, "政府工作报告").Facets.Role
	got := map[string]int{}
	for _, f := range facets {
		got[f.Value] = f.Count
	}
	if got[search.RolePlan] == 0 || got[search.RoleReview] == 0 {
		t.Errorf("role facet %v", facets)
	}
}

// Newest first and oldest first both order by date and put documents
// without a date last.
func (s *suite) testDateSorts(t *testing.T) {
	for _, sortBy := range []string{search.SortDate, search.SortDateAsc} {
		res := s.run(t, "人民政府", func(r *search.Request) { r.Sort = sortBy; r.Size = 100 })
		if len(res.Hits) != res.Total || res.Total < 10 {
			t.Fatalf("%s: %d of %d hits", sortBy, len(res.Hits), res.Total)
		}
		undated := false
		for i, h := range res.Hits {
			if h.Date == "" {
				undated = true
				continue
			}
			if undated {
				t.Errorf("%s: dated %s after an undated document", sortBy, h.ID)
			}
			if i > 0 && res.Hits[i-1].Date != "" {
				a, b := res.Hits[i-1].Date, h.Date
				if (sortBy == search.SortDate && a < b) || (sortBy == search.SortDateAsc && a > b) {
					t.Errorf("%s: %s before %s", sortBy, a, b)
				}
			}
		}
		if !undated {
			t.Errorf("%s: no undated document among %d (the corpus has some)", sortBy, res.Total)
		}
	}
}

// An engine asked for facets over a pool of the best matches counts the
// documents of that pool, whatever window of the ranking it returns, and
// still counts every match in its total.
func (s *suite) testFacetPoolCountsTheBest(t *testing.T) {
	c, ok := s.idx.(*search.Core)
	if !ok {
		t.Skip("not a search core")
	}
	ctx := context.Background()
	eng := c.Engine()
	q := &search.Bool{Must: []search.Node{&search.Terms{Terms: []search.WeightedTerm{
		{Field: search.FieldBody, Term: "政府", Weight: 1}, {Field: search.FieldBody, Term: "工作", Weight: 1}, {Field: search.FieldBody, Term: "管理", Weight: 0.5}}}}}
	facets := []string{search.FieldYear, search.FieldDocType, search.FieldAgency}
	all, err := eng.Search(ctx, &search.EngineRequest{Query: q, Sort: search.SortRelevance, Size: 5, Facets: facets, FacetSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total <= 5 || len(all.Hits) != 5 {
		t.Fatalf("the query finds %d documents (%d hits): too few to test a pool", all.Total, len(all.Hits))
	}
	var ids []string
	for _, h := range all.Hits[:4] {
		ids = append(ids, h.ID)
	}
	best, err := eng.Search(ctx, &search.EngineRequest{Filter: []search.Node{&search.IDs{IDs: ids}}, Sort: search.SortRelevance, Facets: facets, FacetSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	pooled, err := eng.Search(ctx, &search.EngineRequest{Query: q, Sort: search.SortRelevance, From: 1, Size: 2, Facets: facets, FacetSize: 50, FacetPool: 4})
	if err != nil {
		t.Fatal(err)
	}
	if pooled.Total != all.Total {
		t.Errorf("total %d with a facet pool, %d without", pooled.Total, all.Total)
	}
	if fmt.Sprint(pooled.Hits) != fmt.Sprint(all.Hits[1:3]) {
		t.Errorf("hits %v with a facet pool, want %v", pooled.Hits, all.Hits[1:3])
	}
	for _, f := range facets {
		if fmt.Sprint(pooled.Facets[f]) != fmt.Sprint(best.Facets[f]) {
			t.Errorf("%s: %v over the pool, want %v (the best four)", f, pooled.Facets[f], best.Facets[f])
		}
	}
	if fmt.Sprint(pooled.Facets) == fmt.Sprint(all.Facets) {
		t.Errorf("the pool's facets %v are those of all matches", pooled.Facets)
	}
}

// Every facet value, used as a filter, finds exactly its count; the
// category facet counts subjects. (The role facet counts documents that
// have sections of a role; role: then keeps the matches inside them, so
// it may find fewer.)
func (s *suite) testFacetCountsAreExact(t *testing.T) {
	res := s.run(t, "人民政府")
	if len(res.Facets.Category) == 0 {
		t.Fatalf("no category facet: %+v", res.Facets)
	}
	categories := 0
	for _, f := range res.Facets.Category {
		categories += f.Count
	}
	if categories > res.Total {
		t.Errorf("category facet counts %d of %d documents", categories, res.Total)
	}
	for _, f := range res.Facets.Agency {
		if got := s.run(t, "人民政府 机关:="+f.Value).Total; got != f.Count {
			t.Errorf("机关:=%s found %d, facet said %d", f.Value, got, f.Count)
		}
	}
	for _, f := range res.Facets.Category {
		if got := s.run(t, `人民政府 分类:"`+f.Value+`"`).Total; got != f.Count {
			t.Errorf("分类:%s found %d, facet said %d", f.Value, got, f.Count)
		}
	}
	for _, f := range res.Facets.Year {
		if got := s.run(t, "人民政府 year:"+f.Value).Total; got != f.Count {
			t.Errorf("year:%s found %d, facet said %d", f.Value, got, f.Count)
		}
	}
}

// Commitment tracking finds 重庆市's plan for 2025 and answers its items
// from the 2026 report's review.
func (s *suite) testCommitments(t *testing.T) {
	tr := &commitments.Tracker{Index: s.idx}
	rep, err := tr.Report(context.Background(), "重庆", 2025)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Plans) != 1 || rep.Plans[0].ID != "gwrp2025-e6348d38" || len(rep.Reviews) == 0 || rep.Reviews[0].ID != "gwrp2026-e6348d38" {
		t.Fatalf("plans %v reviews %v", rep.Plans, rep.Reviews)
	}
	if len(rep.Commitments) < 50 {
		t.Fatalf("only %d commitments", len(rep.Commitments))
	}
	answered := 0
	for _, c := range rep.Commitments {
		if c.DocID != "gwrp2025-e6348d38" || c.Paragraph == 0 {
			t.Errorf("commitment %s: doc %s paragraph %d", c.ID, c.DocID, c.Paragraph)
		}
		if c.Status == commitments.Answered {
			answered++
			if len(c.FollowUps) == 0 || c.FollowUps[0].DocID != "gwrp2026-e6348d38" {
				t.Errorf("answered commitment %s has follow-ups %+v", c.ID, c.FollowUps)
			}
		}
	}
	if answered == 0 {
		t.Error("no commitment is answered")
	}
}

// The cost model: repeated clauses are merged, a query over the limits is
// refused with a message naming the limit, and hostile shapes up to the
// length limit are answered.
func (s *suite) testQueryCostModel(t *testing.T) {
	ctx := context.Background()
	// Keywords that find nothing are not refused for the limits of a
	// question the user never typed (when relaxed, they hold more content
	// words than a question may): the answer is that nothing was found.
	pairs := strings.Fields("经济 社会 文化 生态 政治 科技 教育 卫生 交通 能源 农业 工业 金融 财政 税收 住房 就业 养老 医疗 环境 安全 法治 民生 市场 企业 投资 消费 出口 城市 乡村 人口 土地 水利 电力 通信 旅游 体育 文物 档案 气象 海洋 森林 草原 湿地 矿产 石油 煤炭 钢铁 汽车 船舶 航空 铁路 公路 港口 机场 邮政 银行 保险 证券 基金 债券 期货 外汇 黄金 粮食 棉花 量子 纠缠 磁悬 浮列 超导 声呐")
	var kws []string
	for i := 0; i+1 < len(pairs); i += 2 {
		kws = append(kws, pairs[i]+pairs[i+1])
	}
	if n := len(analyzer.ContentWords(strings.Join(kws, ""))); n <= search.MaxQuestionWords {
		t.Fatalf("the keywords hold %d content words, not more than a question may", n)
	}
	if res := s.run(t, strings.Join(kws, " ")); res.Total != 0 {
		t.Errorf("%d keywords that no document holds all of: %d hits", len(kws), res.Total)
	}
	repeat := func(w string, n int) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	one := s.run(t, "的")
	for _, q := range []string{repeat("的", 249), repeat("的 OR", 99) + " 的", repeat("营商环境", 60)} {
		res := s.run(t, q)
		want := one
		if strings.HasPrefix(q, "营商") {
			want = s.run(t, "营商环境")
		}
		if res.Total != want.Total || strings.Join(ids(res), ",") != strings.Join(ids(want), ",") {
			t.Errorf("%.30q… is not the same search as its clause once: %d vs %d", q, res.Total, want.Total)
		}
	}
	for _, c := range []struct{ q, limit string }{
		{manyWords(search.MaxClauses + 1), fmt.Sprint(search.MaxClauses)},
		{"的 是 在 和 了", fmt.Sprint(search.MaxSingleChars)},
	} {
		_, err := search.Run(ctx, s.idx, search.Request{Query: c.q})
		var qe *search.QueryError
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, c.limit) {
			t.Errorf("%.20q…: err %v, want a QueryError naming the limit %s", c.q, err, c.limit)
		}
	}
	// Long questions, passage mode and single characters stay answerable.
	long := strings.Repeat("公司拖欠工资怎么办劳动合同", 30)[:498]
	for _, req := range []search.Request{
		{Query: long},
		{Query: repeat("的", 40), Mode: search.ModePassages},
		{Query: "法 律", Mode: search.ModePassages},
	} {
		if _, err := search.Run(ctx, s.idx, req); err != nil {
			var qe *search.QueryError
			if !errors.As(err, &qe) {
				t.Errorf("%.20q…: %v", req.Query, err)
			}
		}
	}
}

// A large document with a word repeated through one long paragraph is
// written, found, and shown with a snippet of normal length.
func (s *suite) testLargeDocument(t *testing.T) {
	ctx := context.Background()
	idx := s.open(t)
	para := strings.Repeat("推进营商环境优化，", 15000) // 135,000 bytes in one paragraph
	var body strings.Builder
	body.WriteString("一、总则\n" + para + "\n")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&body, "（%d）第%d项工作要求，加强统筹协调，狠抓落实。\n", i+1, i+1)
	}
	d, err := indexer.FromRecord(&indexer.Record{ID: "big", Title: ptr("大文件测试"), Body: ptr(body.String())})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Put(ctx, []*search.Document{d}); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{search.ModeDocuments, search.ModePassages} {
		res, err := search.Run(ctx, idx, search.Request{Query: "营商环境", Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || len(res.Hits[0].Sections) == 0 {
			t.Fatalf("%s: %+v", mode, res)
		}
		snip := res.Hits[0].Sections[0].Snippet
		if n := len([]rune(snip)); n > 2*search.SnippetRunes+200 || !strings.Contains(snip, "<mark>营商环境</mark>") {
			t.Errorf("%s: snippet of %d characters: %.200s", mode, n, snip)
		}
	}
	spans, err := idx.Matches(ctx, mustParse(t, "营商环境"), d)
	if err != nil || len(spans) == 0 {
		t.Errorf("whole-document matches: %d, %v", len(spans), err)
	}
}

// manyWords returns n distinct two-character keywords.
func manyWords(n int) string {
	chars := []rune("政府工作报告经济发展改革创新建设管理服务市场企业安全环境")
	var words []string
	for i := 0; len(words) < n; i++ {
		a, b := chars[i%len(chars)], chars[(i/len(chars)+i+1)%len(chars)]
		if w := string([]rune{a, b}); a != b && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

func mustParse(t *testing.T, q string) *search.Query {
	t.Helper()
	pq, err := search.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	return pq
}

// Results say what they are: nonsense finds partial matches marked as
// such with the words each holds, a misspelt keyword gets a suggestion
// from the engine's vocabulary, and a document whose title holds
// every keyword ranks above those that mention them in passing.
func (s *suite) testHonestResults(t *testing.T) {
	for _, q := range []string{"量子纠缠超导体", "量子纠缠磁悬浮列车超导体"} {
		res := s.run(t, q)
		if res.Total == 0 {
			t.Fatalf("%s: no hits", q)
		}
		best := 0
		for _, h := range res.Hits {
			if len(h.Matched) == 0 {
				t.Errorf("%s: %s does not say which words it holds", q, h.ID)
			}
			best = max(best, len(h.Matched))
		}
		if words := analyzer.ContentWords(q); res.Partial != (2*best <= len(words)) {
			t.Errorf("%s: partial %v, but the best hit holds %d of %v", q, res.Partial, best, words)
		}
	}
	res := s.run(t, "量子纠缠超导体")
	for _, h := range res.Hits {
		if len(h.Sections) == 0 && len(h.Matched) == 0 {
			t.Errorf("%s is shown without what made it a hit", h.ID)
		}
	}
	if c, ok := s.idx.(*search.Core); ok {
		if _, vocab := c.Engine().(search.Vocabulary); !vocab {
			t.Errorf("%T offers no vocabulary: no spelling suggestions", c.Engine())
		}
	}
	for typo, want := range map[string]string{"放官服": "放管服", "法治政付": "法治政府"} {
		if got := s.run(t, typo).Suggestion; got != want {
			t.Errorf("%s: suggestion %q, want %s", typo, got, want)
		}
	}
	res = s.run(t, "居民身份证 有效期")
	if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Title, "居民身份证") {
		t.Errorf("居民身份证 有效期: first %v", ids(res))
	}
	if s.run(t, "营商环境 法律责任").Partial {
		t.Error("a query with full matches is marked partial")
	}
}
