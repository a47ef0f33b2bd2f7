package indexer

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// Keywords of section headings by role. A heading takes the role whose
// keyword appears first in it ("2025年工作回顾和“十五五”目标" is a review).
var roleKeywords = []struct {
	role  string
	words []string
}{
	{search.RoleReview, []string{"工作回顾", "回顾", "主要举措和成效", "成效", "工作总结", "发展成就", "主要成绩", "取得的成绩", "过去一年", "过去五年", "一年来", "工作进展", "完成情况", "主要做法", "主要工作情况", "成就", "执行情况", "执行结果"}},
	{search.RoleProblem, []string{"存在的问题", "存在问题", "主要问题", "不足", "差距", "短板", "困难和挑战", "问题和原因", "问题及原因"}},
	{search.RolePlan, []string{"打算", "工作思路", "工作安排", "工作任务", "重点工作", "重点任务", "主要任务", "目标任务", "重大任务", "总体要求", "工作部署", "总体部署", "基本任务", "主要考虑", "政府工作的建议", "工作建议", "下一步", "今后", "工作计划", "战略举措", "主要目标", "政策取向", "展望", "工作要点", "五年计划"}},
}

// Cues in running text that open a part of a report without a heading
// (some reports number only their subsections).
var (
	// reviewCueWords and planCueWords are words every match of
	// reviewCueRe and planCueRe holds one of (mayCue): most paragraphs
	// hold none, and a look for them is much cheaper than the regexp.
	// The regexps are made from them, so the two cannot drift apart.
	reviewCueWords = []string{"过去一年", "一年来", "过去五年"}
	planCueTasks   = []string{"重点抓好", "重点做好", "做好以下", "主要任务", "工作安排", "预期目标", "抓好以下"}
	planCueWords   = slices.Concat(planCueTasks, []string{"下一步"})
	reviewCueRe    = regexp.MustCompile(`(` + strings.Join(reviewCueWords, "|") + `)[^。]{0,30}(主要做了|做了以下|主要工作|取得)`)
	planCueRe      = regexp.MustCompile(`((今年|明年|\d{4}年)[^。]{0,40}(` + strings.Join(planCueTasks, "|") + `))|(下一步(工作|打算))`)
	yearRe         = regexp.MustCompile(`(19|20)\d{2}`)
	// cnYearRe is a year in Chinese numerals: 一九五八年, 二〇二五年.
	cnYearRe = regexp.MustCompile(`[一二三四五六七八九〇零○]{4}年`)
	// 三、2011年的工作 / 三、关于2026年工作: the work of a year named alone.
	yearWorkRe = regexp.MustCompile(`((19|20)\d{2}年?|今年|明年)的?工作$`)
)

// headingRole returns the role a heading names, or "".
func headingRole(h string) string {
	h = analyzer.FoldString(h)
	if strings.HasSuffix(h, "的说明") {
		// 关于《…五年计划纲要（草案）》的说明 explains a draft.
		return search.RoleOther
	}
	best, at := "", -1
	for _, rk := range roleKeywords {
		for _, w := range rk.words {
			if i := strings.Index(h, w); i >= 0 && (at < 0 || i < at) {
				best, at = rk.role, i
			}
		}
	}
	if best == "" && yearWorkRe.MatchString(h) {
		best = search.RolePlan
	}
	return best
}

// roleYear resolves the year a part of a report is about: a year written
// in its heading (三、2023主要工作思路和打算 → 2023), else relative to the
// document's year — a plan is for that year (work reports are given early
// in the year they plan; annual reports on last year plan the current
// one), 明年 one later; a review or problem is about the year before.
// headingYear is the first year a heading names, in Arabic or Chinese
// numerals, or 0.
func headingYear(h string) int {
	if m := yearRe.FindString(h); m != "" {
		y, _ := strconv.Atoi(m)
		return y
	}
	if m := cnYearRe.FindString(h); m != "" {
		y := 0
		for _, r := range strings.TrimSuffix(m, "年") {
			y = y*10 + max(0, strings.IndexRune("〇一二三四五六七八九", r)/3) // 零, ○ are 0
		}
		return y
	}
	return 0
}

func roleYear(role, heading string, docYear int) int {
	if y := headingYear(heading); y > 0 {
		return y
	}
	if docYear == 0 {
		return 0
	}
	switch {
	case strings.Contains(heading, "明年"):
		return docYear + 1
	case strings.Contains(heading, "今年"):
		return docYear
	case strings.Contains(heading, "去年"):
		return docYear - 1
	}
	if role == search.RolePlan {
		return docYear
	}
	return docYear - 1
}

// AssignRoles gives every section of doc a role — review (回顾/成效),
// problem (问题), plan (打算/任务) or other — and the year that part is
// about. The outermost heading that names a role decides; a section
// without one inherits the role opened by the text before it (过去一年，
// 我们主要做了以下工作 / 今年重点抓好以下工作).
func AssignRoles(doc *search.Document) {
	docYear := doc.YearOf()
	current, currentYear := search.RoleOther, 0
	prevTop := ""
	// Cues in running text only count in reports; laws say 今后 too.
	report := strings.Contains(doc.Title, "报告") || strings.Contains(doc.DocType, "报告") || strings.Contains(doc.Category, "报告")
	// A work report reviews the past and then plans: after its review,
	// a part that names no role is part of the plan (二、保持国民经济发展的
	// 良好势头, 三、全面加强政府自身建设, the 民生实事 list).
	workReport := strings.Contains(doc.Title, "工作报告") || doc.DocType == "政府工作报告"
	seenReview, parts := false, 0
	// A heading is on the path of every section under it: its role is
	// worked out once.
	roles := map[string]string{}
	roleOf := func(h string) string {
		if r, ok := roles[h]; ok {
			return r
		}
		r := headingRole(h)
		if r == "" && workReport {
			// （一）一九五七年经济战线上的胜利 / （二）争取一九五八年…的新跃进
			if y := headingYear(analyzer.FoldString(h)); y > 0 && docYear > 0 {
				r = search.RolePlan
				if y < docYear {
					r = search.RoleReview
				}
			}
		}
		roles[h] = r
		return r
	}
	for i := range doc.Sections {
		s := &doc.Sections[i]
		role, year := "", 0
		// A new major division (一、二、…) ends the role opened before it,
		// unless it names its own; in a work report past its review (or
		// past its first part, in old reports that open with the tasks of
		// the period) it continues the plan.
		if len(s.Path) > 0 && s.Path[0] != prevTop {
			prevTop = s.Path[0]
			if cnRe.MatchString(s.Path[0]) || structRe.MatchString(s.Path[0]) {
				parts++
				current, currentYear = search.RoleOther, 0
				if workReport && (seenReview || parts > 1) {
					current, currentYear = search.RolePlan, docYear
				}
			}
		}
		for _, h := range s.Path {
			if r := roleOf(h); r != "" {
				role, year = r, roleYear(r, analyzer.FoldString(h), docYear)
				break
			}
		}
		if role == "" && len(s.Path) > 0 && !articleRe.MatchString(s.Path[len(s.Path)-1]) {
			role, year = current, currentYear
		}
		if role == "" {
			role = search.RoleOther
		}
		// A top-level role heading, or a cue in the text, sets the role of
		// what follows.
		if len(s.Path) > 0 {
			if r := roleOf(s.Path[0]); r != "" {
				current, currentYear = r, roleYear(r, analyzer.FoldString(s.Path[0]), docYear)
			}
		}
		for n := s.First; report && n <= s.Last; n++ {
			t := doc.Paragraphs[n-1].Text
			switch {
			case mayCue(t, reviewCueWords) && reviewCueRe.MatchString(t):
				current, currentYear = search.RoleReview, roleYear(search.RoleReview, "", docYear)
			case mayCue(t, planCueWords) && planCueRe.MatchString(t) && !doc.Paragraphs[n-1].Heading:
				current, currentYear = search.RolePlan, roleYear(search.RolePlan, planCueRe.FindString(t), docYear)
			}
		}
		if role == search.RoleReview || current == search.RoleReview {
			seenReview = true
		}
		s.Role, s.Year = role, year
		if role == search.RoleOther {
			s.Year = 0
		}
	}
}

// articleRe matches the heading of a law article.
var articleRe = regexp.MustCompile(`^第[` + cnDigits + `0-9]+条$`)

// mayCue reports whether t holds one of words.
func mayCue(t string, words []string) bool {
	for _, w := range words {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}
