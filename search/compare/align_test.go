package compare

import "testing"

// sentencesOf flattens a document into its sentences.
func sentencesOf(t *testing.T, id string) []sentence {
	var out []sentence
	for _, s := range sectionsOf(doc(t, id)) {
		out = append(out, s.sentences...)
	}
	return out
}

// The greedy alignment, used above maxCells, finds nearly the pairs the
// exact one finds: on the first 600 sentences of the 2020 and 2022 texts
// of the 民事诉讼法 interpretation, taken as one run each (600 × 600 is
// more than maxCells).
func TestGreedyAlignmentFollowsExact(t *testing.T) {
	a, b := sentencesOf(t, "lrb-e1f3df84fb")[:600], sentencesOf(t, "lrb-6c658c3428")[:600]
	if len(a)*len(b) <= maxCells {
		t.Fatalf("%d × %d sentences is within maxCells; the test needs more", len(a), len(b))
	}
	al := aligner{n: len(a), m: len(b), threshold: SentenceThreshold,
		sim: func(i, j int) float64 { return dice(a[i].g, b[j].g) }}
	al.keyA, al.keyB = make([]string, len(a)), make([]string, len(b))
	exact := al.dp(nil, 0, len(a), 0, len(b))
	greedy := al.greedy(nil, 0, len(a), 0, len(b))
	if len(exact) < 450 {
		t.Fatalf("only %d exact pairs", len(exact))
	}
	inExact := map[[2]int]bool{}
	for _, p := range exact {
		inExact[[2]int{p.i, p.j}] = true
	}
	check := func(name string, ps []pair) {
		t.Helper()
		agree := 0
		for k, p := range ps {
			if k > 0 && (p.i <= ps[k-1].i || p.j <= ps[k-1].j) {
				t.Fatalf("%s: pairs cross at %d: %+v after %+v", name, k, p, ps[k-1])
			}
			if p.sim < SentenceThreshold {
				t.Fatalf("%s: pair below the threshold: %+v", name, p)
			}
			if inExact[[2]int{p.i, p.j}] {
				agree++
			}
		}
		if float64(agree) < 0.9*float64(len(exact)) {
			t.Errorf("%s agrees with the exact alignment on %d of %d pairs (found %d)", name, agree, len(exact), len(ps))
		}
	}
	check("greedy", greedy)
	// align anchors on identical sentences first; what is left between
	// anchors is small enough to align exactly.
	al.keyA, al.keyB = keys(a), keys(b)
	check("anchored", al.align())
	if al.approximate {
		t.Error("anchoring left a stretch too long to align exactly")
	}
}

func keys(ss []sentence) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.key
	}
	return out
}

func TestLongestIncreasing(t *testing.T) {
	ps := []pair{{0, 3, 1}, {1, 1, 1}, {2, 2, 1}, {3, 0, 1}, {4, 4, 1}, {5, 5, 1}}
	got := longestIncreasing(ps)
	want := []pair{{1, 1, 1}, {2, 2, 1}, {4, 4, 1}, {5, 5, 1}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
