package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

const actionType = "mimcm_set_request_status"

func (s *protocolServer) actionConfig(t *testing.T, config map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	return dynamicValue(t, s.schemas.ActionSchemas[actionType].Schema, config)
}

// invoke calls InvokeAction and returns its progress messages and the
// completion's diagnostics.
func (s *protocolServer) invoke(t *testing.T, config map[string]any) ([]string, []*tfprotov6.Diagnostic) {
	t.Helper()
	stream, err := s.InvokeAction(t.Context(), &tfprotov6.InvokeActionRequest{ActionType: actionType, Config: s.actionConfig(t, config)})
	if err != nil {
		t.Fatal(err)
	}
	var (
		progress  []string
		diags     []*tfprotov6.Diagnostic
		completed int
	)
	for event := range stream.Events {
		switch e := event.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			diags = append(diags, e.Diagnostics...)
		}
	}
	if completed != 1 {
		t.Fatalf("want one completed event, got %d", completed)
	}
	return progress, diags
}

func TestSetRequestStatusAction_validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		config    map[string]any
		attribute string
		texts     []string
	}{
		{map[string]any{"request_id": "a9b4b42c", "status": "Completed"}, "request_id", []string{"Invalid request GUID"}},
		{map[string]any{"request_id": testID, "status": "Failed"}, "status", []string{`"Failed"`, "Completed"}},
		{map[string]any{"request_id": testID, "status": "completed"}, "status", []string{`"completed"`}},
		{map[string]any{"request_id": testID, "status": "Completed", "timeout": "soon"}, "timeout", []string{"Invalid duration"}},
		{map[string]any{"request_id": testID, "status": "Completed", "timeout": "-1m"}, "timeout", []string{"Invalid duration"}},
	}
	s := newProtocolServer(t, nil)
	for _, tc := range tests {
		resp, err := s.ValidateActionConfig(t.Context(), &tfprotov6.ValidateActionConfigRequest{ActionType: actionType, Config: s.actionConfig(t, tc.config)})
		if err != nil {
			t.Fatal(err)
		}
		expectError(t, fmt.Sprintf("ValidateActionConfig(%v)", tc.config), resp.Diagnostics, tc.attribute, tc.texts...)
	}
	for _, config := range []map[string]any{
		{"request_id": strings.ToUpper(testID), "status": "Abandoned"},
		{"request_id": testID, "status": "Canceled", "timeout": "30s"},
	} {
		resp, err := s.ValidateActionConfig(t.Context(), &tfprotov6.ValidateActionConfigRequest{ActionType: actionType, Config: s.actionConfig(t, config)})
		if err != nil {
			t.Fatal(err)
		}
		expectNoDiagnostics(t, fmt.Sprintf("ValidateActionConfig(%v)", config), resp.Diagnostics)
	}
}

// Planning the action calls no API: what the request needs is decided when
// the action runs.
func TestSetRequestStatusAction_planCallsNothing(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusDenied))
	s := newProtocolServer(t, m)
	m.ResetCalls()
	resp, err := s.PlanAction(t.Context(), &tfprotov6.PlanActionRequest{
		ActionType: actionType, Config: s.actionConfig(t, map[string]any{"request_id": testID, "status": "Completed"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "PlanAction", resp.Diagnostics)
	if err := m.expectCounts(map[string]int{}); err != nil {
		t.Error(err)
	}
}

func TestSetRequestStatusAction_invoke(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		seed          mimcm.Status
		executing     int
		config        map[string]any
		wantStatus    mimcm.Status
		wantProgress  []string
		wantCalls     map[string]int
		wantError     string // attribute
		wantErrorText []string
	}{
		{
			name: "completes an approved request", seed: mimcm.StatusApproved,
			config:     map[string]any{"request_id": testID, "status": "Completed"},
			wantStatus: mimcm.StatusCompleted,
			wantProgress: []string{
				"Request " + testID + " is Approved; asking the server to make it Completed",
				"Request " + testID + " is Completed",
			},
			wantCalls: map[string]int{"GET": 1, "PUT": 1},
		},
		{
			name: "GUID in upper case", seed: mimcm.StatusPending,
			config:     map[string]any{"request_id": strings.ToUpper(testID), "status": "Canceled"},
			wantStatus: mimcm.StatusCanceled,
			wantProgress: []string{
				"Request " + testID + " is Pending; asking the server to make it Canceled",
				"Request " + testID + " is Canceled",
			},
			wantCalls: map[string]int{"GET": 1, "PUT": 1},
		},
		{
			name: "waits while the server executes", seed: mimcm.StatusApproved, executing: 1,
			config:     map[string]any{"request_id": testID, "status": "Completed"},
			wantStatus: mimcm.StatusCompleted,
			wantProgress: []string{
				"Request " + testID + " is Approved; asking the server to make it Completed",
				"Request " + testID + " is Executing; waiting for it to become Completed",
				"Request " + testID + " is still Executing; waiting for it to become Completed",
				"Request " + testID + " is Completed",
			},
			// One GET, the PUT, then polls: Executing once more, then Completed.
			wantCalls: map[string]int{"GET": 3, "PUT": 1},
		},
		{
			name: "already satisfied: no PUT", seed: mimcm.StatusCompleted,
			config:     map[string]any{"request_id": testID, "status": "Completed"},
			wantStatus: mimcm.StatusCompleted,
			wantProgress: []string{
				"Request " + testID + " is already Completed; nothing to change",
				"Request " + testID + " is Completed",
			},
			wantCalls: map[string]int{"GET": 1},
		},
		{
			name: "Abandoned is satisfied by Failed: no PUT", seed: mimcm.StatusFailed,
			config:     map[string]any{"request_id": testID, "status": "Abandoned"},
			wantStatus: mimcm.StatusFailed,
			wantProgress: []string{
				"Request " + testID + " is already Failed; nothing to change",
				"Request " + testID + " is Failed",
			},
			wantCalls: map[string]int{"GET": 1},
		},
		{
			name: "another final status fails before any PUT", seed: mimcm.StatusDenied,
			config:     map[string]any{"request_id": testID, "status": "Completed"},
			wantStatus: mimcm.StatusDenied,
			wantCalls:  map[string]int{"GET": 1},
			wantError:  "status", wantErrorText: []string{"Request " + testID + " cannot be completed", "is Denied", "sent no status change"},
		},
		{
			name: "a pending request is not completed before approval", seed: mimcm.StatusPending,
			config:     map[string]any{"request_id": testID, "status": "Completed"},
			wantStatus: mimcm.StatusPending,
			wantCalls:  map[string]int{"GET": 2}, // the request, and its policy for the error
			wantError:  "request_id", wantErrorText: []string{"Request " + testID + " awaits approval", "is Pending", "CM portal", "sent nothing"},
		},
		{
			name: "a request not processed yet is not abandoned", seed: mimcm.StatusNone,
			config:     map[string]any{"request_id": testID, "status": "Abandoned"},
			wantStatus: mimcm.StatusNone,
			wantCalls:  map[string]int{"GET": 2},
			wantError:  "request_id", wantErrorText: []string{"Request " + testID + " awaits approval", "is None"},
		},
		{
			name: "unknown request", seed: mimcm.StatusApproved,
			config:    map[string]any{"request_id": "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b", "status": "Completed"},
			wantCalls: map[string]int{"GET": 1}, wantStatus: mimcm.StatusApproved,
			wantError: "request_id", wantErrorText: []string{"Request 0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b does not exist"},
		},
		{
			name: "timeout", seed: mimcm.StatusApproved, executing: 1_000_000,
			config:     map[string]any{"request_id": testID, "status": "Completed", "timeout": "1s"},
			wantStatus: mimcm.StatusExecuting,
			wantError:  "", wantErrorText: []string{"did not become Completed", "Executing", "raise timeout"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t, mockapi.Options{}, seedRequest(testID, tc.seed))
			m.SetExecutingPolls(tc.executing)
			s := newProtocolServer(t, m)
			m.ResetCalls()
			progress, diags := s.invoke(t, tc.config)
			if tc.wantErrorText != nil {
				expectError(t, "InvokeAction", diags, tc.wantError, tc.wantErrorText...)
				if got := m.Counts()["PUT"]; tc.wantStatus != mimcm.StatusExecuting && got != 0 {
					t.Errorf("want no PUT, got %s", m.describeCalls())
				}
			} else {
				expectNoDiagnostics(t, "InvokeAction", diags)
				if fmt.Sprintf("%q", progress) != fmt.Sprintf("%q", tc.wantProgress) {
					t.Errorf("progress:\n got  %q\n want %q", progress, tc.wantProgress)
				}
			}
			if tc.wantCalls != nil {
				if err := m.expectCounts(tc.wantCalls); err != nil {
					t.Error(err)
				}
			} else if got := m.Counts()["PUT"]; got != 1 {
				t.Errorf("want exactly one PUT, got %s", m.describeCalls())
			}
			if got, _ := m.Request(testID); got.Status != tc.wantStatus {
				t.Errorf("mock status: want %s, got %s", tc.wantStatus, got.Status)
			}
		})
	}
}

func actionConfig(m *testMock, requestID, status string) string {
	return m.providerBlock() + fmt.Sprintf(`
action "mimcm_set_request_status" "test" {
  config {
    request_id = %q
    status     = %q
  }
}
`, requestID, status)
}

// With Terraform 1.14 and later, the action runs from another resource's
// action_trigger: once, after that resource is created.
func TestAccSetRequestStatusAction_trigger(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(version1_14)},
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config: actionConfig(m, strings.ToUpper(testID), "Completed") + `
resource "terraform_data" "trigger" {
  input = "approved"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.mimcm_set_request_status.test]
    }
  }
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				m.checkStatus(testID, mimcm.StatusCompleted),
				m.checkCounts(map[string]int{"GET": 1, "PUT": 1}),
			),
		}},
	})
}

// terraform apply -invoke runs the action by hand, shows its progress, and
// sends no PUT for a request that already has the status.
func TestAccSetRequestStatusAction_invokeByHand(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	skipBelow(t, version1_14)
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	m.SetExecutingPolls(1)
	tf := newTerraformCLI(t, buildProvider(t))
	tf.writeConfig(actionConfig(m, testID, "Completed"))

	m.ResetCalls()
	out := tf.mustRun(0, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.mimcm_set_request_status.test")
	for _, want := range []string{
		"Request " + testID + " is Approved; asking the server to make it Completed",
		"Request " + testID + " is Executing; waiting for it to become Completed",
		"Request " + testID + " is Completed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform apply -invoke does not show %q:\n%s", want, out)
		}
	}
	// One GET, the PUT (Executing), then polls: Executing, Completed.
	if err := m.expectCounts(map[string]int{"GET": 3, "PUT": 1}); err != nil {
		t.Error(err)
	}
	if got, _ := m.Request(testID); got.Status != mimcm.StatusCompleted {
		t.Errorf("mock status: want Completed, got %s", got.Status)
	}

	m.ResetCalls()
	out = tf.mustRun(0, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.mimcm_set_request_status.test")
	if !strings.Contains(out, "is already Completed; nothing to change") {
		t.Errorf("the second invocation does not say there was nothing to do:\n%s", out)
	}
	if err := m.expectCounts(map[string]int{"GET": 1}); err != nil {
		t.Error(err)
	}
}
