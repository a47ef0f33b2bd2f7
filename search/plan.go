package search

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
)

// Weights of where a keyword matches: the title counts most, then the
// body (whose gram field holds the headings again, so heading matches
// weigh more). Filters weigh next to nothing: they must not change the
// ranking.
const (
	boostTitle    = 3.0
	boostBody     = 1.0
	boostDocNum   = 10.0
	boostTitleKey = 20.0
	boostFilter   = 0.0001
	noScore       = 1e-9
)

// singleCharTerms is how many bigrams a one-character keyword is matched
// by (the most common ones that start with it; see Prefix.MaxTerms).
const singleCharTerms = 256

// Limits of the query cost model. A query is parsed into clauses; each
// costs the engine a posting-list walk, and a single character costs a
// walk over every bigram it starts. Repeated clauses are merged before
// these limits apply.
const (
	// MaxClauses bounds the keywords, phrases, alternatives and
	// exclusions of one query.
	MaxClauses = 64
	// MaxSingleChars bounds the one-character keywords of one query.
	MaxSingleChars = 4
	// MaxQuestionWords bounds the content words a question is ranked by.
	MaxQuestionWords = 64
)

// Ranking holds the weights of question ranking (tuned on the STARD train
// split; see docs/quality.md).
type Ranking struct {
	// TitleWeight weighs a content word found in the title against one in
	// the body.
	TitleWeight float64
	// BigramWeight weighs the character bigrams of the content words in
	// the body (they match where the segmenter cut a word differently).
	BigramWeight float64
	// TitleBigramWeight weighs those bigrams in the title.
	TitleBigramWeight float64
	// ExpansionWeight weighs the words a question is widened with
	// (analyzer.Expand: curated synonyms and learned associations),
	// times each expansion's own weight.
	ExpansionWeight float64
	// MaxExpansions bounds how many expansion words a question gets.
	MaxExpansions int
	// PartWeight weighs the dictionary words inside a content word
	// (analyzer.Parts: 拖欠工资 → 拖欠, 工资) against the word itself.
	PartWeight float64
}

// DefaultRanking returns the question ranking tuned on STARD's train split.
func DefaultRanking() Ranking {
	return Ranking{TitleWeight: 0, BigramWeight: 0.6, ExpansionWeight: 0.7, MaxExpansions: 20, PartWeight: 0.2}
}

// locator finds one clause of a query in document text.
type locator struct {
	m      *analyzer.Matcher
	clause int
}

// plan is a parsed query turned into what an engine is asked and what
// the core needs afterwards: the engine query, filters, the exact-title
// key, and how to locate each clause in a document's text.
type plan struct {
	query  *Bool
	filter []Node
	// exclude holds the exclusions alone, for the exact-title lookup.
	exclude []Node
	// locate finds the clauses in text; clauses counts them (for section
	// coverage).
	locate  []locator
	clauses int
	// clauseText names each clause as the user would recognise it (a
	// keyword, or a question's content word), for Hit.Matched.
	clauseText []string
	// fallback locates what also ranked a document but is not located
	// first (a question's single characters and expansion words): it is
	// used for a document where nothing else is found, so that no hit is
	// shown without the passage that made it a hit.
	fallback []locator
	// keywords marks a keyword query (not a question) of two or more
	// clauses, whose best hits are reordered by proximity and title.
	keywords bool
	titleKey string
	roles    []string
	// heavy marks a query that may cost a long posting walk: a question,
	// a single character, or many clauses.
	heavy bool
}

// newPlan plans q with ranking weights r. It merges repeated clauses and
// refuses queries over the cost limits with a *QueryError that names the
// limit.
func newPlan(q *Query, r Ranking) (*plan, error) {
	p := &plan{roles: q.Filters.Role}
	var must, should, not []Node
	singles := 0
	if q.Question {
		words := analyzer.ContentWords(q.QuestionText)
		if len(words) > MaxQuestionWords {
			return nil, queryErr("too many question words", "问题过长：最多按 %d 个实词检索（收到 %d 个），请精简问题", MaxQuestionWords, len(words))
		}
		// A question is ranked over its content words in the word layer
		// (term queries: cheap, no phrase checks over thousands of
		// documents); its documents are then located with the words'
		// gram phrases, for sections and highlights.
		var terms []WeightedTerm
		have := map[string]bool{}
		for _, w := range words {
			have[w] = true
		}
		for i, w := range words {
			terms = append(terms, WeightedTerm{FieldBody, w, 1})
			if r.PartWeight > 0 {
				for _, part := range analyzer.Parts(w) {
					if !have[part] {
						have[part] = true
						terms = append(terms, WeightedTerm{FieldBody, part, r.PartWeight})
						// A part found in a paragraph stands for its word.
						if m := analyzer.NewMatcher(part); m != nil {
							p.locate = append(p.locate, locator{m, i})
						}
					}
				}
			}
			if r.TitleWeight > 0 {
				terms = append(terms, WeightedTerm{FieldTitle, w, r.TitleWeight})
			}
			if r.BigramWeight > 0 {
				for _, g := range analyzer.PhraseSlots(w) {
					if utf8.RuneCountInString(g) == 2 {
						terms = append(terms, WeightedTerm{FieldBodyGrams, g, r.BigramWeight})
						if r.TitleBigramWeight > 0 {
							terms = append(terms, WeightedTerm{FieldTitleGrams, g, r.TitleBigramWeight})
						}
					}
				}
			}
			if m := analyzer.NewMatcher(w); m != nil {
				if m.Single() {
					// A single character is ranked, not located first: it
					// would mark every occurrence of a common character.
					p.fallback = append(p.fallback, locator{m, i})
				} else {
					p.locate = append(p.locate, locator{m, i})
				}
			}
		}
		p.clauses = len(words)
		p.clauseText = words
		if r.ExpansionWeight > 0 {
			for i, e := range analyzer.Expand(words) {
				if i >= r.MaxExpansions {
					break
				}
				terms = append(terms, WeightedTerm{FieldBody, e.Word, r.ExpansionWeight * e.Weight})
				if m := analyzer.NewMatcher(e.Word); m != nil {
					p.fallback = append(p.fallback, locator{m, len(words)})
				}
			}
		}
		must = append(must, &Terms{Terms: sumRepeated(terms)})
		// The question as typed, when a document contains it, counts most.
		// A relaxed query is the text no document held as typed (in its
		// title or body, within the same filters): the phrases would
		// find nothing. (With a role filter the text was looked for in
		// those sections only.)
		if !q.Relaxed || len(q.Filters.Role) > 0 {
			should = append(should, gramMatch(q.QuestionText, FieldTitleGrams, 2*boostTitle), gramMatch(q.QuestionText, FieldBodyGrams, 2*boostBody))
		}
		p.heavy = true
	} else {
		groups := mergeGroups(q.Groups)
		n := len(mergeTerms(q.Excluded))
		for _, g := range groups {
			n += len(g)
		}
		if n > MaxClauses {
			return nil, queryErr("too many clauses", "检索词过多：一次最多 %d 个（含 OR 的各项与排除词，重复的只算一次），收到 %d 个", MaxClauses, n)
		}
		for i, group := range groups {
			var alts []Node
			var names []string
			for _, t := range group {
				names = append(names, t.Text)
				if _, ok := analyzer.SingleChar(t.Text); ok {
					singles++
				}
				alts = append(alts, textMatch(t.Text, q.Filters.Role))
				if m := analyzer.NewMatcher(t.Text); m != nil {
					p.locate = append(p.locate, locator{m, i})
				}
			}
			if len(alts) == 1 {
				must = append(must, alts[0])
			} else {
				must = append(must, &Any{Nodes: alts})
			}
			p.clauseText = append(p.clauseText, strings.Join(names, " 或 "))
		}
		p.clauses = len(groups)
		p.keywords = len(groups) > 1
		p.heavy = singles > 0 || n > 8
	}
	for _, t := range mergeTerms(q.Excluded) {
		if _, ok := analyzer.SingleChar(t.Text); ok {
			singles++
		}
		not = append(not, gramMatch(t.Text, FieldTitleGrams, 1), gramMatch(t.Text, FieldBodyGrams, 1))
	}
	// Single characters in the title and agency filters walk their
	// bigrams too (small fields, but any number of them).
	for _, v := range append(append([]string{}, q.Filters.Title...), q.Filters.Agency...) {
		if _, ok := analyzer.SingleChar(v); ok {
			singles++
		}
	}
	if singles > MaxSingleChars {
		return nil, queryErr("too many single characters", "单字检索词过多：一次最多 %d 个（收到 %d 个），请改用词语或加引号的短语", MaxSingleChars, singles)
	}
	p.heavy = p.heavy || singles > 0
	// A query that is exactly a document's title finds that document first.
	if raw := rawText(q); raw != "" {
		should = append(should, &Terms{Terms: []WeightedTerm{{FieldTitleKey, TitleKey(raw), boostTitleKey}}})
	}
	p.filter = filterNodes(&q.Filters)
	p.exclude = not
	p.query = &Bool{Must: must, Should: should, Not: not}
	text := rawText(q)
	if q.Question {
		text = q.QuestionText
	} else if plain := q.PlainText(); plain != "" {
		text = plain
	}
	p.titleKey = TitleKey(text)
	return p, nil
}

// sumRepeated merges terms of the same field and text into one of their
// summed weight (a score is linear in a term's weight), so that each
// term's postings are read once: the bigram 监管 of both 市场监管 and 监管.
func sumRepeated(terms []WeightedTerm) []WeightedTerm {
	at := make(map[[2]string]int, len(terms))
	out := terms[:0:0]
	for _, t := range terms {
		k := [2]string{t.Field, t.Term}
		if i, ok := at[k]; ok {
			out[i].Weight += t.Weight
			continue
		}
		at[k] = len(out)
		out = append(out, t)
	}
	return out
}

// mergeGroups drops repeated groups (the same keywords, in any order) and
// repeated alternatives within a group, keeping the first of each.
func mergeGroups(groups [][]Term) [][]Term {
	var out [][]Term
	seen := map[string]bool{}
	for _, g := range groups {
		g = mergeTerms(g)
		keys := make([]string, len(g))
		for i, t := range g {
			keys[i] = termKey(t)
		}
		sort.Strings(keys)
		k := strings.Join(keys, "\x00")
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, g)
	}
	return out
}

// mergeTerms drops terms that fold to one already in ts.
func mergeTerms(ts []Term) []Term {
	var out []Term
	seen := map[string]bool{}
	for _, t := range ts {
		k := termKey(t)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// termKey is what makes two terms the same clause: their gram slots (a
// keyword and the same text quoted match the same documents).
func termKey(t Term) string {
	if c, ok := analyzer.SingleChar(t.Text); ok {
		return "\x01" + c
	}
	return strings.Join(analyzer.PhraseSlots(t.Text), " ")
}

// rawText returns the query's text when it is a single keyword or phrase
// (used for the exact-title boost), else "".
func rawText(q *Query) string {
	if len(q.Groups) == 1 && len(q.Groups[0]) == 1 {
		return q.Groups[0][0].Text
	}
	return ""
}

// gramMatch matches text in a gram field: a phrase of its slots, a term
// for a single slot, or a prefix for a single character.
func gramMatch(text, field string, weight float64) Node {
	if c, ok := analyzer.SingleChar(text); ok {
		return &Prefix{Field: field, Prefix: c, Weight: weight}
	}
	slots := analyzer.PhraseSlots(text)
	switch len(slots) {
	case 0:
		return &MatchNone{}
	case 1:
		return &Terms{Terms: []WeightedTerm{{field, slots[0], weight}}}
	}
	return &Phrase{Field: field, Slots: slots, Weight: weight}
}

// keywordMatch is gramMatch for a keyword the user typed: a single
// character is matched by its most common bigrams only (the cost model).
func keywordMatch(text, field string, weight float64) Node {
	n := gramMatch(text, field, weight)
	if p, ok := n.(*Prefix); ok {
		p.MaxTerms = singleCharTerms
	}
	return n
}

// allGrams matches documents whose field (a gram field without
// positions) holds every gram of text, in any order, scoring next to
// nothing: ranking comes from the body.
func allGrams(text, field string) Node {
	if c, ok := analyzer.SingleChar(text); ok {
		return &Prefix{Field: field, Prefix: c, Weight: noScore}
	}
	var nodes []Node
	for _, slot := range analyzer.PhraseSlots(text) {
		if slot != "" {
			nodes = append(nodes, &TermQuery{Field: field, Text: slot, Weight: noScore})
		}
	}
	if len(nodes) == 0 {
		return &MatchNone{}
	}
	return &All{Nodes: nodes}
}

// textMatch matches a keyword in the title or the body, or, with role
// filters, in the body within sections of those roles.
func textMatch(text string, roles []string) Node {
	if len(roles) > 0 {
		// role: the text as typed in the body (which also locates it),
		// and every one of its grams in the sections of one of those
		// roles. The role fields keep no positions, which would cost a
		// second copy of the gram layer's.
		var nodes []Node
		for _, r := range roles {
			nodes = append(nodes, allGrams(text, RoleGramsField(r)))
		}
		return &All{Nodes: []Node{keywordMatch(text, FieldBodyGrams, boostBody), anyOf(nodes)}}
	}
	nodes := []Node{
		keywordMatch(text, FieldTitleGrams, boostTitle),
		keywordMatch(text, FieldBodyGrams, boostBody),
	}
	if c, ok := CanonicalDocNum(text); ok {
		nodes = append(nodes, &Terms{Terms: []WeightedTerm{{FieldDocNum, c, boostDocNum}}})
	}
	return &Any{Nodes: nodes}
}

func anyOf(nodes []Node) Node {
	if len(nodes) == 1 {
		return nodes[0]
	}
	return &Any{Nodes: nodes}
}

// filterNodes turns the filters of a query into engine filters.
func filterNodes(f *Filters) []Node {
	var out []Node
	if len(f.Agency) > 0 || len(f.AgencyExact) > 0 {
		var nodes []Node
		for _, a := range f.Agency {
			nodes = append(nodes, gramMatch(a, FieldAgencyGrams, boostFilter))
		}
		if len(f.AgencyExact) > 0 {
			nodes = append(nodes, &Keyword{Field: FieldAgency, Values: f.AgencyExact})
		}
		out = append(out, anyOf(nodes))
	}
	if len(f.DocType) > 0 {
		var vs []string
		for _, t := range f.DocType {
			vs = append(vs, strings.TrimSpace(t))
		}
		out = append(out, &Keyword{Field: FieldDocType, Values: vs})
	}
	years := func(ys []int) []string {
		var out []string
		for _, y := range ys {
			out = append(out, strconv.Itoa(y))
		}
		return out
	}
	if len(f.Year) > 0 {
		out = append(out, &Keyword{Field: FieldYear, Values: years(f.Year)})
	}
	if len(f.DocNum) > 0 {
		var nodes []Node
		for _, d := range f.DocNum {
			c, _ := CanonicalDocNum(d)
			nodes = append(nodes, &Prefix{Field: FieldDocNum, Prefix: c, Weight: boostFilter})
		}
		out = append(out, anyOf(nodes))
	}
	for _, t := range f.Title {
		out = append(out, gramMatch(t, FieldTitleGrams, boostFilter))
	}
	if len(f.Role) > 0 {
		out = append(out, &Keyword{Field: FieldRole, Values: f.Role})
	}
	if len(f.Category) > 0 {
		out = append(out, &Keyword{Field: FieldCategory, Values: f.Category})
	}
	if len(f.PlanYear) > 0 {
		out = append(out, &Keyword{Field: FieldPlanYear, Values: years(f.PlanYear)})
	}
	if len(f.ReviewYear) > 0 {
		out = append(out, &Keyword{Field: FieldReviewYear, Values: years(f.ReviewYear)})
	}
	if f.From != "" || f.To != "" {
		out = append(out, &DateRange{From: f.From, To: f.To})
	}
	return out
}
