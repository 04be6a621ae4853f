package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// changeIDs are the requests of the tests of planChanged and applyDirect:
// the first six seeded by changeSeed, the seventh unknown to the server.
var changeIDs = manyIDs(0xd6, 7)

// changeSeed gives changeIDs' first six requests the statuses the tests
// need: Completed, Approved, Pending (awaiting approval of a completion),
// Canceled, Approved and Completed.
func changeSeed() []mimcm.Request {
	statuses := []mimcm.Status{mimcm.StatusCompleted, mimcm.StatusApproved, mimcm.StatusPending, mimcm.StatusCanceled, mimcm.StatusApproved, mimcm.StatusCompleted}
	out := make([]mimcm.Request, len(statuses))
	for i, s := range statuses {
		out[i] = seedRequest(changeIDs[i], s)
	}
	return out
}

// changeOwner is a private state with a claim owner, as an earlier plan
// leaves it.
var changeOwner = fmt.Appendf(nil, `{%q:"ImEi"}`, claimOwnerKey) // base64 of "a"

// statusesChange is a change of a mimcm_request_statuses: from no resource,
// or from the refreshed state of prior's requests, to config.
type statusesChange struct {
	prior   []string          // the requests in state; none for a create
	config  map[string]string // requests as configured
	private []byte            // the private state Terraform keeps with the state
	// between changes the server between the plan and the apply.
	between func(m *testMock)
}

// changeCases are the changes both paths are compared on.
var changeCases = map[string]statusesChange{
	"a create": {config: map[string]string{
		changeIDs[0]: "Completed", changeIDs[1]: "Completed", strings.ToUpper(changeIDs[2]): "Completed", changeIDs[4]: "Canceled",
	}},
	"a create with conflicts and an unknown request": {config: map[string]string{
		changeIDs[0]: "Completed", changeIDs[3]: "Completed", changeIDs[6]: "Completed",
	}},
	"an update": {prior: changeIDs[:2], private: changeOwner, config: map[string]string{
		strings.ToUpper(changeIDs[0]): "Completed", changeIDs[1]: "Canceled", changeIDs[4]: "Completed", changeIDs[5]: "Completed",
	}},
	"an update whose request vanished before the apply": {prior: []string{changeIDs[0], changeIDs[1]}, private: changeOwner,
		config:  map[string]string{changeIDs[0]: "Completed", changeIDs[1]: "Completed"},
		between: func(m *testMock) { m.Delete(mimcm.GUID(changeIDs[1])) }},
	"a removal, which calls nothing": {prior: []string{changeIDs[0], changeIDs[5]}, config: map[string]string{changeIDs[0]: "Completed"}},
	"an update to a request in another final status": {prior: []string{changeIDs[0]}, private: changeOwner,
		config: map[string]string{changeIDs[0]: "Canceled"}},
}

// planRequest is the plan Terraform asks s for to make c: from the state a
// refresh of c.prior gives (by the framework), or from none.
func (c statusesChange) planRequest(t *testing.T, s *protocolServer) *tfprotov6.PlanResourceChangeRequest {
	t.Helper()
	schema := s.schemas.ResourceSchemas[requestStatusesTypeName]
	prior, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	req := &tfprotov6.PlanResourceChangeRequest{
		TypeName: requestStatusesTypeName, Config: dynamicValue(t, schema, map[string]any{"requests": c.config}),
		PriorState: &prior, ProposedNewState: dynamicValue(t, schema, map[string]any{"requests": c.config}), PriorPrivate: c.private,
	}
	if len(c.prior) == 0 {
		return req
	}
	imported := map[string]string{}
	for _, id := range c.prior {
		imported[id] = importedValue
	}
	read, err := s.ProviderServer.(*Server).ProtocolServer.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: requestStatusesTypeName, CurrentState: dynamicValue(t, schema, map[string]any{"requests": imported}),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoErrors(t, "ReadResource", read.Diagnostics)
	req.PriorState = read.NewState
	// Terraform proposes the configuration with the computed statuses of
	// the prior state.
	state, err := read.NewState.Unmarshal(schema.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	proposed := dynamicValue(t, schema, map[string]any{"requests": c.config})
	value, err := proposed.Unmarshal(schema.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var proposedAttrs map[string]tftypes.Value
	if err := value.As(&proposedAttrs); err != nil {
		t.Fatal(err)
	}
	proposedAttrs["statuses"] = attrs["statuses"]
	encoded, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), proposedAttrs))
	if err != nil {
		t.Fatal(err)
	}
	req.ProposedNewState = &encoded
	return req
}

// A plan that changes mimcm_request_statuses, answered by the resource
// itself, gives the plan, the private state and the diagnostics the
// framework's plan gives, with the same API calls: for a create, an
// update, with conflicts, requests the server does not know and requests
// awaiting approval.
func TestRequestStatusesResource_planChangedAsTheFramework(t *testing.T) {
	t.Parallel()
	for name, c := range changeCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t, mockapi.Options{}, changeSeed()...)
			framework, direct := newProtocolServer(t, m), newProtocolServer(t, m)
			before := len(m.Calls())
			want, err := framework.ProviderServer.(*Server).ProtocolServer.PlanResourceChange(t.Context(), c.planRequest(t, framework))
			if err != nil {
				t.Fatal(err)
			}
			wantCalls := describeCallsAfter(m, before)
			before = len(m.Calls())
			got := (&RequestStatusesResource{data: direct.ProviderServer.(*Server).provider.data.Load()}).planChanged(t.Context(), c.planRequest(t, direct))
			if got == nil {
				t.Fatal("planChanged left the plan to the framework")
			}
			if gotCalls := describeCallsAfter(m, before); gotCalls != wantCalls {
				t.Errorf("API calls %s, want the framework's %s", gotCalls, wantCalls)
			}
			if describeDiagnostics(got.Diagnostics) != describeDiagnostics(want.Diagnostics) {
				t.Errorf("diagnostics:\n%s\nwant the framework's:\n%s", describeDiagnostics(got.Diagnostics), describeDiagnostics(want.Diagnostics))
			}
			if len(got.RequiresReplace) != len(want.RequiresReplace) {
				t.Errorf("requires replace %v, want the framework's %v", got.RequiresReplace, want.RequiresReplace)
			}
			expectSameValue(t, "planned state", got.PlannedState, want.PlannedState)

			if c.private != nil && string(got.PlannedPrivate) != string(want.PlannedPrivate) {
				t.Errorf("private state %q, want the framework's %q", got.PlannedPrivate, want.PlannedPrivate)
			}
			gotKeys, wantKeys := privateKeys(t, got.PlannedPrivate), privateKeys(t, want.PlannedPrivate)
			if !slices.Equal(slices.Sorted(maps.Keys(gotKeys)), slices.Sorted(maps.Keys(wantKeys))) {
				t.Errorf("private state %q, want the keys of the framework's %q", got.PlannedPrivate, want.PlannedPrivate)
			}
		})
	}
}

// The apply of a create or an update of mimcm_request_statuses, answered by
// the resource itself, gives the state, the private state and the
// diagnostics the framework's apply gives, with the same API calls: PUTs
// for the requests that need one, none for those adopted, awaiting
// approval or removed, and a request that vanished since the plan.
func TestRequestStatusesResource_applyDirectAsTheFramework(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC)
	for name, c := range changeCases {
		if strings.Contains(name, "conflicts") || strings.Contains(name, "another final status") {
			continue // the plan fails: nothing is applied
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			apply := func(direct bool) (*tfprotov6.ApplyResourceChangeResponse, string) {
				m := newTestMock(t, mockapi.Options{Now: func() time.Time { return now }}, changeSeed()...)
				s := newProtocolServer(t, m)
				planReq := c.planRequest(t, s)
				planned, err := s.PlanResourceChange(t.Context(), planReq)
				if err != nil {
					t.Fatal(err)
				}
				expectNoErrors(t, "PlanResourceChange", planned.Diagnostics)
				if c.between != nil {
					c.between(m)
				}
				req := &tfprotov6.ApplyResourceChangeRequest{
					TypeName: requestStatusesTypeName, Config: planReq.Config, PriorState: planReq.PriorState,
					PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate,
				}
				before := len(m.Calls())
				server := s.ProviderServer.(*Server)
				if !direct {
					resp, err := server.ProtocolServer.ApplyResourceChange(t.Context(), req)
					if err != nil {
						t.Fatal(err)
					}
					return resp, describeCallsAfter(m, before)
				}
				resp := (&RequestStatusesResource{data: server.provider.data.Load()}).applyDirect(t.Context(), req)
				if resp == nil {
					t.Fatal("applyDirect left the apply to the framework")
				}
				return resp, describeCallsAfter(m, before)
			}
			want, wantCalls := apply(false)
			got, gotCalls := apply(true)
			if gotCalls != wantCalls {
				t.Errorf("API calls %s, want the framework's %s", gotCalls, wantCalls)
			}
			if describeDiagnostics(got.Diagnostics) != describeDiagnostics(want.Diagnostics) {
				t.Errorf("diagnostics:\n%s\nwant the framework's:\n%s", describeDiagnostics(got.Diagnostics), describeDiagnostics(want.Diagnostics))
			}
			expectSameValue(t, "new state", got.NewState, want.NewState)
			// Without a claim owner in state, each plan makes its own.
			gotKeys, wantKeys := privateKeys(t, got.Private), privateKeys(t, want.Private)
			if (c.private != nil || len(c.prior) == 0) && string(got.Private) != string(want.Private) ||
				!slices.Equal(slices.Sorted(maps.Keys(gotKeys)), slices.Sorted(maps.Keys(wantKeys))) {
				t.Errorf("private state %q, want the framework's %q", got.Private, want.Private)
			}
		})
	}
}

// The plans and applies the resource cannot answer as the framework would
// are left to it, before anything is read or sent: before the provider is
// configured, a destroy, private state the framework would change or
// refuse, and values that are not the resource's.
func TestRequestStatusesResource_changesLeaveTheRest(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, changeSeed()...)
	s := newProtocolServer(t, m)
	data := s.ProviderServer.(*Server).provider.data.Load()
	schema := s.schemas.ResourceSchemas[requestStatusesTypeName]
	null, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	update := changeCases["an update"]
	planReq := update.planRequest(t, s)
	planned, err := s.PlanResourceChange(t.Context(), planReq)
	if err != nil {
		t.Fatal(err)
	}
	expectNoErrors(t, "PlanResourceChange", planned.Diagnostics)
	notTheSchema, err := tfprotov6.NewDynamicValue(tftypes.String, tftypes.NewValue(tftypes.String, "x"))
	if err != nil {
		t.Fatal(err)
	}
	privates := map[string][]byte{
		"a private state not JSON":          []byte("{"),
		"the framework's own key":           []byte(`{".frameworkKey":"eyJhIjoxfQ=="}`),
		"an empty private state":            []byte("{}"),
		"a value that is not JSON":          []byte(`{"k":"eyJh"}`), // base64 of {"a
		"a private state encoded otherwise": fmt.Appendf(nil, `{ %q:"ImEi"}`, claimOwnerKey),
	}
	before := len(m.Calls())
	for name, tc := range map[string]struct {
		data   *providerData
		change func(req *tfprotov6.PlanResourceChangeRequest)
	}{
		"an unconfigured provider": {nil, func(*tfprotov6.PlanResourceChangeRequest) {}},
		"a destroy":                {data, func(req *tfprotov6.PlanResourceChangeRequest) { req.ProposedNewState = &null }},
		"no proposed state":        {data, func(req *tfprotov6.PlanResourceChangeRequest) { req.ProposedNewState = nil }},
		"a state of another type":  {data, func(req *tfprotov6.PlanResourceChangeRequest) { req.PriorState = &notTheSchema }},
	} {
		t.Run("plan: "+name, func(t *testing.T) {
			req := *planReq
			tc.change(&req)
			if resp := (&RequestStatusesResource{data: tc.data}).planChanged(t.Context(), &req); resp != nil {
				t.Errorf("planChanged answered %s: %v", name, resp)
			}
		})
	}
	for name, private := range privates {
		t.Run("plan: "+name, func(t *testing.T) {
			req := *planReq
			req.PriorPrivate = private
			if resp := (&RequestStatusesResource{data: data}).planChanged(t.Context(), &req); resp != nil {
				t.Errorf("planChanged answered %s: %v", name, resp)
			}
		})
	}
	applyReq := &tfprotov6.ApplyResourceChangeRequest{
		TypeName: requestStatusesTypeName, Config: planReq.Config, PriorState: planReq.PriorState,
		PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate,
	}
	for name, tc := range map[string]struct {
		data   *providerData
		change func(req *tfprotov6.ApplyResourceChangeRequest)
	}{
		"an unconfigured provider": {nil, func(*tfprotov6.ApplyResourceChangeRequest) {}},
		"a destroy":                {data, func(req *tfprotov6.ApplyResourceChangeRequest) { req.PlannedState = &null }},
		"no planned state":         {data, func(req *tfprotov6.ApplyResourceChangeRequest) { req.PlannedState = nil }},
		"a state of another type":  {data, func(req *tfprotov6.ApplyResourceChangeRequest) { req.PriorState = &notTheSchema }},
	} {
		t.Run("apply: "+name, func(t *testing.T) {
			req := *applyReq
			tc.change(&req)
			if resp := (&RequestStatusesResource{data: tc.data}).applyDirect(t.Context(), &req); resp != nil {
				t.Errorf("applyDirect answered %s: %v", name, resp)
			}
		})
	}
	for name, private := range privates {
		t.Run("apply: "+name, func(t *testing.T) {
			req := *applyReq
			req.PlannedPrivate = private
			if resp := (&RequestStatusesResource{data: data}).applyDirect(t.Context(), &req); resp != nil {
				t.Errorf("applyDirect answered %s: %v", name, resp)
			}
		})
	}
	if calls := describeCallsAfter(m, before); calls != "" {
		t.Errorf("the calls left to the framework called the API: %s", calls)
	}
}

// describeCallsAfter describes the calls the mock answered after its first
// before, sorted: many are sent at once.
func describeCallsAfter(m *testMock, before int) string {
	var out []string
	for _, c := range m.Calls()[before:] {
		out = append(out, fmt.Sprintf("%s %s?%s → %d", c.Method, strings.ToLower(c.Path), c.Query, c.Status))
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

// expectSameValue checks that two values of mimcm_request_statuses are
// equal.
func expectSameValue(t *testing.T, what string, got, want *tfprotov6.DynamicValue) {
	t.Helper()
	typ, _ := requestStatusesSchema()
	tt := typ.Type().TerraformType(t.Context())
	if (got == nil) != (want == nil) {
		t.Fatalf("%s %v, want the framework's %v", what, got, want)
	}
	if got == nil {
		return
	}
	gotValue, err := got.Unmarshal(tt)
	if err != nil {
		t.Fatal(err)
	}
	wantValue, err := want.Unmarshal(tt)
	if err != nil {
		t.Fatal(err)
	}
	if !gotValue.Equal(wantValue) {
		t.Errorf("%s %s, want the framework's %s", what, gotValue, wantValue)
	}
}
