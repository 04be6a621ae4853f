package main

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// The targets of the singular resource, mimcm_request_status.
const (
	targetRatio         = 1.3                                                  // × terraform_data, at targetRatioN
	targetRatioN        = 500                                                  // resources
	targetCreateCalls   = 3                                                    // API calls per created resource
	targetConnections   = mimcm.DefaultMaxConcurrentRequests + 2               // new connections for a whole apply at targetRatioN
	targetRSSMiB        = 80                                                   // provider peak RSS at targetRSSN
	targetRSSN          = 5000                                                 // resources
	targetListDecode    = 100 * time.Millisecond                               // mimcm_requests over 10,000 requests
	effectiveConcurrent = min(parallelism, mimcm.DefaultMaxConcurrentRequests) // API calls in flight at once
)

// verdict is the outcome of one target.
type verdict struct {
	target   string
	measured string
	result   string // PASS, MISS or NOT RUN
	note     string // why, for a MISS
}

// renderReport writes the report; chart, when not empty, is the file name
// of the chart renderChart draws from the same sizes, beside the report.
func renderReport(m machine, sizes []*sizeResult, lat *latencyResult, https *httpsResult, goBench []goBenchmark, analysis, chart string) string {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }

	p("# Benchmarks\n\n")
	p("Written by `make bench` (`go run ./scripts/bench`) on %s UTC in %s. Run it again to replace this file; "+
		"`make bench N=5000` or `N=500,5000` for bigger configurations. %s\n\n",
		m.started.UTC().Format("2006-01-02 15:04"), m.finished.Sub(m.started).Round(time.Second), historyNote)

	// The file opens with the figures against their targets; how they
	// were measured follows.
	verdicts := append(evaluate(sizes, lat, https, goBench), evaluateScale(sizes, lat)...)
	p("## Targets\n\n| Target | Measured | Result |\n|---|---|---|\n")
	missed := 0
	for _, v := range verdicts {
		p("| %s | %s | **%s** |\n", v.target, v.measured, v.result)
		if v.result == "MISS" {
			missed++
		}
	}
	p("\n")
	if missed > 0 {
		p("### Why the misses\n\n")
		for _, v := range verdicts {
			if v.result == "MISS" && v.note != "" {
				p("- **%s** — %s\n", v.target, v.note)
			}
		}
		p("\n")
	}

	p("## Machine\n\n| | |\n|---|---|\n")
	p("| CPU | %s, %d cores |\n", m.cpu, m.cores)
	p("| Memory | %.1f GiB |\n", float64(m.memKiB)/(1<<20))
	p("| Kernel | Linux %s |\n", m.kernel)
	p("| Go | %s |\n| Terraform | %s |\n", m.goVersion, m.terraform)
	p("| Load average (1, 5, 15 min) at the start | %.2f, %.2f, %.2f |\n", m.loadStart[0], m.loadStart[1], m.loadStart[2])
	p("| Load average at the end | %.2f, %.2f, %.2f |\n", m.loadEnd[0], m.loadEnd[1], m.loadEnd[2])
	if lo, hi, mean, ok := runLoads(sizes, lat); ok {
		p("| 1-minute load before each timed Terraform run | %.2f to %.2f, mean %.2f |\n", lo, hi, mean)
	}
	p("\n")
	if m.loadStart[0] > float64(m.cores) || m.loadEnd[0] > float64(m.cores) {
		p("The machine was shared and at times busy (a load above its %d cores): wall-clock times are stretched by other work. "+
			"The configurations ran in turn, one right after the other, so each ratio compares runs under much the same load; "+
			"CPU times are shown beside wall times, and the Go benchmarks report CPU time per operation (`cpu-ns/op`, from getrusage).\n\n", m.cores)
	}

	p("## Method\n\n")
	p("- The provider and `mimcm-mock` are built into a temporary directory; the mock listens on a free loopback port. " +
		"Terraform runs offline: its own CLI configuration with `dev_overrides`, `CHECKPOINT_DISABLE=1`, `TF_IN_AUTOMATION=1`, " +
		"`-input=false -no-color -compact-warnings`, and the default `-parallelism` (10).\n")
	p("- For each size N, one configuration holds N `mimcm_request_status` resources (`count`, `status = \"Completed\"`) " +
		"for N requests seeded Approved through `POST /_mock/requests`; others, each in its own directory, hold N `terraform_data` " +
		"resources, Terraform's floor (no plugin, no network), and, from a framework provider that calls nothing " +
		"(`scripts/bench/floor`), N `floor_item` resources, the floor of any plugin, and N `floor_request_status` resources, " +
		"which take mimcm_request_status's schema from the provider and fill it with a completed request's attributes: the floor " +
		"of any provider that keeps what mimcm_request_status keeps.\n")
	p("- `mimcm_request_statuses` is one resource whose `requests` map holds the same N requests " +
		"(`{ for id in local.request_ids : id => \"Completed\" }`). `floor_request_statuses`, from the same floor provider, has " +
		"mimcm_request_statuses' schema and keeps the same state, but is answered at the protocol level (terraform-plugin-go, not the " +
		"framework) with as little work as a correct provider can do: its read returns the state it is given, its plan only checks " +
		"whether `requests` changed, and its state upgrade decodes the JSON and encodes it again, as every provider must. " +
		"floor_request_statuses ÷ terraform_data is therefore what one resource of N entries costs Terraform itself, whatever the " +
		"provider does. `terraform_data_map` is one `terraform_data` whose `input` is that same map: the floor of one value of N entries " +
		"with no plugin at all. Above 1,000 only these three are measured by default: the configurations of one resource per request " +
		"take hours there. The seeds carry the reference request's security descriptor, " +
		"read from the mock started with `-seed-example`; `floor_request_status_v0` and its variants keep the same one. " +
		"`-kinds`, `-latency-kind`, `-https-n 0`, `-latency-n 0` and `-go-bench=false` limit a run, and `-update` writes only its " +
		"sections into the report.\n")
	p("- `mimcm_request` holds N resources, each creating an Enroll request (`POST /requests`) from the example Smart Card Logon " +
		"profile template, whose Enroll policy approves at once and asks for no data items, with a comment of its own so that every " +
		"request differs. The mock is started with `-seed-example` and, since a reset forgets them, given its example profile templates " +
		"again each round. Destroying a mimcm_request sends nothing (`cancel_on_destroy` is false), so its requests stay in the mock's " +
		"store until the next round's reset. Its calls are told apart by route in the call log: the POSTs, the GETs of one request, the " +
		"reads of a workflow policy and the lists.\n")
	p("- Each round resets the mock and seeds the requests again, so that every apply really sets every status; then it runs " +
		"apply, plan (with refresh, `-detailed-exitcode`, which must find nothing to do), `plan -refresh=false` and destroy, " +
		"each on every configuration in turn, a different one going first each round. Times are wall-clock medians.\n")
	p("- API calls per resource and new TCP connections come from the mock's call log (`/_mock/calls`), emptied before each command. " +
		"Provider peak RSS is the largest `VmHWM` of the provider processes Terraform starts, read from `/proc` every 50 ms until each exits; " +
		"their CPU time from `/proc/<pid>/stat` likewise, Terraform's from its rusage, and the connections each process holds to the mock " +
		"from its socket inodes and `/proc/net/tcp` (so a connection that lives less than 50 ms can be missed in the split, not in the total).\n\n")

	renderScale(&w, sizes, chart)
	for _, s := range sizes {
		renderSize(&w, s)
	}
	if lat != nil {
		renderLatency(&w, lat)
	}
	if https != nil {
		renderHTTPS(&w, https, sizes)
	}
	if len(goBench) > 0 {
		renderGoBenchmarks(&w, goBench)
	}
	if analysis != "" {
		p("%s", analysis)
	}
	return w.String()
}

func renderSize(w *strings.Builder, s *sizeResult) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	if s.chosen {
		// A section of its own: -update keeps the ones of other kinds.
		var names []string
		for _, k := range s.kinds {
			names = append(names, k.String())
		}
		p("## N = %d: %s (%d round%s%s)\n\n", s.n, strings.Join(names, ", "), s.rounds, plural(s.rounds), tookNote(s))
	} else {
		p("## N = %d (%d round%s%s)\n\n", s.n, s.rounds, plural(s.rounds), tookNote(s))
	}
	if !slices.Contains(s.kinds, kindData) {
		var names []string
		for _, k := range s.kinds {
			names = append(names, "`"+k.String()+"`")
		}
		p("Only %s at this size (`-kinds` adds the others): Terraform's own apply grows faster than the number of resources, "+
			"since it rewrites the whole state file after each one, so above 1,000 resources the comparisons would take hours on a shared "+
			"two-core machine. The comparisons are made at N ≤ 1,000.\n\n", strings.Join(names, ", "))
	}
	if len(s.ops) < len(operations) {
		p("No destroy at this size: Terraform's destroy, like its apply, rewrites the whole state file after each resource, and the " +
			"provider calls no API in it; the state is deleted instead.\n\n")
	}
	if slices.Contains(s.kinds, kindFloorRequest) {
		p("Wall-clock medians. `floor_item` is the smallest plugin resource there is, and `floor_request_status` has " +
			"mimcm_request_status's own schema and keeps the same state (both in `scripts/bench/floor`, a framework provider that " +
			"calls nothing), so floor_request_status ÷ terraform_data is what these attributes cost any provider, and " +
			"mimcm ÷ floor_request_status is what this provider's own code and its API calls add.")
	} else {
		p("Wall-clock medians.")
	}
	if slices.Contains(s.kinds, kindBulk) {
		p(" `mimcm_request_statuses` is one resource whose `requests` map holds the N requests (its own table follows).")
	}
	if slices.Contains(s.kinds, kindFloorBulk) {
		p(" `floor_request_statuses` is the same resource answered with next to no work: Terraform's own floor for it.")
	}
	if slices.Contains(s.kinds, kindDataMap) {
		p(" `terraform_data_map` is one `terraform_data` whose `input` is the same map: Terraform's floor for one value of N entries, with no plugin at all.")
	}
	if slices.Contains(s.kinds, kindRequest) {
		p(" `mimcm_request` creates the N requests it holds (its own table follows).")
	}
	p("\n\n")
	byKind := func(cell func(k kind) string) string {
		var cells []string
		for _, k := range s.kinds {
			cells = append(cells, cell(k))
		}
		return strings.Join(cells, " | ")
	}
	type ratioColumn struct {
		name    string
		k, over kind
	}
	var ratios []ratioColumn
	for _, r := range []ratioColumn{
		{"mimcm ÷ terraform_data", kindMimcm, kindData},
		{"floor_request_status ÷ terraform_data", kindFloorRequest, kindData},
		{"mimcm ÷ floor_request_status", kindMimcm, kindFloorRequest},
		{"mimcm_request_statuses ÷ terraform_data", kindBulk, kindData},
		{"floor_request_statuses ÷ terraform_data", kindFloorBulk, kindData},
		{"mimcm_request_statuses ÷ terraform_data_map", kindBulk, kindDataMap},
		{"floor_request_statuses ÷ terraform_data_map", kindFloorBulk, kindDataMap},
	} {
		if slices.Contains(s.kinds, r.k) && slices.Contains(s.kinds, r.over) {
			ratios = append(ratios, r)
		}
	}
	single := slices.Contains(s.kinds, kindMimcm)
	names := byKind(func(k kind) string { return k.String() })
	header := "| Operation | " + names + " |"
	align := "|---|" + strings.Repeat("---:|", len(s.kinds))
	for _, r := range ratios {
		header += " " + r.name + " |"
		align += "---:|"
	}
	if single {
		header += " API calls per resource | New connections | Provider peak RSS |"
		align += "---|---:|---:|"
	}
	p("%s\n%s\n", header, align)
	for _, op := range s.ops {
		row := "| " + op.op.name + " | " + byKind(func(k kind) string { return medianCell(op.samples[k]) }) + " |"
		for _, r := range ratios {
			row += " " + ratioCell(op, r.k, r.over) + " |"
		}
		if single {
			mim := op.samples[kindMimcm]
			worst := worstCalls(mim)
			row += fmt.Sprintf(" %s | %s | %s |", callsPerResource(worst.calls, s.n), connections(worst), mib(peakOf(mim)))
		}
		p("%s\n", row)
	}
	for _, k := range []kind{kindBulk, kindBulkNoList} {
		if slices.Contains(s.kinds, k) {
			renderBulk(w, s, k)
		}
	}
	if slices.Contains(s.kinds, kindRequest) {
		renderRequest(w, s)
	}
	if slices.Contains(s.kinds, kindFloorV0) || slices.Contains(s.kinds, kindFloorMin) {
		renderAttributeGroups(w, s)
	}
	p("\nCPU time, medians: Terraform's own, plus the plugin processes' (they run beside Terraform, so CPU can exceed wall time " +
		"on 2 cores); plugin processes started and their peak RSS.\n\n")
	p("| Operation | %s |\n|---|%s\n", names, strings.Repeat("---:|", len(s.kinds)))
	for _, op := range s.ops {
		p("| %s | %s |\n", op.op.name, byKind(func(k kind) string { return cpuCell(op.samples[k]) }))
	}
	p("\nEvery run, in seconds, round by round (%s):\n\n", strings.ReplaceAll(names, " | ", " / "))
	for _, op := range s.ops {
		p("- %s: %s\n", op.op.name, strings.ReplaceAll(byKind(func(k kind) string { return secondsList(walls(op.samples[k])) }), " | ", " / "))
	}
	p("\nTerraform's own peak RSS (maxrss), largest of the runs: %s.\n\n",
		strings.ReplaceAll(byKind(func(k kind) string { return k.String() + " " + mib(terraformPeak(s, k)) }), " | ", ", "))
}

// renderBulk shows a kind of mimcm_request_statuses at one size beside
// terraform_data and mimcm_request_status, with its calls per entry.
func renderBulk(w *strings.Builder, s *sizeResult, k kind) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	what := "`mimcm_request_statuses`"
	if k == kindBulkNoList {
		what = "`mimcm_request_statuses` with `use_list_route = false` (`mimcm_request_statuses_no_list`: one GET per read)"
	}
	p("\n%s, one resource of %d entries, beside %d `terraform_data` and %d `mimcm_request_status` resources, one `terraform_data` "+
		"holding the same map (`terraform_data_map`), and `floor_request_statuses`, the same resource answered with next to no work "+
		"(— where not measured at this size):\n\n",
		what, s.n, s.n, s.n)
	p("| Operation | %s | ÷ terraform_data | ÷ terraform_data_map | ÷ mimcm_request_status | ÷ floor_request_statuses | API calls per entry | "+
		"New connections | Provider peak RSS | floor_request_statuses' provider peak RSS |\n", k)
	p("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n")
	for _, op := range s.ops {
		bulk := op.samples[k]
		worst := worstCalls(bulk)
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", op.op.name, medianCell(bulk), ratioCell(op, k, kindData),
			ratioCell(op, k, kindDataMap), ratioCell(op, k, kindMimcm), ratioCell(op, k, kindFloorBulk), callsPerResource(worst.calls, s.n),
			connections(worst), mib(peakOf(bulk)), mib(peakOf(op.samples[kindFloorBulk])))
	}
}

// renderRequest shows mimcm_request at one size beside terraform_data and
// mimcm_request_status, with its calls by route.
func renderRequest(w *strings.Builder, s *sizeResult) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("\n`mimcm_request`, %d resources each creating an Enroll request, beside %d `terraform_data` and %d `mimcm_request_status` "+
		"resources (— where not measured at this size). An apply plans every create, reading the template's workflow policy once in "+
		"each provider process that plans, then sends one POST per resource and reads the new request back with one GET; a refresh "+
		"reads each request with one GET; destroy sends nothing, and its GETs are Terraform's refresh before it. The calls are those "+
		"of the run with the most.\n\n", s.n, s.n, s.n)
	p("| Operation | mimcm_request | ÷ terraform_data | ÷ mimcm_request_status | API calls per resource | By route | " +
		"mimcm_request_status's API calls per resource | New connections | Provider peak RSS |\n")
	p("|---|---:|---:|---:|---|---|---|---:|---:|\n")
	for _, op := range s.ops {
		own := op.samples[kindRequest]
		worst := worstCalls(own)
		status := "—"
		if len(op.samples[kindMimcm]) > 0 {
			status = callsPerResource(worstCalls(op.samples[kindMimcm]).calls, s.n)
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", op.op.name, medianCell(own), ratioCell(op, kindRequest, kindData),
			ratioCell(op, kindRequest, kindMimcm), callsPerResource(worst.calls, s.n), routesCell(worst), status, connections(worst),
			mib(peakOf(own)))
	}
}

// routesCell counts a run's calls by route, with the provider processes
// that made them: "500 POST, 500 GET of a request, 2 GET of a policy (3
// provider processes)".
func routesCell(s sample) string {
	c := s.calls
	if c.Counts == nil {
		return "—"
	}
	var parts []string
	counted := 0
	for _, r := range []struct{ route, name string }{
		{routeCreate, "POST"}, {routeRequest, "GET of a request"}, {routePolicy, "GET of a policy"}, {routeList, "list"},
	} {
		if v := c.Routes[r.route]; v > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", v, r.name))
			counted += v
		}
	}
	if other := c.Counts["total"] - counted; other > 0 {
		parts = append(parts, fmt.Sprintf("%d other", other))
	}
	if len(parts) == 0 {
		parts = append(parts, "none")
	}
	return fmt.Sprintf("%s (%d provider process%s)", strings.Join(parts, ", "), len(s.run.providers), pluralES(len(s.run.providers)))
}

// attributeGroups are the groups of mimcm_request_status's attributes the
// floor's variants weigh: each group's cost is the time of a variant with
// it less the time of one without.
var attributeGroups = []struct {
	name          string
	with, without kind
}{
	{"`security_descriptor` (the reference request's SDDL, about 0.6 KB)", kindFloorV0, kindFloorNoSDDL},
	{"`data_collection` (one item, as the bench seeds it)", kindFloorV0, kindFloorNoDC},
	{"both: schema version 0 against version 1", kindFloorV0, kindFloorRequest},
	{"ids, timestamps, flags and the rest of version 1 beyond the status attributes", kindFloorRequest, kindFloorMin},
}

// renderAttributeGroups shows what each group of attributes costs, from
// the floor's variants, which call nothing.
func renderAttributeGroups(w *strings.Builder, s *sizeResult) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("\nWhat each group of attributes costs any provider, from the floor's variants of floor_request_status, which call nothing: " +
		"`_v0` has schema version 0's attributes (version 1's and the security descriptor and data collection), `_no_sddl` and " +
		"`_no_data_collection` leave one of those two out, `floor_request_status` is version 1, and `_min` keeps only " +
		"`status_code`, `observed_status` and `completed` beside the arguments. A group's cost is the median time with it less the " +
		"median time without, and that difference over terraform_data's time; the medians of a shared machine make small " +
		"differences noisy (see every run below).\n\n")
	p("| Operation | Group | With | Without | Cost | Cost ÷ terraform_data |\n|---|---|---:|---:|---:|---:|\n")
	for _, op := range s.ops {
		data := median(walls(op.samples[kindData]))
		for _, g := range attributeGroups {
			with, without := op.samples[g.with], op.samples[g.without]
			if len(with) == 0 || len(without) == 0 {
				continue
			}
			cost := median(walls(with)) - median(walls(without))
			share := "—"
			if data > 0 {
				share = fmt.Sprintf("%.2f×", cost.Seconds()/data.Seconds())
			}
			p("| %s | %s | %s | %s | %s | %s |\n", op.op.name, g.name, medianCell(with), medianCell(without), seconds(cost), share)
		}
	}
}

// medianCell shows the median wall time of a kind, "—" when not measured.
func medianCell(samples []sample) string {
	if len(samples) == 0 {
		return "—"
	}
	return seconds(median(walls(samples)))
}

// ratioCell shows one kind's time over another's.
func ratioCell(op *opResult, k, over kind) string {
	r := ratio(op, k, over)
	if math.IsNaN(r) {
		return "—"
	}
	if r < 0.1 {
		return fmt.Sprintf("%.3f×", r) // 0.004× rather than 0.00×
	}
	return fmt.Sprintf("%.2f×", r)
}

// cpuCell shows the median CPU time of Terraform and of the plugins.
func cpuCell(samples []sample) string {
	if len(samples) == 0 {
		return "—"
	}
	var core, plugin []time.Duration
	for _, s := range samples {
		core = append(core, s.run.cpu-s.run.providerCPU())
		plugin = append(plugin, s.run.providerCPU())
	}
	if maxProcesses(samples) == 0 {
		return seconds(median(core))
	}
	n := maxProcesses(samples)
	return fmt.Sprintf("%s + %s (%d process%s, %s)", seconds(median(core)), seconds(median(plugin)), n, pluralES(n), mib(peakOf(samples)))
}

func renderLatency(w *strings.Builder, l *latencyResult) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	worst := worstCalls(l.slow)
	ideal := l.ideal()
	slow, fast := median(walls(l.slow)), median(walls(l.fast))
	if l.kind == kindBulk {
		p("## Latency scenario of mimcm_request_statuses: N = %d, %d ms per API answer (%d round%s)\n\n", l.n, l.latencyMS, l.rounds, plural(l.rounds))
		p("One mimcm_request_statuses of N entries. Every API answer of the mock waits %d ms (`PUT /_mock/settings`); "+
			"the apply alternates with the same apply without latency.\n\n", l.latencyMS)
	} else {
		p("## Latency scenario: N = %d, %d ms per API answer (%d round%s)\n\n", l.n, l.latencyMS, l.rounds, plural(l.rounds))
		p("N is smaller than above to keep the scenario short. Every API answer of the mock waits %d ms (`PUT /_mock/settings`); "+
			"the apply alternates with the same apply without latency.\n\n", l.latencyMS)
	}
	p("| | |\n|---|---|\n")
	p("| API calls per resource | %s |\n", callsPerResource(worst.calls, l.n))
	if l.kind == kindBulk {
		p("| Effective concurrency | %d = max_concurrent_requests (one resource: -parallelism does not apply) |\n", mimcm.DefaultMaxConcurrentRequests)
	} else {
		p("| Effective concurrency | %d = min(-parallelism %d, max_concurrent_requests %d) |\n", effectiveConcurrent, parallelism, mimcm.DefaultMaxConcurrentRequests)
	}
	p("| Ideal: N × calls per resource × %d ms ÷ %d | %s |\n", l.latencyMS, effectiveConcurrent, seconds(ideal))
	p("| Measured apply with latency (median) | %s (runs: %s) |\n", seconds(slow), secondsList(walls(l.slow)))
	p("| Same apply without latency (median) | %s (runs: %s) |\n", seconds(fast), secondsList(walls(l.fast)))
	p("| Efficiency: ideal ÷ measured | %.0f%% |\n", 100*ideal.Seconds()/slow.Seconds())
	p("| Time the latency added (with − without), beside the ideal | %s vs %s |\n", seconds(slow-fast), seconds(ideal))
	p("| New connections (apply with latency) | %s |\n\n", connections(worst))
}

// ideal is the apply time the latency alone allows: every call waits
// latencyMS, effectiveConcurrent at a time.
func (l *latencyResult) ideal() time.Duration {
	perResource := float64(worstCalls(l.slow).calls.Counts["total"]) / float64(l.n)
	return time.Duration(float64(l.n) * perResource * float64(time.Duration(l.latencyMS)*time.Millisecond) / float64(effectiveConcurrent))
}

func renderHTTPS(w *strings.Builder, h *httpsResult, sizes []*sizeResult) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("## https scenario: N = %d, HTTP/2 (%d round%s)\n\n", h.n, h.rounds, plural(h.rounds))
	p("The apply again, against a second mock that serves https with a self-signed certificate the configuration trusts " +
		"(`ca_cert_file`), as IIS serves the API to bearer tokens, Basic and client certificates: the provider speaks HTTP/2 there, " +
		"and each provider process carries all its calls on one connection. IIS refuses HTTP/2 to Kerberos and NTLM, and the provider " +
		"then keeps to HTTP/1.1, one call at a time on each connection, as over plain http above.\n\n")
	p("| | |\n|---|---|\n")
	p("| API calls per resource | %s |\n", callsPerResource(worstCalls(h.applies).calls, h.n))
	p("| Apply (median) | %s (runs: %s) |\n", seconds(median(walls(h.applies))), secondsList(walls(h.applies)))
	p("| New connections (the most of any run) | %s |\n", connections(worstConnections(h.applies)))
	for _, s := range sizes {
		if op := s.op("apply"); s.n == h.n && op != nil && len(op.samples[kindMimcm]) > 0 {
			p("| The same apply over http, HTTP/1.1 (from N = %d above) | %s; %s new connections |\n",
				s.n, seconds(median(walls(op.samples[kindMimcm]))), connections(worstConnections(op.samples[kindMimcm])))
		}
	}
	p("\n")
}

func renderGoBenchmarks(w *strings.Builder, list []goBenchmark) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("## Go benchmarks\n\n`go test -run '^$' -bench ... -benchmem ./internal/mimcm ./internal/provider`; ")
	p("the 10,000-request lists are a reference request repeated (about 1.5 kB each) served by a local `httptest` server; ")
	p("`BenchmarkRequestStatuses_*` call the provider's protocol server as Terraform does for one `mimcm_request_statuses` of 5,000 entries, ")
	p("against the in-process mock holding 15,000 requests in their status (refresh: read with one list call, validate, plan; ")
	p("`plan -refresh=false`: upgrade the state from its JSON, validate, plan).\n\n")
	p("| Benchmark | Runs | Wall per op | CPU per op | Bytes per op | Allocations per op |\n|---|---:|---:|---:|---:|---:|\n")
	for _, b := range list {
		p("| `%s` (%s) | %d | %s | %s | %s | %.0f |\n", b.name, strings.TrimPrefix(b.pkg, "github.com/mimcm/terraform-provider-mimcm/"),
			b.runs, nanos(b.metrics["ns/op"]), nanos(b.metrics["cpu-ns/op"]), bytesOf(b.metrics["B/op"]), b.metrics["allocs/op"])
	}
	p("\n")
}

// evaluate checks the targets of the singular and the bulk resource
// against what was measured.
func evaluate(sizes []*sizeResult, lat *latencyResult, https *httpsResult, goBench []goBenchmark) []verdict {
	var out []verdict
	at := func(n int) *sizeResult { return sizeAt(sizes, n) }
	for _, name := range []string{"apply", "refresh plan", "destroy"} {
		v := verdict{target: fmt.Sprintf("%s at N=%d ≤ %.1f× terraform_data", name, targetRatioN, targetRatio)}
		s := at(targetRatioN)
		if s == nil || !slices.Contains(s.kinds, kindData) || !slices.Contains(s.kinds, kindMimcm) {
			out = append(out, notRun(v, targetRatioN))
			continue
		}
		op := s.op(name)
		if op == nil {
			out = append(out, notRun(v, targetRatioN))
			continue
		}
		r := ratio(op, kindMimcm, kindData)
		v.measured = fmt.Sprintf("%.2f× (%s vs %s)", r, seconds(median(walls(op.samples[kindMimcm]))), seconds(median(walls(op.samples[kindData]))))
		v.result = passIf(r <= targetRatio)
		v.note = ratioNote(s, op)
		out = append(out, v)
	}

	callTargets := []struct {
		target string
		op     string
		ok     func(c callCounts, n int) bool
		show   func(c callCounts, n int) string
	}{
		{"refresh plan: exactly 1 API call per resource", "refresh plan",
			func(c callCounts, n int) bool { return c.Counts["total"] == n && c.reads() == n },
			func(c callCounts, n int) string { return callsPerResource(c, n) }},
		{"plan -refresh=false: 0 API calls", "plan -refresh=false",
			func(c callCounts, _ int) bool { return c.Counts["total"] == 0 },
			func(c callCounts, _ int) string { return fmt.Sprintf("%d calls", c.Counts["total"]) }},
		{"destroy: 0 writes", "destroy",
			func(c callCounts, _ int) bool { return c.writes() == 0 },
			func(c callCounts, n int) string {
				return fmt.Sprintf("%d writes (%s)", c.writes(), callsPerResource(c, n))
			}},
		{fmt.Sprintf("create (apply): ≤ %d API calls per resource", targetCreateCalls), "apply",
			func(c callCounts, n int) bool { return c.Counts["total"] <= targetCreateCalls*n },
			func(c callCounts, n int) string { return callsPerResource(c, n) }},
	}
	for _, t := range callTargets {
		v := verdict{target: t.target, result: "PASS"}
		var shown []string
		for _, s := range sizes {
			op := s.op(t.op)
			if op == nil || !slices.Contains(s.kinds, kindMimcm) {
				continue
			}
			worst := worstCalls(op.samples[kindMimcm])
			for _, smp := range op.samples[kindMimcm] {
				if !t.ok(smp.calls, s.n) {
					v.result = "MISS"
				}
			}
			shown = append(shown, fmt.Sprintf("N=%d: %s", s.n, t.show(worst.calls, s.n)))
		}
		v.measured = strings.Join(shown, "; ")
		if len(shown) == 0 {
			v.result, v.measured = "NOT RUN", "not measured"
		}
		out = append(out, v)
	}

	connectionsTarget := func(over string) verdict {
		return verdict{target: fmt.Sprintf("new connections over %s for a whole apply at N=%d ≤ max_concurrent_requests + 2 = %d",
			over, targetRatioN, targetConnections)}
	}
	v := connectionsTarget("http (HTTP/1.1)")
	if s := at(targetRatioN); s == nil || !slices.Contains(s.kinds, kindMimcm) {
		out = append(out, notRun(v, targetRatioN))
	} else {
		worst := worstConnections(s.op("apply").samples[kindMimcm]) // every size runs apply
		v.measured = connections(worst)
		v.result = passIf(worst.calls.Connections <= targetConnections)
		v.note = connectionsNote(worst)
		out = append(out, v)
	}
	v = connectionsTarget("https (HTTP/2)")
	if https == nil || https.n != targetRatioN {
		out = append(out, notRun(v, targetRatioN))
	} else {
		worst := worstConnections(https.applies)
		v.measured = connections(worst)
		v.result = passIf(worst.calls.Connections <= targetConnections)
		v.note = "HTTP/2 carries every call of a provider process on one connection, so a whole apply should open one per process " +
			"that calls the API; more means a process opened connections it did not need."
		out = append(out, v)
	}

	v = verdict{target: fmt.Sprintf("provider peak RSS at N=%d ≤ %d MiB", targetRSSN, targetRSSMiB)}
	if s := at(targetRSSN); s == nil || !slices.Contains(s.kinds, kindMimcm) {
		out = append(out, notRun(v, targetRSSN))
	} else {
		var peak int64
		for _, op := range s.ops {
			peak = max(peak, peakOf(op.samples[kindMimcm]))
		}
		v.measured = mib(peak)
		v.result = passIf(float64(peak) <= targetRSSMiB*1024)
		v.note = rssNote(sizes, s, peak)
		out = append(out, v)
	}

	// Checked on BenchmarkClient_ListRequests10000, the GET from a local
	// server and the decoding, by both its wall and its CPU time per list
	// (the CPU time includes the test server's side of the exchange).
	v = verdict{target: fmt.Sprintf("mimcm_requests over 10,000 requests decodes in ≤ %d ms", targetListDecode.Milliseconds())}
	list, listOK := findGoBenchmark(goBench, "BenchmarkClient_ListRequests10000")
	if !listOK {
		v.measured, v.result = "not measured (the Go benchmarks were skipped)", "NOT RUN"
	} else {
		wall, cpu := time.Duration(list.metrics["ns/op"]), time.Duration(list.metrics["cpu-ns/op"])
		v.measured = fmt.Sprintf("ListRequests (local HTTP and decoding): %s wall, %s CPU per list", millis(wall), millis(cpu))
		if decode, ok := findGoBenchmark(goBench, "BenchmarkDecodeRequests10000"); ok {
			v.measured += fmt.Sprintf("; decoding alone %s CPU", millis(time.Duration(decode.metrics["cpu-ns/op"])))
		}
		v.result = passIf(wall <= targetListDecode && cpu <= targetListDecode)
		v.note = "`ListRequests` reads a 15 MB answer from a local server and decodes it; both its wall and its CPU time per list " +
			"(the test server's side included) must stay within the target."
	}
	out = append(out, v)
	out = append(out, evaluateBulk(sizes, lat)...)
	return append(out, evaluateRequest(sizes))
}

// requestTarget is the cost mimcm_request promises.
const requestTarget = "mimcm_request: creating N requests costs N POSTs; a refresh costs one GET per request, like mimcm_request_status"

// applyWalks is the number of provider processes that plan an apply's
// creates: Terraform runs an apply as a plan walk and an apply walk, each
// in a provider process of its own, and the two short processes it starts
// for the schema and validation plan nothing.
const applyWalks = 2

// evaluateRequest checks mimcm_request's calls, run by run, at every size
// that measured it. An apply must send one POST and one GET of the new
// request per resource, read the template's one workflow policy at most
// once in each walk's provider process, and list nothing (the bench
// injects no fault, so no POST's outcome is unknown); a refresh plan must
// read each request with one GET and call nothing else. The bound on
// policy reads does not rest on the processes seen in /proc, which can
// miss a short one.
func evaluateRequest(sizes []*sizeResult) verdict {
	v := verdict{target: requestTarget, result: "PASS"}
	var shown, missed []string
	for _, s := range sizes {
		apply, refresh := s.op("apply"), s.op("refresh plan")
		if !slices.Contains(s.kinds, kindRequest) || apply == nil || refresh == nil {
			continue
		}
		for _, smp := range apply.samples[kindRequest] {
			c := smp.calls
			if c.Counts["POST"] != s.n || c.requestReads() != s.n || c.lists() != 0 || c.policyReads() > applyWalks ||
				c.Counts["total"] != c.Counts["POST"]+c.requestReads()+c.policyReads() {
				missed = append(missed, fmt.Sprintf("at N=%d an apply sent %s; want %d POST, %d GET of a request, "+
					"at most %d GET of the policy (one in each walk's provider process) and nothing else", s.n, routesCell(smp), s.n, s.n, applyWalks))
			}
		}
		for _, smp := range refresh.samples[kindRequest] {
			if c := smp.calls; c.Counts["total"] != s.n || c.requestReads() != s.n {
				missed = append(missed, fmt.Sprintf("at N=%d a refresh plan sent %s; want %d GET of a request and nothing else",
					s.n, routesCell(smp), s.n))
			}
		}
		per := func(v int) string { return fmt.Sprintf("%.2f", float64(v)/float64(s.n)) }
		a, r := worstCalls(apply.samples[kindRequest]), worstCalls(refresh.samples[kindRequest])
		part := fmt.Sprintf("N=%d: apply %s POST and %s GET of the new request per resource, plus %d policy read%s in %d provider "+
			"process%s and %d list%s — refresh plan %s GET per request, %s calls in all", s.n, per(a.calls.Counts["POST"]),
			per(a.calls.requestReads()), a.calls.policyReads(), plural(a.calls.policyReads()), len(a.run.providers),
			pluralES(len(a.run.providers)), a.calls.lists(), plural(a.calls.lists()), per(r.calls.requestReads()), per(r.calls.Counts["total"]))
		if status := refresh.samples[kindMimcm]; len(status) > 0 {
			part += fmt.Sprintf(" (mimcm_request_status: %s)", per(worstCalls(status).calls.Counts["total"]))
		}
		shown = append(shown, part)
	}
	if len(shown) == 0 {
		v.result, v.measured = "NOT RUN", "not measured (-kinds mimcm_request)"
		return v
	}
	v.measured = strings.Join(shown, "; ")
	if len(missed) > 0 {
		v.result = "MISS"
		v.note = strings.Join(missed, "; ") + "."
	}
	return v
}

// The targets of the bulk resource, mimcm_request_statuses.
const (
	targetBulkRatio      = 0.2 // mimcm_request_statuses ÷ terraform_data, apply and refresh plan
	targetBulkApplyCalls = 2   // API calls per entry on apply
	targetBulkRSSMiB     = 100 // provider peak RSS at targetRSSN entries
	targetEfficiency     = 0.85
	targetSingularRatio  = 1.6 // mimcm_request_status apply at targetRatioN, with the lean state
)

var bulkSizes = []int{2000, 5000}

// evaluateBulk checks the targets of the bulk resource.
func evaluateBulk(sizes []*sizeResult, lat *latencyResult) []verdict {
	var out []verdict
	at := func(n int) *sizeResult { return sizeAt(sizes, n) }
	for _, n := range bulkSizes {
		for _, name := range []string{"apply", "refresh plan"} {
			v := verdict{target: fmt.Sprintf("mimcm_request_statuses %s at N=%d ≤ %.1f× terraform_data", name, n, targetBulkRatio)}
			s := at(n)
			if s == nil || !slices.Contains(s.kinds, kindData) || !slices.Contains(s.kinds, kindBulk) || s.op(name) == nil {
				out = append(out, notRunKinds(v, n))
				continue
			}
			op := s.op(name)
			r := ratio(op, kindBulk, kindData)
			v.measured = fmt.Sprintf("%.3f× (%s vs %s)", r, seconds(median(walls(op.samples[kindBulk]))), seconds(median(walls(op.samples[kindData]))))
			v.result = passIf(r <= targetBulkRatio)
			v.note = fmt.Sprintf("one resource of %d entries against %d terraform_data resources: CPU %s against %s.", n, n,
				cpuCell(op.samples[kindBulk]), cpuCell(op.samples[kindData]))
			if floor := op.samples[kindFloorBulk]; len(floor) > 0 {
				v.note += fmt.Sprintf(" Terraform's own floor for this resource, floor_request_statuses (answered with next to no work): "+
					"%.3f× (%s; CPU %s).", ratio(op, kindFloorBulk, kindData), seconds(median(walls(floor))), cpuCell(floor))
			}
			out = append(out, v)
		}
	}
	for _, t := range []struct {
		target, op string
		max        int
	}{
		{fmt.Sprintf("mimcm_request_statuses apply: ≤ %d API calls per entry", targetBulkApplyCalls), "apply", targetBulkApplyCalls},
		{"mimcm_request_statuses refresh plan: ≤ 1 API call per entry", "refresh plan", 1},
	} {
		v := verdict{target: t.target, result: "PASS"}
		var shown []string
		for _, s := range sizes {
			op := s.op(t.op)
			if op == nil || !slices.Contains(s.kinds, kindBulk) {
				continue
			}
			for _, smp := range op.samples[kindBulk] {
				if smp.calls.Counts["total"] > t.max*s.n {
					v.result = "MISS"
				}
			}
			shown = append(shown, fmt.Sprintf("N=%d: %s", s.n, callsPerResource(worstCalls(op.samples[kindBulk]).calls, s.n)))
		}
		v.measured = strings.Join(shown, "; ")
		if len(shown) == 0 {
			v.result, v.measured = "NOT RUN", "not measured (-kinds mimcm_request_statuses)"
		}
		out = append(out, v)
	}

	v := verdict{target: fmt.Sprintf("mimcm_request_statuses provider peak RSS at N=%d ≤ %d MiB", targetRSSN, targetBulkRSSMiB)}
	if s := at(targetRSSN); s == nil || !slices.Contains(s.kinds, kindBulk) {
		out = append(out, notRunKinds(v, targetRSSN))
	} else {
		var peak, floor int64
		for _, op := range s.ops {
			peak = max(peak, peakOf(op.samples[kindBulk]))
			floor = max(floor, peakOf(op.samples[kindFloorBulk]))
		}
		v.measured = mib(peak)
		v.result = passIf(float64(peak) <= targetBulkRSSMiB*1024)
		if floor > 0 {
			v.note = fmt.Sprintf("floor_request_statuses, the same resource answered at the protocol level with next to no work: %s.", mib(floor))
		}
		out = append(out, v)
	}

	v = verdict{target: fmt.Sprintf("mimcm_request_statuses apply with %d ms latency per answer within %.0f%% of N × calls × latency ÷ concurrency",
		50, 100*targetEfficiency)}
	if lat == nil || lat.kind != kindBulk || len(lat.slow) == 0 {
		v.result, v.measured = "NOT RUN", "needs the latency scenario of mimcm_request_statuses (-latency-kind mimcm_request_statuses)"
	} else {
		slow := median(walls(lat.slow))
		eff := lat.ideal().Seconds() / slow.Seconds()
		v.target = strings.Replace(v.target, "50 ms", fmt.Sprintf("%d ms", lat.latencyMS), 1)
		v.measured = fmt.Sprintf("N=%d: %.0f%% (ideal %s, measured %s; without latency %s)", lat.n, 100*eff, seconds(lat.ideal()), seconds(slow),
			seconds(median(walls(lat.fast))))
		v.result = passIf(eff >= targetEfficiency)
		v.note = "the apply's time is the latency's share plus what Terraform and the provider spend without any latency " +
			"(the apply without latency, shown beside it): the efficiency can only reach the target when that share is small."
	}
	out = append(out, v)

	v = verdict{target: fmt.Sprintf("mimcm_request_status apply at N=%d ≤ %.1f× terraform_data with the lean state and the reference SDDL served",
		targetRatioN, targetSingularRatio)}
	if s := at(targetRatioN); s == nil || !slices.Contains(s.kinds, kindData) || !slices.Contains(s.kinds, kindMimcm) {
		out = append(out, notRunKinds(v, targetRatioN))
	} else {
		op := s.op("apply")
		r := ratio(op, kindMimcm, kindData)
		v.measured = fmt.Sprintf("%.2f× (%s vs %s)", r, seconds(median(walls(op.samples[kindMimcm]))), seconds(median(walls(op.samples[kindData]))))
		v.result = passIf(r <= targetSingularRatio)
		v.note = ratioNote(s, op)
		out = append(out, v)
	}
	return out
}

// sizeAt is the size of n resources, nil when it was not measured.
func sizeAt(sizes []*sizeResult, n int) *sizeResult {
	for _, s := range sizes {
		if s.n == n {
			return s
		}
	}
	return nil
}

func notRunKinds(v verdict, n int) verdict {
	v.result = "NOT RUN"
	v.measured = fmt.Sprintf("needs N=%d with terraform_data and the resource measured", n)
	return v
}

// ratioNote explains, with the measurements, where the time above
// terraform_data goes: to being a plugin (floor_item), to the schema and
// state of mimcm_request_status (floor_request_status), and to the
// provider's own code and API calls (the rest).
func ratioNote(s *sizeResult, op *opResult) string {
	data, mim := median(walls(op.samples[kindData])), median(walls(op.samples[kindMimcm]))
	var b strings.Builder
	fmt.Fprintf(&b, "terraform_data takes %s inside Terraform: no plugin process, no gRPC, four attributes in state.", seconds(data))
	if floor := median(walls(op.samples[kindFloor])); floor > 0 {
		r := ratio(op, kindFloor, kindData)
		fmt.Fprintf(&b, " Being a plugin: floor_item, the smallest plugin resource, takes %s, %.2f× (CPU: %s)",
			seconds(floor), r, cpuCell(op.samples[kindFloor]))
		if r > targetRatio {
			b.WriteString(", beyond the target for any plugin: Terraform starts the plugin's processes and makes several gRPC " +
				"calls per resource (validate, upgrade state, plan, read), each decoded and checked by the framework")
		}
		b.WriteString(".")
	}
	calls := callsPerResource(worstCalls(op.samples[kindMimcm]).calls, s.n)
	request := median(walls(op.samples[kindFloorRequest]))
	if request == 0 {
		fmt.Fprintf(&b, " mimcm_request_status takes %s for %s (CPU: %s).", seconds(mim), calls, cpuCell(op.samples[kindMimcm]))
		return b.String()
	}
	r := ratio(op, kindFloorRequest, kindData)
	fmt.Fprintf(&b, " Keeping these attributes: floor_request_status, with mimcm_request_status's schema and the same state "+
		"but no API call and no code of its own, takes %s, %.2f× (CPU: %s)", seconds(request), r,
		cpuCell(op.samples[kindFloorRequest]))
	if r > targetRatio {
		b.WriteString(", beyond the target before any provider code runs: Terraform's own CPU grows with the state it writes, " +
			"and the framework's with the attributes it handles (see the analysis below)")
	}
	fmt.Fprintf(&b, ". The provider's own code and its API calls (%s) add the rest: mimcm_request_status takes %s, %.2f× "+
		"floor_request_status (CPU: %s).", calls, seconds(mim), ratio(op, kindMimcm, kindFloorRequest), cpuCell(op.samples[kindMimcm]))
	return b.String()
}

// connectionsNote shows how the connections divide between the provider
// processes of one apply.
func connectionsNote(s sample) string {
	why := fmt.Sprintf("Terraform runs an apply as a plan and then an apply, each walk with a provider process of its own, "+
		"and both read every request with up to %d calls in flight; a connection cannot outlive the process that opened it.",
		mimcm.DefaultMaxConcurrentRequests)
	perProcess := connectionsByProcess(s)
	if len(perProcess) == 0 {
		return why + " Which process held which connection was not seen (each lived less than the 50 ms between samples)."
	}
	busiest := slices.Max(perProcess)
	if busiest > targetConnections {
		return fmt.Sprintf("%s %d processes called the API here, holding %s connections (seen in /proc); the busiest held %d, "+
			"beyond max_concurrent_requests + 2 = %d even for one process.", why, len(perProcess), joinInts(perProcess, " + "),
			busiest, targetConnections)
	}
	return fmt.Sprintf("%s %d processes called the API here, holding %s connections (seen in /proc). The busiest held %d, "+
		"within max_concurrent_requests + 2 = %d: the limit holds per process. HTTP/1.1 carries one call at a time on a connection, "+
		"so over it the whole apply could only stay within the target by halving the concurrency of each walk; over https, where "+
		"the provider speaks HTTP/2, each process needs one connection (the https scenario).", why, len(perProcess),
		joinInts(perProcess, " + "), busiest, targetConnections)
}

// findGoBenchmark finds a Go benchmark's result by name.
func findGoBenchmark(list []goBenchmark, name string) (goBenchmark, bool) {
	i := slices.IndexFunc(list, func(b goBenchmark) bool { return b.name == name })
	if i < 0 {
		return goBenchmark{}, false
	}
	return list[i], true
}

// rssNote shows how the provider's peak RSS grows with N, beside the floor
// plugin's where it was measured.
func rssNote(sizes []*sizeResult, big *sizeResult, peak int64) string {
	var parts []string
	for _, s := range sizes {
		var mim, floor int64
		for _, op := range s.ops {
			mim = max(mim, peakOf(op.samples[kindMimcm]))
			floor = max(floor, peakOf(op.samples[kindFloor]))
		}
		part := fmt.Sprintf("N=%d: mimcm_request_status %s", s.n, mib(mim))
		if floor > 0 {
			part += ", floor_item " + mib(floor)
		}
		parts = append(parts, part)
	}
	return fmt.Sprintf("Peak RSS by size: %s. %s at N=%d. The growth with N shows in the floor plugin too, so it does not come "+
		"from this provider's own data; the analysis below says where it comes from.", strings.Join(parts, "; "), mib(peak), big.n)
}

func notRun(v verdict, n int) verdict {
	v.result = "NOT RUN"
	v.measured = fmt.Sprintf("needs N=%d (make bench N=%d)", n, n)
	return v
}

func passIf(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

// op returns the results of the named operation, nil when the size did
// not run it.
func (s *sizeResult) op(name string) *opResult {
	for _, op := range s.ops {
		if op.op.name == name {
			return op
		}
	}
	return nil
}

// ratio is one kind's median time over another's.
func ratio(op *opResult, k, over kind) float64 {
	base := median(walls(op.samples[over]))
	if base <= 0 || len(op.samples[k]) == 0 {
		return math.NaN()
	}
	return median(walls(op.samples[k])).Seconds() / base.Seconds()
}

func walls(samples []sample) []time.Duration {
	out := make([]time.Duration, len(samples))
	for i, s := range samples {
		out[i] = s.run.wall
	}
	return out
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// worstCalls is the sample with the most API calls.
func worstCalls(samples []sample) sample {
	var worst sample
	for i, s := range samples {
		if i == 0 || s.calls.Counts["total"] > worst.calls.Counts["total"] {
			worst = s
		}
	}
	return worst
}

// worstConnections is the sample with the most new connections.
func worstConnections(samples []sample) sample {
	var worst sample
	for i, s := range samples {
		if i == 0 || s.calls.Connections > worst.calls.Connections {
			worst = s
		}
	}
	return worst
}

func peakOf(samples []sample) int64 {
	var peak int64
	for _, s := range samples {
		peak = max(peak, s.run.providerPeakKiB())
	}
	return peak
}

func maxProcesses(samples []sample) int {
	n := 0
	for _, s := range samples {
		n = max(n, len(s.run.providers))
	}
	return n
}

func terraformPeak(s *sizeResult, k kind) int64 {
	var peak int64
	for _, op := range s.ops {
		for _, smp := range op.samples[k] {
			peak = max(peak, smp.run.terraformPeakKiB)
		}
	}
	return peak
}

// connectionsByProcess counts the connections to the mock each provider
// process that opened any held, in the order the processes started.
func connectionsByProcess(s sample) []int {
	var out []int
	for _, p := range s.run.providers {
		if len(p.mockSockets) > 0 {
			out = append(out, len(p.mockSockets))
		}
	}
	return out
}

func connections(s sample) string {
	perProcess := connectionsByProcess(s)
	if len(perProcess) < 2 {
		return fmt.Sprint(s.calls.Connections)
	}
	return fmt.Sprintf("%d (%s by process)", s.calls.Connections, joinInts(perProcess, " + "))
}

func callsPerResource(c callCounts, n int) string {
	if c.Counts == nil || n == 0 {
		return "—"
	}
	per := func(v int) string { return fmt.Sprintf("%.2f", float64(v)/float64(n)) }
	return fmt.Sprintf("%s (%s GET, %s writes)", per(c.Counts["total"]), per(c.reads()), per(c.writes()))
}

func runLoads(sizes []*sizeResult, lat *latencyResult) (lo, hi, mean float64, ok bool) {
	var all []float64
	for _, s := range sizes {
		for _, op := range s.ops {
			for _, k := range op.samples {
				for _, smp := range k {
					all = append(all, smp.load)
				}
			}
		}
	}
	if lat != nil {
		for _, smp := range append(slices.Clone(lat.slow), lat.fast...) {
			all = append(all, smp.load)
		}
	}
	if len(all) == 0 {
		return 0, 0, 0, false
	}
	sum := 0.0
	for _, l := range all {
		sum += l
	}
	return slices.Min(all), slices.Max(all), sum / float64(len(all)), true
}

func joinInts(v []int, sep string) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, sep)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func secondsList(d []time.Duration) string {
	if len(d) == 0 {
		return "—"
	}
	s := make([]string, len(d))
	for i, x := range d {
		s[i] = fmt.Sprintf("%.2f", x.Seconds())
	}
	return strings.Join(s, ", ")
}

func millis(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func nanos(ns float64) string {
	switch {
	case ns == 0:
		return "—"
	case ns >= 1e6:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func bytesOf(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

func mib(kib int64) string {
	if kib == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

// reportSection is one "## " section of a report, its heading line
// included; the text before the first heading has an empty heading.
type reportSection struct {
	heading string
	text    string
}

// key names a section whatever its counts: the heading up to " (".
func (s reportSection) key() string {
	k, _, _ := strings.Cut(strings.TrimPrefix(s.heading, "## "), " (")
	return k
}

// supersedes reports whether s, a section of an update, measured again
// everything old did: old has the same name, or both are sections of one
// size ("N = 2000: kind, kind") and s measured each of old's kinds.
func (s reportSection) supersedes(old reportSection) bool {
	if old.heading == "" {
		return false
	}
	if s.key() == old.key() {
		return true
	}
	size, kinds, ok := strings.Cut(s.key(), ": ")
	oldSize, oldKinds, oldOK := strings.Cut(old.key(), ": ")
	if !ok || !oldOK || size != oldSize || !strings.HasPrefix(size, "N = ") {
		return false
	}
	measured := strings.Split(kinds, ", ")
	for _, k := range strings.Split(oldKinds, ", ") {
		if !slices.Contains(measured, k) {
			return false
		}
	}
	return true
}

func splitSections(report string) []reportSection {
	var out []reportSection
	cur := reportSection{}
	for _, line := range strings.SplitAfter(report, "\n") {
		if strings.HasPrefix(line, "## ") {
			out = append(out, cur)
			cur = reportSection{heading: strings.TrimSpace(line)}
		}
		cur.text += line
	}
	return append(out, cur)
}

// historyNote ends the report's opening paragraph: the file holds the
// latest figures only.
const historyNote = "Earlier reports are in the file's git history."

// mergeReport writes the sections of a report of a limited run (-update)
// into an earlier report: the update's machine section, as its own, and
// its sections after it, before the analysis — a section it supersedes
// (of the same name, or of the same size with no kind it did not measure)
// leaves its old place, so that every section sits under the machine that
// measured it, and an earlier update's machine section left with none is
// dropped. The targets table keeps the rows this run did not check.
func mergeReport(old, update string, at time.Time, runtime time.Duration) string {
	oldSections, newSections := splitSections(old), splitSections(update)
	var names []string
	for _, s := range newSections[1:] {
		switch s.key() {
		case "Machine", "Method", "Targets", "Analysis":
		default:
			names = append(names, s.key())
		}
	}
	stamp := at.UTC().Format("2006-01-02 15:04")
	oldSections[0].text = openingOf(oldSections[0].text) +
		fmt.Sprintf(" Last updated on %s UTC by a run of %s limited to (`-update`): %s. %s\n\n", stamp, runtime.Round(time.Second), strings.Join(names, "; "), historyNote)
	find := func(key string) int {
		return slices.IndexFunc(oldSections, func(s reportSection) bool { return s.heading != "" && s.key() == key })
	}
	oldSections = targetsFirst(oldSections)
	insert := func(s reportSection) {
		i := find("Analysis")
		if i < 0 {
			i = len(oldSections)
		}
		oldSections = slices.Insert(oldSections, i, s)
	}
	for _, s := range newSections[1:] {
		switch s.key() {
		case "Machine":
			heading := fmt.Sprintf("## Machine of the update of %s", stamp)
			insert(reportSection{heading: heading, text: strings.Replace(s.text, s.heading, heading, 1)})
			continue
		case "Targets":
			if i := find("Targets"); i >= 0 {
				oldSections[i].text = mergeTargets(oldSections[i].text, s.text)
				continue
			}
		case "Method", "Analysis":
			if i := find(s.key()); i >= 0 {
				oldSections[i] = s
				continue
			}
		}
		oldSections = slices.DeleteFunc(oldSections, s.supersedes)
		insert(s)
	}
	isUpdateMachine := func(i int) bool {
		return i < len(oldSections) && strings.HasPrefix(oldSections[i].heading, "## Machine of the update of ")
	}
	var b strings.Builder
	for i, s := range oldSections {
		if isUpdateMachine(i) && (i+1 == len(oldSections) || isUpdateMachine(i+1) || oldSections[i+1].key() == "Analysis") {
			continue // its sections were all measured again since
		}
		b.WriteString(s.text)
	}
	return b.String()
}

// openingOf is the first sentences of a report's opening paragraph, without
// what updates and the history note added to it.
func openingOf(text string) string {
	text = strings.TrimRight(text, "\n")
	for _, tail := range []string{" Updated on ", " Last updated on ", " " + historyNote} {
		if i := strings.Index(text, tail); i >= 0 {
			text = text[:i]
		}
	}
	return text
}

// targetsFirst moves the targets section right after the opening paragraph,
// where a report written before the targets opened it had it last.
func targetsFirst(sections []reportSection) []reportSection {
	i := slices.IndexFunc(sections, func(s reportSection) bool { return s.heading != "" && s.key() == "Targets" })
	if i <= 1 {
		return sections
	}
	targets := sections[i]
	sections = slices.Delete(sections, i, i+1)
	return slices.Insert(sections, 1, targets)
}

// mergeTargetRow is the update's row of a target, which also keeps what the
// old row measured at sizes the update did not measure, when both rows
// give their measurements size by size ("N=2000: …; N=5000: …"). Such a
// row misses when the update's does, or when the old one did and some of
// its sizes are kept.
func mergeTargetRow(old, update string) string {
	// cells reads a row whose measurements are given size by size.
	cells := func(line string) (target string, bySize map[int]string, result string, ok bool) {
		fields := strings.Split(strings.Trim(line, "| "), " | ")
		if len(fields) != 3 {
			return "", nil, "", false
		}
		bySize = map[int]string{}
		for _, part := range strings.Split(fields[1], "; ") {
			size, _, found := strings.Cut(part, ": ")
			n, err := strconv.Atoi(strings.TrimPrefix(size, "N="))
			if !found || !strings.HasPrefix(size, "N=") || err != nil || n < 1 {
				return "", nil, "", false
			}
			bySize[n] = part
		}
		return fields[0], bySize, fields[2], true
	}
	target, parts, result, ok := cells(update)
	_, oldParts, oldResult, oldOK := cells(old)
	if !ok || !oldOK {
		return update
	}
	for n, part := range oldParts {
		if _, measured := parts[n]; !measured {
			parts[n] = part
			if oldResult == "**MISS**" {
				result = oldResult
			}
		}
	}
	var shown []string
	for _, n := range slices.Sorted(maps.Keys(parts)) {
		shown = append(shown, parts[n])
	}
	return fmt.Sprintf("| %s | %s | %s |", target, strings.Join(shown, "; "), result)
}

// mergeTargets keeps the rows and notes of the old targets section that the
// update did not check (it shows NOT RUN for them), and takes the update's
// for the others.
func mergeTargets(old, update string) string {
	type row struct{ target, line string }
	parse := func(text string) (rows []row, notes map[string]string) {
		notes = map[string]string{}
		for _, line := range strings.Split(text, "\n") {
			switch {
			case strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| Target |"):
				target, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
				rows = append(rows, row{target, line})
			case strings.HasPrefix(line, "- **"):
				target, _, _ := strings.Cut(strings.TrimPrefix(line, "- **"), "** — ")
				notes[target] = line
			}
		}
		return rows, notes
	}
	oldRows, oldNotes := parse(old)
	newRows, newNotes := parse(update)
	rows := oldRows
	for _, r := range newRows {
		if strings.HasSuffix(r.line, "| **NOT RUN** |") {
			continue
		}
		i := slices.IndexFunc(rows, func(o row) bool { return o.target == r.target })
		if i < 0 {
			delete(oldNotes, r.target)
			rows = append(rows, r)
			continue
		}
		if rows[i].line = mergeTargetRow(rows[i].line, r.line); rows[i].line == r.line {
			delete(oldNotes, r.target) // nothing of the old row is left, nor of its reason
		}
	}
	var b strings.Builder
	b.WriteString("## Targets\n\n| Target | Measured | Result |\n|---|---|---|\n")
	var misses []string
	for _, r := range rows {
		b.WriteString(r.line + "\n")
		if !strings.HasSuffix(r.line, "| **MISS** |") {
			continue
		}
		if note, ok := newNotes[r.target]; ok {
			misses = append(misses, note)
		} else if note, ok := oldNotes[r.target]; ok {
			misses = append(misses, note)
		}
	}
	b.WriteString("\n")
	if len(misses) > 0 {
		b.WriteString("### Why the misses\n\n" + strings.Join(misses, "\n") + "\n\n")
	}
	return b.String()
}
