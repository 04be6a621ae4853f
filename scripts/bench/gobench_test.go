package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseGoBenchmarks(t *testing.T) {
	out := strings.Join([]string{
		"goos: linux",
		"goarch: amd64",
		"pkg: github.com/mimcm/terraform-provider-mimcm/internal/mimcm",
		"cpu: AMD EPYC 7B13",
		"BenchmarkDecodeRequests10000",
		"BenchmarkDecodeRequests10000-2   \t      10\t  41234567 ns/op\t  50123456 cpu-ns/op\t 362.11 MB/s\t15000000 B/op\t   90012 allocs/op",
		"BenchmarkClient_GetRequest-2     \t    9000\t    130000 ns/op\t    150000 cpu-ns/op\t   12345 B/op\t     140 allocs/op",
		"PASS",
		"ok  \tgithub.com/mimcm/terraform-provider-mimcm/internal/mimcm\t3.210s",
		"pkg: github.com/mimcm/terraform-provider-mimcm/internal/provider",
		"BenchmarkRequestStatusModel_getSet/sub=1-16 \t   20000\t     60000 ns/op\t    439 allocs/op",
		"BenchmarkRequestsDataSource_read10000 \t       2\t1500000000 ns/op",
		"PASS",
		"ok  \tgithub.com/mimcm/terraform-provider-mimcm/internal/provider\t9.876s",
	}, "\n")
	got, err := parseGoBenchmarks(out)
	if err != nil {
		t.Fatal(err)
	}
	const mimcmPkg, providerPkg = "github.com/mimcm/terraform-provider-mimcm/internal/mimcm", "github.com/mimcm/terraform-provider-mimcm/internal/provider"
	want := []goBenchmark{
		{pkg: mimcmPkg, name: "BenchmarkDecodeRequests10000", runs: 10, metrics: map[string]float64{
			"ns/op": 41234567, "cpu-ns/op": 50123456, "MB/s": 362.11, "B/op": 15000000, "allocs/op": 90012}},
		{pkg: mimcmPkg, name: "BenchmarkClient_GetRequest", runs: 9000, metrics: map[string]float64{
			"ns/op": 130000, "cpu-ns/op": 150000, "B/op": 12345, "allocs/op": 140}},
		{pkg: providerPkg, name: "BenchmarkRequestStatusModel_getSet/sub=1", runs: 20000, metrics: map[string]float64{
			"ns/op": 60000, "allocs/op": 439}},
		{pkg: providerPkg, name: "BenchmarkRequestsDataSource_read10000", runs: 2, metrics: map[string]float64{
			"ns/op": 1.5e9}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseGoBenchmarks:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseGoBenchmarks_malformed(t *testing.T) {
	for name, line := range map[string]string{
		"iterations not a number": "BenchmarkX-2 \t ten \t 5 ns/op",
		"value without a unit":    "BenchmarkX-2 \t 10 \t 5",
	} {
		if got, err := parseGoBenchmarks("pkg: p\n" + line + "\n"); err == nil {
			t.Errorf("%s: want an error, got %+v", name, got)
		}
	}
}
