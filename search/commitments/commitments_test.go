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
	"sync"
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

// shared is the index the label tests share, built once (indexing the
// reports takes seconds) and removed by TestMain.
var shared struct {
	once sync.Once
	dir  string
	idx  *bleve.Index
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.idx != nil {
		shared.idx.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// labelIndex is the index of the sample documents of the governments
// whose reports are labelled: their work reports and the other notices
// they issued, which must not be mistaken for reviews.
func labelIndex(t *testing.T) *bleve.Index {
	t.Helper()
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "commitments-test")
		if shared.err == nil {
			shared.idx, shared.err = reportIndex(shared.dir)
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.idx
}

func reportIndex(dir string) (*bleve.Index, error) {
	raw, err := os.ReadFile(sample)
	if err != nil {
		return nil, err
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
	file := filepath.Join(dir, "reports.jsonl")
	if err := os.WriteFile(file, keep.Bytes(), 0o644); err != nil {
		return nil, err
	}
	idx, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		return nil, err
	}
	sum, err := indexer.Run(context.Background(), idx, []string{file}, indexer.Options{})
	if err == nil && sum.Failed > 0 {
		err = fmt.Errorf("%d documents failed", sum.Failed)
	}
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("indexing: %w", err)
	}
	return idx, nil
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
	idx := labelIndex(t)
	ctx := context.Background()
	tr := &Tracker{Index: idx, FollowUps: 3}
	ls := readLabels(t)
	if len(ls) < 60 {
		t.Fatalf("only %d labels", len(ls))
	}

	var found []Commitment
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
		found = append(found, cs...)
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
			for _, c := range found {
				if strings.HasPrefix(c.ID, prefix) && strings.HasPrefix(c.Text, start) {
					t.Errorf("%s is extracted as a commitment: %s", c.ID, c.Text)
				}
			}
			rejected++
			continue
		}
		// A labelled item may have been split into its actions; the label
		// is about the item as a whole: 有回应 when one of its actions is
		// (right when that action's best follow-up is a labelled
		// paragraph), 未见回应 when all are, 待核对 otherwise.
		var parts []Commitment
		for _, c := range found {
			if itemOf(c.ID, l.id) {
				parts = append(parts, c)
			}
		}
		if len(parts) == 0 {
			t.Errorf("labelled commitment %s (%s) is no longer extracted", l.id, l.text)
			continue
		}
		o := outcome{national: strings.HasPrefix(l.id, "gwrn"), positive: l.doc != "", status: Unanswered}
		answeredRight := false
		for _, c := range parts {
			right := false
			for i, f := range c.FollowUps {
				if f.DocID == l.doc && slices.Contains(l.paras, f.Paragraph) {
					o.top3 = true
					if i == 0 {
						o.top1, right = true, true
					}
				}
			}
			switch {
			case c.Status == Answered:
				o.status = Answered
				answeredRight = answeredRight || right
			case c.Status != Unanswered && o.status == Unanswered:
				o.status = Unclear
			}
		}
		if o.status == Answered {
			// top1 for an answered item means its answered action is right.
			o.top1 = answeredRight
		}
		outs = append(outs, o)
		if testing.Verbose() {
			t.Logf("%s %s positive=%v top1=%v top3=%v want %v", o.status, l.id, o.positive, o.top1, o.top3, l.paras)
			for _, c := range parts {
				var fs []string
				for _, f := range c.FollowUps {
					fs = append(fs, fmt.Sprintf("¶%d:%.2f", f.Paragraph, f.Score))
				}
				t.Logf("    %s/%s %s %v %s | %s", c.Status, c.rule, c.ID, fs, c.Reason, c.Text)
			}
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
	t.Logf("有回应 precision %.2f, recall %.2f (right paragraph first); top-1 accuracy %.2f",
		float64(all.answeredRight)/float64(all.answered), float64(all.answeredRight)/float64(all.pos), float64(all.top1)/float64(all.pos))
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
		{"北京市人民政府", "北京市人民政府办公厅", false},
		{"浙江省人民政府", "浙江", true},
		{"浙江省人民政府", "浙江省政府", true},
		{"宁夏回族自治区人民政府", "宁夏", true},
		{"重庆市人民政府", "重庆市九龙坡区人民政府", false},
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
	for _, c := range ExtractActions(d, 2025) {
		got = append(got, c.ID+" "+c.Text)
	}
	want := []string{
		// A count of what an action delivers stays with it.
		"x/p2/1 一是加快建设城市轨道交通，新开通地铁线路2条。",
		"x/p2/2 二是推进老旧小区改造，完成改造300个。",
		// Two actions, each with its own object: two commitments; the
		// first keeps the item's ID.
		"x/p3/2 要稳步推进农村改革发展。",
		"x/p3/2.2 巩固拓展脱贫攻坚成果。",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Extract:\n got %q\nwant %q", got, want)
	}
	if cs := ExtractActions(d, 2025); !cs[0].Quantitative || cs[2].Quantitative {
		t.Errorf("Quantitative: %v %v, want true false", cs[0].Quantitative, cs[2].Quantitative)
	}
	// Extract keeps items whole.
	got = nil
	for _, c := range Extract(d, 2025) {
		got = append(got, c.ID+" "+c.Text)
	}
	want = []string{"x/p2/1 一是加快建设城市轨道交通，新开通地铁线路2条。", "x/p2/2 二是推进老旧小区改造，完成改造300个。",
		"x/p3/2 要稳步推进农村改革发展，巩固拓展脱贫攻坚成果。"}
	if !slices.Equal(got, want) {
		t.Errorf("Extract:\n got %q\nwant %q", got, want)
	}
	if cs := ExtractActions(d, 2024); len(cs) != 0 {
		t.Errorf("Extract for a year the plan is not about: %v", cs)
	}
}

// TestActions checks how items of plan sections become commitments:
// which are none, which join several actions.
func TestActions(t *testing.T) {
	for _, c := range []struct {
		item string
		want []string
	}{
		// Sentences that commit to nothing (issue 12).
		{"同时要坚持底线思维，做好应对各种风险挑战的充分准备。", nil},
		{"我们要更加紧密地团结在以习近平同志为核心的党中央周围，努力完成全年经济社会发展目标任务！", nil},
		{"要担当作为，实干苦干，不断创造人民期待的发展业绩。", nil},
		{"我国发展处在爬坡过坎的关键阶段，经济运行存在不少突出矛盾和问题。", nil},
		{"经济增长预期目标为5%左右，考虑了促进就业增收、防范化解风险等需要。", nil},
		{"从根本上说，推动高质量发展要靠改革。", nil},
		// One verb with a list of objects stays one commitment.
		{"化解过剩产能、淘汰落后产能。", []string{"化解过剩产能、淘汰落后产能。"}},
		// Two actions with their own objects become two.
		{"加快建设西部陆海新通道，推进长江黄金水道建设。", []string{"加快建设西部陆海新通道。", "推进长江黄金水道建设。"}},
		// A stance joins the action after it, an outcome the one before.
		{"坚持总体国家安全观，完善国家安全人民防线建设，确保社会大局和谐稳定。",
			[]string{"坚持总体国家安全观，完善国家安全人民防线建设，确保社会大局和谐稳定。"}},
		{"以推进“高效办成一件事”为牵引，提高政务服务水平。", []string{"以推进“高效办成一件事”为牵引，提高政务服务水平。"}},
		// A subject with a modal, a subject alone.
		{"中央财政将加大对地方财力支持，补助资金直达市县。", []string{"中央财政将加大对地方财力支持，补助资金直达市县。"}},
		{"粮食产量保持在1.3万亿斤以上；", []string{"粮食产量保持在1.3万亿斤以上；"}},
		// A numeric target without a verb of action.
		{"城镇调查失业率5.5%左右；", []string{"城镇调查失业率5.5%左右；"}},
		// 重要 holds no modal 要.
		{"深入践行大食物观，抓好重要农产品稳产保供。", []string{"深入践行大食物观，抓好重要农产品稳产保供。"}},
	} {
		var got []string
		if isItem(c.item) {
			got = actions(c.item)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s\n got %q\nwant %q", c.item, got, c.want)
		}
	}
}
