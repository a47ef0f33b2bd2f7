package bleve

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	blevelib "github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// Weights of where a term matches. A match in the title counts most, then
// in a heading, then in the body.
const (
	boostTitle    = 3.0
	boostBody     = 1.0
	boostDocNum   = 10.0
	boostTitleKey = 20.0
	boostFilter   = 0.0001 // filters must not change the ranking
)

// clauseTerms records, for each clause of the query, what stands for it
// in the body gram field, so that matches can be traced back to clauses.
type clauseTerms struct {
	phrases []phraseOf       // multi-slot phrases
	exact   map[string][]int // single-slot terms → clauses
	prefix  map[string][]int // single characters (matched by prefix) → clauses
	n       int              // number of clauses
	// constraints are the filters and exclusions of the query alone.
	constraints query.Query
}

// phraseOf is a phrase of a clause: its gram slots and how many units a
// match covers.
type phraseOf struct {
	slots  []string
	units  int
	clause int
}

func newClauseTerms() *clauseTerms {
	return &clauseTerms{exact: map[string][]int{}, prefix: map[string][]int{}}
}

// gramMatch returns a query for text on a gram field: a phrase of its
// slots, a term for a single slot, or a prefix for a single character.
// clause, when ≥ 0, is recorded in ct.
func (ix *Index) gramMatch(text, field string, boost float64, ct *clauseTerms, clause int) query.Query {
	record := ct != nil && clause >= 0
	if c, ok := analyzer.SingleChar(text); ok {
		if record {
			ct.prefix[c] = appendOnce(ct.prefix[c], clause)
		}
		pq := query.NewPrefixQuery(c)
		pq.SetField(field)
		pq.SetBoost(boost)
		return pq
	}
	slots, units := analyzer.Phrase(text)
	if len(slots) == 0 {
		return query.NewMatchNoneQuery()
	}
	if len(slots) == 1 {
		if record {
			ct.exact[slots[0]] = appendOnce(ct.exact[slots[0]], clause)
		}
		return ix.newBM25Query([]weightedTerm{{field, slots[0], boost}})
	}
	if record {
		ct.phrases = append(ct.phrases, phraseOf{slots: slots, units: units, clause: clause})
	}
	return ix.newPhraseQuery(field, slots, boost)
}

// allGrams matches documents whose field (a gram field without
// positions) holds every gram of text, in any order. Its score is
// negligible: ranking comes from the body.
func (ix *Index) allGrams(text, field string) query.Query {
	const noScore = 1e-9
	if c, ok := analyzer.SingleChar(text); ok {
		pq := query.NewPrefixQuery(c)
		pq.SetField(field)
		pq.SetBoost(noScore)
		return pq
	}
	slots, _ := analyzer.Phrase(text)
	var qs []query.Query
	for _, slot := range slots {
		if slot == "" {
			continue
		}
		tq := query.NewTermQuery(slot)
		tq.SetField(field)
		tq.SetBoost(noScore)
		qs = append(qs, tq)
	}
	if len(qs) == 0 {
		return query.NewMatchNoneQuery()
	}
	return query.NewConjunctionQuery(qs)
}

func appendOnce(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// textMatch matches text in the title or the body (whose gram field holds
// the headings twice, so heading matches weigh more).
func (ix *Index) textMatch(text string, roles []string, ct *clauseTerms, clause int) query.Query {
	if len(roles) > 0 {
		// role: the text as typed in the body (which also locates it for
		// highlights), and every one of its grams in the sections of one
		// of those roles. The role fields keep no positions, which would
		// cost a second copy of the gram layer's.
		var qs []query.Query
		for _, r := range roles {
			qs = append(qs, ix.allGrams(text, roleField(r)))
		}
		return query.NewConjunctionQuery([]query.Query{ix.gramMatch(text, fBodyBi, boostBody, ct, clause), anyOf(qs)})
	}
	qs := []query.Query{
		ix.gramMatch(text, fTitleBi, boostTitle, nil, -1),
		ix.gramMatch(text, fBodyBi, boostBody, ct, clause),
	}
	if c, ok := search.CanonicalDocNum(text); ok {
		qs = append(qs, ix.newBM25Query([]weightedTerm{{fDocNum, c, boostDocNum}}))
	}
	return query.NewDisjunctionQuery(qs)
}

// buildQuery turns a parsed query into a bleve query and records which
// gram terms belong to which clause.
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
}

// DefaultRanking is the ranking Search uses.
var DefaultRanking = Ranking{TitleWeight: 0, BigramWeight: 0.6, ExpansionWeight: 0.7, MaxExpansions: 20}

func (ix *Index) buildQuery(q *search.Query) (rank, locate query.Query, ct *clauseTerms) {
	ct = newClauseTerms()
	var must, should, mustNot []query.Query
	locate = nil

	if q.Question {
		// A question is ranked over its content words in the word layer
		// (term queries: cheap, no phrase checks over thousands of
		// documents); the page's documents are then located with the
		// words' gram phrases, for sections and highlights.
		text := q.QuestionText
		words := analyzer.ContentWords(text)
		var terms []weightedTerm
		var grams []query.Query
		r := DefaultRanking
		for i, w := range words {
			terms = append(terms, weightedTerm{fBody, w, 1})
			if r.TitleWeight > 0 {
				terms = append(terms, weightedTerm{fTitle, w, r.TitleWeight})
			}
			if r.BigramWeight > 0 {
				for _, g := range analyzer.PhraseSlots(w) {
					if utf8.RuneCountInString(g) == 2 {
						terms = append(terms, weightedTerm{fBodyBi, g, r.BigramWeight})
						if r.TitleBigramWeight > 0 {
							terms = append(terms, weightedTerm{fTitleBi, g, r.TitleBigramWeight})
						}
					}
				}
			}
			if _, single := analyzer.SingleChar(w); !single {
				// A single character would be a prefix query over every
				// bigram it starts; it is ranked, not highlighted.
				grams = append(grams, ix.gramMatch(w, fBodyBi, 1, ct, i))
			}
		}
		ct.n = len(words)
		if r.ExpansionWeight > 0 {
			for i, e := range analyzer.Expand(words) {
				if i >= r.MaxExpansions {
					break
				}
				terms = append(terms, weightedTerm{fBody, e.Word, r.ExpansionWeight * e.Weight})
			}
		}
		must = append(must, ix.newBM25Query(terms))
		// The question as typed, when a document contains it, counts most.
		should = append(should, ix.gramMatch(text, fTitleBi, 2*boostTitle, nil, -1), ix.gramMatch(text, fBodyBi, 2*boostBody, nil, -1))
		locate = query.NewDisjunctionQuery(grams)
	} else {
		for i, group := range q.Groups {
			var alts []query.Query
			for _, t := range group {
				alts = append(alts, ix.textMatch(t.Text, q.Filters.Role, ct, i))
			}
			if len(alts) == 1 {
				must = append(must, alts[0])
			} else {
				must = append(must, query.NewDisjunctionQuery(alts))
			}
		}
		ct.n = len(q.Groups)
	}
	// A query that is exactly a document's title finds that document first.
	if raw := rawText(q); raw != "" {
		should = append(should, ix.newBM25Query([]weightedTerm{{fTitleKey, keyOf(raw), boostTitleKey}}))
	}
	for _, t := range q.Excluded {
		mustNot = append(mustNot, ix.gramMatch(t.Text, fTitleBi, 1, nil, -1), ix.gramMatch(t.Text, fBodyBi, 1, nil, -1))
	}
	filters := ix.filterQueries(&q.Filters)
	must = append(must, filters...)
	if len(must) == 0 {
		must = append(must, query.NewMatchAllQuery())
	}
	rank = query.NewBooleanQuery(must, should, mustNot)
	if len(q.Filters.Role) > 0 && locate == nil {
		// The role fields match; the body field locates.
		noRoles := *q
		noRoles.Filters.Role = nil
		_, locate, _ = ix.buildQuery(&noRoles)
	}
	// What an exact-title match must also satisfy: filters, exclusions.
	if len(filters) == 0 {
		filters = []query.Query{query.NewMatchAllQuery()}
	}
	ct.constraints = query.NewBooleanQuery(filters, nil, mustNot)
	if locate == nil {
		locate = rank
	}
	return rank, locate, ct
}

// rawText returns the query's text when it is a single keyword or phrase
// (used for the exact-title boost), else "".
func rawText(q *search.Query) string {
	if len(q.Groups) == 1 && len(q.Groups[0]) == 1 {
		return q.Groups[0][0].Text
	}
	return ""
}

func low(q query.Query) query.Query {
	if b, ok := q.(query.BoostableQuery); ok {
		b.SetBoost(boostFilter)
	}
	return q
}

func anyOf(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

func (ix *Index) filterQueries(f *search.Filters) []query.Query {
	var out []query.Query
	if len(f.Agency) > 0 || len(f.AgencyExact) > 0 {
		var qs []query.Query
		for _, a := range f.Agency {
			qs = append(qs, low(ix.gramMatch(a, fAgencyBi, boostFilter, nil, -1)))
		}
		for _, a := range f.AgencyExact {
			tq := query.NewTermQuery(a)
			tq.SetField(fAgency)
			qs = append(qs, low(tq))
		}
		out = append(out, anyOf(qs))
	}
	if len(f.DocType) > 0 {
		var qs []query.Query
		for _, t := range f.DocType {
			tq := query.NewTermQuery(strings.TrimSpace(t))
			tq.SetField(fDocType)
			qs = append(qs, low(tq))
		}
		out = append(out, anyOf(qs))
	}
	if len(f.Year) > 0 {
		var qs []query.Query
		for _, y := range f.Year {
			tq := query.NewTermQuery(strconv.Itoa(y))
			tq.SetField(fYear)
			qs = append(qs, low(tq))
		}
		out = append(out, anyOf(qs))
	}
	if len(f.DocNum) > 0 {
		var qs []query.Query
		for _, d := range f.DocNum {
			c, _ := search.CanonicalDocNum(d)
			pq := query.NewPrefixQuery(c)
			pq.SetField(fDocNum)
			qs = append(qs, low(pq))
		}
		out = append(out, anyOf(qs))
	}
	for _, t := range f.Title {
		out = append(out, low(ix.gramMatch(t, fTitleBi, boostFilter, nil, -1)))
	}
	keywords := func(field string, values []string) {
		if len(values) == 0 {
			return
		}
		var qs []query.Query
		for _, v := range values {
			tq := query.NewTermQuery(v)
			tq.SetField(field)
			qs = append(qs, low(tq))
		}
		out = append(out, anyOf(qs))
	}
	years := func(ys []int) []string {
		var out []string
		for _, y := range ys {
			out = append(out, strconv.Itoa(y))
		}
		return out
	}
	keywords(fRole, f.Role)
	keywords(fPlanYear, years(f.PlanYear))
	keywords(fReviewYear, years(f.ReviewYear))
	if f.From != "" || f.To != "" {
		var from, to time.Time
		if f.From != "" {
			from, _ = time.Parse("2006-01-02", f.From)
		}
		if f.To != "" {
			to, _ = time.Parse("2006-01-02", f.To)
			to = to.Add(24*time.Hour - time.Nanosecond)
		}
		yes := true
		dq := query.NewDateRangeInclusiveQuery(from, to, &yes, &yes)
		dq.SetField(fDate)
		out = append(out, low(dq))
	}
	return out
}

// Matches returns the spans where q matches in doc's body.
func (ix *Index) Matches(ctx context.Context, q *search.Query, doc *search.Document) ([]search.Span, error) {
	_, lq, ct := ix.buildQuery(q)
	located, err := ix.locate(ctx, lq, []string{doc.ID})
	if err != nil {
		return nil, fmt.Errorf("highlight %s: %w", doc.ID, err)
	}
	l, ok := located[doc.ID]
	if !ok {
		return nil, nil
	}
	return bodySpans(l.storedDoc, l.locs, ct), nil
}

// locatedDoc is a document of the second phase of a search: stored and
// with the positions of its matches.
type locatedDoc struct {
	*storedDoc
	locs bsearch.TermLocationMap
}

// locate runs bq again on the given documents only, with match locations:
// the second phase of a search. Locations cost a lot when every matching
// document carries them, so the first phase ranks without them. The
// documents themselves come from the cache or the stored fields.
func (ix *Index) locate(ctx context.Context, bq query.Query, ids []string) (map[string]*locatedDoc, error) {
	out := make(map[string]*locatedDoc, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// Every listed document comes back, with the locations of whatever
	// part of bq it matches (a question ranked by a title word may have
	// nothing to locate in the body).
	any := query.NewDisjunctionQuery([]query.Query{bq, query.NewMatchAllQuery()})
	one := query.NewConjunctionQuery([]query.Query{any, query.NewDocIDQuery(ids)})
	sr := blevelib.NewSearchRequestOptions(one, len(ids), 0, false)
	sr.IncludeLocations = true
	sr.Score = "none"
	res, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		sd, err := ix.stored(h.ID)
		if errors.Is(err, search.ErrNotFound) {
			continue // deleted since
		}
		if err != nil {
			return nil, err
		}
		out[h.ID] = &locatedDoc{storedDoc: sd, locs: h.Locations[fBodyBi]}
	}
	return out, nil
}

// bm25Stats returns the true collection statistics for BM25.
func (ix *Index) bm25Stats() *bsearch.BM25Stats {
	st := ix.stats.Load()
	card := make(map[string]int, len(scoredFields))
	for _, f := range scoredFields {
		card[f] = st.Tokens[f]
	}
	return &bsearch.BM25Stats{DocCount: float64(max(st.Docs, 1)), FieldCardinality: card}
}

// Search runs q and shapes the result of the contract.
func (ix *Index) Search(ctx context.Context, q *search.Query, req *search.Request) (*search.Result, error) {
	start := time.Now()
	bq, lq, ct := ix.buildQuery(q)
	size, from := req.Size, (req.Page-1)*req.Size
	if req.Mode == search.ModePassages {
		size, from = search.PassagePool, 0
	}
	// Documents whose title is exactly the query come first, whatever
	// their score (a title typed as a question would otherwise compete
	// with documents that share many of its words).
	pinned, err := ix.exactTitles(ctx, q, ct.constraints, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if len(pinned) > 0 {
		size, from = from+size+len(pinned), 0
	}
	// A question matches most of the index, weakly: its facets count the
	// best-ranked matches only (QuestionFacetPool), which costs a fraction.
	questionFacets := q.Question && req.Sort == search.SortRelevance
	collect := size
	if questionFacets {
		collect = max(from+size, search.QuestionFacetPool)
		from = 0
	}
	sr := blevelib.NewSearchRequestOptions(bq, collect, from, false)
	if !questionFacets {
		addFacets(sr)
	}
	switch req.Sort {
	case search.SortDate:
		sr.SortBy([]string{"-" + fDate, "-_score"})
	case search.SortDateAsc:
		sr.SortBy([]string{fDate, "-_score"})
	}
	sr.PreSearchData = map[string]interface{}{bsearch.BM25PreSearchDataKey: ix.bm25Stats()}
	res, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if questionFacets {
		if err := ix.facetsOf(ctx, res); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if len(pinned) == 0 && req.Mode != search.ModePassages {
			res.Hits = window(res.Hits, (req.Page-1)*req.Size, req.Size)
		}
	}
	if len(pinned) > 0 {
		res.Hits = pinFirst(res.Hits, pinned, (req.Page-1)*req.Size, req.Size, req.Mode == search.ModePassages)
	} else if req.Mode == search.ModePassages && len(res.Hits) > search.PassagePool {
		res.Hits = res.Hits[:search.PassagePool]
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	located, err := ix.locate(ctx, lq, ids)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}

	out := &search.Result{
		Query: q.Raw,
		Total: int(res.Total),
		Page:  req.Page,
		Size:  req.Size,
		Mode:  req.Mode,
		Hits:  []search.Hit{},
	}
	out.Facets = facets(res)
	type scored struct {
		hit search.Hit
		sec search.SectionHit
		key float64
	}
	var passages []scored
	maxScore := res.MaxScore
	for _, h := range res.Hits {
		l, ok := located[h.ID]
		if !ok {
			// Deleted between the two phases.
			continue
		}
		doc := l.doc
		spans := bodySpans(l.storedDoc, l.locs, ct)
		hit := search.Hit{
			ID: doc.ID, Title: doc.Title, Agency: doc.Agency, DocNumber: doc.DocNumber, Date: doc.Date,
			DocType: doc.DocType, Category: doc.Category, URL: doc.SourceURL,
			Score: round3(h.Score), Sections: []search.SectionHit{},
		}
		if req.Mode == search.ModePassages {
			for _, s := range search.RankSectionsOf(doc, spans, ct.n, len(doc.Sections), q.Filters.Role) {
				rel := 0.0
				if maxScore > 0 {
					rel = h.Score / maxScore
				}
				passages = append(passages, scored{hit: hit, sec: s, key: s.Score + 2*rel})
			}
			continue
		}
		hit.Sections = search.RankSectionsOf(doc, spans, ct.n, search.MaxSections, q.Filters.Role)
		out.Hits = append(out.Hits, hit)
	}
	if req.Mode == search.ModePassages {
		sort.SliceStable(passages, func(i, j int) bool { return passages[i].key > passages[j].key })
		out.Total = len(passages)
		for i := offset(req); i < len(passages) && i < offset(req)+req.Size; i++ {
			p := passages[i]
			p.hit.Score = round3(p.key)
			p.hit.Sections = []search.SectionHit{p.sec}
			out.Hits = append(out.Hits, p.hit)
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

func offset(req *search.Request) int { return (req.Page - 1) * req.Size }

func round3(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 3, 64), 64)
	return v
}

// exactTitles returns the documents whose title is exactly the query text
// (folded, without punctuation) and that pass the query's filters and
// exclusions, newest first.
func (ix *Index) exactTitles(ctx context.Context, q *search.Query, constraints query.Query, req *search.Request) (bsearch.DocumentMatchCollection, error) {
	text := rawText(q)
	if q.Question {
		text = q.QuestionText
	} else if plain := q.PlainText(); plain != "" {
		text = plain
	}
	key := keyOf(text)
	if key == "" || req.Sort != search.SortRelevance {
		return nil, nil
	}
	tq := query.NewTermQuery(key)
	tq.SetField(fTitleKey)
	// Most queries are no title: find that out cheaply before running the
	// whole query with it.
	probe := blevelib.NewSearchRequestOptions(tq, 0, 0, false)
	probe.Score = "none"
	if pr, err := ix.idx.SearchInContext(ctx, probe); err != nil || pr.Total == 0 {
		return nil, err
	}
	sr := blevelib.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{tq, constraints}), 20, 0, false)
	sr.SortBy([]string{"-" + fDate, "_id"})
	sr.PreSearchData = map[string]interface{}{bsearch.BM25PreSearchDataKey: ix.bm25Stats()}
	res, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	return res.Hits, nil
}

func addFacets(sr *blevelib.SearchRequest) {
	sr.AddFacet("agency", blevelib.NewFacetRequest(fAgency, search.FacetEntries))
	sr.AddFacet("doc_type", blevelib.NewFacetRequest(fDocType, search.FacetEntries))
	sr.AddFacet("year", blevelib.NewFacetRequest(fYear, search.FacetEntries))
	sr.AddFacet("role", blevelib.NewFacetRequest(fRole, 3))
}

// facetsOf counts the facets of the hits collected in res (the best
// matches of a question) and stores them in res.
func (ix *Index) facetsOf(ctx context.Context, res *blevelib.SearchResult) error {
	if len(res.Hits) == 0 {
		return nil
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	sr := blevelib.NewSearchRequestOptions(query.NewDocIDQuery(ids), 0, 0, false)
	sr.Score = "none"
	addFacets(sr)
	fr, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return err
	}
	res.Facets = fr.Facets
	return nil
}

// window returns hits[from:from+size], bounded.
func window(hits bsearch.DocumentMatchCollection, from, size int) bsearch.DocumentMatchCollection {
	if from >= len(hits) {
		return nil
	}
	return hits[from:min(from+size, len(hits))]
}

// pinFirst puts the pinned matches ahead of the ranking hits (which hold
// the first from+size+len(pinned) results) and returns the window
// [from, from+size); passage mode keeps the whole pool.
func pinFirst(hits, pinned bsearch.DocumentMatchCollection, from, size int, pool bool) bsearch.DocumentMatchCollection {
	isPinned := map[string]bool{}
	for _, p := range pinned {
		isPinned[p.ID] = true
	}
	all := append(bsearch.DocumentMatchCollection{}, pinned...)
	for _, h := range hits {
		if !isPinned[h.ID] {
			all = append(all, h)
		}
	}
	if pool {
		return all
	}
	if from >= len(all) {
		return nil
	}
	return all[from:min(from+size, len(all))]
}

// bodySpans turns the term locations of the body gram field into spans
// attributed to query clauses. The index keeps gram positions only; a
// position maps to its paragraph through paraPos (the first position of
// every paragraph) and to bytes through the units of that paragraph. A
// phrase becomes one span per occurrence, found from the positions of its
// first slot (bleve's phrase searcher reports the locations of a match
// unreliably: terms of the phrase at other positions, a unigram missing).
// Positions past the last paragraph are the repeated headings.
func bodySpans(sd *storedDoc, locs bsearch.TermLocationMap, ct *clauseTerms) []search.Span {
	paraPos := sd.paraPos
	if len(locs) == 0 || len(paraPos) != len(sd.doc.Paragraphs) {
		return nil
	}
	var spans []search.Span
	add := func(first, last, clause int) {
		i := sort.Search(len(paraPos), func(i int) bool { return int(paraPos[i]) > first }) - 1
		if i < 0 {
			return
		}
		u := sd.paraUnits(i)
		a, b := first-int(paraPos[i]), last-int(paraPos[i])
		if a < 0 || b >= len(u) || b < a {
			return
		}
		spans = append(spans, search.Span{Start: sd.starts[i] + int(u[a][0]), End: sd.starts[i] + int(u[b][1]), Clause: clause})
	}
	for _, ph := range ct.phrases {
		at := map[string]map[uint64]bool{}
		for _, s := range ph.slots[1:] {
			if ls := locs[s]; len(ls) > 0 && at[s] == nil {
				at[s] = map[uint64]bool{}
				for _, l := range ls {
					at[s][l.Pos] = true
				}
			}
		}
		for _, l := range locs[ph.slots[0]] {
			ok := true
			for i, s := range ph.slots[1:] {
				if m := at[s]; m != nil && !m[l.Pos+uint64(i+1)] {
					ok = false
					break
				}
			}
			if ok {
				add(int(l.Pos), int(l.Pos)+ph.units-1, ph.clause)
			}
		}
	}
	for term, ls := range locs {
		clauses := ct.exact[term]
		width := 1 // units covered by the term
		if r, size := utf8.DecodeRuneInString(term); analyzer.IsHan(r) && size < len(term) {
			width = 2 // a bigram
		}
		if clauses == nil {
			_, size := utf8.DecodeRuneInString(term)
			clauses = ct.prefix[term[:size]]
			width = 1 // a prefix match marks its first character only
		}
		for _, c := range clauses {
			for _, l := range ls {
				add(int(l.Pos), int(l.Pos)+width-1, c)
			}
		}
	}
	return spans
}

func facets(res *blevelib.SearchResult) search.Facets {
	get := func(name string) []search.FacetValue {
		out := []search.FacetValue{}
		fr, ok := res.Facets[name]
		if !ok || fr.Terms == nil {
			return out
		}
		for _, t := range fr.Terms.Terms() {
			out = append(out, search.FacetValue{Value: t.Term, Count: t.Count})
		}
		return out
	}
	return search.Facets{Agency: get("agency"), DocType: get("doc_type"), Year: get("year"), Role: get("role")}
}
