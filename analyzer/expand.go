package analyzer

import (
	"bufio"
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Expansion is a word a question is widened with, and its weight (0–1)
// relative to the words typed.
type Expansion struct {
	Word   string
	Weight float64
}

// expansions holds two lists: a curated one of colloquial words and
// slogans with their legal or official terms (老板 → 用人单位, 放管服 →
// 简政放权), and one of term associations learned from the STARD train
// questions and the law articles judged relevant to them. Format: a word,
// a tab, then "term:weight" pairs separated by spaces; # comments.
var (
	//go:embed data/synonyms.txt
	synonymList string
	//go:embed data/associations.txt
	associationList string
)

var (
	expandOnce sync.Once
	expandMu   sync.RWMutex
	expandMap  map[string][]Expansion
)

// ParseExpansions reads the expansion format.
func ParseExpansions(text string) (map[string][]Expansion, error) {
	out := map[string][]Expansion{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		fields := strings.Fields(l)
		w := FoldString(fields[0])
		for _, f := range fields[1:] {
			term, ws, ok := strings.Cut(f, ":")
			weight := 1.0
			if ok {
				v, err := strconv.ParseFloat(ws, 64)
				if err != nil || v <= 0 || v > 1 {
					return nil, fmt.Errorf("line %d: weight %q is not in (0, 1]", line, ws)
				}
				weight = v
			}
			out[w] = append(out[w], Expansion{Word: FoldString(term), Weight: weight})
		}
	}
	return out, sc.Err()
}

func loadExpansions() {
	expandOnce.Do(func() {
		m := map[string][]Expansion{}
		for _, list := range []string{synonymList, associationList} {
			part, err := ParseExpansions(list)
			if err != nil {
				panic("gongkai/analyzer: embedded expansions: " + err.Error())
			}
			for w, es := range part {
				m[w] = append(m[w], es...)
			}
		}
		expandMap = m
	})
}

// SetExpansions replaces the expansion table (for tuning and tests).
func SetExpansions(m map[string][]Expansion) {
	loadExpansions()
	expandMu.Lock()
	defer expandMu.Unlock()
	expandMap = m
}

// Expand returns the words a question's content words are widened with,
// strongest first, without words already in words. A word reached from
// several query words keeps its highest weight.
func Expand(words []string) []Expansion {
	loadExpansions()
	expandMu.RLock()
	defer expandMu.RUnlock()
	have := map[string]bool{}
	for _, w := range words {
		have[w] = true
	}
	best := map[string]float64{}
	for _, w := range words {
		for _, e := range expandMap[w] {
			if !have[e.Word] && e.Weight > best[e.Word] {
				best[e.Word] = e.Weight
			}
		}
	}
	out := make([]Expansion, 0, len(best))
	for w, x := range best {
		out = append(out, Expansion{w, x})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Word < out[j].Word
	})
	return out
}
