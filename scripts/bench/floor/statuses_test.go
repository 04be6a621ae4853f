package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestStatusesServer follows floor_request_statuses through what the bench
// asks of it: a create plans statuses unknown, the apply fills them keyed
// by lower-case GUID, the state upgrades from its JSON, a plan of the same
// requests keeps the state as it is, and a destroy leaves no state.
func TestStatusesServer(t *testing.T) {
	ctx := context.Background()
	s, err := newStatusesServer(providerserver.NewProtocol6(floorProvider{})())
	if err != nil {
		t.Fatal(err)
	}
	schema, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || schema.ResourceSchemas[statusesType] == nil || schema.ResourceSchemas["floor_item"] == nil {
		t.Fatalf("schema: %v; want floor_request_statuses beside floor_item", err)
	}
	const id = "0000ABCD-0000-4000-8000-000000000001"
	requests := tftypes.NewValue(s.typ.AttributeTypes["requests"], map[string]tftypes.Value{id: tftypes.NewValue(tftypes.String, "Completed")})
	config := map[string]tftypes.Value{}
	for name, typ := range s.typ.AttributeTypes {
		config[name] = tftypes.NewValue(typ, nil)
	}
	config["requests"] = requests
	proposed := dynamic(t, s.typ, config)
	null := dynamic(t, s.typ, nil)

	plan, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: statusesType, PriorState: &null, ProposedNewState: &proposed})
	if err != nil {
		t.Fatal(err)
	}
	planned, err := s.attributes(plan.PlannedState)
	if err != nil || planned["statuses"].IsKnown() {
		t.Fatalf("create plan: %v, statuses %v; want them unknown", err, planned["statuses"])
	}

	applied, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: statusesType, PriorState: &null, PlannedState: plan.PlannedState})
	if err != nil {
		t.Fatal(err)
	}
	state, err := s.attributes(applied.NewState)
	if err != nil {
		t.Fatal(err)
	}
	var statuses map[string]tftypes.Value
	if err := state["statuses"].As(&statuses); err != nil {
		t.Fatal(err)
	}
	var entry map[string]tftypes.Value
	if err := statuses["0000abcd-0000-4000-8000-000000000001"].As(&entry); err != nil || len(statuses) != 1 {
		t.Fatalf("statuses %v (%v); want one entry under the lower-case GUID", statuses, err)
	}
	if want := tftypes.NewValue(tftypes.String, "Completed"); !entry["observed_status"].Equal(want) {
		t.Errorf("observed_status %v, want %v", entry["observed_status"], want)
	}

	// The state as Terraform keeps it in its file.
	raw := []byte(`{"requests":{"` + id + `":"Completed"},"statuses":{"0000abcd-0000-4000-8000-000000000001":` +
		`{"completed":"2026-12-01T08:26:06.227Z","observed_status":"Completed","status_code":8}},"timeouts":null,"use_list_route":null}`)
	upgraded, err := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: statusesType, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: statusesType, PriorState: upgraded.UpgradedState, ProposedNewState: upgraded.UpgradedState,
	})
	if err != nil {
		t.Fatal(err)
	}
	if again.PlannedState != upgraded.UpgradedState {
		t.Error("a plan of the same requests changed the state")
	}
	destroy, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: statusesType, PriorState: upgraded.UpgradedState, ProposedNewState: &null,
	})
	if err != nil {
		t.Fatal(err)
	}
	destroyed, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: statusesType, PriorState: upgraded.UpgradedState, PlannedState: destroy.PlannedState,
	})
	if err != nil {
		t.Fatal(err)
	}
	if gone, err := s.attributes(destroyed.NewState); err != nil || gone != nil {
		t.Errorf("destroy: %v, state %v; want none", err, gone)
	}
	fromJSON, err := s.attributes(upgraded.UpgradedState)
	if err != nil || !fromJSON["statuses"].Equal(state["statuses"]) {
		t.Errorf("the upgraded state's statuses %v (%v), want the applied %v", fromJSON["statuses"], err, state["statuses"])
	}
}

func dynamic(t *testing.T, typ tftypes.Object, attrs map[string]tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	v := tftypes.NewValue(typ, nil)
	if attrs != nil {
		v = tftypes.NewValue(typ, attrs)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return dv
}
