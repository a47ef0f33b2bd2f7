package search

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
)

// QueryError is a query or request the user has to fix. Msg is shown to
// the user (in Chinese); Detail says the same for logs.
type QueryError struct {
	Msg    string
	Detail string
}

func (e *QueryError) Error() string { return e.Msg }

func queryErr(detail, format string, args ...any) error {
	return &QueryError{Msg: fmt.Sprintf(format, args...), Detail: detail}
}

// Query is a parsed search query (see the query syntax in README.md).
type Query struct {
	Raw string
	// Groups must all match; a group matches when any of its terms does
	// (terms joined by OR).
	Groups [][]Term
	// Excluded terms must not match.
	Excluded []Term
	Filters  Filters
	// Question is set for a question or sentence: it is ranked over the
	// content words of QuestionText instead of requiring all of it.
	Question     bool
	QuestionText string
	// Parts are the clauses of Raw as typed, in order.
	Parts []Part
	// Relaxed marks a query that found nothing as typed and is run again
	// as a question over its content words (Run sets it).
	Relaxed bool
}

// Part is one clause of a query as the user typed it: a keyword, a
// phrase, an exclusion, OR, or a filter.
type Part struct {
	// Field is the canonical name of a filter (FilterAgency …), else "".
	Field string
	// Value is a filter's value as typed (without quotes; with a leading
	// "=" for an exact agency).
	Value string
	// Text is the clause exactly as typed; Start and End are its byte
	// offsets in Query.Raw.
	Text       string
	Start, End int
}

// Without returns the query text with part i left out, for a link that
// drops one filter.
func (q *Query) Without(i int) string {
	if i < 0 || i >= len(q.Parts) {
		return q.Raw
	}
	p := q.Parts[i]
	return strings.Join(strings.Fields(q.Raw[:p.Start]+" "+q.Raw[p.End:]), " ")
}

// Term is a keyword or a quoted phrase.
type Term struct {
	Text   string
	Phrase bool
}

// Filters restrict the documents a query can match. Values of one kind are
// alternatives (agency:A agency:B matches either); kinds combine with AND.
type Filters struct {
	Agency []string // issuing agency contains
	// AgencyExact names agencies exactly (agency:=国务院, as facet links
	// write it): 国务院 without 国务院办公厅.
	AgencyExact []string
	DocType     []string // document type equals
	Year        []int
	DocNum      []string // document number, any bracket style (prefix)
	Title       []string // title contains
	From        string   // publication date on or after, YYYY-MM-DD
	To          string   // publication date on or before, YYYY-MM-DD
	// Role keeps matches to sections of these roles (RolePlan …).
	Role []string
	// Category keeps documents of these subject categories (exact).
	Category []string
	// PlanYear and ReviewYear keep documents with plan (review) sections
	// about one of these years. They have no query syntax; commitment
	// tracking sets them.
	PlanYear, ReviewYear []int
}

// Empty reports whether no filter is set.
func (f *Filters) Empty() bool {
	return len(f.Agency) == 0 && len(f.AgencyExact) == 0 && len(f.DocType) == 0 && len(f.Year) == 0 && len(f.DocNum) == 0 &&
		len(f.Title) == 0 && f.From == "" && f.To == "" && len(f.Role) == 0 && len(f.Category) == 0 && len(f.PlanYear) == 0 && len(f.ReviewYear) == 0
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

func isOpenQuote(r rune) bool { return r == '"' || r == '“' || r == '＂' }

// closeQuote is the quote that closes a phrase opened with open: each
// kind closes its own, so "深化“放管服”改革" is one phrase.
func closeQuote(open rune) rune {
	if open == '“' {
		return '”'
	}
	return open
}

// Parse parses the query syntax. It never panics; a query it cannot make
// sense of yields a *QueryError that says what to fix.
func Parse(raw string) (*Query, error) {
	if utf8.RuneCountInString(raw) > MaxQueryLen {
		return nil, queryErr("query too long", "查询过长（最多 %d 个字符）", MaxQueryLen)
	}
	if !utf8.ValidString(raw) {
		return nil, queryErr("query is not UTF-8", "查询包含无效字符")
	}
	q := &Query{Raw: raw}
	rs := []rune(raw)
	byteAt := make([]int, len(rs)+1) // rune index → byte offset in raw
	for i, n := 0, 0; i < len(rs); i++ {
		byteAt[i] = n
		n += utf8.RuneLen(rs[i])
	}
	byteAt[len(rs)] = len(raw)
	skipped := false
	i := 0
	pendingOR := false
	for {
		for i < len(rs) && isSpace(rs[i]) {
			i++
		}
		if i >= len(rs) {
			break
		}
		start := i
		neg := false
		if rs[i] == '-' && i+1 < len(rs) && !isSpace(rs[i+1]) {
			neg = true
			i++
		}
		// A filter: name:value with a known name.
		field := ""
		if j := indexColon(rs, i); j > i {
			if name, ok := filterNames[strings.ToLower(string(rs[i:j]))]; ok {
				field = name
				i = j + 1
			}
		}
		var text string
		phrase := false
		exact := false
		if field != "" && i < len(rs) && rs[i] == '=' {
			exact = true
			i++
		}
		if i < len(rs) && isOpenQuote(rs[i]) {
			end := closeQuote(rs[i])
			j := i + 1
			for j < len(rs) && rs[j] != end {
				j++
			}
			if j >= len(rs) {
				return nil, queryErr("unterminated quote", "引号没有配对：%s", string(rs[start:]))
			}
			text = string(rs[i+1 : j])
			phrase = true
			i = j + 1
		} else {
			j := i
			for j < len(rs) && !isSpace(rs[j]) {
				j++
			}
			text = string(rs[i:j])
			i = j
		}
		text = strings.TrimSpace(text)
		part := Part{Field: field, Value: text, Start: byteAt[start], End: byteAt[i]}
		part.Text = raw[part.Start:part.End]
		if exact {
			part.Value = "=" + text
		}
		q.Parts = append(q.Parts, part)

		if !phrase && field == "" && !neg && text == "OR" {
			if len(q.Groups) == 0 || pendingOR {
				return nil, queryErr("misplaced OR", "OR 前后都需要有关键词")
			}
			pendingOR = true
			continue
		}
		if field != "" {
			if neg {
				return nil, queryErr("negated filter", "筛选条件不能取反：%s", string(rs[start:i]))
			}
			if pendingOR {
				return nil, queryErr("OR before filter", "OR 不能连接筛选条件")
			}
			if exact {
				text = "=" + text
			}
			if err := q.addFilter(field, text); err != nil {
				return nil, err
			}
			continue
		}
		if text == "" {
			if phrase {
				return nil, queryErr("empty phrase", "引号内没有内容")
			}
			continue
		}
		if analyzer.FoldString(text) == "" || !hasUnits(text) {
			if phrase || neg {
				return nil, queryErr("no searchable text", "“%s”中没有可检索的文字", text)
			}
			// Stray punctuation between keywords ("营商环境 ， 法治",
			// "标题 - 副标题") is not a keyword.
			skipped = true
			continue
		}
		t := Term{Text: text, Phrase: phrase}
		if neg {
			if pendingOR {
				return nil, queryErr("OR before exclusion", "OR 不能连接排除词")
			}
			q.Excluded = append(q.Excluded, t)
			continue
		}
		if pendingOR {
			last := len(q.Groups) - 1
			q.Groups[last] = append(q.Groups[last], t)
			pendingOR = false
			continue
		}
		q.Groups = append(q.Groups, []Term{t})
	}
	if pendingOR {
		return nil, queryErr("misplaced OR", "OR 前后都需要有关键词")
	}
	if len(q.Groups) == 0 && q.Filters.Empty() {
		if skipped && len(q.Excluded) == 0 {
			return nil, queryErr("no searchable text", "查询中没有可检索的文字")
		}
		if len(q.Excluded) > 0 {
			return nil, queryErr("only exclusions", "查询不能只包含排除词，请加上关键词或筛选条件")
		}
		return nil, queryErr("empty query", "请输入查询内容")
	}
	if text, ok := q.plainText(); ok && q.looksLikeQuestion() && len(analyzer.ContentWords(text)) > 1 {
		q.Question, q.QuestionText = true, text
	}
	return q, nil
}

// plainText returns the text of a query made only of unquoted keywords
// (no phrases, OR, exclusions or filters), joined by spaces.
func (q *Query) plainText() (string, bool) {
	if len(q.Groups) == 0 || len(q.Excluded) > 0 || !q.Filters.Empty() {
		return "", false
	}
	parts := make([]string, len(q.Groups))
	for i, g := range q.Groups {
		if len(g) != 1 || g[0].Phrase {
			return "", false
		}
		parts[i] = g[0].Text
	}
	return strings.Join(parts, " "), true
}

// PlainText returns the text of a query made only of unquoted keywords,
// joined by spaces, or "".
func (q *Query) PlainText() string {
	t, _ := q.plainText()
	return t
}

// looksLikeQuestion reports whether a plain query reads as a question or a
// sentence: a part has a question frame, or is long, and no part is a
// document number.
func (q *Query) looksLikeQuestion() bool {
	question := false
	for _, g := range q.Groups {
		if _, isDocNum := CanonicalDocNum(g[0].Text); isDocNum {
			return false
		}
		question = question || analyzer.LooksLikeQuestion(g[0].Text)
	}
	return question
}

// CanRelax reports whether a query that found nothing may be rerun as a
// question: it is made only of unquoted keywords, none a document number,
// with several content words.
func (q *Query) CanRelax() bool {
	if q.Question {
		return false
	}
	text, ok := q.plainText()
	if !ok {
		return false
	}
	for _, g := range q.Groups {
		if _, isDocNum := CanonicalDocNum(g[0].Text); isDocNum {
			return false
		}
	}
	return len(analyzer.ContentWords(text)) > 1
}

func hasUnits(s string) bool {
	for _, r := range analyzer.FoldString(s) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || r == '%' || r == '‰' {
			return true
		}
	}
	return false
}

// indexColon returns the index of the first ':' or '：' in the word that
// starts at i, or -1.
func indexColon(rs []rune, i int) int {
	for j := i; j < len(rs) && !isSpace(rs[j]) && !isOpenQuote(rs[j]); j++ {
		if rs[j] == ':' || rs[j] == '：' {
			return j
		}
	}
	return -1
}

var (
	yearRe = regexp.MustCompile(`^(\d{4})年?$`)
	dateRe = regexp.MustCompile(`^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?$`)
)

func (q *Query) addFilter(field, value string) error {
	if value == "" {
		return queryErr("empty filter", "筛选条件 %s: 缺少取值", field)
	}
	f := &q.Filters
	switch field {
	case "agency":
		if exact, ok := strings.CutPrefix(value, "="); ok {
			if exact = strings.TrimSpace(exact); exact == "" {
				return queryErr("empty filter", "筛选条件 %s: 缺少取值", field)
			}
			f.AgencyExact = append(f.AgencyExact, exact)
		} else {
			f.Agency = append(f.Agency, value)
		}
	case "type":
		f.DocType = append(f.DocType, value)
	case "docnum":
		f.DocNum = append(f.DocNum, value)
	case "title":
		f.Title = append(f.Title, value)
	case "category":
		f.Category = append(f.Category, value)
	case "role":
		r, ok := roleValues[strings.ToLower(value)]
		if !ok {
			return queryErr("bad role", "类型只能是 打算(plan)、回顾(review) 或 问题(problem)（收到 %q）", value)
		}
		f.Role = append(f.Role, r)
	case "year":
		m := yearRe.FindStringSubmatch(analyzer.FoldString(value))
		if m == nil {
			return queryErr("bad year", "年份应为四位数字，例如 year:2022（收到 %q）", value)
		}
		y, _ := strconv.Atoi(m[1])
		f.Year = append(f.Year, y)
	case "from", "to":
		d, err := parseDate(value, field == "to")
		if err != nil {
			return err
		}
		if field == "from" {
			f.From = d
		} else {
			f.To = d
		}
		if f.From != "" && f.To != "" && f.From > f.To {
			return queryErr("empty date range", "日期范围为空：起始日期 %s 晚于截止日期 %s", f.From, f.To)
		}
	}
	return nil
}

// parseDate reads YYYY, YYYY-MM or YYYY-MM-DD (also 2022年3月1日). An
// incomplete date is the start of its period, or its end when end is set.
func parseDate(value string, end bool) (string, error) {
	m := dateRe.FindStringSubmatch(analyzer.FoldString(value))
	bad := queryErr("bad date", "日期格式应为 YYYY-MM-DD（收到 %q）", value)
	if m == nil {
		return "", bad
	}
	y, _ := strconv.Atoi(m[1])
	mon, day := 1, 1
	if m[2] != "" {
		mon, _ = strconv.Atoi(m[2])
	} else if end {
		mon = 12
	}
	if m[3] != "" {
		day, _ = strconv.Atoi(m[3])
	}
	if mon < 1 || mon > 12 {
		return "", bad
	}
	t := time.Date(y, time.Month(mon), day, 0, 0, 0, 0, time.UTC)
	if m[3] == "" && end {
		t = time.Date(y, time.Month(mon)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	if t.Month() != time.Month(mon) {
		return "", bad
	}
	return t.Format("2006-01-02"), nil
}

// bracketFold writes every bracket style as parentheses.
var bracketFold = strings.NewReplacer("〔", "(", "〕", ")", "［", "(", "］", ")", "[", "(", "]", ")",
	"（", "(", "）", ")", "【", "(", "】", ")", "〖", "(", "〗", ")")

// docNumRe matches a document number typed in any bracket style:
// 国发〔2019〕5号, 国发[2019]5号, 国办函(2018)71号.
var docNumRe = regexp.MustCompile(`^(\p{Han}{1,12})[\(\[（〔［【]?\s*((?:19|20)\d{2})\s*[\)\]）〕］】]?\s*第?(\d{1,4})号$`)

// CanonicalDocNum returns the canonical form of a document number
// (国发〔2019〕5号) and whether s looks like one. Numbers such as
// 国务院令第707号 are returned folded but otherwise unchanged.
func CanonicalDocNum(s string) (string, bool) {
	f := bracketFold.Replace(strings.Join(strings.Fields(analyzer.FoldString(s)), ""))
	if m := docNumRe.FindStringSubmatch(f); m != nil {
		return m[1] + "〔" + m[2] + "〕" + m[3] + "号", true
	}
	// Every bracket is a parenthesis now; the canonical form uses 〔〕.
	c := strings.NewReplacer("(", "〔", ")", "〕").Replace(f)
	isNum := strings.HasSuffix(f, "号") && strings.ContainsAny(f, "0123456789") && strings.Contains(f, "令")
	return c, isNum
}
