//go:build unix

package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/mimcm/terraform-provider-mimcm/internal/benchcpu"
	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// statusesBenchSize is the size mimcm_request_statuses' memory target is
// stated for: a provider process peaks at 100 MiB or less at 5,000 entries.
const statusesBenchSize = 5_000

// statusesBench is a provider server configured for a mock that holds
// statusesBenchSize Completed requests named by a mimcm_request_statuses
// configuration, among twice as many others in that status, as in make
// bench's mock, and the configuration and the state a refresh gives it.
type statusesBench struct {
	server *protocolServer
	mock   *testMock
	config *tfprotov6.DynamicValue
	state  *tfprotov6.DynamicValue
	raw    []byte // state as Terraform stores it
	// private is the private state a first plan gave, which Terraform keeps
	// with the state and sends with every plan after.
	private []byte
}

func newStatusesBench(b *testing.B) *statusesBench {
	b.Helper()
	var seed []mimcm.Request
	requests, imported := map[string]string{}, map[string]string{}
	for i := range 3 * statusesBenchSize {
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		seed = append(seed, seedRequest(id, mimcm.StatusCompleted))
		if i < statusesBenchSize {
			requests[id], imported[id] = "Completed", importedValue
		}
	}
	m := newTestMock(b, mockapi.Options{}, seed...)
	s := newProtocolServer(b, m)
	schema := s.schemas.ResourceSchemas["mimcm_request_statuses"]
	sb := &statusesBench{server: s, mock: m, config: dynamicValue(b, schema, map[string]any{"requests": requests})}

	// The state of an import of every request, refreshed: what a refresh
	// plan starts from. (This first read has no status to look for the
	// requests in, so it reads them one by one; the benchmarks' reads list
	// them.)
	sb.state = dynamicValue(b, schema, map[string]any{"requests": imported})
	sb.state = sb.read(b)
	value, err := sb.state.Unmarshal(schema.ValueType())
	if err != nil {
		b.Fatal(err)
	}
	if sb.raw, err = json.Marshal(jsonOf(b, value)); err != nil {
		b.Fatal(err)
	}
	sb.private = sb.validateAndPlan(b, sb.state)
	return sb
}

// jsonOf is a value of objects, maps and primitives as Terraform writes it
// into a state file.
func jsonOf(tb testing.TB, v tftypes.Value) any {
	switch v.Type().(type) {
	case tftypes.Object, tftypes.Map:
		if v.IsNull() {
			return nil
		}
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			tb.Fatal(err)
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[k] = jsonOf(tb, e)
		}
		return out
	}
	return primitiveOf(tb, v)
}

func (sb *statusesBench) read(b *testing.B) *tfprotov6.DynamicValue {
	resp, err := sb.server.ReadResource(b.Context(), &tfprotov6.ReadResourceRequest{TypeName: "mimcm_request_statuses", CurrentState: sb.state})
	if err != nil {
		b.Fatal(err)
	}
	expectNoErrors(b, "ReadResource", resp.Diagnostics)
	return resp.NewState
}

// validateAndPlan is what Terraform asks of the provider for a plan once
// the state is read: the configuration's validation, then the plan, which
// changes nothing.
func (sb *statusesBench) validateAndPlan(b *testing.B, state *tfprotov6.DynamicValue) []byte {
	validated, err := sb.server.ValidateResourceConfig(b.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: "mimcm_request_statuses", Config: sb.config})
	if err != nil {
		b.Fatal(err)
	}
	expectNoErrors(b, "ValidateResourceConfig", validated.Diagnostics)
	planned, err := sb.server.PlanResourceChange(b.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: "mimcm_request_statuses", Config: sb.config, PriorState: state, ProposedNewState: state, PriorPrivate: sb.private,
	})
	if err != nil {
		b.Fatal(err)
	}
	expectNoDiagnostics(b, "PlanResourceChange", planned.Diagnostics)
	return planned.PlannedPrivate
}

// BenchmarkRequestStatuses_refresh5000 is the provider's part of a refresh
// plan of mimcm_request_statuses over 5,000 requests: the read (one list
// call), the validation and the plan.
func BenchmarkRequestStatuses_refresh5000(b *testing.B) {
	sb := newStatusesBench(b)
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		sb.validateAndPlan(b, sb.read(b))
	}
	benchcpu.Report(b, start)
}

// BenchmarkRequestStatuses_planNoRefresh5000 is the provider's part of
// plan -refresh=false over 5,000 requests, which calls no API: the state's
// upgrade from its JSON, the validation and the plan.
func BenchmarkRequestStatuses_planNoRefresh5000(b *testing.B) {
	sb := newStatusesBench(b)
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		upgraded, err := sb.server.UpgradeResourceState(b.Context(), &tfprotov6.UpgradeResourceStateRequest{
			TypeName: "mimcm_request_statuses", Version: 0, RawState: &tfprotov6.RawState{JSON: sb.raw},
		})
		if err != nil {
			b.Fatal(err)
		}
		expectNoErrors(b, "UpgradeResourceState", upgraded.Diagnostics)
		sb.validateAndPlan(b, upgraded.UpgradedState)
	}
	benchcpu.Report(b, start)
}

// createPlanAndApply is what Terraform asks of the provider to create a
// mimcm_request_statuses of sb's requests: the plan, then the apply. The
// requests are Completed already, so the plan adopts them and the apply
// sends nothing: what is measured is the provider's own work on the
// values.
func (sb *statusesBench) createPlanAndApply(b *testing.B) {
	schema := sb.server.schemas.ResourceSchemas["mimcm_request_statuses"]
	null, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		b.Fatal(err)
	}
	planned, err := sb.server.PlanResourceChange(b.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: "mimcm_request_statuses", Config: sb.config, PriorState: &null, ProposedNewState: sb.config,
	})
	if err != nil {
		b.Fatal(err)
	}
	expectNoErrors(b, "PlanResourceChange", planned.Diagnostics)
	applied, err := sb.server.ApplyResourceChange(b.Context(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "mimcm_request_statuses", Config: sb.config, PriorState: &null, PlannedState: planned.PlannedState,
		PlannedPrivate: planned.PlannedPrivate,
	})
	if err != nil {
		b.Fatal(err)
	}
	expectNoErrors(b, "ApplyResourceChange", applied.Diagnostics)
}

// BenchmarkRequestStatuses_create5000 is the provider's part of creating a
// mimcm_request_statuses of 5,000 requests that need no PUT: the plan,
// which reads them with one list call, and the apply.
func BenchmarkRequestStatuses_create5000(b *testing.B) {
	sb := newStatusesBench(b)
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		sb.createPlanAndApply(b)
	}
	benchcpu.Report(b, start)
}

// BenchmarkRequestStatuses_complete5000 is creating a
// mimcm_request_statuses that completes 5,000 Approved requests: the plan,
// which lists them, and the apply, which sends a PUT for each (the mock
// runs in this process too).
func BenchmarkRequestStatuses_complete5000(b *testing.B) {
	sb := newStatusesBench(b)
	var approved []mimcm.Request
	for i := range statusesBenchSize {
		approved = append(approved, seedRequest(fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), mimcm.StatusApproved))
	}
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		b.StopTimer()
		sb.mock.Seed(approved...)
		sb.mock.ResetCalls()
		b.StartTimer()
		sb.createPlanAndApply(b)
	}
	benchcpu.Report(b, start)
}
