package search

import "context"

// Engine is what an index backend provides: storage of analysed
// documents, an inverted index, ranking and counting, and fetching the
// stored documents back. Everything else — parsing, planning which terms
// of which layer to ask for with which weights, exact-title pinning,
// paging of pinned and passage results, locating matches, sections,
// snippets — belongs to the search core (Core), so that every engine
// answers the same query the same way.
//
// Analysis happens once, in Go, before a document reaches an engine
// (Analyze): engines receive terms, never text to segment.
type Engine interface {
	// Write adds documents or replaces the stored version of each. They
	// are searchable when Write returns. A batch is written whole or, on
	// error, the error says which documents failed.
	Write(ctx context.Context, docs []*IndexDoc) error
	// Delete removes documents by id; unknown ids are ignored.
	Delete(ctx context.Context, ids ...string) error
	// Unchanged returns which of the given ids the engine holds with
	// exactly the given hash (IndexDoc.Hash).
	Unchanged(ctx context.Context, hashes map[string]string) (map[string]bool, error)
	// Search ranks the documents that match req.
	Search(ctx context.Context, req *EngineRequest) (*EngineResult, error)
	// Documents returns stored documents by id; ids the engine does not
	// hold are left out of the map.
	Documents(ctx context.Context, ids []string) (map[string]*Document, error)
	// Count returns the number of documents.
	Count(ctx context.Context) (int, error)
	// Health returns nil when the engine can answer searches, else what
	// is wrong (for a cluster: its health).
	Health(ctx context.Context) error
	// Close releases the engine.
	Close() error
}

// EngineRequest asks an engine for a ranked window of documents.
type EngineRequest struct {
	// Query selects and scores documents; nil matches every document.
	Query *Bool
	// Filter restricts the documents: every node must match. Filters
	// do not change the ranking.
	Filter []Node
	// Sort is SortRelevance (score, best first), SortDate (newest
	// first, then score) or SortDateAsc (oldest first, then score).
	// Documents without a date come last either way.
	Sort string
	// From and Size select the window of the ranking to return.
	From, Size int
	// Facets names the keyword fields (FieldAgency …) whose values the
	// engine counts over all matching documents, FacetSize values each.
	Facets    []string
	FacetSize int
	// FacetPool, when above 0 (and Sort is SortRelevance), counts the
	// facets over the FacetPool best matches only, not all of them (a
	// question matches most of the index, weakly). An engine with no
	// cheaper way to do so answers with FacetsOfBest.
	FacetPool int
}

// PoolsFacets reports whether r asks for facets over a pool of its best
// matches (FacetPool), not over all of them.
func (r *EngineRequest) PoolsFacets() bool {
	return r.FacetPool > 0 && len(r.Facets) > 0 && r.Sort == SortRelevance
}

// FacetsOfBest answers req, whose FacetPool is set, with two plain
// requests to run: the ranking down to the FacetPool best matches, then
// the facets of those documents, found by their ids.
func FacetsOfBest(ctx context.Context, run func(context.Context, *EngineRequest) (*EngineResult, error), req *EngineRequest) (*EngineResult, error) {
	r := *req
	r.Facets, r.FacetPool = nil, 0
	r.From, r.Size = 0, max(req.From+req.Size, req.FacetPool)
	res, err := run(ctx, &r)
	if err != nil {
		return nil, err
	}
	if best := res.Hits[:min(len(res.Hits), req.FacetPool)]; len(best) > 0 {
		ids := make([]string, len(best))
		for i, h := range best {
			ids[i] = h.ID
		}
		fr, err := run(ctx, &EngineRequest{Filter: []Node{&IDs{IDs: ids}}, Facets: req.Facets, FacetSize: req.FacetSize, Sort: SortRelevance})
		if err != nil {
			return nil, err
		}
		res.Facets = fr.Facets
	}
	res.Hits = window(res.Hits, req.From, req.Size)
	return res, nil
}

// EngineResult is an engine's answer to an EngineRequest.
type EngineResult struct {
	// Total counts every matching document.
	Total int
	// Hits are the requested window, best first.
	Hits []Ranked
	// MaxScore is the best score of all matches (0 when sorted by date
	// and the engine does not know it).
	MaxScore float64
	// Facets holds the counts of each requested facet field, most
	// frequent first.
	Facets map[string][]FacetValue
}

// Ranked is one document of a ranking.
type Ranked struct {
	ID    string
	Score float64
}

// Fields of an analysed document. Word fields (FieldTitle, FieldBody)
// carry the word layer and feed ranking; gram fields (the *_bi ones)
// carry the gram layer with positions, for exact matching and phrases;
// keyword fields carry exact values for filters and facets.
const (
	FieldTitle       = "title"
	FieldTitleGrams  = "title_bi"
	FieldBody        = "body"
	FieldBodyGrams   = "body_bi"
	FieldAgencyGrams = "agency_bi"
	FieldAgency      = "agency" // keyword: the agency as written (facet, agency:=)
	FieldDocType     = "doc_type"
	FieldCategory    = "category"
	FieldYear        = "year"
	FieldDate        = "date" // the publication date, YYYY-MM-DD (IndexDoc.Date)
	FieldDocNum      = "docnum"
	FieldTitleKey    = "title_key"
	FieldRole        = "role"
	FieldPlanYear    = "plan_year"
	FieldReviewYear  = "review_year"
	FieldHash        = "hash"
)

// RoleGramsField is the gram field of the sections of a role: every gram
// of those sections once, without positions (role: filters ask only
// whether a role's sections hold every gram of a text).
func RoleGramsField(role string) string { return "role_" + role + "_bi" }

// Roles are the roles a section can have besides RoleOther, in the order
// facets list them.
var Roles = []string{RolePlan, RoleReview, RoleProblem}

// IndexDoc is a document analysed for an engine.
type IndexDoc struct {
	// Doc is the document to store and give back from Documents.
	Doc *Document
	// Hash identifies this version of the document (Document.Hash).
	Hash string
	// Date is the publication date, YYYY-MM-DD, or "".
	Date string
	// Fields are the analysed fields, text and keyword alike.
	Fields []Field
}

// Field is one analysed field of a document.
type Field struct {
	Name string
	// Terms are the field's terms in order. A keyword field holds each
	// value once.
	Terms []string
	// Positions holds the position of each term (from 1; terms may share
	// a position, and positions may skip) for the fields phrases search;
	// nil for the others.
	Positions []int32
	// Keyword marks a field of exact values (filters and facets).
	Keyword bool
	// WeightOnly is how many terms at the end of Terms only add weight:
	// they repeat text found earlier in the field (section headings,
	// counted more than once for ranking), so an engine may count them
	// in term frequencies and the field length without indexing their
	// positions; no phrase needs to match them there.
	WeightOnly int
}

// Node is a part of an engine query. Engines translate nodes to their
// own query language; the set is small on purpose.
type Node interface{ node() }

// Bool matches documents that match every Must node (every document when
// there is none) and no Not node; Should nodes only add to the score.
// The score is the sum of the scores of the matching nodes. (bleve scales
// the Should part, like Any, by the share of its nodes that match; Lucene
// does not. Scores of the two engines differ there, rankings rarely.)
type Bool struct {
	Must, Should, Not []Node
}

// All matches documents that match every node; the score is the sum.
type All struct{ Nodes []Node }

// Any matches documents that match at least one node; the score is the
// sum of the matching nodes' scores (bleve: times the share of nodes that
// match).
type Any struct{ Nodes []Node }

// WeightedTerm is a term of a field with the weight of its BM25 score.
type WeightedTerm struct {
	Field, Term string
	Weight      float64
}

// Terms matches documents that hold any of the terms and scores them by
// Okapi BM25 summed over the terms, each times its weight, with the true
// term frequency and field length.
type Terms struct{ Terms []WeightedTerm }

// Phrase matches documents whose gram field holds the slots at
// consecutive positions (analyzer.PhraseSlots), scored as the BM25 sum of
// the slots times Weight.
type Phrase struct {
	Field  string
	Slots  []string
	Weight float64
}

// Prefix matches documents whose field holds a term that starts with
// Prefix, scored by the engine's own term scoring times Weight.
type Prefix struct {
	Field, Prefix string
	Weight        float64
	// MaxTerms, when positive, lets the engine match only the MaxTerms
	// terms with that prefix that occur in the most documents: a single
	// common character starts thousands of bigrams, and walking them all
	// costs a second or more, while the most common few hundred find
	// nearly every document that holds the character.
	MaxTerms int
}

// TermQuery matches documents whose field holds the term, scored by the
// engine's own term scoring times Weight (a tiny weight makes it a
// filter that keeps scores comparable).
type TermQuery struct {
	Field, Text string
	Weight      float64
}

// Keyword matches documents whose keyword field holds one of Values
// exactly; it does not score.
type Keyword struct {
	Field  string
	Values []string
}

// DateRange matches documents published from From to To (YYYY-MM-DD,
// both inclusive; either may be empty). It does not score.
type DateRange struct{ From, To string }

// IDs matches the documents with these ids. It does not score.
type IDs struct{ IDs []string }

// MatchNone matches no document.
type MatchNone struct{}

func (*Bool) node()      {}
func (*All) node()       {}
func (*Any) node()       {}
func (*Terms) node()     {}
func (*Phrase) node()    {}
func (*Prefix) node()    {}
func (*TermQuery) node() {}
func (*Keyword) node()   {}
func (*DateRange) node() {}
func (*IDs) node()       {}
func (*MatchNone) node() {}
