package analyzer

import (
	"container/list"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// slotMatches finds phrase in text the way the index does: the gram
// layer's tokens at their positions, the phrase's slots at consecutive
// positions (a single character by prefix). It returns the 0-based unit
// index of every match.
func slotMatches(text, phrase string) []int {
	toks, _ := GramsUnits(text)
	at := map[int][]string{}
	for _, t := range toks {
		at[t.Position-1] = append(at[t.Position-1], t.Term)
	}
	n := len(Units(text))
	var out []int
	if c, ok := SingleChar(phrase); ok {
		for p := 0; p < n; p++ {
			for _, term := range at[p] {
				if strings.HasPrefix(term, c) {
					out = append(out, p)
					break
				}
			}
		}
		return out
	}
	slots := PhraseSlots(phrase)
	if len(slots) == 0 {
		return nil
	}
	for p := 0; p < n; p++ {
		ok := true
		for i, s := range slots {
			found := false
			for _, term := range at[p+i] {
				if term == s {
					found = true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}

func matcherMatches(text, phrase string) []int {
	m := NewMatcher(phrase)
	if m == nil {
		return nil
	}
	var out []int
	m.Find(Units(text), func(first int) bool {
		out = append(out, first)
		return true
	})
	return out
}

// TestMatcherAgreesWithGramLayer checks on random texts that the matcher
// finds a phrase exactly where the index's phrase query would, and that
// its raw-text prefilter never rejects a text with a match.
func TestMatcherAgreesWithGramLayer(t *testing.T) {
	alphabet := []string{"甲", "乙", "丙", "国", "國", "1", "2", "a", "A", "，", " ", "、", "%", "．", "9"}
	rng := rand.New(rand.NewSource(7))
	gen := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	withMatches := 0
	for iter := 0; iter < 20000; iter++ {
		text, phrase := gen(rng.Intn(30)), gen(1+rng.Intn(6))
		want, got := slotMatches(text, phrase), matcherMatches(text, phrase)
		if len(want) > 0 {
			withMatches++
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("text %q phrase %q: gram layer matches at %v, matcher at %v", text, phrase, want, got)
		}
		m := NewMatcher(phrase)
		filter := NewCharFilter(text)
		if m != nil && len(got) > 0 && (!m.MayMatch(text) || !m.MayMatchSet(NewRuneSet(text)) || !m.MayMatchFolded(FoldString(text)) || !m.MayMatchFilter(&filter)) {
			t.Fatalf("text %q phrase %q: prefilter rejects a text with a match", text, phrase)
		}
		if m != nil && m.Single() {
			units := Units(text)
			var viaUnits, raw [][2]int
			for _, i := range got {
				viaUnits = append(viaUnits, [2]int{units[i].Start, units[i].End})
			}
			m.FindRaw(text, func(s, e int) bool { raw = append(raw, [2]int{s, e}); return true })
			if !reflect.DeepEqual(viaUnits, raw) {
				t.Fatalf("text %q char %q: units give %v, raw scan %v", text, phrase, viaUnits, raw)
			}
		}
	}
	if withMatches < 2000 {
		t.Fatalf("only %d of the random cases had a match: the comparison proves little", withMatches)
	}
}

func TestMatcherRealText(t *testing.T) {
	text := "深化“放管服”改革，九龙坡区网上办占比９８．７９％，2022年經濟增长"
	for phrase, want := range map[string][]string{
		"放管服":     {"放管服"},
		"九龙":      {"九龙"},
		"98.79%":  {"９８．７９％"},
		"2022年":   {"2022年"},
		"经济":      {"經濟"},
		"改革，九龙坡区": {"改革，九龙坡区"},
		"革九":      nil, // a comma stands between them
		"服":       {"服"},
	} {
		m := NewMatcher(phrase)
		units := Units(text)
		var got []string
		m.Find(units, func(first int) bool {
			got = append(got, text[units[first].Start:units[first+m.Len()-1].End])
			return true
		})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: found %q, want %q", phrase, got, want)
		}
	}
}

// TestMatcherLinear makes sure repetitive texts and phrases cost linear
// work: a phrase of 400 identical characters in a text of 200,000.
func TestMatcherLinear(t *testing.T) {
	text := strings.Repeat("的", 200000)
	m := NewMatcher(strings.Repeat("的", 399) + "地")
	units := Units(text)
	steps := 0
	m.Find(units, func(int) bool { steps++; return true })
	if steps != 0 {
		t.Fatalf("found %d matches of a phrase the text does not hold", steps)
	}
}

// Units gives the units of the plain definition: every unit of
// scanUnits with its original offsets and its comparison key.
func TestUnitsDefinition(t *testing.T) {
	for _, name := range []string{"seed.txt", "gwr1954_trad.txt"} {
		text := readTestdata(t, name)
		for _, s := range append(strings.Split(text, "\n"), "９８．７９％ 國發〔2019〕5號 ＡＢＣ\u200b\ue010x 𠀀𠀁 café") {
			f := Fold(s)
			us := scanUnits(f.Text)
			got := Units(s)
			if len(got) != len(us) {
				t.Fatalf("%q: %d units, want %d", s, len(got), len(us))
			}
			for i, u := range us {
				st, e := f.Orig(int(u.s), int(u.e))
				txt := f.Text[u.s:u.e]
				want := Unit{Text: txt, Start: st, End: e, Han: u.kind == uHan,
					Joined: u.kind == uHan && i > 0 && us[i-1].kind == uHan && !u.sep, key: unitKey(txt)}
				if got[i] != want {
					t.Fatalf("%q: unit %d is %+v, want %+v", s, i, got[i], want)
				}
			}
		}
	}
}

// Units keeps the units of texts it has seen, by their memory: a text
// seen before gets the same units, an equal text elsewhere in memory gets
// equal ones, and the cache stays within its bound.
func TestUnitsCache(t *testing.T) {
	text := readTestdata(t, "seed.txt")
	first := Units(text)
	again := Units(text)
	if len(first) == 0 || &first[0] != &again[0] {
		t.Fatal("the units of a text seen before were computed again")
	}
	copied := string([]byte(text))
	other := Units(copied)
	if &other[0] == &first[0] {
		t.Fatal("an equal text elsewhere in memory got another text's units")
	}
	for i := range other {
		if other[i] != first[i] {
			t.Fatalf("unit %d: %+v, want %+v", i, other[i], first[i])
		}
	}
	for i := 0; i < 200; i++ {
		Units(string([]byte(text)))
	}
	recentUnits.mu.Lock()
	size, n := recentUnits.size, len(recentUnits.items)
	recentUnits.mu.Unlock()
	if size > unitCacheBytes || n != recentUnits.ll.Len() {
		t.Fatalf("cache holds %d bytes in %d entries (list %d), bound %d", size, n, recentUnits.ll.Len(), unitCacheBytes)
	}
}

// The unit cache counts what it evicts as it counted it when put (texts
// longer than their units, such as Latin or digit runs, included): a
// count that drifted left an empty list over the bound, and the next put
// failed on it.
func TestUnitCacheAccounting(t *testing.T) {
	c := &unitCache{ll: list.New(), items: map[unitCacheKey]*list.Element{}}
	for i := range 3 * unitCacheBytes / (1 << 20) {
		text := strings.Repeat("x", 1<<20) + strconv.Itoa(i) // few units, long text
		c.put(text, make([]Unit, 8))
	}
	sum := 0
	for e := c.ll.Front(); e != nil; e = e.Next() {
		sum += e.Value.(*unitCacheEntry).size
	}
	if c.size != sum || c.size > unitCacheBytes || c.ll.Len() == 0 {
		t.Errorf("cache counts %d bytes, its %d entries hold %d, bound %d", c.size, c.ll.Len(), sum, unitCacheBytes)
	}
}

// A character filter never rules out a text that holds a phrase: every
// text Find matches in passes MayMatchFilter, and a short text without
// the phrase's characters is mostly ruled out.
func TestCharFilter(t *testing.T) {
	matched := 0
	texts := []string{"国务院关于深化放管服改革的意见", "營商環境持續優化", "ＡＢＣ１２３和abc123", "第一条　为了规范", "无关的一段话"}
	phrases := []string{"放管服", "营商环境", "abc", "123", "第一条", "规范", "改革的意见", "环境"}
	for _, text := range texts {
		f := NewCharFilter(text)
		units := Units(text)
		for _, p := range phrases {
			m := NewMatcher(p)
			found := false
			m.Find(units, func(int) bool { found = true; return false })
			if found {
				matched++
				if !m.MayMatchFilter(&f) {
					t.Errorf("%q holds %q, but its filter rules it out", text, p)
				}
			}
		}
	}
	if matched < 6 {
		t.Fatalf("only %d of the texts hold a phrase", matched)
	}
	f := NewCharFilter("无关的一段话")
	if NewMatcher("营商环境").MayMatchFilter(&f) {
		t.Errorf("a short text without 营商环境's characters passes its filter")
	}
}

// A phrase's needles are characters of few forms when it has any: a
// text without a digit is not scanned once for each of its 64 forms.
func TestNeedlesOfFewForms(t *testing.T) {
	m := NewMatcher("2024年政府工作报告")
	for _, forms := range m.needles {
		if len(forms) > maxNeedleForms {
			t.Errorf("needle %q has %d forms", string(forms[0]), len(forms))
		}
	}
	if len(m.needles) != maxNeedles {
		t.Errorf("%d needles, want %d", len(m.needles), maxNeedles)
	}
	if m := NewMatcher("2024"); len(m.needles) != 1 || len(m.needles[0]) <= maxNeedleForms {
		t.Errorf("a phrase of digits only: needles %q", m.needles)
	}
	for _, text := range []string{"2024年政府工作报告", "２０２４年政府工作報告", "⑳24年政府工作报告"} {
		if !NewMatcher("2024年政府工作报告").MayMatch(text) {
			t.Errorf("%q ruled out", text)
		}
	}
}

// A UnitSlot finds the units its text was given by the cache, without a
// lookup, until the cache lets them go; then it holds none.
func TestUnitSlot(t *testing.T) {
	text := string([]byte(readTestdata(t, "seed.txt")))
	var slot UnitSlot
	if _, ok := slot.Known(text); ok {
		t.Fatal("an empty slot knows units")
	}
	us := slot.Units(text)
	want := unitsOf(text)
	if len(us) != len(want) {
		t.Fatalf("%d units, want %d", len(us), len(want))
	}
	for i := range us {
		if us[i] != want[i] {
			t.Fatalf("unit %d: %+v, want %+v", i, us[i], want[i])
		}
	}
	known, ok := slot.Known(text)
	if !ok || &known[0] != &us[0] {
		t.Fatal("the slot does not know the units it was given")
	}
	if shared := Units(text); &shared[0] != &us[0] {
		t.Fatal("Units computed again what a slot put in the cache")
	}
	if _, ok := slot.Known(string([]byte(text))); ok {
		t.Fatal("the slot knows the units of another text's memory")
	}
	// Other texts push the slot's entry out of the cache.
	for i := 0; i < 2*unitCacheBytes/(40*len(us))+2; i++ {
		Units(string([]byte(text)))
	}
	if _, ok := slot.Known(text); ok {
		t.Fatal("the slot knows units the cache let go")
	}
	if e := slot.e.Load(); e.units.Load() != nil {
		t.Fatal("an entry the cache let go still holds its units")
	}
}

// An entry used since it was put gets a second chance: the unused ones
// put before and after it leave first.
func TestUnitCacheSecondChance(t *testing.T) {
	c := &unitCache{ll: list.New(), items: map[unitCacheKey]*list.Element{}}
	per := unitCacheBytes / (1<<20 + 200) // entries that fit
	texts := make([]string, per+1)
	for i := range texts {
		texts[i] = strings.Repeat("x", 1<<20) + strconv.Itoa(i)
	}
	for _, text := range texts[:per] {
		c.put(text, make([]Unit, 8))
	}
	if _, ok := c.get(texts[0]); !ok {
		t.Fatal("the first entry left before the cache was full")
	}
	c.put(texts[per], make([]Unit, 8)) // over the bound: one leaves
	if _, ok := c.get(texts[0]); !ok {
		t.Fatal("the entry used since it was put left first")
	}
	if _, ok := c.get(texts[1]); ok {
		t.Fatal("an unused entry older than the others stayed")
	}
	if _, ok := c.get(texts[2]); !ok {
		t.Fatal("more entries left than the bound asks")
	}
}
