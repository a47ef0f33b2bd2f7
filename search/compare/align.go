package compare

import "sort"

// Bounds of the alignment. An exact alignment of n items against m fills
// an n×m table; above maxCells cells a stretch is aligned greedily
// instead, looking greedyWindow items ahead on each side, so that the cost
// stays linear in the length of the documents.
const (
	maxCells     = 160_000 // e.g. 400 articles against 400
	greedyWindow = 40
)

// pair is an item of one sequence matched to an item of the other.
type pair struct {
	i, j int
	sim  float64
}

// aligner aligns two sequences in order: it matches items so that the
// matches never cross and their summed similarity is highest, matching
// only items at least threshold alike.
type aligner struct {
	n, m int
	// keyA and keyB are the items' exact forms: equal keys are identical
	// items. Empty keys never anchor.
	keyA, keyB []string
	sim        func(i, j int) float64
	threshold  float64
	// approximate is set when some stretch was aligned greedily.
	approximate bool
}

// align returns the matches in increasing order of both sides.
//
// It first anchors on items that occur exactly once on each side with the
// same key, keeping the longest run of such anchors that is in the same
// order on both sides (as patience diff does). Between anchors it trims
// identical items at both ends, then aligns the rest by dynamic
// programming when the stretch has at most maxCells cells, else greedily.
func (al *aligner) align() []pair {
	var out []pair
	prevI, prevJ := 0, 0
	for _, a := range al.anchors() {
		out = al.alignRange(out, prevI, a.i, prevJ, a.j)
		out = append(out, pair{a.i, a.j, 1})
		prevI, prevJ = a.i+1, a.j+1
	}
	return al.alignRange(out, prevI, al.n, prevJ, al.m)
}

// anchors are the items unique on both sides with equal keys, the longest
// increasing run of them.
func (al *aligner) anchors() []pair {
	countA := make(map[string]int, al.n)
	for _, k := range al.keyA {
		if k != "" {
			countA[k]++
		}
	}
	posB := make(map[string]int, al.m)
	countB := make(map[string]int, al.m)
	for j, k := range al.keyB {
		if k != "" {
			countB[k]++
			posB[k] = j
		}
	}
	var cands []pair
	for i, k := range al.keyA {
		if k != "" && countA[k] == 1 && countB[k] == 1 {
			cands = append(cands, pair{i, posB[k], 1})
		}
	}
	return longestIncreasing(cands)
}

// longestIncreasing returns the longest subsequence of ps (ordered by i)
// whose j increase too (patience sorting, n log n).
func longestIncreasing(ps []pair) []pair {
	if len(ps) == 0 {
		return nil
	}
	tails := []int{} // index in ps of the last pair of the best run of each length
	prev := make([]int, len(ps))
	for k, p := range ps {
		n := sort.Search(len(tails), func(x int) bool { return ps[tails[x]].j >= p.j })
		if n > 0 {
			prev[k] = tails[n-1]
		} else {
			prev[k] = -1
		}
		if n == len(tails) {
			tails = append(tails, k)
		} else {
			tails[n] = k
		}
	}
	out := make([]pair, len(tails))
	for k, x := len(tails)-1, tails[len(tails)-1]; k >= 0; k, x = k-1, prev[x] {
		out[k] = ps[x]
	}
	return out
}

// alignRange aligns items [i0, i1) with [j0, j1) and appends the matches.
func (al *aligner) alignRange(out []pair, i0, i1, j0, j1 int) []pair {
	// Identical items at the start and the end.
	for i0 < i1 && j0 < j1 && al.keyA[i0] != "" && al.keyA[i0] == al.keyB[j0] {
		out = append(out, pair{i0, j0, 1})
		i0, j0 = i0+1, j0+1
	}
	var tail []pair
	for i0 < i1 && j0 < j1 && al.keyA[i1-1] != "" && al.keyA[i1-1] == al.keyB[j1-1] {
		tail = append(tail, pair{i1 - 1, j1 - 1, 1})
		i1, j1 = i1-1, j1-1
	}
	if i0 < i1 && j0 < j1 {
		if (i1-i0)*(j1-j0) <= maxCells {
			out = al.dp(out, i0, i1, j0, j1)
		} else {
			al.approximate = true
			out = al.greedy(out, i0, i1, j0, j1)
		}
	}
	for k := len(tail) - 1; k >= 0; k-- {
		out = append(out, tail[k])
	}
	return out
}

// dp aligns [i0, i1) with [j0, j1) exactly: the non-crossing matches of
// highest summed similarity.
func (al *aligner) dp(out []pair, i0, i1, j0, j1 int) []pair {
	n, m := i1-i0, j1-j0
	w := m + 1
	score := make([]float32, (n+1)*w)
	sims := make([]float32, n*m)
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			best := max(score[(i-1)*w+j], score[i*w+j-1])
			s := float32(al.sim(i0+i-1, j0+j-1))
			sims[(i-1)*m+j-1] = s
			if s >= float32(al.threshold) {
				best = max(best, score[(i-1)*w+j-1]+s)
			}
			score[i*w+j] = best
		}
	}
	var rev []pair
	for i, j := n, m; i > 0 && j > 0; {
		s := sims[(i-1)*m+j-1]
		switch {
		case s >= float32(al.threshold) && score[i*w+j] == score[(i-1)*w+j-1]+s:
			rev = append(rev, pair{i0 + i - 1, j0 + j - 1, float64(s)})
			i, j = i-1, j-1
		case score[i*w+j] == score[(i-1)*w+j]:
			i--
		default:
			j--
		}
	}
	for k := len(rev) - 1; k >= 0; k-- {
		out = append(out, rev[k])
	}
	return out
}

// greedy aligns [i0, i1) with [j0, j1) walking both sides: the next item
// of either side is matched to its best partner among the next
// greedyWindow items of the other, whichever match is better.
func (al *aligner) greedy(out []pair, i0, i1, j0, j1 int) []pair {
	i, j := i0, j0
	for i < i1 && j < j1 {
		bj, bs := -1, al.threshold
		for jj := j; jj < min(j1, j+greedyWindow); jj++ {
			if s := al.sim(i, jj); s >= bs {
				bj, bs = jj, s
				if s == 1 {
					break
				}
			}
		}
		bi, as := -1, al.threshold
		for ii := i; ii < min(i1, i+greedyWindow); ii++ {
			if s := al.sim(ii, j); s >= as {
				bi, as = ii, s
				if s == 1 {
					break
				}
			}
		}
		switch {
		case bj < 0 && bi < 0:
			i, j = i+1, j+1
		case bj >= 0 && (bi < 0 || bs >= as):
			out = append(out, pair{i, bj, bs})
			i, j = i+1, bj+1
		default:
			out = append(out, pair{bi, j, as})
			i, j = bi+1, j+1
		}
	}
	return out
}
