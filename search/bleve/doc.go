// Package bleve implements search.Engine on bleve (scorch) in a folder on
// local disk: gongkai's embedded default. Open returns the search core
// (search.Core) over it.
//
// A map of the package:
//
//   - engine.go: opening (with a bounded wait and a *LockedError naming the
//     process that holds the index), writes with the true BM25 statistics
//     (token totals per field, kept as internal data and passed with every
//     search, because bleve's own estimate counts distinct terms), deletes,
//     stored documents (search.Document in binary, with a decoded cache);
//     Options.Bulk for builds whose writes need reach the disk only at
//     Close.
//   - field.go, mapping.go, analyzers.go: documents reach bleve as the terms
//     search.Analyze made, straight into bleve's field interface; the
//     mapping names gongkai's analyzers, which register with bleve here.
//   - query.go: the engine query algebra translated to bleve queries, the
//     most common bigrams of a single character, the fuzzy vocabulary for
//     spelling suggestions.
//   - bm25.go, phrase.go, collect.go: our own searchers (textbook BM25,
//     phrase intersection with one position merge per term) and result
//     collector (facets, dates and ids read once per index snapshot).
//   - segments.go, internal/zapseg, internal/termtab: segments are
//     written and merged by zapseg, in zapx v17's format and bytes but two
//     to three times as fast; zapx still opens and reads them, and merges
//     what zapseg leaves to it (merges that drop documents). termsField
//     hands zapseg its terms with their locations already encoded
//     (zapseg.PackedField). termtab is the table of short terms that
//     termsField and zapseg count with. bm25.go sums a question's scores
//     from postings zapseg reads straight from the segment files
//     (zapseg.Terms), zapx's iterator for the rest.
package bleve
