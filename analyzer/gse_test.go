package analyzer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/go-ego/gse"
)

// gseReference loads gse the way gongkai did before the dictionary was
// precompiled: the lexicons first, then gse's embedded simplified-Chinese
// dictionary.
func gseReference(t *testing.T, lexicons ...string) *gse.Segmenter {
	t.Helper()
	var s gse.Segmenter
	s.SkipLog = true
	s.NotLoadHMM = true
	var b strings.Builder
	for _, l := range lexicons {
		words, freqs, err := parseLexicon(l)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range words {
			fmt.Fprintf(&b, "%s %d n\n", w, int(freqs[i]))
		}
	}
	if err := s.LoadDictStr(b.String()); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadDictEmbed("zh_s"); err != nil {
		t.Fatal(err)
	}
	return &s
}

// hanRuns returns the runs of Chinese characters of folded text.
func hanRuns(text string) []string {
	var runs []string
	var b strings.Builder
	for _, r := range FoldString(text) + "。" {
		if IsHan(r) {
			b.WriteRune(r)
			continue
		}
		if b.Len() > 0 {
			runs = append(runs, b.String())
			b.Reset()
		}
	}
	return runs
}

func testTexts(t *testing.T) []string {
	t.Helper()
	texts := []string{readTestdata(t, "seed.txt"), readTestdata(t, "gwr1954_trad.txt")}
	f, err := os.Open("../testdata/corpus/tests.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r struct{ Title, Body string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, r.Title, r.Body)
	}
	return texts
}

func compareWithGse(t *testing.T, ref *gse.Segmenter, d *dict, texts []string) int {
	t.Helper()
	checked := 0
	var scratch segScratch // shared by every run, as Words shares it
	for _, text := range texts {
		for _, run := range hanRuns(text) {
			var want, got []string
			for _, sg := range ref.Segment([]byte(run)) {
				want = append(want, run[sg.Start():sg.End()])
			}
			d.segment(run, &scratch, func(s, e int) { got = append(got, run[s:e]) })
			if strings.Join(got, "/") != strings.Join(want, "/") {
				t.Fatalf("run %q: gse %v, gongkai %v", run, want, got)
			}
			checked++
		}
	}
	return checked
}

// The precompiled dictionary segments exactly as gse with its own
// dictionary and the lexicon does, on every run of the test corpus
// (0.47 M characters).
func TestSegmentMatchesGse(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	n := compareWithGse(t, gseReference(t, lexicon), segmenter(), testTexts(t))
	if n < 10000 {
		t.Fatalf("only %d runs compared", n)
	}
}

// So does it with a staff lexicon on top, including a word gse already
// has with another frequency and a single character.
func TestSegmentMatchesGseWithExtraLexicon(t *testing.T) {
	extra := "九龙坡区坚持 90000\n法治政府 50\n建设情况\n市场监管领域 300000\n坚\n"
	d, err := loadDict(dictData)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{lexicon, extra} {
		words, freqs, err := parseLexicon(l)
		if err != nil {
			t.Fatal(err)
		}
		d.addWords(words, freqs)
	}
	compareWithGse(t, gseReference(t, lexicon, extra), d, testTexts(t)[:20])
}

// Words that start outside the Basic Multilingual Plane (CJK extension
// B and on: the trie's root has 35 such children) segment as gse does
// too: they are looked up by hash, not in the root's table.
func TestSegmentMatchesGseOutsideBMP(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	d := segmenter()
	var texts []string
	for c := d.first[0]; c < d.first[0]+d.count[0]; c++ {
		if d.label[c] < 0x10000 {
			continue
		}
		first := string(rune(d.label[c]))
		texts = append(texts, "我们"+first+"的")
		for k := d.first[c]; k < d.first[c]+d.count[c]; k++ {
			texts = append(texts, "这是"+first+string(rune(d.label[k]))+"的事情")
		}
	}
	if len(texts) < 35 {
		t.Fatalf("only %d texts: the dictionary has fewer words outside the BMP than it did", len(texts))
	}
	if n := compareWithGse(t, gseReference(t, lexicon), d, texts); n < len(texts) {
		t.Fatalf("compared %d runs of %d texts", n, len(texts))
	}
}
