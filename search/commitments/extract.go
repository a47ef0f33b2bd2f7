package commitments

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// How a plan section becomes commitments. A paragraph is split into items
// (一是…二是…, else sentences); an item is split into clauses at its commas
// and semicolons. A clause that opens with a verb of action — after an
// enumerator, a subject with 要/将, and adverbs (持续, 大力 …) — starts an
// action; the clauses that only set a manner or stance (坚持…, 以…为牵引,
// 围绕…) join the action after them, the clauses that carry no verb or only
// state an outcome (确保社会大局和谐稳定) join the action before them. An
// item with several actions, each with its own object, becomes several
// commitments (加快…，推进… → two); a list of objects of one verb (化解过剩
// 产能、淘汰落后产能) stays one, since only commas and semicolons split. An
// item with no action that names something concrete — a description (我国
// 发展处在…), a slogan, an exhortation (同时要坚持底线思维…, 我们要…的精神) —
// is not a commitment; neither is anything after a closing call (让我们…).

var (
	enumRe     = regexp.MustCompile(`[一二三四五六七八九十]+是`)
	sentenceRe = regexp.MustCompile(`[^。；！？]+[。；！？]?`)
	// clauseRe cuts an item into clauses, each with its punctuation.
	clauseRe = regexp.MustCompile(`[^，；;,]+[，；;,]?`)
	// leadRe is the enumerator an item may open with.
	leadRe = regexp.MustCompile(`^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])?`)
	// adverbRe are the adverbs that may come before an action's verb.
	adverbRe = regexp.MustCompile(`^(?:持续|大力|积极|充分|深入|全面|进一步|切实|稳步|扎实|继续|不断|着力|加力|有序|稳妥|稳慎|严格|努力|坚决|全力|主动|精心|重点|突出|依法|科学|常态化|适时|合理|逐步|率先|协同|联手|共同|更好|更加|高质量|高标准|高水平|高效|尽最大努力|毫不放松|千方百计|多措并举|因地制宜|抓紧|加紧|尽快|分类|系统|一体|同步|认真|全方位|多渠道|大幅|适当|再|也|还|都|并)+`)
	// verbRe are the verbs that open an action.
	verbRe = regexp.MustCompile(`^(?:坚持和完善|坚持和发展|管理|推进|加快|实施|确保|力争|推动|加强|完善|深化|开展|落实|着力|扩大|提升|健全|促进|强化|做好|建设|打造|支持|提高|实现|新增|培育|优化|降低|稳定|保障|抓好|发展|启动|出台|建立|改造|整治|增加|突破|创建|争创|争取|统筹|巩固|用好|拓展|构建|加大|引导|鼓励|规范|保持|防范|化解|维护|严控|推广|办好|抓实|筑牢|守住|兜牢|激发|发挥|聚焦|开工|建成|完成|减少|控制|研究|制定|修订|探索|设立|组建|举办|开通|免费|应对|调整|壮大|清理|治理|打击|保护|修复|传承|繁荣|丰富|改善|提供|新建|新开|压减|严防|严厉|严密|严格执行|夯实|压实|补齐|补上|营造|培养|引进|吸引|扶持|帮助|解决|减轻|取消|放宽|下放|简化|推行|开放|共建|融入|参与|对接|筹办|承办|备战|搭建|布局|招引|引育|谋划|编制|实行|落地|提质|扩容|延伸|加速|赋能|承接|服务|助力|关心|关爱|瞄准|攻克|攻关|抢抓|接续|深耕|织密|擦亮|叫响|做强|做优|做大|做实|做精|做深|提速|提标|扩面|扩围|缓解|消除|遏制|杜绝|加紧|畅通|打通|贯通|联通|投用|投运|建立健全|开拓|创新|迭代|升级|改革|利用|保供|稳岗|推出|发布|印发|增强|补强|守牢|落细|抓细)`)
	// mannerRe is a manner that may open a clause before its action.
	mannerRe = regexp.MustCompile(`^以[^，；]{1,40}?为(?:牵引|引领|抓手|重点|主线|核心|导向|目标|契机|载体|支撑|突破口|主攻方向|中心)`)
	// stanceRe opens clauses that set a stance or a manner rather than say
	// what will be done: 坚持底线思维, 以…为牵引, 围绕…, 面对…
	stanceRe = regexp.MustCompile(`^(?:坚定|适应|顺应|贯彻|践行|弘扬|发扬|牢记|牢固树立|树立|团结|高举|始终|永葆|担当|实干|居安思危|锲而不舍|驰而不息|持之以恒|增强.{0,6}(?:意识|自信)|紧紧围绕|围绕|面对|面向|立足|按照|根据|结合|针对|着眼|通过|依托|为了|以[^，；]{1,40}为(?:牵引|引领|抓手|重点|主线|核心|导向|目标|契机|载体|支撑|突破口|主攻方向|中心)$|把[^，；]{1,40}(?:作为|放在|摆在)|在[^，；]{1,30}(?:基础上|前提下|过程中|同时)$|用[^，；]{1,20}(?:手段|办法|方式))`)
	// contextRe opens items of plan sections that set the scene, explain
	// or exhort rather than commit to anything.
	contextRe = regexp.MustCompile(`^(?:今年是|明年是|过去|回顾|综合分析|综合研判|当前|我国具有|我省具有|我市具有|只要|这是|这些|总的看|同时也要看到|必须看到|尽管|虽然|经过|从根本上说|总之|实践表明|事实证明|我们坚信|我们相信|坚信|相信|我们愿|我们对|让我们|各位代表|展望|站在|新征程上|新的一年|做好今年|做好明年|做好政府工作|全面完成今年|实现今年)`)
	// closingRe finds the closing call of a report (…团结在…周围), after
	// which nothing is a commitment.
	closingRe = regexp.MustCompile(`团结在.{0,30}周围|不懈奋斗|努力奋斗|而努力奋斗|而不懈奋斗|让我们`)
	// explainRe finds sentences that explain a target (考虑了…, 体现了…).
	explainRe = regexp.MustCompile(`考虑了|综合考虑|主要考虑|体现了|是基于|之所以`)
	// targetRe finds a numeric target: a number with its unit and a
	// comparison (5%左右, 1200万人以上, 不低于1.6倍).
	targetRe = regexp.MustCompile(`(?:不低于|不超过|不少于|达到|突破|超过|控制在|保持在|力争|至少)?\d+(?:\.\d+)?\s*(?:%|‰|个百分点|万亿|亿|万|千|百)?[^，。；\d]{0,6}?(?:左右|以上|以内|以下|之内|之间)|(?:不低于|不超过|不少于|达到|突破|控制在|保持在|至少)\s*[\d.]+`)
	// nounVerbs are verbs that are as often nouns (我国发展处在…, 产业
	// 发展…): after a subject they do not make an action.
	nounVerbs = map[string]bool{"发展": true, "建设": true, "改革": true, "创新": true, "保障": true, "稳定": true, "优化": true,
		"调整": true, "治理": true, "保护": true, "服务": true, "研究": true, "升级": true, "开放": true, "改造": true, "传承": true}
)

// measureNumRe finds a number with its unit: 2条, 300个, 5%, 1200万人.
var measureNumRe = regexp.MustCompile(`\d+(?:\.\d+)?\s*(?:%|‰|个百分点|万|亿|千|个|条|座|家|所|项|台|套|户|人|名|吨|元|公里|千米|亩|斤|千瓦|标箱|张|辆|次|倍)`)

// isQuantitative reports whether a commitment states a numeric target.
func isQuantitative(text string) bool {
	return targetRe.MatchString(text) || measureNumRe.MatchString(text)
}

// clause is one comma-separated part of an item and what it does.
type clause struct {
	text string
	kind clauseKind
}

type clauseKind int

const (
	plain   clauseKind = iota // no verb of action: joins the action before it
	action                    // opens an action with its own object
	stance                    // a stance or manner: joins the action after it
	outcome                   // an outcome or a spirit: joins the action before it
)

// actionBody returns what follows a clause's enumerator, subject, modal
// and adverbs, and whether a verb of action opens it.
func actionBody(c string) (string, bool) {
	c = strings.TrimLeft(c[len(leadRe.FindString(c)):], "，、 ")
	// 以科技创新需求为牵引优化调整学科专业: the manner, then the action.
	if m := mannerRe.FindString(c); m != "" && len(m) < len(c) {
		c = c[len(m):]
	}
	if body, ok := verbFirst(c); ok {
		return body, true
	}
	if rest, ok := afterModal(c); ok {
		if body, ok := verbFirst(rest); ok {
			return body, true
		}
		c = rest
	}
	// A short subject before the verb: 中央财政加大…, 粮食产量保持在…
	for i, r := range c {
		if i == 0 {
			continue
		}
		if utf8.RuneCountInString(c[:i]) > 10 || strings.ContainsRune("，、：:“”（）()", r) {
			break
		}
		if body, ok := verbFirst(c[i:]); ok && !nounVerbs[verbRe.FindString(body)] {
			return body, true
		}
	}
	return c, false
}

// verbFirst reports whether a verb of action opens s after its adverbs,
// and returns s from that verb.
func verbFirst(s string) (string, bool) {
	s = s[len(adverbRe.FindString(s)):]
	return s, verbRe.MatchString(s)
}

// modals are the words after which comes what will be done (我们要…,
// 中央财政将…, 必须…); modalNot are the words in which 要 or 将 is no modal
// (重要, 主要, 要素, 即将 …).
var (
	modals   = []string{"必须", "务必", "应当", "都要", "还要", "也要", "更要", "要", "将"}
	modalNot = []string{"重要", "主要", "需要", "纲要", "摘要", "要素", "要求", "要点", "要件", "要害", "只要", "将来", "即将", "将近"}
)

// afterModal returns what follows a subject and a modal that open c, if
// they do: the subject (up to 12 characters) holds no verb of action.
func afterModal(c string) (string, bool) {
	best := -1
	bestLen := 0
	for _, m := range modals {
		i := strings.Index(c, m)
		if i < 0 || utf8.RuneCountInString(c[:i]) > 12 || best >= 0 && i >= best {
			continue
		}
		part := false
		for _, w := range modalNot {
			if j := strings.Index(c, w); j >= 0 && j <= i && i < j+len(w) {
				part = true
				break
			}
		}
		if part || strings.ContainsAny(c[:i], "，。；：:") {
			continue
		}
		best, bestLen = i, len(m)
	}
	if best < 0 {
		return c, false
	}
	subject := c[:best]
	for k := range subject {
		if _, ok := verbFirst(subject[k:]); ok && !nounVerbs[verbRe.FindString(subject[k:])] {
			return c, false
		}
	}
	return c[best+bestLen:], true
}

// classify says what a clause does.
func classify(c string) clauseKind {
	t := strings.TrimRight(c, "，；;,。！？ ")
	t = strings.TrimLeft(t[len(leadRe.FindString(t)):], "，、 ")
	if r, _ := afterModal(t); stanceRe.MatchString(r[len(adverbRe.FindString(r)):]) {
		return stance
	}
	if body, ok := actionBody(t); ok {
		if !concrete(body) {
			return outcome
		}
		return action
	}
	rest, _ := afterModal(t)
	rest = rest[len(adverbRe.FindString(rest)):]
	if after, ok := strings.CutPrefix(rest, "坚持"); ok {
		// 坚持依法管理宗教事务 acts; 坚持底线思维 sets a stance.
		if body, ok := actionBody(after); ok && concrete(body) {
			return action
		}
		return stance
	}
	if targetRe.MatchString(t) {
		return action
	}
	return plain
}

// genericWords say nothing concrete on their own: an action whose object
// is made only of these (做好应对各种风险挑战的充分准备) commits to nothing.
var genericWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`精神 思维 底线 意识 理念 定力 初心 使命 品格 作风 信心 决心 准备 风险 挑战 各种 充分 大局
		道路 方向 方针 旗帜 原则 宗旨 主线 稳定 安全 活力 能力 水平 成效 基础 动能 生机 秩序 风采 格局 局面 福祉 获得感 幸福感
		安全感 合力 力量 贡献 作用 效能 篇章 华章 辉煌 目标 任务 人民 群众 期待 向往 美好 生活 社会 经济 健康 良好 更大 新的
		全年 各项 一切 积极 因素 历史 时代 伟大 事业 奋斗 团结 实效 成果 势头 态势 优势 潜力 动力 环境 氛围 品质 更多
		更高 更好 新 大 好 高 强 实 全 各 一 多 持续 不断 共同 切实 有力 有效 扎实 坚实 美丽 幸福 和谐 繁荣 富强 民主 文明
		现代化 高质量发展 中国式现代化 强国 民族复兴 习近平 新时代 中国特色社会主义 思想 党中央 党 作为 担当 实干 苦干 落实 落地
		见效 需要 要求 方面 地方 领域 部门 全面 层次 一流 首位 前列 标杆 样板 示范 高地 名片 品牌 新局 新篇 新貌 迈进 迈出 步伐`) {
		genericWords[w] = true
	}
}

// concrete reports whether text names something a review could report
// on: a content word that is neither boilerplate nor generic, or a number.
func concrete(text string) bool {
	for _, w := range analyzer.ContentWords(text) {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		if !isGeneric(w) {
			return true
		}
	}
	return false
}

// isGeneric reports whether a word says nothing concrete: it is
// boilerplate, generic or a verb of action, or a compound of two such
// (充分准备, 风险挑战).
func isGeneric(w string) bool {
	if boilerplate[w] || genericWords[w] || intentWords[w] {
		return true
	}
	if r := []rune(w); len(r) == 4 {
		a, b := string(r[:2]), string(r[2:])
		return (boilerplate[a] || genericWords[a] || intentWords[a]) && (boilerplate[b] || genericWords[b] || intentWords[b])
	}
	return false
}

// intentWords are the verbs of verbRe as words.
var intentWords = map[string]bool{}

func init() {
	s := verbRe.String()
	s = strings.TrimPrefix(s, "^(?:")
	s = strings.TrimSuffix(s, ")")
	for _, w := range strings.Split(s, "|") {
		intentWords[w] = true
	}
}

// actions splits an item into the texts of its actions; none when it
// commits to nothing.
func actions(item string) []string {
	var cs []clause
	for _, c := range clauseRe.FindAllString(item, -1) {
		if strings.TrimSpace(strings.Trim(c, "，；;,。！？")) == "" {
			continue
		}
		k := classify(c)
		if k == action && len(cs) > 0 && measures(c) {
			// 新开通地铁线路2条 after 加快建设城市轨道交通: the measure
			// of the action before, not an action of its own.
			k = plain
		}
		cs = append(cs, clause{text: c, kind: k})
	}
	if len(cs) == 0 {
		return nil
	}
	// A description does not turn into a commitment midway: the first
	// clause acts, sets the stance for an action or states a target.
	if cs[0].kind == plain || !anyAction(cs) {
		return nil
	}
	var out []string
	var cur strings.Builder
	pending := "" // stance clauses waiting for their action
	for _, c := range cs {
		switch c.kind {
		case action:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			cur.WriteString(pending)
			pending = ""
			cur.WriteString(c.text)
		case stance:
			pending += c.text
		default:
			if cur.Len() == 0 {
				pending += c.text
			} else {
				cur.WriteString(c.text)
			}
		}
	}
	if pending != "" {
		if cur.Len() > 0 {
			cur.WriteString(pending)
		} else if len(out) > 0 {
			out[len(out)-1] += pending
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	for i := range out {
		if i < len(out)-1 {
			out[i] = tidy(out[i])
		} else {
			out[i] = strings.TrimSpace(out[i])
			if strings.HasSuffix(out[i], "，") {
				out[i] = tidy(out[i])
			}
		}
	}
	return out
}

func anyAction(cs []clause) bool {
	for _, c := range cs {
		if c.kind == action {
			return true
		}
	}
	return false
}

// measureRe opens clauses that count what an action delivers.
var measureRe = regexp.MustCompile(`^(?:新增|新建|新开|开通|完成|建成|实现|达到|力争|开工|累计|覆盖|惠及|突破|超过|控制在|保持在|其中)`)

// measures reports whether a clause states how much an action delivers:
// a number, and no verb of its own but one that counts.
func measures(c string) bool {
	if !strings.ContainsAny(c, "0123456789") {
		return false
	}
	body, ok := actionBody(strings.TrimLeft(c, "，、 "))
	return !ok || measureRe.MatchString(body)
}

// tidy ends an action's text with a full stop instead of the comma it was
// cut at.
func tidy(s string) string {
	s = strings.TrimSpace(s)
	if t := strings.TrimRight(s, "，；;,"); t != s {
		s = t + "。"
	}
	return s
}

// isItem reports whether an item of a plan section can be a commitment at
// all: not too short or long, not scene-setting, an explanation or a
// closing call.
func isItem(item string) bool {
	rn := utf8.RuneCountInString(item)
	if rn < 8 || rn > 300 {
		return false
	}
	body := strings.TrimLeft(item[len(leadRe.FindString(item)):], "，、 ")
	return !contextRe.MatchString(body) && !explainRe.MatchString(body) && !closingRe.MatchString(body)
}

// Extract splits the plan sections of d about year into their items: an
// enumeration 一是…二是… into its items, other text into sentences, keeping
// the items that commit to something (see the comment at the top of this
// file), each whole. Its IDs are doc/pN/i. The commitments that the
// tracker follows up are ExtractActions's.
func Extract(d *search.Document, year int) []Commitment {
	return extract(d, year, false)
}

// ExtractActions is Extract with each item split into its actions: an
// item's first action keeps the item's ID (doc/pN/i); the others add
// their place: doc/pN/i.2, doc/pN/i.3.
func ExtractActions(d *search.Document, year int) []Commitment {
	return extract(d, year, true)
}

func extract(d *search.Document, year int, split bool) []Commitment {
	var out []Commitment
	for _, s := range d.Sections {
		if s.Role != search.RolePlan || s.Year != year {
			continue
		}
		for n := s.First; n <= s.Last; n++ {
			p := d.Paragraphs[n-1]
			text := p.Text
			if p.Heading && n == s.First && len(s.Path) > 0 && strings.HasPrefix(text, s.Path[len(s.Path)-1]) {
				text = strings.TrimLeft(strings.TrimPrefix(text, s.Path[len(s.Path)-1]), "。；：:，, ")
			}
			var items []string
			if locs := enumRe.FindAllStringIndex(text, -1); len(locs) >= 2 {
				for i, l := range locs {
					end := len(text)
					if i+1 < len(locs) {
						end = locs[i+1][0]
					}
					items = append(items, text[l[0]:end])
				}
			} else {
				items = sentenceRe.FindAllString(text, -1)
			}
			for i, it := range items {
				it = strings.TrimSpace(it)
				if closingRe.MatchString(it) {
					// The closing call: nothing after it commits.
					break
				}
				if !isItem(it) {
					continue
				}
				acts := actions(it)
				if !split && len(acts) > 0 {
					acts = []string{it}
				}
				for k, a := range acts {
					// The item's place among all the paragraph's items, so
					// that IDs stay put when the rules above change.
					id := fmt.Sprintf("%s/p%d/%d", d.ID, n, i+1)
					if k > 0 {
						id += fmt.Sprintf(".%d", k+1)
					}
					out = append(out, Commitment{
						ID: id, Text: a, Agency: d.Agency, Year: year, DocID: d.ID, DocTitle: d.Title,
						Paragraph: n, SectionID: s.ID, Path: s.Path, Quantitative: isQuantitative(a),
					})
				}
			}
		}
	}
	return out
}
