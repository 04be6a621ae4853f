package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// parallelism is Terraform's default -parallelism, which the bench keeps.
const parallelism = 10

// kind is what a configuration is made of.
type kind int

const (
	kindData         kind = iota // terraform_data: Terraform's floor, no plugin, no network
	kindFloor                    // floor_item: the smallest framework plugin, no network
	kindFloorRequest             // floor_request_status: mimcm_request_status's schema and state, no network
	kindMimcm                    // mimcm_request_status against the mock
	kindBulk                     // one mimcm_request_statuses of N entries against the mock
	// floor_request_status with other sets of attributes, to weigh each
	// group of them (-kinds only; see scripts/bench/floor).
	kindFloorV0     // schema version 0's: also security_descriptor and data_collection
	kindFloorNoSDDL // version 0's without security_descriptor
	kindFloorNoDC   // version 0's without data_collection
	kindFloorMin    // only the status attributes mimcm_request_statuses keeps per entry
	kindBulkNoList  // mimcm_request_statuses with use_list_route = false: one GET per read (-kinds only)
	kindFloorBulk   // floor_request_statuses: mimcm_request_statuses' schema, answered at the protocol level with next to no work
	kindRequest     // mimcm_request: each resource creates an Enroll request from the example Smart Card Logon template
	kindDataMap     // one terraform_data whose input is the map mimcm_request_statuses holds: Terraform's floor for one value of N entries
	kinds           // how many kinds there are
)

var kindNames = [kinds]string{"terraform_data", "floor_item", "floor_request_status", "mimcm_request_status", "mimcm_request_statuses",
	"floor_request_status_v0", "floor_request_status_no_sddl", "floor_request_status_no_data_collection", "floor_request_status_min",
	"mimcm_request_statuses_no_list", "floor_request_statuses", "mimcm_request", "terraform_data_map"}

// callsAPI reports whether a kind's provider calls the mock.
func (k kind) callsAPI() bool { return k == kindMimcm || k.bulk() || k == kindRequest }

// appliedWrite is the method of the one write an apply sends per resource:
// mimcm_request creates its request, the others set a status.
func (k kind) appliedWrite() string {
	if k == kindRequest {
		return http.MethodPost
	}
	return http.MethodPut
}

// bulk reports whether a kind is one mimcm_request_statuses.
func (k kind) bulk() bool { return k == kindBulk || k == kindBulkNoList }

// perResource reports whether a kind holds one resource per request, whose
// apply Terraform makes quadratic in N (it rewrites the whole state after
// each resource), rather than one resource of N entries.
func (k kind) perResource() bool { return !k.bulk() && k != kindFloorBulk && k != kindDataMap }

// floorRequest reports whether a kind is one of floor_request_status's.
func (k kind) floorRequest() bool {
	return k == kindFloorRequest || k == kindFloorV0 || k == kindFloorNoSDDL || k == kindFloorNoDC || k == kindFloorMin
}

func (k kind) String() string { return kindNames[k] }

// parseKind reads a kind's name.
func parseKind(name string) (kind, bool) {
	for k, n := range kindNames {
		if n == name {
			return kind(k), true
		}
	}
	return 0, false
}

// operation is one Terraform command the bench times.
type operation struct {
	name string
	args []string
}

// operations run in this order on a fresh state: create everything, plan
// twice without changes, destroy everything. The plans use
// -detailed-exitcode, so that a plan that is not empty fails the bench.
var operations = []operation{
	{"apply", []string{"apply", "-auto-approve"}},
	{"refresh plan", []string{"plan", "-detailed-exitcode"}},
	{"plan -refresh=false", []string{"plan", "-refresh=false", "-detailed-exitcode"}},
	{"destroy", []string{"destroy", "-auto-approve"}},
}

// commonArgs go on every command: no prompts, no colours, and warnings
// summarised (destroying mimcm_request_status warns once per resource that
// the request keeps its status; every kind gets the same flags).
var commonArgs = []string{"-input=false", "-no-color", "-compact-warnings"}

// sample is one timed command.
type sample struct {
	run tfRun
	// calls is the mock's call log for the command (mimcm only).
	calls callCounts
	load  float64 // 1-minute load average just before
	// stateBytes is the size of the state file the command left.
	stateBytes int64
}

// opResult holds every sample of one operation at one size.
type opResult struct {
	op      operation
	samples [kinds][]sample // by kind
}

// sizeResult is everything measured at one size.
type sizeResult struct {
	n      int
	rounds int
	took   time.Duration // the whole size, every round and kind
	kinds  []kind
	chosen bool // the kinds were chosen with -kinds
	ops    []*opResult
}

// httpsResult is the https scenario: applies against a mock serving https,
// where the provider speaks HTTP/2.
type httpsResult struct {
	n, rounds int
	applies   []sample
}

// latencyResult is the latency scenario.
type latencyResult struct {
	kind                 kind
	n, latencyMS, rounds int
	slow, fast           []sample // applies with and without latency
}

// bench holds what every measurement needs.
type bench struct {
	cfg        config
	work       string
	mockBinary string
	mock       *mockProcess
	tf         *terraformRunner
	log        func(format string, args ...any)
}

// run builds everything, measures and reports.
func run(ctx context.Context, cfg config) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "mimcm-bench-")
	if err != nil {
		return err
	}
	if cfg.keep {
		defer fmt.Fprintf(os.Stderr, "bench: kept %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	b := &bench{cfg: cfg, work: work, log: func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	}}

	m := collectMachine(ctx)
	b.log("building the provider, the floor plugin and the mock into %s", work)
	overrides := map[string]string{
		"mimcm/mimcm": filepath.Join(work, "plugins", "mimcm"),
		"bench/floor": filepath.Join(work, "plugins", "floor"),
	}
	b.mockBinary = filepath.Join(work, "mimcm-mock")
	for _, build := range [][]string{
		{"build", "-o", filepath.Join(overrides["mimcm/mimcm"], "terraform-provider-mimcm"), "."},
		{"build", "-o", filepath.Join(overrides["bench/floor"], "terraform-provider-floor"), "./scripts/bench/floor"},
		{"build", "-o", b.mockBinary, "./cmd/mimcm-mock"},
	} {
		cmd := exec.CommandContext(ctx, "go", build...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go %s: %w", strings.Join(build, " "), err)
		}
	}
	if b.tf, err = newTerraformRunner(cfg.terraform, work, overrides); err != nil {
		return err
	}
	if m.terraform, err = b.tf.version(ctx); err != nil {
		return err
	}
	if b.mock, err = startMock(ctx, b.mockBinary, work, nil); err != nil {
		return err
	}
	defer b.mock.stop()
	if b.tf.mockPort, err = urlPort(b.mock.url); err != nil {
		return err
	}
	// The floor's resources keep the security descriptor the seeds carry.
	b.tf.env = append(b.tf.env, "FLOOR_SECURITY_DESCRIPTOR="+b.mock.referenceSDDL)
	b.log("mock at %s; %s", b.mock.url, m.terraform)

	var sizes []*sizeResult
	for i, n := range cfg.sizes {
		res, err := b.measureSize(ctx, n, uint32(i+1))
		if err != nil {
			return err
		}
		sizes = append(sizes, res)
	}
	var lat *latencyResult
	if cfg.latencyN > 0 {
		if lat, err = b.measureLatency(ctx); err != nil {
			return err
		}
	}
	var https *httpsResult
	if cfg.httpsN > 0 {
		if https, err = b.measureHTTPS(ctx); err != nil {
			return err
		}
	}
	var goBench []goBenchmark
	if cfg.goBench {
		b.log("running the Go benchmarks")
		if goBench, err = runGoBenchmarks(ctx, root); err != nil {
			return err
		}
	}
	m.loadEnd = loadAverage()
	m.finished = time.Now()

	// The analysis is written by hand from profiles and experiments this run
	// does not repeat; it goes at the end of the report, marked as such.
	analysis, err := os.ReadFile(filepath.Join(root, "scripts", "bench", "analysis.md"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	// The chart goes beside the report, drawn from the same sizes.
	var chartFile, chart string
	if cfg.out != "" {
		chart = renderChart(sizes)
		if chart != "" {
			chartFile = strings.TrimSuffix(cfg.out, filepath.Ext(cfg.out)) + ".svg"
		}
	}
	report := renderReport(m, sizes, lat, https, goBench, string(analysis), filepath.Base(chartFile))
	if chartFile == "" {
		report = renderReport(m, sizes, lat, https, goBench, string(analysis), "")
	}
	fmt.Print(report)
	if cfg.update {
		old, err := os.ReadFile(cfg.out)
		if err != nil {
			return fmt.Errorf("-update: %w", err)
		}
		report = mergeReport(string(old), report, m.started, m.finished.Sub(m.started))
	}
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(report), 0o644); err != nil { //nolint:gosec // a report for the repository
			return err
		}
		b.log("wrote %s", cfg.out)
	}
	if chartFile != "" {
		if err := os.WriteFile(chartFile, []byte(chart), 0o644); err != nil { //nolint:gosec // a chart for the repository
			return err
		}
		b.log("wrote %s", chartFile)
	}
	return nil
}

// urlPort is the port of an http://host:port URL.
func urlPort(raw string) (int, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return 0, err
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return 0, fmt.Errorf("the mock's URL %s has no port", raw)
	}
	return port, nil
}

// repoRoot finds the module's root from the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/mimcm/terraform-provider-mimcm\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the bench from inside the terraform-provider-mimcm repository")
		}
		dir = parent
	}
}

// requestIDs returns n GUIDs; series keeps the sizes and scenarios apart.
func requestIDs(series uint32, n int) []mimcm.GUID {
	ids := make([]mimcm.GUID, n)
	for i := range ids {
		ids[i] = mimcm.GUID(fmt.Sprintf("%08x-0000-4000-8000-%012x", series, i+1))
	}
	return ids
}

// writeConfig writes the configuration of n resources of a kind into dir;
// mimcm's trusts caFile when it is not empty, and mimcm_request's requests
// come from the profile template with the GUID template.
func writeConfig(dir string, k kind, mockURL, caFile string, template mimcm.GUID, ids []mimcm.GUID) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var c strings.Builder
	switch {
	case k == kindFloor || k.floorRequest() || k == kindFloorBulk:
		c.WriteString(`terraform {
  required_providers {
    floor = {
      source = "bench/floor"
    }
  }
}

`)
	case k.callsAPI():
		fmt.Fprintf(&c, `terraform {
  required_providers {
    mimcm = {
      source = "mimcm/mimcm"
    }
  }
}

provider "mimcm" {
  host        = %q
  auth_method = "none"
`, mockURL)
		if caFile != "" {
			fmt.Fprintf(&c, "  ca_cert_file = %q\n", caFile)
		}
		c.WriteString("}\n\n")
	}
	c.WriteString("locals {\n  request_ids = [\n")
	for _, id := range ids {
		fmt.Fprintf(&c, "    %q,\n", id)
	}
	c.WriteString("  ]\n}\n\n")
	switch k {
	case kindData:
		c.WriteString(`resource "terraform_data" "bench" {
  count = length(local.request_ids)
  input = local.request_ids[count.index]
}
`)
	case kindFloor:
		c.WriteString(`resource "floor_item" "bench" {
  count = length(local.request_ids)
  input = local.request_ids[count.index]
}
`)
	case kindFloorRequest, kindFloorV0, kindFloorNoSDDL, kindFloorNoDC, kindFloorMin:
		fmt.Fprintf(&c, `resource %q "bench" {
  count      = length(local.request_ids)
  request_id = local.request_ids[count.index]
  status     = "Completed"
}
`, k)
	case kindBulk:
		c.WriteString(`resource "mimcm_request_statuses" "bench" {
  requests = { for id in local.request_ids : id => "Completed" }
}
`)
	case kindBulkNoList:
		c.WriteString(`resource "mimcm_request_statuses" "bench" {
  requests       = { for id in local.request_ids : id => "Completed" }
  use_list_route = false
}
`)
	case kindFloorBulk:
		c.WriteString(`resource "floor_request_statuses" "bench" {
  requests = { for id in local.request_ids : id => "Completed" }
}
`)
	case kindDataMap:
		c.WriteString(`resource "terraform_data" "bench" {
  input = { for id in local.request_ids : id => "Completed" }
}
`)
	case kindMimcm:
		c.WriteString(`resource "mimcm_request_status" "bench" {
  count      = length(local.request_ids)
  request_id = local.request_ids[count.index]
  status     = "Completed"
}
`)
	case kindRequest:
		// The GUIDs only label the comments, so that every request differs:
		// the server creates requests with new GUIDs of its own.
		fmt.Fprintf(&c, `resource "mimcm_request" "bench" {
  count                 = length(local.request_ids)
  profile_template_uuid = %q
  type                  = "Enroll"
  comment               = "bench ${local.request_ids[count.index]}"
}
`, template)
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(c.String()), 0o644) //nolint:gosec // a configuration, not a secret
}

// restart empties the mock's store, seeds the example profile templates and
// every request Approved again, and starts each configuration in dirs from
// an empty state, so that the next apply really creates (sets every
// status, creates every request) rather than adopts. The requests
// mimcm_request created go with the store: its destroy sends nothing.
func restart(ctx context.Context, m *mockProcess, ids []mimcm.GUID, dirs ...string) error {
	if err := m.reset(ctx); err != nil {
		return err
	}
	if err := m.seedTemplates(ctx); err != nil {
		return err
	}
	if err := m.seed(ctx, ids); err != nil {
		return err
	}
	for _, dir := range dirs {
		if err := removeState(dir); err != nil {
			return err
		}
	}
	return nil
}

// removeState starts a configuration from an empty state.
func removeState(dir string) error {
	for _, name := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// measureSize runs every operation on every kind it measures, a different
// kind going first each round.
func (b *bench) measureSize(ctx context.Context, n int, series uint32) (res *sizeResult, err error) {
	started := time.Now()
	defer func() { res.took = time.Since(started) }()
	res = &sizeResult{n: n, rounds: b.cfg.roundsFor(n), kinds: b.cfg.kindsFor(n), chosen: b.cfg.kinds != nil}
	ids := requestIDs(series, n)
	// mimcm_request_status and mimcm_request_statuses each complete requests
	// of their own, so that neither finds the other's already done;
	// mimcm_request creates its requests and needs none seeded. Only the
	// requests a measured kind sets are seeded: at 100,000 entries, the
	// others would only lengthen the lists the bulk resource reads.
	var seeded []mimcm.GUID
	if slices.Contains(res.kinds, kindMimcm) {
		seeded = ids
	}
	var dirs [kinds]string
	for _, k := range res.kinds {
		dirs[k] = filepath.Join(b.work, fmt.Sprintf("n%d-%s", n, k))
		kindIDs := ids
		if k.bulk() {
			kindIDs = requestIDs(series|uint32(k)<<8, n)
			seeded = append(seeded, kindIDs...)
		}
		if err := writeConfig(dirs[k], k, b.mock.url, "", b.mock.requestTemplate, kindIDs); err != nil {
			return nil, err
		}
	}
	for _, op := range b.cfg.operationsFor(n) {
		res.ops = append(res.ops, &opResult{op: op})
	}
	var kindDirs []string
	for _, k := range res.kinds {
		kindDirs = append(kindDirs, dirs[k])
	}
	for round := range res.rounds {
		if err := restart(ctx, b.mock, seeded, kindDirs...); err != nil {
			return nil, err
		}
		// Each kind goes first in turn.
		order := make([]kind, len(res.kinds))
		for i := range order {
			order[i] = res.kinds[(round+i)%len(res.kinds)]
		}
		for _, op := range res.ops {
			for _, k := range order {
				b.log("N=%d round %d/%d: %s %s", n, round+1, res.rounds, op.op.name, k)
				s, err := b.measure(ctx, dirs[k], k, op.op.args)
				if err != nil {
					return nil, fmt.Errorf("%s of %s at N=%d: %w", op.op.name, k, n, err)
				}
				if err := checkApplied(k, op.op.name, s.calls, n); err != nil {
					return nil, err
				}
				op.samples[k] = append(op.samples[k], s)
			}
		}
	}
	return res, nil
}

// checkApplied fails an apply of a kind that calls the API when it did not
// send one write per resource: a PUT setting each status, or for
// mimcm_request a POST creating each request. Anything else means the
// bench measured something other than it says.
func checkApplied(k kind, op string, c callCounts, n int) error {
	if !k.callsAPI() || op != "apply" {
		return nil
	}
	if sent := c.Counts[k.appliedWrite()]; sent != n {
		what := "every request should have been set"
		if k == kindRequest {
			what = "each resource should have created one request"
		}
		return fmt.Errorf("the apply of %s at N=%d sent %d %ss for %d resources; %s", k, n, sent, k.appliedWrite(), n, what)
	}
	return nil
}

// measure runs one command and, for mimcm, reads the mock's call log for
// it alone.
func (b *bench) measure(ctx context.Context, dir string, k kind, args []string) (sample, error) {
	s := sample{load: loadAverage()[0]}
	if k.callsAPI() {
		if err := b.mock.resetCalls(ctx); err != nil {
			return s, err
		}
	}
	r, err := b.tf.run(ctx, dir, append(slices.Clone(args), commonArgs...)...)
	if err != nil {
		return s, err
	}
	if r.exitCode != 0 {
		return s, fmt.Errorf("terraform %s exited %d (a plan exits 2 when it is not empty):\n%s", args[0], r.exitCode, tail(r.output, 40))
	}
	s.run = r
	if info, err := os.Stat(filepath.Join(dir, "terraform.tfstate")); err == nil {
		s.stateBytes = info.Size()
	}
	if k.callsAPI() {
		if s.calls, err = b.mock.calls(ctx); err != nil {
			return s, err
		}
	}
	b.log("  %.2f s; CPU: Terraform %.2f s, provider %.2f s%s", r.wall.Seconds(),
		(r.cpu - r.providerCPU()).Seconds(), r.providerCPU().Seconds(), describeProcesses(s))
	return s, nil
}

// measureLatency applies latencyN resources with every API answer delayed,
// alternating with the same apply without delay.
func (b *bench) measureLatency(ctx context.Context) (*latencyResult, error) {
	res := &latencyResult{kind: b.cfg.latencyKind, n: b.cfg.latencyN, latencyMS: b.cfg.latencyMS, rounds: min(b.cfg.roundsFor(b.cfg.latencyN), 3)}
	ids := requestIDs(0xfff, res.n)
	dir := filepath.Join(b.work, "latency-"+res.kind.String())
	if err := writeConfig(dir, res.kind, b.mock.url, "", b.mock.requestTemplate, ids); err != nil {
		return nil, err
	}
	for round := range res.rounds {
		order := []int{res.latencyMS, 0}
		if round%2 == 1 {
			order = []int{0, res.latencyMS}
		}
		for _, ms := range order {
			b.log("latency scenario N=%d round %d/%d: apply with %d ms latency", res.n, round+1, res.rounds, ms)
			if err := restart(ctx, b.mock, ids, dir); err != nil {
				return nil, err
			}
			if err := b.mock.setLatency(ctx, ms); err != nil {
				return nil, err
			}
			s, err := b.measure(ctx, dir, res.kind, operations[0].args)
			if err != nil {
				return nil, fmt.Errorf("latency scenario, apply with %d ms: %w", ms, err)
			}
			if ms == 0 {
				res.fast = append(res.fast, s)
			} else {
				res.slow = append(res.slow, s)
			}
		}
	}
	return res, b.mock.reset(ctx)
}

// measureHTTPS applies httpsN resources against a second mock that serves
// https, as IIS serves the API, with a self-signed certificate the
// configuration trusts: the provider speaks HTTP/2 there.
func (b *bench) measureHTTPS(ctx context.Context) (*httpsResult, error) {
	res := &httpsResult{n: b.cfg.httpsN, rounds: min(b.cfg.roundsFor(b.cfg.httpsN), 3)}
	dir := filepath.Join(b.work, "https")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cert, err := writeServerCert(dir)
	if err != nil {
		return nil, fmt.Errorf("https scenario: the mock's certificate: %w", err)
	}
	mock, err := startMock(ctx, b.mockBinary, dir, cert)
	if err != nil {
		return nil, fmt.Errorf("https scenario: %w", err)
	}
	defer mock.stop()
	port, err := urlPort(mock.url)
	if err != nil {
		return nil, err
	}
	// b.measure reads the calls and the connections of b.mock.
	httpMock, httpPort := b.mock, b.tf.mockPort
	b.mock, b.tf.mockPort = mock, port
	defer func() { b.mock, b.tf.mockPort = httpMock, httpPort }()

	ids := requestIDs(0xffe, res.n)
	configDir := filepath.Join(dir, "mimcm")
	if err := writeConfig(configDir, kindMimcm, mock.url, cert.certFile, mock.requestTemplate, ids); err != nil {
		return nil, err
	}
	for round := range res.rounds {
		b.log("https scenario N=%d round %d/%d: apply", res.n, round+1, res.rounds)
		if err := restart(ctx, mock, ids, configDir); err != nil {
			return nil, err
		}
		s, err := b.measure(ctx, configDir, kindMimcm, operations[0].args)
		if err != nil {
			return nil, fmt.Errorf("https scenario, apply: %w", err)
		}
		if err := checkApplied(kindMimcm, "apply", s.calls, res.n); err != nil {
			return nil, fmt.Errorf("https scenario: %w", err)
		}
		res.applies = append(res.applies, s)
	}
	return res, nil
}

// tail returns the last lines of s.
func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// describeProcesses is a progress line's account of the provider processes
// and connections of a command.
func describeProcesses(s sample) string {
	if len(s.run.providers) == 0 {
		return ""
	}
	var parts []string
	for _, p := range s.run.providers {
		parts = append(parts, fmt.Sprintf("%d (%.2f-%.2f s, %s, %d connections)", p.pid, p.seen.Seconds(), p.gone.Seconds(), mib(p.peakKiB), len(p.mockSockets)))
	}
	return fmt.Sprintf("; provider processes %s; %d API calls, %d new connections at the mock",
		strings.Join(parts, ", "), s.calls.Counts["total"], s.calls.Connections)
}
