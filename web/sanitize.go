package web

import (
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// isControl reports whether r is a control character that must not reach
// a page, a feed or an export: C0 except tab and newline, DEL, and C1.
// Documents can carry them (NUL, BEL, ESC from a broken source page);
// HTML and XML make most of them parse errors and terminals act on them.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7f && r <= 0x9f)
}

// cleanText removes control characters from s.
func cleanText(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

// stripControls removes control characters from UTF-8 markup (a page or
// a feed) in place. A C1 character is the two bytes C2 80–C2 9F; 0xC2 is
// never a continuation byte, so a byte scan is exact for valid UTF-8.
func stripControls(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c < 0x20 && c != '\t' && c != '\n', c == 0x7f:
			continue
		case c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f:
			i++
			continue
		}
		out = append(out, c)
	}
	return out
}

// stripControlsJSON removes control characters from the output of
// encoding/json: its escapes of C0 characters other than \t and \n
// (\u0000-style, \b, \f, \r) and of DEL, and raw C1 characters, which it
// leaves as they are. Outside strings JSON has no such bytes, and
// the escapes are recognised only inside strings, after an unescaped
// backslash, so the result stays valid JSON with the same structure.
func stripControlsJSON(b []byte) []byte {
	// Nothing to strip before the first backslash, DEL or C1 lead byte;
	// outside strings JSON has none, so there a string is open.
	first := 0
	for first < len(b) && b[first] != '\\' && b[first] != 0x7f && b[first] != 0xc2 {
		first++
	}
	if first == len(b) {
		return b
	}
	out := make([]byte, first, len(b))
	copy(out, b[:first])
	inString := true
	for i := first; i < len(b); i++ {
		c := b[i]
		if !inString {
			if c == '"' {
				inString = true
			}
			out = append(out, c)
			continue
		}
		switch {
		case c == '"':
			inString = false
		case c == '\\' && i+1 < len(b):
			switch b[i+1] {
			case 'u':
				if i+5 < len(b) {
					if r, ok := hex4(b[i+2 : i+6]); ok && isControl(r) {
						i += 5
						continue
					}
				}
			case 'b', 'f', 'r': // backspace, form feed, carriage return
				i++
				continue
			}
			out = append(out, c, b[i+1])
			i++
			continue
		case c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f,
			c < 0x20 && c != '\t' && c != '\n', c == 0x7f:
			if c == 0xc2 {
				i++
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	var v [2]byte
	if _, err := hex.Decode(v[:], b); err != nil {
		return 0, false
	}
	return rune(v[0])<<8 | rune(v[1]), true
}

// truncateRunes shortens s to at most n runes, ending with "…" when cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}
