package commitments

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Label sets in the format of testdata/commitments/heldout.tsv: one row
// per commitment (kind c), non-commitment (x), item joining several
// actions (j) and each of its actions (a).
const (
	heldoutLabels = "../../testdata/commitments/heldout.tsv"
	tuningLabels  = "../../testdata/commitments/tuning.tsv"
)

// unit is one labelled commitment as a reader would count it: a whole
// item (kind c) or one action of an item that joins several (kind a).
type unit struct {
	id    string // the item's id as first extracted
	kind  string // "c" or "a"
	doc   string // follow-up document, "" when the review does not report on it
	paras []int
	text  string
}

// labelSet is a parsed label file.
type labelSet struct {
	units          []unit
	notCommitments []string // ids of items that must not be extracted
	joined         int      // items labelled as joining several actions
	items          int      // labelled items of every kind
}

func readLabelSet(t *testing.T, file string) labelSet {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ls labelSet
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("%s: want 5 columns: %q", file, line)
		}
		id, kind, doc, paras, text := cols[0], cols[1], cols[2], cols[3], cols[4]
		switch kind {
		case "x":
			ls.items++
			ls.notCommitments = append(ls.notCommitments, id)
			continue
		case "j":
			ls.items++
			ls.joined++
			continue
		case "c":
			ls.items++
		case "a":
		default:
			t.Fatalf("%s: unknown kind %q", file, kind)
		}
		u := unit{id: id, kind: kind, text: text}
		if doc != "-" {
			u.doc = doc
			for _, p := range strings.Split(paras, ",") {
				var n int
				if _, err := fmt.Sscan(p, &n); err != nil {
					t.Fatalf("%s: bad paragraph in %q", file, line)
				}
				u.paras = append(u.paras, n)
			}
		}
		ls.units = append(ls.units, u)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ls
}

// statusFigures are the measures issue 12 sets targets for.
type statusFigures struct {
	units, positive, lost                   int
	answered, answeredRight                 int // 有回应, and with a labelled paragraph first
	unanswered, unansweredRight             int // 未见回应, and indeed not reported on
	unclear                                 int // 待核对
	top1                                    int // reported-on units with a labelled paragraph first
	items, joined, split                    int // labelled items; joining several actions; extracted as several
	notCommitments, notCommitmentsExtracted int
}

func (s statusFigures) String() string {
	found := s.units - s.lost
	return fmt.Sprintf("%d commitments (%d items, %d joining several actions, %d of those split), %d reported on, %d no longer extracted; "+
		"有回应 %d (right %d = %.2f), 未见回应 %d (right %d = %.2f), 待核对 %d = %.0f%%; best follow-up right for %d/%d reported on; "+
		"non-commitments extracted %d/%d",
		s.units, s.items, s.joined, s.split, s.positive, s.lost,
		s.answered, s.answeredRight, ratio(s.answeredRight, s.answered),
		s.unanswered, s.unansweredRight, ratio(s.unansweredRight, s.unanswered),
		s.unclear, 100*ratio(s.unclear, found), s.top1, s.positive, s.notCommitmentsExtracted, s.notCommitments)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// itemOf reports whether a commitment id belongs to the labelled item id:
// the item itself or one of the actions it was split into (id.2, id.3 …).
func itemOf(commitmentID, id string) bool {
	return commitmentID == id || strings.HasPrefix(commitmentID, id+".")
}

// measureLabelSet runs the tracker over the plans of the labelled items
// and scores its statuses against the labels.
func measureLabelSet(t *testing.T, tr *Tracker, ls labelSet) statusFigures {
	t.Helper()
	ctx := context.Background()
	var all []Commitment
	done := map[string]bool{}
	ids := slices.Clone(ls.notCommitments)
	for _, u := range ls.units {
		ids = append(ids, u.id)
	}
	for _, id := range ids {
		agency, year := planOf(t, tr.Index, id)
		key := fmt.Sprint(agency, year)
		if done[key] {
			continue
		}
		done[key] = true
		cs, err := tr.Commitments(ctx, agency, year)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, cs...)
	}
	parts := func(id string) []Commitment {
		var out []Commitment
		for _, c := range all {
			if itemOf(c.ID, id) {
				out = append(out, c)
			}
		}
		return out
	}

	s := statusFigures{items: ls.items, joined: ls.joined, notCommitments: len(ls.notCommitments)}
	splitSeen := map[string]bool{}
	for _, u := range ls.units {
		s.units++
		positive := u.doc != ""
		if positive {
			s.positive++
		}
		ps := parts(u.id)
		if u.kind == "a" && len(ps) > 1 && !splitSeen[u.id] {
			splitSeen[u.id] = true
			s.split++
		}
		var c *Commitment
		if u.kind == "c" && len(ps) > 0 {
			c = &ps[0]
		} else {
			// The part that holds the action: its opening words.
			key := u.text
			if utf8.RuneCountInString(key) > 8 {
				key = string([]rune(key)[:8])
			}
			for i := range ps {
				if strings.Contains(ps[i].Text, key) {
					c = &ps[i]
					break
				}
			}
		}
		if c == nil {
			s.lost++
			t.Logf("lost: %s %s", u.id, u.text)
			continue
		}
		first := len(c.FollowUps) > 0 && c.FollowUps[0].DocID == u.doc && slices.Contains(u.paras, c.FollowUps[0].Paragraph)
		if positive && first {
			s.top1++
		}
		switch c.Status {
		case Answered:
			s.answered++
			if positive && first {
				s.answeredRight++
			}
		case Unanswered:
			s.unanswered++
			if !positive {
				s.unansweredRight++
			}
		default:
			s.unclear++
		}
		if testing.Verbose() {
			var fs []string
			for _, f := range c.FollowUps {
				fs = append(fs, fmt.Sprintf("¶%d:%.2f", f.Paragraph, f.Score))
			}
			verdict := "ok"
			switch {
			case c.Status == Answered && !(positive && first), c.Status == Unanswered && positive:
				verdict = "WRONG"
			case c.Status == Unclear:
				verdict = "unclear"
			}
			want := "-"
			if positive {
				want = fmt.Sprint(u.paras)
			}
			t.Logf("%-7s %s/%s %s want %s got %v %s | %s", verdict, c.Status, c.rule, c.ID, want, fs, fmt.Sprintf("%s (covered %.2f, terms %v, shared %v, missing %v, closer to %q)", c.Reason, c.Evidence.Covered, c.Evidence.Terms, c.Evidence.Shared, c.Evidence.Missing, c.Evidence.CloserTo), c.Text)
		}
	}
	for _, id := range ls.notCommitments {
		if ps := parts(id); len(ps) > 0 {
			s.notCommitmentsExtracted++
			t.Logf("not a commitment, extracted: %s %s", ps[0].ID, ps[0].Text)
		}
	}
	return s
}

// TestHeldOutStatuses measures the statuses on the held-out labels
// (testdata/commitments/heldout.tsv), which no rule was written from.
// Issue 12's targets (at most 40% 待核对, 有回应 right at least 90% of the
// time, 未见回应 at least 80%) are NOT met there (42%, 80%, 70%; see
// docs/quality.md): the test logs them against the targets and fails when
// the figures fall below what was measured, so they can only get better.
func TestHeldOutStatuses(t *testing.T) {
	idx := labelIndex(t)
	ls := readLabelSet(t, heldoutLabels)
	if ls.items < 60 {
		t.Fatalf("only %d held-out items", ls.items)
	}
	s := measureLabelSet(t, &Tracker{Index: idx}, ls)
	found := s.units - s.lost
	t.Logf("held out: %s", s)
	t.Logf("issue 12 targets: 待核对 %.0f%% (≤ 40%%), 有回应 right %.2f (≥ 0.9), 未见回应 right %.2f (≥ 0.8)",
		100*float64(s.unclear)/float64(max(found, 1)), float64(s.answeredRight)/float64(max(s.answered, 1)),
		float64(s.unansweredRight)/float64(max(s.unanswered, 1)))
	if s.unclear*100 > found*43 {
		t.Errorf("待核对 for %d of %d commitments; measured 42%%, want at most 43%%", s.unclear, found)
	}
	if s.answered < 10 || s.answeredRight*100 < s.answered*78 {
		t.Errorf("有回应 for %d commitments, right for %d; measured 0.80, want at least 0.78", s.answered, s.answeredRight)
	}
	if s.unanswered < 10 || s.unansweredRight*100 < s.unanswered*68 {
		t.Errorf("未见回应 for %d commitments, right for %d; measured 0.70, want at least 0.68", s.unanswered, s.unansweredRight)
	}
}

// TestTuningStatuses measures the statuses on the tuning labels; the same
// targets hold there.
func TestTuningStatuses(t *testing.T) {
	idx := labelIndex(t)
	s := measureLabelSet(t, &Tracker{Index: idx}, readLabelSet(t, tuningLabels))
	t.Logf("tuning: %s", s)
	checkTargets(t, s)
}

func checkTargets(t *testing.T, s statusFigures) {
	t.Helper()
	found := s.units - s.lost
	if s.lost*20 > s.units {
		t.Errorf("%d of %d labelled commitments are no longer extracted; want at most 5%%", s.lost, s.units)
	}
	if s.unclear*10 > found*4 {
		t.Errorf("待核对 for %d of %d commitments; want at most 40%%", s.unclear, found)
	}
	if s.answered < 10 || s.answeredRight*10 < s.answered*9 {
		t.Errorf("有回应 for %d commitments, right for %d; want at least 10 and 90%%", s.answered, s.answeredRight)
	}
	if s.unanswered < 10 || s.unansweredRight*10 < s.unanswered*8 {
		t.Errorf("未见回应 for %d commitments, right for %d; want at least 10 and 80%%", s.unanswered, s.unansweredRight)
	}
	if s.notCommitmentsExtracted*5 > s.notCommitments {
		t.Errorf("%d of %d labelled non-commitments are extracted; want at most 20%%", s.notCommitmentsExtracted, s.notCommitments)
	}
}
