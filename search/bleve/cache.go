package bleve

import (
	"container/list"
	"sync"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// docCache keeps recently shown documents decoded, up to a size: long
// reports and laws come back in result after result, and reading,
// decompressing and decoding them was a fifth of a search.
type docCache struct {
	mu    sync.Mutex
	max   int
	size  int
	ll    *list.List // front: most recent
	items map[string]*list.Element
	// gen counts removals: a document read before a write or delete
	// committed must not be put after the write removed it.
	gen uint64
}

type cacheEntry struct {
	id   string
	doc  *search.Document
	size int
}

func newDocCache(max int) *docCache {
	return &docCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *docCache) get(id string) *search.Document {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[id]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*cacheEntry).doc
	}
	return nil
}

// generation returns the count of removals, for put.
func (c *docCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps d, read from the index when the cache was at generation gen;
// it does nothing if documents were removed since (d may be the version
// a write has just replaced).
func (c *docCache) put(id string, d *search.Document, gen uint64) {
	size := 256 + 8*len(d.Sections) // with the section lengths decoding counts
	for _, p := range d.Paragraphs {
		size += 2*len(p.Text) + 60 + analyzer.CharFilterBytes // and the paragraph's character filter, unit slot and section
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if e, ok := c.items[id]; ok {
		c.size -= e.Value.(*cacheEntry).size
		c.ll.Remove(e)
	}
	c.items[id] = c.ll.PushFront(&cacheEntry{id, d, size})
	c.size += size
	for c.size > c.max && c.ll.Len() > 1 {
		last := c.ll.Back()
		ent := last.Value.(*cacheEntry)
		c.ll.Remove(last)
		delete(c.items, ent.id)
		c.size -= ent.size
	}
}

func (c *docCache) remove(ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range ids {
		if e, ok := c.items[id]; ok {
			c.size -= e.Value.(*cacheEntry).size
			c.ll.Remove(e)
			delete(c.items, id)
		}
	}
}
