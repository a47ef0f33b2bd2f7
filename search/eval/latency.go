package eval

import (
	"sort"
	"time"
)

// Latencies are measured durations; every measurement command reads its
// percentiles from here.
type Latencies []time.Duration

// Sort sorts the latencies in place, fastest first, and returns them.
func (l Latencies) Sort() Latencies {
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	return l
}

// Percentile returns the latency at quantile p (0–1) of sorted latencies,
// by nearest rank below; 0 when there are none.
func (l Latencies) Percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[int(p*float64(len(l)-1))]
}

// MS returns d in milliseconds.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
