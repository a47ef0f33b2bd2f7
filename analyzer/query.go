package analyzer

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
)

//go:embed data/stopwords.txt
var stopwordList string

var (
	stopOnce  sync.Once
	stopMu    sync.RWMutex
	stopwords map[string]bool
)

// IsStopword reports whether the folded word w is a function word or a
// question frame (的, 怎么办, 是否 …) that question mode drops.
func IsStopword(w string) bool {
	loadStopwords()
	stopMu.RLock()
	defer stopMu.RUnlock()
	return stopwords[w]
}

// AddStopwords adds words to the list question mode drops.
func AddStopwords(words ...string) {
	loadStopwords()
	stopMu.Lock()
	defer stopMu.Unlock()
	for _, w := range words {
		if w = FoldString(strings.TrimSpace(w)); w != "" {
			stopwords[w] = true
		}
	}
}

func loadStopwords() {
	stopOnce.Do(func() {
		stopwords = map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(stopwordList))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			for _, f := range strings.Fields(line) {
				stopwords[FoldString(f)] = true
			}
		}
	})
}

// ContentWords returns the distinct words of a question that carry its
// meaning, in order: the word layer of text without function words,
// question frames and single symbols. Numbers with a unit are kept in their
// measured form (2022年), not twice.
func ContentWords(text string) []string {
	var out []string
	seen := map[string]bool{}
	toks := Words(text)
	for i, t := range toks {
		// A bare number followed by its measured form at the same position
		// is left to the measured form.
		if t.Kind == Number && i+1 < len(toks) && toks[i+1].Position == t.Position {
			continue
		}
		if IsStopword(t.Term) || seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		out = append(out, t.Term)
	}
	return out
}

// questionMarkers are the frames that make a run of text a question.
var questionMarkers = []string{"怎么", "如何", "怎样", "什么", "为什么", "为何", "吗", "呢", "是否", "能否", "可否",
	"能不能", "可不可以", "哪些", "哪里", "哪个", "多少", "多久", "有没有", "是不是", "会不会", "要不要", "?", "？", "请问"}

// LooksLikeQuestion reports whether text, typed without spaces, reads as a
// question or a sentence rather than a keyword: it has a question frame, or
// it is long (nine or more Chinese characters).
func LooksLikeQuestion(text string) bool {
	for _, m := range questionMarkers {
		if strings.Contains(text, m) {
			return true
		}
	}
	n := 0
	for _, r := range text {
		if IsHan(r) {
			n++
		}
	}
	return n >= 9
}
