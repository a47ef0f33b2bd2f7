package indexer

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/search"
)

var rolesCorpus = flag.String("corpus", "", "folder of corpus JSONL files for TestRolesInContext (../../shared/corpus/jsonl)")

// TestRolesInContext is an evaluation, run on demand: it parses the work
// reports named in testdata/roles/in_context.tsv from the full corpus and
// reports how many of their labelled top-level parts get the right role
// and year, per sample. Without -corpus there is nothing to evaluate.
func TestRolesInContext(t *testing.T) {
	if *rolesCorpus == "" {
		t.Skip("evaluation: pass -corpus FOLDER (the shared corpus's jsonl folder)")
	}
	type label struct {
		heading, doc, role string
		year               int
		sample             int
	}
	var labels []label
	f, err := os.Open("../testdata/roles/in_context.tsv")
	if err != nil {
		t.Fatal(err)
	}
	sample := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# Sample ") {
			sample++
		}
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		c := strings.Split(line, "\t")
		y, _ := strconv.Atoi(c[3])
		labels = append(labels, label{c[0], c[1], c[2], y, sample})
	}
	f.Close()

	want := map[string]bool{}
	for _, l := range labels {
		want[l.doc] = true
	}
	docs := map[string]*search.Document{}
	files, _ := filepath.Glob(filepath.Join(*rolesCorpus, "*.jsonl"))
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			t.Fatal(err)
		}
		err = ReadJSONL(f, func(d *search.Document, _ int, _ int64, err error) error {
			if d != nil && want[d.ID] {
				docs[d.ID] = d
			}
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	type tally struct{ n, role, yearN, year int }
	per := map[int]*tally{}
	for _, l := range labels {
		d := docs[l.doc]
		if d == nil {
			t.Fatalf("%s is not in %s", l.doc, *rolesCorpus)
		}
		role, year := "?", 0
		for _, s := range d.Sections {
			if len(s.Path) == 1 && strings.HasPrefix(s.Path[0], l.heading) {
				role, year = s.Role, s.Year
				break
			}
		}
		tl := per[l.sample]
		if tl == nil {
			tl = &tally{}
			per[l.sample] = tl
		}
		tl.n++
		if role == l.role {
			tl.role++
		}
		if l.role != search.RoleOther {
			tl.yearN++
			if role == l.role && year == l.year {
				tl.year++
			}
		}
		if role != l.role || (l.role != search.RoleOther && year != l.year) {
			t.Logf("sample %d: %s (%s): %s %d, labelled %s %d", l.sample, l.heading, l.doc, role, year, l.role, l.year)
		}
	}
	for s := 1; s <= sample; s++ {
		if tl := per[s]; tl != nil {
			t.Logf("sample %d: role %d/%d, role and year %d/%d", s, tl.role, tl.n, tl.year, tl.yearN)
		}
	}
}
