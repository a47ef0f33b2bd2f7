package search

import (
	"context"
	"errors"
	"time"
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date"     // newest first
	SortDateAsc   = "date_asc" // oldest first
)

// Modes of a search.
const (
	// ModeDocuments ranks documents and shows up to three best sections of each.
	ModeDocuments = "documents"
	// ModePassages ranks sections directly, one per hit.
	ModePassages = "passages"
)

// Limits on a request.
const (
	DefaultSize = 10
	MaxSize     = 100
	MaxPage     = 1000
	MaxQueryLen = 500 // characters
	MaxSections = 3   // sections shown per document
	// PassagePool is how many top documents passage mode ranks sections from.
	PassagePool = 200
	// QuestionPassagePool is the pool of a question in passage mode: its
	// ranking is already by relevance, and each of its documents is
	// located for every content word.
	QuestionPassagePool = 100
	// FacetEntries is how many values each facet lists (pages show ten
	// and fold the rest under 更多).
	FacetEntries = 30
	// QuestionFacetPool is how many of a question's best matches its
	// facets count (a question matches most documents, weakly).
	QuestionFacetPool = 500
)

// Request is a search as a user asks it.
type Request struct {
	Query string
	Page  int    // 1-based; 0 means 1
	Size  int    // hits per page; 0 means DefaultSize
	Sort  string // SortRelevance (default) or SortDate
	Mode  string // ModeDocuments (default) or ModePassages
}

// Result is the answer to a search; its JSON form is the outside contract
// shared by `gongkai search --json` and GET /api/search.
type Result struct {
	Query  string  `json:"query"`
	Total  int     `json:"total"`
	TookMS float64 `json:"took_ms"`
	Page   int     `json:"page"`
	Size   int     `json:"size"`
	// Mode is the mode the search ran in.
	Mode string `json:"mode,omitempty"`
	// Relaxed is set when no document contained the query as typed and
	// the results are ranked by its content words instead.
	Relaxed bool `json:"relaxed,omitempty"`
	// Partial is set when no document contains most of a question's (or
	// relaxed query's) words: the hits match only some of them (each hit's
	// Matched says which).
	Partial bool `json:"partial,omitempty"`
	// Suggestion is a corrected query built from the index's own
	// vocabulary when the query looks misspelt ("放官服" → "放管服").
	Suggestion string `json:"suggestion,omitempty"`
	Hits       []Hit  `json:"hits"`
	Facets     Facets `json:"facets"`
}

// Hit is one ranked document (or, in passage mode, one section of it).
type Hit struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Agency    string `json:"agency"`
	DocNumber string `json:"doc_number"`
	Date      string `json:"date"`
	// Year and YearFrom give the year of an undated document and where
	// it was read (YearFromTitle, YearFromBody), when known.
	Year     int     `json:"year,omitempty"`
	YearFrom string  `json:"year_from,omitempty"`
	DocType  string  `json:"doc_type"`
	Category string  `json:"category"`
	URL      string  `json:"url"`
	Score    float64 `json:"score"`
	// Matched lists the words of a question (or relaxed query) the
	// document contains.
	Matched  []string     `json:"matched,omitempty"`
	Sections []SectionHit `json:"sections"`
}

// SectionHit is a matching section with the paragraph that matched best.
type SectionHit struct {
	ID   string   `json:"id"`
	Path []string `json:"path"`
	// Role is the section's role in a report (review, problem, plan), if any.
	Role      string  `json:"role,omitempty"`
	Paragraph int     `json:"paragraph"`
	Score     float64 `json:"score"`
	// Snippet is HTML-escaped document text; only <mark> and </mark> are markup.
	Snippet string `json:"snippet"`
}

// Facets count the matching documents by agency, document type and year.
type Facets struct {
	Agency  []FacetValue `json:"agency"`
	DocType []FacetValue `json:"doc_type"`
	Year    []FacetValue `json:"year"`
	// Role counts the documents with review, problem and plan sections.
	Role []FacetValue `json:"role"`
	// Category counts documents by subject category (分类).
	Category []FacetValue `json:"category"`
}

// FacetValue is one value of a facet and how many matching documents have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// ErrNotFound is returned for a document id that is not in the index.
var ErrNotFound = errors.New("document not found")

// Index is a searchable store of documents. The bleve backend implements
// it; another engine can sit beside it behind the same interface.
type Index interface {
	// Put adds documents or replaces the stored version of each. They are
	// searchable when Put returns.
	Put(ctx context.Context, docs []*Document) error
	// Delete removes documents by id; unknown ids are ignored.
	Delete(ctx context.Context, ids ...string) error
	// Unchanged returns the ids of the given documents that the index
	// already holds in exactly this version (same Hash).
	Unchanged(ctx context.Context, docs []*Document) (map[string]bool, error)
	// Search runs a parsed query.
	Search(ctx context.Context, q *Query, req *Request) (*Result, error)
	// Document returns a stored document, or ErrNotFound.
	Document(ctx context.Context, id string) (*Document, error)
	// Matches returns where q matches in the body of doc (for highlighting
	// a whole document); nil when it does not match.
	Matches(ctx context.Context, q *Query, doc *Document) ([]Span, error)
	// Count returns the number of documents.
	Count() (uint64, error)
	Close() error
}

// Normalize fills in defaults and checks the limits of a request.
func (r *Request) Normalize() error {
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	switch {
	case r.Page < 1 || r.Page > MaxPage:
		return &QueryError{Msg: "页码超出范围（1–1000）", Detail: "page out of range"}
	case r.Size < 1 || r.Size > MaxSize:
		return &QueryError{Msg: "每页条数超出范围（1–100）", Detail: "size out of range"}
	}
	switch r.Sort {
	case "":
		r.Sort = SortRelevance
	case SortRelevance, SortDate, SortDateAsc:
	default:
		return &QueryError{Msg: "排序方式只能是 relevance、date（新到旧）或 date_asc（旧到新）", Detail: "unknown sort " + r.Sort}
	}
	switch r.Mode {
	case "":
		r.Mode = ModeDocuments
	case ModeDocuments, ModePassages:
	default:
		return &QueryError{Msg: "模式只能是 documents 或 passages", Detail: "unknown mode " + r.Mode}
	}
	return nil
}

// Run parses and normalizes req and searches idx. When a query typed as one
// run of text finds nothing as typed, it is run again as a question (ranked
// by its content words) and the result is marked Relaxed; when its best
// documents then hold at most half of its words, the result is Partial.
// A query that finds nothing as typed also gets a Suggestion when the index
// can offer one (Suggester). An index with a deadline (Deadliner) bounds
// all of it together, not each step.
func Run(ctx context.Context, idx Index, req Request) (*Result, error) {
	if err := req.Normalize(); err != nil {
		return nil, err
	}
	q, err := Parse(req.Query)
	if err != nil {
		return nil, err
	}
	if d, ok := idx.(Deadliner); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Deadline())
		defer cancel()
	}
	res, err := idx.Search(ctx, q, &req)
	if err != nil {
		return nil, err
	}
	if res.Total > 0 {
		return res, nil
	}
	suggestion := ""
	if sg, ok := idx.(Suggester); ok {
		if suggestion, err = sg.Suggest(ctx, q); err != nil {
			return nil, err
		}
	}
	if q.CanRelax() {
		rq := *q
		rq.Question, rq.QuestionText, rq.Relaxed = true, q.PlainText(), true
		// A later step of the same request: it waits ahead of new ones.
		relaxed, err := idx.Search(laterStep(ctx), &rq, &req)
		var qe *QueryError
		var be *BusyError
		switch {
		case errors.As(err, &qe), errors.As(err, &be):
			// Over a question's limits, or the client's budget for
			// costly searches: the user typed no question, so the answer
			// is what the query as typed found (nothing, and perhaps a
			// suggestion).
		case err != nil:
			return nil, err
		default:
			res = relaxed
			res.Relaxed = true
		}
	}
	res.Suggestion = suggestion
	return res, nil
}

// Deadliner is an index that bounds the time of one search (the search
// core's Options.Deadline); Run gives that time to all its steps together.
type Deadliner interface {
	Deadline() time.Duration
}

// Suggester is an index that can correct a query that found nothing.
type Suggester interface {
	// Suggest returns q with misspelt keywords corrected from the index's
	// own vocabulary, when the corrected query finds documents; else "".
	Suggest(ctx context.Context, q *Query) (string, error)
}
