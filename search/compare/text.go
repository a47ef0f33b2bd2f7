package compare

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/gongkai/gongkai/analyzer"
)

// labelRe matches the number that opens a heading or an article:
// 第三条, 第二章, 一、, （二）, 3., （4）, ①. It is what changes when a
// revision renumbers, so comparisons leave it out.
var labelRe = regexp.MustCompile(`^[\s\x{3000}]*(?:第[一二三四五六七八九十百千零〇两0-9]+[编章节条款部分]|[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百0-9]+[）)]|[0-9]+(?:[.．][0-9]+)*[.、．]|[①-⑳])[\s\x{3000}]*`)

// stripLabel returns s without the heading number it opens with. A number
// followed by a digit (3.5万) is not a label.
func stripLabel(s string) string {
	loc := labelRe.FindStringIndex(s)
	if loc == nil {
		return s
	}
	rest := s[loc[1]:]
	if r, _ := utf8.DecodeRuneInString(rest); unicode.IsDigit(r) && strings.ContainsAny(s[:loc[1]], ".．") {
		return s
	}
	return rest
}

// quotes are folded to one form each: texts of two sources quote alike.
var quotes = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'", "〔", "[", "〕", "]", "【", "[", "】", "]")

// normalize is the form texts are compared in: folded as the analyzer
// folds (width, traditional characters), punctuation in one form
// (（ and (, ， and , are alike), and without white space.
func normalize(s string) string {
	f := quotes.Replace(width.Fold.String(analyzer.FoldString(s)))
	if !strings.ContainsFunc(f, unicode.IsSpace) {
		return f
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, f)
}

// digitsRe finds runs of digits; headings are compared with their years
// and counts blanked (2024年工作回顾 and 2025年工作回顾 are the same heading).
var digitsRe = regexp.MustCompile(`[0-9]+`)

// headingKey is the text of a heading as headings are compared: without
// its number, folded, digits blanked.
func headingKey(h string) string {
	return digitsRe.ReplaceAllString(normalize(stripLabel(h)), "#")
}

// sentenceEnds end a sentence; closers that follow one stay with it.
func isSentenceEnd(r rune) bool {
	return r == '。' || r == '！' || r == '？' || r == '；' || r == '!' || r == '?' || r == ';'
}

func isCloser(r rune) bool {
	switch r {
	case '”', '’', '）', ')', '」', '』', '】', '〕', '"', '\'', '》':
		return true
	}
	return false
}

// splitSentences splits a paragraph at 。！？； (keeping each mark, and a
// closing quote or bracket after it, with its sentence). White space at
// the edges of a sentence is dropped; sentences that are only white space
// or punctuation join the one before.
func splitSentences(p string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		s := strings.TrimSpace(strings.Trim(p[start:end], "\u3000"))
		start = end
		if s == "" {
			return
		}
		if len(out) > 0 && !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			out[len(out)-1] += s
			return
		}
		out = append(out, s)
	}
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		if !isSentenceEnd(r) {
			continue
		}
		for i < len(p) {
			r2, n2 := utf8.DecodeRuneInString(p[i:])
			if !isCloser(r2) && !isSentenceEnd(r2) {
				break
			}
			i += n2
		}
		flush(i)
	}
	flush(len(p))
	return out
}

// grams is the set of character bigrams of a text (one-character texts
// give their character), as sorted packed rune pairs. Punctuation and
// white space are left out, so that a changed comma does not count.
type grams []uint64

func gramsOf(normalized string) grams {
	rs := make([]rune, 0, len(normalized)/3+1)
	for _, r := range normalized {
		if unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) && r != '%' {
			continue
		}
		rs = append(rs, r)
	}
	if len(rs) == 1 {
		return grams{uint64(rs[0])}
	}
	g := make(grams, 0, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		g = append(g, uint64(rs[i])<<32|uint64(rs[i+1]))
	}
	slices.Sort(g)
	return slices.Compact(g)
}

// dice is the Dice coefficient of two gram sets: 2|A∩B| / (|A|+|B|), in
// [0, 1]; two empty sets are alike.
func dice(a, b grams) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}
