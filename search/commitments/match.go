package commitments

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// How a commitment is matched against the review. A commitment's terms
// are its content words less the words that say how rather than what
// (verbs of action, 体系, 水平, 精神 …) and its quoted names (“三大工程”). A
// term weighs more the fewer review sentences have it and the fewer
// commitments of the same plan share it: 宅基地 names one commitment, 服务
// none. Every sentence of the review is scored by the weight of the terms
// it has; a paragraph by its best sentence. The status then weighs:
//   - how much of the commitment the best sentence takes up;
//   - whether that sentence is about this commitment or names another one
//     of the same plan more (a sentence on 跨境电子商务 is about the
//     cross-border e-commerce commitment, not 电子商务进农村);
//   - how much of the commitment no review sentence names at all.

// passage is a review paragraph that may answer commitments.
type passage struct {
	doc       *search.Document
	n         int
	path      []string
	text      string
	sentences []int // indexes into matcher.sentences
	words     map[string]bool
}

// sentence is one sentence of a review passage.
type sentence struct {
	text    string
	words   map[string]bool
	passage int
	// owner is the commitment of the plan that this sentence names most
	// (by the weight of the terms it has), and ownerWeight that weight.
	owner       int
	ownerWeight float64
}

// matcher matches the commitments of a plan against the passages of the
// review of the same year.
type matcher struct {
	passages  []passage
	sentences []sentence
	terms     [][]string          // terms of each commitment
	item      []string            // the item each commitment comes from (its ID without .2, .3)
	phrases   []map[string]phrase // the phrase of each term of each commitment
	idf       map[string]float64
	planDF    map[string]int
	nPlan     float64
}

// boilerplate are the words of policy prose that say how, not what:
// verbs of intent and the nouns every item carries. A commitment and a
// review that share only these share nothing.
var boilerplate = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`推进 加快 实施 确保 力争 推动 加强 完善 深化 开展 落实 持续 着力 扩大 提升 健全
		促进 强化 做好 建设 打造 支持 提高 实现 新增 培育 优化 降低 稳定 保障 抓好 坚持 发展 启动 出台 建立
		改造 整治 增加 突破 创建 争取 深入 全面 积极 大力 稳步 进一步 不断 继续 切实 扎实 加大 更好 更加
		工作 体系 机制 水平 能力 重点 重大 重要 质量 高质量 有效 力度 政策 措施 任务 行动 工程 项目 领域
		全省 全市 全国 我省 我市 各类 一批 一体 统筹 高水平 现代化 体制 制度 改革 创新
		毫不放松 有序 稳慎 稳妥 精心 尽最大努力 主动 合理 高效 千方百计 多措并举 因地制宜 常态化 全方位 多渠道
		广泛 左右 以上 以下 以内 今年 明年 第二批 第一批 新一轮 一系列 若干 加力 提质 扩容 增效 提速 升级 大幅
		推进 国家 全社会 我国 中国 各级 政府 部门 单位 地区 有关 相关 方面`) {
		boilerplate[w] = true
	}
}

// wordsOf are the content words of a text that can carry a match.
func wordsOf(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range analyzer.ContentWords(text) {
		if utf8.RuneCountInString(w) >= 2 && !boilerplate[w] {
			out[w] = true
		}
	}
	return out
}

var (
	quotedRe      = regexp.MustCompile(`[“"]([^”"]{2,20})[”"]`)
	sentenceEndRe = regexp.MustCompile(`[^。；！？]+[。；！？]?`)
)

// termsOf are the terms of a commitment (see the comment at the top).
func termsOf(text string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, q := range quotedRe.FindAllStringSubmatch(text, -1) {
		add(q[1])
	}
	var words []string
	for w := range wordsOf(text) {
		if !genericWords[w] && !intentWords[w] && !isNumber(w) {
			words = append(words, w)
		}
	}
	if len(words) == 0 && len(out) == 0 {
		// Nothing but common words: match on those.
		for w := range wordsOf(text) {
			if !isNumber(w) {
				words = append(words, w)
			}
		}
	}
	sort.Strings(words)
	for _, w := range words {
		add(w)
	}
	return out
}

// phrasesOf maps each term of a commitment to the phrase it stands in: the
// run of words around it up to a word that says how rather than what, a
// number or punctuation (实施生物多样性保护重大工程 → 生物多样性保护; 推动电子商务
// 进农村 → 电子商务进农村). A sentence that has the whole phrase names the
// term; one that has only the word names it by half.
func phrasesOf(text string, terms []string) map[string]phrase {
	out := map[string]phrase{}
	toks := analyzer.Words(text)
	var run []analyzer.Token
	flush := func() {
		if len(run) == 0 {
			return
		}
		p := phrase{text: text[run[0].Start:run[len(run)-1].End]}
		for _, t := range run {
			p.parts = append(p.parts, text[t.Start:t.End])
		}
		for _, t := range run {
			if _, ok := out[t.Term]; !ok {
				out[t.Term] = p
			}
		}
		run = run[:0]
	}
	last := -1
	for _, t := range toks {
		if t.Start < last {
			continue // an alternative at the same position (120, 120座)
		}
		breaks := t.Kind != analyzer.Word || boilerplate[t.Term] || genericWords[t.Term] || intentWords[t.Term] ||
			analyzer.IsStopword(t.Term) || len(run) > 0 && run[len(run)-1].End != t.Start
		if breaks {
			flush()
		}
		if !(t.Kind != analyzer.Word || boilerplate[t.Term] || genericWords[t.Term] || intentWords[t.Term] || analyzer.IsStopword(t.Term)) {
			run = append(run, t)
		}
		last = t.End
	}
	flush()
	for _, t := range terms {
		if p, ok := out[t]; !ok || utf8.RuneCountInString(p.text) < utf8.RuneCountInString(t) {
			out[t] = phrase{text: t, parts: []string{t}}
		}
	}
	return out
}

// phrase is a run of words of a commitment that names one thing.
type phrase struct {
	text  string
	parts []string // its words as written
}

// in reports whether a text names the whole phrase: as written, or with
// all its words (数字重庆基本能力总体形成 for 形成数字重庆基本).
func (p phrase) in(text string) bool {
	if strings.Contains(text, p.text) {
		return true
	}
	for _, w := range p.parts {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

func isNumber(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return r >= '0' && r <= '9'
}

func newMatcher(ps []passage, cs []Commitment) *matcher {
	m := &matcher{passages: ps, idf: map[string]float64{}, planDF: map[string]int{}, nPlan: float64(len(cs))}
	for i := range ps {
		ps[i].words = wordsOf(ps[i].text)
		for _, s := range sentenceEndRe.FindAllString(ps[i].text, -1) {
			if strings.TrimSpace(s) == "" {
				continue
			}
			ps[i].sentences = append(ps[i].sentences, len(m.sentences))
			m.sentences = append(m.sentences, sentence{text: s, words: wordsOf(s), passage: i, owner: -1})
		}
	}
	m.terms = make([][]string, len(cs))
	m.item = make([]string, len(cs))
	m.phrases = make([]map[string]phrase, len(cs))
	for i, c := range cs {
		m.terms[i] = termsOf(c.Text)
		m.item[i], _, _ = strings.Cut(c.ID, ".")
		m.phrases[i] = phrasesOf(c.Text, m.terms[i])
		for _, t := range m.terms[i] {
			m.planDF[t]++
		}
	}
	n := float64(len(m.sentences))
	for _, ts := range m.terms {
		for _, t := range ts {
			if _, ok := m.idf[t]; ok {
				continue
			}
			df := 0
			for _, s := range m.sentences {
				if m.has(t, &s) {
					df++
				}
			}
			m.idf[t] = math.Log(1 + n/max(float64(df), 0.5))
		}
	}
	// Each sentence's owner: the commitment whose terms it names most.
	for i := range m.sentences {
		s := &m.sentences[i]
		for ci := range cs {
			if w := m.matched(ci, s); w > s.ownerWeight {
				s.owner, s.ownerWeight = ci, w
			}
		}
	}
	return m
}

// has reports whether sentence s names term t: has it as a word, or
// within a longer word (粮食 in 粮食产量).
func (m *matcher) has(t string, s *sentence) bool {
	return s.words[t] || strings.Contains(s.text, t)
}

// weight is a term's weight: rare among the review's sentences, specific
// to few commitments of the plan.
func (m *matcher) weight(t string) float64 {
	return m.idf[t] * math.Log(1+m.nPlan/float64(max(m.planDF[t], 1)))
}

// matched is the weight of commitment ci's terms that sentence s names.
func (m *matcher) matched(ci int, s *sentence) float64 {
	var w float64
	for _, t := range m.terms[ci] {
		w += m.presence(ci, t, s) * m.weight(t)
	}
	return w
}

// presence is how far sentence s names term t of commitment ci: 1 with
// the term's whole phrase, 0.5 with the term alone or a variant of it
// (乡村 for 农村).
func (m *matcher) presence(ci int, t string, s *sentence) float64 {
	if m.has(t, s) {
		if m.phrases[ci][t].in(s.text) {
			return 1
		}
		return 0.5
	}
	for _, v := range variants[t] {
		if strings.Contains(s.text, v) {
			return 0.5
		}
	}
	return 0
}

// variants are the other words reviews use for a term of a plan. Edit
// freely: each line is a term and its variants.
var variants = map[string][]string{}

func init() {
	for _, l := range strings.Split(`农村 乡村
乡村 农村
单产 亩产
棚改 棚户区
物价 价格
医疗卫生 医疗 卫生
城镇化 城镇
义务教育 教育
养老服务 养老`, "\n") {
		f := strings.Fields(l)
		if len(f) > 1 {
			variants[f[0]] = append(variants[f[0]], f[1:]...)
		}
	}
}

// evidence is what the status of a commitment is decided from, and what
// a reader is shown beside it.
type evidence struct {
	covered  float64  // share of the terms' weight the best sentence names
	total    float64  // the terms' weight
	absent   float64  // share of the terms' weight that no review sentence names
	own      bool     // the best sentence names this commitment at least as much as any other of the plan
	ratio    float64  // this commitment's weight in the best sentence over its owner's
	other    int      // the owner of the best sentence when it is another commitment, else -1
	sentence string   // the best sentence
	shared   []string // terms the best sentence names, weightiest first
	named    []string // phrases of those terms that it names whole
	missing  []string // terms no review sentence names, weightiest first
}

// scored is a passage scored for a commitment.
type scored struct {
	p        int
	sentence int
	w        float64 // the best sentence's matched weight
	para     float64 // the whole paragraph's
}

// scoreAll scores every passage for commitment ci, and says which terms
// some review sentence names.
func (m *matcher) scoreAll(ci int, c *Commitment) ([]scored, map[string]bool) {
	ts := m.terms[ci]
	var all []scored
	named := map[string]bool{}
	for pi := range m.passages {
		p := &m.passages[pi]
		if p.doc.ID == c.DocID {
			continue
		}
		sc := scored{p: pi, sentence: -1}
		for _, si := range p.sentences {
			s := &m.sentences[si]
			if w := m.matched(ci, s); sc.sentence < 0 || w > sc.w {
				sc.w, sc.sentence = w, si
			}
			for _, t := range ts {
				if !named[t] && m.presence(ci, t, s) > 0 {
					named[t] = true
				}
			}
		}
		whole := &sentence{text: p.text, words: p.words}
		for _, t := range ts {
			sc.para += m.presence(ci, t, whole) * m.weight(t)
		}
		all = append(all, sc)
	}
	return all, named
}

// best returns the k best follow-ups of commitment ci and the evidence.
func (m *matcher) best(ci int, c *Commitment, k int) ([]FollowUp, evidence) {
	ev := evidence{other: -1}
	ts := m.terms[ci]
	for _, t := range ts {
		ev.total += m.weight(t)
	}
	all, named := m.scoreAll(ci, c)
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].w != all[j].w {
			return all[i].w > all[j].w
		}
		return all[i].para > all[j].para
	})

	var out []FollowUp
	for _, sc := range all {
		if len(out) == k {
			break
		}
		p := &m.passages[sc.p]
		score := 0.0
		if ev.total > 0 {
			score = sc.w / ev.total
		}
		out = append(out, FollowUp{
			DocID: p.doc.ID, DocTitle: p.doc.Title, Date: p.doc.Date, Paragraph: p.n, Path: p.path,
			Score:   math.Round(score*1000) / 1000,
			Snippet: search.Snippet(p.text, termSpans(p.text, ts), snippetWidth),
		})
	}
	var absent float64
	for _, t := range ts {
		if !named[t] {
			absent += m.weight(t)
			ev.missing = append(ev.missing, t)
		}
	}
	if ev.total > 0 {
		ev.absent = absent / ev.total
	}
	if len(all) > 0 && all[0].sentence >= 0 && ev.total > 0 {
		top := all[0]

		ev.covered = top.w / ev.total
		s := &m.sentences[top.sentence]
		ev.sentence = s.text
		// A sentence about another action of the same item is about
		// this one's item too.
		ev.own = s.owner == ci || top.w >= s.ownerWeight-1e-9 || s.owner >= 0 && m.item[s.owner] == m.item[ci]
		if s.ownerWeight > 0 {
			ev.ratio = top.w / s.ownerWeight
		}
		if !ev.own {
			ev.other = s.owner
		}
		for _, t := range ts {
			switch m.presence(ci, t, s) {
			case 1:
				if p := m.phrases[ci][t].text; !slices.Contains(ev.named, p) {
					ev.named = append(ev.named, p)
				}
				fallthrough
			case 0.5:
				ev.shared = append(ev.shared, t)
			}
		}
	}
	m.sortByWeight(ev.shared)
	m.sortByWeight(ev.missing)
	return out, ev
}

// termSpans marks where text names the terms.
func termSpans(text string, ts []string) []search.Span {
	var spans []search.Span
	for _, t := range ts {
		for from := 0; ; {
			i := strings.Index(text[from:], t)
			if i < 0 {
				break
			}
			spans = append(spans, search.Span{Start: from + i, End: from + i + len(t)})
			from += i + len(t)
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	// Drop overlaps.
	out := spans[:0]
	end := -1
	for _, s := range spans {
		if s.Start >= end {
			out = append(out, s)
			end = s.End
		}
	}
	return out
}

// sortByWeight orders terms weightiest first.
func (m *matcher) sortByWeight(ts []string) {
	sort.SliceStable(ts, func(i, j int) bool { return m.weight(ts[i]) > m.weight(ts[j]) })
}
