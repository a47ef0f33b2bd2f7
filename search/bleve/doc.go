// Package bleve implements search.Index on bleve (scorch) with BM25.
//
// A document becomes one bleve document with a word field and a gram field
// for each of title, headings and body (see mapping.go), exact fields for
// filters and facets, and the whole search.Document stored as JSON. Text
// is analyzed by package analyzer in our own workers and handed to bleve
// pre-analyzed. Matching uses the gram fields (exact substrings); the true
// BM25 statistics (token totals per field) are kept in the index and
// passed with every search, because bleve's own estimate of the average
// field length counts distinct terms instead of tokens.
package bleve
