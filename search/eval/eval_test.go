package eval

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScore(t *testing.T) {
	rel := map[string]bool{"a": true, "b": true}
	r10, r20, r100, hit, mrr, ndcg := Score([]string{"x", "a", "y", "b"}, rel)
	if !near(r10, 1) || !near(r20, 1) || !near(r100, 1) || !near(hit, 1) || !near(mrr, 0.5) {
		t.Errorf("recall %v %v %v hit %v mrr %v", r10, r20, r100, hit, mrr)
	}
	want := (1/math.Log2(3) + 1/math.Log2(5)) / (1 + 1/math.Log2(3))
	if !near(ndcg, want) {
		t.Errorf("ndcg %v, want %v", ndcg, want)
	}
	ranked := make([]string, 30)
	for i := range ranked {
		ranked[i] = "z"
	}
	ranked[15] = "a"
	r10, r20, _, hit, mrr, ndcg = Score(ranked, rel)
	if r10 != 0 || !near(r20, 0.5) || hit != 0 || mrr != 0 || ndcg != 0 {
		t.Errorf("a at 16: r10 %v r20 %v hit %v mrr %v ndcg %v", r10, r20, hit, mrr, ndcg)
	}
}

func TestConvertSTARD(t *testing.T) {
	in := `{"id": "STARD-R00001", "name": "劳动法第四十四条", "law": "劳动法", "law_title": "中华人民共和国劳动法", "article": "第四十四条", "category": "社会法", "text": "有下列情形之一的，用人单位应当按照下列标准支付高于劳动者正常工作时间工资的工资报酬。"}` + "\n"
	var out bytes.Buffer
	n, err := ConvertSTARD(strings.NewReader(in), &out, false)
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	var rec map[string]string
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["id"] != "STARD-R00001" || rec["title"] != "中华人民共和国劳动法 第四十四条" || !strings.HasPrefix(rec["body"], "有下列情形") {
		t.Errorf("converted %v", rec)
	}
	out.Reset()
	if _, err := ConvertSTARD(strings.NewReader(in), &out, true); err != nil || !strings.Contains(out.String(), `"title":"STARD-R00001"`) {
		t.Errorf("text-only: %s %v", out.String(), err)
	}
	if _, err := ConvertSTARD(strings.NewReader("{bad\n"), &out, false); err == nil {
		t.Error("bad line accepted")
	}
}

// Associations link a question word to the words of the articles judged
// relevant, when enough questions agree, and rank the rarer word higher.
func TestLearnAssociations(t *testing.T) {
	docs := map[string]string{
		"d1": "用人单位应当支付劳动报酬。",
		"d2": "用人单位拖欠劳动报酬的，应当支付。",
		"d3": "婚姻自由。",
		"d4": "用人单位应当依法建立规章制度。",
	}
	qs := []Query{
		{ID: "1", Text: "老板不发工资怎么办"},
		{ID: "2", Text: "老板拖欠工资怎么办"},
		{ID: "3", Text: "结婚自由吗"},
	}
	qrels := Qrels{"1": {"d1": true}, "2": {"d2": true}, "3": {"d3": true}}
	table := LearnAssociations(qs, qrels, docs, AssocOptions{MinPair: 2, TopK: 5})
	got := map[string]float64{}
	for _, e := range table["老板"] {
		got[e.Word] = e.Weight
	}
	if got["劳动报酬"] == 0 || got["用人单位"] == 0 || got["劳动报酬"] <= got["用人单位"] {
		t.Errorf("老板 → %v", table["老板"])
	}
	if len(table["结婚"]) != 0 {
		t.Errorf("an association backed by one question: %v", table["结婚"])
	}
	var buf bytes.Buffer
	if err := WriteExpansions(&buf, "test", table); err != nil || !strings.Contains(buf.String(), "老板\t劳动报酬:1") {
		t.Errorf("written: %q %v", buf.String(), err)
	}
}
