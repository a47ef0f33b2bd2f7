package analyzer

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Unit is one position of the gram layer in a text: a Chinese character,
// a number, a run of letters or a symbol, as folded, with its byte range
// in the original text.
type Unit struct {
	// Text is the folded unit.
	Text string
	// Start and End are byte offsets in the original text.
	Start, End int
	// Han marks a Chinese character.
	Han bool
	// Joined marks a Chinese character that follows the previous unit, a
	// Chinese character too, with no separator between them: the two
	// form a bigram of the gram layer.
	Joined bool
	// key is a number equal for equal Texts: the character itself for a
	// unit of one character, else a hash with the top bit set.
	key uint32
}

// unitKey returns the comparison key of a unit's text.
func unitKey(t string) uint32 {
	if r, size := decodeRune(t, 0); size == len(t) {
		return uint32(r)
	}
	h := uint32(2166136261)
	for i := 0; i < len(t); i++ {
		h = (h ^ uint32(t[i])) * 16777619
	}
	return h | 1<<31
}

// same reports whether two units have the same text.
func same(a, b *Unit) bool { return a.key == b.key && (a.key < 1<<31 || a.Text == b.Text) }

// Units returns the units of text, one per gram-layer position (see
// Grams), with their places in text. The units of recently seen texts
// are kept (see unitCache), so the result may be shared with other
// callers: it must not be modified.
func Units(text string) []Unit {
	us, _ := recentUnits.units(text)
	return us
}

// KnownUnits returns the units of text when Units has kept them (see
// unitCache), without analysing it otherwise.
func KnownUnits(text string) ([]Unit, bool) {
	if len(text) < unitCacheMinBytes {
		return nil, false
	}
	return recentUnits.get(text)
}

// unitsOf computes the units of text.
func unitsOf(text string) []Unit {
	f := Fold(text)
	t := f.Text
	out := make([]Unit, 0, len(t)/3+1)
	sc := unitScanner{s: t}
	prevHan := false
	for {
		u, r, ok := sc.next()
		if !ok {
			return out
		}
		s, e := int(u.s), int(u.e)
		if f.start != nil {
			s, e = f.Orig(s, e)
		}
		txt := t[u.s:u.e]
		var key uint32
		if r >= 0 {
			key = uint32(r)
		} else {
			key = unitKey(txt)
		}
		han := u.kind == uHan
		out = append(out, Unit{Text: txt, Start: s, End: e, Han: han, Joined: han && prevHan && !u.sep, key: key})
		prevHan = han
	}
}

// Single reports whether the matcher looks for one Chinese character
// (which matches wherever that character stands).
func (m *Matcher) Single() bool { return m.single }

// FindRaw calls yield with the byte range of every occurrence of a
// single-character matcher's character in raw (unfolded) text: every form
// that folds to it. It needs no units, so it is the cheap way to find a
// common character. It does nothing for other matchers.
func (m *Matcher) FindRaw(raw string, yield func(start, end int) bool) {
	if !m.single {
		return
	}
	forms := m.needles[0]
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		for _, f := range forms {
			if r == f {
				if !yield(i, i+size) {
					return
				}
				break
			}
		}
		i += size
	}
}

// Matcher finds a phrase in the units of a text exactly where the gram
// layer's phrase query (PhraseSlots at consecutive positions) finds it, or,
// for a single Chinese character, wherever that character stands (the
// gram layer's prefix match). It scans in time linear in the text and the
// phrase (Knuth–Morris–Pratt over units, then the bigram and edge
// conditions of the slots), so no text or phrase can make it quadratic.
type Matcher struct {
	units  []Unit
	single bool // a single Chinese character: matches anywhere
	// needBigram[i]: the text must join units i and i+1 (a bigram slot);
	// needEdge[i]: unit i must start or end a run of Chinese characters
	// in the text (a unigram slot).
	needBigram, needEdge []bool
	fail                 []int // KMP failure function over unit texts
	needles              [][]rune
	// filterBits are the CharFilter bits of seg's characters and pairs.
	filterBits []uint32
	// seg is folded text every match holds verbatim: the longest run of
	// joined Chinese characters of the phrase, else its first unit.
	seg string
}

// NewMatcher returns a matcher for phrase, or nil when the phrase has no
// units (nothing to find).
func NewMatcher(phrase string) *Matcher {
	units := unitsOf(phrase) // a query's text: not kept, no other search has it
	if len(units) == 0 {
		return nil
	}
	m := &Matcher{units: units}
	if len(units) == 1 && units[0].Han {
		m.single = true
	}
	n := len(units)
	m.needBigram = make([]bool, n)
	m.needEdge = make([]bool, n)
	if !m.single {
		// Mirror Phrase: within a run of Chinese characters every pair is
		// a bigram slot; the last character of a run is a unigram slot
		// unless the phrase ends with a run of two or more characters.
		for i := 0; i < n; {
			if !units[i].Han {
				i++
				continue
			}
			end := i + 1
			for end < n && units[end].Joined {
				end++
			}
			for j := i; j < end-1; j++ {
				m.needBigram[j] = true
			}
			if end < n || end-i == 1 {
				m.needEdge[end-1] = true
			}
			i = end
		}
	}
	m.fail = make([]int, n)
	for i, k := 1, 0; i < n; i++ {
		for k > 0 && !same(&units[i], &units[k]) {
			k = m.fail[k-1]
		}
		if same(&units[i], &units[k]) {
			k++
		}
		m.fail[i] = k
	}
	m.needles = needlesOf(units)
	m.seg = units[0].Text
	for i := 0; i < n; {
		j := i + 1
		for j < n && units[j].Joined {
			j++
		}
		if j-i > 1 && j-i > len([]rune(m.seg)) {
			var b strings.Builder
			for _, u := range units[i:j] {
				b.WriteString(u.Text)
			}
			m.seg = b.String()
		}
		i = j
	}
	m.filterBits = filterBitsOf(m.seg)
	return m
}

// MayMatchFolded reports whether folded text (FoldString of a text) can
// hold a match: it contains the phrase's longest run of joined characters.
// It is exact where MayMatch is approximate, at the cost of folding.
func (m *Matcher) MayMatchFolded(folded string) bool { return strings.Contains(folded, m.seg) }

// Len returns the number of units a match covers.
func (m *Matcher) Len() int { return len(m.units) }

// Find calls yield with the index of the first unit of every match in
// units, in order, until yield returns false.
func (m *Matcher) Find(units []Unit, yield func(first int) bool) {
	n := len(m.units)
	head := &m.units[0]
	for i, k := 0, 0; i < len(units); i++ {
		u := &units[i]
		if k == 0 && u.key != head.key {
			continue // the common case: no partial match going on
		}
		for k > 0 && !same(u, &m.units[k]) {
			k = m.fail[k-1]
		}
		if same(u, &m.units[k]) {
			k++
		}
		if k < n {
			continue
		}
		first := i - n + 1
		k = m.fail[k-1]
		if m.fits(units, first) && !yield(first) {
			return
		}
	}
}

// fits checks the slots' conditions on the text around a match of the
// unit texts at first.
func (m *Matcher) fits(units []Unit, first int) bool {
	if m.single {
		return true
	}
	for i := range m.units {
		p := first + i
		if m.needBigram[i] && !(p+1 < len(units) && units[p+1].Joined) {
			return false
		}
		if m.needEdge[i] {
			startsRun := !units[p].Joined
			endsRun := p+1 >= len(units) || !units[p+1].Joined
			if !startsRun && !endsRun {
				return false
			}
		}
	}
	return true
}

// MayMatch reports whether the raw (unfolded) text can hold a match: it
// contains some form of each of a few of the phrase's characters. It is
// a cheap test that never rejects a text Find would match in.
func (m *Matcher) MayMatch(raw string) bool {
	return m.holdsNeedles(func(r rune) bool { return strings.ContainsRune(raw, r) })
}

// holdsNeedles reports whether holds says yes to some form of each of
// the phrase's needles: the test behind MayMatch and MayMatchSet,
// whatever holds the text's characters.
func (m *Matcher) holdsNeedles(holds func(rune) bool) bool {
	for _, forms := range m.needles {
		found := false
		for _, r := range forms {
			if holds(r) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// CharFilter is a small Bloom filter (1024 bits, CharFilterBytes) of the
// folded characters of a text and of its pairs of adjacent folded
// characters: kept with a stored paragraph, it rules out most paragraphs
// that cannot hold a phrase without reading them. It never rules out a
// text that holds the phrase: every match's folded text holds the
// phrase's longest run of joined characters (see MayMatchFolded), and so
// its characters and pairs.
type CharFilter [16]uint64

// CharFilterBytes is the size of a CharFilter.
const CharFilterBytes = 128

// NewCharFilter returns the filter of raw (folding it). Its walk over
// characters and pairs is filterBitsOf's, written out: a callback per
// character cost 13% of decoding a stored document
// (BenchmarkDecodeDocument); TestMatcherAgreesWithGramLayer checks that
// the two agree.
func NewCharFilter(raw string) CharFilter {
	var f CharFilter
	prev := rune(-1)
	for _, r := range FoldString(raw) {
		f.set(charBit(r))
		if prev >= 0 {
			f.set(pairBit(prev, r))
		}
		prev = r
	}
	return f
}

func (f *CharFilter) set(b uint32)      { f[b>>6] |= 1 << (b & 63) }
func (f *CharFilter) has(b uint32) bool { return f[b>>6]&(1<<(b&63)) != 0 }

// charBit and pairBit place a character and a pair of characters in a
// CharFilter.
func charBit(r rune) uint32 { return uint32(r) * 2654435761 >> 22 }
func pairBit(a, b rune) uint32 {
	return (uint32(a)*2654435761 ^ uint32(b)*2246822519) * 3266489917 >> 22
}

// filterBitsOf returns the bits a text's CharFilter has when the text can
// hold a match of a phrase whose longest joined run is seg: those of its
// characters and of its pairs of adjacent characters, as NewCharFilter
// sets them.
func filterBitsOf(seg string) []uint32 {
	var bits []uint32
	prev := rune(-1)
	for _, r := range seg {
		bits = append(bits, charBit(r))
		if prev >= 0 {
			bits = append(bits, pairBit(prev, r))
		}
		prev = r
	}
	return bits
}

// MayMatchFilter reports whether the text of f can hold a match.
func (m *Matcher) MayMatchFilter(f *CharFilter) bool {
	for _, b := range m.filterBits {
		if !f.has(b) {
			return false
		}
	}
	return true
}

// RuneSet is a Bloom filter of the characters of a text: a quick, exact
// "no" to whether the text holds a character, and a "maybe" otherwise. It
// lets many matchers be tested against one paragraph in one pass over it.
type RuneSet [64]uint64

// NewRuneSet returns the set of the characters of raw.
func NewRuneSet(raw string) *RuneSet {
	var s RuneSet
	for _, r := range raw {
		h := uint32(r) * 2654435761
		s[h>>26] |= 1 << ((h >> 20) & 63)
	}
	return &s
}

func (s *RuneSet) mayHold(r rune) bool {
	h := uint32(r) * 2654435761
	return s[h>>26]&(1<<((h>>20)&63)) != 0
}

// MayMatchSet is MayMatch against the characters of a text, collected
// once by NewRuneSet.
func (m *Matcher) MayMatchSet(set *RuneSet) bool {
	return m.holdsNeedles(set.mayHold)
}

// needlesOf picks up to three characters of the phrase (units' first
// characters, preferring the first, middle and last unit and characters
// of few forms) and every character that folds to each.
func needlesOf(units []Unit) [][]rune {
	// The first, middle and last units, then the others in order; a
	// character with many forms (a digit or a Latin letter has dozens:
	// ②, ２, ²…) is a needle only when there is no other, since a text
	// without it is scanned once for each form.
	order := []int{0, len(units) / 2, len(units) - 1}
	for i := range units {
		order = append(order, i)
	}
	var out [][]rune
	var many []rune
	seen := map[rune]bool{}
	for _, i := range order {
		if len(out) == maxNeedles {
			break
		}
		r, _ := utf8.DecodeRuneInString(units[i].Text)
		if r == utf8.RuneError || seen[r] {
			continue
		}
		seen[r] = true
		forms := foldForms(r)
		if len(forms) > maxNeedleForms {
			if many == nil {
				many = forms
			}
			continue
		}
		out = append(out, forms)
	}
	if len(out) == 0 && many != nil {
		out = append(out, many)
	}
	return out
}

// maxNeedles is how many of a phrase's characters MayMatch looks for;
// maxNeedleForms, how many forms a character may have to be one of them
// when the phrase has others.
const (
	maxNeedles     = 3
	maxNeedleForms = 4
)

var (
	inverseOnce sync.Once
	inverse     map[rune][]rune // folded rune → other runes whose fold holds it
)

// foldForms returns r and every rune whose folded form contains r.
func foldForms(r rune) []rune {
	inverseOnce.Do(func() {
		t := loadTable()
		inverse = map[rune][]rune{}
		add := func(from rune, out string) {
			for _, c := range out {
				if c != from {
					inverse[c] = append(inverse[c], from)
				}
			}
		}
		for from := rune(0); from < 0x10000; from++ {
			switch v := t.bmp[from]; {
			case v > 0:
				add(from, string(rune(v)))
			case v < 0:
				add(from, t.expansions[-v-1])
			}
		}
		for from, out := range t.wide {
			add(from, out)
		}
	})
	return append([]rune{r}, inverse[r]...)
}
