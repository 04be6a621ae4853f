package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// unchangedStatuses is a mimcm_request_statuses in state, refreshed, and the
// plan Terraform asks for when its configuration is unchanged.
type unchangedStatuses struct {
	server *protocolServer
	req    *tfprotov6.PlanResourceChangeRequest
}

// newUnchangedStatuses configures a provider for m, lets another
// resource plan to drive ids to other (none when empty), and returns the
// plan of a mimcm_request_statuses that keeps ids Completed, with private
// as its private state.
func newUnchangedStatuses(t *testing.T, m *testMock, ids []string, other string, private []byte) *unchangedStatuses {
	t.Helper()
	s := newProtocolServer(t, m)
	if other != "" {
		planStatuses(t, s, ids, other)
	}
	schema := s.schemas.ResourceSchemas[requestStatusesTypeName]
	imported, requests := map[string]string{}, map[string]string{}
	for _, id := range ids {
		imported[id], requests[id] = importedValue, "Completed"
	}
	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: requestStatusesTypeName, CurrentState: dynamicValue(t, schema, map[string]any{"requests": imported}),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "ReadResource", read.Diagnostics)
	return &unchangedStatuses{server: s, req: &tfprotov6.PlanResourceChangeRequest{
		TypeName: requestStatusesTypeName, Config: dynamicValue(t, schema, map[string]any{"requests": requests}),
		PriorState: read.NewState, ProposedNewState: read.NewState, PriorPrivate: private,
	}}
}

// framework is the framework's own plan, under Server.
func (u *unchangedStatuses) framework(t *testing.T) *tfprotov6.PlanResourceChangeResponse {
	t.Helper()
	resp, err := u.server.ProviderServer.(*Server).ProtocolServer.PlanResourceChange(t.Context(), u.req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// answered is the resource's own answer, which must not be nil.
func (u *unchangedStatuses) answered(t *testing.T) *tfprotov6.PlanResourceChangeResponse {
	t.Helper()
	resp := (&RequestStatusesResource{data: u.server.ProviderServer.(*Server).provider.data.Load()}).planUnchanged(t.Context(), u.req)
	if resp == nil {
		t.Fatal("planUnchanged left an unchanged plan to the framework")
	}
	return resp
}

// An unchanged plan of mimcm_request_statuses that the resource answers
// itself gives the plan, the private state and the diagnostics the
// framework gives, and calls no API: with and without a claim owner in the
// private state, and beside another resource that drives the same requests
// to the same status (warnings) and to another (errors), beyond the
// entries reported one by one.
func TestRequestStatusesResource_planUnchangedAsTheFramework(t *testing.T) {
	t.Parallel()
	ids := manyIDs(0xd1, maxClaimReports+2)
	seed := seedRequests(ids, mimcm.StatusCompleted)
	// The private state an earlier run's plan gave, as Terraform keeps it.
	earlier := newProtocolServer(t, newTestMock(t, mockapi.Options{}, seed...))
	schema := earlier.schemas.ResourceSchemas[requestStatusesTypeName]
	requests := map[string]string{}
	for _, id := range ids {
		requests[id] = "Completed"
	}
	null, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	config := dynamicValue(t, schema, map[string]any{"requests": requests})
	created, err := earlier.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: requestStatusesTypeName, Config: config, PriorState: &null, ProposedNewState: config,
	})
	if err != nil || len(created.PlannedPrivate) == 0 {
		t.Fatalf("the first plan: %v, private state %q", err, created.PlannedPrivate)
	}

	for _, other := range []string{"", "Completed", "Canceled"} {
		for name, private := range map[string][]byte{"owner": created.PlannedPrivate, "no private state": nil} {
			t.Run(fmt.Sprintf("%s, other %q", name, other), func(t *testing.T) {
				t.Parallel()
				m := newTestMock(t, mockapi.Options{}, seed...)
				want := newUnchangedStatuses(t, m, ids, other, private).framework(t)
				u := newUnchangedStatuses(t, m, ids, other, private)
				before := len(m.Calls())
				got := u.answered(t)
				if calls := m.Calls()[before:]; len(calls) > 0 {
					t.Errorf("the unchanged plan called the API: %v", calls)
				}
				if describeDiagnostics(got.Diagnostics) != describeDiagnostics(want.Diagnostics) {
					t.Errorf("diagnostics:\n%s\nwant the framework's:\n%s", describeDiagnostics(got.Diagnostics), describeDiagnostics(want.Diagnostics))
				}
				if other != "" && len(got.Diagnostics) != maxClaimReports+1 {
					t.Errorf("want %d diagnostics for the shared requests, got:\n%s", maxClaimReports+1, describeDiagnostics(got.Diagnostics))
				}
				gotState, err := got.PlannedState.Unmarshal(schema.ValueType())
				if err != nil {
					t.Fatal(err)
				}
				wantState, err := want.PlannedState.Unmarshal(schema.ValueType())
				if err != nil {
					t.Fatal(err)
				}
				if !gotState.Equal(wantState) {
					t.Errorf("planned state %s, want the framework's %s", gotState, wantState)
				}
				gotPrivate, wantPrivate := privateKeys(t, got.PlannedPrivate), privateKeys(t, want.PlannedPrivate)
				if !slices.Equal(slices.Sorted(maps.Keys(gotPrivate)), slices.Sorted(maps.Keys(wantPrivate))) {
					t.Errorf("private state %q, want the keys of the framework's %q", got.PlannedPrivate, want.PlannedPrivate)
				}
				owner := gotPrivate[claimOwnerKey]
				if private != nil && owner != wantPrivate[claimOwnerKey] {
					t.Errorf("claim owner %q, want the one in state, %q", owner, wantPrivate[claimOwnerKey])
				}
				if owner == "" {
					t.Errorf("the planned private state %q has no claim owner", got.PlannedPrivate)
				}
			})
		}
	}
}

// privateKeys decodes private state bytes as the framework does, and the
// claim owner's JSON string.
func privateKeys(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	p, err := decodePrivate(raw)
	if err != nil {
		t.Fatalf("private state %q: %v", raw, err)
	}
	out := map[string]string{}
	for k, v := range p.keys {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			t.Fatalf("private state key %q holds %q: %v", k, v, err)
		}
		out[k] = s
	}
	return out
}

// Every plan that may change something, and every one the resource
// cannot read as the framework would, is left to the framework.
func TestRequestStatusesResource_planUnchangedLeavesTheRest(t *testing.T) {
	t.Parallel()
	ids := manyIDs(0xd2, 3)
	seed := seedRequests(ids, mimcm.StatusCompleted)
	u := newUnchangedStatuses(t, newTestMock(t, mockapi.Options{}, seed...), ids, "", nil)
	u.answered(t)
	schema := u.server.schemas.ResourceSchemas[requestStatusesTypeName]
	null, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	changed := dynamicValue(t, schema, map[string]any{"requests": map[string]string{ids[0]: "Completed"}})
	data := u.server.ProviderServer.(*Server).provider.data.Load()
	for name, tc := range map[string]struct {
		data   *providerData
		change func(req *tfprotov6.PlanResourceChangeRequest)
	}{
		"a change":                 {data, func(req *tfprotov6.PlanResourceChangeRequest) { req.ProposedNewState = changed }},
		"a create":                 {data, func(req *tfprotov6.PlanResourceChangeRequest) { req.PriorState = &null }},
		"a destroy":                {data, func(req *tfprotov6.PlanResourceChangeRequest) { req.ProposedNewState = &null }},
		"no prior state":           {data, func(req *tfprotov6.PlanResourceChangeRequest) { req.PriorState = nil }},
		"a private state not JSON": {data, func(req *tfprotov6.PlanResourceChangeRequest) { req.PriorPrivate = []byte("{") }},
		"an unconfigured provider": {nil, func(*tfprotov6.PlanResourceChangeRequest) {}},
	} {
		t.Run(name, func(t *testing.T) {
			req := *u.req
			tc.change(&req)
			if resp := (&RequestStatusesResource{data: tc.data}).planUnchanged(t.Context(), &req); resp != nil {
				t.Errorf("planUnchanged answered %s: %v", name, resp)
			}
		})
	}
}

// The framework's private state decodes what rawPrivate encodes: the
// provider's keys are read back as they were set, the framework's own are
// kept, and nothing is re-encoded when nothing changed.
func TestRawPrivate(t *testing.T) {
	t.Parallel()
	prior := []byte(`{".frameworkKey":"eyJhIjoxfQ=="}`) // base64 of {"a":1}
	p, err := decodePrivate(prior)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := p.encode(prior); string(got) != string(prior) {
		t.Errorf("unchanged private state encoded as %q, want %q", got, prior)
	}
	if diags := p.SetKey(t.Context(), ".reserved", []byte(`"x"`)); !diags.HasError() {
		t.Error("SetKey took a key the framework reserves")
	}
	if diags := p.SetKey(t.Context(), claimOwnerKey, []byte(`not JSON`)); !diags.HasError() {
		t.Error("SetKey took a value that is not JSON")
	}
	if diags := p.SetKey(t.Context(), claimOwnerKey, []byte(`"owner"`)); diags.HasError() {
		t.Fatal(diags)
	}
	encoded, err := p.encode(prior)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodePrivate(encoded)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := back.GetKey(t.Context(), claimOwnerKey); string(got) != `"owner"` {
		t.Errorf("the owner reads back as %q from %q", got, encoded)
	}
	if got := string(back.keys[".frameworkKey"]); got != `{"a":1}` {
		t.Errorf("the framework's key reads back as %q from %q", got, encoded)
	}
}

// TestAttributePath converts the paths the provider's diagnostics take.
func TestAttributePath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   path.Path
		want *tftypes.AttributePath
	}{
		{path.Empty(), nil},
		{path.Root("requests"), tftypes.NewAttributePath().WithAttributeName("requests")},
		{path.Root("requests").AtMapKey("A9B4"), tftypes.NewAttributePath().WithAttributeName("requests").WithElementKeyString("A9B4")},
		{path.Root("targets").AtListIndex(2), tftypes.NewAttributePath().WithAttributeName("targets").WithElementKeyInt(2)},
		{path.Root("set").AtSetValue(types.StringValue("x")), nil},
	} {
		got := attributePath(tc.in)
		if (got == nil) != (tc.want == nil) || (got != nil && !got.Equal(tc.want)) {
			t.Errorf("attributePath(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
	diags := diag.Diagnostics{diag.NewAttributeWarningDiagnostic(path.Root("requests"), "summary", "detail"), diag.NewErrorDiagnostic("s", "d")}
	got := protocolDiagnostics(diags)
	if len(got) != 2 || got[0].Severity != tfprotov6.DiagnosticSeverityWarning || got[0].Attribute == nil ||
		got[1].Severity != tfprotov6.DiagnosticSeverityError || got[1].Attribute != nil || got[1].Summary != "s" || got[1].Detail != "d" {
		t.Errorf("protocolDiagnostics: %s", describeDiagnostics(got))
	}
}

// A refresh of mimcm_request_statuses that the resource answers itself
// gives the state, the private state and the diagnostics the framework's
// refresh gives: when nothing changed (the state comes back as it was
// sent), when an entry drifted, when a request is gone, and right after an
// import once the framework has had its first read.
func TestRequestStatusesResource_readDirectAsTheFramework(t *testing.T) {
	t.Parallel()
	ids := manyIDs(0xd4, 3)
	for name, tc := range map[string]struct {
		imported bool
		change   func(m *testMock)
		changed  bool
	}{
		"unchanged": {change: func(*testMock) {}},
		"drift": {changed: true, change: func(m *testMock) {
			m.Update(mimcm.GUID(ids[1]), func(r *mimcm.Request) { r.Status = mimcm.StatusCanceled })
		}},
		"gone":     {changed: true, change: func(m *testMock) { m.Delete(mimcm.GUID(ids[2])) }},
		"imported": {imported: true, changed: true, change: func(*testMock) {}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			seed := seedRequests(ids, mimcm.StatusCompleted)
			m := newTestMock(t, mockapi.Options{}, seed...)
			u := newUnchangedStatuses(t, m, ids, "", []byte(`{"target_owner":"ImEi"}`))
			req := &tfprotov6.ReadResourceRequest{TypeName: requestStatusesTypeName, CurrentState: u.req.PriorState, Private: u.req.PriorPrivate}
			if tc.imported {
				schema := u.server.schemas.ResourceSchemas[requestStatusesTypeName]
				imported := map[string]string{}
				for _, id := range ids {
					imported[strings.ToUpper(id)] = importedValue
				}
				req.CurrentState, req.Private = dynamicValue(t, schema, map[string]any{"requests": imported}), nil
			}
			tc.change(m)
			server := u.server.ProviderServer.(*Server)
			want, err := server.ProtocolServer.ReadResource(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			before := len(m.Calls())
			got := (&RequestStatusesResource{data: server.provider.data.Load()}).readDirect(t.Context(), req)
			if got == nil {
				t.Fatal("readDirect left the refresh to the framework")
			}
			if calls := len(m.Calls()) - before; calls > len(ids) {
				t.Errorf("the refresh of %d entries made %d calls: %s", len(ids), calls, m.describeCalls())
			}
			if describeDiagnostics(got.Diagnostics) != describeDiagnostics(want.Diagnostics) {
				t.Errorf("diagnostics:\n%s\nwant the framework's:\n%s", describeDiagnostics(got.Diagnostics), describeDiagnostics(want.Diagnostics))
			}
			if tc.changed == (got.NewState == req.CurrentState) {
				t.Errorf("the state sent back is the one read: %v, want %v", got.NewState == req.CurrentState, !tc.changed)
			}
			typ := u.server.schemas.ResourceSchemas[requestStatusesTypeName].ValueType()
			gotState, err := got.NewState.Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			wantState, err := want.NewState.Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			if !gotState.Equal(wantState) {
				t.Errorf("state %s, want the framework's %s", gotState, wantState)
			}
			if string(got.Private) != string(want.Private) {
				t.Errorf("private state %q, want the framework's %q", got.Private, want.Private)
			}
		})
	}
}

// The reads the framework must make are left to it: before the provider is
// configured, and the first one after an import, whose private state holds
// the framework's own key.
func TestRequestStatusesResource_readDirectLeavesTheRest(t *testing.T) {
	t.Parallel()
	ids := manyIDs(0xd5, 2)
	seed := seedRequests(ids, mimcm.StatusCompleted)
	u := newUnchangedStatuses(t, newTestMock(t, mockapi.Options{}, seed...), ids, "", nil)
	data := u.server.ProviderServer.(*Server).provider.data.Load()
	schema := u.server.schemas.ResourceSchemas[requestStatusesTypeName]
	imported, err := u.server.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{TypeName: requestStatusesTypeName, ID: strings.Join(ids, ",")})
	if err != nil || len(imported.ImportedResources) != 1 {
		t.Fatalf("ImportResourceState: %v %v", err, imported)
	}
	null, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		data *providerData
		req  *tfprotov6.ReadResourceRequest
	}{
		"an unconfigured provider": {nil, &tfprotov6.ReadResourceRequest{CurrentState: u.req.PriorState}},
		"the read after an import": {data, &tfprotov6.ReadResourceRequest{CurrentState: imported.ImportedResources[0].State, Private: imported.ImportedResources[0].Private}},
		"a null state":             {data, &tfprotov6.ReadResourceRequest{CurrentState: &null}},
		"no state":                 {data, &tfprotov6.ReadResourceRequest{}},
		"a private state not JSON": {data, &tfprotov6.ReadResourceRequest{CurrentState: u.req.PriorState, Private: []byte("{")}},
	} {
		t.Run(name, func(t *testing.T) {
			tc.req.TypeName = requestStatusesTypeName
			if resp := (&RequestStatusesResource{data: tc.data}).readDirect(t.Context(), tc.req); resp != nil {
				t.Errorf("readDirect answered %s: %v", name, resp)
			}
		})
	}
	if len(imported.ImportedResources[0].Private) == 0 {
		t.Error("the import left no private state: the framework no longer marks the read that follows an import, and this test checks nothing")
	}
}
