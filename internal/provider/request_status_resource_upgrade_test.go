package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// requestStatusSchemaV0 is mimcm_request_status's schema of version 0,
// frozen: today's attributes plus the two the data sources kept.
func requestStatusSchemaV0(ctx context.Context) schema.Schema {
	var resp fwresource.SchemaResponse
	NewRequestStatusResource().Schema(ctx, fwresource.SchemaRequest{}, &resp)
	s := resp.Schema
	s.Version = 0
	s.Attributes["security_descriptor"] = schema.StringAttribute{Computed: true}
	s.Attributes["data_collection"] = schema.ListNestedAttribute{
		Computed: true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name":  schema.StringAttribute{Computed: true},
			"value": schema.StringAttribute{Computed: true},
		}},
	}
	return s
}

// requestStatusV0 stands in for mimcm_request_status as released with
// schema version 0: it applies with today's code and writes what version 0
// kept, the security descriptor and data collection of the request
// included.
type requestStatusV0 struct {
	RequestStatusResource
}

func (r *requestStatusV0) Schema(ctx context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	resp.Schema = requestStatusSchemaV0(ctx)
}

func (r *requestStatusV0) ModifyPlan(context.Context, fwresource.ModifyPlanRequest, *fwresource.ModifyPlanResponse) {
}

// Read keeps the state as it is, with the identity the framework demands
// of every read, and Delete forgets it.
func (r *requestStatusV0) Read(ctx context.Context, req fwresource.ReadRequest, resp *fwresource.ReadResponse) {
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Identity != nil && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("id"), id)...)
	}
}

func (r *requestStatusV0) Delete(context.Context, fwresource.DeleteRequest, *fwresource.DeleteResponse) {
}

func (r *requestStatusV0) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	var current fwresource.SchemaResponse
	r.RequestStatusResource.Schema(ctx, fwresource.SchemaRequest{}, &current)
	planned := map[string]tftypes.Value{}
	if err := req.Plan.Raw.As(&planned); err != nil {
		resp.Diagnostics.AddError("v0 stand-in", err.Error())
		return
	}
	plan := maps.Clone(planned) // As shares the plan's own map
	for name := range dataSourceOnly {
		delete(plan, name)
	}
	currentType := current.Schema.Type().TerraformType(ctx)
	inner := fwresource.CreateResponse{State: tfsdk.State{Schema: current.Schema, Raw: tftypes.NewValue(currentType, nil)}, Identity: resp.Identity}
	r.RequestStatusResource.Create(ctx, fwresource.CreateRequest{Plan: tfsdk.Plan{Schema: current.Schema, Raw: tftypes.NewValue(currentType, plan)}}, &inner)
	resp.Diagnostics.Append(inner.Diagnostics...)
	if resp.Diagnostics.HasError() {
		return
	}
	created := map[string]tftypes.Value{}
	if err := inner.State.Raw.As(&created); err != nil {
		resp.Diagnostics.AddError("v0 stand-in", err.Error())
		return
	}
	state := maps.Clone(created)
	var id string
	if err := state["id"].As(&id); err != nil {
		resp.Diagnostics.AddError("v0 stand-in", err.Error())
		return
	}
	got, err := r.data.client.GetRequest(ctx, mimcm.GUID(id))
	if err != nil {
		resp.Diagnostics.AddError("v0 stand-in", err.Error())
		return
	}
	details, diags := newRequestDetailsModel(got)
	resp.Diagnostics.Append(diags...)
	for name, v := range map[string]attr.Value{"security_descriptor": details.SecurityDescriptor, "data_collection": details.DataCollection} {
		raw, err := v.ToTerraformValue(ctx)
		if err != nil {
			resp.Diagnostics.AddError("v0 stand-in", err.Error())
			return
		}
		state[name] = raw
	}
	resp.State.Raw = tftypes.NewValue(req.Plan.Raw.Type(), state)
}

// providerV0 serves requestStatusV0 as mimcm_request_status.
type providerV0 struct {
	provider.Provider
}

func (p providerV0) Resources(context.Context) []func() fwresource.Resource {
	return []func() fwresource.Resource{func() fwresource.Resource { return &requestStatusV0{} }}
}

// A state written by schema version 0, with the request's security
// descriptor and data collection, upgrades without an error and plans no
// change; the upgraded state no longer holds them.
func TestAccRequestStatus_upgradeFromSchemaV0(t *testing.T) {
	t.Parallel()
	r := seedRequest(testID, mimcm.StatusApproved)
	reason := "Smart card recall"
	r.DataCollection = []mimcm.DataCollectionItem{{Name: "Reason", Value: &reason}}
	m := newTestMock(t, mockapi.Options{}, r)
	config := statusConfig(m, testID, "Completed")
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
					"mimcm": providerserver.NewProtocol6WithError(providerV0{New("test")()}),
				},
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(testAddr, "security_descriptor", referenceSDDL),
					resource.TestCheckResourceAttr(testAddr, "data_collection.0.value", reason),
					m.checkStatus(testID, mimcm.StatusCompleted),
				),
			},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				PreConfig:                m.ResetCalls,
				Config:                   config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(testAddr, "security_descriptor"),
					resource.TestCheckNoResourceAttr(testAddr, "data_collection.#"),
					// The refresh of the upgraded state reads once; nothing is written.
					m.checkCounts(map[string]int{"GET": 1}),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("Completed")),
					expectState("status_code", knownvalue.Int64Exact(8)),
					expectState("id", knownvalue.StringExact(testID)),
				},
			},
		},
	})
}

// The upgrader drops exactly the two attributes and keeps every other
// value, through the provider's UpgradeResourceState.
func TestRequestStatus_upgradeStateV0(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	v0 := map[string]any{
		"id": testID, "request_id": "A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099", "status": "Completed",
		"status_code": 8, "observed_status": "Completed", "request_type": 1, "flags": 2,
		"data_collection":       []map[string]any{{"name": "Reason", "value": "Recall"}},
		"data_collection_flags": 32, "originator_user_uuid": "8f1590dc-d932-4b66-8e68-2e91c5880780",
		"target_user_uuid": "8f1590dc-d932-4b66-8e68-2e91c5880780", "submitted": "2015-07-07T23:36:21.93Z",
		"completed": "2015-07-07T23:37:37.767Z", "new_profile_uuid": nil, "old_profile_uuid": nil,
		"new_smartcard_uuid": nil, "old_smartcard_uuid": nil, "priority": 0, "comment": "",
		"profile_template_uuid": "a039b4d0-5ce8-4eff-8651-181c6576fda3", "security_descriptor": referenceSDDL,
		"is_smartcard": true, "is_enrollment_agent": false, "is_data_collection_complete": false,
		"timeouts": map[string]any{"create": "30m", "update": nil},
	}
	raw, err := json.Marshal(v0)
	if err != nil {
		t.Fatal(err)
	}
	server, err := testAccProtoV6ProviderFactories["mimcm"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "mimcm_request_status", Version: 0, RawState: &tfprotov6.RawState{JSON: raw},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("diagnostic: %s: %s", d.Summary, d.Detail)
	}
	var sresp fwresource.SchemaResponse
	NewRequestStatusResource().Schema(ctx, fwresource.SchemaRequest{}, &sresp)
	value, err := resp.UpgradedState.Unmarshal(sresp.Schema.Type().TerraformType(ctx))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]tftypes.Value{}
	if err := value.As(&got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(v0)-2 {
		t.Errorf("the upgraded state has %d attributes, want %d", len(got), len(v0)-2)
	}
	for name, want := range v0 {
		if dataSourceOnly[name] || name == "timeouts" {
			continue
		}
		v, ok := got[name]
		if !ok {
			t.Errorf("%s is missing from the upgraded state", name)
			continue
		}
		if fmt.Sprint(primitiveOf(t, v)) != fmt.Sprint(want) {
			t.Errorf("%s: upgraded to %v, want %v", name, primitiveOf(t, v), want)
		}
	}
}

// primitiveOf is a primitive tftypes value as a Go value: a string, an int or
// a bool, nil for null.
func primitiveOf(t testing.TB, v tftypes.Value) any {
	t.Helper()
	if v.IsNull() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case v.Type().Is(tftypes.Number):
		f := new(big.Float)
		_ = v.As(&f)
		n, _ := f.Int64()
		return n
	}
	t.Fatalf("unexpected type %s", v.Type())
	return nil
}
