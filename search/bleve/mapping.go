package bleve

import (
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gongkai/gongkai/search"
)

// Stored fields, besides the fields of search.Analyze.
const (
	fSrc  = "_src"  // stored document (search.Document.MarshalBinary)
	fLens = "_lens" // stored token counts per field (JSON)
)

// facetField marks the keyword fields that facets count and that
// therefore keep doc values.
var facetField = map[string]bool{
	search.FieldAgency: true, search.FieldDocType: true, search.FieldYear: true,
	search.FieldRole: true, search.FieldCategory: true,
}

const (
	optWords   = index.IndexField
	optGrams   = index.IndexField | index.IncludeTermVectors
	optFacet   = index.IndexField | index.DocValues
	optKeyword = index.IndexField
	optStored  = index.StoreField
)

// indexedFields are the options of every indexed field a document may
// have; indexedFieldNames lists them in order. Fields not listed (new
// ones an analysis adds) fall back to fieldOptions' rules.
var (
	indexedFields     = map[string]index.FieldIndexingOptions{}
	indexedFieldNames []string
)

func init() {
	add := func(name string, o index.FieldIndexingOptions) {
		indexedFields[name] = o
		indexedFieldNames = append(indexedFieldNames, name)
	}
	add(search.FieldTitle, optWords)
	add(search.FieldTitleGrams, optGrams)
	add(search.FieldBody, optWords)
	add(search.FieldBodyGrams, optGrams)
	add(search.FieldAgencyGrams, optGrams)
	for _, r := range search.Roles {
		add(search.RoleGramsField(r), optWords)
	}
	for _, k := range keywordFields {
		if facetField[k] {
			add(k, optFacet)
		} else {
			add(k, optKeyword)
		}
	}
	add(search.FieldDate, optFacet)
}

// keywordFields are the fields of exact values.
var keywordFields = []string{search.FieldRole, search.FieldPlanYear, search.FieldReviewYear, search.FieldAgency,
	search.FieldDocType, search.FieldCategory, search.FieldYear, search.FieldDocNum, search.FieldTitleKey, search.FieldHash}

// newMapping describes the fields for bleve. Documents are built directly
// (see buildDocument), but the mapping records the analyzers by name so
// that the index is self-describing and bleve's own query types analyze
// text the gongkai way (the default analyzer is the word layer, not bleve's
// "standard").
func newMapping() *mapping.IndexMappingImpl {
	im := mapping.NewIndexMapping()
	im.DefaultAnalyzer = WordsName
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
	keyword := func(name string) {
		fm := mapping.NewKeywordFieldMapping()
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = facetField[name]
		dm.AddFieldMappingsAt(name, fm)
	}
	text(search.FieldTitle, WordsName, false)
	text(search.FieldTitleGrams, GramsName, true)
	text(search.FieldBody, WordsName, false)
	text(search.FieldBodyGrams, GramsName, true)
	text(search.FieldAgencyGrams, GramsName, true)
	for _, r := range search.Roles {
		text(search.RoleGramsField(r), GramsName, false)
	}
	for _, k := range keywordFields {
		keyword(k)
	}
	dt := mapping.NewDateTimeFieldMapping()
	dt.Store = false
	dt.IncludeInAll = false
	dt.DocValues = true
	dm.AddFieldMappingsAt(search.FieldDate, dt)
	stored := mapping.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.DocValues = false
	dm.AddFieldMappingsAt(fSrc, stored)
	dm.AddFieldMappingsAt(fLens, stored)
	im.DefaultMapping = dm
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}
