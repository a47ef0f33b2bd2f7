package targets

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

const (
	sampleCorpus = "../../cmd/gongkai/sample/sample.jsonl"
	extraReports = "../../testdata/targets/reports.jsonl"
	labelFile    = "../../testdata/targets/labels.tsv"
)

// label is one hand-labelled target and its result.
type label struct {
	agency     string
	year       int
	indicator  string
	comparison string
	value      float64
	high       float64
	unit       string
	main       bool
	doc        string
	para       int
	// The result; actualDoc is "" when the review gives none.
	actualValue float64
	actualUnit  string
	actualDoc   string
	actualPara  int
	status      string
	line        int
}

func (l label) key() string {
	return fmt.Sprintf("%s/p%d/%s", l.doc, l.para, l.indicator)
}

func readLabels(t *testing.T) []label {
	t.Helper()
	f, err := os.Open(labelFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	num := func(s string, line int) float64 {
		if s == "-" {
			return 0
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("labels line %d: bad number %q", line, s)
		}
		return v
	}
	var out []label
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 15 {
			t.Fatalf("labels line %d: want 15 columns, have %d", n, len(c))
		}
		l := label{agency: c[0], year: int(num(c[1], n)), indicator: c[2], comparison: c[3], value: num(c[4], n), high: num(c[5], n),
			unit: c[6], main: c[7] == "y", doc: c[8], para: int(num(c[9], n)), status: c[14], line: n}
		if c[12] != "-" {
			l.actualValue, l.actualUnit, l.actualDoc, l.actualPara = num(c[10], n), c[11], c[12], int(num(c[13], n))
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	indexOnce sync.Once
	testIndex search.Index
	indexErr  error
)

// reportIndex indexes the work reports of the sample corpus and of
// testdata/targets, with the other documents their agencies issued (which
// must not be taken for reports).
func reportIndex(t *testing.T) search.Index {
	t.Helper()
	indexOnce.Do(func() {
		dir, err := os.MkdirTemp("", "targets-test")
		if err != nil {
			indexErr = err
			return
		}
		var keep bytes.Buffer
		agencies := map[string]bool{}
		type rec struct{ ID, Agency string }
		var lines [][]byte
		for _, f := range []string{sampleCorpus, extraReports} {
			raw, err := os.ReadFile(f)
			if err != nil {
				indexErr = err
				return
			}
			lines = append(lines, bytes.Split(raw, []byte("\n"))...)
		}
		for _, l := range lines {
			var r rec
			if json.Unmarshal(l, &r) == nil && strings.HasPrefix(r.ID, "gwr") {
				agencies[r.Agency] = true
			}
		}
		for _, l := range lines {
			var r rec
			if json.Unmarshal(l, &r) == nil && agencies[r.Agency] {
				keep.Write(l)
				keep.WriteByte('\n')
			}
		}
		file := filepath.Join(dir, "reports.jsonl")
		if indexErr = os.WriteFile(file, keep.Bytes(), 0o644); indexErr != nil {
			return
		}
		idx, err := bleve.Open(filepath.Join(dir, "index"))
		if err != nil {
			indexErr = err
			return
		}
		sum, err := indexer.Run(context.Background(), idx, []string{file}, indexer.Options{})
		if err != nil || sum.Failed > 0 {
			indexErr = fmt.Errorf("indexing: %v %+v", err, sum)
			return
		}
		testIndex = idx
	})
	if indexErr != nil {
		t.Fatal(indexErr)
	}
	return testIndex
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testIndex != nil {
		testIndex.Close()
	}
	os.Exit(code)
}

func near(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}

// TestAgainstLabels measures extraction and statuses on the hand-labelled
// targets: every target the tracker reads from a labelled report must be a
// labelled one (precision), every target of a report's list of main
// targets must be read (recall), results must be the labelled ones, and
// statuses right.
func TestAgainstLabels(t *testing.T) {
	idx := reportIndex(t)
	ctx := context.Background()
	tr, err := New(idx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	labels := readLabels(t)
	pairs := 0
	byKey := map[string]label{}
	docYears := map[string]bool{} // labelled (document, year)
	for _, l := range labels {
		if _, dup := byKey[l.key()]; dup {
			t.Fatalf("labels line %d: %s labelled twice", l.line, l.key())
		}
		byKey[l.key()] = l
		docYears[fmt.Sprint(l.doc, l.year)] = true
		if l.actualDoc != "" {
			pairs++
		}
	}
	if len(labels) < 80 || pairs < 80 {
		t.Fatalf("%d labelled targets, %d with a result: want at least 80 pairs", len(labels), pairs)
	}

	// Every labelled agency and year, as a user would ask for it.
	type ay struct {
		agency string
		year   int
	}
	seen := map[ay]bool{}
	found := map[string]Target{}
	var extracted []Target
	var asks []ay
	for _, l := range labels {
		k := ay{l.agency, l.year}
		if !seen[k] {
			seen[k] = true
			asks = append(asks, k)
		}
	}
	for _, k := range asks {
		r, err := tr.Report(ctx, k.agency, k.year, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range r.Targets {
			if !docYears[fmt.Sprint(tg.Source.DocID, tg.Year)] {
				continue
			}
			extracted = append(extracted, tg)
			found[fmt.Sprintf("%s/p%d/%s", tg.Source.DocID, tg.Source.Paragraph, tg.Indicator)] = tg
		}
	}

	var targetRight, actualsGiven, actualsRight int
	var wrong []string
	for _, tg := range extracted {
		k := fmt.Sprintf("%s/p%d/%s", tg.Source.DocID, tg.Source.Paragraph, tg.Indicator)
		l, ok := byKey[k]
		if !ok || l.comparison != tg.Comparison || !near(l.value, tg.Value) || !near(l.high, tg.High) || l.unit != tg.Unit {
			wrong = append(wrong, fmt.Sprintf("target %s: %s %s %g–%g %s (%s)", k, tg.Comparison, tg.Phrase, tg.Value, tg.High, tg.Unit, tg.Source.Sentence))
			continue
		}
		targetRight++
		if tg.Actual == nil {
			continue
		}
		actualsGiven++
		a := tg.Actual
		if l.actualDoc == a.Source.DocID && l.actualPara == a.Source.Paragraph && near(l.actualValue, a.Value) && l.actualUnit == a.Unit {
			actualsRight++
		} else {
			wrong = append(wrong, fmt.Sprintf("result of %s: %s ¶%d %g%s (%s); labelled %s ¶%d %g%s",
				k, a.Source.DocID, a.Source.Paragraph, a.Value, a.Unit, a.Phrase, l.actualDoc, l.actualPara, l.actualValue, l.actualUnit))
		}
	}

	var mains, mainsFound, statusRight, withResult, resultFound int
	for _, l := range labels {
		tg, ok := found[l.key()]
		if l.main {
			mains++
			if ok {
				mainsFound++
			} else {
				wrong = append(wrong, fmt.Sprintf("missed main target %s (%s %g%s)", l.key(), l.comparison, l.value, l.unit))
			}
		}
		if l.actualDoc != "" {
			withResult++
			if ok && tg.Actual != nil {
				resultFound++
			}
		}
		if ok && tg.Status == l.status {
			statusRight++
		} else if ok {
			wrong = append(wrong, fmt.Sprintf("status of %s: %s (%s), labelled %s", l.key(), tg.Status, tg.Reason, l.status))
		}
	}
	sort.Strings(wrong)
	for _, w := range wrong {
		t.Log(w)
	}

	targetPrecision := float64(targetRight) / float64(len(extracted))
	actualPrecision := float64(actualsRight) / float64(max(actualsGiven, 1))
	recall := float64(mainsFound) / float64(mains)
	statusAccuracy := float64(statusRight) / float64(len(labels))
	t.Logf("labelled: %d targets (%d in lists of main targets), %d with a result", len(labels), mains, pairs)
	t.Logf("extraction precision: targets %d/%d = %.3f; results %d/%d = %.3f",
		targetRight, len(extracted), targetPrecision, actualsRight, actualsGiven, actualPrecision)
	t.Logf("recall of main targets: %d/%d = %.3f; results found for labelled results: %d/%d = %.3f",
		mainsFound, mains, recall, resultFound, withResult, float64(resultFound)/float64(withResult))
	t.Logf("status right: %d/%d = %.3f", statusRight, len(labels), statusAccuracy)

	if targetPrecision < 0.95 {
		t.Errorf("target precision %.3f, want at least 0.95", targetPrecision)
	}
	if actualPrecision < 0.95 {
		t.Errorf("result precision %.3f, want at least 0.95", actualPrecision)
	}
	if recall < 0.9 {
		t.Errorf("recall of main targets %.3f, want at least 0.9", recall)
	}
	if statusAccuracy < 0.95 {
		t.Errorf("status right for %.3f of labelled targets, want at least 0.95", statusAccuracy)
	}
}
