package opensearch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/gongkai/gongkai/search"
)

// Fields of the OpenSearch document besides those of search.Analyze.
const (
	fieldID  = "id"  // the document id, for sorting ties (_id has no doc values)
	fieldDoc = "doc" // the whole search.Document, stored, not indexed
)

// Analysis names in the index settings.
const (
	gramAnalyzer = "gongkai_grams"
	gramTokens   = "gongkai_whitespace"
	gramStack    = "gongkai_stack"
	// stackSep joins the terms that share a position into one token,
	// which the gramStack filter splits again (no term contains it: see
	// safeTerm).
	stackSep = '|'
	// maxToken is the longest whitespace token the gram analyzer keeps
	// whole, in UTF-16 units: stacked terms together.
	maxToken = 1024
	// maxTerm is the longest term, in UTF-16 units, that every analyzer
	// (the built-in whitespace analyzer too) keeps whole; safeTerm
	// shortens longer terms.
	maxTerm = 255
	// keywordLimit bounds keyword values (characters): Lucene refuses
	// terms over 32766 bytes, so longer values are not indexed.
	keywordLimit = 8191
)

// fieldKind is how a field is indexed.
type fieldKind uint8

const (
	kindWords   fieldKind = iota // text: term frequencies and norms, no positions
	kindGrams                    // text with positions; terms may share one
	kindSet                      // text: each term once, only whether it occurs
	kindKeyword                  // exact values
	kindFacet                    // exact values with doc values, for facets
)

// schema gives the kind of every field search.Analyze produces.
func schema() map[string]fieldKind {
	m := map[string]fieldKind{
		search.FieldTitle:       kindWords,
		search.FieldBody:        kindWords,
		search.FieldTitleGrams:  kindGrams,
		search.FieldBodyGrams:   kindGrams,
		search.FieldAgencyGrams: kindGrams,
	}
	for _, r := range search.Roles {
		m[search.RoleGramsField(r)] = kindSet
	}
	for _, f := range []string{search.FieldAgency, search.FieldDocType, search.FieldCategory, search.FieldYear, search.FieldRole} {
		m[f] = kindFacet
	}
	for _, f := range []string{search.FieldDocNum, search.FieldTitleKey, search.FieldPlanYear, search.FieldReviewYear, search.FieldHash} {
		m[f] = kindKeyword
	}
	return m
}

var fieldKinds = schema()

// isText reports whether a field holds terms (as opposed to exact values).
func isText(field string) bool {
	k, ok := fieldKinds[field]
	return ok && k <= kindSet
}

// indexBody returns the settings, mappings and aliases of a new physical
// index.
func indexBody(o *Options, format string, replicas int, refresh string, aliases []string) map[string]any {
	props := map[string]any{
		fieldID:          map[string]any{"type": "keyword", "ignore_above": keywordLimit},
		fieldDoc:         map[string]any{"type": "object", "enabled": false},
		search.FieldDate: map[string]any{"type": "date", "format": "yyyy-MM-dd"},
	}
	for name, kind := range fieldKinds {
		switch kind {
		case kindWords:
			props[name] = map[string]any{"type": "text", "analyzer": "whitespace", "index_options": "freqs"}
		case kindGrams:
			props[name] = map[string]any{"type": "text", "analyzer": gramAnalyzer, "search_analyzer": "whitespace",
				"index_options": "positions", "position_increment_gap": 1}
		case kindSet:
			props[name] = map[string]any{"type": "text", "analyzer": "whitespace", "index_options": "docs", "norms": false}
		case kindKeyword:
			props[name] = map[string]any{"type": "keyword", "ignore_above": keywordLimit, "doc_values": false}
		case kindFacet:
			props[name] = map[string]any{"type": "keyword", "ignore_above": keywordLimit}
		}
	}
	settings := map[string]any{
		"number_of_shards":   o.Shards,
		"number_of_replicas": replicas,
		"refresh_interval":   refresh,
		// Deep pages are as deep as the core allows (search.MaxPage ×
		// search.MaxSize, plus pinned titles).
		"max_result_window": search.MaxPage*search.MaxSize + 1000,
		"similarity": map[string]any{
			"default": map[string]any{"type": "BM25", "k1": o.K1, "b": o.B,
				// bleve counts every token in a field's length, also
				// those that share a position.
				"discount_overlaps": false},
		},
		"analysis": map[string]any{
			"tokenizer": map[string]any{
				gramTokens: map[string]any{"type": "whitespace", "max_token_length": maxToken},
			},
			"filter": map[string]any{
				gramStack: map[string]any{"type": "pattern_capture", "preserve_original": false,
					"patterns": []string{"([^" + string(stackSep) + "]+)"}},
			},
			"analyzer": map[string]any{
				gramAnalyzer: map[string]any{"type": "custom", "tokenizer": gramTokens, "filter": []string{gramStack}},
			},
		},
	}
	if o.Codec != "" {
		settings["codec"] = o.Codec
	}
	body := map[string]any{
		"settings": map[string]any{"index": settings},
		"mappings": map[string]any{
			"dynamic": "strict",
			"_meta":   map[string]any{"gongkai": map[string]any{"format": format, "alias": o.Index}},
			// Only the document and its hash are stored: the terms are
			// indexed, and storing them again would double the index.
			"_source":    map[string]any{"includes": []string{fieldDoc, search.FieldHash}},
			"properties": props,
		},
	}
	if len(aliases) > 0 {
		a := map[string]any{}
		for _, name := range aliases {
			a[name] = map[string]any{}
		}
		body["aliases"] = a
	}
	return body
}

// source turns an analysed document into the OpenSearch document.
func source(d *search.IndexDoc) (map[string]any, error) {
	src := map[string]any{fieldID: d.Doc.ID, fieldDoc: d.Doc}
	if d.Date != "" {
		src[search.FieldDate] = d.Date
	}
	for i := range d.Fields {
		f := &d.Fields[i]
		kind, ok := fieldKinds[f.Name]
		if !ok {
			return nil, fmt.Errorf("document %s: field %s is not in the OpenSearch mapping", d.Doc.ID, f.Name)
		}
		if f.Keyword != (kind >= kindKeyword) {
			return nil, fmt.Errorf("document %s: field %s: keyword=%v does not match the mapping", d.Doc.ID, f.Name, f.Keyword)
		}
		switch kind {
		case kindKeyword, kindFacet:
			src[f.Name] = f.Terms
		case kindGrams:
			vals, err := gramValues(f.Terms, f.Positions)
			if err != nil {
				return nil, fmt.Errorf("document %s: field %s: %w", d.Doc.ID, f.Name, err)
			}
			src[f.Name] = vals
		default:
			src[f.Name] = joinTerms(f.Terms)
		}
	}
	return src, nil
}

// joinTerms joins terms by spaces, for a whitespace analyzer.
func joinTerms(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(safeTerm(t))
	}
	return b.String()
}

// gramValues turns the terms of a gram field and their positions into the
// values of the OpenSearch field: one value per run of consecutive
// positions (the field's position_increment_gap leaves one empty position
// between values, so a phrase never matches across a skip), tokens
// separated by spaces, and the terms of one position joined by stackSep
// into one token that the gram analyzer splits back into tokens at that
// position. Without positions, terms take consecutive positions.
func gramValues(terms []string, positions []int32) ([]string, error) {
	if positions == nil {
		positions = make([]int32, len(terms))
		for i := range positions {
			positions[i] = int32(i + 1)
		}
	}
	if len(positions) != len(terms) {
		return nil, fmt.Errorf("%d terms but %d positions", len(terms), len(positions))
	}
	order := make([]int, len(terms))
	for i := range order {
		order[i] = i
	}
	if !sort.SliceIsSorted(positions, func(i, j int) bool { return positions[i] < positions[j] }) {
		sort.SliceStable(order, func(i, j int) bool { return positions[order[i]] < positions[order[j]] })
	}
	var vals []string
	var b strings.Builder
	tok := 0 // UTF-16 length of the token being written
	for k, i := range order {
		p := positions[i]
		switch {
		case k == 0:
		case p == positions[order[k-1]]:
			b.WriteRune(stackSep)
			tok++
		case p > positions[order[k-1]]+1:
			vals = append(vals, b.String())
			b.Reset()
			tok = 0
		default:
			b.WriteByte(' ')
			tok = 0
		}
		t := safeTerm(terms[i])
		b.WriteString(t)
		if tok += utf16Len(t); tok > maxToken {
			return nil, fmt.Errorf("too many terms at position %d", p)
		}
	}
	if b.Len() > 0 {
		vals = append(vals, b.String())
	}
	return vals, nil
}

// safeTerm returns the form of a term that every analyzer of the index
// keeps as one token: the term itself, or, for an empty term, a term with
// whitespace or stackSep in it, or one longer than maxTerm, a shortened
// form with a hash of the whole term. Queries ask for the same form, so
// such terms still match exactly (no analyzer term contains '#' beside
// other characters, so the form meets no real term).
func safeTerm(t string) string {
	if t != "" && utf16Len(t) <= maxTerm && strings.IndexFunc(t, unsafeRune) < 0 {
		return t
	}
	sum := sha256.Sum256([]byte(t))
	tail := "#" + hex.EncodeToString(sum[:8])
	var b strings.Builder
	n := 0
	for _, r := range t {
		if unsafeRune(r) {
			r = '_'
		}
		if n += utf16.RuneLen(r); n > maxTerm-len(tail) {
			break
		}
		b.WriteRune(r)
	}
	return b.String() + tail
}

// unsafeRune reports whether r would split a token: Java's whitespace
// (what Lucene's whitespace tokenizer splits on) or stackSep.
func unsafeRune(r rune) bool {
	switch r {
	case stackSep, '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f:
		return true
	case 0xa0, 0x2007, 0x202f:
		return false
	}
	return r > 0x7f && unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) || r == ' '
}

// utf16Len is the length of s in UTF-16 units (Lucene's characters).
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
