package analyzer

import "unicode/utf8"

// Parts returns the dictionary words inside a word of three or more
// Chinese characters, as gse's search mode cuts it (拖欠工资 → 拖欠, 工资):
// its two- and three-character stretches that are words themselves, in
// order of their start, without repeats. A question counts a compound by
// its parts too, with less weight than the whole, so that a rare compound
// does not leave its common parts uncounted.
func Parts(word string) []string {
	n := utf8.RuneCountInString(word)
	if n < 3 {
		return nil
	}
	rs := []rune(word)
	for _, r := range rs {
		if !IsHan(r) {
			return nil
		}
	}
	d := segmenter()
	var out []string
	seen := map[string]bool{word: true}
	for i := range rs {
		for _, l := range []int{2, 3} {
			if i+l > n || l >= n {
				continue
			}
			sub := string(rs[i : i+l])
			if seen[sub] {
				continue
			}
			if _, extra := d.extra[sub]; extra || d.lookup(sub) > 0 {
				seen[sub] = true
				out = append(out, sub)
			}
		}
	}
	return out
}
