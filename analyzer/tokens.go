package analyzer

import (
	"unicode"
	"unicode/utf8"
)

// Kind tells what a token is.
type Kind uint8

// The kinds of token the analyzer makes.
const (
	// Word is a word from the segmenter (Chinese text).
	Word Kind = iota
	// Number is a number as written: 98.79, 2022.
	Number
	// Measure is a number with the unit that follows it: 98.79%, 67.38万, 2022年.
	// It is emitted at the same position as the bare Number.
	Measure
	// Latin is a run of letters and digits in another script: c919, pm.
	Latin
	// Symbol is a meaningful symbol such as % or ℃ (gram layer only).
	Symbol
	// Bigram is two adjacent Chinese characters (gram layer).
	Bigram
	// Unigram is a Chinese character at the start or end of a run of Chinese
	// characters (gram layer), so that a phrase may begin or end next to a
	// number or punctuation.
	Unigram
)

var kindNames = [...]string{"word", "number", "measure", "latin", "symbol", "bigram", "unigram"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Token is one term with its place in the original text.
type Token struct {
	// Term is the folded form that is indexed and matched.
	Term string `json:"term"`
	// Start and End are byte offsets in the original (unfolded) text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Position counts from 1; tokens at the same position are alternatives.
	Position int  `json:"position"`
	Kind     Kind `json:"kind"`
}

// MarshalText writes the kind by name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

type unitKind uint8

const (
	uHan unitKind = iota
	uNumber
	uLatin
	uSymbol
)

// unit is one countable piece of folded text: a Chinese character, a number,
// a run of letters, or a symbol. Separators (spaces, punctuation) are not
// units; they only end runs.
type unit struct {
	kind unitKind
	// sep is true when a separator came between this unit and the previous one.
	sep  bool
	s, e int32 // folded byte range
}

// symbols are kept as units: they carry meaning in government statistics.
func isSymbol(r rune) bool {
	switch r {
	case '%', '‰', '℃', '°', '+', '#', '&', '@', '$', '¥', '€', '£', '§', '№', '‱':
		return true
	}
	return false
}

// IsHan reports whether r is a Chinese character.
func IsHan(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	if r >= 0x4E00 && r <= 0x9FFF {
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) with the common cases
// (ASCII, and the three-byte sequences of Chinese characters) decoded
// inline.
func decodeRune(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
		r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
		if r >= 0x800 && (r < 0xD800 || r > 0xDFFF) {
			return r, 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// scanUnits splits folded text into units.
func scanUnits(s string) []unit {
	units := make([]unit, 0, len(s)/3+1)
	sc := unitScanner{s: s}
	for {
		u, _, ok := sc.next()
		if !ok {
			return units
		}
		units = append(units, u)
	}
}

// unitScanner reads the units of a folded text one by one.
type unitScanner struct {
	s   string
	i   int
	sep bool
}

// next returns the next unit and, for a unit of one character, that
// character; ok is false at the end of the text.
func (sc *unitScanner) next() (u unit, r rune, ok bool) {
	s := sc.s
	for sc.i < len(s) {
		i := sc.i
		r, size := decodeRune(s, i)
		switch {
		case IsHan(r):
			u = unit{kind: uHan, s: int32(i), e: int32(i + size), sep: sc.sep}
			sc.i += size
		case '0' <= r && r <= '9':
			j := i + 1
			for j < len(s) {
				c := s[j]
				if '0' <= c && c <= '9' {
					j++
					continue
				}
				// a decimal point joins digits: 98.79
				if c == '.' && j+1 < len(s) && '0' <= s[j+1] && s[j+1] <= '9' {
					j += 2
					continue
				}
				break
			}
			u = unit{kind: uNumber, s: int32(i), e: int32(j), sep: sc.sep}
			sc.i = j
			r = -1
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			j := i + size
			for j < len(s) {
				r2, size2 := decodeRune(s, j)
				if IsHan(r2) || !(unicode.IsLetter(r2) || unicode.IsNumber(r2) || unicode.Is(unicode.Mn, r2)) {
					break
				}
				j += size2
			}
			u = unit{kind: uLatin, s: int32(i), e: int32(j), sep: sc.sep}
			sc.i = j
			if j != i+size {
				r = -1
			}
		case isSymbol(r):
			u = unit{kind: uSymbol, s: int32(i), e: int32(i + size), sep: sc.sep}
			sc.i += size
		default:
			sc.sep = true
			sc.i += size
			continue
		}
		sc.sep = false
		return u, r, true
	}
	return unit{}, 0, false
}

// hanRunEnd returns the index after the run of adjacent Chinese characters
// that starts at units[i].
func hanRunEnd(units []unit, i int) int {
	j := i + 1
	for j < len(units) && units[j].kind == uHan && !units[j].sep {
		j++
	}
	return j
}

// Grams returns the gram layer of text: every pair of adjacent Chinese
// characters (bigrams), the first and last character of every run of Chinese
// characters (unigrams), and numbers, letter runs and symbols whole. Every
// unit of text takes one position, so a quoted phrase matches exactly the
// texts that contain it (see PhraseSlots).
func Grams(text string) []Token {
	toks, _ := GramsUnits(text)
	return toks
}

// GramsUnits returns the gram layer of text and the number of positions
// (units) it takes, so that several texts can share one field with gaps
// between them.
func GramsUnits(text string) ([]Token, int) {
	f := Fold(text)
	units := scanUnits(f.Text)
	toks := make([]Token, 0, len(units)+len(units)/4)
	grams(units, func(s, e, pos int, kind Kind) {
		os, oe := f.Orig(s, e)
		toks = append(toks, Token{Term: f.Text[s:e], Start: os, End: oe, Position: pos, Kind: kind})
	})
	return toks, len(units)
}

// AppendGramTerms appends the terms of the gram layer of text (those of
// GramsUnits, in the same order) to terms and their positions, plus
// base, to positions, and returns both and the number of positions text
// takes. It is GramsUnits for indexing: no offsets, no Token values.
func AppendGramTerms(terms []string, positions []int32, text string, base int32) ([]string, []int32, int) {
	f := fold(text, false)
	units := scanUnits(f.Text)
	grams(units, func(s, e, pos int, _ Kind) {
		terms = append(terms, f.Text[s:e])
		positions = append(positions, base+int32(pos))
	})
	return terms, positions, len(units)
}

// grams calls emit with the folded byte range, position and kind of
// every term of the gram layer of units, in order.
func grams(units []unit, emit func(s, e, pos int, kind Kind)) {
	for i := 0; i < len(units); {
		u := units[i]
		if u.kind != uHan {
			k := Latin
			switch u.kind {
			case uNumber:
				k = Number
			case uSymbol:
				k = Symbol
			}
			emit(int(u.s), int(u.e), i+1, k)
			i++
			continue
		}
		end := hanRunEnd(units, i)
		if end-i == 1 {
			emit(int(u.s), int(u.e), i+1, Unigram)
			i = end
			continue
		}
		emit(int(u.s), int(u.e), i+1, Unigram)
		for j := i; j < end-1; j++ {
			emit(int(units[j].s), int(units[j+1].e), j+1, Bigram)
		}
		emit(int(units[end-1].s), int(units[end-1].e), end, Unigram)
		i = end
	}
}

// PhraseSlots turns a quoted phrase into the terms to look for in the gram
// layer, one slot per position. A document matches when every slot's term
// appears at consecutive positions, which happens exactly when the document
// contains the phrase after folding. It returns nil when text has no units.
func PhraseSlots(text string) []string {
	slots, _ := Phrase(text)
	return slots
}

// Phrase returns the slots of PhraseSlots and the number of units (gram
// positions) a match of the phrase covers in a document, which is one more
// than the slots when the phrase ends with two or more Chinese characters.
func Phrase(text string) (slots []string, n int) {
	f := Fold(text)
	units := scanUnits(f.Text)
	slots = make([]string, 0, len(units))
	for i := 0; i < len(units); {
		u := units[i]
		if u.kind != uHan {
			slots = append(slots, f.Text[u.s:u.e])
			i++
			continue
		}
		end := hanRunEnd(units, i)
		for j := i; j < end-1; j++ {
			slots = append(slots, f.Text[units[j].s:units[j+1].e])
		}
		last := units[end-1]
		// The last character of a run is its own slot (a unigram: the run
		// must end there in the document too) unless the phrase ends with a
		// run of two or more characters, which may go on in the document.
		if end < len(units) || end-i == 1 {
			slots = append(slots, f.Text[last.s:last.e])
		}
		i = end
	}
	if len(slots) == 0 {
		return nil, 0
	}
	return slots, len(units)
}

// SingleChar reports whether text folds to exactly one Chinese character,
// which the gram layer can only find by prefix (every bigram starting with it,
// or the unigram where it ends a run), and returns that character.
func SingleChar(text string) (string, bool) {
	f := Fold(text)
	units := scanUnits(f.Text)
	if len(units) == 1 && units[0].kind == uHan {
		return f.Text[units[0].s:units[0].e], true
	}
	return "", false
}

// measureUnits are the characters that stay with a number before them, so
// that 67.38万 and 2022年 are terms of their own.
var measureUnits = map[rune]bool{}

func init() {
	for _, r := range "万亿千百年月日号元角个件次人项家条款章节岁天倍亩米吨度座所户名辆套台届期批类级周份页位只头" {
		measureUnits[r] = true
	}
}

// Words returns the word layer of text: words from the segmenter for Chinese
// text (with the government lexicon), numbers kept whole (98.79), and numbers
// with their unit (98.79%, 67.38万, 2022年) at the same position as the bare
// number. Offsets point into the original text.
func Words(text string) []Token {
	f := Fold(text)
	units := scanUnits(f.Text)
	toks := make([]Token, 0, len(units)/2+1)
	words(f.Text, units, func(s, e, p int, kind Kind) {
		os, oe := f.Orig(s, e)
		toks = append(toks, Token{Term: f.Text[s:e], Start: os, End: oe, Position: p, Kind: kind})
	})
	return toks
}

// AppendWordTerms appends the terms of the word layer of text (those of
// Words, in the same order) to terms. It is Words for indexing: no
// offsets, positions or Token values.
func AppendWordTerms(terms []string, text string) []string {
	f := fold(text, false)
	units := scanUnits(f.Text)
	words(f.Text, units, func(s, e, _ int, _ Kind) { terms = append(terms, f.Text[s:e]) })
	return terms
}

// words calls emit with the folded byte range, position and kind of every
// term of the word layer of the folded text and its units, in order.
func words(text string, units []unit, emit func(s, e, pos int, kind Kind)) {
	pos := 0
	seg := segmenter()
	var scratch segScratch
	for i := 0; i < len(units); {
		u := units[i]
		switch u.kind {
		case uNumber:
			pos++
			emit(int(u.s), int(u.e), pos, Number)
			if i+1 < len(units) && !units[i+1].sep {
				n := units[i+1]
				r, _ := utf8.DecodeRuneInString(text[n.s:])
				if (n.kind == uHan && measureUnits[r]) || (n.kind == uSymbol && (r == '%' || r == '‰' || r == '℃' || r == '‱')) {
					emit(int(u.s), int(n.e), pos, Measure)
					i += 2
					continue
				}
			}
			i++
		case uLatin:
			pos++
			emit(int(u.s), int(u.e), pos, Latin)
			i++
		case uSymbol:
			i++
		default:
			end := hanRunEnd(units, i)
			base := int(units[i].s)
			seg.segment(text[base:units[end-1].e], &scratch, func(s, e int) {
				pos++
				emit(base+s, base+e, pos, Word)
			})
			i = end
		}
	}
}

// UnitSpans returns, for every position of the gram layer of text (index
// position-1), the byte range in text of the unit at that position: a
// Chinese character, a number, a letter run or a symbol. The index stores
// gram positions without offsets; this maps them back for highlighting.
func UnitSpans(text string) [][2]int32 {
	f := Fold(text)
	units := scanUnits(f.Text)
	out := make([][2]int32, len(units))
	for i, u := range units {
		s, e := f.Orig(int(u.s), int(u.e))
		out[i] = [2]int32{int32(s), int32(e)}
	}
	return out
}
