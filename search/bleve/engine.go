package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/internal/parallel"
)

// formatVersion changes whenever the way documents become index terms or
// stored sections changes (paragraph splitting, section roles); an index
// of another version must be rebuilt.
const formatVersion = "gongkai-7"

// ErrStale is returned by Open for an index built by another version of
// gongkai or with another lexicon: its terms no longer match what queries
// look for, so it must be rebuilt (see Remove).
var ErrStale = errors.New("index was built with a different analyzer or format; rebuild it")

// version identifies the index format and the analysis behind it.
func version() string { return formatVersion + "/" + analyzer.Fingerprint() }

// IsIndex reports whether dir holds a bleve index.
func IsIndex(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "index_meta.json"))
	return err == nil
}

// Remove deletes the index in dir (to rebuild it). A folder that does not
// look like a bleve index is left alone (nothing to remove). An index
// another process holds is refused with a *LockedError after
// DefaultLockTimeout (deleting it would leave that process serving
// deleted files, and writing segments into the new one); one that cannot
// be opened for another reason — an old format, a damaged file — is what
// a rebuild is for, and is deleted.
func Remove(ctx context.Context, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	e, err := OpenEngine(ctx, dir, Options{})
	var le *LockedError
	switch {
	case errors.As(err, &le):
		return err
	case ctx.Err() != nil:
		return ctx.Err()
	case err == nil:
		if err := e.Close(); err != nil {
			return err
		}
	}
	return os.RemoveAll(dir)
}

var (
	keyStats   = []byte("gongkai:stats")
	keyVersion = []byte("gongkai:version")
)

// Options tune the bleve engine.
type Options struct {
	// K1 and B are the BM25 parameters; 0 means DefaultK1 and DefaultB.
	K1, B float64
	// DocCacheBytes bounds the decoded documents kept in memory; 0 means
	// DefaultDocCacheBytes.
	DocCacheBytes int
	// LockTimeout bounds the wait for an index another process holds; 0
	// means DefaultLockTimeout. Open then fails with a *LockedError.
	LockTimeout time.Duration
	// Owner describes this process in the index's owner file while it
	// holds the index (for the message another process shows).
	Owner Owner
	// Bulk lets a write return once its documents are searchable, while
	// they are still being written to disk (bleve's unsafe batches);
	// Close waits until everything written is on disk. A process killed
	// before Close loses the writes that had not reached the disk, so
	// Bulk is for runs that write again what the index lacks (gongkai
	// index), not for writes acknowledged one by one. A build no longer
	// waits on the disk after every batch: 2–3% of its time.
	Bulk bool
	// Core tunes the search core Open puts over the engine.
	Core search.Options
}

// BM25 and engine defaults. b is lower than the usual 0.75: government
// texts are long, and a report that treats a topic at length should not
// lose to a short notice that names it once.
const (
	DefaultK1            = 1.2
	DefaultB             = 0.4
	DefaultDocCacheBytes = 64 << 20
	DefaultLockTimeout   = 3 * time.Second
)

// Engine is a gongkai index stored by bleve (scorch) in a folder: it
// implements search.Engine.
type Engine struct {
	idx     blevelib.Index
	dir     string
	opts    Options
	docs    *docCache
	write   sync.Mutex // one writer at a time: stats are read-modify-write
	stats   atomic.Pointer[stats]
	wrote   atomic.Bool  // written to since it was opened
	written atomic.Int64 // documents written since it was opened

	snapMu sync.Mutex
	snap   *snapshotData // per-document data of the latest snapshot searched
}

var _ search.Engine = (*Engine)(nil)

// stats are the true BM25 collection statistics: bleve's own estimate of
// the average field length counts distinct terms, not tokens.
type stats struct {
	Docs   int            `json:"docs"`
	Tokens map[string]int `json:"tokens"`
}

// bm25Once guards bleve's package-level BM25 parameters, which hold for
// every index of the process.
var bm25Mu sync.Mutex

// Index is a gongkai index on bleve as Open returns it: the search core
// over the bleve engine.
type Index = search.Core

// Open opens the gongkai index in dir (creating it when there is none)
// and returns the search core over it.
func Open(dir string) (*search.Core, error) { return OpenWith(context.Background(), dir, Options{}) }

// OpenWith opens the index in dir with options and returns the search
// core over it. It waits at most o.LockTimeout for an index another
// process holds, and returns early when ctx is done.
func OpenWith(ctx context.Context, dir string, o Options) (*search.Core, error) {
	e, err := OpenEngine(ctx, dir, o)
	if err != nil {
		return nil, err
	}
	return search.NewCore(e, o.Core), nil
}

// OpenEngine opens the bleve engine in dir, creating the index when there
// is none.
func OpenEngine(ctx context.Context, dir string, o Options) (*Engine, error) {
	if o.K1 == 0 {
		o.K1 = DefaultK1
	}
	if o.B == 0 {
		o.B = DefaultB
	}
	if o.DocCacheBytes == 0 {
		o.DocCacheBytes = DefaultDocCacheBytes
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	bm25Mu.Lock()
	bsearch.BM25_k1, bsearch.BM25_b = o.K1, o.B
	bm25Mu.Unlock()

	type opened struct {
		idx blevelib.Index
		err error
	}
	done := make(chan opened, 1)
	go func() {
		idx, err := openBleve(dir, o.LockTimeout, o.Bulk)
		done <- opened{idx, err}
	}()
	var op opened
	select {
	case op = <-done:
	case <-ctx.Done():
		go func() {
			if op := <-done; op.idx != nil {
				op.idx.Close()
			}
		}()
		return nil, fmt.Errorf("open index %s: %w", dir, ctx.Err())
	}
	if op.err != nil {
		if errors.Is(op.err, bolterrors.ErrTimeout) {
			return nil, &LockedError{Dir: dir, Owner: readOwner(dir)}
		}
		return nil, op.err
	}
	idx := op.idx
	e := &Engine{idx: idx, dir: dir, opts: o, docs: newDocCache(o.DocCacheBytes)}
	st := &stats{Tokens: map[string]int{}}
	if b, err := idx.GetInternal(keyStats); err == nil && len(b) > 0 {
		if err := json.Unmarshal(b, st); err != nil {
			idx.Close()
			return nil, fmt.Errorf("read index statistics: %w", err)
		}
	}
	e.stats.Store(st)
	writeOwner(dir, o.Owner)
	return e, nil
}

// openBleve opens or creates the bleve index in dir.
func openBleve(dir string, lockTimeout time.Duration, bulk bool) (blevelib.Index, error) {
	cfg := map[string]interface{}{"bolt_timeout": lockTimeout.String(), "scorchMergePlanOptions": planConfig(mergePlan), "unsafe_batch": bulk}
	if IsIndex(dir) {
		idx, err := blevelib.OpenUsing(dir, cfg)
		if err != nil {
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		v, err := idx.GetInternal(keyVersion)
		if err != nil || string(v) != version() {
			idx.Close()
			return nil, fmt.Errorf("%w: %s was built as %q, this gongkai needs %q", ErrStale, dir, v, version())
		}
		return idx, nil
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return nil, fmt.Errorf("create index folder: %w", err)
	}
	idx, err := blevelib.NewUsing(dir, newMapping(), blevelib.Config.DefaultIndexType, blevelib.Config.DefaultKVStore, cfg)
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := idx.SetInternal(keyVersion, []byte(version())); err != nil {
		idx.Close()
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	return idx, nil
}

// mergePlan is how bleve merges the segments that writes make, tiered by
// file size: up to ten segments of a tier (1 MB, 10 MB, 100 MB …)
// before they merge into one of the next. bleve's default tiers by
// document count with a floor of 2,000 documents, so that every merged
// segment of a corpus of a few thousand long documents stayed in the
// first tier and was merged again, and again, with each new write: a
// third of the CPU of a build.
var mergePlan = mergeplan.MergePlanOptions{
	MaxSegmentsPerTier:   10,
	MaxSegmentSize:       mergeplan.DefaultMergePlanOptions.MaxSegmentSize,
	MaxSegmentFileSize:   mergeplan.DefaultMergePlanOptions.MaxSegmentFileSize,
	TierGrowth:           10,
	SegmentsPerMergeTask: 10,
	FloorSegmentSize:     mergeplan.DefaultMergePlanOptions.FloorSegmentSize,
	FloorSegmentFileSize: 1 << 20,
	ReclaimDeletesWeight: mergeplan.DefaultMergePlanOptions.ReclaimDeletesWeight,
}

// planConfig gives merge plan options in the form bleve's configuration
// takes (it goes through JSON, which has no functions).
func planConfig(p mergeplan.MergePlanOptions) map[string]interface{} {
	return map[string]interface{}{
		"MaxSegmentsPerTier": p.MaxSegmentsPerTier, "MaxSegmentSize": p.MaxSegmentSize,
		"MaxSegmentFileSize": p.MaxSegmentFileSize, "TierGrowth": p.TierGrowth,
		"SegmentsPerMergeTask": p.SegmentsPerMergeTask, "FloorSegmentSize": p.FloorSegmentSize,
		"FloorSegmentFileSize": p.FloorSegmentFileSize, "ReclaimDeletesWeight": p.ReclaimDeletesWeight,
	}
}

// settlePlan is the merge Close asks for after a small update: at most
// two segments per tier, so that the update's own small segments merge
// and the large ones stay as they are.
var settlePlan = func() mergeplan.MergePlanOptions {
	p := mergePlan
	p.MaxSegmentsPerTier = 2
	return p
}()

// singlePlan is the merge Close asks for after a build (a quarter or more
// of the documents written since the index was opened): one segment, in
// one merge (every search term is looked up once per segment, and every
// segment repeats the common terms' dictionary entries).
var singlePlan = func() mergeplan.MergePlanOptions {
	p := mergeplan.SingleSegmentMergePlanOptions
	p.SegmentsPerMergeTask = 1 << 20
	return p
}()

// Close closes the index. After writes it first merges segments
// (settlePlan, singlePlan), which takes a few seconds after a build.
func (e *Engine) Close() error {
	defer removeOwner(e.dir)
	if e.wrote.Load() {
		if err := e.settle(); err != nil {
			e.idx.Close()
			return err
		}
	}
	return e.idx.Close()
}

// settle merges the index's segments by settlePlan, or singlePlan after
// a build.
func (e *Engine) settle() error {
	ix, err := e.idx.Advanced()
	if err != nil {
		return err
	}
	s, ok := ix.(*scorch.Scorch)
	if !ok {
		return nil
	}
	p := settlePlan
	if n, err := e.idx.DocCount(); err == nil && uint64(e.written.Load())*4 >= n {
		p = singlePlan
	}
	// The merge takes the segments on disk: with Bulk, the last writes
	// may still be in memory.
	if err := e.persist(s); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	if err := s.ForceMerge(context.Background(), &p); err != nil {
		return fmt.Errorf("merge index segments: %w", err)
	}
	// A write returns once it is on disk, and with it the merge; then
	// give bleve a moment to remove the merged segments' files, which it
	// otherwise does only when the index is next opened.
	if err := e.persist(s); err != nil {
		return fmt.Errorf("merge index segments: %w", err)
	}
	for i := 0; i < 100; i++ {
		m := s.StatsMap()
		files, _ := m["CurOnDiskFiles"].(uint64)
		segs, _ := m["TotFileSegmentsAtRoot"].(uint64)
		if files <= segs+1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

// persist writes the index's version and returns once it, and every
// write before it, is on disk. With Bulk, bleve retries a snapshot it
// failed to write (a full disk) for ever: persist then fails instead of
// waiting.
func (e *Engine) persist(s *scorch.Scorch) error {
	b := e.idx.NewBatch()
	b.SetInternal(keyVersion, []byte(version()))
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	failures := func() uint64 {
		n, _ := s.StatsMap()["TotPersistLoopErr"].(uint64)
		return n
	}
	before := failures()
	if err := e.idx.Batch(b); err != nil {
		return err
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if failures() > before {
				return errors.New("bleve could not write the index to disk (is the disk full?)")
			}
		}
	}
}

// Count returns the number of documents.
func (e *Engine) Count(context.Context) (int, error) {
	n, err := e.idx.DocCount()
	return int(n), err
}

// Health reports nil: an open bleve index can always answer.
func (e *Engine) Health(context.Context) error { return nil }

// built is a document ready for bleve, with its token counts.
type built struct {
	doc  *document.Document
	lens map[string]int
}

// fieldOptions gives the indexing options of each field.
func fieldOptions(f *search.Field) index.FieldIndexingOptions {
	if o, ok := indexedFields[f.Name]; ok {
		return o
	}
	switch {
	case f.Keyword && facetField[f.Name]:
		return optFacet
	case f.Keyword:
		return optKeyword
	case f.Positions != nil:
		return optGrams
	}
	return optWords
}

func buildDocument(d *search.IndexDoc) (*built, error) {
	doc := document.NewDocument(d.Doc.ID)
	lens := map[string]int{}
	has := make(map[string]bool, len(indexedFields))
	for i := range d.Fields {
		f := &d.Fields[i]
		lens[f.Name] += len(f.Terms)
		has[f.Name] = true
		doc.AddField(newTermsField(f.Name, fieldOptions(f), f))
		f.Terms, f.Positions = nil, nil // the field holds them now
	}
	if d.Date != "" {
		t, err := time.Parse("2006-01-02", d.Date)
		if err != nil {
			return nil, fmt.Errorf("document %s: date %q: %w", d.Doc.ID, d.Date, err)
		}
		f, err := document.NewDateTimeFieldWithIndexingOptions(search.FieldDate, nil, t, time.RFC3339, optFacet)
		if err != nil {
			return nil, fmt.Errorf("document %s: date: %w", d.Doc.ID, err)
		}
		lens[search.FieldDate]++
		has[search.FieldDate] = true
		doc.AddField(f)
	}
	// Every document carries every field (see termsField).
	for _, name := range indexedFieldNames {
		if !has[name] {
			doc.AddField(newTermsField(name, indexedFields[name], nil))
		}
	}
	src, err := d.Doc.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", d.Doc.ID, err)
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(fSrc, nil, src, optStored))
	lb, _ := json.Marshal(lens)
	doc.AddField(document.NewTextFieldWithIndexingOptions(fLens, nil, lb, optStored))
	return &built{doc: doc, lens: lens}, nil
}

// buildDocuments builds docs on every core, and counts each field's
// terms (termsField.Analyze) here rather than under the write lock,
// where scorch would: a write holds the lock while it builds its
// segment, and the next write waits for it.
func buildDocuments(docs []*search.IndexDoc) ([]*built, error) {
	out := make([]*built, len(docs))
	err := parallel.Each(context.Background(), len(docs), runtime.GOMAXPROCS(0), func(i int) error {
		b, err := buildDocument(docs[i])
		if err != nil {
			return err
		}
		b.doc.VisitFields(func(f index.Field) {
			if tf, ok := f.(*termsField); ok {
				tf.Analyze()
			}
		})
		out[i] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Write adds or replaces documents; they are searchable when it returns.
// It takes the analysed fields of docs over: their terms are let go of
// as soon as bleve has them (a long document's terms are tens of MB), so
// docs must not be used again.
func (e *Engine) Write(ctx context.Context, docs []*search.IndexDoc) error {
	if len(docs) == 0 {
		return nil
	}
	builtDocs, err := buildDocuments(docs)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	e.write.Lock()
	defer e.write.Unlock()
	defer func() {
		for _, d := range docs {
			e.docs.remove(d.Doc.ID)
		}
	}()
	st := e.stats.Load().clone()
	batch := e.idx.NewBatch()
	for i, b := range builtDocs {
		id := docs[i].Doc.ID
		old, err := e.storedLens(id)
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
	return e.commit(batch, st, len(docs))
}

// Delete removes documents by id.
func (e *Engine) Delete(ctx context.Context, ids ...string) error {
	e.write.Lock()
	defer e.write.Unlock()
	defer e.docs.remove(ids...)
	st := e.stats.Load().clone()
	batch := e.idx.NewBatch()
	for _, id := range ids {
		old, err := e.storedLens(id)
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
	return e.commit(batch, st, batch.Size())
}

func (e *Engine) commit(batch *blevelib.Batch, st *stats, docs int) error {
	sb, err := json.Marshal(st)
	if err != nil {
		return err
	}
	batch.SetInternal(keyStats, sb)
	if err := e.idx.Batch(batch); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	e.wrote.Store(true)
	e.written.Add(int64(docs))
	e.stats.Store(st)
	return nil
}

// storedLens returns the token counts stored with document id, or nil when
// the index does not hold it.
func (e *Engine) storedLens(id string) (map[string]int, error) {
	d, err := e.idx.Document(id)
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

// Unchanged returns which of the ids the index holds with the given hash.
func (e *Engine) Unchanged(ctx context.Context, hashes map[string]string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(hashes) == 0 {
		return out, nil
	}
	qs := make([]query.Query, 0, len(hashes))
	for _, h := range hashes {
		tq := query.NewTermQuery(h)
		tq.SetField(search.FieldHash)
		qs = append(qs, tq)
	}
	req := blevelib.NewSearchRequestOptions(query.NewDisjunctionQuery(qs), len(hashes), 0, false)
	req.Score = "none"
	res, err := e.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("compare with index: %w", err)
	}
	for _, h := range res.Hits {
		if _, ok := hashes[h.ID]; ok {
			out[h.ID] = true
		}
	}
	return out, nil
}

// Documents returns stored documents by id.
func (e *Engine) Documents(ctx context.Context, ids []string) (map[string]*search.Document, error) {
	out := make(map[string]*search.Document, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := e.stored(id)
		if errors.Is(err, search.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = d
	}
	return out, nil
}

// stored returns the decoded stored document id, from the cache when it
// is there.
func (e *Engine) stored(id string) (*search.Document, error) {
	if d := e.docs.get(id); d != nil {
		return d, nil
	}
	gen := e.docs.generation()
	d, err := e.idx.Document(id)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", id, err)
	}
	if d == nil {
		return nil, search.ErrNotFound
	}
	var src []byte
	d.VisitFields(func(f index.Field) {
		if f.Name() == fSrc {
			src = f.Value()
		}
	})
	if src == nil {
		return nil, fmt.Errorf("document %s has no stored source", id)
	}
	var doc search.Document
	if err := doc.UnmarshalBinary(src); err != nil {
		return nil, fmt.Errorf("decode %s: %w", id, err)
	}
	e.docs.put(id, &doc, gen)
	return &doc, nil
}

// LockedError says that another process holds the index.
type LockedError struct {
	Dir   string
	Owner *Owner // nil when the holder left no owner file
}

func (e *LockedError) Error() string {
	if e.Owner == nil {
		return fmt.Sprintf("index %s is in use by another process", e.Dir)
	}
	o := e.Owner
	s := fmt.Sprintf("index %s is in use by process %d (%s", e.Dir, o.PID, o.Command)
	if o.Addr != "" {
		s += " on " + o.Addr
	}
	return s + ")"
}

// Owner describes the process that holds an index.
type Owner struct {
	PID     int    `json:"pid"`
	Command string `json:"command"`
	// Addr is the base URL a serving process answers on, if any.
	Addr    string    `json:"addr,omitempty"`
	Started time.Time `json:"started"`
}

const ownerFile = "gongkai.owner.json"

// SetOwnerAddr records in the owner file the URL this process serves the
// index on, so that other processes can be pointed (or send) there.
func (e *Engine) SetOwnerAddr(addr string) {
	e.opts.Owner.Addr = addr
	writeOwner(e.dir, e.opts.Owner)
}

func writeOwner(dir string, o Owner) {
	if o.PID == 0 {
		o.PID = os.Getpid()
	}
	if o.Command == "" {
		o.Command = strings.Join(os.Args, " ")
	}
	if o.Started.IsZero() {
		o.Started = time.Now().UTC().Truncate(time.Second)
	}
	b, _ := json.Marshal(o)
	_ = os.WriteFile(filepath.Join(dir, ownerFile), b, 0o644)
}

func readOwner(dir string) *Owner {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return nil
	}
	var o Owner
	if json.Unmarshal(b, &o) != nil || o.PID == 0 {
		return nil
	}
	return &o
}

func removeOwner(dir string) { _ = os.Remove(filepath.Join(dir, ownerFile)) }
