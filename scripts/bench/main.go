// Command bench measures terraform-provider-mimcm against Terraform's own
// floor, the built-in terraform_data resource, on the mock API (make bench).
//
//	go run ./scripts/bench -n 500 -out BENCHMARKS.md
//
// It builds the provider and mimcm-mock into a temporary directory, starts
// the mock on a free loopback port and, for each size N, generates eight
// configurations: N mimcm_request_status resources completing seeded
// Approved requests, one mimcm_request_statuses completing N others, N
// mimcm_request resources each creating an Enroll request from the example
// Smart Card Logon template, N terraform_data resources, N of each of the
// two resources of scripts/bench/floor, a framework provider that calls
// nothing: floor_item, the smallest plugin resource, and
// floor_request_status, which has mimcm_request_status's schema and state,
// and one floor_request_statuses of N entries, mimcm_request_statuses'
// schema answered by the floor at the protocol level with next to no work,
// and one terraform_data whose input is that map (terraform_data_map).
// Above 1,000 only the three kinds of one resource of N entries run by
// default. -kinds chooses others: the floor's variants that weigh groups
// of attributes, and mimcm_request_statuses_no_list; -per-resource-max
// keeps the kinds of one resource per request to the smaller sizes
// (make bench-scale). It then runs apply,
// plan (with refresh), plan -refresh=false and destroy on each, alternating
// between them round after round, and reports medians, ratios, the API
// calls per resource and the new TCP connections (from the mock's call log),
// and the provider processes' peak RSS (VmHWM, sampled from /proc every
// 50 ms), with a chart of apply time and provider peak RSS against N on
// log scales beside the report when it is written for two sizes or more
// (BENCHMARKS.svg beside BENCHMARKS.md). A latency scenario, an https
// scenario (the connections of HTTP/2), the Go benchmarks of the hot paths and the targets — of the singular
// resource, the bulk resource, its scale and mimcm_request's calls (PASS or MISS) — follow. -update merges
// a limited run's sections into an earlier report. Terraform runs offline:
// its own CLI configuration with dev_overrides, CHECKPOINT_DISABLE=1,
// TF_IN_AUTOMATION=1, -input=false, default -parallelism (10).
//
// Linux only: it reads /proc. It never runs terraform init and downloads
// nothing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// config is what the flags ask for.
type config struct {
	sizes       []int
	rounds      int // 0: 3 rounds up to 1,000 resources, 1 above
	latencyN    int
	latencyMS   int
	latencyKind kind
	httpsN      int
	goBench     bool
	kinds       []kind // nil: every kind up to 1,000 resources, the kinds of one resource of N entries above
	// perResourceMax, when not 0, is the largest size at which the kinds
	// of -kinds that hold one resource per request are measured.
	perResourceMax int
	out            string
	update         bool // merge the sections this run measures into out instead of replacing it
	terraform      string
	keep           bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := fs.String("n", "500", "resources per configuration; a comma-separated list runs each size (500,5000)")
	fs.IntVar(&cfg.rounds, "rounds", 0, "rounds of every operation per size; 0 means 3 up to 1,000 resources and 1 above")
	fs.IntVar(&cfg.latencyN, "latency-n", 200, "resources in the latency scenario; 0 skips it")
	fs.IntVar(&cfg.latencyMS, "latency-ms", 50, "latency of every API answer in the latency scenario, in milliseconds")
	latencyKind := fs.String("latency-kind", "mimcm_request_status", "what the latency scenario applies: mimcm_request_status or mimcm_request_statuses")
	fs.IntVar(&cfg.httpsN, "https-n", 500, "resources in the https scenario, where the provider speaks HTTP/2; 0 skips it")
	fs.BoolVar(&cfg.goBench, "go-bench", true, "run the Go benchmarks of the decoding and conversion paths")
	kindList := fs.String("kinds", "", "configurations to measure, from "+strings.Join(kindNames[:], ", ")+
		" (comma-separated); empty means the first five, floor_request_statuses and mimcm_request up to 1,000 resources, and mimcm_request_status, "+
		"mimcm_request_statuses and floor_request_statuses above")
	fs.IntVar(&cfg.perResourceMax, "per-resource-max", 0, "with -kinds: measure the kinds of one resource per request (terraform_data, "+
		"floor_item, floor_request_status and its variants, mimcm_request_status, mimcm_request) only at sizes up to this; 0 means at every size")
	fs.StringVar(&cfg.out, "out", "", "also write the report to this `file` (make bench: BENCHMARKS.md)")
	fs.BoolVar(&cfg.update, "update", false, "with -out: replace only the sections this run measured, and the rows of the targets it checked, "+
		"keeping the rest of the file (for runs limited with -n, -kinds, -latency-n 0, -https-n 0, -go-bench=false)")
	fs.StringVar(&cfg.terraform, "terraform", "terraform", "Terraform `binary` to run")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the temporary directory (configurations, states, logs)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("-n %q: want positive whole numbers separated by commas", *sizes)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	for _, name := range strings.Split(*kindList, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		k, ok := parseKind(name)
		if !ok {
			return cfg, fmt.Errorf("-kinds: %q is not one of %s", name, strings.Join(kindNames[:], ", "))
		}
		cfg.kinds = append(cfg.kinds, k)
	}
	var ok bool
	if cfg.latencyKind, ok = parseKind(*latencyKind); !ok || !cfg.latencyKind.callsAPI() || cfg.latencyKind == kindRequest {
		return cfg, fmt.Errorf("-latency-kind %q: want mimcm_request_status or mimcm_request_statuses", *latencyKind)
	}
	switch {
	case cfg.update && cfg.out == "":
		return cfg, errors.New("-update needs -out, the file to update")
	case cfg.rounds < 0:
		return cfg, fmt.Errorf("-rounds %d: want 0 (automatic) or more", cfg.rounds)
	case cfg.latencyN < 0 || cfg.latencyMS < 0:
		return cfg, errors.New("-latency-n and -latency-ms cannot be negative")
	case cfg.httpsN < 0:
		return cfg, errors.New("-https-n cannot be negative")
	case cfg.perResourceMax < 0:
		return cfg, errors.New("-per-resource-max cannot be negative")
	}
	return cfg, nil
}

// kindsFor is what a size measures. Terraform's own apply grows faster
// than the number of resources (it rewrites the whole state file after
// each one), so above 1,000 resources the comparisons of one resource per
// request take hours on a shared two-core machine: by default only the
// kinds of one resource holding N entries are measured there,
// mimcm_request_statuses beside its two floors, floor_request_statuses and
// one terraform_data holding the same map. -kinds chooses for every size,
// and -per-resource-max leaves the kinds of one resource per request out
// of the sizes above it.
// mimcm_request, whose calls per resource do not change with N, is
// measured up to 1,000 resources.
func (cfg config) kindsFor(n int) []kind {
	switch {
	case cfg.kinds != nil && (cfg.perResourceMax == 0 || n <= cfg.perResourceMax):
		return cfg.kinds
	case cfg.kinds != nil:
		return slices.DeleteFunc(slices.Clone(cfg.kinds), kind.perResource)
	case n <= 1000:
		return []kind{kindData, kindFloor, kindFloorRequest, kindMimcm, kindBulk, kindFloorBulk, kindRequest, kindDataMap}
	}
	return []kind{kindDataMap, kindBulk, kindFloorBulk}
}

// operationsFor is what a size runs. Above 1,000 resources destroy is left
// out (the state is simply deleted): like apply, Terraform's destroy rewrites
// the whole state after each resource, so at 2,000 resources it alone took
// more than 8 minutes here, and the provider calls no API in it.
func (cfg config) operationsFor(n int) []operation {
	if n <= 1000 {
		return operations
	}
	return operations[:3]
}

// roundsFor is how many rounds a size gets: big sizes take minutes a run on
// a shared two-core machine, so they get one.
func (cfg config) roundsFor(n int) int {
	switch {
	case cfg.rounds > 0:
		return cfg.rounds
	case n <= 1000:
		return 3
	}
	return 1
}
