package commitments

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// The rules that turn the evidence into a status. They were set on the
// labels of testdata/commitments/labels.tsv and tuning.tsv, never on
// heldout.tsv (docs/quality.md gives the figures on all three).
const (
	// answerAll: the best sentence names this share of the commitment's
	// terms (by weight), and enough of them (see specific).
	answerAll = 0.8
	// answerOwn: the best sentence names this share, enough of them, and
	// no other commitment of the plan more.
	answerOwn = 0.25
	// unansweredAbsent: no review sentence names this share of the terms.
	unansweredAbsent = 0.9
	// sparseCovered and sparseAbsent: the best sentence names at most
	// sparseCovered of the terms and no sentence names sparseAbsent.
	sparseCovered = 0.1
	sparseAbsent  = 0.8
	// otherCovered and otherRatio: the best sentence names less than
	// otherCovered of the terms and is about another commitment, which it
	// names more than 1/otherRatio times as much.
	otherCovered = 0.5
	otherRatio   = 0.3
)

// judge fills in commitment ci's follow-ups, evidence, status and reason.
func (m *matcher) judge(ci int, c *Commitment, k int, all []Commitment) {
	fs, ev := m.best(ci, c, k)
	if fs == nil {
		fs = []FollowUp{}
	}
	c.FollowUps = fs
	c.Score = 0
	if len(fs) > 0 {
		c.Score = fs[0].Score
	}
	terms := append([]string(nil), m.terms[ci]...)
	m.sortByWeight(terms)
	c.Evidence = Evidence{Source: "words", Terms: terms, Shared: nonNil(ev.shared), Missing: nonNil(ev.missing),
		Covered: math.Round(ev.covered*1000) / 1000, Sentence: strings.TrimSpace(ev.sentence)}
	if ev.other >= 0 && ev.other < len(all) {
		c.Evidence.CloserTo = all[ev.other].ID
	}
	c.Status, c.rule = decideRule(ev)
	c.Reason = reason(c, ev, all)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// decideRule turns evidence into a status and names the rule that decided.
func decideRule(ev evidence) (string, string) {
	switch {
	case ev.total > 0 && len(ev.shared) > 0 && specific(ev) &&
		(ev.covered >= answerAll || ev.own && ev.covered >= answerOwn):
		return Answered, "named"
	case ev.total == 0 || len(ev.shared) == 0:
		return Unanswered, "none"
	case ev.absent >= unansweredAbsent:
		return Unanswered, "absent"
	case ev.covered <= sparseCovered && ev.absent >= sparseAbsent:
		return Unanswered, "sparse"
	case !ev.own && ev.covered < otherCovered && ev.ratio < otherRatio:
		return Unanswered, "other"
	}
	return Unclear, "mixed"
}

// specific reports whether what the best sentence shares with a
// commitment is enough to say it reports on it: two terms, or a whole
// phrase of three or more characters (一批海外仓 → 海外仓); one
// two-character word such as 产业 or 激励 is not.
func specific(ev evidence) bool {
	if len(ev.shared) >= 2 {
		return true
	}
	for _, p := range ev.named {
		if utf8.RuneCountInString(p) >= 3 {
			return true
		}
	}
	return false
}

// reason says why a commitment has its status, for readers.
func reason(c *Commitment, ev evidence, all []Commitment) string {
	quote := func(ws []string) string {
		if len(ws) > 4 {
			ws = ws[:4]
		}
		return "“" + strings.Join(ws, "”“") + "”"
	}
	where := ""
	if len(c.FollowUps) > 0 {
		where = fmt.Sprintf("第%d段", c.FollowUps[0].Paragraph)
	}
	switch c.Status {
	case Answered:
		return fmt.Sprintf("回顾%s有一句写到%s", where, quote(ev.shared))
	case Unanswered:
		switch c.rule {
		case "none", "absent", "sparse":
			if len(ev.missing) > 0 {
				return "回顾中没有写到" + quote(ev.missing)
			}
			return "回顾中没有与之相近的句子"
		case "other":
			return fmt.Sprintf("最接近的一句（%s）写的是另一项部署：%s", where, shorten(all[ev.other].Text, 30))
		}
		return "回顾中没有与之相近的句子"
	}
	s := "最接近的一句（" + where + "）只写到" + quote(ev.shared)
	if len(ev.missing) > 0 {
		s += "，回顾中没有写到" + quote(ev.missing)
	}
	return s + "，请阅读判断"
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
