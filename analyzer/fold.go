package analyzer

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// OpenCC tables (Apache-2.0, https://github.com/BYVoid/OpenCC, as shipped by
// github.com/longbridgeapp/opencc): traditional → simplified characters, and
// the Hong Kong / Taiwan variant forms folded back to the standard
// traditional character first (衞 → 衛 → 卫).
var (
	//go:embed data/TSCharacters.txt
	tsCharacters string
	//go:embed data/HKVariantsRev.txt
	hkVariantsRev string
	//go:embed data/TWVariantsRev.txt
	twVariantsRev string
)

// punctFold maps punctuation variants that NFKC leaves alone onto one form,
// so that quotes, brackets and dashes of any style compare equal. Brackets all
// become parentheses: document numbers are written 国发〔2019〕5号, 国发[2019]5号
// and 国发(2019)5号 for the same document.
var punctFold = map[rune]rune{
	'“': '"', '”': '"', '„': '"', '‟': '"', '「': '"', '」': '"', '『': '"', '』': '"',
	'〝': '"', '〞': '"', '＂': '"',
	'‘': '\'', '’': '\'', '‚': '\'', '‛': '\'', '＇': '\'',
	'〔': '(', '〕': ')', '［': '(', '］': ')', '【': '(', '】': ')', '〖': '(', '〗': ')',
	'（': '(', '）': ')', '[': '(', ']': ')', '{': '(', '}': ')', '｛': '(', '｝': ')',
	'〘': '(', '〙': ')', '〚': '(', '〛': ')', '⦅': '(', '⦆': ')',
	'—': '-', '–': '-', '―': '-', '─': '-', '－': '-', '‐': '-', '‑': '-', '‒': '-', '﹣': '-',
	'・': '·', '•': '·', '‧': '·', '･': '·', '∙': '·',
	'～': '~', '〜': '~',
}

// foldTable holds the folding of every rune in the Basic Multilingual Plane:
// 0 means "unchanged", a positive value is the replacement rune, a negative
// value -(i+1) points at expansions[i] (which may be empty: the rune is
// dropped). Runes outside the BMP use foldWide.
type foldTable struct {
	bmp        [0x10000]int32
	expansions []string
	wide       map[rune]string
}

var (
	tableOnce sync.Once
	table     *foldTable
)

func loadTable() *foldTable {
	tableOnce.Do(func() { table = buildTable() })
	return table
}

// parseOpenCC reads an OpenCC text dictionary ("key\tvalue [value…]") and
// keeps single-rune keys with their first (preferred) single-rune value.
func parseOpenCC(data string, into map[rune]rune) {
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		key, vals, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		first, _, _ := strings.Cut(vals, " ")
		k, ks := utf8.DecodeRuneInString(key)
		v, vs := utf8.DecodeRuneInString(first)
		if ks != len(key) || vs != len(first) || k == utf8.RuneError || v == utf8.RuneError {
			continue
		}
		into[k] = v
	}
}

func buildTable() *foldTable {
	variants := map[rune]rune{}
	parseOpenCC(hkVariantsRev, variants)
	parseOpenCC(twVariantsRev, variants)
	t2s := map[rune]rune{}
	parseOpenCC(tsCharacters, t2s)
	simplified := map[rune]bool{}
	for _, s := range t2s {
		simplified[s] = true
	}
	toSimplified := func(r rune) rune {
		// A character that is already the simplified form of another
		// stays itself: the Taiwan variant table would turn 么 into 幺.
		if simplified[r] {
			return r
		}
		if v, ok := variants[r]; ok {
			r = v
		}
		if s, ok := t2s[r]; ok {
			return s
		}
		return r
	}

	t := &foldTable{wide: map[rune]string{}}
	fold := func(r rune) (string, bool) {
		switch {
		case r == 0xE010: // LawRefBook uses this private-use character as a decimal point
			return ".", true
		case r >= 0xE000 && r <= 0xF8FF, r >= 0xF0000: // other private-use characters are stray
			return "", true
		case r == 0x200B || r == 0x200C || r == 0x200D || r == 0xFEFF || r == 0x00AD:
			return "", true
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				return string(r + 'a' - 'A'), true
			}
			if r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' {
				return " ", true
			}
			if p, ok := punctFold[r]; ok {
				return string(p), true
			}
			return "", false
		case unicode.IsSpace(r):
			return " ", true
		}
		if p, ok := punctFold[r]; ok {
			return string(p), true
		}
		var b strings.Builder
		s := string(r)
		if !norm.NFKC.IsNormalString(s) {
			s = norm.NFKC.String(s)
		}
		for _, c := range s {
			if p, ok := punctFold[c]; ok {
				c = p
			}
			c = unicode.ToLower(c)
			c = toSimplified(c)
			b.WriteRune(c)
		}
		out := b.String()
		return out, out != string(r)
	}
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		out, changed := fold(r)
		if !changed || separatorOnly(r, out) {
			continue
		}
		if o, size := utf8.DecodeRuneInString(out); size == len(out) && size > 0 {
			t.bmp[r] = o
			continue
		}
		t.expansions = append(t.expansions, out)
		t.bmp[r] = -int32(len(t.expansions))
	}
	// Supplementary planes: CJK extensions with traditional forms, the
	// compatibility ideographs supplement and mathematical alphanumerics.
	for _, rt := range []*unicode.RangeTable{unicode.Han, unicode.Nd, unicode.L} {
		for _, r32 := range rt.R32 {
			for r := rune(r32.Lo); r <= rune(r32.Hi); r += rune(r32.Stride) {
				if r < 0x10000 {
					continue
				}
				if out, changed := fold(r); changed {
					t.wide[r] = out
				}
			}
		}
	}
	return t
}

// isSeparator reports whether r only separates terms: it is no Chinese
// character, letter, digit or kept symbol, and not the decimal point.
func isSeparator(r rune) bool {
	return !IsHan(r) && !unicode.IsLetter(r) && !unicode.IsNumber(r) && !isSymbol(r) && r != '.'
}

// separatorOnly reports whether folding r to out would only turn one
// separator into another (，→ , “ → " 〔 → ( …). Such folds change no term,
// so they are skipped: a simplified text with Chinese punctuation then
// folds to itself, without copying.
func separatorOnly(r rune, out string) bool {
	if out == "" || !isSeparator(r) {
		return false
	}
	for _, c := range out {
		if !isSeparator(c) {
			return false
		}
	}
	return true
}

// foldRune returns the folded form of r and whether it differs from r.
func (t *foldTable) foldRune(r rune) (string, rune, bool) {
	if r < 0x10000 {
		v := t.bmp[r]
		switch {
		case v == 0:
			return "", r, false
		case v > 0:
			return "", rune(v), true
		default:
			return t.expansions[-v-1], -1, true
		}
	}
	if r >= 0xF0000 { // supplementary private-use planes
		return "", -1, true
	}
	if s, ok := t.wide[r]; ok {
		return s, -1, true
	}
	return "", r, false
}

// Folded is a text after folding (width, case, traditional→simplified,
// punctuation variants, stray private-use characters), together with the
// map from byte offsets in Text back to byte offsets in the original.
type Folded struct {
	// Text is the folded text.
	Text string
	// start[i] and end[i] are the original byte range of the rune that
	// produced folded byte i; nil when folding changed nothing.
	start, end []int32
	origLen    int
}

// Fold folds s for matching: full-width and compatibility forms become their
// NFKC equivalents (９８．７９％ → 98.79%), traditional characters become
// simplified (法治政府建設 → 法治政府建设), letters become lower case, and
// private-use characters are dropped (U+E010, a decimal point in some law
// texts, becomes '.'). Punctuation and spaces only separate terms, so their
// variants (，and ,, 〔 and [) are left as they are: they match alike
// anyway. Offsets of the result map back to s through Orig.
func Fold(s string) Folded { return fold(s, true) }

// fold folds s; with offsets false it skips the offset map (Orig then
// must not be used).
func fold(s string, offsets bool) Folded {
	t := loadTable()
	// Fast path: find the first rune that changes.
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if t.bmp[c] != 0 {
				break
			}
			i++
			continue
		}
		r, size := decodeRune(s, i)
		if r < 0x10000 && r != utf8.RuneError {
			if t.bmp[r] != 0 {
				break
			}
		} else if _, _, changed := t.foldRune(r); changed || r == utf8.RuneError {
			break
		}
		i += size
	}
	if i == len(s) {
		return Folded{Text: s, origLen: len(s)}
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	if !offsets {
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				b.WriteString("\uFFFD")
			} else if exp, single, changed := t.foldRune(r); !changed {
				b.WriteString(s[i : i+size])
			} else if single >= 0 {
				b.WriteRune(single)
			} else {
				b.WriteString(exp)
			}
			i += size
		}
		return Folded{Text: b.String(), origLen: len(s)}
	}
	start := make([]int32, 0, len(s)+1)
	end := make([]int32, 0, len(s)+1)
	for j := 0; j < i; j++ {
		start = append(start, int32(j))
		end = append(end, int32(j+1))
	}
	// A multi-byte rune that is kept whole maps every byte to its own range.
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		var out string
		if r == utf8.RuneError && size <= 1 {
			out = "\uFFFD"
		} else if exp, single, changed := t.foldRune(r); !changed {
			out = s[i : i+size]
		} else if single >= 0 {
			out = string(single)
		} else {
			out = exp
		}
		b.WriteString(out)
		for k := 0; k < len(out); k++ {
			start = append(start, int32(i))
			end = append(end, int32(i+size))
		}
		i += size
	}
	return Folded{Text: b.String(), start: start, end: end, origLen: len(s)}
}

// Orig maps the folded byte range [s, e) back to the original text.
func (f *Folded) Orig(s, e int) (int, int) {
	if f.start == nil {
		return s, e
	}
	if s >= len(f.start) {
		return f.origLen, f.origLen
	}
	os := int(f.start[s])
	if e <= s {
		return os, os
	}
	return os, int(f.end[e-1])
}

// FoldString returns only the folded text of s.
func FoldString(s string) string {
	f := fold(s, false)
	return f.Text
}
