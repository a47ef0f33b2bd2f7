package indexer

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// sameAsJSON checks decodeRecord against encoding/json on one line: where
// it decodes, it decodes what json.Unmarshal does, and it never decodes
// a line json.Unmarshal refuses.
func sameAsJSON(t *testing.T, line []byte) (decoded bool) {
	t.Helper()
	var want, got Record
	err := json.Unmarshal(line, &want)
	if !decodeRecord(line, &got) {
		return false
	}
	if err != nil {
		t.Fatalf("%q: decoded, but encoding/json says %v", line, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %+v\nwant %+v", line, got, want)
	}
	return true
}

// recordSeeds are the test corpus's lines and lines of every awkward
// kind: escapes, nulls, case-folded keys, nested and bad values.
func recordSeeds(t testing.TB) [][]byte {
	f, err := os.Open(filepath.Join("..", "testdata", "corpus", "tests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	for _, s := range []string{
		`{"id":"a","title":"标题","body":"第一行\n第二行\t\"引号\" \\ \/ \u4e2d\u6587 \ud83d\ude00","year":2024}`,
		`{"id":"a","year":"2024","raw_page_text":true,"date":null,"extra":[1,2]}`,
		`{"id":"a","year":null,"raw_page_text":null,"x":{"y":1},"n":-1.5e+3,"t":true,"f":false,"z":null}`,
		` { "id" : "a" , "Title" : "大小写" } `,
		`{"id":"a","titl\u0065":"escaped key"}`,
		`{"id":"a","title":"lone \ud800 half"}`,
		`{"id":"a","title":"bad` + "\xff" + `utf8"}`,
		`{"id":"a","title":"ctl` + "\x01" + `"}`,
		`{"id":"a","year":"二〇二四"}`, `{"id":"a","year":true}`, `{"id":"a","year":01}`,
		`{"id":"a","title":1}`, `{"id":null}`, `{"id":"a",}`, `{"id":"a"} x`, `[]`, `{}`, ``,
		`{"id":"a","title":"dup","title":null}`, `{"id":"a","n":1.}`, `{"id":"a","n":-}`,
		`{"id":"a","ſource":"kelvin and long s fold"}`,
	} {
		lines = append(lines, []byte(s))
	}
	return lines
}

func TestDecodeRecordAsJSON(t *testing.T) {
	decoded := 0
	lines := recordSeeds(t)
	for _, line := range lines {
		if sameAsJSON(t, line) {
			decoded++
		}
	}
	// Every line of the test corpus takes the fast path.
	if decoded < 48 {
		t.Errorf("decoded %d of %d lines, want the test corpus's 48 at least", decoded, len(lines))
	}
}

func FuzzDecodeRecord(f *testing.F) {
	for _, line := range recordSeeds(f) {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line []byte) { sameAsJSON(t, line) })
}

// BenchmarkDecodeRecord compares the one-pass decoding with encoding/json.
func BenchmarkDecodeRecord(b *testing.B) {
	lines := recordSeeds(b)[:48]
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	b.Run("one-pass", func(b *testing.B) {
		b.SetBytes(int64(n))
		for b.Loop() {
			for _, l := range lines {
				var r Record
				decodeRecord(l, &r)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(n))
		for b.Loop() {
			for _, l := range lines {
				var r Record
				_ = json.Unmarshal(l, &r)
			}
		}
	})
}
