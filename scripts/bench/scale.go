package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// The targets of one mimcm_request_statuses holding a whole enterprise's
// requests, beside Terraform's floors.
const (
	targetScaleRSSRatio    = 1.5     // provider peak RSS ÷ floor_request_statuses', at every scale size
	targetScaleRSSMiB      = 150     // provider peak RSS at targetScaleRSSN
	targetScaleRSSN        = 20_000  // entries
	targetScaleN           = 100_000 // entries
	targetScaleApplyRatio  = 2.5     // apply ÷ terraform_data_map at targetScaleN
	targetScaleRefreshRate = 1.6     // refresh plan ÷ terraform_data_map at targetScaleN
	targetScaleFloorFactor = 2.0     // apply with latency ≤ this × floor_request_statuses' apply + the API's limit
)

// scaleSizes are the sizes the scale targets are stated for.
var scaleSizes = []int{5_000, 20_000, targetScaleN}

// chartKinds are the kinds the scale chart and table show, in their order.
var chartKinds = []kind{kindData, kindDataMap, kindFloorRequest, kindFloorBulk, kindMimcm, kindBulk}

// tookNote is how long a size took, for its heading.
func tookNote(s *sizeResult) string {
	if s.took == 0 {
		return ""
	}
	return ", took " + s.took.Round(time.Second).String()
}

// providerPeak is a kind's largest provider peak RSS at a size, over every
// operation; 0 when it has no plugin or was not measured.
func providerPeak(s *sizeResult, k kind) int64 {
	var peak int64
	for _, op := range s.ops {
		peak = max(peak, peakOf(op.samples[k]))
	}
	return peak
}

// stateSize is the largest state file a kind's applies left at a size.
func stateSize(s *sizeResult, k kind) int64 {
	var size int64
	if op := s.op("apply"); op != nil {
		for _, smp := range op.samples[k] {
			size = max(size, smp.stateBytes)
		}
	}
	return size
}

// chartedSizes are the sizes that measured any kind of the chart.
func chartedSizes(sizes []*sizeResult) []*sizeResult {
	var out []*sizeResult
	for _, s := range sizes {
		if slices.ContainsFunc(chartKinds, func(k kind) bool { return slices.Contains(s.kinds, k) }) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *sizeResult) int { return a.n - b.n })
	return out
}

// renderScale shows, size by size, what one run measured of Terraform's
// floors and both resources: the chart (chart, its file, when not empty),
// then the numbers it draws, how long each size took, and where Terraform
// itself stops scaling: its memory, its state and its plan time.
func renderScale(w *strings.Builder, sizes []*sizeResult, chart string) {
	charted := chartedSizes(sizes)
	if len(charted) < 2 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	var ns []string
	for _, s := range charted {
		ns = append(ns, fmt.Sprint(s.n))
	}
	p("## Scale (N = %s)\n\n", strings.Join(ns, ", "))
	if chart != "" {
		p("![Apply time and provider peak RSS against N, log scales, for terraform_data, its one-resource map, both floors and both resources](%s)\n\n", chart)
	}
	p("From this run alone, size by size (— where a kind was not measured: the kinds of one resource per request are left out above " +
		"1,000 by default, since Terraform makes their apply quadratic). `terraform_data` is N resources, `terraform_data_map` one " +
		"resource whose `input` is the map `mimcm_request_statuses` holds; neither has a plugin, so their memory is Terraform's own.\n\n")
	header := "| N | took |"
	align := "|---:|---:|"
	var shown []kind
	for _, k := range chartKinds {
		if slices.ContainsFunc(charted, func(s *sizeResult) bool { return slices.Contains(s.kinds, k) }) {
			shown = append(shown, k)
			header += " " + k.String() + " |"
			align += "---:|"
		}
	}
	table := func(title string, cell func(s *sizeResult, k kind) string) {
		p("%s\n\n%s\n%s\n", title, header, align)
		for _, s := range charted {
			row := fmt.Sprintf("| %d | %s |", s.n, s.took.Round(time.Second))
			for _, k := range shown {
				c := "—"
				if slices.Contains(s.kinds, k) {
					c = cell(s, k)
				}
				row += " " + c + " |"
			}
			p("%s\n", row)
		}
		p("\n")
	}
	opCell := func(name string) func(s *sizeResult, k kind) string {
		return func(s *sizeResult, k kind) string {
			if op := s.op(name); op != nil && len(op.samples[k]) > 0 {
				return medianCell(op.samples[k])
			}
			return "—"
		}
	}
	table("Apply, wall-clock median:", opCell("apply"))
	table("Refresh plan, wall-clock median:", opCell("refresh plan"))
	table("Provider peak RSS, largest of every operation (Terraform's own for the kinds without a plugin):", func(s *sizeResult, k kind) string {
		if k == kindData || k == kindDataMap {
			return "Terraform " + mib(terraformPeak(s, k))
		}
		return mib(providerPeak(s, k))
	})
	table("Terraform's own peak RSS, largest of every operation, and the state file the apply left:", func(s *sizeResult, k kind) string {
		state := "—"
		if size := stateSize(s, k); size > 0 {
			state = bytesOf(float64(size))
		}
		return mib(terraformPeak(s, k)) + ", " + state
	})
}

// chartPanel is one panel of the chart: a value of every kind at every size.
type chartPanel struct {
	title, unit string
	value       func(s *sizeResult, k kind) (float64, bool)
}

// chartStyle is how a kind is drawn.
var chartStyle = map[kind]struct{ color, dash string }{
	kindData:         {"#7f7f7f", "6 4"},
	kindDataMap:      {"#000000", ""},
	kindFloorRequest: {"#2ca02c", "6 4"},
	kindFloorBulk:    {"#2ca02c", ""},
	kindMimcm:        {"#1f77b4", "6 4"},
	kindBulk:         {"#d62728", ""},
}

// renderChart draws apply time and provider peak RSS against N, both on log
// scales, from sizes: an SVG with a panel for each and a line for every
// kind of chartKinds measured at any size. The kinds without a plugin
// show Terraform's own peak RSS. It returns "" when fewer than two sizes
// measured any of them.
func renderChart(sizes []*sizeResult) string {
	charted := chartedSizes(sizes)
	if len(charted) < 2 {
		return ""
	}
	panels := []chartPanel{
		{"Apply time (wall-clock median)", "s", func(s *sizeResult, k kind) (float64, bool) {
			op := s.op("apply")
			if op == nil || len(op.samples[k]) == 0 {
				return 0, false
			}
			return median(walls(op.samples[k])).Seconds(), true
		}},
		{"Peak RSS of the provider (Terraform's without one)", "MiB", func(s *sizeResult, k kind) (float64, bool) {
			peak := providerPeak(s, k)
			if k == kindData || k == kindDataMap {
				peak = terraformPeak(s, k)
			}
			return float64(peak) / 1024, peak > 0
		}},
	}
	const (
		panelW, panelH       = 400.0, 300.0
		left, top, gap       = 70.0, 40.0, 90.0
		width                = left + 2*panelW + gap + 30
		legendTop            = top + panelH + 55
		legendRow            = 18.0
		minN, maxN           = 500.0, 100_000.0
		fontFamily           = "sans-serif"
		height               = legendTop + 3*legendRow + 10
		axisColor, gridColor = "#333333", "#dddddd"
	)
	xMin, xMax := math.Min(minN, float64(charted[0].n)), math.Max(maxN, float64(charted[len(charted)-1].n))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="%s" font-size="12">`+"\n",
		width, height, width, height, fontFamily)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	for i, panel := range panels {
		x0 := left + float64(i)*(panelW+gap)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, s := range charted {
			for _, k := range chartKinds {
				if v, ok := panel.value(s, k); ok && v > 0 {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
		if math.IsInf(lo, 1) {
			continue
		}
		yMin, yMax := math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
		if yMax <= yMin {
			yMax = yMin * 10
		}
		px := func(n float64) float64 {
			return x0 + (math.Log10(n)-math.Log10(xMin))/(math.Log10(xMax)-math.Log10(xMin))*panelW
		}
		py := func(v float64) float64 {
			return top + panelH - (math.Log10(v)-math.Log10(yMin))/(math.Log10(yMax)-math.Log10(yMin))*panelH
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="14" font-weight="bold">%s</text>`+"\n", x0, top-14, panel.title)
		for _, n := range []float64{500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000} {
			if n < xMin || n > xMax {
				continue
			}
			x := px(n)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", x, top, x, top+panelH, gridColor)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x, top+panelH+16, compactCount(n))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">N (requests, log scale)</text>`+"\n", x0+panelW/2, top+panelH+34)
		for d := yMin; d <= yMax*1.0001; d *= 10 {
			for _, m := range []float64{1, 2, 5} {
				v := d * m
				if v > yMax*1.0001 {
					break
				}
				y := py(v)
				fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", x0, y, x0+panelW, y, gridColor)
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-6, y+4, compactValue(v))
			}
		}
		fmt.Fprintf(&b, `<text transform="translate(%.1f %.1f) rotate(-90)" text-anchor="middle">%s (log scale)</text>`+"\n",
			x0-48, top+panelH/2, panel.unit)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="%s"/>`+"\n", x0, top, panelW, panelH, axisColor)
		for _, k := range chartKinds {
			var points []string
			for _, s := range charted {
				if v, ok := panel.value(s, k); ok && v > 0 {
					points = append(points, fmt.Sprintf("%.1f,%.1f", px(float64(s.n)), py(v)))
				}
			}
			if len(points) == 0 {
				continue
			}
			st := chartStyle[k]
			dash := ""
			if st.dash != "" {
				dash = fmt.Sprintf(` stroke-dasharray="%s"`, st.dash)
			}
			fmt.Fprintf(&b, `<polyline class="%s" points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n",
				k, strings.Join(points, " "), st.color, dash)
			for _, pt := range points {
				xy := strings.Split(pt, ",")
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], st.color)
			}
		}
	}
	for i, k := range chartKinds {
		if !slices.ContainsFunc(charted, func(s *sizeResult) bool { return slices.Contains(s.kinds, k) }) {
			continue
		}
		x := left + float64(i%3)*((2*panelW+gap)/3)
		y := legendTop + float64(i/3)*legendRow
		st := chartStyle[k]
		dash := ""
		if st.dash != "" {
			dash = fmt.Sprintf(` stroke-dasharray="%s"`, st.dash)
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", x, y-4, x+28, y-4, st.color, dash)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x+34, y, chartLabel(k))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// chartLabel names a kind in the chart's legend.
func chartLabel(k kind) string {
	switch k {
	case kindData:
		return "terraform_data × N"
	case kindDataMap:
		return "terraform_data holding the map"
	case kindFloorRequest:
		return "floor_request_status × N"
	case kindMimcm:
		return "mimcm_request_status × N"
	}
	return k.String()
}

// compactCount writes a count on an axis: 500, 1k, 100k.
func compactCount(n float64) string {
	if n >= 1000 {
		return fmt.Sprintf("%gk", n/1000)
	}
	return fmt.Sprintf("%g", n)
}

// compactValue writes a value on a log axis.
func compactValue(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%gk", v/1000)
	}
	return fmt.Sprintf("%g", v)
}

// evaluateScale checks the targets of one mimcm_request_statuses of up to
// 100,000 entries against its floors.
func evaluateScale(sizes []*sizeResult, lat *latencyResult) []verdict {
	var out []verdict
	measured := func(s *sizeResult, kinds ...kind) bool {
		if s == nil {
			return false
		}
		for _, k := range kinds {
			if !slices.Contains(s.kinds, k) {
				return false
			}
		}
		return true
	}

	v := verdict{target: fmt.Sprintf("mimcm_request_statuses provider peak RSS ≤ %.1f× floor_request_statuses' at N=5000, 20000 and 100000", targetScaleRSSRatio)}
	var parts []string
	missed, missing := false, false
	for _, n := range scaleSizes {
		s := sizeAt(sizes, n)
		if !measured(s, kindBulk, kindFloorBulk) {
			missing = true
			continue
		}
		peak, floor := providerPeak(s, kindBulk), providerPeak(s, kindFloorBulk)
		r := float64(peak) / float64(floor)
		parts = append(parts, fmt.Sprintf("N=%d: %s vs %s, %.2f×", n, mib(peak), mib(floor), r))
		missed = missed || r > targetScaleRSSRatio
	}
	v.measured = strings.Join(parts, "; ")
	switch {
	case missed:
		v.result = "MISS"
		v.note = "the provider holds the decoded plan, the prior state and the new state of every entry at once in the apply, " +
			"where floor_request_statuses holds the bytes it is sent; see the analysis."
	case missing && len(parts) == 0:
		v.result, v.measured = "NOT RUN", "needs mimcm_request_statuses and floor_request_statuses at N=5000, 20000 and 100000"
	case missing:
		v.result = "NOT RUN"
		v.measured += "; not all three sizes measured"
	default:
		v.result = "PASS"
	}
	out = append(out, v)

	v = verdict{target: fmt.Sprintf("mimcm_request_statuses provider peak RSS at N=%d ≤ %d MiB", targetScaleRSSN, targetScaleRSSMiB)}
	if s := sizeAt(sizes, targetScaleRSSN); !measured(s, kindBulk) {
		out = append(out, notRunKinds(v, targetScaleRSSN))
	} else {
		peak := providerPeak(s, kindBulk)
		v.measured = fmt.Sprintf("N=%d: %s", targetScaleRSSN, mib(peak))
		v.result = passIf(float64(peak) <= targetScaleRSSMiB*1024)
		out = append(out, v)
	}

	for _, t := range []struct {
		op    string
		ratio float64
	}{{"apply", targetScaleApplyRatio}, {"refresh plan", targetScaleRefreshRate}} {
		v := verdict{target: fmt.Sprintf("mimcm_request_statuses %s at N=%d ≤ %.1f× one terraform_data holding the map", t.op, targetScaleN, t.ratio)}
		s := sizeAt(sizes, targetScaleN)
		if !measured(s, kindBulk, kindDataMap) || s.op(t.op) == nil {
			out = append(out, notRunKinds(v, targetScaleN))
			continue
		}
		op := s.op(t.op)
		r := ratio(op, kindBulk, kindDataMap)
		v.measured = fmt.Sprintf("%.2f× (%s vs %s)", r, seconds(median(walls(op.samples[kindBulk]))), seconds(median(walls(op.samples[kindDataMap]))))
		if floor := op.samples[kindFloorBulk]; len(floor) > 0 {
			v.measured += fmt.Sprintf("; floor_request_statuses %.2f× (%s)", ratio(op, kindFloorBulk, kindDataMap), seconds(median(walls(floor))))
		}
		v.result = passIf(r <= t.ratio)
		v.note = fmt.Sprintf("CPU %s against terraform_data_map's %s.", cpuCell(op.samples[kindBulk]), cpuCell(op.samples[kindDataMap]))
		out = append(out, v)
	}

	v = verdict{target: fmt.Sprintf("mimcm_request_statuses apply at N=%d with latency ≤ %.0f× floor_request_statuses' apply + N × latency ÷ max_concurrent_requests",
		targetScaleN, targetScaleFloorFactor)}
	s := sizeAt(sizes, targetScaleN)
	if lat == nil || lat.kind != kindBulk || lat.n != targetScaleN || !measured(s, kindFloorBulk) || len(lat.slow) == 0 {
		v.result = "NOT RUN"
		v.measured = fmt.Sprintf("needs the latency scenario of mimcm_request_statuses at N=%d (-latency-kind mimcm_request_statuses -latency-n %d) "+
			"and floor_request_statuses at that size", targetScaleN, targetScaleN)
	} else {
		floor := median(walls(s.op("apply").samples[kindFloorBulk]))
		limit := time.Duration(float64(lat.n) * float64(time.Duration(lat.latencyMS)*time.Millisecond) / float64(mimcm.DefaultMaxConcurrentRequests))
		bound := time.Duration(targetScaleFloorFactor*float64(floor)) + limit
		slow := median(walls(lat.slow))
		v.measured = fmt.Sprintf("%s against %s (%.0f× the floor's %s + the API's %s at %d ms)", seconds(slow), seconds(bound),
			targetScaleFloorFactor, seconds(floor), seconds(limit), lat.latencyMS)
		v.result = passIf(slow <= bound)
	}
	out = append(out, v)

	v = verdict{target: "mimcm_request_statuses apply: one PUT per entry, no other write, at every size"}
	parts, v.result = nil, "PASS"
	for _, s := range sizes {
		op := s.op("apply")
		if op == nil || !slices.Contains(s.kinds, kindBulk) {
			continue
		}
		worst := worstCalls(op.samples[kindBulk])
		if worst.calls.Counts["PUT"] != s.n || worst.calls.writes() != s.n {
			v.result = "MISS"
		}
		parts = append(parts, fmt.Sprintf("N=%d: %d PUTs, %d writes, %d calls in all", s.n, worst.calls.Counts["PUT"], worst.calls.writes(), worst.calls.Counts["total"]))
	}
	v.measured = strings.Join(parts, "; ")
	if len(parts) == 0 {
		v.result, v.measured = "NOT RUN", "not measured (-kinds mimcm_request_statuses)"
	}
	return append(out, v)
}
