package search

import (
	"testing"
)

// A question reads each term's postings once: a bigram shared by two of
// its words (监管 of 市场监管 and of 监管) is one term of their summed
// weight.
func TestQuestionTermsOnce(t *testing.T) {
	q := mustParse(t, "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见")
	q.Question, q.QuestionText = true, q.PlainText()
	p, err := newPlan(q, DefaultRanking())
	if err != nil {
		t.Fatal(err)
	}
	terms := p.query.Must[0].(*Terms).Terms
	seen := map[[2]string]float64{}
	for _, wt := range terms {
		k := [2]string{wt.Field, wt.Term}
		if _, ok := seen[k]; ok {
			t.Errorf("%s:%s twice", wt.Field, wt.Term)
		}
		seen[k] = wt.Weight
	}
	if w, bi := seen[[2]string{FieldBodyGrams, "监管"}], DefaultRanking().BigramWeight; w != 2*bi {
		t.Errorf("bigram 监管 weighs %v, want %v (two words hold it)", w, 2*bi)
	}
}

func TestSumRepeated(t *testing.T) {
	got := sumRepeated([]WeightedTerm{{"body", "a", 1}, {"body_bi", "a", 0.5}, {"body", "b", 1}, {"body", "a", 0.25}})
	want := []WeightedTerm{{"body", "a", 1.25}, {"body_bi", "a", 0.5}, {"body", "b", 1}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
