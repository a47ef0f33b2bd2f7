package search

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gongkai/gongkai/analyzer"
)

// headingRepeats is how many more times section headings go into the
// body gram field after the paragraphs: a word in a heading counts as
// often as 1+headingRepeats words of running text, at no cost at query
// time.
const headingRepeats = 3

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
	text := func(name string, toks []analyzer.Token, positions bool) {
		if len(toks) == 0 {
			return
		}
		f := Field{Name: name, Terms: make([]string, len(toks))}
		if positions {
			f.Positions = make([]int32, len(toks))
		}
		for i, t := range toks {
			f.Terms[i] = t.Term
			if positions {
				f.Positions[i] = int32(t.Position)
			}
		}
		out.Fields = append(out.Fields, f)
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
	body := d.Body()
	text(FieldTitle, analyzer.Words(d.Title), false)
	text(FieldTitleGrams, analyzer.Grams(d.Title), true)
	text(FieldBody, analyzer.Words(body), false)
	grams, paraTok := bodyGrams(d)
	text(FieldBodyGrams, grams, true)
	if n := len(out.Fields); n > 0 && out.Fields[n-1].Name == FieldBodyGrams {
		// The heading repeats only weigh headings more.
		out.Fields[n-1].WeightOnly = len(grams) - paraTok[len(d.Paragraphs)]
	}
	text(FieldAgencyGrams, analyzer.Grams(d.Agency), true)
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
	analyzeRoles(d, out, func(n int) []analyzer.Token { return grams[paraTok[n-1]:paraTok[n]] })
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
func analyzeRoles(d *Document, out *IndexDoc, grams func(n int) []analyzer.Token) {
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
				if !once[t.Term] {
					once[t.Term] = true
					terms = append(terms, t.Term)
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
// so that words in headings weigh more in ranking. It also returns where
// every paragraph's tokens start in the returned slice (one more entry:
// where the headings' start).
func bodyGrams(d *Document) ([]analyzer.Token, []int) {
	var toks []analyzer.Token
	paraTok := make([]int, len(d.Paragraphs)+1)
	next := 1
	add := func(text string) {
		ts, n := analyzer.GramsUnits(text)
		for _, t := range ts {
			t.Position += next - 1
			toks = append(toks, t)
		}
		next += n + 1
	}
	for i, p := range d.Paragraphs {
		paraTok[i] = len(toks)
		add(p.Text)
	}
	paraTok[len(d.Paragraphs)] = len(toks)
	var heads []string
	for _, sec := range d.Sections {
		if len(sec.Path) == 0 || !d.Paragraphs[sec.First-1].Heading {
			continue
		}
		if h := sec.Path[len(sec.Path)-1]; !articleRe.MatchString(h) {
			heads = append(heads, h)
		}
	}
	for r := 0; r < headingRepeats; r++ {
		for _, h := range heads {
			add(h)
		}
	}
	return toks, paraTok
}
