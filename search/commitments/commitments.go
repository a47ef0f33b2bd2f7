// Package commitments finds what a government promised for a year — the
// items of the plan sections of its reports — and the passages of its later
// reports that say what became of each: the review sections about that
// year, ranked by how much of the commitment they take up.
package commitments

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// Statuses of a commitment.
const (
	Answered   = "有回应"  // the best follow-up scored at least the threshold
	Unclear    = "待核对"  // between floor and threshold: candidates to read
	Unanswered = "未见回应" // no review passage reached the floor
	NoReview   = "尚无回顾" // no review of the year is indexed yet
)

// Statuses lists the statuses in the order they are shown.
var Statuses = []string{Answered, Unclear, Unanswered, NoReview}

// KnownStatus reports whether s is one of Statuses.
func KnownStatus(s string) bool { return slices.Contains(Statuses, s) }

// DefaultThreshold and DefaultFloor divide follow-up scores into the
// statuses. They were set on the hand-labelled commitments in
// testdata/commitments/labels.tsv, where 14 of the 15 commitments at or
// above the threshold have their best follow-up right and 6 of the 8 below
// the floor are indeed not reported on (docs/quality.md).
const (
	DefaultThreshold = 0.45
	DefaultFloor     = 0.10
)

// Commitment is one promise of a plan section.
type Commitment struct {
	// ID names the commitment: document, paragraph and item ("gwrn-2024/p88/2").
	ID        string     `json:"id"`
	Text      string     `json:"text"`
	Agency    string     `json:"agency"`
	Year      int        `json:"year"`
	DocID     string     `json:"doc_id"`
	DocTitle  string     `json:"doc_title"`
	Paragraph int        `json:"paragraph"`
	SectionID string     `json:"section_id"`
	Path      []string   `json:"path"`
	Status    string     `json:"status"`
	Score     float64    `json:"score"` // best follow-up's score
	FollowUps []FollowUp `json:"follow_ups"`
}

// FollowUp is a passage of a later review that may answer a commitment.
type FollowUp struct {
	DocID     string   `json:"doc_id"`
	DocTitle  string   `json:"doc_title"`
	Date      string   `json:"date"`
	Paragraph int      `json:"paragraph"`
	Path      []string `json:"path"`
	Score     float64  `json:"score"`
	// Snippet is about snippetWidth characters of the paragraph around the
	// words it shares with the commitment, HTML-escaped, those words in
	// <mark>.
	Snippet string `json:"snippet"`
}

// snippetWidth is the length of follow-up snippets in characters.
const snippetWidth = 160

// Tracker finds commitments and their follow-ups in an index.
type Tracker struct {
	Index     search.Index
	Threshold float64 // 0 means DefaultThreshold
	Floor     float64 // 0 means DefaultFloor
	// FollowUps is how many follow-ups each commitment keeps (default 3).
	FollowUps int
}

// agencySuffixes are cut from agency names before comparing them.
var agencySuffixes = []string{"人民政府办公厅", "人民政府办公室", "人民政府", "政府办公厅", "政府办公室", "政府"}

// AgencyCore returns the part of an agency name that identifies it across
// documents: 上海市人民政府 → 上海市, 国务院 → 国务院.
func AgencyCore(a string) string {
	a = strings.TrimSpace(a)
	for _, s := range agencySuffixes {
		if strings.HasSuffix(a, s) && len(a) > len(s) {
			return strings.TrimSuffix(a, s)
		}
	}
	return a
}

// SameAgency reports whether two agency names name the same government:
// 上海市人民政府, 上海市 and 上海 do; 上海市 and 上海市浦东新区 do not.
func SameAgency(a, b string) bool {
	ca, cb := AgencyCore(a), AgencyCore(b)
	if ca == "" || cb == "" {
		return false
	}
	if ca == cb {
		return true
	}
	// 上海 / 上海市, 西藏 / 西藏自治区: one is the other plus an
	// administrative suffix.
	short, long := ca, cb
	if len(short) > len(long) {
		short, long = long, short
	}
	rest := strings.TrimPrefix(long, short)
	return rest != long && (rest == "市" || rest == "省" || rest == "自治区" || strings.HasSuffix(rest, "自治区") && utf8.RuneCountInString(rest) <= 6)
}

// documents returns the stored documents the filters select.
func (t *Tracker) documents(ctx context.Context, f search.Filters) ([]*search.Document, error) {
	q := &search.Query{Filters: f}
	res, err := t.Index.Search(ctx, q, &search.Request{Page: 1, Size: search.MaxSize, Sort: search.SortDate, Mode: search.ModeDocuments})
	if err != nil {
		return nil, err
	}
	var out []*search.Document
	for _, h := range res.Hits {
		d, err := t.Index.Document(ctx, h.ID)
		if errors.Is(err, search.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// agencyFilter is what the index is asked for an agency: its core, which
// the agency field contains.
func agencyFilter(agency string) []string {
	c := AgencyCore(agency)
	c = strings.TrimSuffix(strings.TrimSuffix(c, "市"), "省")
	if c == "" {
		c = agency
	}
	return []string{c}
}

// docAgency is a document's agency, or what its title names.
func docAgency(d *search.Document) string {
	if d.Agency != "" {
		return d.Agency
	}
	return d.Title
}

// Report is what Tracker.Report returns: the commitments of an agency for
// a year, the documents they come from and the documents that review the
// year.
type Report struct {
	Agency      string         `json:"agency"`
	Year        int            `json:"year"`
	Plans       []DocRef       `json:"plans"`   // documents whose plan sections are about the year
	Reviews     []DocRef       `json:"reviews"` // documents whose review sections are about the year
	Counts      map[string]int `json:"counts"`  // commitments per status
	Commitments []Commitment   `json:"commitments"`
}

// DocRef names a document.
type DocRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date,omitempty"`
}

// Keep drops the commitments whose status is not status; "" keeps all.
// Counts still count every commitment.
func (r *Report) Keep(status string) {
	if status == "" {
		return
	}
	kept := []Commitment{}
	for _, c := range r.Commitments {
		if c.Status == status {
			kept = append(kept, c)
		}
	}
	r.Commitments = kept
}

// Years lists the years agency's plans are about, newest first.
func (t *Tracker) Years(ctx context.Context, agency string) ([]int, error) {
	docs, err := t.documents(ctx, search.Filters{Agency: agencyFilter(agency), Role: []string{search.RolePlan}})
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	var years []int
	for _, d := range docs {
		if !SameAgency(docAgency(d), agency) {
			continue
		}
		for _, s := range d.Sections {
			if s.Role == search.RolePlan && s.Year > 0 && !seen[s.Year] {
				seen[s.Year] = true
				years = append(years, s.Year)
			}
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	return years, nil
}

// Commitments lists the commitments of agency's plans for year, each with
// its best follow-ups from the agency's reviews of that year.
func (t *Tracker) Commitments(ctx context.Context, agency string, year int) ([]Commitment, error) {
	r, err := t.Report(ctx, agency, year)
	if err != nil {
		return nil, err
	}
	return r.Commitments, nil
}

// Report finds the commitments of agency's plans for year and their
// follow-ups.
func (t *Tracker) Report(ctx context.Context, agency string, year int) (*Report, error) {
	agency = strings.TrimSpace(agency)
	if agency == "" || year <= 0 {
		return nil, fmt.Errorf("commitments need an agency and a year")
	}
	r := &Report{Agency: agency, Year: year, Plans: []DocRef{}, Reviews: []DocRef{}, Counts: map[string]int{}, Commitments: []Commitment{}}
	plans, err := t.documents(ctx, search.Filters{Agency: agencyFilter(agency), PlanYear: []int{year}})
	if err != nil {
		return nil, err
	}
	for _, d := range plans {
		if !SameAgency(docAgency(d), agency) {
			continue
		}
		r.Plans = append(r.Plans, DocRef{d.ID, d.Title, d.Date})
		r.Commitments = append(r.Commitments, Extract(d, year)...)
	}
	reviews, docs, err := t.reviews(ctx, agency, year)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		r.Reviews = append(r.Reviews, DocRef{d.ID, d.Title, d.Date})
	}
	m := newMatcher(reviews)
	for i := range r.Commitments {
		t.attach(&r.Commitments[i], m)
		if len(reviews) == 0 {
			r.Commitments[i].Status = NoReview
		}
		r.Counts[r.Commitments[i].Status]++
	}
	return r, nil
}

// reviews are the passages of agency's review sections about year, and
// the documents they come from.
func (t *Tracker) reviews(ctx context.Context, agency string, year int) ([]passage, []*search.Document, error) {
	docs, err := t.documents(ctx, search.Filters{Agency: agencyFilter(agency), ReviewYear: []int{year}})
	if err != nil {
		return nil, nil, err
	}
	var out []passage
	var used []*search.Document
	for _, d := range docs {
		if !SameAgency(docAgency(d), agency) {
			continue
		}
		used = append(used, d)
		for _, s := range d.Sections {
			if s.Role != search.RoleReview || s.Year != year {
				continue
			}
			for n := s.First; n <= s.Last; n++ {
				p := d.Paragraphs[n-1]
				if p.Heading && utf8.RuneCountInString(p.Text) < 40 {
					continue
				}
				out = append(out, passage{doc: d, n: n, path: s.Path, text: p.Text})
			}
		}
	}
	return out, used, nil
}

func (t *Tracker) attach(c *Commitment, m *matcher) {
	k := t.FollowUps
	if k <= 0 {
		k = 3
	}
	threshold, floor := t.Threshold, t.Floor
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	if floor <= 0 {
		floor = DefaultFloor
	}
	c.FollowUps = m.best(c, k)
	if c.FollowUps == nil {
		c.FollowUps = []FollowUp{}
	}
	if len(c.FollowUps) > 0 {
		c.Score = c.FollowUps[0].Score
	}
	c.Status = Status(c.Score, threshold, floor)
}

// Status names the status of a commitment whose best follow-up scored
// score.
func Status(score, threshold, floor float64) string {
	switch {
	case score >= threshold:
		return Answered
	case score >= floor:
		return Unclear
	default:
		return Unanswered
	}
}

// intentRe finds the verbs of a commitment.
var intentRe = regexp.MustCompile(`推进|加快|实施|确保|力争|推动|加强|完善|深化|开展|落实|持续|着力|扩大|提升|健全|促进|强化|做好|建设|打造|支持|提高|实现|新增|培育|优化|降低|稳定|保障|抓好|坚持|发展|启动|出台|建立|改造|整治|增加|突破|创建|争取|统筹|巩固|严格|用好|拓展|构建|加大|引导|鼓励|规范|保持|防范|化解|维护|严控|推广|办好|抓实|筑牢|守住|兜牢|激发|发挥|聚焦|开工|建成|完成|减少|控制|全力|坚决|研究|制定|修订|探索|设立|组建|举办|开通|免费|应对|调整`)

var (
	enumRe     = regexp.MustCompile(`[一二三四五六七八九十]+是`)
	sentenceRe = regexp.MustCompile(`[^。；！？]+[。；！？]?`)
	// leadRe is what may come before a commitment's verb: an enumerator
	// and a subject (我们要, 各级政府要, 中央财政).
	leadRe = regexp.MustCompile(`^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])?`)
	// mustRe opens sentences that say what must be done: 要…, 我们要…
	mustRe = regexp.MustCompile(`^(?:要|我们要|还要|同时要|必须|务必)`)
	// contextRe opens sentences of plan sections that set the scene
	// rather than commit to anything.
	contextRe = regexp.MustCompile(`^(?:今年是|明年是|过去|回顾|综合分析|综合研判|当前|我国具有|我省具有|我市具有|只要|这是|这些|总的看|同时也要看到|必须看到|尽管|虽然|经过)`)
)

// verbWindow is how far into an item (in characters, after its
// enumerator) its first verb of intent must come: commitments start with
// what will be done (加快建设…, 中央财政加大…), descriptions of the year
// reach their verb late or never.
const verbWindow = 20

// isCommitment reports whether an item of a plan section reads as a
// commitment.
func isCommitment(item string) bool {
	rn := utf8.RuneCountInString(item)
	if rn < 10 || rn > 200 {
		return false
	}
	body := strings.TrimLeft(item[len(leadRe.FindString(item)):], "，、 ")
	if contextRe.MatchString(body) {
		return false
	}
	if mustRe.MatchString(body) {
		return true
	}
	loc := intentRe.FindStringIndex(body)
	return loc != nil && utf8.RuneCountInString(body[:loc[0]]) <= verbWindow
}

// Extract splits the plan sections of d about year into commitments: an
// enumeration 一是…二是… into its items, other text into sentences, keeping
// those that open with a verb of intent (推进, 加快, 实施, 确保, 力争 …).
func Extract(d *search.Document, year int) []Commitment {
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
				if !isCommitment(it) {
					continue
				}
				// The item's place among all the paragraph's items, so
				// that IDs stay put when the rules above change.
				out = append(out, Commitment{
					ID:   fmt.Sprintf("%s/p%d/%d", d.ID, n, i+1),
					Text: it, Agency: d.Agency, Year: year, DocID: d.ID, DocTitle: d.Title,
					Paragraph: n, SectionID: s.ID, Path: s.Path,
				})
			}
		}
	}
	return out
}

// passage is a review paragraph that may answer commitments.
type passage struct {
	doc   *search.Document
	n     int
	path  []string
	text  string
	words map[string]bool
	grams map[string]bool
}

// matcher scores commitments against review passages by weighted overlap:
// the share of a commitment's content words (weighted by their rarity
// among the passages) that a passage contains, blended with the share of
// its character bigrams.
type matcher struct {
	passages []passage
	idf      map[string]float64
	n        float64
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
		全省 全市 全国 我省 我市 各类 一批 一体 统筹 高水平 现代化 体制 制度 改革 创新`) {
		boilerplate[w] = true
	}
}

func wordsOf(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range analyzer.ContentWords(text) {
		if utf8.RuneCountInString(w) >= 2 && !boilerplate[w] {
			out[w] = true
		}
	}
	return out
}

func gramsOf(text string) map[string]bool {
	out := map[string]bool{}
	for _, t := range analyzer.Grams(text) {
		if t.Kind == analyzer.Bigram {
			out[t.Term] = true
		}
	}
	return out
}

func newMatcher(ps []passage) *matcher {
	m := &matcher{passages: ps, idf: map[string]float64{}, n: float64(len(ps))}
	df := map[string]int{}
	for i := range ps {
		ps[i].words = wordsOf(ps[i].text)
		ps[i].grams = gramsOf(ps[i].text)
		for w := range ps[i].words {
			df[w]++
		}
	}
	for w, c := range df {
		m.idf[w] = math.Log(1 + m.n/float64(c))
	}
	return m
}

func (m *matcher) weight(w string) float64 {
	if v, ok := m.idf[w]; ok {
		return v
	}
	return math.Log(1 + m.n) // a word no passage has: as rare as can be
}

// score is the follow-up score of a passage for a commitment, in [0, 1].
func (m *matcher) score(cw, cg map[string]bool, p *passage) float64 {
	return m.overlap(cw, cg, p.words, p.grams)
}

// overlap is the share of a commitment's words, weighted by rarity, and
// of its bigrams that a text's words and bigrams take up.
func (m *matcher) overlap(cw, cg map[string]bool, pw, pg map[string]bool) float64 {
	var have, all float64
	for w := range cw {
		x := m.weight(w)
		all += x
		if pw[w] {
			have += x
		}
	}
	words := 0.0
	if all > 0 {
		words = have / all
	}
	g := 0
	for b := range cg {
		if pg[b] {
			g++
		}
	}
	grams := 0.0
	if len(cg) > 0 {
		grams = float64(g) / float64(len(cg))
	}
	return 0.7*words + 0.3*grams
}

func (m *matcher) best(c *Commitment, k int) []FollowUp {
	cw, cg := wordsOf(c.Text), gramsOf(c.Text)
	type scored struct {
		p *passage
		s float64
	}
	var all []scored
	for i := range m.passages {
		p := &m.passages[i]
		if p.doc.ID == c.DocID {
			continue
		}
		all = append(all, scored{p, m.score(cw, cg, p)})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].s > all[j].s })
	var out []FollowUp
	for _, sc := range all {
		if len(out) == k {
			break
		}
		out = append(out, FollowUp{
			DocID: sc.p.doc.ID, DocTitle: sc.p.doc.Title, Date: sc.p.doc.Date, Paragraph: sc.p.n, Path: sc.p.path,
			Score:   math.Round(sc.s*1000) / 1000,
			Snippet: search.Snippet(sc.p.text, sharedSpans(sc.p.text, cw), snippetWidth),
		})
	}
	return out
}

// sharedSpans marks the words of text that the commitment has.
func sharedSpans(text string, words map[string]bool) []search.Span {
	var spans []search.Span
	for _, t := range analyzer.Words(text) {
		if words[t.Term] {
			spans = append(spans, search.Span{Start: t.Start, End: t.End})
		}
	}
	return spans
}
