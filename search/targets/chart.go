package targets

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"strconv"
	"strings"
)

// Chart geometry, in SVG user units (the chart scales to its container).
const (
	chartWidth   = 720
	chartHeight  = 360
	chartLeft    = 64
	chartRight   = 24
	chartTop     = 48
	chartBottom  = 56
	chartMaxYear = 14 // at most this many year labels; more are thinned
)

// Status colours; each status also has its own mark, so the chart reads
// without colour (in print, for colour-blind readers).
var statusColour = map[string]string{Met: "#1a7f37", Missed: "#c62828", NotCompared: "#6b7280"}

// Chart draws a series as a standalone SVG image: the years along the
// bottom, the targets as diamonds (a range as a bar between its ends),
// the results as a line with a mark per year — a filled circle for 达成,
// a cross for 未达成, a hollow circle for 无法比较 — and each mark a link
// to the paragraph it cites. It needs no script, has a <title> and a
// <desc> that say in words what it shows, and prints.
func Chart(s *Series) []byte {
	var b bytes.Buffer
	id := chartID(s)
	title := s.Agency + " " + s.Indicator + "：目标与实际"
	desc := chartDesc(s)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" font-family="'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif" font-size="13">`,
		chartWidth, chartHeight, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#fff"/>`, chartWidth, chartHeight)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold" fill="#111">%s</text>`, chartLeft, esc(title))

	if len(s.Points) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#555">暂无可绘制的目标数据</text></svg>`, chartWidth/2, chartHeight/2)
		return b.Bytes()
	}

	// Scales.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range s.Points {
		lo, hi = math.Min(lo, p.Target), math.Max(hi, p.Target)
		if p.Comparison == Range {
			hi = math.Max(hi, p.TargetHigh)
		}
		if p.Actual != nil {
			lo, hi = math.Min(lo, *p.Actual), math.Max(hi, *p.Actual)
		}
	}
	// A little room above and below, so that no mark sits on the axis.
	pad := (hi - lo) * 0.06
	if pad == 0 {
		pad = math.Max(math.Abs(hi)*0.06, 0.5)
	}
	ticks := niceTicks(lo-pad, hi+pad, 5)
	if lo >= 0 && ticks[0] < 0 {
		ticks = niceTicks(0, hi+pad, 5)
	}
	ymin, ymax := ticks[0], ticks[len(ticks)-1]
	first, last := s.Points[0].Year, s.Points[len(s.Points)-1].Year
	plotW := float64(chartWidth - chartLeft - chartRight)
	plotH := float64(chartHeight - chartTop - chartBottom)
	x := func(year int) float64 {
		if first == last {
			return chartLeft + plotW/2
		}
		return chartLeft + 16 + (plotW-32)*float64(year-first)/float64(last-first)
	}
	y := func(v float64) float64 {
		return chartTop + plotH*(1-(v-ymin)/(ymax-ymin))
	}

	// Axes and grid.
	b.WriteString(`<g stroke="#d0d4da" stroke-width="1">`)
	for _, tv := range ticks {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, chartLeft, y(tv), chartWidth-chartRight, y(tv))
	}
	b.WriteString(`</g><g fill="#333" text-anchor="end">`)
	for _, tv := range ticks {
		fmt.Fprintf(&b, `<text x="%d" y="%.1f">%s</text>`, chartLeft-8, y(tv)+4, esc(formatNumber(roundTo(tv, 6))))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<text x="14" y="%d" fill="#333" transform="rotate(-90 14 %d)" text-anchor="middle">%s</text>`,
		chartTop+int(plotH/2), chartTop+int(plotH/2), esc("单位："+s.Unit))
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#555"/>`, chartLeft, chartTop+plotH, chartWidth-chartRight, chartTop+plotH)
	step := 1
	for (last-first)/step+1 > chartMaxYear {
		step++
	}
	b.WriteString(`<g stroke="#555">`)
	for yr := first; yr <= last; yr++ {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x(yr), chartTop+plotH, x(yr), chartTop+plotH+4)
	}
	b.WriteString(`</g><g fill="#333" text-anchor="middle">`)
	for yr := first; yr <= last; yr += step {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%d</text>`, x(yr), chartTop+plotH+20, yr)
	}
	b.WriteString(`</g>`)

	// The line of results, broken where a year has none.
	var run []string
	flush := func() {
		if len(run) > 1 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="#1f4e9c" stroke-width="2" points="%s"/>`, strings.Join(run, " "))
		}
		run = run[:0]
	}
	prev := 0
	for _, p := range s.Points {
		if p.Actual == nil || prev != 0 && p.Year != prev+1 {
			flush()
		}
		if p.Actual != nil {
			run = append(run, fmt.Sprintf("%.1f,%.1f", x(p.Year), y(*p.Actual)))
			prev = p.Year
		} else {
			prev = 0
		}
	}
	flush()

	// Targets, then results, each with its own tooltip and link.
	for _, p := range s.Points {
		cx := x(p.Year)
		label := fmt.Sprintf("%d年目标：%s（%s）", p.Year, p.TargetPhrase, p.Comparison)
		linkStart(&b, p.TargetLink, label)
		if p.Comparison == Range && p.TargetHigh != p.Target {
			y1, y2 := y(p.Target), y(p.TargetHigh)
			fmt.Fprintf(&b, `<path d="M%.1f %.1fV%.1fM%.1f %.1fh12M%.1f %.1fh12" stroke="#b45309" stroke-width="3" fill="none"/>`,
				cx, y1, y2, cx-6, y1, cx-6, y2)
		} else {
			cy := y(p.Target)
			fmt.Fprintf(&b, `<path d="M%.1f %.1fl7 7l-7 7l-7-7z" fill="#fff" stroke="#b45309" stroke-width="2"/>`, cx, cy-7)
		}
		b.WriteString(`</a>`)
	}
	for _, p := range s.Points {
		if p.Actual == nil {
			continue
		}
		cx, cy := x(p.Year), y(*p.Actual)
		colour := statusColour[p.Status]
		label := fmt.Sprintf("%d年实际：%s%s（%s）", p.Year, formatNumber(roundTo(*p.Actual, 6)), s.Unit, p.Status)
		if p.Reason != "" {
			label += "；" + p.Reason
		}
		linkStart(&b, p.ActualLink, label)
		switch p.Status {
		case Met:
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="5" fill="%s"/>`, cx, cy, colour)
		case Missed:
			fmt.Fprintf(&b, `<path d="M%.1f %.1fl10 10m0-10l-10 10" stroke="%s" stroke-width="3"/>`, cx-5, cy-5, colour)
		default:
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="5" fill="#fff" stroke="%s" stroke-width="2"/>`, cx, cy, colour)
		}
		b.WriteString(`</a>`)
	}

	// Legend.
	ly := chartHeight - 14
	fmt.Fprintf(&b, `<g font-size="12" fill="#333"><path d="M%d %dl6 6l-6 6l-6-6z" fill="#fff" stroke="#b45309" stroke-width="2"/><text x="%d" y="%d">目标</text>`,
		chartLeft+6, ly-10, chartLeft+16, ly)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1f4e9c" stroke-width="2"/><text x="%d" y="%d">实际</text>`,
		chartLeft+60, ly-4, chartLeft+84, ly-4, chartLeft+90, ly)
	fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="5" fill="%s"/><text x="%d" y="%d">达成</text>`, chartLeft+140, ly-4, statusColour[Met], chartLeft+150, ly)
	fmt.Fprintf(&b, `<path d="M%d %dl10 10m0-10l-10 10" stroke="%s" stroke-width="3"/><text x="%d" y="%d">未达成</text>`,
		chartLeft+191, ly-9, statusColour[Missed], chartLeft+206, ly)
	fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="5" fill="#fff" stroke="%s" stroke-width="2"/><text x="%d" y="%d">无法比较</text></g>`,
		chartLeft+266, ly-4, statusColour[NotCompared], chartLeft+276, ly)
	b.WriteString(`</svg>`)
	return b.Bytes()
}

// linkStart starts a link to href (when there is one) with a tooltip.
func linkStart(b *bytes.Buffer, href, label string) {
	if href == "" {
		b.WriteString(`<a>`)
	} else {
		fmt.Fprintf(b, `<a href="%s">`, esc(href))
	}
	fmt.Fprintf(b, `<title>%s</title>`, esc(label))
}

// chartDesc says in words what the chart shows.
func chartDesc(s *Series) string {
	if len(s.Points) == 0 {
		return s.Agency + "没有可绘制的" + s.Indicator + "目标。"
	}
	counts := map[string]int{}
	var years []string
	for _, p := range s.Points {
		counts[p.Status]++
		years = append(years, strconv.Itoa(p.Year))
	}
	first, last := s.Points[0].Year, s.Points[len(s.Points)-1].Year
	d := fmt.Sprintf("%s%d—%d年%d个年度的%s目标（%s）与实际完成数，单位%s：达成%d个，未达成%d个，无法比较%d个。",
		s.Agency, first, last, len(s.Points), s.Indicator, strings.Join(years, "、"), s.Unit, counts[Met], counts[Missed], counts[NotCompared])
	return d
}

func chartID(s *Series) string {
	h := fnv.New32a()
	h.Write([]byte(s.Agency + "\x00" + s.Indicator))
	return fmt.Sprintf("tc%08x", h.Sum32())
}

func esc(s string) string { return html.EscapeString(s) }

func roundTo(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// niceTicks returns about n evenly spaced round values (steps of 1, 2 or
// 5 times a power of ten) that cover [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		pad := math.Max(math.Abs(lo)*0.1, 1)
		lo, hi = lo-pad, hi+pad
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	if start > 0 && start-step < 0 && lo < step {
		start = 0 // rates read best from zero when they are near it
	}
	var out []float64
	for v := start; v <= end+step/2; v += step {
		out = append(out, roundTo(v, 9))
	}
	return out
}
