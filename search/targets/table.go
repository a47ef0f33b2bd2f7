package targets

import (
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/analyzer"
)

//go:embed indicators.tsv
var builtinTable string

// Directions of an indicator: which way a result may miss its target.
const (
	HigherBetter = "越高越好" // the target is a floor
	LowerBetter  = "越低越好" // the target is a ceiling
	Centered     = "居中"   // missing either way counts
)

// Indicator is one row of the indicator table: a quantity reports set
// targets for, the names they write it under and the words that lead from
// the name to its number.
type Indicator struct {
	Name      string   `json:"name"`
	Unit      string   `json:"unit"` // a unit of the family its values are in
	Direction string   `json:"direction"`
	Names     []string `json:"names"`
	Verbs     []string `json:"verbs,omitempty"`
	// VerbOptional is set when the number may follow a name directly.
	VerbOptional bool     `json:"verb_optional,omitempty"`
	Negating     []string `json:"negating,omitempty"`

	family string
	// tail matches from the end of a name to the end of the number, for
	// targets (plan wording) and results (review wording); tailBare is the
	// same without a verb, for names that end with one.
	tail, tailBare [2]*regexp.Regexp
}

// Table is the set of indicators extraction knows.
type Table struct {
	Indicators []*Indicator
	byName     map[string]*Indicator
	// names are all indicator names, folded, longest first.
	names []nameRef
}

type nameRef struct {
	folded string
	ind    *Indicator
	// bare is set for a name that ends with one of its indicator's verbs.
	bare bool
}

// Lookup returns the indicator called name (its canonical name or any of
// the names reports use), or nil.
func (t *Table) Lookup(name string) *Indicator {
	if ind, ok := t.byName[name]; ok {
		return ind
	}
	f := foldText(name)
	for _, n := range t.names {
		if n.folded == f {
			return n.ind
		}
	}
	return nil
}

// ParseTable reads an indicator table in the format of indicators.tsv.
func ParseTable(text string) ([]*Indicator, error) {
	var out []*Indicator
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 5 || len(cols) > 6 {
			return nil, fmt.Errorf("indicator table line %d: want 5 or 6 tab-separated columns, have %d", i+1, len(cols))
		}
		for j := range cols {
			cols[j] = strings.TrimSpace(cols[j])
		}
		ind := &Indicator{Name: cols[0], Unit: cols[1], Direction: cols[2]}
		if ind.Name == "" {
			return nil, fmt.Errorf("indicator table line %d: empty name", i+1)
		}
		if seen[ind.Name] {
			return nil, fmt.Errorf("indicator table line %d: %s named twice", i+1, ind.Name)
		}
		seen[ind.Name] = true
		u, ok := units[foldText(ind.Unit)]
		if !ok {
			return nil, fmt.Errorf("indicator table line %d: unknown unit %q", i+1, ind.Unit)
		}
		ind.family = u.family
		switch ind.Direction {
		case HigherBetter, LowerBetter, Centered:
		default:
			return nil, fmt.Errorf("indicator table line %d: direction must be %s, %s or %s, not %q", i+1, HigherBetter, LowerBetter, Centered, ind.Direction)
		}
		ind.Names = splitList(cols[3])
		if len(ind.Names) == 0 {
			return nil, fmt.Errorf("indicator table line %d: %s has no names", i+1, ind.Name)
		}
		for _, v := range splitList(cols[4]) {
			if v == "-" {
				ind.VerbOptional = true
				continue
			}
			ind.Verbs = append(ind.Verbs, v)
		}
		if len(ind.Verbs) == 0 && !ind.VerbOptional {
			return nil, fmt.Errorf("indicator table line %d: %s has no verbs (write - for none)", i+1, ind.Name)
		}
		if len(cols) == 6 {
			ind.Negating = splitList(cols[5])
		}
		out = append(out, ind)
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// LoadTable returns the built-in indicator table, with the indicators of
// the file extra (if not "") added to it or replacing those of the same
// name.
func LoadTable(extra string) (*Table, error) {
	inds, err := ParseTable(builtinTable)
	if err != nil {
		return nil, fmt.Errorf("built-in indicators: %w", err)
	}
	if extra != "" {
		raw, err := os.ReadFile(extra)
		if err != nil {
			return nil, fmt.Errorf("extra indicators: %w", err)
		}
		more, err := ParseTable(string(raw))
		if err != nil {
			return nil, fmt.Errorf("extra indicators %s: %w", extra, err)
		}
		for _, m := range more {
			replaced := false
			for i, ind := range inds {
				if ind.Name == m.Name {
					inds[i], replaced = m, true
				}
			}
			if !replaced {
				inds = append(inds, m)
			}
		}
	}
	return newTable(inds)
}

func newTable(inds []*Indicator) (*Table, error) {
	t := &Table{Indicators: inds, byName: map[string]*Indicator{}}
	owner := map[string]string{}
	for _, ind := range inds {
		t.byName[ind.Name] = ind
		for _, n := range ind.Names {
			f := foldText(n)
			if o, ok := owner[f]; ok && o != ind.Name {
				return nil, fmt.Errorf("indicator name %s belongs to both %s and %s", n, o, ind.Name)
			}
			owner[f] = ind.Name
			bare := false
			for _, v := range ind.Verbs {
				if strings.HasSuffix(f, foldText(v)) {
					bare = true
				}
			}
			t.names = append(t.names, nameRef{folded: f, ind: ind, bare: bare})
		}
		for k, mode := range []wording{planWording, reviewWording} {
			ind.tail[k] = regexp.MustCompile(tailPattern(ind, mode, false))
			ind.tailBare[k] = regexp.MustCompile(tailPattern(ind, mode, true))
		}
	}
	sort.SliceStable(t.names, func(i, j int) bool {
		return utf8.RuneCountInString(t.names[i].folded) > utf8.RuneCountInString(t.names[j].folded)
	})
	return t, nil
}

// foldText folds text as the analyzer does (full-width forms, traditional
// characters, case) and drops spaces, which old reports put between digits
// (1 0 ％).
func foldText(s string) string {
	f := analyzer.FoldString(s)
	if !strings.ContainsAny(f, " \t\u3000\u00a0") {
		return f
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u3000', '\u00a0':
			return -1
		}
		return r
	}, f)
}

// alternation is a regexp alternation of words, folded, longest first, so
// that the longest one matches.
func alternation(words []string) string {
	ws := make([]string, 0, len(words))
	for _, w := range words {
		ws = append(ws, foldText(w))
	}
	return literalAlternation(ws)
}

// literalAlternation is an alternation of words as they are, longest
// first.
func literalAlternation(words []string) string {
	ws := make([]string, 0, len(words))
	for _, w := range words {
		ws = append(ws, regexp.QuoteMeta(w))
	}
	sort.SliceStable(ws, func(i, j int) bool { return len(ws[i]) > len(ws[j]) })
	return strings.Join(ws, "|")
}
