package search

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gongkai/gongkai/analyzer"
)

// headingRepeats is how many more times section headings go into the
// body gram field after the paragraphs: a word in a heading counts as
// often as 1+headingRepeats words of running text, at no cost at query
// time.
const headingRepeats = 3

// parallelBytes is the body size from which Analyze makes the word and
// gram layers at once.
const parallelBytes = 256 << 10

// articleRe matches the heading of a law article (第十二条), which names no
// topic and is not repeated.
var articleRe = regexp.MustCompile(`^第[一二三四五六七八九十百千零〇两0-9]+条$`)

// Analyze turns a document into the fields every engine indexes: the word
// and gram layers of title and body (analyzer.Words, analyzer.Grams), the
// gram layer of the agency, exact values for filters and facets, and the
// role fields commitment tracking and role: filters use. It is the single
// place where a document becomes terms.
func Analyze(d *Document) (*IndexDoc, error) {
	out := &IndexDoc{Doc: d, Hash: d.Hash()}
	if d.Date != "" {
		if _, err := time.Parse("2006-01-02", d.Date); err != nil {
			return nil, fmt.Errorf("document %s: date %q is not YYYY-MM-DD: %w", d.ID, d.Date, err)
		}
		out.Date = d.Date
	}
	words := func(name, text string) {
		if terms := analyzer.AppendWordTerms(make([]string, 0, len(text)/6+1), text); len(terms) > 0 {
			out.Fields = append(out.Fields, Field{Name: name, Terms: terms})
		}
	}
	grams := func(name, text string) {
		if terms, pos, _ := analyzer.AppendGramTerms(nil, nil, text, 0); len(terms) > 0 {
			out.Fields = append(out.Fields, Field{Name: name, Terms: terms, Positions: pos})
		}
	}
	keyword := func(name string, values ...string) {
		var vs []string
		for _, v := range values {
			if v != "" {
				vs = append(vs, v)
			}
		}
		if len(vs) > 0 {
			out.Fields = append(out.Fields, Field{Name: name, Terms: vs, Keyword: true})
		}
	}
	words(FieldTitle, d.Title)
	grams(FieldTitleGrams, d.Title)
	// A long body's two layers are made at once, on two cores.
	text := d.Body()
	var bodyWords []string
	var done sync.WaitGroup
	wordsOf := func() { bodyWords = analyzer.AppendWordTerms(make([]string, 0, len(text)/6+1), text) }
	if len(text) >= parallelBytes {
		done.Add(1)
		go func() {
			defer done.Done()
			wordsOf()
		}()
	} else {
		wordsOf()
	}
	body, paraTok := bodyGrams(d)
	done.Wait()
	if len(bodyWords) > 0 {
		out.Fields = append(out.Fields, Field{Name: FieldBody, Terms: bodyWords})
	}
	if len(body.Terms) > 0 {
		out.Fields = append(out.Fields, body)
	}
	grams(FieldAgencyGrams, d.Agency)
	keyword(FieldAgency, d.Agency)
	keyword(FieldDocType, strings.TrimSpace(d.DocType))
	keyword(FieldCategory, strings.TrimSpace(d.Category))
	if y := d.YearOf(); y > 0 {
		keyword(FieldYear, strconv.Itoa(y))
	}
	if d.DocNumber != "" {
		c, _ := CanonicalDocNum(d.DocNumber)
		keyword(FieldDocNum, c)
	}
	keyword(FieldTitleKey, TitleKey(d.Title))
	analyzeRoles(d, out, func(n int) []string { return body.Terms[paraTok[n-1]:paraTok[n]] })
	keyword(FieldHash, out.Hash)
	return out, nil
}

// TitleKey folds a title or query into the form exact-title matching
// compares: folded, without spaces and punctuation.
func TitleKey(s string) string {
	var b strings.Builder
	for _, r := range analyzer.FoldString(s) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// analyzeRoles adds what commitment tracking and role: filters need: the
// roles a document's sections have, the years its plan and review
// sections are about, and the grams of the sections of each role, taken
// from the body's (grams(n) are paragraph n's), each once.
func analyzeRoles(d *Document, out *IndexDoc, grams func(n int) []string) {
	var roles []string
	years := map[string][]string{}
	seen := map[string]bool{}
	paras := map[string][]int{}
	for _, sec := range d.Sections {
		if sec.Role == "" || sec.Role == RoleOther {
			continue
		}
		if !seen[sec.Role] {
			seen[sec.Role] = true
			roles = append(roles, sec.Role)
		}
		if sec.Year > 0 {
			f := ""
			switch sec.Role {
			case RolePlan:
				f = FieldPlanYear
			case RoleReview:
				f = FieldReviewYear
			}
			if y := strconv.Itoa(sec.Year); f != "" && !seen[f+y] {
				seen[f+y] = true
				years[f] = append(years[f], y)
			}
		}
		for n := sec.First; n <= sec.Last; n++ {
			paras[sec.Role] = append(paras[sec.Role], n)
		}
	}
	if len(roles) > 0 {
		out.Fields = append(out.Fields, Field{Name: FieldRole, Terms: roles, Keyword: true})
	}
	for _, f := range []string{FieldPlanYear, FieldReviewYear} {
		if len(years[f]) > 0 {
			out.Fields = append(out.Fields, Field{Name: f, Terms: years[f], Keyword: true})
		}
	}
	for _, role := range Roles {
		if len(paras[role]) == 0 {
			continue
		}
		var terms []string
		once := map[string]bool{}
		for _, n := range paras[role] {
			for _, t := range grams(n) {
				if !once[t] {
					once[t] = true
					terms = append(terms, t)
				}
			}
		}
		if len(terms) > 0 {
			out.Fields = append(out.Fields, Field{Name: RoleGramsField(role), Terms: terms})
		}
	}
}

// bodyGrams makes the gram layer of the body paragraph by paragraph, one
// position of gap between paragraphs (a phrase never matches across a
// paragraph break), then the section headings headingRepeats more times,
// so that words in headings weigh more in ranking; the repeats are the
// field's WeightOnly terms. It also returns where every paragraph's terms
// start in the field (one more entry: where the headings' start).
func bodyGrams(d *Document) (Field, []int) {
	var heads []string
	size := 0
	for _, p := range d.Paragraphs {
		size += len(p.Text)
	}
	for _, sec := range d.Sections {
		if len(sec.Path) == 0 || !d.Paragraphs[sec.First-1].Heading {
			continue
		}
		if h := sec.Path[len(sec.Path)-1]; !articleRe.MatchString(h) {
			heads = append(heads, h)
			size += headingRepeats * len(h)
		}
	}
	// About one term per character (three bytes) and a fifth more.
	f := Field{Name: FieldBodyGrams, Terms: make([]string, 0, size*2/5+1), Positions: make([]int32, 0, size*2/5+1)}
	paraTok := make([]int, len(d.Paragraphs)+1)
	next := int32(0)
	add := func(text string) {
		var n int
		f.Terms, f.Positions, n = analyzer.AppendGramTerms(f.Terms, f.Positions, text, next)
		next += int32(n) + 1
	}
	for i, p := range d.Paragraphs {
		paraTok[i] = len(f.Terms)
		add(p.Text)
	}
	paraTok[len(d.Paragraphs)] = len(f.Terms)
	for r := 0; r < headingRepeats; r++ {
		for _, h := range heads {
			add(h)
		}
	}
	f.WeightOnly = len(f.Terms) - paraTok[len(d.Paragraphs)]
	return f, paraTok
}
