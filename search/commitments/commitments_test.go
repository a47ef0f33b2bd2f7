package commitments

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

const (
	sample = "../../cmd/gongkai/sample/sample.jsonl"
	labels = "../../testdata/commitments/labels.tsv"
)

// label is one hand-labelled commitment: the paragraphs of the next
// year's review that answer it, or none.
type label struct {
	id            string
	doc           string
	paras         []int
	text          string
	notCommitment bool // the sentence must not be extracted at all
}

func readLabels(t *testing.T) []label {
	t.Helper()
	f, err := os.Open(labels)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("labels: want 4 columns: %q", line)
		}
		l := label{id: cols[0], text: cols[3]}
		if cols[1] == "x" {
			l.notCommitment = true
		} else if cols[1] != "-" {
			l.doc = cols[1]
			for _, p := range strings.Split(cols[2], ",") {
				n, err := strconv.Atoi(p)
				if err != nil {
					t.Fatalf("labels: bad paragraph in %q", line)
				}
				l.paras = append(l.paras, n)
			}
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// reportIndex indexes the sample documents of the governments whose
// reports are labelled: their work reports and the other notices they
// issued, which must not be mistaken for reviews.
func reportIndex(t *testing.T) *bleve.Index {
	t.Helper()
	raw, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	agencies := map[string]bool{}
	lines := bytes.Split(raw, []byte("\n"))
	type rec struct{ ID, Agency string }
	for _, l := range lines {
		var r rec
		if json.Unmarshal(l, &r) == nil && strings.HasPrefix(r.ID, "gwr") {
			agencies[r.Agency] = true
		}
	}
	var keep bytes.Buffer
	for _, l := range lines {
		var r rec
		if json.Unmarshal(l, &r) == nil && agencies[r.Agency] {
			keep.Write(l)
			keep.WriteByte('\n')
		}
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "reports.jsonl")
	if err := os.WriteFile(file, keep.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	sum, err := indexer.Run(context.Background(), idx, []string{file}, indexer.Options{})
	if err != nil || sum.Failed > 0 {
		t.Fatalf("indexing: %v %+v", err, sum)
	}
	return idx
}

// agencyYear is the government and plan year a commitment ID's document
// is about, from the sample's naming: gwrn-2024 is the State Council's
// report of 2024 (plan for 2024), gwrp2025-<x> a provincial one.
func planOf(t *testing.T, idx search.Index, id string) (string, int) {
	t.Helper()
	docID := id[:strings.Index(id, "/")]
	d, err := idx.Document(context.Background(), docID)
	if err != nil {
		t.Fatalf("labelled document %s: %v", docID, err)
	}
	for _, s := range d.Sections {
		if s.Role == search.RolePlan && s.Year > 0 {
			return d.Agency, s.Year
		}
	}
	t.Fatalf("%s has no plan section", docID)
	return "", 0
}

// TestFollowUpsAgainstLabels measures the tracker on the hand-labelled
// commitments: how often the best follow-up is a labelled paragraph, and
// how well the 有回应 status separates answered commitments from the rest.
func TestFollowUpsAgainstLabels(t *testing.T) {
	idx := reportIndex(t)
	ctx := context.Background()
	tr := &Tracker{Index: idx, FollowUps: 3}
	ls := readLabels(t)
	if len(ls) < 60 {
		t.Fatalf("only %d labels", len(ls))
	}

	found := map[string]Commitment{}
	done := map[string]bool{}
	for _, l := range ls {
		agency, year := planOf(t, idx, l.id)
		key := fmt.Sprint(agency, year)
		if done[key] {
			continue
		}
		done[key] = true
		cs, err := tr.Commitments(ctx, agency, year)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			found[c.ID] = c
		}
	}

	type outcome struct {
		national bool // a State Council report; else provincial
		positive bool // the next review reports on it
		status   string
		top1     bool
		top3     bool
	}
	var outs []outcome
	rejected := 0
	for _, l := range ls {
		if l.notCommitment {
			prefix := strings.TrimSuffix(l.id, "*")
			start, _, _ := strings.Cut(l.text, "……")
			for id, c := range found {
				if strings.HasPrefix(id, prefix) && strings.HasPrefix(c.Text, start) {
					t.Errorf("%s is extracted as a commitment: %s", id, c.Text)
				}
			}
			rejected++
			continue
		}
		c, ok := found[l.id]
		if !ok {
			t.Errorf("labelled commitment %s (%s) is no longer extracted", l.id, l.text)
			continue
		}
		o := outcome{national: strings.HasPrefix(l.id, "gwrn"), positive: l.doc != "", status: c.Status}
		for i, f := range c.FollowUps {
			if f.DocID == l.doc && slices.Contains(l.paras, f.Paragraph) {
				o.top3 = true
				if i == 0 {
					o.top1 = true
				}
			}
		}
		outs = append(outs, o)
		if testing.Verbose() {
			var fs []string
			for _, f := range c.FollowUps {
				fs = append(fs, fmt.Sprintf("%s¶%d:%.3f", f.DocID, f.Paragraph, f.Score))
			}
			t.Logf("%v top1=%v top3=%v %s %v %.40s", o.positive, o.top1, o.top3, l.id, fs, c.Text)
		}
	}

	type tally struct {
		n, pos, top1, top3                   int
		answered, answeredRight              int // 有回应, and with the best follow-up right
		unanswered, unansweredRight, unclear int // 未见回应, and indeed not reported on; 待核对
	}
	count := func(keep func(outcome) bool) (s tally) {
		for _, o := range outs {
			if !keep(o) {
				continue
			}
			s.n++
			if o.positive {
				s.pos++
				if o.top1 {
					s.top1++
				}
				if o.top3 {
					s.top3++
				}
			}
			switch o.status {
			case Answered:
				s.answered++
				if o.positive && o.top1 {
					s.answeredRight++
				}
			case Unanswered:
				s.unanswered++
				if !o.positive {
					s.unansweredRight++
				}
			default:
				s.unclear++
			}
		}
		return s
	}
	report := func(name string, s tally) {
		t.Logf("%s: %d commitments, %d reported on; best follow-up right %d/%d, among best three %d/%d; "+
			"有回应 %d (best follow-up right %d), 未见回应 %d (indeed not reported %d), 待核对 %d",
			name, s.n, s.pos, s.top1, s.pos, s.top3, s.pos, s.answered, s.answeredRight, s.unanswered, s.unansweredRight, s.unclear)
	}
	all := count(func(outcome) bool { return true })
	report("all", all)
	// As a yes/no at each boundary: a commitment counts as found when its
	// best follow-up reaches the score and is a labelled paragraph.
	above := all.n - all.unanswered
	aboveRight := all.top1
	for _, o := range outs {
		if o.positive && o.top1 && o.status == Unanswered {
			aboveRight--
		}
	}
	t.Logf("yes/no at the threshold %.2f: precision %.2f, recall %.2f; at the floor %.2f: precision %.2f, recall %.2f; top-1 accuracy %.2f",
		DefaultThreshold, float64(all.answeredRight)/float64(all.answered), float64(all.answeredRight)/float64(all.pos),
		DefaultFloor, float64(aboveRight)/float64(above), float64(aboveRight)/float64(all.pos), float64(all.top1)/float64(all.pos))
	report("national", count(func(o outcome) bool { return o.national }))
	report("provincial", count(func(o outcome) bool { return !o.national }))

	if all.top3*4 < all.pos*3 {
		t.Errorf("a labelled paragraph is among the best three follow-ups for %d of %d reported-on commitments; want at least 75%%", all.top3, all.pos)
	}
	if all.answered < 5 || all.answeredRight*5 < all.answered*4 {
		t.Errorf("有回应 for %d commitments, with the right follow-up first for %d; want at least 5 and 80%%", all.answered, all.answeredRight)
	}
	if all.unanswered < 5 || all.unansweredRight*10 < all.unanswered*7 {
		t.Errorf("未见回应 for %d commitments, %d of them indeed not reported on; want at least 5 and 70%%", all.unanswered, all.unansweredRight)
	}
}

func TestSameAgency(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"上海市人民政府", "上海市", true},
		{"上海市人民政府", "上海", true},
		{"上海市", "上海市浦东新区", false},
		{"国务院", "国务院办公厅", false},
		{"西藏自治区人民政府", "西藏", true},
		{"广西壮族自治区人民政府", "广西", true},
		{"北京市人民政府", "北京市人民政府办公厅", true},
		{"", "北京市", false},
	} {
		if got := SameAgency(c.a, c.b); got != c.want {
			t.Errorf("SameAgency(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestExtractSplitsEnumerations(t *testing.T) {
	d := &search.Document{
		ID: "x", Agency: "某市人民政府",
		Paragraphs: []search.Paragraph{
			{Text: "二、2025年主要任务", Heading: true},
			{Text: "重点抓好以下工作：一是加快建设城市轨道交通，新开通地铁线路2条。二是推进老旧小区改造，完成改造300个。三是。"},
			{Text: "过去一年成绩来之不易。要稳步推进农村改革发展，巩固拓展脱贫攻坚成果。"},
		},
		Sections: []search.Section{{ID: "s1", Role: search.RolePlan, Year: 2025, First: 1, Last: 3, Path: []string{"二、2025年主要任务"}}},
	}
	var got []string
	for _, c := range Extract(d, 2025) {
		got = append(got, c.ID+" "+c.Text)
	}
	want := []string{
		"x/p2/1 一是加快建设城市轨道交通，新开通地铁线路2条。",
		"x/p2/2 二是推进老旧小区改造，完成改造300个。",
		"x/p3/2 要稳步推进农村改革发展，巩固拓展脱贫攻坚成果。",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Extract:\n got %q\nwant %q", got, want)
	}
	if cs := Extract(d, 2024); len(cs) != 0 {
		t.Errorf("Extract for a year the plan is not about: %v", cs)
	}
}

func TestStatus(t *testing.T) {
	for _, c := range []struct {
		score float64
		want  string
	}{{0.9, Answered}, {DefaultThreshold, Answered}, {0.3, Unclear}, {DefaultFloor, Unclear}, {0.05, Unanswered}, {0, Unanswered}} {
		if got := Status(c.score, DefaultThreshold, DefaultFloor); got != c.want {
			t.Errorf("Status(%v) = %s, want %s", c.score, got, c.want)
		}
	}
}
