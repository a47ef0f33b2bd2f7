// Package findability checks the findability guarantee on a real corpus:
// every verbatim run of 2–12 Chinese characters that appears in exactly
// one document, searched as a quoted phrase, returns that document first.
//
// Check samples such runs from the documents themselves (uniqueness is
// decided by a suffix array over the folded texts, independently of the
// index), runs each as a query through search.Run — the same path a user's
// query takes — and reports the rate and the query latencies.
package findability

import (
	"context"
	"errors"
	"fmt"
	"index/suffixarray"
	"math/rand"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/eval"
)

// Miss is a sampled run whose document did not come first.
type Miss struct {
	Run   string
	DocID string
	Got   []string // ids of the first results
}

// Report is the outcome of a check.
type Report struct {
	Samples  int
	Found    int // the document came first
	Exact    int // and it was the only result
	Misses   []Miss
	Latency  []time.Duration // one per query, sorted
	Attempts int             // runs drawn to find Samples unique ones
}

// Rate is the share of samples whose document came first.
func (r *Report) Rate() float64 {
	if r.Samples == 0 {
		return 0
	}
	return float64(r.Found) / float64(r.Samples)
}

// Percentile returns the latency at quantile p (0–1).
func (r *Report) Percentile(p float64) time.Duration {
	return eval.Latencies(r.Latency).Percentile(p)
}

func (r *Report) String() string {
	return fmt.Sprintf("findability %d/%d = %.2f%% (only result: %d), latency p50 %.1f ms p95 %.1f ms p99 %.1f ms",
		r.Found, r.Samples, 100*r.Rate(), r.Exact,
		eval.MS(r.Percentile(0.5)), eval.MS(r.Percentile(0.95)), eval.MS(r.Percentile(0.99)))
}

// Check samples n runs that are unique to one of docs and searches idx for
// each. seed makes the sample repeatable.
func Check(ctx context.Context, idx search.Index, docs []*search.Document, n int, seed int64) (*Report, error) {
	// One folded text per document, separated by a byte that no run has.
	var b strings.Builder
	starts := make([]int, len(docs))
	texts := make([]string, len(docs))
	for i, d := range docs {
		starts[i] = b.Len()
		texts[i] = d.Title + "\n" + d.Body()
		b.WriteString(analyzer.FoldString(texts[i]))
		b.WriteByte(0)
	}
	all := b.String()
	sa := suffixarray.New([]byte(all))
	docOf := func(off int) int { return sort.SearchInts(starts, off+1) - 1 }

	// Runs of Chinese characters in the original texts, to sample from.
	type run struct {
		doc   int
		chars []rune
	}
	var runs []run
	for i, t := range texts {
		var cur []rune
		for _, r := range t + "\n" {
			if analyzer.IsHan(r) {
				cur = append(cur, r)
				continue
			}
			if len(cur) >= 2 {
				runs = append(runs, run{i, cur})
			}
			cur = nil
		}
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs of Chinese text in %d documents", len(docs))
	}
	rng := rand.New(rand.NewSource(seed))
	rep := &Report{}
	for rep.Samples < n && rep.Attempts < 50*n {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rep.Attempts++
		r := runs[rng.Intn(len(runs))]
		length := 2 + rng.Intn(11)
		if length > len(r.chars) {
			length = len(r.chars)
		}
		start := rng.Intn(len(r.chars) - length + 1)
		q := string(r.chars[start : start+length])
		// Unique: every occurrence lies in one document (the one it came from).
		offs := sa.Lookup([]byte(analyzer.FoldString(q)), -1)
		unique := len(offs) > 0
		for _, o := range offs {
			if docOf(o) != r.doc {
				unique = false
				break
			}
		}
		if !unique {
			continue
		}
		rep.Samples++
		t0 := time.Now()
		res, err := search.Run(ctx, idx, search.Request{Query: `"` + q + `"`, Size: 3})
		rep.Latency = append(rep.Latency, time.Since(t0))
		if err != nil {
			return rep, fmt.Errorf("query %q: %w", q, err)
		}
		want := docs[r.doc].ID
		if len(res.Hits) > 0 && res.Hits[0].ID == want {
			rep.Found++
			if res.Total == 1 {
				rep.Exact++
			}
			continue
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		rep.Misses = append(rep.Misses, Miss{Run: q, DocID: want, Got: got})
	}
	sort.Slice(rep.Latency, func(i, j int) bool { return rep.Latency[i] < rep.Latency[j] })
	if rep.Samples < n {
		return rep, fmt.Errorf("found only %d unique runs in %d attempts", rep.Samples, rep.Attempts)
	}
	return rep, nil
}

// LookupReport is the outcome of CheckLookups.
type LookupReport struct {
	Titles, TitlesFirst   int
	DocNums, DocNumsFirst int // one per document and bracket style
	Misses                []Miss
}

func (r *LookupReport) String() string {
	return fmt.Sprintf("title as query first: %d/%d; 文号 in every bracket style first: %d/%d",
		r.TitlesFirst, r.Titles, r.DocNumsFirst, r.DocNums)
}

// bracketStyles rewrite a document number 国发〔2019〕5号 in the styles
// people type it.
var bracketStyles = [][2]string{{"〔", "〕"}, {"[", "]"}, {"(", ")"}, {"［", "］"}, {"（", "）"}}

// CheckLookups searches every document's exact title, and its document
// number in every bracket style typed plainly, and counts how often the
// document comes first. A title shared by several documents (versions of a
// law; compared folded, without punctuation) counts as found when a
// document with that title comes first; so does a document number shared
// by several documents.
func CheckLookups(ctx context.Context, idx search.Index, docs []*search.Document) (*LookupReport, error) {
	// Titles compare as the search does: folded, without punctuation and
	// spaces (《…（三）》 and 《…(三)》 are one title).
	titleKey := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				return r
			}
			return -1
		}, analyzer.FoldString(s))
	}
	byTitle := map[string]int{}
	byNum := map[string]int{}
	for _, d := range docs {
		byTitle[titleKey(d.Title)]++
		if c, ok := search.CanonicalDocNum(d.DocNumber); ok {
			byNum[c]++
		}
	}
	first := func(q string) (*search.Hit, []string, error) {
		res, err := search.Run(ctx, idx, search.Request{Query: q, Size: 3})
		var qe *search.QueryError
		if errors.As(err, &qe) {
			return nil, []string{"error: " + qe.Msg}, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("query %q: %w", q, err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) == 0 {
			return nil, ids, nil
		}
		return &res.Hits[0], ids, nil
	}
	rep := &LookupReport{}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if strings.TrimSpace(d.Title) != "" && d.Title != d.ID {
			rep.Titles++
			h, ids, err := first(d.Title)
			if err != nil {
				return rep, err
			}
			if h != nil && (h.ID == d.ID || (byTitle[titleKey(d.Title)] > 1 && titleKey(h.Title) == titleKey(d.Title))) {
				rep.TitlesFirst++
			} else {
				rep.Misses = append(rep.Misses, Miss{Run: d.Title, DocID: d.ID, Got: ids})
			}
		}
		c, ok := search.CanonicalDocNum(d.DocNumber)
		if !ok || !strings.Contains(c, "〔") {
			continue
		}
		for _, st := range bracketStyles {
			q := strings.NewReplacer("〔", st[0], "〕", st[1]).Replace(c)
			rep.DocNums++
			h, ids, err := first(q)
			if err != nil {
				return rep, err
			}
			hc, _ := search.CanonicalDocNum("")
			if h != nil {
				hc, _ = search.CanonicalDocNum(h.DocNumber)
			}
			if h != nil && (h.ID == d.ID || (byNum[c] > 1 && hc == c)) {
				rep.DocNumsFirst++
			} else {
				rep.Misses = append(rep.Misses, Miss{Run: q, DocID: d.ID, Got: ids})
			}
		}
	}
	return rep, nil
}
