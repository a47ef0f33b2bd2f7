package commitments

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/search"
)

// How a name as a user types it (九龙坡区, 浙江, 国务院办公厅) becomes a
// government. The candidates are the agencies that the 机关: filter
// selects for the name — those that contain it — among the documents with
// plan sections. A government is all the agencies with one key: the name
// without 人民政府/政府 and without the 省/市/自治区 after a province or city
// (浙江省人民政府, 浙江省政府 → 浙江); an office (办公厅) is an agency of its
// own, so 国务院办公厅 is not 国务院. When no agency contains the name as
// typed, its key is tried (浙江省政府 → 浙江). Of the candidates, the first of these
// that holds for exactly one government wins:
//  1. an agency is the name as typed (国务院 among 国务院, 国务院办公厅);
//  2. the government's key is the name's key (浙江, 浙江省 → 浙江省人民政府;
//     重庆 → 重庆市人民政府, not 重庆市九龙坡区人民政府);
//  3. the key ends with the name, maybe with 区/县/市/新区 added, right after
//     a 省/市/区/县 (九龙坡, 九龙坡区 → 重庆市九龙坡区人民政府);
//  4. there is only one candidate.
// Otherwise the name is ambiguous (朝阳区 in two cities) and
// ResolveAgency says which governments it could mean.

var (
	// govSuffixRe is what a government's name ends with beyond its place.
	govSuffixRe = regexp.MustCompile(`(?:人民政府|政府)$`)
	// regionSuffixRe is the rank of a province or city after its name.
	regionSuffixRe = regexp.MustCompile(`(?:(?:壮族|回族|维吾尔)?自治区|特别行政区|省|市)$`)
	// unitSuffixRe is what may follow a place's name typed short: 九龙坡 → 九龙坡区.
	unitSuffixRe = regexp.MustCompile(`^(?:区|县|市|新区|自治县|旗)?$`)
)

// ErrNoGovernment is returned for a name that no government with plans has.
var ErrNoGovernment = errors.New("no government with plans has this name")

// AmbiguousError is returned for a name that several governments have.
type AmbiguousError struct {
	Name       string
	Candidates []string // the governments, as their documents name them
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q names several governments: %s", e.Name, strings.Join(e.Candidates, ", "))
}

// governmentKey is what identifies a government across its documents.
func governmentKey(agency string) string {
	k := strings.TrimSpace(agency)
	if t := govSuffixRe.ReplaceAllString(k, ""); t != "" {
		k = t
	}
	if t := regionSuffixRe.ReplaceAllString(k, ""); utf8.RuneCountInString(t) >= 2 {
		k = t
	}
	return k
}

// agencySuffixes are what AgencyCore cuts.
var agencySuffixes = []string{"人民政府办公厅", "人民政府办公室", "人民政府", "政府办公厅", "政府办公室", "政府"}

// AgencyCore returns the place an agency name is about, for asking the
// index with an agency filter: 上海市人民政府 → 上海市, 上海市人民政府办公厅
// → 上海市, 国务院 → 国务院. Whether two names are the same government is
// SameAgency's to say (an office is not its government).
func AgencyCore(a string) string {
	a = strings.TrimSpace(a)
	for _, s := range agencySuffixes {
		if strings.HasSuffix(a, s) && len(a) > len(s) {
			return strings.TrimSuffix(a, s)
		}
	}
	return a
}

// SameAgency reports whether two agency names name the same government:
// 上海市人民政府, 上海市 and 上海 do; 上海市 and 上海市浦东新区 do not, nor do
// 国务院 and 国务院办公厅.
func SameAgency(a, b string) bool {
	ka, kb := governmentKey(a), governmentKey(b)
	return ka != "" && ka == kb
}

// government is a resolved government: its key, its name as most of its
// documents give it.
type government struct {
	key, name string
}

// candidate is a government the name may mean, with the agency names its
// plan documents give.
type candidate struct {
	key   string
	names map[string]int
}

func (c *candidate) name() string {
	best, n := "", -1
	for a, k := range c.names {
		if k > n || k == n && a < best {
			best, n = a, k
		}
	}
	return best
}

// ResolveAgency returns the government that name means, as its documents
// name it (see the rules at the top of this file): ErrNoGovernment when no
// government with plans has the name, an *AmbiguousError when several do.
func ResolveAgency(ctx context.Context, idx search.Index, name string) (string, error) {
	g, err := (&Tracker{Index: idx}).resolve(ctx, name)
	return g.name, err
}

func (t *Tracker) resolve(ctx context.Context, name string) (government, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return government{}, ErrNoGovernment
	}
	cands, err := t.candidates(ctx, name)
	if err != nil {
		return government{}, err
	}
	if k := governmentKey(name); len(cands) == 0 && k != name {
		// 浙江省政府: no agency contains it, but 浙江 is contained.
		if cands, err = t.candidates(ctx, k); err != nil {
			return government{}, err
		}
	}
	if len(cands) == 0 {
		return government{}, ErrNoGovernment
	}
	nameKey := governmentKey(name)
	tiers := []func(c *candidate) bool{
		func(c *candidate) bool { return c.names[name] > 0 },
		func(c *candidate) bool { return c.key == nameKey },
		func(c *candidate) bool { return endsWithPlace(c.key, nameKey) },
		func(*candidate) bool { return len(cands) == 1 },
	}
	for _, tier := range tiers {
		var hit []*candidate
		for _, c := range cands {
			if tier(c) {
				hit = append(hit, c)
			}
		}
		if len(hit) == 1 {
			return government{key: hit[0].key, name: hit[0].name()}, nil
		}
		if len(hit) > 1 {
			return government{}, ambiguous(name, hit)
		}
	}
	all := make([]*candidate, 0, len(cands))
	for _, c := range cands {
		all = append(all, c)
	}
	return government{}, ambiguous(name, all)
}

// candidates are the governments with plans among the agencies that the
// 机关: filter selects for name (those that contain it).
func (t *Tracker) candidates(ctx context.Context, name string) (map[string]*candidate, error) {
	cands := map[string]*candidate{}
	q := &search.Query{Filters: search.Filters{Agency: []string{name}, Role: []string{search.RolePlan}}}
	for page := 1; page <= search.MaxPage; page++ {
		res, err := t.Index.Search(ctx, q, &search.Request{Page: page, Size: search.MaxSize, Sort: search.SortDate, Mode: search.ModeDocuments})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			k := governmentKey(h.Agency)
			if k == "" {
				continue
			}
			c := cands[k]
			if c == nil {
				c = &candidate{key: k, names: map[string]int{}}
				cands[k] = c
			}
			c.names[h.Agency]++
		}
		if len(res.Hits) < search.MaxSize || page*search.MaxSize >= res.Total {
			break
		}
	}
	return cands, nil
}

func ambiguous(name string, cs []*candidate) error {
	e := &AmbiguousError{Name: name}
	for _, c := range cs {
		e.Candidates = append(e.Candidates, c.name())
	}
	sort.Strings(e.Candidates)
	return e
}

// endsWithPlace reports whether key ends with the place name, maybe
// followed by its rank (九龙坡 + 区), right after a higher place's rank:
// 重庆市九龙坡区 ends with 九龙坡区 after 市.
func endsWithPlace(key, name string) bool {
	if name == "" {
		return false
	}
	for i := strings.Index(key, name); i > 0; {
		before, _ := utf8.DecodeLastRuneInString(key[:i])
		if strings.ContainsRune("省市区县州盟", before) && unitSuffixRe.MatchString(key[i+len(name):]) {
			return true
		}
		j := strings.Index(key[i+len(name):], name)
		if j < 0 {
			break
		}
		i += len(name) + j
	}
	return false
}

// Government is a government with plans: its name as its documents give
// it and the years its plans are about.
type Government struct {
	Agency string `json:"agency"`
	Years  []int  `json:"years"` // newest first
}

// Governments lists every government that has plan sections, by name,
// each with the years its plans are about.
func Governments(ctx context.Context, idx search.Index) ([]Government, error) {
	cands := map[string]*candidate{}
	years := map[string]map[int]bool{}
	err := eachDocument(ctx, idx, search.Filters{Role: []string{search.RolePlan}}, func(d *search.Document) error {
		k := governmentKey(d.Agency)
		if k == "" {
			return nil
		}
		c := cands[k]
		if c == nil {
			c = &candidate{key: k, names: map[string]int{}}
			cands[k] = c
			years[k] = map[int]bool{}
		}
		c.names[d.Agency]++
		for _, y := range planYears(d) {
			years[k][y] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []Government{}
	for k, c := range cands {
		g := Government{Agency: c.name()}
		for y := range years[k] {
			g.Years = append(g.Years, y)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(g.Years)))
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Agency < out[j].Agency })
	return out, nil
}

// years are the years government g's plans are about, newest first.
func (t *Tracker) years(ctx context.Context, g government) ([]int, error) {
	seen := map[int]bool{}
	docs, err := t.documents(ctx, g, search.Filters{Role: []string{search.RolePlan}})
	if err != nil {
		return nil, err
	}
	var out []int
	for _, d := range docs {
		for _, y := range planYears(d) {
			if !seen[y] {
				seen[y] = true
				out = append(out, y)
			}
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out, nil
}
