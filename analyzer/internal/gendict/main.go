// Command gendict compiles gse's embedded simplified-Chinese dictionary
// into the compact trie the analyzer loads (analyzer/data/dict.bin):
//
//	go generate ./analyzer
//
// Run it again after upgrading gse. The government lexicon is not baked in
// (it is applied on top at load time), so editing it needs no regeneration.
package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"sort"
	"unicode"

	"github.com/go-ego/gse"
)

type node struct {
	children map[rune]*node
	freq     uint32
}

func main() {
	out := "data/dict.bin"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	var seg gse.Segmenter
	seg.SkipLog = true
	seg.NotLoadHMM = true
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		fatal(err)
	}
	root := &node{}
	words := 0
	for i := range seg.Dict.Tokens {
		tok := &seg.Dict.Tokens[i]
		text := tok.Text()
		han := true
		for _, r := range text {
			if !unicode.Is(unicode.Han, r) {
				han = false
			}
		}
		// Only runs of Chinese characters are segmented; other words can
		// never match, but their frequencies stay in the total.
		if !han || text == "" {
			continue
		}
		f := tok.Freq()
		if f < 1 || f > math.MaxUint32 || f != math.Trunc(f) {
			fatal(fmt.Errorf("word %q has frequency %v", text, f))
		}
		n := root
		for _, r := range text {
			if n.children == nil {
				n.children = map[rune]*node{}
			}
			c := n.children[r]
			if c == nil {
				c = &node{}
				n.children[r] = c
			}
			n = c
		}
		if n.freq == 0 {
			n.freq = uint32(f)
			words++
		}
	}
	// Breadth-first layout: the children of a node are contiguous and
	// sorted by rune.
	var labels, first, count, freq []uint32
	type item struct {
		n     *node
		label rune
	}
	queue := []item{{root, 0}}
	labels = append(labels, 0)
	first = append(first, 0)
	count = append(count, 0)
	freq = append(freq, 0)
	for qi := 0; qi < len(queue); qi++ {
		it := queue[qi]
		keys := make([]rune, 0, len(it.n.children))
		for r := range it.n.children {
			keys = append(keys, r)
		}
		sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
		first[qi] = uint32(len(labels))
		count[qi] = uint32(len(keys))
		for _, r := range keys {
			c := it.n.children[r]
			queue = append(queue, item{c, r})
			labels = append(labels, uint32(r))
			first = append(first, 0)
			count = append(count, 0)
			freq = append(freq, c.freq)
		}
	}
	f, err := os.Create(out)
	if err != nil {
		fatal(err)
	}
	w := func(v any) {
		if err := binary.Write(f, binary.LittleEndian, v); err != nil {
			fatal(err)
		}
	}
	w([]byte("GKDICT1\n"))
	w(seg.Dict.TotalFreq())
	w(uint32(len(labels)))
	w(labels)
	w(first)
	w(count)
	w(freq)
	if err := f.Close(); err != nil {
		fatal(err)
	}
	fmt.Printf("%d words, %d nodes, total frequency %.0f → %s\n", words, len(labels), seg.Dict.TotalFreq(), out)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gendict:", err)
	os.Exit(1)
}
