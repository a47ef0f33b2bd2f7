package compare

import (
	"testing"

	"github.com/gongkai/gongkai/analyzer"
)

// BenchmarkCompareLong compares a 61,000-character judicial
// interpretation with its amendment (testdata/compare/minsu.jsonl).
func BenchmarkCompareLong(b *testing.B) {
	old, rev := doc(b, "lrb-e1f3df84fb"), doc(b, "lrb-6c658c3428")
	if err := analyzer.Load(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		Compare(old, rev)
	}
}

// BenchmarkComparePlans compares the State Council's plans of 2024 and
// 2025.
func BenchmarkComparePlans(b *testing.B) {
	a, c := doc(b, "gwrn-2024"), doc(b, "gwrn-2025")
	if err := analyzer.Load(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		ComparePlans(a, c)
	}
}
