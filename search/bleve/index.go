package bleve

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// formatVersion changes whenever the way documents become index terms or
// stored sections changes (paragraph splitting, section roles); an index
// of another version must be rebuilt.
const formatVersion = "gongkai-5"

// ErrStale is returned by Open for an index built by another version of
// gongkai or with another lexicon: its terms no longer match what queries
// look for, so it must be rebuilt (see Remove).
var ErrStale = errors.New("index was built with a different analyzer or format; rebuild it")

// version identifies the index format and the analysis behind it.
func version() string { return formatVersion + "/" + analyzer.Fingerprint() }

// Remove deletes the index in dir (to rebuild it). It refuses a folder that
// does not look like a bleve index.
func Remove(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	return os.RemoveAll(dir)
}

var (
	keyStats   = []byte("gongkai:stats")
	keyVersion = []byte("gongkai:version")
)

// Index is a gongkai index stored by bleve (scorch) in a folder.
type Index struct {
	idx   blevelib.Index
	dir   string
	docs  *docCache
	write sync.Mutex // one writer at a time: stats are read-modify-write
	stats atomic.Pointer[stats]
}

var _ search.Index = (*Index)(nil)

// stats are the true BM25 collection statistics: bleve's own estimate of
// the average field length counts distinct terms, not tokens.
type stats struct {
	Docs   int            `json:"docs"`
	Tokens map[string]int `json:"tokens"`
}

// BM25 parameters. bleve keeps them in package variables, so they hold for
// every index of the process; Open sets them. b is lower than the usual
// 0.75: government texts are long, and a report that treats a topic at
// length should not lose to a short notice that names it once.
var (
	BM25K1 = 1.2
	BM25B  = 0.4
)

// Open opens the index in dir, creating it (and dir) when there is none.
func Open(dir string) (*Index, error) {
	bsearch.BM25_k1, bsearch.BM25_b = BM25K1, BM25B
	var idx blevelib.Index
	var err error
	if _, statErr := os.Stat(filepath.Join(dir, "index_meta.json")); statErr == nil {
		idx, err = blevelib.Open(dir)
		if err != nil {
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		v, err := idx.GetInternal(keyVersion)
		if err != nil || string(v) != version() {
			idx.Close()
			return nil, fmt.Errorf("%w: %s was built as %q, this gongkai needs %q", ErrStale, dir, v, version())
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
			return nil, fmt.Errorf("create index folder: %w", err)
		}
		idx, err = blevelib.New(dir, newMapping())
		if err != nil {
			return nil, fmt.Errorf("create index %s: %w", dir, err)
		}
		if err := idx.SetInternal(keyVersion, []byte(version())); err != nil {
			idx.Close()
			return nil, fmt.Errorf("create index %s: %w", dir, err)
		}
	}
	ix := &Index{idx: idx, dir: dir, docs: newDocCache(DocCacheBytes)}
	st := &stats{Tokens: map[string]int{}}
	if b, err := idx.GetInternal(keyStats); err == nil && len(b) > 0 {
		if err := json.Unmarshal(b, st); err != nil {
			idx.Close()
			return nil, fmt.Errorf("read index statistics: %w", err)
		}
	}
	ix.stats.Store(st)
	return ix, nil
}

// Close closes the index.
func (ix *Index) Close() error { return ix.idx.Close() }

// Count returns the number of documents.
func (ix *Index) Count() (uint64, error) {
	return ix.idx.DocCount()
}

// fixed is an analyzer that returns tokens computed beforehand, so that a
// document is analyzed once, in our workers, and bleve only writes it.
type fixed analysis.TokenStream

func (f fixed) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(f) }

// built is a document ready for bleve, with its token counts.
type built struct {
	doc  *document.Document
	lens map[string]int
}

// keyOf folds a title or query into the form used for exact title matches:
// folded, without spaces and punctuation.
func keyOf(s string) string {
	var b strings.Builder
	for _, r := range analyzer.FoldString(s) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func buildDocument(d *search.Document) (*built, error) {
	doc := document.NewDocument(d.ID)
	lens := map[string]int{}
	addText := func(name, value string, opts index.FieldIndexingOptions, toks []analyzer.Token) {
		if value == "" {
			return
		}
		if opts.IncludeTermVectors() {
			// Gram fields keep positions only: offsets cost four bytes
			// per token on disk and come back from positions when a
			// document is shown (analyzer.UnitSpans).
			for i := range toks {
				toks[i].Start, toks[i].End = 0, 0
			}
		}
		stream := fixed(tokenStream(toks))
		lens[name] += len(stream)
		doc.AddField(document.NewTextFieldCustom(name, nil, []byte(value), opts, stream))
	}
	addKeyword := func(name, value string, opts index.FieldIndexingOptions) {
		if value == "" {
			return
		}
		lens[name]++
		doc.AddField(document.NewTextFieldWithIndexingOptions(name, nil, []byte(value), opts))
	}
	body := d.Body()
	addText(fTitle, d.Title, optWords, analyzer.Words(d.Title))
	addText(fTitleBi, d.Title, optGrams, analyzer.Grams(d.Title))
	addText(fBody, body, optWords, analyzer.Words(body))
	bodyGrams, paraPos, paraTok := bodyGrams(d)
	addText(fBodyBi, body, optGrams, bodyGrams)
	addText(fAgencyBi, d.Agency, optGrams, analyzer.Grams(d.Agency))
	addKeyword(fAgency, d.Agency, optFacet)
	addKeyword(fDocType, d.DocType, optFacet)
	if y := d.YearOf(); y > 0 {
		addKeyword(fYear, strconv.Itoa(y), optFacet)
	}
	if d.Date != "" {
		t, err := time.Parse("2006-01-02", d.Date)
		if err != nil {
			return nil, fmt.Errorf("document %s: date %q: %w", d.ID, d.Date, err)
		}
		f, err := document.NewDateTimeFieldWithIndexingOptions(fDate, nil, t, time.RFC3339, optFacet)
		if err != nil {
			return nil, fmt.Errorf("document %s: date: %w", d.ID, err)
		}
		lens[fDate]++
		doc.AddField(f)
	}
	if d.DocNumber != "" {
		c, _ := search.CanonicalDocNum(d.DocNumber)
		addKeyword(fDocNum, c, optKeyword)
	}
	addKeyword(fTitleKey, keyOf(d.Title), optKeyword)
	addRoles(d, addKeyword, addText, func(n int) []analyzer.Token { return bodyGrams[paraTok[n-1]:paraTok[n]] })
	addKeyword(fHash, d.Hash(), optKeyword)
	src, err := d.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", d.ID, err)
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(fSrc, nil, src, optStored))
	doc.AddField(document.NewTextFieldWithIndexingOptions(fPos, nil, encodePositions(paraPos), optStored))
	lb, _ := json.Marshal(lens)
	doc.AddField(document.NewTextFieldWithIndexingOptions(fLens, nil, lb, optStored))
	return &built{doc: doc, lens: lens}, nil
}

func tokenStream(toks []analyzer.Token) analysis.TokenStream { return analyzer.Stream(toks) }

// addRoles indexes what commitment tracking and role: filters need: the
// roles a document's sections have, the years of its plan and review
// sections, and the grams of the sections of each role, taken from the
// body's (grams(n) are paragraph n's).
func addRoles(d *search.Document, addKeyword func(name, value string, opts index.FieldIndexingOptions),
	addText func(name, value string, opts index.FieldIndexingOptions, toks []analyzer.Token),
	grams func(n int) []analyzer.Token) {
	seen := map[string]bool{}
	paras := map[string][]int{}
	for _, sec := range d.Sections {
		if sec.Role == "" || sec.Role == search.RoleOther {
			continue
		}
		if !seen[sec.Role] {
			seen[sec.Role] = true
			addKeyword(fRole, sec.Role, optFacet)
		}
		if sec.Year > 0 {
			f := ""
			switch sec.Role {
			case search.RolePlan:
				f = fPlanYear
			case search.RoleReview:
				f = fReviewYear
			}
			if k := f + strconv.Itoa(sec.Year); f != "" && !seen[k] {
				seen[k] = true
				addKeyword(f, strconv.Itoa(sec.Year), optKeyword)
			}
		}
		for n := sec.First; n <= sec.Last; n++ {
			paras[sec.Role] = append(paras[sec.Role], n)
		}
	}
	for _, role := range []string{search.RolePlan, search.RoleReview, search.RoleProblem} {
		if len(paras[role]) == 0 {
			continue
		}
		// Each gram once: role: asks only whether a role's sections hold
		// every gram of the text (the body locates it), so neither
		// positions nor counts are kept.
		var toks []analyzer.Token
		var text []string
		seen := map[string]bool{}
		for _, n := range paras[role] {
			text = append(text, d.Paragraphs[n-1].Text)
			for _, t := range grams(n) {
				if !seen[t.Term] {
					seen[t.Term] = true
					t.Position = len(toks) + 1
					toks = append(toks, t)
				}
			}
		}
		addText(roleField(role), strings.Join(text, "\n"), optRoleGrams, toks)
	}
}

// bodyGrams makes the gram layer of the body paragraph by paragraph, one
// position of gap between paragraphs (a phrase never matches across a
// paragraph break), and then the section headings headingRepeats more
// times, so that words in headings weigh more in ranking at no cost at
// query time. It returns the
// first position of every paragraph, which maps match positions back to
// text (see spanMapper), and where every paragraph's tokens start in the
// returned slice (one more entry: where the headings' start).
func bodyGrams(d *search.Document) ([]analyzer.Token, []int32, []int) {
	var toks []analyzer.Token
	paraPos := make([]int32, len(d.Paragraphs))
	paraTok := make([]int, len(d.Paragraphs)+1)
	next := 1
	add := func(text string) {
		ts, n := analyzer.GramsUnits(text)
		for _, t := range ts {
			t.Position += next - 1
			toks = append(toks, t)
		}
		next += n + 1
	}
	for i, p := range d.Paragraphs {
		paraPos[i] = int32(next)
		paraTok[i] = len(toks)
		add(p.Text)
	}
	paraTok[len(d.Paragraphs)] = len(toks)
	var heads []string
	for _, sec := range d.Sections {
		if len(sec.Path) == 0 || !d.Paragraphs[sec.First-1].Heading {
			continue
		}
		if h := sec.Path[len(sec.Path)-1]; !articleRe.MatchString(h) {
			heads = append(heads, h)
		}
	}
	for r := 0; r < headingRepeats; r++ {
		for _, h := range heads {
			add(h)
		}
	}
	return toks, paraPos, paraTok
}

// articleRe matches the heading of a law article (第十二条), which names no
// topic and is not repeated.
var articleRe = regexp.MustCompile(`^第[一二三四五六七八九十百千零〇两0-9]+条$`)

// headingRepeats is how many more times headings go into the body
// gram field: a word in a heading counts as often as 1+headingRepeats
// words of running text.
var headingRepeats = 3

// encodePositions stores paragraph start positions as uvarint deltas.
func encodePositions(pos []int32) []byte {
	b := make([]byte, 0, len(pos)*2)
	prev := int32(0)
	for _, p := range pos {
		b = binary.AppendUvarint(b, uint64(p-prev))
		prev = p
	}
	return b
}

func decodePositions(b []byte) ([]int32, error) {
	var out []int32
	prev := int32(0)
	for len(b) > 0 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("corrupt paragraph positions")
		}
		prev += int32(v)
		out = append(out, prev)
		b = b[n:]
	}
	return out, nil
}

// Put adds or replaces documents; they are searchable when it returns.
// Documents are analyzed in parallel on all cores.
func (ix *Index) Put(ctx context.Context, docs []*search.Document) error {
	if len(docs) == 0 {
		return nil
	}
	builtDocs := make([]*built, len(docs))
	errs := make([]error, len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(docs) || ctx.Err() != nil {
					return
				}
				builtDocs[i], errs[i] = buildDocument(docs[i])
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}

	ix.write.Lock()
	defer ix.write.Unlock()
	defer func() {
		for _, d := range docs {
			ix.docs.remove(d.ID)
		}
	}()
	st := ix.stats.Load().clone()
	batch := ix.idx.NewBatch()
	seen := map[string]bool{}
	for i, b := range builtDocs {
		id := docs[i].ID
		if seen[id] {
			return fmt.Errorf("document id %s appears twice in one batch", id)
		}
		seen[id] = true
		old, err := ix.storedLens(id)
		if err != nil {
			return err
		}
		if old != nil {
			st.remove(old)
		}
		st.add(b.lens)
		if err := batch.IndexAdvanced(b.doc); err != nil {
			return fmt.Errorf("index %s: %w", id, err)
		}
	}
	return ix.commit(batch, st)
}

// Delete removes documents by id.
func (ix *Index) Delete(ctx context.Context, ids ...string) error {
	ix.write.Lock()
	defer ix.write.Unlock()
	defer ix.docs.remove(ids...)
	st := ix.stats.Load().clone()
	batch := ix.idx.NewBatch()
	for _, id := range ids {
		old, err := ix.storedLens(id)
		if err != nil {
			return err
		}
		if old == nil {
			continue
		}
		st.remove(old)
		batch.Delete(id)
	}
	if batch.Size() == 0 {
		return nil
	}
	return ix.commit(batch, st)
}

func (ix *Index) commit(batch *blevelib.Batch, st *stats) error {
	sb, err := json.Marshal(st)
	if err != nil {
		return err
	}
	batch.SetInternal(keyStats, sb)
	if err := ix.idx.Batch(batch); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	ix.stats.Store(st)
	return nil
}

// storedLens returns the token counts stored with document id, or nil when
// the index does not hold it.
func (ix *Index) storedLens(id string) (map[string]int, error) {
	d, err := ix.idx.Document(id)
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", id, err)
	}
	if d == nil {
		return nil, nil
	}
	var lens map[string]int
	d.VisitFields(func(f index.Field) {
		if f.Name() == fLens {
			_ = json.Unmarshal(f.Value(), &lens)
		}
	})
	if lens == nil {
		lens = map[string]int{}
	}
	return lens, nil
}

func (s *stats) clone() *stats {
	c := &stats{Docs: s.Docs, Tokens: make(map[string]int, len(s.Tokens))}
	for k, v := range s.Tokens {
		c.Tokens[k] = v
	}
	return c
}

func (s *stats) add(lens map[string]int) {
	s.Docs++
	for k, v := range lens {
		s.Tokens[k] += v
	}
}

func (s *stats) remove(lens map[string]int) {
	s.Docs--
	for k, v := range lens {
		s.Tokens[k] -= v
	}
}

// Unchanged returns the ids of docs that the index holds in the same version.
func (ix *Index) Unchanged(ctx context.Context, docs []*search.Document) (map[string]bool, error) {
	out := map[string]bool{}
	if len(docs) == 0 {
		return out, nil
	}
	want := make(map[string]string, len(docs))
	qs := make([]query.Query, 0, len(docs))
	for _, d := range docs {
		h := d.Hash()
		want[d.ID] = h
		tq := query.NewTermQuery(h)
		tq.SetField(fHash)
		qs = append(qs, tq)
	}
	req := blevelib.NewSearchRequestOptions(query.NewDisjunctionQuery(qs), len(docs), 0, false)
	req.Score = "none"
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("compare with index: %w", err)
	}
	for _, h := range res.Hits {
		if _, ok := want[h.ID]; ok {
			out[h.ID] = true
		}
	}
	return out, nil
}

// Document returns the stored document id.
func (ix *Index) Document(ctx context.Context, id string) (*search.Document, error) {
	sd, err := ix.stored(id)
	if err != nil {
		return nil, err
	}
	return sd.doc, nil
}

// stored returns the decoded stored document id, from the cache when it
// is there.
func (ix *Index) stored(id string) (*storedDoc, error) {
	if sd := ix.docs.get(id); sd != nil {
		return sd, nil
	}
	d, err := ix.idx.Document(id)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", id, err)
	}
	if d == nil {
		return nil, search.ErrNotFound
	}
	var src, pos []byte
	d.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fSrc:
			src = f.Value()
		case fPos:
			pos = f.Value()
		}
	})
	doc, err := decodeSource(id, src)
	if err != nil {
		return nil, err
	}
	pp, err := decodePositions(pos)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	sd := &storedDoc{doc: doc, paraPos: pp, starts: doc.ParagraphStarts()}
	ix.docs.put(id, sd)
	return sd, nil
}

func decodeSource(id string, src []byte) (*search.Document, error) {
	if src == nil {
		return nil, fmt.Errorf("document %s has no stored source", id)
	}
	var doc search.Document
	if err := doc.UnmarshalBinary(src); err != nil {
		return nil, fmt.Errorf("decode %s: %w", id, err)
	}
	return &doc, nil
}
