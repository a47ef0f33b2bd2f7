package bleve

import (
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// Index fields. Words fields carry the word layer (for ranking), *_bi
// fields the gram layer (for exact matching, phrases and highlights; they
// keep term vectors), the rest are exact values for filters and facets.
const (
	fTitle    = "title"
	fTitleBi  = "title_bi"
	fBody     = "body"
	fBodyBi   = "body_bi"
	fAgency   = "agency" // exact, for the facet
	fAgencyBi = "agency_bi"
	fDocType  = "doc_type"
	fYear     = "year"
	fDate     = "date"
	fDocNum   = "docnum"
	fTitleKey = "title_key"
	// Roles of a report: the roles its sections have (facet), the years
	// its plan and review sections are about, and the text of the
	// sections of each role (gram layer, for role: filters).
	fRole       = "role"
	fPlanYear   = "plan_year"
	fReviewYear = "review_year"
	fHash       = "hash"
	fSrc        = "_src"  // stored document (search.Document.MarshalBinary)
	fPos        = "_pos"  // stored first gram position of every paragraph
	fLens       = "_lens" // stored token counts per field (JSON)
)

// scoredFields are the fields whose token totals feed BM25.
var scoredFields = []string{fTitle, fTitleBi, fBody, fBodyBi, fAgency, fAgencyBi, fDocType, fYear, fDate, fDocNum, fTitleKey, fHash,
	fRole, fPlanYear, fReviewYear, roleField(search.RolePlan), roleField(search.RoleReview), roleField(search.RoleProblem)}

// roleField is the gram field of the sections of a role.
func roleField(role string) string { return "role_" + role + "_bi" }

const (
	optWords = index.IndexField
	optGrams = index.IndexField | index.IncludeTermVectors
	// optRoleGrams is for the role fields: each gram once, no positions.
	optRoleGrams = index.IndexField
	optFacet     = index.IndexField | index.DocValues
	optKeyword   = index.IndexField
	optStored    = index.StoreField
)

// newMapping describes the fields for bleve. Documents are built directly
// (see buildDocument), but the mapping records the analyzers by name so
// that the index is self-describing and bleve's own query types analyze
// text the gongkai way (the default analyzer is the word layer, not bleve's
// "standard").
func newMapping() *mapping.IndexMappingImpl {
	im := mapping.NewIndexMapping()
	im.DefaultAnalyzer = analyzer.WordsName
	im.ScoringModel = index.BM25Scoring
	dm := mapping.NewDocumentStaticMapping()
	text := func(name, an string, tv bool) {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = an
		fm.Store = false
		fm.IncludeTermVectors = tv
		fm.IncludeInAll = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(name, fm)
	}
	keyword := func(name string, docValues bool) {
		fm := mapping.NewKeywordFieldMapping()
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = docValues
		dm.AddFieldMappingsAt(name, fm)
	}
	text(fTitle, analyzer.WordsName, false)
	text(fTitleBi, analyzer.GramsName, true)
	text(fBody, analyzer.WordsName, false)
	text(fBodyBi, analyzer.GramsName, true)
	text(fAgencyBi, analyzer.GramsName, true)
	for _, r := range []string{search.RolePlan, search.RoleReview, search.RoleProblem} {
		text(roleField(r), analyzer.GramsName, false)
	}
	keyword(fRole, true)
	keyword(fPlanYear, false)
	keyword(fReviewYear, false)
	keyword(fAgency, true)
	keyword(fDocType, true)
	keyword(fYear, true)
	keyword(fDocNum, false)
	keyword(fTitleKey, false)
	keyword(fHash, false)
	dt := mapping.NewDateTimeFieldMapping()
	dt.Store = false
	dt.IncludeInAll = false
	dt.DocValues = true
	dm.AddFieldMappingsAt(fDate, dt)
	stored := mapping.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.DocValues = false
	dm.AddFieldMappingsAt(fSrc, stored)
	dm.AddFieldMappingsAt(fLens, stored)
	dm.AddFieldMappingsAt(fPos, stored)
	im.DefaultMapping = dm
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}
