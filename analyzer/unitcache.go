package analyzer

import (
	"container/list"
	"sync"
	"unsafe"
)

// unitCacheBytes bounds the units Units keeps for texts it has seen (40
// bytes a unit: the units of about 2.5 MB of Chinese text).
const unitCacheBytes = 32 << 20

// unitCacheMinBytes is the shortest text whose units are kept: shorter
// ones cost less to analyse again than to look up. Most paragraphs of
// government documents are short (a third of the locator's time went to
// paragraphs under 256 bytes, the bound before).
const unitCacheMinBytes = 32

// unitCache keeps the units of recently analysed texts, by the text's
// memory: the paragraphs of the documents a search shows come back in
// search after search (the engines keep those documents decoded), and
// finding their units was a third of a search. An entry holds its text,
// so the memory cannot be reused for another text while the entry lives:
// the same address and length mean the same text.
type unitCache struct {
	mu    sync.Mutex
	size  int
	ll    *list.List // front: most recent
	items map[unitCacheKey]*list.Element
}

type unitCacheKey struct {
	p *byte
	n int
}

type unitCacheEntry struct {
	key   unitCacheKey
	text  string
	units []Unit
	size  int // what put counted for it
}

// recentUnits is the cache Units uses.
var recentUnits = &unitCache{ll: list.New(), items: map[unitCacheKey]*list.Element{}}

func keyOf(text string) unitCacheKey { return unitCacheKey{unsafe.StringData(text), len(text)} }

// get returns the units kept for text.
func (c *unitCache) get(text string) ([]Unit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[keyOf(text)]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*unitCacheEntry).units, true
}

// put keeps the units of text, letting go of the least recently used
// beyond unitCacheBytes.
func (c *unitCache) put(text string, us []Unit) {
	// The entry keeps its text alive too; list element, entry and map
	// slot take about 160 bytes.
	size := 40*len(us) + len(text) + 160
	if size > unitCacheBytes/4 {
		return
	}
	k := keyOf(text)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	c.items[k] = c.ll.PushFront(&unitCacheEntry{key: k, text: text, units: us, size: size})
	c.size += size
	for c.size > unitCacheBytes && c.ll.Len() > 0 {
		last := c.ll.Back()
		ent := last.Value.(*unitCacheEntry)
		c.ll.Remove(last)
		delete(c.items, ent.key)
		c.size -= ent.size
	}
}
