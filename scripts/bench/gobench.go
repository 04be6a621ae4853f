package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// goBenchmark is one line of `go test -bench` output.
type goBenchmark struct {
	pkg     string
	name    string
	runs    int
	metrics map[string]float64 // by unit: ns/op, cpu-ns/op, B/op, allocs/op, MB/s
}

// goBenchmarkRuns are the Go benchmarks the report shows: the small ones
// with go test's default time, the 10,000-request lists ten times each,
// the whole data source Read, which takes seconds, twice, and the bulk
// resource's refresh and plan of 5,000 entries through the protocol three
// times.
var goBenchmarkRuns = []struct{ pattern, benchtime string }{
	{`^(BenchmarkRequest_UnmarshalJSON|BenchmarkClient_GetRequest|BenchmarkNewRequestAttributesModel|BenchmarkRequestStatusModel_getSet|BenchmarkRequestStatusModel_getSetFramework)$`, "1s"},
	{`^(BenchmarkDecodeRequests10000|BenchmarkClient_ListRequests10000|BenchmarkRequestsDataSource_list10000)$`, "10x"},
	{`^BenchmarkRequestsDataSource_read10000$`, "2x"},
	{`^(BenchmarkRequestStatuses_refresh5000|BenchmarkRequestStatuses_planNoRefresh5000)$`, "3x"},
}

// runGoBenchmarks runs the Go benchmarks of the client and the provider.
func runGoBenchmarks(ctx context.Context, root string) ([]goBenchmark, error) {
	var out []goBenchmark
	for _, r := range goBenchmarkRuns {
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", r.pattern, "-benchtime", r.benchtime,
			"-benchmem", "-count", "1", "./internal/mimcm", "./internal/provider")
		cmd.Dir, cmd.Stderr = root, os.Stderr
		raw, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go test -bench %s: %w\n%s", r.pattern, err, raw)
		}
		results, err := parseGoBenchmarks(string(raw))
		if err != nil {
			return nil, fmt.Errorf("go test -bench %s: %w", r.pattern, err)
		}
		out = append(out, results...)
	}
	return out, nil
}

// parseGoBenchmarks reads the results of `go test -bench` with benchfmt,
// noting the package each belongs to. Metrics keep the units go test
// printed (ns/op, not benchfmt's tidied sec/op), which the report names.
func parseGoBenchmarks(text string) ([]goBenchmark, error) {
	var out []goBenchmark
	r := benchfmt.NewReader(strings.NewReader(text), "go test -bench")
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			b := goBenchmark{pkg: rec.GetConfig("pkg"), name: benchmarkName(rec.Name), runs: rec.Iters, metrics: map[string]float64{}}
			for _, v := range rec.Values {
				if v.OrigUnit != "" {
					b.metrics[v.OrigUnit] = v.OrigValue
				} else {
					b.metrics[v.Unit] = v.Value
				}
			}
			out = append(out, b)
		}
	}
	return out, r.Err()
}

// benchmarkName is a result's name as the benchmark's function spells it,
// sub-benchmarks included, without the GOMAXPROCS suffix.
func benchmarkName(n benchfmt.Name) string {
	base, parts := n.Parts()
	name := "Benchmark" + string(base)
	for _, p := range parts {
		if !bytes.HasPrefix(p, []byte("-")) {
			name += string(p)
		}
	}
	return name
}
