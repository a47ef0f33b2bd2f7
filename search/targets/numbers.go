package targets

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// unit is a unit of measure: the family it belongs to and its size in the
// family's base unit. Values compare only within a family.
type unit struct {
	family string
	scale  float64
}

// Unit families.
const (
	familyPercent = "percent"
	familyPoints  = "points" // 个百分点: a difference of rates, never a target's value
	familyPeople  = "people"
	familyWeight  = "weight" // base: 斤
	familyMoney   = "money"  // base: 元
	familyDollars = "dollars"
	familyDensity = "density"  // 微克/立方米
	familyPerHead = "per-head" // 万元/人
)

// units are the units values are written in, folded.
var units = map[string]unit{
	"%":    {familyPercent, 1},
	"个百分点": {familyPoints, 1},
	"人":    {familyPeople, 1},
	"万人":   {familyPeople, 1e4},
	"亿人":   {familyPeople, 1e8},
	// 农村贫困人口减少1000万以上: a count of people without 人.
	"万":      {familyPeople, 1e4},
	"斤":      {familyWeight, 1},
	"万斤":     {familyWeight, 1e4},
	"亿斤":     {familyWeight, 1e8},
	"万亿斤":    {familyWeight, 1e12},
	"公斤":     {familyWeight, 2},
	"吨":      {familyWeight, 2000},
	"万吨":     {familyWeight, 2e7},
	"亿吨":     {familyWeight, 2e11},
	"元":      {familyMoney, 1},
	"万元":     {familyMoney, 1e4},
	"亿元":     {familyMoney, 1e8},
	"万亿元":    {familyMoney, 1e12},
	"美元":     {familyDollars, 1},
	"亿美元":    {familyDollars, 1e8},
	"万亿美元":   {familyDollars, 1e12},
	"微克/立方米": {familyDensity, 1},
	"微克每立方米": {familyDensity, 1},
	"元/人":    {familyPerHead, 1},
	"万元/人":   {familyPerHead, 1e4},
}

// unitAlternation matches any unit, longest first.
var unitAlternation = func() string {
	var us []string
	for u := range units {
		us = append(us, u)
	}
	return literalAlternation(us)
}()

// numberPattern is a number as reports write it, with its unit and the
// words around it: 5%左右, 1200万人以上, 6%-6.5%, 1100多万人, 4.5%以内.
// Groups: value, 多/余, unit, high end of a range, its unit, the word after.
var numberPattern = `(\d+(?:\.\d+)?)(多|余)?(` + unitAlternation + `)?(?:(?:-|－|—|–|―|‒|~|～|〜|至|到)+(\d+(?:\.\d+)?)(` + unitAlternation + `)?)?(左右|上下|以上|以内|以下|之内|内|多)?`

// cnPercentRe is a percentage in Chinese numerals, as older reports write
// them: 百分之八, 百分之六点七, 百分之八至九, 百分之四至百分之五.
var cnPercentRe = regexp.MustCompile(`百分之([零〇一二两三四五六七八九十百点]+)(?:(至|到)(?:百分之)?([零〇一二两三四五六七八九十百点]+))?`)

// arabicPercents rewrites Chinese-numeral percentages in Arabic numerals:
// 百分之八至九 → 8%至9%.
func arabicPercents(s string) string {
	if !strings.Contains(s, "百分之") {
		return s
	}
	return cnPercentRe.ReplaceAllStringFunc(s, func(m string) string {
		g := cnPercentRe.FindStringSubmatch(m)
		lo, ok := cnNumber(g[1])
		if !ok {
			return m
		}
		out := formatNumber(lo) + "%"
		if g[3] != "" {
			hi, ok := cnNumber(g[3])
			if !ok {
				return m
			}
			out += g[2] + formatNumber(hi) + "%"
		}
		return out
	})
}

// cnNumber reads a number in Chinese numerals below a thousand, with an
// optional decimal part: 十五 → 15, 六点七 → 6.7, 一百二十 → 120.
func cnNumber(s string) (float64, bool) {
	digit := func(r rune) int { return strings.IndexRune("零一二三四五六七八九", r) / 3 }
	intPart, frac, hasFrac := strings.Cut(s, "点")
	n, cur := 0, -1
	for _, r := range intPart {
		switch r {
		case '〇':
			cur = 0
		case '两':
			cur = 2
		case '十':
			if cur < 0 {
				cur = 1
			}
			n += cur * 10
			cur = -1
		case '百':
			if cur < 0 {
				return 0, false
			}
			n += cur * 100
			cur = -1
		default:
			d := digit(r)
			if d < 0 {
				return 0, false
			}
			cur = d
		}
	}
	if cur > 0 {
		n += cur
	}
	if intPart == "" && !hasFrac {
		return 0, false
	}
	v := float64(n)
	if hasFrac {
		if frac == "" {
			return 0, false
		}
		scale := 0.1
		for _, r := range frac {
			d := digit(r)
			if r == '〇' {
				d = 0
			}
			if d < 0 {
				return 0, false
			}
			v += float64(d) * scale
			scale /= 10
		}
	}
	return math.Round(v*1e6) / 1e6, true
}

// formatNumber writes v without trailing zeros: 5, 5.5, 1.39.
func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
