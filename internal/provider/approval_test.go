package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// A request that awaits approval is never sent a PUT it cannot take: the
// first run records it, the runs before the approval plan nothing, and the
// first run after it completes the request.
func TestAccRequestStatus_awaitsApproval(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusPending))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetCalls,
				Config:    statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionCreate),
						// It may be approved before the apply reads it again.
						plancheck.ExpectUnknownValue(testAddr, tfjsonpath.New("status_code")),
						plancheck.ExpectUnknownValue(testAddr, tfjsonpath.New("observed_status")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkStatus(testID, mimcm.StatusPending),
					// While planning and again to apply: the request, and its
					// template's policy for the warning (none here: 204); no PUT.
					m.checkCounts(map[string]int{"GET": 4}),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("Completed")),
					expectState("status_code", knownvalue.Int64Exact(16)),
					expectState("observed_status", knownvalue.StringExact("Pending")),
				},
			},
			{
				// Still pending: no drift, nothing to do, no PUT; the refresh
				// reads the request and, for the warning, its policy.
				PreConfig: m.ResetCalls,
				Config:    statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: m.checkCounts(map[string]int{"GET": 2}),
			},
			{
				// Approved in the portal: the next run completes it.
				PreConfig: func() {
					m.Update(testID, func(r *mimcm.Request) { r.Status = mimcm.StatusApproved })
					m.ResetCalls()
				},
				Config: statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("status_code"), knownvalue.Int64Exact(8)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkStatus(testID, mimcm.StatusCompleted),
					m.checkCounts(map[string]int{"GET": 2, "PUT": 1}),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("Completed")),
					expectState("observed_status", knownvalue.StringExact("Completed")),
				},
			},
		},
	})
}

// Canceling needs no approval: a pending request is canceled at once.
func TestAccRequestStatus_cancelPendingNeedsNoApproval(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusNone))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config:    statusConfig(m, testID, "Canceled"),
			Check: resource.ComposeAggregateTestCheckFunc(
				m.checkStatus(testID, mimcm.StatusCanceled),
				m.checkCounts(map[string]int{"GET": 2, "PUT": 1}),
			),
		}},
	})
}

// The plan and every refresh name the request that awaits approval, in a
// warning of its own, and say that nothing is sent until it is approved.
func TestRequestStatus_awaitsApprovalWarnings(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusPending))
	s := newProtocolServer(t, m)
	schema := s.resourceSchema()
	config := dynamicValue(t, schema, map[string]any{"request_id": testID, "status": "Completed"})

	m.ResetCalls()
	plan, err := s.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: "mimcm_request_status", Config: config, ProposedNewState: config, PriorState: nullValue(t, schema),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectAwaitingWarning(t, "PlanResourceChange", plan.Diagnostics, "apply sends nothing")

	state := dynamicValue(t, schema, map[string]any{
		"request_id": testID, "id": testID, "status": "Completed", "status_code": 16, "observed_status": "Pending",
	})
	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{TypeName: "mimcm_request_status", CurrentState: state})
	if err != nil {
		t.Fatal(err)
	}
	expectAwaitingWarning(t, "ReadResource", read.Diagnostics, "plan shows no change")
	if got := stringAttr(t, decodeObject(t, schema.ValueType(), read.NewState), "status"); got != "Completed" {
		t.Errorf("a request awaiting approval is not drift: want status Completed after the read, got %s", got)
	}
	// The request twice, and its template's policy once (204 here: the
	// warning says nothing of approvals).
	if err := m.expectCounts(map[string]int{"GET": 3}); err != nil {
		t.Error(err)
	}
}

func expectAwaitingWarning(t *testing.T, call string, diags []*tfprotov6.Diagnostic, meanwhile string) {
	t.Helper()
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Fatalf("%s: want one warning, got %v", call, diags)
	}
	d := diags[0]
	if want := "Request " + testID + " awaits approval"; d.Summary != want {
		t.Errorf("%s: summary %q, want %q", call, d.Summary, want)
	}
	for _, want := range []string{"Pending (status 16)", "CM portal", meanwhile} {
		if !strings.Contains(d.Detail, want) {
			t.Errorf("%s: the warning does not say %q:\n%s", call, want, d.Detail)
		}
	}
}

func nullValue(t *testing.T, schema *tfprotov6.Schema) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// Where the request's workflow policy can be read, the warning says how
// many approvals it asks for; the policy is read once per template and type.
func TestRequestStatus_awaitsApprovalNamesApprovals(t *testing.T) {
	t.Parallel()
	pending := seedRequest(testID, mimcm.StatusPending)
	pending.ProfileTemplateUuid = mockapi.ExampleVirtualSmartCardTemplateID
	m := newWorkflowMock(t, pending)
	s := newProtocolServer(t, m)
	schema := s.resourceSchema()
	state := dynamicValue(t, schema, map[string]any{
		"request_id": testID, "id": testID, "status": "Completed", "status_code": 16, "observed_status": "Pending",
	})
	m.ResetCalls()
	for range 2 {
		read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{TypeName: "mimcm_request_status", CurrentState: state})
		if err != nil {
			t.Fatal(err)
		}
		expectAwaitingWarning(t, "ReadResource", read.Diagnostics, "Enroll workflow policy of its profile template "+
			string(mockapi.ExampleVirtualSmartCardTemplateID)+" asks for 2 approvals.")
	}
	// Two reads of the request, one of the policy.
	if err := m.expectCounts(map[string]int{"GET": 3}); err != nil {
		t.Error(err)
	}
}

// Each entry of mimcm_request_statuses that awaits approval is treated as
// mimcm_request_status treats its request: no PUT, a clean plan until the
// approval, then the status; canceling needs no approval.
func TestAccRequestStatuses_awaitsApproval(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{},
		seedRequest(bulkA, mimcm.StatusApproved), seedRequest(bulkB, mimcm.StatusPending), seedRequest(bulkC, mimcm.StatusNone))
	config := bulkConfig(m, bulkA, "Completed", bulkB, "Completed", bulkC, "Canceled")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetCalls,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						bulkPlanned(bulkA, "status_code", knownvalue.Int64Exact(8)),
						plancheck.ExpectUnknownValue(bulkAddr, tfjsonpath.New("statuses").AtMapKey(bulkB)),
						bulkPlanned(bulkC, "status_code", knownvalue.Int64Exact(17)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkPUTs(bulkA, bulkC),
					m.checkStatus(bulkB, mimcm.StatusPending),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bulkAddr, tfjsonpath.New("requests").AtMapKey(bulkB), knownvalue.StringExact("Completed")),
					bulkState(bulkB, "observed_status", knownvalue.StringExact("Pending")),
					bulkState(bulkC, "observed_status", knownvalue.StringExact("Canceled")),
				},
			},
			{
				PreConfig: m.ResetCalls,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: m.checkPUTs(),
			},
			{
				PreConfig: func() {
					m.Update(bulkB, func(r *mimcm.Request) { r.Status = mimcm.StatusApproved })
					m.ResetCalls()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionUpdate),
						bulkPlanned(bulkB, "status_code", knownvalue.Int64Exact(8)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkPUTs(bulkB),
					m.checkStatus(bulkB, mimcm.StatusCompleted),
				),
			},
		},
	})
}

// One warning names the entries that await approval, wherever the bulk
// resource meets them: its plan, its refresh and its apply.
func TestRequestStatuses_awaitsApprovalWarning(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(bulkA, mimcm.StatusPending), seedRequest(bulkB, mimcm.StatusNone))
	s := newProtocolServer(t, m)
	schema := s.schemas.ResourceSchemas[requestStatusesTypeName]
	state := dynamicValue(t, schema, map[string]any{
		"requests": map[string]any{bulkA: "Completed", bulkB: "Abandoned"},
		"statuses": map[string]any{
			bulkA: map[string]any{"status_code": 16, "observed_status": "Pending", "completed": nil},
			bulkB: map[string]any{"status_code": 0, "observed_status": "None", "completed": nil},
		},
	})
	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{TypeName: requestStatusesTypeName, CurrentState: state})
	if err != nil {
		t.Fatal(err)
	}
	if len(read.Diagnostics) != 1 || read.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Fatalf("want one warning, got %v", read.Diagnostics)
	}
	d := read.Diagnostics[0]
	if d.Summary != "2 requests of mimcm_request_statuses await approval" {
		t.Errorf("summary: %q", d.Summary)
	}
	for _, want := range []string{bulkA + " is Pending (status 16)", bulkB + " is None (status 0)", "CM portal", "plan shows no change"} {
		if !strings.Contains(d.Detail, want) {
			t.Errorf("the warning does not say %q:\n%s", want, d.Detail)
		}
	}
	// Each request, and their template's policy once (204 here).
	if err := m.expectCounts(map[string]int{"GET": 3}); err != nil {
		t.Error(err)
	}
}
