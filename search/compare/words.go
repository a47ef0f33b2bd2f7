package compare

import (
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/gongkai/gongkai/analyzer"
)

// Segment is a run of a sentence's text that is the same on both sides,
// or only on this side (Op Removed on side A, Added on side B). The text
// is plain, not escaped; the renderer escapes it.
type Segment struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// piece is a word of a sentence (as the analyzer segments it) or a run of
// what lies between words (punctuation, spaces), with its folded form.
type piece struct {
	text, key string
}

// pieces cuts s into words and the stretches between them. Words are the
// analyzer's word layer, so a diff speaks in Chinese words, not bytes; of
// tokens at one position (98.79 and 98.79%) the longer is kept.
func pieces(s string) []piece {
	var out []piece
	at := 0
	gap := func(end int) {
		for at < end {
			_, n := utf8.DecodeRuneInString(s[at:])
			out = append(out, piece{s[at : at+n], normalize(s[at : at+n])})
			at += n
		}
	}
	toks := analyzer.Words(s)
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		for k+1 < len(toks) && toks[k+1].Position == t.Position {
			k++
			if toks[k].End > t.End {
				t = toks[k]
			}
		}
		if t.Start < at {
			continue
		}
		gap(t.Start)
		out = append(out, piece{s[t.Start:t.End], t.Term})
		at = t.End
	}
	gap(len(s))
	return out
}

// codeRune is the rune that stands for the k-th distinct piece in the
// diff: private-use code points, so every code is a valid rune.
func codeRune(k int) rune {
	if k < 0xF8FF-0xE000 {
		return rune(0xE000 + k)
	}
	return rune(0xF0000 + k)
}

// wordDiff compares two sentences word by word (go-diff's Myers diff over
// the words) and returns each side as segments: side A's text with what B
// lacks marked Removed, side B's with what A lacks marked Added.
func wordDiff(a, b string) (sa, sb []Segment) {
	pa, pb := pieces(a), pieces(b)
	codes := map[string]rune{}
	encode := func(ps []piece) []rune {
		rs := make([]rune, len(ps))
		for k, p := range ps {
			c, ok := codes[p.key]
			if !ok {
				c = codeRune(len(codes))
				codes[p.key] = c
			}
			rs[k] = c
		}
		return rs
	}
	ra, rb := encode(pa), encode(pb)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // sentences are short; always the exact diff
	diffs := dmp.DiffMainRunes(ra, rb, false)
	diffs = absorbSmallEqualities(diffs)

	ia, ib := 0, 0
	add := func(segs []Segment, op, text string) []Segment {
		if n := len(segs); n > 0 && segs[n-1].Op == op {
			segs[n-1].Text += text
			return segs
		}
		return append(segs, Segment{Op: op, Text: text})
	}
	for _, d := range diffs {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for k := 0; k < n; k++ {
				sa = add(sa, Same, pa[ia+k].text)
				sb = add(sb, Same, pb[ib+k].text)
			}
			ia, ib = ia+n, ib+n
		case diffmatchpatch.DiffDelete:
			for k := 0; k < n; k++ {
				sa = add(sa, Removed, pa[ia+k].text)
			}
			ia += n
		case diffmatchpatch.DiffInsert:
			for k := 0; k < n; k++ {
				sb = add(sb, Added, pb[ib+k].text)
			}
			ib += n
		}
	}
	return sa, sb
}

// absorbSmallEqualities turns an equality of one piece (的, a comma)
// between two replacements (text removed and text added on both of its
// sides) into part of one replacement, so that a rewritten clause reads as
// one change instead of a comb of small ones.
func absorbSmallEqualities(diffs []diffmatchpatch.Diff) []diffmatchpatch.Diff {
	// replaces reports whether the edits ending before (or starting
	// after) index k both remove and add text.
	replaces := func(k, step int) bool {
		del, ins := false, false
		for ; k >= 0 && k < len(diffs) && diffs[k].Type != diffmatchpatch.DiffEqual; k += step {
			del = del || diffs[k].Type == diffmatchpatch.DiffDelete
			ins = ins || diffs[k].Type == diffmatchpatch.DiffInsert
		}
		return del && ins
	}
	var out []diffmatchpatch.Diff
	changed := false
	for k, d := range diffs {
		if d.Type == diffmatchpatch.DiffEqual && utf8.RuneCountInString(d.Text) == 1 && replaces(k-1, -1) && replaces(k+1, 1) {
			out = append(out, diffmatchpatch.Diff{Type: diffmatchpatch.DiffDelete, Text: d.Text}, diffmatchpatch.Diff{Type: diffmatchpatch.DiffInsert, Text: d.Text})
			changed = true
			continue
		}
		out = append(out, d)
	}
	if !changed {
		return diffs
	}
	// Regroup: all removals of a run of edits first, then all additions.
	var merged []diffmatchpatch.Diff
	for k := 0; k < len(out); {
		if out[k].Type == diffmatchpatch.DiffEqual {
			merged = append(merged, out[k])
			k++
			continue
		}
		var del, ins string
		for ; k < len(out) && out[k].Type != diffmatchpatch.DiffEqual; k++ {
			if out[k].Type == diffmatchpatch.DiffDelete {
				del += out[k].Text
			} else {
				ins += out[k].Text
			}
		}
		merged = append(merged, diffmatchpatch.Diff{Type: diffmatchpatch.DiffDelete, Text: del}, diffmatchpatch.Diff{Type: diffmatchpatch.DiffInsert, Text: ins})
	}
	return merged
}

// labelledWordDiff is wordDiff for sentences that may open with a heading
// number (第三条, （二）): when both do, the numbers are left out of the
// comparison and kept as unchanged text, since renumbering is reported
// for the section.
func labelledWordDiff(a, b string) (sa, sb []Segment) {
	ra, rb := stripLabel(a), stripLabel(b)
	la, lb := a[:len(a)-len(ra)], b[:len(b)-len(rb)]
	if la == "" || lb == "" {
		return wordDiff(a, b)
	}
	sa, sb = wordDiff(ra, rb)
	sa = append([]Segment{{Op: Same, Text: la}}, sa...)
	sb = append([]Segment{{Op: Same, Text: lb}}, sb...)
	return sa, sb
}
