package analyzer

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// lexicon is the government word list shipped with gongkai: slogans,
// abbreviations and terms of art that the general dictionary splits
// (放管服, 双随机, 一网通办 …). One word per line, optionally followed by a
// frequency; lines starting with # are comments.
//
//go:embed data/lexicon.txt
var lexicon string

// DefaultLexiconFreq is the frequency given to lexicon words that name none.
// It is high enough that the segmenter keeps the word whole instead of
// splitting it into characters.
const DefaultLexiconFreq = 20000

var (
	segOnce   sync.Once
	seg       *dict
	segErr    error
	segLoaded atomic.Bool

	extraMu       sync.Mutex
	extraLexicons []string
)

// AddLexiconFile adds a word list (same format as the shipped lexicon) to be
// loaded with the dictionary. It must be called before the first use of the
// word layer (Load, Words or anything that indexes or searches); later calls
// return an error.
func AddLexiconFile(path string) error {
	if segLoaded.Load() {
		return fmt.Errorf("add lexicon %s: dictionary already loaded", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read lexicon: %w", err)
	}
	if _, _, err := parseLexicon(string(b)); err != nil {
		return fmt.Errorf("lexicon %s: %w", path, err)
	}
	extraMu.Lock()
	extraLexicons = append(extraLexicons, string(b))
	extraMu.Unlock()
	return nil
}

// parseLexicon reads a word list: words (folded, as the segmenter sees
// text) and their frequencies.
func parseLexicon(text string) ([]string, []float64, error) {
	var words []string
	var freqs []float64
	sc := bufio.NewScanner(strings.NewReader(text))
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fields := strings.Fields(s)
		freq := DefaultLexiconFreq
		if len(fields) > 1 {
			f, err := strconv.Atoi(fields[1])
			if err != nil || f <= 0 {
				return nil, nil, fmt.Errorf("line %d: frequency %q is not a positive number", line, fields[1])
			}
			freq = f
		}
		words = append(words, FoldString(fields[0]))
		freqs = append(freqs, float64(freq))
	}
	return words, freqs, sc.Err()
}

// Load loads the segmenter dictionary — gse's simplified-Chinese
// dictionary, precompiled (see dict.go), with the government lexicon and
// any lexicon files added on top — if it is not loaded yet. It takes a few
// tens of milliseconds. It is safe to call from several goroutines.
func Load() error {
	segOnce.Do(func() {
		d, err := loadDict(dictData)
		if err != nil {
			segErr = err
			return
		}
		extraMu.Lock()
		lists := append([]string{lexicon}, extraLexicons...)
		extraMu.Unlock()
		// Lexicon words come first: their frequencies win over the
		// dictionary's, as when gse loads the lexicon before its own.
		for _, l := range lists {
			words, freqs, err := parseLexicon(l)
			if err != nil {
				segErr = fmt.Errorf("lexicon: %w", err)
				return
			}
			d.addWords(words, freqs)
		}
		seg = d
		segLoaded.Store(true)
	})
	return segErr
}

// Loaded reports whether the dictionary has been loaded.
func Loaded() bool { return segLoaded.Load() }

// segmenter returns the loaded dictionary. A dictionary that fails to load
// is a broken build (it is embedded), so it panics.
func segmenter() *dict {
	if err := Load(); err != nil {
		panic("gongkai/analyzer: " + err.Error())
	}
	return seg
}

// analysisVersion changes whenever the code that turns text into terms
// changes in a way that changes the terms.
const analysisVersion = "1"

// Fingerprint identifies how text becomes index terms: the analysis code
// version, the folding tables and the lexicons (stopwords only shape
// queries). An index built under another fingerprint must be rebuilt.
func Fingerprint() string {
	h := sha256.New()
	extraMu.Lock()
	parts := append([]string{analysisVersion, tsCharacters, hkVariantsRev, twVariantsRev, lexicon}, extraLexicons...)
	extraMu.Unlock()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
