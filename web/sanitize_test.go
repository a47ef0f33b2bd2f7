package web

import (
	"encoding/json"
	"testing"
)

func TestStripControls(t *testing.T) {
	in := "a\x00b\x07c\td\ne\x1bf\x7fg\u0085h\u009fi\u00a0j中\r"
	if got, want := string(stripControls([]byte(in))), "abc\td\nefgh"+"i\u00a0j中"; got != want {
		t.Errorf("stripControls: %q, want %q", got, want)
	}
	if got := cleanText(in); got != "abc\td\nefghi\u00a0j中" {
		t.Errorf("cleanText: %q", got)
	}
}

// The JSON filter drops escaped and raw control characters from strings
// and nothing else: an escaped backslash followed by "u0007" is text.
func TestStripControlsJSON(t *testing.T) {
	v := map[string]any{"t": "a\x00b\x07c\td\ne\x1bf\u0085g\u2028h\b\f\r", `k\u0007`: `x\u0007\"y`, "n": 1.5}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out := stripControlsJSON(raw)
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	want := map[string]any{"t": "abc\td\nefg\u2028h", `k\u0007`: `x\u0007\"y`, "n": 1.5}
	if len(got) != len(want) || got["t"] != want["t"] || got[`k\u0007`] != want[`k\u0007`] || got["n"] != want["n"] {
		t.Errorf("got %q from %s", got, out)
	}
	// The first byte to strip may be a raw C1 or DEL character, before
	// any backslash; a text with none comes back as it is.
	raw, _ = json.Marshal([]string{"国务院\u0085通知\x7f", "引号\"与\n换行\u0007"})
	out = stripControlsJSON(raw)
	var list []string
	if err := json.Unmarshal(out, &list); err != nil || len(list) != 2 || list[0] != "国务院通知" || list[1] != "引号\"与\n换行" {
		t.Errorf("got %q (%v) from %s", list, err, raw)
	}
	plain := []byte(`{"title":"国务院关于优化营商环境的意见","n":3}`)
	if out := stripControlsJSON(plain); string(out) != string(plain) {
		t.Errorf("%s became %s", plain, out)
	}
}
