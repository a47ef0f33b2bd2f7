// Package opensearch implements search.Engine on an OpenSearch cluster,
// through its REST API with the official Go client (opensearch-go), so
// that gongkai can run on several servers and survive the loss of one.
//
// Documents arrive analysed (search.Analyze): every term is computed in
// Go, and the cluster only stores, ranks and counts them. Each field of an
// IndexDoc becomes a field of the OpenSearch document (mapping.go):
//
//   - keyword fields become keyword fields (facets keep doc values);
//   - word fields (title, body) become text fields of the terms joined by
//     spaces, analysed by whitespace alone, with term frequencies and
//     norms but no positions;
//   - gram fields (title_bi, body_bi, agency_bi) keep positions, which are
//     not consecutive: terms may share a position (a run's first character
//     is indexed both as a unigram and as the run's first bigram) and
//     positions skip between paragraphs. Terms of one position are sent
//     joined by "|" and split back into tokens at that position by a
//     pattern_capture filter; a skip becomes a new value of the field, and
//     the field's position_increment_gap of 1 leaves an empty position
//     between values. The index then holds exactly the tokens and
//     positions bleve holds, so a quoted phrase is a Lucene phrase query
//     over its slots with the same matches;
//   - the role gram fields hold each term once, without positions.
//
// Ranking is Lucene's BM25 with bleve's parameters (k1 = 1.2, b = 0.4)
// as the index's default similarity, with overlapping tokens counted in
// the field length as bleve counts them. A phrase scores as the sum of
// its slots' term scores, as in bleve, unless a query has so many slots
// that Lucene's clause limit forbids it (see clauseBudget). Scores agree
// with bleve's up to Lucene's one-byte encoding of field lengths and its
// per-field document counts.
//
// Searches and writes go through an alias. Options.Rebuild builds a new
// physical index beside the one the alias points to; Engine.Publish
// moves the alias to it atomically and deletes the old one, so searches
// never see a half-built index.
//
// The cluster must have the analysis-common module (whitespace tokenizer,
// pattern_capture filter), which every OpenSearch distribution and image
// ships; only the bare integration-test artifact lacks it.
package opensearch
