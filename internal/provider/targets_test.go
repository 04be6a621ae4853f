package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

func TestPlannedTargets_claim(t *testing.T) {
	const id = mimcm.GUID("a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099")
	type step struct {
		owner   string
		desired mimcm.DesiredStatus
		want    string // "" for no diagnostic, else "error: regexp" or "warning: regexp"
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"one claim", []step{{"a", mimcm.DesiredCompleted, ""}}},
		{"the same owner again, as for a replaced instance", []step{
			{"a", mimcm.DesiredCompleted, ""}, {"a", mimcm.DesiredCompleted, ""},
		}},
		{"another status", []step{
			{"a", mimcm.DesiredCompleted, ""},
			{"b", mimcm.DesiredCanceled, `error: Request ` + string(id) + ` is given two different statuses: B asks for Canceled, and a in the same configuration asks for Completed`},
		}},
		{"the same status", []step{
			{"a", mimcm.DesiredCompleted, ""},
			{"b", mimcm.DesiredCompleted, `warning: Request ` + string(id) + ` is managed twice: B and a both ask for Completed`},
		}},
		{"a third with another status", []step{
			{"a", mimcm.DesiredCompleted, ""},
			{"b", mimcm.DesiredCompleted, `warning: managed twice`},
			{"c", mimcm.DesiredAbandoned, `error: C asks for Abandoned, and a in the same configuration asks for Completed`},
			{"d", mimcm.DesiredCompleted, `error: D asks for Completed, and c in the same configuration asks for Abandoned`},
		}},
		{"an owner whose plan changed", []step{
			{"a", mimcm.DesiredCompleted, ""}, {"a", mimcm.DesiredCanceled, ""},
			{"b", mimcm.DesiredCompleted, `error: B asks for Completed, and a in the same configuration asks for Canceled`},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			targets := newPlannedTargets()
			for i, s := range tc.steps {
				diags := targets.claim(id, targetClaim{Owner: s.owner, Who: s.owner, Desired: s.desired})
				got := describeDiags(diags)
				switch {
				case s.want == "" && got != "":
					t.Fatalf("claim %d: want no diagnostic, got %s", i+1, got)
				case s.want != "" && len(diags) != 1:
					t.Fatalf("claim %d: want one diagnostic matching %q, got %q", i+1, s.want, got)
				case s.want != "":
					severity, text, _ := strings.Cut(s.want, ": ")
					if !strings.HasPrefix(got, severity+": ") || !regexp.MustCompile(regexp.QuoteMeta(text)).MatchString(got) {
						t.Fatalf("claim %d: want %q, got %q", i+1, s.want, got)
					}
				}
			}
		})
	}
}

func describeDiags(diags diag.Diagnostics) string {
	var parts []string
	for _, d := range diags {
		parts = append(parts, strings.ToLower(d.Severity().String())+": "+d.Summary()+": "+d.Detail())
	}
	return strings.Join(parts, "; ")
}

// TestPlannedTargets_concurrent claims from many goroutines at once, as
// Terraform's parallel plans do: each request claimed twice with one
// status gives exactly one warning, and each request claimed with two
// statuses exactly one error.
func TestPlannedTargets_concurrent(t *testing.T) {
	const n = 200
	targets := newPlannedTargets()
	var (
		mu                sync.Mutex
		warnings, errors_ int
		wg                sync.WaitGroup
	)
	for i := range n {
		id := mimcm.GUID(fmt.Sprintf("a9b4b42c-cc50-4c9b-89d1-%012x", i))
		second := mimcm.DesiredCompleted
		if i%2 == 1 {
			second = mimcm.DesiredCanceled
		}
		for owner, desired := range []mimcm.DesiredStatus{mimcm.DesiredCompleted, second} {
			wg.Go(func() {
				diags := targets.claim(id, targetClaim{Owner: fmt.Sprint(owner), Who: "x", Desired: desired})
				mu.Lock()
				defer mu.Unlock()
				warnings += diags.WarningsCount()
				errors_ += diags.ErrorsCount()
			})
		}
	}
	wg.Wait()
	if warnings != n/2 || errors_ != n/2 {
		t.Errorf("%d warnings and %d errors, want %d of each", warnings, errors_, n/2)
	}
}

// planServer is a provider protocol server configured for a mock.
type planServer struct {
	t      *testing.T
	server tfprotov6.ProviderServer
	schema *tfprotov6.Schema
}

func newPlanServer(t *testing.T, m *testMock) *planServer {
	t.Helper()
	s, schemas := protoServerWithSchemas(t)
	resp, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		Config:           dynamicValue(t, schemas.Provider, map[string]any{"host": m.URL, "max_retries": 0}),
		TerraformVersion: "1.11.4",
	})
	if err != nil || hasErrorDiag(resp.Diagnostics) {
		t.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
	return &planServer{t: t, server: s, schema: schemas.ResourceSchemas["mimcm_request_status"]}
}

// plan plans a mimcm_request_status as Terraform does: prior nil plans a
// create, otherwise prior is the state and the configuration leaves it
// unchanged.
func (p *planServer) plan(config, prior map[string]any, priorPrivate []byte) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	typ := p.schema.ValueType()
	priorState, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		p.t.Fatal(err)
	}
	proposed := dynamicValue(p.t, p.schema, config)
	if prior != nil {
		priorState = *dynamicValue(p.t, p.schema, prior)
		proposed = &priorState
	}
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName:         "mimcm_request_status",
		PriorState:       &priorState,
		ProposedNewState: proposed,
		Config:           dynamicValue(p.t, p.schema, config),
		PriorPrivate:     priorPrivate,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

func diagTexts(diags []*tfprotov6.Diagnostic) string {
	var parts []string
	for _, d := range diags {
		parts = append(parts, fmt.Sprintf("%v %s: %s", d.Severity, d.Summary, d.Detail))
	}
	return strings.Join(parts, "\n")
}

// TestRequestStatus_conflictingTargetsThroughTheProtocol plans as
// Terraform does, call by call: an unchanged resource in state still
// claims its request, a new one with another status is refused, and a
// replaced instance planned twice claims once.
func TestRequestStatus_conflictingTargetsThroughTheProtocol(t *testing.T) {
	t.Parallel()
	upper := strings.ToUpper(testID)
	state := map[string]any{"id": testID, "request_id": testID, "status": "Completed"}
	config := map[string]any{"request_id": testID, "status": "Completed"}

	t.Run("unchanged, then another status", func(t *testing.T) {
		m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusCompleted))
		p := newPlanServer(t, m)
		if resp := p.plan(config, state, nil); len(resp.Diagnostics) > 0 {
			t.Fatalf("the unchanged resource: %s", diagTexts(resp.Diagnostics))
		}
		resp := p.plan(map[string]any{"request_id": upper, "status": "Canceled"}, nil, nil)
		got := diagTexts(resp.Diagnostics)
		want := words("Request "+testID+" is given two different statuses", `request_id "`+upper+`" asks for Canceled`,
			`request_id "`+testID+`" in the same configuration asks for Completed`)
		if !hasErrorDiag(resp.Diagnostics) || !want.MatchString(got) {
			t.Fatalf("the second resource: want an error matching %s, got:\n%s", want, got)
		}
		if err := m.expectCounts(map[string]int{}); err != nil {
			t.Errorf("a refused plan must not call the API: %v", err)
		}
	})

	t.Run("unchanged, then the same status", func(t *testing.T) {
		m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusCompleted))
		p := newPlanServer(t, m)
		if resp := p.plan(config, state, nil); len(resp.Diagnostics) > 0 {
			t.Fatalf("the unchanged resource: %s", diagTexts(resp.Diagnostics))
		}
		resp := p.plan(map[string]any{"request_id": upper, "status": "Completed"}, nil, nil)
		got := diagTexts(resp.Diagnostics)
		if hasErrorDiag(resp.Diagnostics) || len(resp.Diagnostics) != 1 || !words("Request "+testID+" is managed twice", "both ask for Completed").MatchString(got) {
			t.Fatalf("the second resource: want one warning, got:\n%s", got)
		}
	})

	t.Run("one instance planned twice, as for a replacement", func(t *testing.T) {
		m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
		p := newPlanServer(t, m)
		first := p.plan(map[string]any{"request_id": upper, "status": "Completed"}, nil, nil)
		if len(first.Diagnostics) > 0 {
			t.Fatalf("first plan: %s", diagTexts(first.Diagnostics))
		}
		if len(first.PlannedPrivate) == 0 {
			t.Fatal("the plan keeps no owner in its private state")
		}
		again := p.plan(map[string]any{"request_id": upper, "status": "Completed"}, nil, first.PlannedPrivate)
		if len(again.Diagnostics) > 0 {
			t.Fatalf("the same instance planned again: %s", diagTexts(again.Diagnostics))
		}
		// Another instance is still told.
		other := p.plan(map[string]any{"request_id": testID, "status": "Completed"}, nil, nil)
		if len(other.Diagnostics) != 1 || hasErrorDiag(other.Diagnostics) {
			t.Fatalf("another instance: want one warning, got:\n%s", diagTexts(other.Diagnostics))
		}
	})
}

// TestAccRequestStatus_conflictingTargets configures two resources for
// one request, in two letter cases, with two final statuses: the plan
// fails naming the request and both statuses, and nothing is sent.
func TestAccRequestStatus_conflictingTargets(t *testing.T) {
	t.Parallel()
	testConflictRefused(t, `
resource "mimcm_request_status" "cancel" {
  request_id = %q
  status     = "Canceled"
}
`)
}

// TestAccRequestStatuses_conflictingTargets does the same with an entry of
// mimcm_request_statuses as the second claim.
func TestAccRequestStatuses_conflictingTargets(t *testing.T) {
	t.Parallel()
	testConflictRefused(t, `
resource "mimcm_request_statuses" "recall" {
  requests = {
    %q = "Canceled"
  }
}
`)
}

// testConflictRefused plans a mimcm_request_status that completes testID
// beside second, a block that cancels it (its %q is testID in upper case),
// and checks that the plan fails naming both statuses and sends no PUT.
func testConflictRefused(t *testing.T, second string) {
	t.Helper()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	config := m.providerBlock() + fmt.Sprintf(`
resource "mimcm_request_status" "complete" {
  request_id = %q
  status     = "Completed"
}
`, testID) + fmt.Sprintf(second, strings.ToUpper(testID))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: regexp.MustCompile(`(?s)Request\s+` + testID + `\s+is\s+given\s+two\s+different\s+statuses.*` +
				`(asks\s+for\s+Completed.*asks\s+for\s+Canceled|asks\s+for\s+Canceled.*asks\s+for\s+Completed)`),
		}},
	})
	if n := m.Counts()["PUT"]; n != 0 {
		t.Errorf("the refused plan sent %d PUTs: %s", n, m.describeCalls())
	}
	if r, _ := m.Request(testID); r.Status != mimcm.StatusApproved {
		t.Errorf("request %s is %s, want it untouched (Approved)", testID, r.Status)
	}
}

// Two mimcm_request_statuses that share many requests are told about the
// first maxClaimReports of them one by one, and about the rest in one more
// diagnostic that names them: errors and warnings alike.
func TestRequestStatuses_manyClaimsReportedOnce(t *testing.T) {
	t.Parallel()
	const shared = maxClaimReports + 5
	ids := manyIDs(0xc1, shared)
	seed := seedRequests(ids, mimcm.StatusApproved)
	for _, tc := range []struct {
		second   string
		severity tfprotov6.DiagnosticSeverity
		one      string
		rest     string
	}{
		{"Completed", tfprotov6.DiagnosticSeverityWarning, "is managed twice", "5 more requests are managed twice"},
		{"Canceled", tfprotov6.DiagnosticSeverityError, "is given two different statuses", "5 more requests are given two different statuses"},
	} {
		t.Run(tc.second, func(t *testing.T) {
			t.Parallel()
			s := newProtocolServer(t, newTestMock(t, mockapi.Options{}, seed...))
			if diags := planStatuses(t, s, ids, "Completed"); len(diags) > 0 {
				t.Fatalf("the first resource: %s", describeDiagnostics(diags))
			}
			diags := planStatuses(t, s, ids, tc.second)
			var one, rest []*tfprotov6.Diagnostic
			for _, d := range diags {
				switch {
				case d.Severity == tc.severity && strings.Contains(d.Summary, tc.one):
					one = append(one, d)
				case d.Severity == tc.severity && d.Summary == tc.rest:
					rest = append(rest, d)
				}
			}
			if len(one) != maxClaimReports || len(rest) != 1 {
				t.Fatalf("want %d diagnostics of one request each and one for the rest, got:\n%s", maxClaimReports, describeDiagnostics(diags))
			}
			for _, id := range ids[maxClaimReports:] {
				if !strings.Contains(rest[0].Detail, `"`+id+`"`) {
					t.Errorf("the last diagnostic does not name %s:\n%s", id, rest[0].Detail)
				}
			}
			if !strings.Contains(one[0].Summary, ids[0]) {
				t.Errorf("want the entries in the order of their keys, the first about %s; got %q", ids[0], one[0].Summary)
			}
		})
	}
}

// planStatuses plans the creation of a mimcm_request_statuses that sets
// every request of ids to status, and returns the plan's diagnostics.
func planStatuses(t *testing.T, s *protocolServer, ids []string, status string) []*tfprotov6.Diagnostic {
	t.Helper()
	schema := s.schemas.ResourceSchemas["mimcm_request_statuses"]
	requests := map[string]string{}
	for _, id := range ids {
		requests[id] = status
	}
	config := dynamicValue(t, schema, map[string]any{"requests": requests})
	prior, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: "mimcm_request_statuses", Config: config, PriorState: &prior, ProposedNewState: config,
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}
