package analyzer

import (
	"math/rand"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"９８．７９％", "98.79%"},
		{"法治政府建設", "法治政府建设"},
		{"中華人民共和國憲法", "中华人民共和国宪法"},
		{"衞生", "卫生"}, // Hong Kong variant → standard traditional → simplified
		{"産業", "产业"},
		{"国发〔2019〕5号", "国发〔2019〕5号"}, // separators stay as they are
		{"国发［２０１９］５号", "国发［2019］5号"},
		{"深化“放管服”改革，网上", "深化“放管服”改革，网上"},
		{"ＰＭ２．５", "pm2.5"},
		{"2\ue0105米", "2.5米"},
		{"C919", "c919"},
		{"２０２２年", "2022年"},
		{"公司不给加班费怎么办", "公司不给加班费怎么办"}, // simplified text is left alone
		{"吃饭温度税收", "吃饭温度税收"},
	}
	for _, c := range cases {
		if got := FoldString(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Folding leaves the Chinese characters of a simplified text alone.
func TestFoldKeepsSimplified(t *testing.T) {
	for _, r := range readTestdata(t, "seed.txt") {
		if IsHan(r) {
			if got := FoldString(string(r)); got != string(r) {
				t.Errorf("Fold(%q) = %q in a simplified text", r, got)
			}
		}
	}
}

// Offsets of folded text must map back to the original characters.
func TestFoldOffsets(t *testing.T) {
	in := "网上办占比９８．７９％，法治政府建設"
	f := Fold(in)
	i := strings.Index(f.Text, "98.79%")
	s, e := f.Orig(i, i+len("98.79%"))
	if got := in[s:e]; got != "９８．７９％" {
		t.Errorf("98.79%% maps back to %q", got)
	}
	i = strings.Index(f.Text, "建设")
	s, e = f.Orig(i, i+len("建设"))
	if got := in[s:e]; got != "建設" {
		t.Errorf("建设 maps back to %q", got)
	}
}

func terms(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

func hasTerm(toks []Token, term string) bool {
	for _, t := range toks {
		if t.Term == term {
			return true
		}
	}
	return false
}

func TestWordsNumbersStayWhole(t *testing.T) {
	text := "深化“放管服”改革，网上办占比98.79%，新增67.38万户，2022年完成"
	toks := Words(text)
	for _, want := range []string{"放管服", "98.79", "98.79%", "67.38万", "2022年", "2022"} {
		if !hasTerm(toks, want) {
			t.Errorf("Words(%q) lacks %q: %v", text, want, terms(toks))
		}
	}
	for _, bad := range []string{"98", "79", "67", "38"} {
		if hasTerm(toks, bad) {
			t.Errorf("Words(%q) splits the number: has %q", text, bad)
		}
	}
	for _, tok := range toks {
		if got := FoldString(text[tok.Start:tok.End]); got != tok.Term {
			t.Errorf("token %q has offsets of %q", tok.Term, text[tok.Start:tok.End])
		}
	}
}

func TestWordsLexicon(t *testing.T) {
	for text, word := range map[string]string{
		"推进新质生产力发展":    "新质生产力",
		"大力发展低空经济":     "低空经济",
		"持续优化营商环境":     "营商环境",
		"推广渝快码应用":      "渝快码",
		"推行首违免罚清单":     "首违免罚",
		"坚持和发展新时代枫桥经验": "枫桥经验",
		"实现一网通办":       "一网通办",
	} {
		if toks := Words(text); !hasTerm(toks, word) {
			t.Errorf("Words(%q) = %v, want the word %q", text, terms(toks), word)
		}
	}
}

// Traditional and full-width input gives the same terms as its simplified,
// half-width form.
func TestWordsFoldBeforeSegmenting(t *testing.T) {
	pairs := [][2]string{
		{"法治政府建設", "法治政府建设"},
		{"網上辦占比９８．７９％", "网上办占比98.79%"},
		{"中華人民共和國國務院", "中华人民共和国国务院"},
	}
	for _, p := range pairs {
		a, b := terms(Words(p[0])), terms(Words(p[1]))
		if strings.Join(a, "|") != strings.Join(b, "|") {
			t.Errorf("Words(%q) = %v but Words(%q) = %v", p[0], a, p[1], b)
		}
	}
}

// positions indexes a token stream: term → positions.
type positions map[string]map[int]bool

func index(toks []Token) positions {
	at := positions{}
	for _, t := range toks {
		if at[t.Term] == nil {
			at[t.Term] = map[int]bool{}
		}
		at[t.Term][t.Position] = true
	}
	return at
}

// matches runs a phrase against an indexed token stream the way bleve's
// phrase searcher does: every slot at consecutive positions.
func matches(at positions, slots []string) bool {
	for p := range at[slots[0]] {
		ok := true
		for i := 1; i < len(slots); i++ {
			if !at[slots[i]][p+i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func TestPhraseExamples(t *testing.T) {
	text := readTestdata(t, "seed.txt")
	grams := index(Grams(text))
	found := []string{"九龙", "龙坡区坚持", "九龙坡区", "放管服", "深化“放管服”改革", "双随机、一公开",
		"日期:2023-03-23", "2022年", "年,九龙", "2023年成功创建", "(二)加强法治政府建设组织领导", "法治政府建設", "２０２２年"}
	for _, q := range found {
		slots := PhraseSlots(q)
		if slots == nil || !matches(grams, slots) {
			t.Errorf("phrase %q (slots %v) not found in the seed", q, slots)
		}
	}
	absent := []string{"九龙坡区政府坚持", "放管服改革", "双随机一公开", "2022年年", "坡区坚持以人民"}
	for _, q := range absent {
		if slots := PhraseSlots(q); slots != nil && matches(grams, slots) {
			t.Errorf("phrase %q (slots %v) matched the seed, which does not contain it", q, slots)
		}
	}
}

// Every run of 2–12 Chinese characters cut from a document is found as a
// phrase, and a run changed by one character is found only if the text
// really contains it.
func TestPhraseFindability(t *testing.T) {
	for _, name := range []string{"seed.txt", "gwr1954_trad.txt"} {
		text := readTestdata(t, name)
		grams := index(Grams(text))
		folded := FoldString(text)
		var runs [][]rune
		var cur []rune
		for _, r := range text + "。" {
			if IsHan(r) {
				cur = append(cur, r)
				continue
			}
			if len(cur) >= 2 {
				runs = append(runs, cur)
			}
			cur = nil
		}
		rng := rand.New(rand.NewSource(1))
		for i := 0; i < 1000; i++ {
			run := runs[rng.Intn(len(runs))]
			n := 2 + rng.Intn(11)
			if n > len(run) {
				n = len(run)
			}
			start := rng.Intn(len(run) - n + 1)
			q := string(run[start : start+n])
			if !matches(grams, PhraseSlots(q)) {
				t.Fatalf("%s: run %q not found", name, q)
			}
			// Change one character: it must match only if the folded text contains it.
			alt := []rune(q)
			alt[rng.Intn(len(alt))] = []rune("的一是在不了有和人这中大为上个国我以要他")[rng.Intn(20)]
			aq := string(alt)
			if got, want := matches(grams, PhraseSlots(aq)), strings.Contains(folded, FoldString(aq)); got != want {
				t.Fatalf("%s: phrase %q matched=%v, text contains it=%v", name, aq, got, want)
			}
		}
	}
}

func TestSingleChar(t *testing.T) {
	if c, ok := SingleChar("稅"); !ok || c != "税" {
		t.Errorf("SingleChar(稅) = %q, %v", c, ok)
	}
	if _, ok := SingleChar("税收"); ok {
		t.Error("SingleChar(税收) is true")
	}
}

func TestGramOffsets(t *testing.T) {
	text := readTestdata(t, "gwr1954_trad.txt")
	for _, tok := range Grams(text) {
		if !utf8.ValidString(text[tok.Start:tok.End]) {
			t.Fatalf("token %q has offsets inside a character", tok.Term)
		}
		if got := FoldString(text[tok.Start:tok.End]); got != tok.Term {
			t.Fatalf("token %q covers %q", tok.Term, text[tok.Start:tok.End])
		}
	}
}

func BenchmarkWords(b *testing.B) {
	text := readTestdata(b, "seed.txt")
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		Words(text)
	}
}

func BenchmarkGrams(b *testing.B) {
	text := readTestdata(b, "seed.txt")
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		Grams(text)
	}
}

// UnitSpans maps gram positions back to the text the grams came from.
func TestUnitSpans(t *testing.T) {
	text := readTestdata(t, "gwr1954_trad.txt")
	spans := UnitSpans(text)
	for _, tok := range Grams(text) {
		sp := spans[tok.Position-1]
		end := sp[1]
		if tok.Kind == Bigram {
			end = spans[tok.Position][1]
		}
		if int(sp[0]) != tok.Start || int(end) != tok.End {
			t.Fatalf("token %q at %d: spans give [%d,%d), token has [%d,%d)", tok.Term, tok.Position, sp[0], end, tok.Start, tok.End)
		}
	}
}

// The indexing forms (AppendWordTerms, AppendGramTerms, FoldString) give
// exactly the terms of Words, GramsUnits and Fold.
func TestTermsMatchTokens(t *testing.T) {
	for _, name := range []string{"seed.txt", "gwr1954_trad.txt"} {
		text := readTestdata(t, name)
		texts := append(strings.Split(text, "\n"), text, "", "９８．７９％ 國發〔2019〕5號 ＡＢＣ\u200b\ue010x")
		for _, s := range texts {
			if got, want := FoldString(s), Fold(s).Text; got != want {
				t.Fatalf("FoldString(%q) = %q, Fold gives %q", s, got, want)
			}
			var want []string
			for _, tok := range Words(s) {
				want = append(want, tok.Term)
			}
			if got := AppendWordTerms(nil, s); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("%s: AppendWordTerms differs from Words:\n%v\n%v", name, got, want)
			}
			toks, n := GramsUnits(s)
			terms, pos, m := AppendGramTerms([]string{"x"}, []int32{7}, s, 10)
			if m != n || len(terms) != len(toks)+1 || len(pos) != len(terms) {
				t.Fatalf("%s: AppendGramTerms gives %d terms over %d units, GramsUnits %d over %d", name, len(terms)-1, m, len(toks), n)
			}
			for i, tok := range toks {
				if terms[i+1] != tok.Term || pos[i+1] != int32(tok.Position+10) {
					t.Fatalf("%s: gram %d: %q at %d, GramsUnits %q at %d", name, i, terms[i+1], pos[i+1], tok.Term, tok.Position)
				}
			}
		}
	}
}

func BenchmarkWordTerms(b *testing.B) {
	text := readTestdata(b, "seed.txt")
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var terms []string
	for i := 0; i < b.N; i++ {
		terms = AppendWordTerms(terms[:0], text)
	}
}

func BenchmarkGramTerms(b *testing.B) {
	text := readTestdata(b, "seed.txt")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var terms []string
	var pos []int32
	for i := 0; i < b.N; i++ {
		terms, pos, _ = AppendGramTerms(terms[:0], pos[:0], text, 0)
	}
}

// decodeRune decodes exactly as utf8.DecodeRuneInString, valid or not.
func TestDecodeRune(t *testing.T) {
	inputs := []string{"a", "中", "\xe4\xb8", "\xe4\xb8\xad\xff", "\xed\xa0\x80", "\xe0\x80\xaf", "\xef\xbf\xbd", "\xf0\x9f\x98\x80", "\xc3\xa9", "\xff", "\x80\x80\x80", "\xe4\x41\x41"}
	for _, s := range inputs {
		for i := range len(s) {
			r, n := decodeRune(s, i)
			wr, wn := utf8.DecodeRuneInString(s[i:])
			if r != wr || n != wn {
				t.Errorf("decodeRune(%q, %d) = %U %d, want %U %d", s, i, r, n, wr, wn)
			}
		}
	}
	for r := rune(0); r < 0x110000; r += 7 {
		s := string(r)
		if got, n := decodeRune(s, 0); got != []rune(s)[0] || n != len(s) {
			t.Fatalf("decodeRune(%U) = %U %d", r, got, n)
		}
	}
}

func BenchmarkUnits(b *testing.B) {
	text := readTestdata(b, "seed.txt")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		unitsOf(text) // Units would answer from its cache
	}
}
