package compare

import (
	"math"
	"sort"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
)

// PlanThreshold is how alike (weighted bigram Dice, see planMatcher) an
// item of this year's plan and one of last year's must be for the item to
// count as carried on rather than new.
const PlanThreshold = 0.3

// PlanDiff sets the plan of a work report against the plan of an earlier
// one of the same government — this year's against last year's.
//
// The items of a plan are its commitments as search/commitments extracts
// them (an enumeration 一是…二是… split into items, other text into
// sentences that open with a verb of intent). Each item of the newer plan
// is paired with at most one item of the older plan, most alike first,
// when they are at least PlanThreshold alike:
//   - Carried: paired items — the work goes on, perhaps reworded (Op
//     Changed, with the changed words) or word for word (Op Same);
//   - New: items of the newer plan with no partner — new this year;
//   - Dropped: items of the older plan with no partner — no longer
//     mentioned. Dropped does not mean abandoned: a finished task is not
//     planned again.
type PlanDiff struct {
	Older   PlanRef     `json:"older"`
	Newer   PlanRef     `json:"newer"`
	New     []PlanItem  `json:"new"`
	Dropped []PlanItem  `json:"dropped"`
	Carried []PlanMatch `json:"carried"`
}

// PlanRef names the plan of a document: the document and the year it plans
// for.
type PlanRef struct {
	DocID string `json:"doc_id"`
	Title string `json:"title"`
	Year  int    `json:"year"`
	Items int    `json:"items"`
}

// PlanItem is one item of a plan, with the paragraph it is in.
type PlanItem struct {
	DocID     string   `json:"doc_id"`
	Paragraph int      `json:"paragraph"`
	Path      []string `json:"path"`
	Text      string   `json:"text"`
}

// PlanMatch is an item of the newer plan and the item of the older plan
// it carries on.
type PlanMatch struct {
	Op         string   `json:"op"` // Same or Changed
	Similarity float64  `json:"similarity"`
	Older      PlanItem `json:"older"`
	Newer      PlanItem `json:"newer"`
	// OlderWords and NewerWords are the two texts in segments, the words
	// only one has marked (Changed only).
	OlderWords []Segment `json:"older_words,omitempty"`
	NewerWords []Segment `json:"newer_words,omitempty"`
}

// PlanYear returns the year d's plan sections are about (the year most of
// its plan paragraphs are about), or 0 when it has none.
func PlanYear(d *search.Document) int {
	paras := map[int]int{}
	for _, s := range d.Sections {
		if s.Role == search.RolePlan && s.Year > 0 {
			paras[s.Year] += s.Last - s.First + 1
		}
	}
	best := 0
	for y, n := range paras {
		if n > paras[best] || n == paras[best] && y > best {
			best = y
		}
	}
	return best
}

// ComparePlans compares the plans of two work reports, whichever order
// they come in: the one planning for the later year is the newer. It
// returns nil unless both have plan sections and plan for different years.
// It does not check that the reports come from one government; Versions
// finds reports that do.
func ComparePlans(a, b *search.Document) *PlanDiff {
	ya, yb := PlanYear(a), PlanYear(b)
	if ya == 0 || yb == 0 || ya == yb {
		return nil
	}
	older, newer, yo, yn := a, b, ya, yb
	if ya > yb {
		older, newer, yo, yn = b, a, yb, ya
	}
	oc, nc := commitments.Extract(older, yo), commitments.Extract(newer, yn)
	if len(oc) == 0 || len(nc) == 0 {
		return nil
	}
	p := &PlanDiff{
		Older: PlanRef{DocID: older.ID, Title: older.Title, Year: yo, Items: len(oc)},
		Newer: PlanRef{DocID: newer.ID, Title: newer.Title, Year: yn, Items: len(nc)},
		New:   []PlanItem{}, Dropped: []PlanItem{}, Carried: []PlanMatch{},
	}
	item := func(c commitments.Commitment) PlanItem {
		return PlanItem{DocID: c.DocID, Paragraph: c.Paragraph, Path: c.Path, Text: c.Text}
	}
	og, ng := make([]grams, len(oc)), make([]grams, len(nc))
	for i, c := range oc {
		og[i] = gramsOf(normalize(c.Text))
	}
	for j, c := range nc {
		ng[j] = gramsOf(normalize(c.Text))
	}
	m := newPlanMatcher(og, ng)
	wo, wn := m.weights(og), m.weights(ng)
	type cand struct {
		i, j int
		s    float64
	}
	var cands []cand
	for i := range og {
		for j := range ng {
			if s := m.sim(og[i], ng[j], wo[i], wn[j]); s >= PlanThreshold {
				cands = append(cands, cand{i, j, s})
			}
		}
	}
	sort.SliceStable(cands, func(x, y int) bool { return cands[x].s > cands[y].s })
	usedO, usedN := make([]bool, len(oc)), make([]bool, len(nc))
	partner := make([]int, len(nc))
	sims := make([]float64, len(nc))
	for j := range partner {
		partner[j] = -1
	}
	for _, c := range cands {
		if usedO[c.i] || usedN[c.j] {
			continue
		}
		usedO[c.i], usedN[c.j] = true, true
		partner[c.j], sims[c.j] = c.i, c.s
	}
	// In the newer plan's order; dropped items in the older plan's.
	for j, c := range nc {
		i := partner[j]
		if i < 0 {
			p.New = append(p.New, item(c))
			continue
		}
		pm := PlanMatch{Op: Same, Similarity: round3(sims[j]), Older: item(oc[i]), Newer: item(c)}
		if normalize(oc[i].Text) != normalize(c.Text) {
			pm.Op = Changed
			pm.OlderWords, pm.NewerWords = wordDiff(oc[i].Text, c.Text)
		}
		p.Carried = append(p.Carried, pm)
	}
	for i, c := range oc {
		if !usedO[i] {
			p.Dropped = append(p.Dropped, item(c))
		}
	}
	return p
}

// planMatcher weighs bigrams by rarity among all items of both plans
// (inverse document frequency), so that two items that share only the
// words every item has (推进, 加快, 建设, 高质量发展) are not alike.
type planMatcher struct {
	idf map[uint64]float64
}

func newPlanMatcher(sets ...[]grams) *planMatcher {
	df := map[uint64]int{}
	n := 0
	for _, set := range sets {
		for _, g := range set {
			n++
			for _, x := range g {
				df[x]++
			}
		}
	}
	m := &planMatcher{idf: make(map[uint64]float64, len(df))}
	for x, c := range df {
		m.idf[x] = math.Log(1 + float64(n)/float64(c))
	}
	return m
}

// weights are the summed weights of each gram set.
func (m *planMatcher) weights(sets []grams) []float64 {
	out := make([]float64, len(sets))
	for i, g := range sets {
		for _, x := range g {
			out[i] += m.idf[x]
		}
	}
	return out
}

// sim is the weighted Dice coefficient of two gram sets whose weights are
// wa and wb: twice the weight of the shared bigrams over the weight of
// both.
func (m *planMatcher) sim(a, b grams, wa, wb float64) float64 {
	var common float64
	if wa+wb == 0 {
		return 0
	}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common += m.idf[a[i]]
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * common / (wa + wb)
}
