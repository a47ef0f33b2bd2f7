package analyzer

import (
	"container/list"
	"sync"
	"sync/atomic"
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
//
// Entries leave least recently used first, approximately: a hit marks
// its entry used (an atomic flag, no reordering under the lock), and an
// entry at the back that was used since it was last there goes to the
// front again instead of leaving (the "second chance" of CLOCK).
type unitCache struct {
	mu    sync.Mutex
	size  int
	ll    *list.List // front: most recently put or given a second chance
	items map[unitCacheKey]*list.Element
}

type unitCacheKey struct {
	p *byte
	n int
}

type unitCacheEntry struct {
	key  unitCacheKey
	text string
	// units is nil once the entry has left the cache, so that a
	// UnitSlot that still points at the entry keeps no units alive.
	units atomic.Pointer[[]Unit]
	used  atomic.Bool
	size  int // what put counted for it
}

// recentUnits is the cache Units uses.
var recentUnits = &unitCache{ll: list.New(), items: map[unitCacheKey]*list.Element{}}

func keyOf(text string) unitCacheKey { return unitCacheKey{unsafe.StringData(text), len(text)} }

// get returns the units kept for text.
func (c *unitCache) get(text string) ([]Unit, bool) {
	if e := c.entry(text); e != nil {
		return e.hit()
	}
	return nil, false
}

// entry returns the entry for text, or nil.
func (c *unitCache) entry(text string) *unitCacheEntry {
	c.mu.Lock()
	e, ok := c.items[keyOf(text)]
	c.mu.Unlock()
	if !ok {
		return nil
	}
	return e.Value.(*unitCacheEntry)
}

// units returns the units of text, kept when the text is long enough
// (Units), and the entry that keeps them (nil when none does).
func (c *unitCache) units(text string) ([]Unit, *unitCacheEntry) {
	if len(text) < unitCacheMinBytes {
		return unitsOf(text), nil
	}
	if e := c.entry(text); e != nil {
		if us, ok := e.hit(); ok {
			return us, e
		}
	}
	us := unitsOf(text)
	return us, c.put(text, us)
}

// hit returns the entry's units, if it still holds them, and marks it
// used.
func (e *unitCacheEntry) hit() ([]Unit, bool) {
	us := e.units.Load()
	if us == nil {
		return nil, false
	}
	if !e.used.Load() { // a store only when it changes: hits share entries
		e.used.Store(true)
	}
	return *us, true
}

// put keeps the units of text, letting go of the least recently used
// beyond unitCacheBytes, and returns the entry that holds them (nil when
// they are too large to keep).
func (c *unitCache) put(text string, us []Unit) *unitCacheEntry {
	// The entry keeps its text alive too; list element, entry and map
	// slot take about 160 bytes.
	size := 40*len(us) + len(text) + 160
	if size > unitCacheBytes/4 {
		return nil
	}
	k := keyOf(text)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		return e.Value.(*unitCacheEntry)
	}
	ent := &unitCacheEntry{key: k, text: text, size: size}
	ent.units.Store(&us)
	c.items[k] = c.ll.PushFront(ent)
	c.size += size
	chances := 0
	for c.size > unitCacheBytes && c.ll.Len() > 0 {
		last := c.ll.Back()
		old := last.Value.(*unitCacheEntry)
		if old.used.Load() && old != ent && chances < maxChances {
			old.used.Store(false)
			c.ll.MoveToFront(last)
			chances++
			continue
		}
		c.ll.Remove(last)
		delete(c.items, old.key)
		old.units.Store(nil)
		c.size -= old.size
	}
	return ent
}

// maxChances bounds the second chances one put gives, and so the time it
// holds the lock, when most entries have been used since they were put.
const maxChances = 16

// UnitSlot remembers where Units keeps the units of one text, for a
// caller that holds the text for long and analyses it again and again
// (a paragraph of a document the engine keeps decoded): it finds them
// without a lookup in the shared cache, which, taken for every candidate
// paragraph of every shown document, was a sixth of locating a query. The
// zero value is an empty slot. A slot is safe for concurrent use; it
// keeps no units alive once the cache has let them go.
type UnitSlot struct {
	e atomic.Pointer[unitCacheEntry]
}

// Known returns the units of text if the slot holds them: text must be
// the text the slot is for.
func (s *UnitSlot) Known(text string) ([]Unit, bool) {
	e := s.e.Load()
	if e == nil || e.key != keyOf(text) {
		return nil, false
	}
	return e.hit()
}

// Units returns Units(text), keeping where they are in the slot.
func (s *UnitSlot) Units(text string) []Unit {
	if us, ok := s.Known(text); ok {
		return us
	}
	us, e := recentUnits.units(text)
	if e != nil {
		s.e.Store(e)
	}
	return us
}
