package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// chaosResource is the resource every chaos test configures, one instance
// per request with for_each.
const chaosResource = "mimcm_request_status.chaos"

// chaosGUID is the GUID of the i-th request of a chaos test.
func chaosGUID(i int) string {
	return fmt.Sprintf("c4a05000-0000-4000-8000-%012x", i+1)
}

// chaosPlan is a set of requests and the status each is driven to.
type chaosPlan struct {
	ids     []string
	desired map[string]mimcm.DesiredStatus
}

// newChaosPlan seeds n requests on m with a mix of starting and desired
// statuses: two in five Approved → Completed, one Approved → Abandoned, one
// Pending → Canceled and one Approved → Canceled.
func newChaosPlan(m *testMock, n int) chaosPlan {
	p := chaosPlan{desired: map[string]mimcm.DesiredStatus{}}
	var seed []mimcm.Request
	for i := range n {
		id := chaosGUID(i)
		start, desired := mimcm.StatusApproved, mimcm.DesiredCompleted
		switch i % 5 {
		case 2:
			desired = mimcm.DesiredAbandoned
		case 3:
			start, desired = mimcm.StatusPending, mimcm.DesiredCanceled
		case 4:
			desired = mimcm.DesiredCanceled
		}
		p.ids = append(p.ids, id)
		p.desired[id] = desired
		seed = append(seed, seedRequest(id, start))
	}
	m.Seed(seed...)
	return p
}

// config is the provider block and one counted resource over the plan's
// requests. (count, not for_each: the testing framework's legacy state,
// which TestCheckFuncs get, cannot hold for_each instances.)
func (p chaosPlan) config(m *testMock, providerArgs string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"mimcm\" {\n  host = %q\n%s\n}\n\nlocals {\n  requests = [\n", m.URL, providerArgs)
	for _, id := range p.ids {
		fmt.Fprintf(&b, "    { id = %q, status = %q },\n", id, p.desired[id])
	}
	b.WriteString("  ]\n}\n\nresource \"mimcm_request_status\" \"chaos\" {\n  count      = length(local.requests)\n  request_id = local.requests[count.index].id\n  status     = local.requests[count.index].status\n}\n")
	return b.String()
}

// address is the resource address of the i-th request's instance.
func (p chaosPlan) address(i int) string {
	return fmt.Sprintf("%s[%d]", chaosResource, i)
}

// checkConverged checks that every request in ids has its desired status
// on the mock, that state holds exactly those requests, and that each
// instance's status_code, observed_status and completed equal the mock's.
func (p chaosPlan) checkConverged(m *testMock, ids []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		instances := map[string]map[string]string{}
		for addr, rs := range s.RootModule().Resources {
			if rs.Type == "mimcm_request_status" {
				instances[addr] = rs.Primary.Attributes
			}
		}
		return p.compare(m, ids, instances)
	}
}

// compare is checkConverged for instances given as their attributes by
// address.
func (p chaosPlan) compare(m *testMock, ids []string, instances map[string]map[string]string) error {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var problems []string
	for addr, attrs := range instances {
		id := attrs["request_id"]
		if !want[id] {
			problems = append(problems, fmt.Sprintf("%s is in state but should not be", addr))
			continue
		}
		got, ok := m.Request(mimcm.GUID(id))
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: the mock has no request %s", addr, id))
			continue
		}
		if !got.Status.Satisfies(p.desired[id]) {
			problems = append(problems, fmt.Sprintf("%s: the mock holds %s, want %s", addr, got.Status, p.desired[id]))
		}
		mock := newRequestAttributesModel(&got)
		for attr, wantValue := range map[string]string{
			"status_code":     fmt.Sprint(mock.StatusCode.ValueInt64()),
			"observed_status": mock.ObservedStatus.ValueString(),
			"completed":       mock.Completed.ValueString(),
			"status":          string(p.desired[id]),
		} {
			if v := attrs[attr]; v != wantValue {
				problems = append(problems, fmt.Sprintf("%s: %s = %q in state, %q on the mock", addr, attr, v, wantValue))
			}
		}
	}
	if len(instances) != len(ids) {
		problems = append(problems, fmt.Sprintf("state holds %d instances, want %d", len(instances), len(ids)))
	}
	sort.Strings(problems)
	return problemsError("state and mock disagree", problems)
}

// TestAccChaos_200Resources applies 210 resources at Terraform's default
// parallelism through a mock that fails 30% of the calls — 429 and 503 with
// Retry-After, 500, 502, 504, reset connections, truncated bodies and HTML
// error pages — with latency, and that loses the answer of 5% of the PUTs
// it applies. One apply must succeed and leave every request in its desired
// status and state equal to the mock; chaos then stops, and the harness's
// plans after the apply must be empty.
//
// The provider retries 429, 502, 503 and 504 for as long as each call's
// two-minute retry window lasts, and resets and cut answers max_retries
// (here 20) times, waiting out Retry-After or backing off from 1s to 30s;
// at a 30% fault rate the unluckiest of some 700 calls meets five or six
// faults in a row. The busy answers also slow all of the provider's calls
// (its adaptive limit), and a steady 30% of them holds the pace near its
// floor, two calls a second: the apply takes minutes, against under one
// with the limit switched off. With a floor of one call a second, the
// slowest calls ran out of their retry window now and then.
func TestAccChaos_200Resources(t *testing.T) {
	t.Parallel()
	const n = 210
	m := newTestMock(t, mockapi.Options{})
	p := newChaosPlan(m, n)
	chaos := mockapi.Chaos{
		Seed: 20240605,
		Rates: map[int]float64{
			429: 0.06, // with Retry-After 0 or 1
			502: 0.03,
			503: 0.088, // with Retry-After 0 or 1
			504: 0.03,
		},
		RetryAfter:   []string{"0", "1"},
		ResetRate:    0.03,
		TruncateRate: 0.03,
		HTMLRate:     0.03, // half 502, half 503 with Retry-After
		LostPUTRate:  0.05,
		LatencyMin:   2 * time.Millisecond,
		LatencyMax:   20 * time.Millisecond,
	}
	if err := m.SetChaos(chaos); err != nil {
		t.Fatal(err)
	}
	// MIM CM answers 500 for its own exceptions, which a retry seldom
	// cures, so the provider retries a 500 once only: two in a row fail the
	// call. Random 500s would make the test a lottery; instead one read and
	// one write of every twentieth request meet a single 500 each, which
	// the one retry must absorb.
	var fiveHundreds int
	for i := 0; i < n; i += 20 {
		for _, method := range []string{"GET", "PUT"} {
			m.AddFault(mockapi.Fault{Status: 500, Count: 1, Method: method, RequestID: mimcm.GUID(p.ids[i])})
			fiveHundreds++
		}
	}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: p.config(m, "  request_timeout = \"10s\"\n  max_retries     = 20"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(p.address(0), plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(p.address(n-1), plancheck.ResourceActionCreate),
				},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				p.checkConverged(m, p.ids),
				func(*terraform.State) error {
					m.StopChaos()
					counts := m.ChaosCounts()
					t.Logf("one apply of %d resources took %s and survived %s, and %d single 500s (%.0f%% of the calls failed)",
						n, time.Since(start).Round(100*time.Millisecond), counts, fiveHundreds,
						100*float64(counts.Faults()-counts.LostPUTs+fiveHundreds)/float64(counts.Calls))
					return nil
				},
			),
		}},
	})
	counts := m.ChaosCounts()
	if share := float64(counts.Faults()-counts.LostPUTs) / float64(counts.Calls); share < 0.25 {
		t.Errorf("only %.0f%% of the calls failed; the test is meant to survive 30%%", 100*share)
	}
	if counts.LostPUTs == 0 || counts.Resets == 0 || counts.Truncated == 0 || counts.HTML == 0 || len(counts.Status) < 4 {
		t.Errorf("some kind of fault never struck: %s", counts)
	}
	if left := m.Faults(); len(left) > 0 {
		t.Errorf("%d of the %d single 500s never struck: %+v", len(left), fiveHundreds, left)
	}
	t.Logf("%d API calls in all: %v", len(m.Calls()), m.Counts())
}

// TestAccChaos_storm plans and applies 150 resources, with the provider's
// default retry settings, through throttling storms: for the first 80
// calls, 8 calls in a row — whichever arrive, retries included — are
// answered 429, 502, 503 or 504 with Retry-After: 1, then 12 pass, so that
// 32 of them (40%) fail in four bursts and the calls retrying together
// meet the next burst together. The storms are bounded by calls, not by
// time: the provider slows down in a storm, as it should, and how many
// calls it makes in ten seconds depends on the machine's load (44 during
// one plan, short of three bursts, on a busy machine). One storm falls on
// the plan, another on the apply, which must succeed and leave every
// request in its desired status and state equal to the mock, with exactly
// one PUT that succeeded per request and none after it. A third falls on
// the refresh of the next plan, which must be empty.
//
// Every call takes 20 to 60 ms, as a real server's do, so that the calls
// Terraform sends together are under way together when the first answer
// comes back: a throttled answer that came back before the others left
// would cut the provider's pace to its floor at once, and the storm would
// fall on a dozen calls retrying over and over instead of on many.
//
// The provider's adaptive limit spreads a storm's faults over its calls:
// each meets only a few of them in a row, but some wait five seconds
// and more for an answer, which a provider that gave up on a busy server
// within seconds would not survive. Expect about a minute.
func TestAccChaos_storm(t *testing.T) {
	t.Parallel()
	const n = 150
	m := newTestMock(t, mockapi.Options{})
	p := newChaosPlan(m, n)
	chaos := mockapi.Chaos{
		RetryAfter: []string{"1"},
		LatencyMin: 20 * time.Millisecond,
		LatencyMax: 60 * time.Millisecond,
		Storm: mockapi.Storm{
			Duration: time.Minute, // the bound if the calls run out first
			Burst:    8,
			Calm:     12,
			Calls:    80,
			Statuses: []int{429, 502, 503, 504},
		},
	}
	// A storm's calls are those from its start to the next storm's.
	type storm struct {
		name   string
		from   int // its first call in the call log
		counts mockapi.ChaosCounts
	}
	var storms []storm
	arm := func(name string) error {
		if k := len(storms); k > 0 {
			storms[k-1].counts = m.ChaosCounts()
		}
		storms = append(storms, storm{name: name, from: len(m.Calls())})
		return m.SetChaos(chaos)
	}
	if err := arm("the plan"); err != nil {
		t.Fatal(err)
	}
	// No max_retries, no request_timeout: the defaults must survive.
	config := p.config(m, "")
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(p.address(0), plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(p.address(n-1), plancheck.ResourceActionCreate),
						beforeApply(func() error {
							t.Logf("the plan of %d resources took %s", n, time.Since(start).Round(100*time.Millisecond))
							start = time.Now()
							return arm("the apply")
						}),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					p.checkConverged(m, p.ids),
					func(*terraform.State) error {
						t.Logf("the apply of %d resources took %s", n, time.Since(start).Round(100*time.Millisecond))
						return nil
					},
				),
			},
			{
				PreConfig: func() {
					if err := arm("the refresh"); err != nil {
						t.Fatal(err)
					}
					start = time.Now()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					p.checkConverged(m, p.ids),
					func(*terraform.State) error {
						t.Logf("the refresh and plan of %d resources took %s", n, time.Since(start).Round(100*time.Millisecond))
						for _, c := range m.Calls()[storms[len(storms)-1].from:] {
							if c.Method == "PUT" {
								return fmt.Errorf("the refresh sent PUT %s (answered %d): an empty plan changes nothing", c.RequestID, c.Status)
							}
						}
						return nil
					},
				),
			},
		},
	})
	storms[len(storms)-1].counts = m.ChaosCounts()
	calls := m.Calls()
	// The faults of a storm of Calls calls: Burst failed, then Calm let
	// through, in turn (32 in four bursts here).
	st := chaos.Storm
	cycle := st.Burst + st.Calm
	wantFaults := st.Calls/cycle*st.Burst + min(st.Calls%cycle, st.Burst)
	for k, s := range storms {
		to := len(calls)
		if k+1 < len(storms) {
			to = storms[k+1].from
		}
		t.Logf("during %s: %s", s.name, s.counts)
		// Every call of the storm, and so every fault its bursts hold:
		// fewer means the storm ended by time, before the calls it was to
		// fail.
		if c := s.counts; c.StormCalls != chaos.Storm.Calls || c.StormFaults != wantFaults {
			t.Errorf("the storm during %s failed %d of %d calls: want %d of %d", s.name, c.StormFaults, c.StormCalls, wantFaults, chaos.Storm.Calls)
		}
		// A provider that gave up on a busy server within a few seconds
		// would have failed this call.
		held, faults, what := longestHold(calls[s.from:to])
		t.Logf("during %s, %s was held %s by %d faults", s.name, what, held.Round(10*time.Millisecond), faults)
		if held < 3*time.Second {
			t.Errorf("the storm during %s held no call for 3s or more (at most %s, %s): it would not fail a provider that gives up within seconds", s.name, held.Round(10*time.Millisecond), what)
		}
	}
	// The apply's storm must fail PUTs with 502 or 504, whose outcome the
	// provider cannot know, for the check of the PUTs to mean something.
	var unknown int
	for _, c := range calls[storms[1].from:storms[2].from] {
		if c.Method == "PUT" && c.Chaos != "" && (c.Status == 502 || c.Status == 504) {
			unknown++
		}
	}
	if unknown == 0 {
		t.Errorf("the storm during the apply failed no PUT with 502 or 504")
	}
	if err := p.checkPUTs(calls); err != nil {
		t.Error(err)
	}
	t.Logf("%d API calls in all, %d PUTs answered 502 or 504 by the storm: %v", len(calls), unknown, m.Counts())
}

// beforeApply is a plan check that only runs its function: the harness's
// one hook between a step's plan and its apply.
type beforeApply func() error

func (f beforeApply) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// longestHold finds the call that chaos held up longest: from the first of
// a run of failed calls of one method on one request to the next call of
// that method on it that succeeded — the attempts of one call, since a
// resource sends its next GET or PUT only once the last one succeeded. It
// returns how long, how many faults the call met, and which call it was.
func longestHold(calls []mockapi.Call) (held time.Duration, faults int, what string) {
	type key struct {
		method string
		id     mimcm.GUID
	}
	type run struct {
		start  time.Time
		faults int
	}
	runs := map[key]run{}
	what = "none"
	for _, c := range calls {
		k := key{c.Method, c.RequestID}
		r, inRun := runs[k]
		if c.Chaos != "" {
			if !inRun {
				r.start = c.Time
			}
			r.faults++
			runs[k] = r
			continue
		}
		if inRun {
			delete(runs, k)
			if d := c.Time.Sub(r.start); d > held {
				held, faults, what = d, r.faults, c.Method+" "+string(c.RequestID)
			}
		}
	}
	return held, faults, what
}

// checkPUTs checks the call log of a run that drove each request of p to
// its status: each got exactly one PUT that succeeded, and none after it —
// a PUT after it would be sent to a request already in its final status.
func (p chaosPlan) checkPUTs(calls []mockapi.Call) error {
	succeeded := map[mimcm.GUID]int{} // the index of the request's successful PUT
	var problems []string
	for i, c := range calls {
		if c.Method != "PUT" {
			continue
		}
		if at, ok := succeeded[c.RequestID]; ok {
			problems = append(problems, fmt.Sprintf("call %d: PUT %s (answered %d) after its PUT of call %d had succeeded", i, c.RequestID, c.Status, at))
			continue
		}
		if c.Status >= 200 && c.Status < 300 {
			succeeded[c.RequestID] = i
		}
	}
	for _, id := range p.ids {
		if _, ok := succeeded[mimcm.GUID(id)]; !ok {
			problems = append(problems, fmt.Sprintf("request %s never got a PUT that succeeded", id))
		}
	}
	return problemsError("needless or missing PUTs", problems)
}

// problemsError reports the first 20 of problems under title, and how many
// more there are; nil when there are none.
func problemsError(title string, problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	if len(problems) > 20 {
		problems = append(problems[:20], fmt.Sprintf("... and %d more", len(problems)-20))
	}
	return fmt.Errorf("%s:\n%s", title, strings.Join(problems, "\n"))
}

// TestAccChaos_partialFailure applies 50 resources of which 10 are refused
// with 403. The apply fails with one error per refused request, naming its
// GUID; the other 40 are in state. Once the permission is restored, a
// second apply converges with only the 10 PUTs left to do.
func TestAccChaos_partialFailure(t *testing.T) {
	t.Parallel()
	const n = 50
	m := newTestMock(t, mockapi.Options{})
	p := newChaosPlan(m, n)
	var forbidden, allowed, forbiddenAlternatives []string
	isForbidden := map[string]bool{}
	for k := range 10 {
		// One in five, cycling through the five kinds of request.
		id := p.ids[5*k+k%5]
		isForbidden[id] = true
		forbidden = append(forbidden, id)
		forbiddenAlternatives = append(forbiddenAlternatives, regexp.QuoteMeta(id))
		m.AddFault(mockapi.Fault{Status: 403, Method: "PUT", RequestID: mimcm.GUID(id),
			Message: "The caller does not have permission to change request " + id + "."})
	}
	for _, id := range p.ids {
		if !isForbidden[id] {
			allowed = append(allowed, id)
		}
	}
	// Ten errors, each naming one of the refused GUIDs (RE2 cannot say
	// "each a different one"; the state check after it can).
	oneError := `Error: Request\s+(?:` + strings.Join(forbiddenAlternatives, "|") +
		`)\s+could\s+not\s+be\s+(?:completed|canceled|abandoned).*?HTTP\s+403.*?not\s+allowed\s+to\s+do\s+this`
	config := p.config(m, "  request_timeout = \"5s\"\n  max_retries     = 3")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)(?:` + oneError + `.*?){10}`),
			},
			{
				// What the failed apply left: the 40 it could do, and
				// nothing for the 10 it could not.
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					p.checkConverged(m, allowed),
					func(*terraform.State) error {
						for _, id := range forbidden {
							if got, _ := m.Request(mimcm.GUID(id)); got.Status.IsTerminal() {
								return fmt.Errorf("refused request %s is %s on the mock", id, got.Status)
							}
						}
						puts := map[mimcm.GUID]int{}
						for _, c := range m.Calls() {
							if c.Method == "PUT" {
								puts[c.RequestID]++
								if isForbidden[string(c.RequestID)] != (c.Status == 403) {
									return fmt.Errorf("PUT %s answered %d", c.RequestID, c.Status)
								}
							}
						}
						for _, id := range p.ids {
							if puts[mimcm.GUID(id)] != 1 {
								return fmt.Errorf("request %s was PUT %d times, want once (a 403 is not retried)", id, puts[mimcm.GUID(id)])
							}
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() {
					m.ClearFaults()
					m.ResetCalls()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: forbiddenCreates(p, isForbidden),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					p.checkConverged(m, p.ids),
					func(*terraform.State) error {
						if got := m.Counts()["PUT"]; got != len(forbidden) {
							return fmt.Errorf("the second apply sent %d PUTs, want %d: one per request the first could not do", got, len(forbidden))
						}
						return nil
					},
				),
			},
		},
	})
}

// forbiddenCreates expects the plan to create the refused requests' instances
// and to leave the others alone.
func forbiddenCreates(p chaosPlan, isForbidden map[string]bool) []plancheck.PlanCheck {
	var checks []plancheck.PlanCheck
	for i, id := range p.ids {
		action := plancheck.ResourceActionNoop
		if isForbidden[id] {
			action = plancheck.ResourceActionCreate
		}
		checks = append(checks, plancheck.ExpectResourceAction(p.address(i), action))
	}
	return checks
}

// TestAccChaos_cancellation interrupts a slow apply as Ctrl-C does, runs
// the provider as Terraform runs it (a plugin binary, through dev_overrides)
// and checks that Terraform ends promptly, that state holds exactly the
// resources whose requests reached their desired status, and that the next
// apply finishes the rest.
func TestAccChaos_cancellation(t *testing.T) {
	skipUnlessAcceptance(t)
	if !canInterrupt {
		t.Skip("os.Interrupt cannot be sent to another process on " + runtime.GOOS)
	}
	t.Parallel()
	const n = 30
	m := newTestMock(t, mockapi.Options{})
	p := newChaosPlan(m, n)
	// Every call is slow, and completions do not finish: the provider polls
	// them until it is interrupted.
	m.SetLatency(200 * time.Millisecond)
	m.SetExecutingPolls(1_000_000)

	tf := newTerraformCLI(t, buildProvider(t))
	tf.writeConfig(p.config(m, "  request_timeout = \"30s\""))

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	started := time.Now()
	apply, out := tf.start(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	exited := make(chan error, 1)
	go func() { exited <- apply.Wait() }()

	// Interrupt once PUTs have both finished some requests and left others
	// Executing, so that the apply has work done and work in progress.
	if err := waitFor(ctx, exited, func() bool {
		finished, executing := false, false
		for _, c := range m.Calls() {
			if c.Method != "PUT" || c.Status != 200 {
				continue
			}
			got, _ := m.Request(c.RequestID)
			finished = finished || got.Status.IsTerminal()
			executing = executing || got.Status == mimcm.StatusExecuting
		}
		return finished && executing
	}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Interrupt while no call is being applied: a PUT the server applies in
	// the instant between its answer and the interrupt is done, but the
	// provider never hears of it — no provider can record that, and the
	// next plan adopts such a request without a PUT. So first have the
	// server turn every call away with 503 and Retry-After: 5, and let the
	// calls already under way be answered and read; the provider is then
	// waiting out the Retry-After, or its polling backoff, when interrupted.
	m.AddFault(mockapi.Fault{Status: 503, RetryAfter: "5"})
	time.Sleep(400 * time.Millisecond)
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	interrupted := time.Now()
	// Terraform may still start an operation it had dispatched just before
	// it told the provider to stop (terraform-plugin-go cancels only the
	// operations running at that moment); let such an operation run to
	// its end quickly rather than sit behind the 503s and an endless
	// Executing.
	m.ClearFaults()
	m.SetExecutingPolls(0)
	var exitErr error
	select {
	case exitErr = <-exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("terraform apply was still running 30s after the interrupt\n%s", out)
	}
	took := time.Since(interrupted)
	t.Logf("interrupted terraform apply %s after it started; it exited %s later (%v)",
		interrupted.Sub(started).Round(time.Millisecond), took.Round(time.Millisecond), exitErr)
	if took > 5*time.Second {
		t.Errorf("terraform apply took %s to end after the interrupt; want a few seconds at most", took.Round(time.Millisecond))
	}
	if exitErr == nil {
		t.Errorf("an interrupted apply must fail, it succeeded:\n%s", out)
	}
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", out)
	}

	// State holds exactly the requests that reached their desired status.
	var done []string
	for _, id := range p.ids {
		if got, _ := m.Request(mimcm.GUID(id)); got.Status.Satisfies(p.desired[id]) {
			done = append(done, id)
		}
	}
	if len(done) == 0 || len(done) == n {
		t.Fatalf("%d of %d requests finished before the interrupt: want some, not all\n%s", len(done), n, out)
	}
	if err := tf.checkState(p, m, done); err != nil {
		t.Fatalf("after the interrupt: %v\n%s", err, out)
	}
	t.Logf("after the interrupt, state holds the %d of %d requests that reached their status; %v", len(done), n, m.Counts())

	// The next apply, on a quick server, finishes the rest, and sends a PUT
	// only for the requests that are not done.
	m.SetLatency(0)
	m.SetExecutingPolls(0)
	m.ResetCalls()
	if code, stdout, stderr := tf.run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("re-apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if err := tf.checkState(p, m, p.ids); err != nil {
		t.Fatalf("after the re-apply: %v", err)
	}
	isDone := map[mimcm.GUID]bool{}
	for _, id := range done {
		isDone[mimcm.GUID(id)] = true
	}
	puts := 0
	for _, c := range m.Calls() {
		if c.Method == "PUT" {
			puts++
			if isDone[c.RequestID] {
				t.Errorf("the re-apply sent a PUT for %s, which was done before the interrupt", c.RequestID)
			}
		}
	}
	if puts != n-len(done) {
		t.Errorf("the re-apply sent %d PUTs, want %d: one per request not done", puts, n-len(done))
	}
	if code, stdout, stderr := tf.run(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("plan after the re-apply: exit %d, want 0 (no changes)\n%s\n%s", code, stdout, stderr)
	}
}

// TestAccChaos_bulkCancellation interrupts a bulk apply, as Ctrl-C does,
// while PUTs are on their way, through the provider binary as Terraform
// runs it. The apply must fail with one error that counts the requests
// done, those not sent and those whose outcome is unknown, naming the
// latter, and with no network failure for a request never sent; the mock's
// call log must agree (a request counted as not sent never reached it),
// state must hold as done exactly the requests the error counts as done,
// and the next apply must send a PUT only for the requests not yet done.
func TestAccChaos_bulkCancellation(t *testing.T) {
	skipUnlessAcceptance(t)
	if !canInterrupt {
		t.Skip("os.Interrupt cannot be sent to another process on " + runtime.GOOS)
	}
	t.Parallel()
	const n = 300
	ids := manyIDs(0xb5, n)
	m := newTestMock(t, mockapi.Options{}, seedRequests(ids, mimcm.StatusApproved)...)
	m.SetLatency(50 * time.Millisecond)

	tf := newTerraformCLI(t, buildProvider(t))
	var config strings.Builder
	fmt.Fprintf(&config, "provider \"mimcm\" {\n  host            = %q\n  request_timeout = \"30s\"\n}\n\n"+
		"resource \"mimcm_request_statuses\" \"bulk\" {\n  requests = {\n", m.URL)
	for _, id := range ids {
		fmt.Fprintf(&config, "    %q = \"Completed\"\n", id)
	}
	config.WriteString("  }\n}\n")
	tf.writeConfig(config.String())

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	apply, out := tf.start(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	exited := make(chan error, 1)
	go func() { exited <- apply.Wait() }()
	if err := waitFor(ctx, exited, func() bool {
		answered := 0
		for _, c := range m.Calls() {
			if c.Method == "PUT" && c.Status == 200 {
				answered++
			}
		}
		return answered >= 40
	}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err == nil {
			t.Errorf("an interrupted apply must fail, it succeeded:\n%s", out)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("terraform apply was still running 30s after the interrupt\n%s", out)
	}
	output := out.String()
	if !strings.Contains(output, "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", output)
	}
	// Terraform adds errors of its own that say it stopped.
	if errs := strings.Count(output, "Error: ") - strings.Count(output, "Error: execution halted"); errs != 1 ||
		!strings.Contains(output, "Error: The apply was interrupted before every request had its status") {
		t.Fatalf("want one error of the provider's, the interrupted apply's, got %d:\n%s", errs, output)
	}
	if strings.Contains(output, "no response from the server") {
		t.Errorf("requests are reported as network failures:\n%s", output)
	}
	got := parseInterrupt(t, output)
	if got.total != n || got.done+got.unsent+got.unknown != n || got.unsent == 0 || len(got.named) != got.unknown {
		t.Errorf("counts %+v: want %d in all, some not sent, each unknown named:\n%s", got, n, output)
	}

	// The call log agrees: every request that got a PUT is done or named,
	// so none counted as not sent reached the server; the mock has done
	// at least the requests counted done, at most those and the unknown.
	code, shown, stderr := tf.run(ctx, "show", "-json")
	if code != 0 {
		t.Fatalf("terraform show -json: exit %d: %s", code, stderr)
	}
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Values struct {
						Requests map[string]string `json:"requests"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(shown), &doc); err != nil || len(doc.Values.RootModule.Resources) != 1 {
		t.Fatalf("terraform show -json: %v\n%s", err, shown)
	}
	done := map[string]bool{}
	for id, value := range doc.Values.RootModule.Resources[0].Values.Requests {
		switch value {
		case "Completed":
			done[id] = true
		case "Approved":
		default:
			t.Errorf("state holds %s for %s; want Completed when done, else Approved as read", value, id)
		}
	}
	if len(done) != got.done {
		t.Errorf("state holds %d requests done, the error says %d", len(done), got.done)
	}
	named := map[string]bool{}
	for _, id := range got.named {
		named[id] = true
	}
	put := map[mimcm.GUID]bool{}
	for _, c := range m.Calls() {
		if c.Method != "PUT" {
			continue
		}
		put[c.RequestID] = true
		if !done[string(c.RequestID)] && !named[string(c.RequestID)] {
			t.Errorf("%s reached the server (%d), but the error counts it as not sent", c.RequestID, c.Status)
		}
	}
	completed := 0
	for _, id := range ids {
		r, _ := m.Request(mimcm.GUID(id))
		switch {
		case r.Status == mimcm.StatusCompleted:
			completed++
		case done[id]:
			t.Errorf("%s is done in state, but the mock holds it %s", id, r.Status)
		}
	}
	if completed < got.done || completed > got.done+got.unknown {
		t.Errorf("the mock completed %d requests; the error says %d done and %d of unknown outcome", completed, got.done, got.unknown)
	}
	t.Logf("interrupted: %d of %d done, %d not sent, %d of unknown outcome; the mock saw %d PUTs and completed %d", got.done, n, got.unsent, got.unknown, len(put), completed)

	// The next apply, on a quick server, sends a PUT for each request not
	// completed yet, once, and none for the others.
	m.SetLatency(0)
	m.ResetCalls()
	if code, stdout, stderr := tf.run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("re-apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	puts := map[mimcm.GUID]int{}
	for _, c := range m.Calls() {
		if c.Method == "PUT" {
			puts[c.RequestID]++
		}
	}
	for _, id := range ids {
		r, _ := m.Request(mimcm.GUID(id))
		if r.Status != mimcm.StatusCompleted {
			t.Errorf("after the re-apply, %s is %s", id, r.Status)
		}
		if p := puts[mimcm.GUID(id)]; p > 1 {
			t.Errorf("the re-apply sent %d PUTs for %s", p, id)
		}
	}
	if len(puts) != n-completed {
		t.Errorf("the re-apply sent PUTs for %d requests, want %d: one per request not completed", len(puts), n-completed)
	}
	if code, stdout, stderr := tf.run(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("plan after the re-apply: exit %d, want 0 (no changes)\n%s\n%s", code, stdout, stderr)
	}
}

// waitFor polls cond until it holds, the process ends or ctx ends.
func waitFor(ctx context.Context, exited <-chan error, cond func() bool) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up waiting: %w", ctx.Err())
		case err := <-exited:
			return fmt.Errorf("terraform exited before the interrupt (%v)", err)
		case <-tick.C:
		}
	}
	return nil
}

// buildProvider builds the provider binary into a temporary directory and
// returns the directory. It is for tests that run Terraform, so it skips
// them without TF_ACC.
func buildProvider(t *testing.T) string {
	t.Helper()
	skipUnlessAcceptance(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the cancellation test builds the provider binary and needs the go command: put it on PATH (%v)", err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", filepath.Join(dir, "terraform-provider-mimcm"), "github.com/mimcm/terraform-provider-mimcm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the provider: %v\n%s", err, out)
	}
	return dir
}

// terraformCLI runs Terraform in a working directory of its own, with a CLI
// configuration whose dev_overrides point at a provider binary (as
// scripts/demo.sh does): no init, nothing downloaded. The override names the
// provider without a registry host, so that Terraform (registry.terraform.io)
// and OpenTofu (registry.opentofu.org) both take it.
type terraformCLI struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// newTerraformCLI is a working directory for Terraform; it skips the test
// without TF_ACC.
func newTerraformCLI(t *testing.T, providerDir string) *terraformCLI {
	t.Helper()
	skipUnlessAcceptance(t)
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraform.rc")
	err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "mimcm/mimcm" = %q
  }
  direct {}
}
`, providerDir)), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TF_CLI_CONFIG_FILE" || name == "TF_REATTACH_PROVIDERS" || name == "TF_DATA_DIR" ||
			name == "TF_WORKSPACE" || strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "TF_CLI_ARGS") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	return &terraformCLI{t: t, bin: os.Getenv("TF_ACC_TERRAFORM_PATH"), dir: work, env: env}
}

// writeConfig writes the configuration, with the terraform block that names
// the provider's source.
func (tf *terraformCLI) writeConfig(config string) {
	tf.t.Helper()
	config = "terraform {\n  required_providers {\n    mimcm = {\n      source = \"mimcm/mimcm\"\n    }\n  }\n}\n\n" + config
	if err := os.WriteFile(filepath.Join(tf.dir, "main.tf"), []byte(config), 0o600); err != nil {
		tf.t.Fatal(err)
	}
}

// start starts terraform with args in a process group of its own, which
// the test's cleanup kills; stdout and stderr go to the buffer.
func (tf *terraformCLI) start(ctx context.Context, args ...string) (*exec.Cmd, *syncBuffer) {
	tf.t.Helper()
	cmd := exec.CommandContext(ctx, tf.bin, args...)
	cmd.Dir, cmd.Env = tf.dir, tf.env
	inOwnProcessGroup(cmd)
	cmd.Cancel = func() error { killProcessGroup(cmd); return nil }
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		tf.t.Fatal(err)
	}
	tf.t.Cleanup(func() { killProcessGroup(cmd) })
	return cmd, out
}

// run runs terraform with args to the end and returns its exit code and
// output.
func (tf *terraformCLI) run(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	tf.t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf.bin, args...)
	cmd.Dir, cmd.Env = tf.dir, tf.env
	inOwnProcessGroup(cmd)
	cmd.Cancel = func() error { killProcessGroup(cmd); return nil }
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	default:
		tf.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return code, o.String(), e.String()
}

// checkState checks that `terraform state list` and `terraform show -json`
// hold exactly the instances of the requests in ids, with the mock's
// status_code, observed_status and completed, and that the mock holds each
// of them in its desired status.
func (tf *terraformCLI) checkState(p chaosPlan, m *testMock, ids []string) error {
	code, list, stderr := tf.run(tf.t.Context(), "state", "list")
	if code != 0 {
		return fmt.Errorf("terraform state list: exit %d: %s", code, stderr)
	}
	if got := len(strings.Fields(list)); got != len(ids) {
		return fmt.Errorf("terraform state list shows %d instances, want %d:\n%s", got, len(ids), list)
	}
	code, shown, stderr := tf.run(tf.t.Context(), "show", "-json")
	if code != 0 {
		return fmt.Errorf("terraform show -json: exit %d: %s", code, stderr)
	}
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(shown), &doc); err != nil {
		return fmt.Errorf("terraform show -json: %w", err)
	}
	instances := map[string]map[string]string{}
	for _, r := range doc.Values.RootModule.Resources {
		attrs := map[string]string{}
		for k, v := range r.Values {
			switch v := v.(type) {
			case nil:
				attrs[k] = ""
			case string:
				attrs[k] = v
			case float64:
				attrs[k] = fmt.Sprint(int64(v))
			default:
				attrs[k] = fmt.Sprint(v)
			}
		}
		instances[r.Address] = attrs
	}
	return p.compare(m, ids, instances)
}

// syncBuffer is a bytes.Buffer that a running process and the test may use
// at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
