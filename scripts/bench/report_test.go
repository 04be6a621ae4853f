package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeSample is one run of wall seconds, with the mock's counts for
// mimcm_request_status and one provider process of peakMiB.
func fakeSample(wall float64, gets, puts, conns int, peakMiB int64) sample {
	return sample{
		run: tfRun{
			wall: time.Duration(wall * float64(time.Second)),
			cpu:  time.Duration(wall * float64(time.Second)),
			providers: []providerProcess{{
				pid: 1, peakKiB: peakMiB * 1024, cpu: time.Second,
				mockSockets: map[uint64]bool{},
			}},
		},
		calls: callCounts{Counts: map[string]int{"GET": gets, "PUT": puts, "total": gets + puts}, Connections: conns},
	}
}

// fakeSize is a size at which every kind took the given seconds for every
// operation, and mimcm_request_status made the given calls.
func fakeSize(n int, secs [kinds]float64, conns int, peakMiB int64) *sizeResult {
	s := &sizeResult{n: n, rounds: 1, kinds: []kind{kindData, kindFloor, kindFloorRequest, kindMimcm}}
	for _, o := range operations {
		op := &opResult{op: o}
		gets, puts := n, 0
		switch o.name {
		case "apply":
			gets, puts = 2*n, n
		case "plan -refresh=false":
			gets = 0
		}
		for k := range kinds {
			smp := fakeSample(secs[k], 0, 0, 0, peakMiB)
			if k == kindData {
				smp.run.providers = nil
			}
			if k == kindMimcm {
				smp = fakeSample(secs[k], gets, puts, conns, peakMiB)
			}
			op.samples[k] = []sample{smp}
		}
		s.ops = append(s.ops, op)
	}
	return s
}

func verdictsByTarget(t *testing.T, sizes []*sizeResult, https *httpsResult) map[string]verdict {
	t.Helper()
	out := map[string]verdict{}
	for _, v := range evaluate(sizes, nil, https, []goBenchmark{{
		name:    "BenchmarkClient_ListRequests10000",
		metrics: map[string]float64{"ns/op": 40e6, "cpu-ns/op": 50e6},
	}}) {
		out[v.target] = v
	}
	return out
}

// fakeHTTPS is an https scenario of one apply that opened conns
// connections.
func fakeHTTPS(n, conns int) *httpsResult {
	return &httpsResult{n: n, rounds: 1, applies: []sample{fakeSample(5, 2*n, n, conns, 30)}}
}

func TestEvaluate_targets(t *testing.T) {
	withinRatio := fakeSize(500, [kinds]float64{10, 10.5, 11, 12.9}, 10, 30)
	beyondRatio := fakeSize(500, [kinds]float64{10, 10.5, 30, 31}, 11, 30)
	big := fakeSize(5000, [kinds]float64{0, 0, 0, 100}, 10, 81)
	big.kinds = []kind{kindMimcm}

	for _, tc := range []struct {
		name  string
		sizes []*sizeResult
		https *httpsResult
		want  map[string]string // target prefix → result
	}{
		{"all within", []*sizeResult{withinRatio}, fakeHTTPS(500, 2), map[string]string{
			"apply at N=500":              "PASS",
			"refresh plan at N=500":       "PASS",
			"destroy at N=500":            "PASS",
			"refresh plan: exactly 1":     "PASS",
			"plan -refresh=false: 0":      "PASS",
			"destroy: 0 writes":           "PASS",
			"create (apply): ≤ 3":         "PASS",
			"new connections over http ":  "PASS",
			"new connections over https ": "PASS",
			"provider peak RSS at N=5000": "NOT RUN",
			"mimcm_requests over 10,000":  "PASS",
		}},
		{"ratio and connections beyond, RSS beyond at 5000", []*sizeResult{beyondRatio, big}, fakeHTTPS(500, 11), map[string]string{
			"apply at N=500":              "MISS",
			"destroy at N=500":            "MISS",
			"new connections over http ":  "MISS",
			"new connections over https ": "MISS",
			"provider peak RSS at N=5000": "MISS",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := verdictsByTarget(t, tc.sizes, tc.https)
			for prefix, want := range tc.want {
				found := false
				for target, v := range got {
					if !strings.HasPrefix(target, prefix) {
						continue
					}
					found = true
					if v.result != want {
						t.Errorf("%s: %s (measured %s), want %s", target, v.result, v.measured, want)
					}
					if v.result == "MISS" && v.note == "" {
						t.Errorf("%s: a miss without a note", target)
					}
				}
				if !found {
					t.Errorf("no target starts with %q; targets: %v", prefix, got)
				}
			}
		})
	}
}

// TestRatioNote_splitsTheGap names each floor and says which of them is
// already beyond the target.
func TestRatioNote_splitsTheGap(t *testing.T) {
	s := fakeSize(500, [kinds]float64{1, 2, 3, 3.3}, 8, 30)
	note := ratioNote(s, s.op("refresh plan"))
	for _, want := range []string{
		"terraform_data takes 1.00 s",
		"floor_item, the smallest plugin resource, takes 2.00 s, 2.00×",
		"beyond the target for any plugin",
		"floor_request_status, with mimcm_request_status's schema and the same state but no API call and no code of its own, takes 3.00 s, 3.00×",
		"beyond the target before any provider code runs",
		"mimcm_request_status takes 3.30 s, 1.10× floor_request_status",
	} {
		if !strings.Contains(note, want) {
			t.Errorf("the note lacks %q:\n%s", want, note)
		}
	}
	s = fakeSize(500, [kinds]float64{1, 1.1, 1.2, 2}, 8, 30)
	if note := ratioNote(s, s.op("apply")); strings.Contains(note, "beyond the target") {
		t.Errorf("both floors are within the target, yet the note says one is beyond it:\n%s", note)
	}
}

// TestRenderReport_sizesWithOneKind renders a 5,000-resource size that ran
// mimcm_request_status alone, without destroy, beside a full one.
func TestRenderReport_sizesWithOneKind(t *testing.T) {
	big := fakeSize(5000, [kinds]float64{0, 0, 0, 100}, 10, 40)
	big.kinds = []kind{kindMimcm}
	big.ops = big.ops[:3]
	for _, op := range big.ops {
		for k := range kindMimcm {
			op.samples[k] = nil
		}
	}
	report := renderReport(machine{cores: 2}, []*sizeResult{fakeSize(500, [kinds]float64{1, 2, 3, 4}, 8, 30), big}, nil, fakeHTTPS(500, 2), nil, "", "")
	// The report opens with the figures against their targets.
	if at, m := strings.Index(report, "## Targets"), strings.Index(report, "## Machine"); at < 0 || at > m {
		t.Errorf("the targets (at %d) do not open the report, before the machine (at %d)", at, m)
	}
	for _, want := range []string{
		"## N = 500 (1 round)",
		"| apply | 1.00 s | 2.00 s | 3.00 s | 4.00 s | 4.00× | 3.00× | 1.33× |",
		"## N = 5000 (1 round)",
		"Only `mimcm_request_status` at this size",
		"No destroy at this size",
		"| apply | 100.00 s | 3.00 (2.00 GET, 1.00 writes) |",
		"| apply | 99.00 s + 1.00 s (1 process, 40.0 MiB) |",
		"- apply: 100.00\n",
		"| provider peak RSS at N=5000 ≤ 80 MiB | 40.0 MiB | **PASS** |",
		"## https scenario: N = 500, HTTP/2 (1 round)",
		"| New connections (the most of any run) | 2 |",
		"| The same apply over http, HTTP/1.1 (from N = 500 above) | 4.00 s; 8 new connections |",
		"| new connections over https (HTTP/2) for a whole apply at N=500 ≤ max_concurrent_requests + 2 = 10 | 2 | **PASS** |",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(report)
	}
}

// TestConnectionsNote_byProcess says whether the limit holds per process.
func TestConnectionsNote_byProcess(t *testing.T) {
	sockets := func(n int, from uint64) map[uint64]bool {
		out := map[uint64]bool{}
		for i := range uint64(n) {
			out[from+i] = true
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		perProcess []int
		want       string
	}{
		{"within per process", []int{8, 8}, "2 processes called the API here, holding 8 + 8 connections (seen in /proc). The busiest held 8, within max_concurrent_requests + 2 = 10"},
		{"beyond in one process", []int{12, 3}, "the busiest held 12, beyond max_concurrent_requests + 2 = 10 even for one process"},
		{"not seen", nil, "was not seen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s sample
			for i, n := range tc.perProcess {
				s.run.providers = append(s.run.providers, providerProcess{pid: i + 1, mockSockets: sockets(n, uint64(100*i))})
			}
			if note := connectionsNote(s); !strings.Contains(note, tc.want) {
				t.Errorf("the note lacks %q:\n%s", tc.want, note)
			}
		})
	}
}

// TestMergeReport keeps what the update did not measure and replaces what
// it did, under the update's machine; an earlier update none of whose
// sections are left goes.
func TestMergeReport(t *testing.T) {
	old := "# Benchmarks\n\nWritten by make bench. Updated on 2026-12-02 10:00 UTC by a run of 2m0s limited to (`-update`): N = 5000.\n\n" +
		"## Machine\n\nold machine\n\n## N = 500 (3 rounds)\n\nold 500\n\n" +
		"## N = 2000 (1 round)\n\nold 2000\n\n## Machine of the update of 2026-12-02 10:00\n\nmachine of 10:00\n\n" +
		"## N = 5000 (1 round)\n\nold 5000\n\n## Targets\n\n| Target | Measured | Result |\n|---|---|---|\n" +
		"| a | 1 | **MISS** |\n| b | 2 | **PASS** |\n\n### Why the misses\n\n- **a** — old reason\n\n## Analysis\n\nanalysis\n"
	update := "# Benchmarks\n\nWritten by make bench.\n\n## Machine\n\nnew machine\n\n## N = 2000 (2 rounds)\n\nnew 2000\n\n" +
		"## N = 5000 (1 round)\n\nnew 5000\n\n## Targets\n\n| Target | Measured | Result |\n|---|---|---|\n" +
		"| a | 0.5 | **PASS** |\n| b | — | **NOT RUN** |\n| c | 3 | **MISS** |\n\n### Why the misses\n\n- **c** — new reason\n\n## Analysis\n\nanalysis\n"
	got := mergeReport(old, update, time.Date(2026, 12, 2, 11, 50, 0, 0, time.UTC), time.Minute)
	for _, want := range []string{
		// The opening says which run updated it last, once; the targets follow it.
		"# Benchmarks\n\nWritten by make bench. Last updated on 2026-12-02 11:50 UTC by a run of 1m0s limited to (`-update`): N = 2000; N = 5000. " +
			historyNote + "\n\n## Targets\n\n",
		"| a | 0.5 | **PASS** |\n| b | 2 | **PASS** |\n| c | 3 | **MISS** |\n\n### Why the misses\n\n- **c** — new reason\n\n## Machine\n\nold machine",
		"## Machine\n\nold machine\n\n## N = 500 (3 rounds)\n\nold 500\n\n## Machine of the update of 2026-12-02 11:50\n\n",
		"## Machine of the update of 2026-12-02 11:50\n\nnew machine\n\n## N = 2000 (2 rounds)\n\nnew 2000\n\n## N = 5000 (1 round)\n\nnew 5000\n\n## Analysis",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the merged report lacks %q", want)
		}
	}
	for _, gone := range []string{"old 2000", "old 5000", "machine of 10:00", "old reason", "Updated on 2026-12-02 10:00"} {
		if strings.Contains(got, gone) {
			t.Errorf("the merged report still holds %q", gone)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestMergeReport_kinds replaces a limited run's section of a size when the
// update measured each of its kinds again, and keeps one with a kind the
// update did not measure.
func TestMergeReport_kinds(t *testing.T) {
	old := "# Benchmarks\n\nWritten by make bench.\n\n## Machine\n\nold machine\n\n## N = 500 (3 rounds)\n\nold default 500\n\n" +
		"## Machine of the update of 2026-12-02 10:00\n\nmachine of 10:00\n\n" +
		"## N = 500: terraform_data, floor_request_status_min (3 rounds)\n\nold min\n\n" +
		"## N = 2000: terraform_data, mimcm_request_status (1 round)\n\nold 2000\n\n" +
		"## N = 5000: terraform_data, mimcm_request_statuses (1 round)\n\nold 5000\n\n## Targets\n\ntargets\n"
	update := "# Benchmarks\n\nWritten by make bench.\n\n## Machine\n\nnew machine\n\n" +
		"## N = 2000: terraform_data, mimcm_request_statuses (3 rounds)\n\nnew 2000\n\n" +
		"## N = 5000: terraform_data, mimcm_request_statuses, floor_request_statuses (1 round)\n\nnew 5000\n\n## Targets\n\ntargets\n"
	got := mergeReport(old, update, time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC), time.Minute)
	for _, kept := range []string{"old default 500", "old min", "old 2000", "machine of 10:00", "new 2000", "new 5000"} {
		if !strings.Contains(got, kept) {
			t.Errorf("the merged report lacks %q", kept)
		}
	}
	if strings.Contains(got, "old 5000") {
		t.Error("the merged report still holds the N = 5000 section whose kinds the update all measured again")
	}
	if t.Failed() {
		t.Log(got)
	}
}

// TestRatioCell gives ratios under 0.1 a third decimal: with two, the
// floor's apply at 5,000 showed as 0.00×.
func TestRatioCell(t *testing.T) {
	op := &opResult{op: operations[0]}
	op.samples[kindData] = []sample{fakeSample(365.2, 0, 0, 0, 0)}
	op.samples[kindFloorBulk] = []sample{fakeSample(1.36, 0, 0, 0, 30)}
	op.samples[kindBulk] = []sample{fakeSample(73.04, 0, 0, 0, 30)}
	for _, tc := range []struct {
		k    kind
		want string
	}{{kindFloorBulk, "0.004×"}, {kindBulk, "0.20×"}, {kindMimcm, "—"}} {
		if got := ratioCell(op, tc.k, kindData); got != tc.want {
			t.Errorf("ratioCell(%s) = %q, want %q", tc.k, got, tc.want)
		}
	}
}

// TestMergeTargetRow keeps the sizes an update did not measure in a row that
// gives its measurements size by size, and a miss among them.
func TestMergeTargetRow(t *testing.T) {
	for _, tc := range []struct {
		name, old, update, want string
	}{
		{"sizes kept", "| calls | N=2000: 1.00; N=5000: 1.01 | **PASS** |", "| calls | N=2000: 0.99 | **PASS** |",
			"| calls | N=2000: 0.99; N=5000: 1.01 | **PASS** |"},
		{"sizes in order", "| calls | N=500: 3.00 | **PASS** |", "| calls | N=5000: 3.00; N=2000: 3.00 | **PASS** |",
			"| calls | N=500: 3.00; N=2000: 3.00; N=5000: 3.00 | **PASS** |"},
		{"a kept miss", "| calls | N=500: 4.00; N=2000: 1.00 | **MISS** |", "| calls | N=2000: 1.00 | **PASS** |",
			"| calls | N=500: 4.00; N=2000: 1.00 | **MISS** |"},
		{"a miss measured again", "| calls | N=2000: 4.00 | **MISS** |", "| calls | N=2000: 1.00 | **PASS** |",
			"| calls | N=2000: 1.00 | **PASS** |"},
		{"not by size", "| ratio | 0.41× (2.18 s vs 5.27 s) | **MISS** |", "| ratio | 0.35× (1.55 s vs 4.47 s) | **MISS** |",
			"| ratio | 0.35× (1.55 s vs 4.47 s) | **MISS** |"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mergeTargetRow(tc.old, tc.update); got != tc.want {
				t.Errorf("mergeTargetRow:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestMergeTargets_keptMissKeepsItsReason keeps the reason of a miss at a
// size the update did not measure again.
func TestMergeTargets_keptMissKeepsItsReason(t *testing.T) {
	old := "## Targets\n\n| Target | Measured | Result |\n|---|---|---|\n| calls | N=500: 4.00; N=2000: 1.00 | **MISS** |\n" +
		"| ratio | 0.5× | **MISS** |\n\n### Why the misses\n\n- **calls** — too many at 500\n- **ratio** — old reason\n\n"
	update := "## Targets\n\n| Target | Measured | Result |\n|---|---|---|\n| calls | N=2000: 1.00 | **PASS** |\n" +
		"| ratio | 0.1× | **PASS** |\n\n"
	got := mergeTargets(old, update)
	for _, want := range []string{"| calls | N=500: 4.00; N=2000: 1.00 | **MISS** |", "- **calls** — too many at 500", "| ratio | 0.1× | **PASS** |"} {
		if !strings.Contains(got, want) {
			t.Errorf("the merged targets lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "old reason") {
		t.Errorf("the merged targets keep the reason of a miss measured again:\n%s", got)
	}
}

// fakeRequestSample is one run of mimcm_request: the calls by route, as
// the mock's log gives them, from the given number of provider processes.
func fakeRequestSample(wall float64, posts, requestGets, policyGets, lists, processes int) sample {
	s := fakeSample(wall, requestGets+policyGets+lists, 0, 1, 30)
	s.calls.Counts["POST"] = posts
	s.calls.Counts["total"] += posts
	s.calls.Routes = map[string]int{routeCreate: posts, routeRequest: requestGets, routePolicy: policyGets, routeList: lists}
	s.run.providers = nil
	for i := range processes {
		s.run.providers = append(s.run.providers, providerProcess{pid: i + 1, peakKiB: 30 * 1024, mockSockets: map[uint64]bool{}})
	}
	return s
}

// fakeRequestSize is a size at which terraform_data, mimcm_request_status
// and mimcm_request were measured, mimcm_request with the calls of a correct
// provider: one POST and one GET per resource and two policy reads (the
// plan's process and the apply's) on apply, one GET per resource on
// refresh and destroy.
func fakeRequestSize(n int) *sizeResult {
	s := fakeSize(n, [kinds]float64{1, 0, 0, 4}, 8, 30)
	s.kinds = []kind{kindData, kindMimcm, kindRequest}
	for _, op := range s.ops {
		smp := fakeRequestSample(5, 0, n, 0, 0, 3)
		switch op.op.name {
		case "apply":
			smp = fakeRequestSample(5, n, n, 2, 0, 4)
		case "plan -refresh=false":
			smp = fakeRequestSample(5, 0, 0, 0, 0, 3)
		}
		op.samples[kindRequest] = []sample{smp}
	}
	return s
}

// TestEvaluateRequest checks mimcm_request's calls run by run: any call
// beyond one POST and one GET per created request, a policy read per
// provider process and, on refresh, one GET per request, is a miss.
func TestEvaluateRequest(t *testing.T) {
	for _, tc := range []struct {
		name     string
		change   func(s *sizeResult)
		want     string
		measured string // a part of the measurements or of the note
	}{
		{"as promised", func(*sizeResult) {}, "PASS",
			"N=500: apply 1.00 POST and 1.00 GET of the new request per resource, plus 2 policy reads in 4 provider processes and 0 lists " +
				"— refresh plan 1.00 GET per request, 1.00 calls in all (mimcm_request_status: 1.00)"},
		{"a second POST", func(s *sizeResult) {
			s.op("apply").samples[kindRequest] = append(s.op("apply").samples[kindRequest], fakeRequestSample(5, 501, 500, 2, 0, 4))
		}, "MISS", "at N=500 an apply sent 501 POST, 500 GET of a request, 2 GET of a policy (4 provider processes)"},
		{"a list without an unknown outcome", func(s *sizeResult) {
			s.op("apply").samples[kindRequest] = []sample{fakeRequestSample(5, 500, 500, 2, 1, 4)}
		}, "MISS", "1 list"},
		{"a policy read per create", func(s *sizeResult) {
			s.op("apply").samples[kindRequest] = []sample{fakeRequestSample(5, 500, 500, 500, 0, 4)}
		}, "MISS", "500 GET of a policy"},
		{"a policy read in every process seen", func(s *sizeResult) {
			s.op("apply").samples[kindRequest] = []sample{fakeRequestSample(5, 500, 500, 4, 0, 4)}
		}, "MISS", "at most 2 GET of the policy (one in each walk's provider process)"},
		{"a walk's process not seen", func(s *sizeResult) {
			s.op("apply").samples[kindRequest] = []sample{fakeRequestSample(5, 500, 500, 2, 0, 1)}
		}, "PASS", "plus 2 policy reads in 1 provider process"},
		{"no GET after the POST", func(s *sizeResult) {
			s.op("apply").samples[kindRequest] = []sample{fakeRequestSample(5, 500, 0, 2, 0, 4)}
		}, "MISS", "want 500 POST, 500 GET of a request"},
		{"a refresh that reads the policy", func(s *sizeResult) {
			s.op("refresh plan").samples[kindRequest] = []sample{fakeRequestSample(5, 0, 500, 1, 0, 3)}
		}, "MISS", "at N=500 a refresh plan sent 500 GET of a request, 1 GET of a policy"},
		{"not measured", func(s *sizeResult) { s.kinds = []kind{kindData, kindMimcm} }, "NOT RUN", "-kinds mimcm_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeRequestSize(500)
			tc.change(s)
			v := evaluateRequest([]*sizeResult{s})
			if v.target != requestTarget {
				t.Errorf("target %q, want %q", v.target, requestTarget)
			}
			if v.result != tc.want {
				t.Errorf("%s (measured %s; note %s), want %s", v.result, v.measured, v.note, tc.want)
			}
			if v.result == "MISS" && v.note == "" {
				t.Error("a miss without a note")
			}
			if !strings.Contains(v.measured+v.note, tc.measured) {
				t.Errorf("neither the measurements nor the note hold %q:\n%s\n%s", tc.measured, v.measured, v.note)
			}
		})
	}
}

// TestEvaluateRequest_bySizeMerges gives the row's measurements size by
// size, so that -update keeps the sizes it did not measure again.
func TestEvaluateRequest_bySizeMerges(t *testing.T) {
	v500 := evaluateRequest([]*sizeResult{fakeRequestSize(500)})
	v1000 := evaluateRequest([]*sizeResult{fakeRequestSize(1000)})
	row := func(v verdict) string { return fmt.Sprintf("| %s | %s | **%s** |", v.target, v.measured, v.result) }
	got := mergeTargetRow(row(v1000), row(v500))
	if want := fmt.Sprintf("| %s | %s; %s | **PASS** |", requestTarget, v500.measured, v1000.measured); got != want {
		t.Errorf("mergeTargetRow:\n got %s\nwant %s", got, want)
	}
}

// TestEvaluate_withoutRequestStatus leaves the targets of
// mimcm_request_status NOT RUN at a size that measured mimcm_request
// without it, rather than judging samples that do not exist.
func TestEvaluate_withoutRequestStatus(t *testing.T) {
	var sizes []*sizeResult
	for _, n := range []int{500, 5000} {
		s := fakeRequestSize(n)
		s.kinds = []kind{kindData, kindRequest}
		for _, op := range s.ops {
			op.samples[kindMimcm] = nil
		}
		sizes = append(sizes, s)
	}
	got := verdictsByTarget(t, sizes, nil)
	for target, v := range got {
		switch {
		case target == requestTarget:
			if v.result != "PASS" {
				t.Errorf("%s: %s (%s), want PASS", target, v.result, v.measured)
			}
		case strings.HasPrefix(target, "mimcm_requests over"):
		case v.result != "NOT RUN":
			t.Errorf("%s: %s (measured %s), want NOT RUN", target, v.result, v.measured)
		}
	}
}

// TestRenderReport_request shows mimcm_request beside mimcm_request_status,
// its calls by route, and its target.
func TestRenderReport_request(t *testing.T) {
	s := fakeRequestSize(500)
	s.chosen = true
	report := renderReport(machine{cores: 2}, []*sizeResult{s}, nil, nil, nil, "", "")
	for _, want := range []string{
		"## N = 500: terraform_data, mimcm_request_status, mimcm_request (1 round)",
		"| Operation | terraform_data | mimcm_request_status | mimcm_request | mimcm ÷ terraform_data |",
		"`mimcm_request`, 500 resources each creating an Enroll request, beside 500 `terraform_data` and 500 `mimcm_request_status` resources",
		"| apply | 5.00 s | 5.00× | 1.25× | 2.00 (1.00 GET, 1.00 writes) | 500 POST, 500 GET of a request, 2 GET of a policy (4 provider processes) | " +
			"3.00 (2.00 GET, 1.00 writes) | 1 | 30.0 MiB |",
		"| refresh plan | 5.00 s | 5.00× | 1.25× | 1.00 (1.00 GET, 0.00 writes) | 500 GET of a request (3 provider processes) | 1.00 (1.00 GET, 0.00 writes) |",
		"| plan -refresh=false | 5.00 s | 5.00× | 1.25× | 0.00 (0.00 GET, 0.00 writes) | none (3 provider processes) |",
		"- `mimcm_request` holds N resources, each creating an Enroll request",
		"| " + requestTarget + " | N=500: apply 1.00 POST",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(report)
	}
}
