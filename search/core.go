package search

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search/internal/parallel"
)

// Options tune the search core.
type Options struct {
	// Ranking weighs question ranking; the zero value means DefaultRanking.
	Ranking *Ranking
	// Deadline bounds one search, engine work and snippets together; 0
	// means DefaultDeadline. A search that runs out answers an error
	// that wraps context.DeadlineExceeded.
	Deadline time.Duration
	// SearchSlots is how many searches may run at once; the others wait
	// their turn, in the order they came, within their deadline. Searches
	// that all run at once share the CPUs, so each takes as long as all
	// of them, and a question among many cheap searches waits longest;
	// run in turn, a search takes its own time plus its wait. 0 means
	// the number of CPUs; negative, no limit (an engine whose searches
	// mostly wait on another machine, such as OpenSearch, sets that).
	SearchSlots int
	// HeavySlots is how many heavy searches (questions, single
	// characters, many clauses) may run at once; others wait their turn
	// within their deadline. 0 means the number of CPUs.
	HeavySlots int
	// ClientHeavyShare is the share of the heavy slots' time that the
	// heavy searches of one client (named by WithClient) may hold on
	// average, after ClientHeavyBurst of heavy work at once. While other
	// clients' searches are running, a client over its budget (or with
	// four heavy searches started) gets a *BusyError for heavy searches
	// until it has earned time again. 0 means DefaultClientHeavyShare;
	// negative, no limit.
	ClientHeavyShare float64
	// ClientHeavyBurst is the heavy-search time a client may spend at
	// once; 0 means DefaultClientHeavyBurst.
	ClientHeavyBurst time.Duration
	// Workers is how many documents Put analyses at once; 0 means the
	// number of CPUs.
	Workers int
	// Observe, when set, is told of every engine call: its operation
	// (write, delete, unchanged, search, documents, count, health), how
	// long it took and its error (for metrics; the core logs nothing).
	Observe func(op string, took time.Duration, err error)
}

// DefaultDeadline is the time a search may take unless Options say
// otherwise.
const DefaultDeadline = 5 * time.Second

// facetFields are the fields every search counts.
var facetFields = []string{FieldAgency, FieldDocType, FieldYear, FieldRole, FieldCategory}

// Core is the search core over an engine: it implements Index by
// planning each query, asking the engine for a ranked window, pinning
// exact titles, and building sections, snippets and passages from the
// stored documents. Every engine gets the same behaviour from it.
type Core struct {
	engine  Engine
	ranking Ranking
	opts    Options
	slots   *slots // one per running search; nil: no limit
	heavy   *slots
	budgets *budgets
	// running counts the searches under way: a client's heavy-search
	// budget counts only when other clients' searches are running.
	running atomic.Int64
}

var _ Index = (*Core)(nil)

// NewCore returns the search core over engine.
func NewCore(engine Engine, o Options) *Core {
	c := &Core{engine: engine, ranking: DefaultRanking(), opts: o}
	if o.Ranking != nil {
		c.ranking = *o.Ranking
	}
	if c.opts.Deadline <= 0 {
		c.opts.Deadline = DefaultDeadline
	}
	if c.opts.SearchSlots == 0 {
		c.opts.SearchSlots = runtime.GOMAXPROCS(0)
	}
	if c.opts.SearchSlots > 0 {
		c.slots = newSlots(c.opts.SearchSlots)
	}
	if c.opts.HeavySlots <= 0 {
		c.opts.HeavySlots = runtime.GOMAXPROCS(0)
	}
	if c.opts.Workers <= 0 {
		c.opts.Workers = runtime.GOMAXPROCS(0)
	}
	c.heavy = newSlots(c.opts.HeavySlots)
	c.budgets = newBudgets(c.opts.ClientHeavyShare, c.opts.HeavySlots, c.opts.ClientHeavyBurst)
	if o.Observe != nil {
		c.engine = &observed{Engine: engine, observe: o.Observe}
	}
	return c
}

var _ Deadliner = (*Core)(nil)

// Deadline is the time one search may take (Options.Deadline).
func (c *Core) Deadline() time.Duration { return c.opts.Deadline }

// Engine returns the engine under the core.
func (c *Core) Engine() Engine {
	if o, ok := c.engine.(*observed); ok {
		return o.Engine
	}
	return c.engine
}

// Close closes the engine.
func (c *Core) Close() error { return c.engine.Close() }

// Count returns the number of documents.
func (c *Core) Count() (uint64, error) {
	n, err := c.engine.Count(context.Background())
	return uint64(n), err
}

// Health reports whether the engine can answer.
func (c *Core) Health(ctx context.Context) error { return c.engine.Health(ctx) }

// Put analyses documents (in parallel) and writes them; they are
// searchable when Put returns.
func (c *Core) Put(ctx context.Context, docs []*Document) error {
	if len(docs) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(docs))
	for _, d := range docs {
		if seen[d.ID] {
			return fmt.Errorf("document id %s appears twice in one batch", d.ID)
		}
		seen[d.ID] = true
	}
	out := make([]*IndexDoc, len(docs))
	err := parallel.Each(ctx, len(docs), c.opts.Workers, func(i int) (err error) {
		out[i], err = Analyze(docs[i])
		return err
	})
	if err != nil {
		return err
	}
	return c.engine.Write(ctx, out)
}

// Delete removes documents by id.
func (c *Core) Delete(ctx context.Context, ids ...string) error { return c.engine.Delete(ctx, ids...) }

// Unchanged returns the ids of docs that the index holds in this version.
func (c *Core) Unchanged(ctx context.Context, docs []*Document) (map[string]bool, error) {
	hashes := make(map[string]string, len(docs))
	for _, d := range docs {
		hashes[d.ID] = d.Hash()
	}
	return c.engine.Unchanged(ctx, hashes)
}

// Document returns a stored document, or ErrNotFound.
func (c *Core) Document(ctx context.Context, id string) (*Document, error) {
	docs, err := c.engine.Documents(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	d, ok := docs[id]
	if !ok {
		return nil, ErrNotFound
	}
	return d, nil
}

// Matches returns where q matches in the body of doc.
func (c *Core) Matches(ctx context.Context, q *Query, doc *Document) ([]Span, error) {
	p, err := newPlan(q, c.ranking)
	if err != nil {
		return nil, err
	}
	return locateDoc(ctx, doc, p), nil
}

// Charge runs fn, heavy work for the client of ctx that is more than one
// search (a commitments or targets report makes hundreds), within the
// core's deadline: it counts against the client's heavy-search budget as
// one heavy search — refused with a *BusyError when the client is over
// it while others are searching — and the searches fn makes are not
// counted again (they still take the heavy slots they need).
func (c *Core) Charge(ctx context.Context, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Deadline)
	defer cancel()
	client := clientOf(ctx)
	busy := c.enter(client)
	defer c.leave(client)
	if err := c.budgets.start(client, busy); err != nil {
		return err
	}
	start := time.Now()
	defer func() { c.budgets.end(client, time.Since(start)) }()
	return fn(context.WithValue(ctx, chargedKey{}, true))
}

// enter counts a search of client as running and reports whether
// searches of other clients are running too (a client's heavy-search
// budget counts only then); leave must follow.
func (c *Core) enter(client string) (othersSearching bool) {
	all := c.running.Add(1)
	mine := c.budgets.enter(client)
	return all > int64(mine)
}

func (c *Core) leave(client string) {
	c.budgets.leave(client)
	c.running.Add(-1)
}

// Search runs q and shapes the result of the contract.
func (c *Core) Search(ctx context.Context, q *Query, req *Request) (*Result, error) {
	start := time.Now()
	p, err := newPlan(q, c.ranking)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Deadline)
	defer cancel()
	client := clientOf(ctx)
	busy := c.enter(client)
	defer c.leave(client)
	// A heavy search takes a heavy slot, then a search slot (the other
	// way round, it would hold a search slot while waiting); its
	// client's budget is charged from when it runs, not for its wait.
	// A later step of a request waits ahead of new requests (slots).
	later := isLaterStep(ctx)
	var running time.Time
	if p.heavy {
		if err := c.budgets.start(client, busy); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if err := c.heavy.acquire(ctx, later); err != nil {
			c.budgets.end(client, 0)
			return nil, fmt.Errorf("search: waiting for a slot: %w", err)
		}
		defer func() {
			c.heavy.release()
			ran := time.Duration(0)
			if !running.IsZero() {
				ran = time.Since(running)
			}
			c.budgets.end(client, ran)
		}()
	}
	if c.slots != nil {
		if err := c.slots.acquire(ctx, later); err != nil {
			return nil, fmt.Errorf("search: waiting for a slot: %w", err)
		}
		defer c.slots.release()
	}
	running = time.Now()
	res, err := c.search(ctx, q, p, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

func (c *Core) search(ctx context.Context, q *Query, p *plan, req *Request) (*Result, error) {
	passages := req.Mode == ModePassages
	size, from := req.Size, offset(req)
	poolSize := PassagePool
	if q.Question {
		poolSize = QuestionPassagePool
	}
	if passages {
		size, from = poolSize, 0
	}
	// Documents whose title is exactly the query come first, whatever
	// their score (a title typed as a question would otherwise compete
	// with documents that share many of its words).
	pinned, err := c.exactTitles(ctx, p, req)
	if err != nil {
		return nil, err
	}
	if len(pinned) > 0 {
		size, from = from+size+len(pinned), 0
	}
	// A question matches most of the index, weakly: its facets count the
	// best-ranked matches only (QuestionFacetPool), which costs a fraction.
	questionFacets := q.Question && req.Sort == SortRelevance
	// The best hits of several keywords are reordered by how the
	// keywords stand in them (rerank); the engine returns that head whole.
	rerankHits := p.keywords && req.Sort == SortRelevance && !passages && from < rerankHead
	collect := size
	if rerankHits {
		collect, from = max(from+size, rerankHead), 0
	}
	er := &EngineRequest{Query: p.query, Filter: p.filter, Sort: req.Sort, From: from, Size: collect, Facets: facetFields, FacetSize: FacetEntries}
	if questionFacets {
		er.FacetPool = QuestionFacetPool
	}
	rk, err := c.engine.Search(ctx, er)
	if err != nil {
		return nil, err
	}
	hits := rk.Hits
	// Documents and their located matches, fetched once for reordering and
	// for showing.
	docs := map[string]*Document{}
	spans := map[string][]Span{}
	load := func(hs []Ranked) error {
		var ids []string
		for _, h := range hs {
			if _, ok := docs[h.ID]; !ok {
				ids = append(ids, h.ID)
			}
		}
		got, err := c.engine.Documents(ctx, ids)
		if err != nil {
			return err
		}
		for id, d := range got {
			docs[id] = d
			spans[id] = locateDoc(ctx, d, p)
			// Let other searches run between documents (see the package doc).
			runtime.Gosched()
		}
		return ctx.Err()
	}
	if rerankHits {
		head := hits[:min(len(hits), rerankHead)]
		if err := load(head); err != nil {
			return nil, err
		}
		rerank(p, head, docs, spans)
	}
	if rerankHits && len(pinned) == 0 && !passages {
		hits = window(hits, offset(req), req.Size)
	}
	if len(pinned) > 0 {
		// Pinned titles come first and score as the best hit does.
		top := rk.MaxScore
		for _, h := range hits {
			top = max(top, h.Score)
		}
		for i := range pinned {
			pinned[i].Score = max(pinned[i].Score, top)
		}
		hits = pinFirst(hits, pinned, offset(req), req.Size, passages)
	} else if passages && len(hits) > poolSize {
		hits = hits[:poolSize]
	}
	if err := load(hits); err != nil {
		return nil, err
	}
	out := &Result{Query: q.Raw, Total: rk.Total, Page: req.Page, Size: req.Size, Mode: req.Mode, Hits: []Hit{}, Facets: facetsOf(rk.Facets)}
	// Passage mode ranks the sections of the pool's documents and renders
	// only the page it shows.
	type scored struct {
		hit  *Hit
		secs rankedSections
		i    int // the section; -1: the document matched, no section did
		doc  int // the document's place in the ranking
		key  float64
	}
	var pool []scored
	best := 0 // most clauses one shown document holds (for Partial)
	for rank, h := range hits {
		doc, ok := docs[h.ID]
		if !ok {
			continue // deleted since it was ranked
		}
		hit := Hit{
			ID: doc.ID, Title: doc.Title, Agency: doc.Agency, DocNumber: doc.DocNumber, Date: doc.Date,
			DocType: doc.DocType, Category: doc.Category, URL: doc.SourceURL,
			Score: round3(h.Score), Sections: []SectionHit{},
		}
		if doc.Date == "" && doc.Year > 0 {
			hit.Year, hit.YearFrom = doc.Year, doc.YearFrom
		}
		if q.Question {
			hit.Matched = matchedWords(p, doc, spans[h.ID])
			best = max(best, len(hit.Matched))
		}
		secs := rankSectionsOf(doc, spans[h.ID], p.clauses, p.roles)
		if passages {
			rel := 0.0
			if rk.MaxScore > 0 {
				rel = h.Score / rk.MaxScore
			}
			for i := 0; i < secs.len(); i++ {
				pool = append(pool, scored{hit: &hit, secs: secs, i: i, doc: rank, key: round3(secs.score(i)) + 2*rel})
			}
			if secs.len() == 0 {
				// Matched in its title (or beyond what is analysed):
				// the document itself is the passage.
				pool = append(pool, scored{hit: &hit, i: -1, doc: rank, key: 2 * rel})
			}
			continue
		}
		hit.Sections = secs.top(MaxSections)
		out.Hits = append(out.Hits, hit)
	}
	// A question (or a relaxed query) whose best documents hold at most
	// half of its words found no answer, only partial matches, and says so.
	out.Partial = q.Question && len(out.Hits)+len(pool) > 0 && 2*best <= len(p.clauseText)
	if passages {
		byDate := req.Sort != SortRelevance
		sort.SliceStable(pool, func(i, j int) bool {
			if byDate && pool[i].hit != pool[j].hit {
				// Documents in the engine's date order, each one's
				// passages best first.
				return pool[i].doc < pool[j].doc
			}
			return pool[i].key > pool[j].key
		})
		out.Total = len(pool)
		for i := offset(req); i < len(pool) && i < offset(req)+req.Size; i++ {
			s := pool[i]
			h := *s.hit
			h.Score = round3(s.key)
			if s.i >= 0 {
				h.Sections = []SectionHit{s.secs.hit(s.i)}
			}
			out.Hits = append(out.Hits, h)
		}
	}
	return out, nil
}

// locateDoc finds the plan's clauses in doc, or, where none is found,
// what else ranked it (a question's single characters and expansions).
func locateDoc(ctx context.Context, doc *Document, p *plan) []Span {
	spans := locate(ctx, doc, p.locate)
	if len(spans) == 0 && len(p.fallback) > 0 {
		spans = locate(ctx, doc, p.fallback)
	}
	return spans
}

// matchedWords lists the clauses of p that doc holds, in its body (spans)
// or its title.
func matchedWords(p *plan, doc *Document, spans []Span) []string {
	has := map[int]bool{}
	for _, sp := range spans {
		has[sp.Clause] = true
	}
	title := analyzer.Units(doc.Title)
	for _, l := range append(append([]locator{}, p.locate...), p.fallback...) {
		if l.clause < len(p.clauseText) && !has[l.clause] {
			l.m.Find(title, func(int) bool { has[l.clause] = true; return false })
		}
	}
	var out []string
	for i, w := range p.clauseText {
		if has[i] {
			out = append(out, w)
		}
	}
	return out
}

// exactTitles returns the documents whose title is exactly the query text
// (folded, without punctuation) and that pass the query's filters and
// exclusions, newest first.
func (c *Core) exactTitles(ctx context.Context, p *plan, req *Request) ([]Ranked, error) {
	if p.titleKey == "" || req.Sort != SortRelevance {
		return nil, nil
	}
	key := &Keyword{Field: FieldTitleKey, Values: []string{p.titleKey}}
	// Most queries are no title: find that out cheaply before running the
	// whole query with it.
	probe, err := c.engine.Search(ctx, &EngineRequest{Query: &Bool{Must: []Node{key}}, Sort: SortRelevance})
	if err != nil || probe.Total == 0 {
		return nil, err
	}
	rk, err := c.engine.Search(ctx, &EngineRequest{Query: &Bool{Must: []Node{key}, Not: p.exclude}, Filter: p.filter, Sort: SortDate, Size: 20})
	if err != nil {
		return nil, err
	}
	return rk.Hits, nil
}

func facetsOf(m map[string][]FacetValue) Facets {
	get := func(f string) []FacetValue {
		if v := m[f]; v != nil {
			return v
		}
		return []FacetValue{}
	}
	return Facets{Agency: get(FieldAgency), DocType: get(FieldDocType), Year: get(FieldYear), Role: get(FieldRole), Category: get(FieldCategory)}
}

func offset(req *Request) int { return (req.Page - 1) * req.Size }

func round3(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 3, 64), 64)
	return v
}

// window returns hits[from:from+size], bounded.
func window(hits []Ranked, from, size int) []Ranked {
	if from >= len(hits) {
		return nil
	}
	return hits[from:min(from+size, len(hits))]
}

// pinFirst puts the pinned matches ahead of the ranking hits (which hold
// the first from+size+len(pinned) results) and returns the window
// [from, from+size); passage mode keeps the whole pool.
func pinFirst(hits, pinned []Ranked, from, size int, pool bool) []Ranked {
	isPinned := map[string]bool{}
	for _, p := range pinned {
		isPinned[p.ID] = true
	}
	all := append([]Ranked{}, pinned...)
	for _, h := range hits {
		if !isPinned[h.ID] {
			all = append(all, h)
		}
	}
	if pool {
		return all
	}
	return window(all, from, size)
}
