package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
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
// and the whole data source Read, which takes seconds, twice.
var goBenchmarkRuns = []struct{ pattern, benchtime string }{
	{`^(BenchmarkRequest_UnmarshalJSON|BenchmarkClient_GetRequest|BenchmarkNewRequestAttributesModel|BenchmarkRequestStatusModel_getSet|BenchmarkRequestStatusModel_getSetFramework)$`, "1s"},
	{`^(BenchmarkDecodeRequests10000|BenchmarkClient_ListRequests10000|BenchmarkRequestsDataSource_list10000)$`, "10x"},
	{`^BenchmarkRequestsDataSource_read10000$`, "2x"},
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
		out = append(out, parseGoBenchmarks(string(raw))...)
	}
	return out, nil
}

// parseGoBenchmarks reads the result lines of `go test -bench`, noting the
// package each belongs to.
func parseGoBenchmarks(text string) []goBenchmark {
	var out []goBenchmark
	pkg := ""
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(rest)
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		runs, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		name := fields[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i] // the GOMAXPROCS suffix
		}
		b := goBenchmark{pkg: pkg, name: name, runs: runs, metrics: map[string]float64{}}
		for i := 2; i+1 < len(fields); i += 2 {
			if v, err := strconv.ParseFloat(fields[i], 64); err == nil {
				b.metrics[fields[i+1]] = v
			}
		}
		out = append(out, b)
	}
	return out
}
