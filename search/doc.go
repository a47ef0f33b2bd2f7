// Package search defines what the index stores and answers, independent of
// the engine behind it: Document (metadata, numbered paragraphs, sections
// with heading paths), the query syntax (Parse), the Request and the Result
// whose JSON is the outside contract, and the Index interface an engine
// implements. Section ranking and snippets (Snippet, Mark) work
// from match offsets, so every engine shares them.
//
// The bleve engine lives in search/bleve.
package search
