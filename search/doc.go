// Package search is gongkai's search core: what every engine shares.
//
// A map of the package:
//
//   - document.go, codec.go: Document (metadata, numbered paragraphs,
//     sections with heading paths and roles) and its storage form.
//   - syntax.go, query.go: the query syntax, written once (FilterSpecs,
//     SyntaxForms, SyntaxHelp), and Parse, which keeps every clause's span
//     (Query.Parts) for pages that drop a filter.
//   - analyze.go: Analyze turns a document into the terms of every field,
//     once, in Go (word and gram layers, keyword values, role fields).
//   - engine.go: the Engine interface an index backend implements, and the
//     small query algebra (Bool, All, Any, Terms, Phrase, Prefix, …) the core
//     speaks to it.
//   - plan.go: a parsed query becomes an engine query, filters, the
//     exact-title key and the matchers that locate each clause; repeated
//     clauses merge and the cost limits apply here.
//   - core.go: Core implements Index over an Engine: paging, exact titles
//     first, question facets, passage pooling, reordering the best hits of
//     several keywords (rerank.go), spelling suggestions (suggest.go).
//   - locate.go, passages.go: matches are found in the stored text with
//     analyzer.Matcher (linear, exactly where the gram layer's phrase query
//     finds them), grouped into ranked sections, and cut into snippets.
//   - search.go: Request, Result (the JSON of the outside contract), Index,
//     and Run, which relaxes a query that finds nothing as typed.
//
// Searches yield the processor (runtime.Gosched) between the documents
// they locate, and the bleve engine every few hundred matches and between
// a question's terms: Go preempts a running goroutine only after 10 ms,
// so under load a short search otherwise waited behind whole long ones
// (at 8 clients on two cores, p99 18.1–19.9 → 17.4 ms).
//
// Engines live in search/bleve (local disk) and search/opensearch (a
// cluster); search/searchtest is the conformance suite both pass.
package search
