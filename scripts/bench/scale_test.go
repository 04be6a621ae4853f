package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// scaleSize is a size of the one-resource kinds: mimcm_request_statuses
// took bulk seconds per operation at bulkMiB, floor_request_statuses floor
// seconds at floorMiB, terraform_data_map dataMap seconds; the apply sent
// one PUT per entry.
func scaleSize(n int, bulk, floor, dataMap float64, bulkMiB, floorMiB int64) *sizeResult {
	s := &sizeResult{n: n, rounds: 1, took: 90 * time.Second, kinds: []kind{kindDataMap, kindFloorBulk, kindBulk}}
	for _, o := range operations[:3] {
		op := &opResult{op: o}
		puts := 0
		if o.name == "apply" {
			puts = n
		}
		op.samples[kindBulk] = []sample{fakeSample(bulk, 0, puts, 8, bulkMiB)}
		op.samples[kindFloorBulk] = []sample{fakeSample(floor, 0, 0, 0, floorMiB)}
		data := fakeSample(dataMap, 0, 0, 0, 0)
		data.run.providers, data.run.terraformPeakKiB, data.stateBytes = nil, 700*1024, 28<<20
		op.samples[kindDataMap] = []sample{data}
		s.ops = append(s.ops, op)
	}
	return s
}

// The scale targets pass and miss on the measured numbers, size by size,
// and are not run without the sizes and kinds they need.
func TestEvaluateScale(t *testing.T) {
	byTarget := func(sizes []*sizeResult, lat *latencyResult) map[string]verdict {
		out := map[string]verdict{}
		for _, v := range evaluateScale(sizes, lat) {
			out[v.target] = v
		}
		return out
	}
	const (
		rss      = "mimcm_request_statuses provider peak RSS ≤ 1.5× floor_request_statuses' at N=5000, 20000 and 100000"
		rss20    = "mimcm_request_statuses provider peak RSS at N=20000 ≤ 150 MiB"
		apply    = "mimcm_request_statuses apply at N=100000 ≤ 2.5× one terraform_data holding the map"
		refresh  = "mimcm_request_statuses refresh plan at N=100000 ≤ 1.6× one terraform_data holding the map"
		latency  = "mimcm_request_statuses apply at N=100000 with latency ≤ 2× floor_request_statuses' apply + N × latency ÷ max_concurrent_requests"
		oneWrite = "mimcm_request_statuses apply: one PUT per entry, no other write, at every size"
	)
	sizes := []*sizeResult{scaleSize(5000, 2, 1, 1, 50, 40), scaleSize(20000, 8, 4, 4, 140, 100), scaleSize(100_000, 30, 20, 20, 700, 500)}
	passing := sizes
	lat := &latencyResult{kind: kindBulk, n: 100_000, latencyMS: 1, slow: []sample{fakeSample(50, 0, 100_000, 8, 700)}}
	got := byTarget(sizes, lat)
	for target, want := range map[string]string{rss: "PASS", rss20: "PASS", apply: "PASS", refresh: "PASS", latency: "PASS", oneWrite: "PASS"} {
		if got[target].result != want {
			t.Errorf("%s: %s (%s), want %s", target, got[target].result, got[target].measured, want)
		}
	}
	if m := got[rss].measured; m != "N=5000: 50.0 MiB vs 40.0 MiB, 1.25×; N=20000: 140.0 MiB vs 100.0 MiB, 1.40×; N=100000: 700.0 MiB vs 500.0 MiB, 1.40×" {
		t.Errorf("measured %q", m)
	}
	// 50 s ≤ 2 × 20 s + 100,000 × 1 ms ÷ 8 = 52.5 s
	if m := got[latency].measured; !strings.Contains(m, "50.00 s against 52.50 s") {
		t.Errorf("latency measured %q", m)
	}

	sizes = []*sizeResult{scaleSize(5000, 2, 1, 1, 50, 40), scaleSize(20000, 8, 4, 4, 160, 100), scaleSize(100_000, 40, 20, 15, 700, 500)}
	sizes[2].op("apply").samples[kindBulk][0].calls.Counts["GET"] = 3
	sizes[2].op("apply").samples[kindBulk][0].calls.Counts["POST"] = 1
	lat.slow = []sample{fakeSample(53, 0, 100_000, 8, 700)}
	got = byTarget(sizes, lat)
	for target, want := range map[string]string{rss: "MISS", rss20: "MISS", apply: "MISS", refresh: "MISS", latency: "MISS", oneWrite: "MISS"} {
		if got[target].result != want {
			t.Errorf("%s: %s (%s), want %s", target, got[target].result, got[target].measured, want)
		}
	}

	got = byTarget(passing[:2], nil)
	for _, target := range []string{rss, apply, refresh, latency} {
		if got[target].result != "NOT RUN" {
			t.Errorf("without N=100000, %s: %s, want NOT RUN", target, got[target].result)
		}
	}
	if got[rss20].result != "PASS" {
		t.Errorf("%s: %s with N=20000 measured", rss20, got[rss20].result)
	}
	if got := byTarget(sizes[:2], nil)[rss]; got.result != "MISS" {
		t.Errorf("%s: %s when a measured size missed, want MISS", rss, got.result)
	}
}

// The chart is an SVG with a line for each kind measured, on log scales:
// equal ratios of N are equal distances.
func TestRenderChart(t *testing.T) {
	if renderChart([]*sizeResult{scaleSize(5000, 2, 1, 1, 50, 40)}) != "" {
		t.Error("a chart of one size")
	}
	small := fakeSize(500, [kinds]float64{1, 2, 3, 4}, 8, 30)
	small.kinds = append(small.kinds, kindBulk)
	small.ops[0].samples[kindBulk] = []sample{fakeSample(0.5, 0, 500, 8, 30)}
	chart := renderChart([]*sizeResult{small, scaleSize(5000, 2, 1, 1, 50, 40), scaleSize(50_000, 20, 10, 10, 500, 400)})
	type polyline struct {
		Class  string `xml:"class,attr"`
		Points string `xml:"points,attr"`
	}
	lines := map[string][]string{}
	d := xml.NewDecoder(strings.NewReader(chart))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not XML: %v\n%s", err, chart)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			var p polyline
			if err := d.DecodeElement(&p, &se); err != nil {
				t.Fatal(err)
			}
			lines[p.Class] = append(lines[p.Class], p.Points)
		}
	}
	for _, k := range []kind{kindData, kindFloorRequest, kindMimcm} {
		// Apply only: terraform_data has a memory line of Terraform's own.
		if len(lines[k.String()]) == 0 {
			t.Errorf("no line for %s", k)
		}
	}
	for _, k := range []kind{kindBulk, kindFloorBulk, kindDataMap} {
		if len(lines[k.String()]) != 2 {
			t.Errorf("%s has %d lines, want one in each panel: %v", k, len(lines[k.String()]), lines)
		}
	}
	if _, ok := lines[kindFloor.String()]; ok {
		t.Error("floor_item is drawn; the chart shows terraform_data, both floors and both resources")
	}
	// mimcm_request_statuses' apply at 500, 5,000 and 50,000: x steps of one decade each.
	var xs []float64
	for _, pt := range strings.Fields(lines[kindBulk.String()][0]) {
		var x, y float64
		if _, err := fmtSscanf(pt, &x, &y); err != nil {
			t.Fatal(err)
		}
		xs = append(xs, x)
	}
	if len(xs) != 3 || (xs[1]-xs[0])-(xs[2]-xs[1]) > 0.2 || (xs[1]-xs[0])-(xs[2]-xs[1]) < -0.2 {
		t.Errorf("x of 500, 5,000 and 50,000 are %v, not evenly spaced", xs)
	}
}

// TestKindsFor_scale measures, by default above 1,000, one resource of N
// entries beside its two floors, and with -per-resource-max leaves the
// kinds of one resource per request out above it.
func TestKindsFor_scale(t *testing.T) {
	var cfg config
	if want := []kind{kindDataMap, kindBulk, kindFloorBulk}; !slices.Equal(cfg.kindsFor(20_000), want) {
		t.Errorf("the default kinds at 20,000 are %v, want %v", cfg.kindsFor(20_000), want)
	}
	if !slices.Contains(cfg.kindsFor(500), kindDataMap) {
		t.Errorf("the default kinds at 500 are %v, without terraform_data_map", cfg.kindsFor(500))
	}
	cfg, err := parseFlags([]string{"-kinds", "terraform_data,terraform_data_map,mimcm_request_status,mimcm_request_statuses", "-per-resource-max", "1000"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []kind{kindData, kindDataMap, kindMimcm, kindBulk}; !slices.Equal(cfg.kindsFor(500), want) {
		t.Errorf("at 500: %v, want %v", cfg.kindsFor(500), want)
	}
	if want := []kind{kindDataMap, kindBulk}; !slices.Equal(cfg.kindsFor(5000), want) {
		t.Errorf("at 5,000: %v, want %v", cfg.kindsFor(5000), want)
	}
	if want := []kind{kindData, kindDataMap, kindMimcm, kindBulk}; !slices.Equal(cfg.kinds, want) {
		t.Errorf("kindsFor changed -kinds to %v", cfg.kinds)
	}
}

// terraform_data_map is one terraform_data holding the map of the bulk
// resource, with no provider.
func TestWriteConfig_dataMap(t *testing.T) {
	dir := t.TempDir()
	if err := writeConfig(dir, kindDataMap, "http://127.0.0.1:1", "", mimcm.GUID(""), requestIDs(7, 3)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	want := "resource \"terraform_data\" \"bench\" {\n  input = { for id in local.request_ids : id => \"Completed\" }\n}\n"
	if !strings.Contains(string(b), want) || strings.Contains(string(b), "provider") || strings.Contains(string(b), "count") {
		t.Errorf("the configuration is not one terraform_data holding the map:\n%s", b)
	}
}

// The scale section shows how long each size took, the chart and the
// state Terraform wrote.
func TestRenderScale(t *testing.T) {
	var w strings.Builder
	renderScale(&w, []*sizeResult{scaleSize(5000, 2, 1, 1, 50, 40), scaleSize(20000, 8, 4, 4, 140, 100)}, "BENCHMARKS.svg")
	for _, want := range []string{
		"## Scale (N = 5000, 20000)",
		"](BENCHMARKS.svg)",
		"| N | took | terraform_data_map | floor_request_statuses | mimcm_request_statuses |",
		"| 20000 | 1m30s | 4.00 s | 4.00 s | 8.00 s |",
		"| 5000 | 1m30s | Terraform 700.0 MiB | 40.0 MiB | 50.0 MiB |",
		"| 5000 | 1m30s | 700.0 MiB, 28.0 MiB | —, — | —, — |",
	} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("the section lacks %q:\n%s", want, w.String())
		}
	}
}

// fmtSscanf reads a polyline point, "x,y".
func fmtSscanf(pt string, x, y *float64) (int, error) { return fmt.Sscanf(pt, "%f,%f", x, y) }
