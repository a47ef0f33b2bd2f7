package indexer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/search"
)

// Heading ranks: a heading closes every open heading of the same or a
// lower rank. Chapters and articles (laws) and the numbered outline of
// reports (一、 （一） 1. （1）) are two families.
const (
	rankPart    = 0 // 第一编 / 第一部分
	rankChapter = 1 // 第一章
	rankSection = 2 // 第一节
	rankArticle = 3 // 第一条
	rankCN      = 10
	rankParenCN = 11
	rankNum     = 12
	rankParenNm = 13
)

const cnDigits = "一二三四五六七八九十百千零〇两"

var (
	structRe   = regexp.MustCompile(`^第[` + cnDigits + `0-9]+(编|部分|章|节|条)`)
	cnRe       = regexp.MustCompile(`^[` + cnDigits + `]+[、，]`)
	parenCNRe  = regexp.MustCompile(`^[（(][` + cnDigits + `]+[）)]`)
	numRe      = regexp.MustCompile(`^[0-9]{1,2}[.、．]`)
	parenNumRe = regexp.MustCompile(`^[（(][0-9]{1,2}[）)]`)
	spacesRe   = regexp.MustCompile(`[\s\x{3000}]+`)
)

// maxHeadingRunes is the longest first sentence that still reads as a
// heading after an outline marker; longer ones are enumerated paragraphs.
const maxHeadingRunes = 48

// heading reports whether line opens a section, with its rank and the
// heading text. inArticle is set inside a law article, where outline
// markers number the article's items instead of opening sections.
func heading(line string, inArticle bool) (rank int, text string, ok bool) {
	// Every pattern below starts with one of these: most lines are done
	// here, without a regexp.
	if r, _ := utf8.DecodeRuneInString(line); r != '第' && r != '（' && r != '(' &&
		(r < '0' || r > '9') && !strings.ContainsRune(cnDigits, r) {
		return 0, "", false
	}
	if m := structRe.FindStringSubmatch(line); m != nil {
		switch m[1] {
		case "编", "部分":
			rank = rankPart
		case "章":
			rank = rankChapter
		case "节":
			rank = rankSection
		case "条":
			// The article number is the heading; its text is the paragraph.
			return rankArticle, m[0], true
		}
		if utf8.RuneCountInString(line) > maxHeadingRunes || strings.ContainsAny(line, "。；;") {
			return 0, "", false
		}
		return rank, spacesRe.ReplaceAllString(line, " "), true
	}
	if inArticle {
		return 0, "", false
	}
	var marker string
	switch {
	case cnRe.MatchString(line):
		rank, marker = rankCN, cnRe.FindString(line)
	case parenCNRe.MatchString(line):
		rank, marker = rankParenCN, parenCNRe.FindString(line)
	case numRe.MatchString(line) && !startsWithDecimal(line):
		rank, marker = rankNum, numRe.FindString(line)
	case parenNumRe.MatchString(line):
		rank, marker = rankParenNm, parenNumRe.FindString(line)
	default:
		return 0, "", false
	}
	rest := strings.TrimSpace(line[len(marker):])
	if rest == "" {
		return 0, "", false
	}
	// Items of a list end with a semicolon or a comma; headings do not.
	last, _ := utf8.DecodeLastRuneInString(rest)
	if strings.ContainsRune("；;，,、", last) {
		return 0, "", false
	}
	first := rest
	if i := strings.IndexAny(rest, "。！？；!?;"); i >= 0 {
		first = rest[:i]
	}
	if utf8.RuneCountInString(first) > maxHeadingRunes {
		return 0, "", false
	}
	// An inline heading ("（二）加强组织领导。坚持……") is its first sentence.
	return rank, strings.TrimSpace(line[:len(marker)] + first), true
}

// startsWithDecimal reports whether line starts with a decimal number
// such as 1.39万亿斤 rather than an outline number "1.".
func startsWithDecimal(line string) bool {
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i < len(line) && line[i] == '.' && i+1 < len(line) && line[i+1] >= '0' && line[i+1] <= '9' {
		return true
	}
	return false
}

// isTerminal reports whether r can end a sentence or a line of a paragraph.
func isTerminal(r rune) bool {
	return strings.ContainsRune("。！？；：…”」』）)】》.!?;:\"'", r)
}

// continuesLine reports whether a line starting with r continues the
// previous line (a line break inside a sentence, as Wikisource leaves them
// around linked words).
func continuesLine(r rune) bool {
	return strings.ContainsRune("，。、；：！？）」』”》,.;:!?)", r)
}

// trimLine removes indentation and trailing spaces of every width.
func trimLine(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u3000' || r == '\u200b' || r == '\ufeff'
	})
}

// rawLines splits a body into trimmed, non-empty lines.
func rawLines(body string) []string {
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if l = trimLine(strings.ReplaceAll(l, "\r", "")); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// joinBroken joins lines that were broken inside a sentence: a line
// starting with punctuation that continues a sentence, or two lines where
// the first, at least minRun characters long, ends in the middle of a
// sentence (no closing punctuation) and the second goes on with text.
func joinBroken(in []string, minRun int) []string {
	var lines []string
	// prevHead is whether the last line is a heading; a line is looked
	// at once, a joined one again.
	prevHead, joined := false, false
	for _, l := range in {
		_, _, nextHead := heading(l, false)
		if n := len(lines); n > 0 {
			prev := lines[n-1]
			first, _ := utf8.DecodeRuneInString(l)
			last, _ := utf8.DecodeLastRuneInString(prev)
			if joined {
				_, _, prevHead = heading(prev, false)
				joined = false
			}
			broken := !prevHead && !nextHead && !isTerminal(last) &&
				((continuesLine(first) && utf8.RuneCountInString(prev) >= 8) ||
					(utf8.RuneCountInString(prev) >= minRun && isHan(last) && isHan(first)))
			// No line ends inside an opening bracket or starts with a
			// closing one, headings included: 三、关于《 / 国民经济…纲要 / 》的说明.
			broken = broken || strings.ContainsRune("《“（「『【", last) || strings.ContainsRune("》”）」』】", first) && !isTerminal(last)
			if broken {
				lines[n-1] = prev + l
				joined = true
				continue
			}
		}
		lines = append(lines, l)
		prevHead = nextHead
	}
	return lines
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// buildParagraphs numbers lines as paragraphs and groups them into sections.
func buildParagraphs(doc *search.Document, lines []string) {
	doc.Paragraphs = make([]search.Paragraph, 0, len(lines))
	doc.Sections = nil
	type open struct {
		rank int
		text string
	}
	var stack []open
	newSection := func(first int) {
		path := make([]string, len(stack))
		for i, o := range stack {
			path[i] = o.text
		}
		doc.Sections = append(doc.Sections, search.Section{
			ID:    doc.ID + "/s" + strconv.Itoa(len(doc.Sections)+1),
			Path:  path,
			First: first,
			Last:  first,
		})
	}
	for i, line := range lines {
		n := i + 1
		inArticle := len(stack) > 0 && stack[len(stack)-1].rank == rankArticle
		rank, text, ok := heading(line, inArticle)
		if ok {
			for len(stack) > 0 && stack[len(stack)-1].rank >= rank {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, open{rank, text})
			newSection(n)
		} else if len(doc.Sections) == 0 {
			newSection(n)
		}
		doc.Sections[len(doc.Sections)-1].Last = n
		doc.Paragraphs = append(doc.Paragraphs, search.Paragraph{Text: line, Heading: ok})
	}
	AssignRoles(doc)
}
