package targets

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/search"
)

// Comparisons: how a target's value is to be read. Reports use many words
// for them; each maps to one of these.
const (
	About   = "左右"  // 5%左右, 5%上下
	AtLeast = "以上"  // 1200万人以上, 不低于900万人, 超过…
	AtMost  = "以内"  // 5.5%以内, 不超过, 低于, 控制在4.6%
	Range   = "区间"  // 6%-6.5%, 4.5%—5%, 百分之八至九
	Exact   = "目标值" // a bare number: 增长2%, 城镇新增就业85万人
)

// wording is whether text is read as a plan (targets) or a review
// (results).
type wording int

const (
	planWording wording = iota
	reviewWording
)

// Words that may stand between an indicator's name and its number.
const (
	// totalPart is a total given before the rate (国内生产总值达到134.9万亿元、
	// 增长5%): skipped for indicators not measured in money.
	totalPart = `(?:(?:达到|为|突破|超过|实现|增加到|增至|迈上)?\d+(?:\.\d+)?(?:万亿元|亿元|万元|亿美元|万亿美元)(?:大关|台阶|关口)?[、,，](?:按可比价格计算[,，])?)?`
	// gapWords come between the name and the verb.
	gapWords = `(?:全年|年末|实际|预计|预期|计划|同比|比上年|比去年|人数|名义|总量|按)?`
	// planFill and reviewFill come between the verb and the number.
	planFill   = `(?:的宏观调控目标[,，]?|的调控目标[,，]?|的预期目标|预期目标|调控目标|预期|目标|定为|设定为|定在|为|是|达到|达|保持在|稳定在|控制在|全年控制在|在|继续保持|保持|力争达到|力争|争取|要|拟按|按|实现|平均){0,3}`
	reviewFill = `(?:平均值为|平均为|平均|为|达到|达|保持在|稳定在|控制在|降到|降至|降为|下降到|回落到|回落至|升至|提高到|首次跃上|跃上|再创新高|实现|在){0,2}`
	// preWords qualify the number from before it.
	preWords = `(不低于|不少于|不超过|不高于|超过|低于|高于|至少|接近|近|约)?`
)

// tailPattern is the regexp that reads, from the end of one of ind's names,
// the words up to and including its number.
func tailPattern(ind *Indicator, mode wording, bare bool) string {
	var b strings.Builder
	b.WriteString("^")
	if ind.family != familyMoney {
		b.WriteString(totalPart)
	}
	b.WriteString(gapWords)
	if !bare {
		verbs := append(append([]string{}, ind.Verbs...), ind.Negating...)
		if len(verbs) > 0 {
			b.WriteString("(" + alternation(verbs) + ")")
			if ind.VerbOptional {
				b.WriteString("?")
			}
		} else {
			b.WriteString("()")
		}
	} else {
		b.WriteString("()")
	}
	if mode == planWording {
		b.WriteString("(" + planFill + ")")
	} else {
		b.WriteString("(" + reviewFill + ")")
	}
	b.WriteString(preWords)
	b.WriteString(numberPattern)
	return b.String()
}

// notBefore are words that make a name part of another quantity when they
// come right before it: 人均地区生产总值, 海洋生产总值, 农村居民人均可支配
// 收入 (rural residents only), 跨境电商进出口 (e-commerce only), 开发区规上
// 工业增加值 (development zones only). Names that begin with such a word
// (城镇调查失业率) are matched whole before this applies.
var notBefore = []string{"人均", "单位", "万元", "海洋", "民营", "数字", "县域", "全员", "农林牧渔业", "服务业", "工业",
	"城镇", "农村", "城乡", "跨境电商", "电商", "服务", "开发区", "园区"}

// mention is an indicator and its number found in a sentence.
type mention struct {
	ind        *Indicator
	start, end int // byte offsets in the folded sentence
	nameEnd    int // where the indicator's name ends
	verb, fill string
	pre, post  string
	more       bool // 多 / 余 after the number
	// verbless is set for a number read without the indicator's verb: only
	// good for showing a result in another unit.
	verbless bool
	value    float64
	high     float64 // the upper end of a range, else value
	isRange  bool
	unit     string
}

// phrase is the text of the mention, its Latin letters upper case again
// after folding (GDP, CPI, M2, PM2.5).
func (m *mention) phrase(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s[m.start:m.end])
}

// mentions finds the indicators of t in the folded sentence s and the
// numbers that follow them.
func (t *Table) mentions(s string, mode wording) []mention {
	var out []mention
	covered := 0 // names may not overlap: the first (longest) wins
	for i := 0; i < len(s); {
		if i < covered {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		var hit *nameRef
		for k := range t.names {
			if strings.HasPrefix(s[i:], t.names[k].folded) {
				hit = &t.names[k]
				break
			}
		}
		if hit == nil {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		end := i + len(hit.folded)
		covered = end
		if precededBy(s[:i], notBefore) {
			i = end
			continue
		}
		re := hit.ind.tail[mode]
		if hit.bare {
			re = hit.ind.tailBare[mode]
		}
		g := re.FindStringSubmatchIndex(s[end:])
		bare := false
		if g == nil && mode == reviewWording && !hit.bare {
			// A review may give the quantity in another unit than the
			// target's (社会消费品零售总额达4.64万亿元 for a growth
			// target): read without a verb, it is kept to show, but
			// cannot be compared.
			g = hit.ind.tailBare[mode].FindStringSubmatchIndex(s[end:])
			bare = true
		}
		if g == nil {
			i = end
			continue
		}
		sub := func(k int) string {
			if g[2*k] < 0 {
				return ""
			}
			return s[end+g[2*k] : end+g[2*k+1]]
		}
		m := mention{ind: hit.ind, start: i, nameEnd: end, end: end + g[1], verb: sub(1), fill: sub(2), pre: sub(3)}
		m.more = sub(5) != ""
		m.verbless = bare
		m.unit = sub(6)
		m.post = sub(9)
		if m.post == "多" {
			m.more = true
		}
		m.value, _ = strconv.ParseFloat(sub(4), 64)
		m.high = m.value
		if h := sub(7); h != "" {
			m.high, _ = strconv.ParseFloat(h, 64)
			m.isRange = true
			if m.unit == "" {
				m.unit = sub(8)
			}
		}
		// A number that goes on (5.5个 …) or a unit that is the start of a
		// longer word is not the whole number.
		if rest := s[m.end:]; strings.HasPrefix(rest, "个百分点") && m.unit == "" {
			m.unit = "个百分点"
		}
		for _, n := range hit.ind.Negating {
			if m.verb == foldText(n) {
				m.value, m.high = -m.value, -m.high
			}
		}
		if m.isRange && m.high < m.value {
			m.value, m.high = m.high, m.value
		}
		out = append(out, m)
		covered = m.end
		i = m.end
	}
	return out
}

// precededBy reports whether s ends with one of words.
func precededBy(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// comparison is how a target's words read: its comparison.
func (m *mention) comparison() string {
	switch {
	case m.isRange:
		return Range
	case m.post == "左右" || m.post == "上下":
		return About
	case m.post == "以上" || m.pre == "不低于" || m.pre == "不少于" || m.pre == "至少" || m.pre == "超过" || m.pre == "高于" || m.more:
		return AtLeast
	case m.post == "以内" || m.post == "以下" || m.post == "之内" || m.post == "内" || m.pre == "不超过" || m.pre == "不高于" || m.pre == "低于":
		return AtMost
	case strings.Contains(m.fill, "控制在"):
		// 城镇登记失业率控制在4.6%: a ceiling.
		return AtMost
	}
	return Exact
}

// bound says whether a result's words make its number a bound: 超过3% is
// a lower bound (LowerBound), 近40% an upper one (UpperBound), 5% neither.
func (m *mention) bound() string {
	switch {
	case m.post == "以上" || m.pre == "超过" || m.pre == "高于" || m.pre == "不低于" || m.pre == "不少于" || m.more:
		return LowerBound
	case m.post == "以内" || m.post == "以下" || m.post == "之内" || m.post == "内" || m.pre == "近" || m.pre == "接近" || m.pre == "低于" || m.pre == "不超过":
		return UpperBound
	}
	return ""
}

// Sentence splitting and the sentences that are about other periods.
var (
	sentenceEndRe = regexp.MustCompile(`[^。；;！？!?]+[。；;！？!?]*`)
	yearInTextRe  = regexp.MustCompile(`(?:19|20)\d{2}年`)
	// multiYearRe marks a sentence about several years (a five-year plan,
	// averages, running totals): its numbers are not a year's target or
	// result.
	multiYearRe = regexp.MustCompile(`年均|平均每年|每年|五年|十年|三年|两年|连年|连续|累计|期间|规划|纲要|今后|十[一二三四五六七八九]五|[一二三四五六七八九]五["“”]?(?:计划|时期|期间)|到本世纪|本届政府`)
	// multiYearParaRe opens a paragraph that reviews several years; the
	// paragraphs after it do too (——经济实力实现整体跃升 …) until one
	// turns to the single year (yearParaRe).
	multiYearParaRe = regexp.MustCompile(`^(?:——)?(?:各位代表[，,！!]?)?(?:五年来|过去五年|过去的五年|十年来|过去十年|这五年|["“”]?十[一二三四五六七八九]五["“”]?(?:时期|期间|以来)|回望["“”]?十[一二三四五六七八九]五|透过\d{4}回望)`)
	yearParaRe      = regexp.MustCompile(`^(?:——)?(?:各位代表[，,！!]?)?(?:刚刚过去的|过去一年|一年来|去年|(?:19|20)\d{2}年(?:是|，|,|全省|全市|我国|全国))`)
	// planPrefixRe and reviewPrefixRe mark a sentence of the other kind:
	// last year's results inside a plan, this year's plans inside a
	// review.
	planPrefixRe   = regexp.MustCompile(`(?:^|[^比较])(?:去年|上年)|过去一年|一年来`)
	reviewPrefixRe = regexp.MustCompile(`今年|明年|预期目标|目标是|目标为`)
	// targetClauseRe, in the clause of a review that leads to a number, or
	// targetAfterRe right after it, mark a target restated, not a result
	// (没有实现年初确定的单位国内生产总值能耗降低4%左右…的目标).
	targetClauseRe = regexp.MustCompile(`预期|目标|年初|确定的|提出|没有实现|未能实现|未实现|要把|要求`)
	targetAfterRe  = regexp.MustCompile(`^、?[^，。；]{0,30}?的(?:预期)?目标|^的(?:要求|任务)`)
	// reviewOpenRe opens a paragraph of a plan that looks back (在经济领
	// 域，过去一年里取得的…).
	reviewOpenRe = regexp.MustCompile(`^[^。；]{0,12}(?:过去一年|过去的一年|去年|一年来)`)
	// paraYearRe is a year a paragraph opens with (１９８２年是第六个五年
	// 计划的第二年…).
	paraYearRe = regexp.MustCompile(`^((?:19|20)\d{2})年`)
	// mainCueRe opens the paragraph that lists a year's main targets
	// (今年发展主要预期目标是：…).
	mainCueRe = regexp.MustCompile(`(?:主要预期目标|预期目标|主要目标|调控目标|宏观调控的主要目标)(?:是|为|定为)?[:：]`)
	// mainCueYearRe is the cue with the year it is for.
	mainCueYearRe = regexp.MustCompile(`(今年|明年|(?:19|20)\d{2}年)[^。；]{0,40}?(?:主要预期目标|预期目标|主要目标|调控目标)`)
)

// clauseBefore is the clause of s that leads up to byte offset i: the text
// after the last comma, semicolon or colon before it.
func clauseBefore(s string, i int) string {
	head := s[:i]
	if k := strings.LastIndexAny(head, "，,；;：:"); k >= 0 {
		_, size := utf8.DecodeRuneInString(head[k:])
		return head[k+size:]
	}
	return head
}

// otherYearPara reports whether a paragraph (folded) opens with a year
// other than year.
func otherYearPara(f string, year int) bool {
	m := paraYearRe.FindStringSubmatch(f)
	if m == nil {
		return false
	}
	y, _ := strconv.Atoi(m[1])
	return y != year
}

// sentence is a sentence of a paragraph, folded for matching.
type sentence struct {
	orig   string // as written
	folded string
}

func sentences(text string) []sentence {
	var out []sentence
	for _, s := range sentenceEndRe.FindAllString(text, -1) {
		if strings.TrimSpace(s) == "" {
			continue
		}
		out = append(out, sentence{orig: strings.TrimSpace(s), folded: arabicPercents(foldText(s))})
	}
	return out
}

// aboutOtherPeriod reports whether the part of a folded sentence up to a
// mention (the indicator's name aside: 细颗粒物年均浓度 is one year's)
// speaks of years other than year, or of several years.
func aboutOtherPeriod(s string, m *mention, year int) bool {
	head := s[:m.start] + "|" + s[m.nameEnd:m.end]
	if multiYearRe.MatchString(head) {
		return true
	}
	for _, y := range yearInTextRe.FindAllString(head, -1) {
		if n, _ := strconv.Atoi(y[:4]); n != year {
			return true
		}
	}
	return false
}

// paragraphText is the text of paragraph n (1-based) read with the
// paragraphs it runs on into: some sources break a sentence over two lines
// (国内生产总值达到74.4 / 万亿元，增长6.7%).
func paragraphText(d *search.Document, n, last int) string {
	text := d.Paragraphs[n-1].Text
	if d.Paragraphs[n-1].Heading {
		return text
	}
	// Up to three lines, and of the last only the sentence that runs on:
	// the rest is that paragraph's own.
	for k := n; k < last && k < n+3; k++ {
		t := strings.TrimSpace(text)
		r, _ := utf8.DecodeLastRuneInString(t)
		if t == "" || d.Paragraphs[k].Heading || !(unicode.IsDigit(r) || unicode.IsLetter(r)) {
			break
		}
		text = t + sentenceEndRe.FindString(strings.TrimSpace(d.Paragraphs[k].Text))
	}
	return text
}
