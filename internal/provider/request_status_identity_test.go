package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// version1_14 is the first Terraform with list resources and actions.
var version1_14 = version.Must(version.NewVersion("1.14.0"))

func TestRequestStatusIdentity_schema(t *testing.T) {
	t.Parallel()
	s := newProtocolServer(t, nil)
	resp, err := s.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "GetResourceIdentitySchemas", resp.Diagnostics)
	schema, ok := resp.IdentitySchemas["mimcm_request_status"]
	if !ok {
		t.Fatalf("no identity schema for mimcm_request_status: %v", resp.IdentitySchemas)
	}
	if len(schema.IdentityAttributes) != 1 {
		t.Fatalf("want one identity attribute, got %d", len(schema.IdentityAttributes))
	}
	id := schema.IdentityAttributes[0]
	if id.Name != "id" || !id.Type.Is(tftypes.String) || !id.RequiredForImport || id.Description == "" {
		t.Errorf("want id, a string required for import with a description; got %+v", id)
	}
	if got := s.schemas.ResourceSchemas["mimcm_request_status"]; got == nil {
		t.Error("mimcm_request_status missing from the provider schema")
	}
	if s.schemas.ListResourceSchemas["mimcm_request_status"] == nil {
		t.Error("list resource mimcm_request_status missing from the provider schema")
	}
	if s.schemas.ActionSchemas["mimcm_set_request_status"] == nil {
		t.Error("action mimcm_set_request_status missing from the provider schema")
	}
}

// Import by identity takes the GUID in any letter case; the identity is
// always lower case, and the read that follows keeps it.
func TestRequestStatusIdentity_importByIdentity(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusCompleted))
	s := newProtocolServer(t, m)
	upper := strings.ToUpper(testID)

	imported, err := s.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{
		TypeName: "mimcm_request_status",
		Identity: identityValue(t, upper),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "ImportResourceState", imported.Diagnostics)
	if len(imported.ImportedResources) != 1 {
		t.Fatalf("want one imported resource, got %d", len(imported.ImportedResources))
	}
	got := imported.ImportedResources[0]
	state := decodeObject(t, s.resourceType(), got.State)
	if id := stringAttr(t, state, "id"); id != testID {
		t.Errorf("imported id: want %s, got %s", testID, id)
	}
	if id := stringAttr(t, state, "request_id"); id != testID {
		t.Errorf("imported request_id: want %s, got %s", testID, id)
	}
	if id := identityID(t, got.Identity); id != testID {
		t.Errorf("imported identity: want %s, got %s", testID, id)
	}
	if n := m.Counts()["total"]; n != 0 {
		t.Errorf("import itself must call no API, got %s", m.describeCalls())
	}

	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName:        "mimcm_request_status",
		CurrentState:    got.State,
		CurrentIdentity: got.Identity,
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "ReadResource", read.Diagnostics)
	if id := identityID(t, read.NewIdentity); id != testID {
		t.Errorf("identity after read: want %s, got %s", testID, id)
	}
	if status := stringAttr(t, decodeObject(t, s.resourceType(), read.NewState), "status"); status != "Completed" {
		t.Errorf("status after read: want Completed, got %s", status)
	}
	if err := m.expectCounts(map[string]int{"GET": 1}); err != nil {
		t.Error(err)
	}
}

func TestRequestStatusIdentity_importByIDSetsIdentity(t *testing.T) {
	t.Parallel()
	s := newProtocolServer(t, nil)
	imported, err := s.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{
		TypeName: "mimcm_request_status",
		ID:       strings.ToUpper(testID),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "ImportResourceState", imported.Diagnostics)
	if id := identityID(t, imported.ImportedResources[0].Identity); id != testID {
		t.Errorf("identity: want %s, got %s", testID, id)
	}
}

func TestRequestStatusIdentity_invalidIdentity(t *testing.T) {
	t.Parallel()
	s := newProtocolServer(t, nil)
	imported, err := s.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{
		TypeName: "mimcm_request_status",
		Identity: identityValue(t, "not-a-guid"),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectError(t, "ImportResourceState", imported.Diagnostics, "", "Cannot import mimcm_request_status",
		`The id of the import block's identity must be the request's GUID: "not-a-guid" is not a GUID`, `identity = { id = "a9b4b42c-`)
}

// State written before the resource had an identity carries none: a read
// fills it in, without a diagnostic.
func TestRequestStatusIdentity_oldStateGetsIdentity(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusCompleted))
	s := newProtocolServer(t, m)
	old := dynamicValue(t, s.resourceSchema(), map[string]any{
		"id": testID, "request_id": testID, "status": "Completed", "status_code": 8, "observed_status": "Completed",
	})
	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName:     "mimcm_request_status",
		CurrentState: old,
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "ReadResource", read.Diagnostics)
	if id := identityID(t, read.NewIdentity); id != testID {
		t.Errorf("identity: want %s, got %s", testID, id)
	}
}

// With Terraform 1.12 and later: a resource created (here adopted) by the
// provider carries the identity, and an import block naming it imports it
// with no change; so does one written by hand with the GUID in upper case.
func TestAccRequestStatus_importByIdentity(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusCompleted))
	expectIdentity := statecheck.ExpectIdentity(testAddr, map[string]knownvalue.Check{"id": knownvalue.StringExact(testID)})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config:            statusConfig(m, testID, "Completed"),
				ConfigStateChecks: []statecheck.StateCheck{expectIdentity},
			},
			{
				PreConfig:       m.ResetCalls,
				Config:          statusConfig(m, testID, "Completed"),
				ResourceName:    testAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})

	m2 := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusCompleted))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{{
			PreConfig: m2.ResetCalls,
			Config: statusConfig(m2, testID, "Completed") + fmt.Sprintf(`
import {
  to       = %s
  identity = { id = %q }
}
`, testAddr, strings.ToUpper(testID)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionNoop)},
			},
			// The import reads the request once while planning; applying
			// the no-op calls nothing and sends no PUT.
			Check: m2.checkCounts(map[string]int{"GET": 1}),
			ConfigStateChecks: []statecheck.StateCheck{
				expectIdentity,
				expectState("status", knownvalue.StringExact("Completed")),
				expectState("id", knownvalue.StringExact(testID)),
			},
		}},
	})
}

// withoutIdentity serves the provider as it was before it had a resource
// identity: no identity schema, and no identity in any answer.
type withoutIdentity struct {
	tfprotov6.ProviderServer
}

func (s withoutIdentity) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{}}, nil
}

func (s withoutIdentity) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (s withoutIdentity) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.PlannedIdentity = nil
	}
	return resp, err
}

func (s withoutIdentity) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

// State written by the provider before it had an identity reads and plans
// with no change and no error; the refresh gives it the identity.
func TestAccRequestStatus_stateWithoutIdentity(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	before := map[string]func() (tfprotov6.ProviderServer, error){
		"mimcm": func() (tfprotov6.ProviderServer, error) {
			server, err := providerserver.NewProtocol6WithError(New("test")())()
			return withoutIdentity{server}, err
		},
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: before,
				Config:                   statusConfig(m, testID, "Completed"),
				Check:                    m.checkStatus(testID, mimcm.StatusCompleted),
				ConfigStateChecks:        []statecheck.StateCheck{expectNoIdentity{testAddr}},
			},
			{
				PreConfig:                m.ResetCalls,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testAddr, map[string]knownvalue.Check{"id": knownvalue.StringExact(testID)}),
				},
				// Refreshes only: the plans read the request, nothing writes.
				Check: func(*terraform.State) error {
					if n := m.Counts()["PUT"]; n != 0 {
						return fmt.Errorf("want no PUT, got %s", m.describeCalls())
					}
					return nil
				},
			},
		},
	})
}

// expectNoIdentity checks that a resource's state carries no identity.
type expectNoIdentity struct{ address string }

func (e expectNoIdentity) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != e.address {
			continue
		}
		if len(r.IdentityValues) != 0 {
			resp.Error = fmt.Errorf("%s: want no identity, got %v", e.address, r.IdentityValues)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in state", e.address)
}

// A request the server no longer returns is removed from state without an
// error, also when Terraform (before 1.12) sends no identity: the framework
// refuses a read that returns none.
func TestRequestStatusIdentity_vanishedWithoutIdentity(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{})
	s := newProtocolServer(t, m)
	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: "mimcm_request_status",
		CurrentState: dynamicValue(t, s.resourceSchema(), map[string]any{
			"id": testID, "request_id": testID, "status": "Completed", "status_code": 8, "observed_status": "Completed",
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoErrors(t, "ReadResource", read.Diagnostics)
	if state, err := read.NewState.Unmarshal(s.resourceType()); err != nil || !state.IsNull() {
		t.Errorf("want the resource removed from state, got %v (%v)", state, err)
	}
}

// Before the provider is configured (its arguments still unknown), a read
// keeps the state as it is, and gives it its identity.
func TestRequestStatusIdentity_unconfiguredReadKeepsState(t *testing.T) {
	t.Parallel()
	s := newProtocolServer(t, nil)
	old := dynamicValue(t, s.resourceSchema(), map[string]any{
		"id": testID, "request_id": testID, "status": "Completed", "status_code": 8, "observed_status": "Completed",
	})
	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{TypeName: "mimcm_request_status", CurrentState: old})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "ReadResource", read.Diagnostics)
	if status := stringAttr(t, decodeObject(t, s.resourceType(), read.NewState), "status"); status != "Completed" {
		t.Errorf("status: want Completed kept, got %s", status)
	}
	if id := identityID(t, read.NewIdentity); id != testID {
		t.Errorf("identity: want %s, got %s", testID, id)
	}
}
