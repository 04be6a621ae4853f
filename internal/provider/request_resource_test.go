package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

const requestAddr = "mimcm_request.test"

// newWorkflowMock is a mock holding the example profile templates.
func newWorkflowMock(t *testing.T, seed ...mimcm.Request) *testMock {
	t.Helper()
	m := newTestMock(t, mockapi.Options{}, seed...)
	if err := m.SeedProfileTemplates(mockapi.ExampleProfileTemplates()...); err != nil {
		t.Fatal(err)
	}
	return m
}

// vpnRequestConfig asks for a VPN User enrollment; args replace or add
// arguments, one per line.
func vpnRequestConfig(m *testMock, args ...string) string {
	body := map[string]string{
		"profile_template_uuid": fmt.Sprintf("%q", mockapi.ExampleVPNUserTemplateID),
		"type":                  `"Enroll"`,
		"data_collection":       `{ Reason = "VPN for the field team", Department = "Sales" }`,
		"comment":               `"VPN for alice"`,
	}
	for _, a := range args {
		name, value, _ := strings.Cut(a, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if value == "" {
			delete(body, name)
			continue
		}
		body[name] = value
	}
	var b strings.Builder
	for _, name := range []string{"profile_template_uuid", "type", "target_user_uuid", "data_collection", "comment", "priority", "smartcard_uuid", "cancel_on_destroy"} {
		if v, ok := body[name]; ok {
			fmt.Fprintf(&b, "  %s = %s\n", name, v)
		}
	}
	return m.providerBlock() + "\nresource \"mimcm_request\" \"test\" {\n" + b.String() + "}\n"
}

func expectRequestState(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(requestAddr, tfjsonpath.New(attr), v)
}

// onlyRequest returns the one request the mock holds.
func (m *testMock) onlyRequest() (mimcm.Request, error) {
	all := m.Requests()
	if len(all) != 1 {
		ids := make([]string, len(all))
		for i, r := range all {
			ids[i] = r.Uuid.String()
		}
		return mimcm.Request{}, fmt.Errorf("want exactly one request on the server, got %d: %v (calls: %s)", len(all), ids, m.describeCalls())
	}
	return all[0], nil
}

// checkOneRequest checks that the server holds exactly one request and that
// the resource stands for it.
func (m *testMock) checkOneRequest(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		only, err := m.onlyRequest()
		if err != nil {
			return err
		}
		return resource.TestCheckResourceAttr(addr, "id", only.Uuid.String())(s)
	}
}

// One POST with the documented body creates the request; the refresh that
// follows costs one GET, and the policy is read once, while planning.
func TestAccRequest_create(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := m.Counts()["PUT"]; n != 0 {
				return fmt.Errorf("destroy must send nothing by default, got %d PUTs", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetCalls,
				Config:    vpnRequestConfig(m),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(requestAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(requestAddr, tfjsonpath.New("id")),
						plancheck.ExpectUnknownValue(requestAddr, tfjsonpath.New("priority")),
						plancheck.ExpectKnownValue(requestAddr, tfjsonpath.New("comment"), knownvalue.StringExact("VPN for alice")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkOneRequest(requestAddr),
					// The policy in the plan and again in the apply's own plan
					// (another provider process), the POST, then one read.
					m.checkCounts(map[string]int{"GET": 3, "POST": 1}),
					func(*terraform.State) error {
						got, err := m.onlyRequest()
						if err != nil {
							return err
						}
						if got.ProfileTemplateUuid != mockapi.ExampleVPNUserTemplateID || got.RequestType != 1 || got.Comment != "VPN for alice" {
							return fmt.Errorf("the server got another request than configured: %+v", got)
						}
						items := map[string]string{}
						for _, it := range got.DataCollection {
							if it.Value != nil {
								items[it.Name] = *it.Value
							}
						}
						if items["Reason"] != "VPN for the field team" || items["Department"] != "Sales" || len(items) != 2 {
							return fmt.Errorf("the server got data collection %v", items)
						}
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequestState("id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))),
					// The VPN User template's Enroll policy needs an approval.
					expectRequestState("status_code", knownvalue.Int64Exact(16)),
					expectRequestState("observed_status", knownvalue.StringExact("Pending")),
					expectRequestState("request_type", knownvalue.Int64Exact(1)),
					expectRequestState("target_user_uuid", knownvalue.StringExact(string(mockapi.DefaultCurrentUser))),
					expectRequestState("originator_user_uuid", knownvalue.StringExact(string(mockapi.DefaultCurrentUser))),
					expectRequestState("priority", knownvalue.Int64Exact(5)),
					expectRequestState("completed", knownvalue.Null()),
					expectRequestState("new_profile_uuid", knownvalue.Null()),
					expectRequestState("cancel_on_destroy", knownvalue.Bool(false)),
				},
			},
			{
				// A refresh is one GET; nothing changes.
				PreConfig: m.ResetCalls,
				Config:    vpnRequestConfig(m),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: m.checkCounts(map[string]int{"GET": 1}),
			},
			{
				// A GUID in another letter case is no new request.
				PreConfig: m.ResetCalls,
				Config:    vpnRequestConfig(m, fmt.Sprintf("profile_template_uuid = %q", strings.ToUpper(string(mockapi.ExampleVPNUserTemplateID)))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(requestAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkOneRequest(requestAddr),
					m.checkCounts(map[string]int{"GET": 1}),
				),
			},
		},
	})
}

// Changing an argument replaces the request: a new POST, and by default
// nothing sent about the old one; cancel_on_destroy cancels an open one.
func TestAccRequest_replaceAndDestroy(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	var first, last string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// The last step's request was open, and cancel_on_destroy set.
			if r, _ := m.Request(mimcm.GUID(last)); r.Status != mimcm.StatusCanceled {
				return fmt.Errorf("request %s is %s after its destroy with cancel_on_destroy, want Canceled", last, r.Status)
			}
			if r, _ := m.Request(mimcm.GUID(first)); r.Status != mimcm.StatusPending {
				return fmt.Errorf("request %s, replaced without cancel_on_destroy, must stay Pending: %s", first, r.Status)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: vpnRequestConfig(m),
				Check: func(s *terraform.State) error {
					first = s.RootModule().Resources[requestAddr].Primary.ID
					return nil
				},
			},
			{
				PreConfig: m.ResetCalls,
				Config:    vpnRequestConfig(m, `comment = "VPN for alice, again"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(requestAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The refresh, the policy twice, the POST, the read.
					m.checkCounts(map[string]int{"GET": 4, "POST": 1}),
					func(*terraform.State) error {
						if r, ok := m.Request(mimcm.GUID(first)); !ok || r.Status != mimcm.StatusPending {
							return fmt.Errorf("the replaced request must stay as it was: %+v", r)
						}
						if n := len(m.Requests()); n != 2 {
							return fmt.Errorf("want two requests on the server, got %d", n)
						}
						return nil
					},
				),
			},
			{
				// Turning cancel_on_destroy on changes nothing on the server.
				PreConfig: m.ResetCalls,
				Config:    vpnRequestConfig(m, `comment = "VPN for alice, again"`, "cancel_on_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(requestAddr, plancheck.ResourceActionUpdate)},
				},
				Check: m.checkCounts(map[string]int{"GET": 1}),
			},
			{
				// Replaced with cancel_on_destroy: the open request is canceled.
				PreConfig: m.ResetCalls,
				Config:    vpnRequestConfig(m, `comment = "VPN for alice, third"`, "cancel_on_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(requestAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(s *terraform.State) error {
					last = s.RootModule().Resources[requestAddr].Primary.ID
					canceled := 0
					for _, r := range m.Requests() {
						if r.Status == mimcm.StatusCanceled {
							canceled++
						}
					}
					if canceled != 1 || m.Counts()["PUT"] != 1 || m.Counts()["POST"] != 1 {
						return fmt.Errorf("want one request canceled by one PUT and one POST, got %d canceled (calls: %s)", canceled, m.describeCalls())
					}
					return nil
				},
			},
		},
	})
}

// A final request is only forgotten, even with cancel_on_destroy.
func TestAccRequest_destroyFinalOnlyForgets(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			only, err := m.onlyRequest()
			if err != nil {
				return err
			}
			if only.Status != mimcm.StatusCompleted || m.Counts()["PUT"] != 0 {
				return fmt.Errorf("a completed request must be left alone: %s, calls %s", only.Status, m.describeCalls())
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: vpnRequestConfig(m, "cancel_on_destroy = true")},
			{
				PreConfig: func() {
					only, _ := m.onlyRequest()
					m.Update(only.Uuid, func(r *mimcm.Request) { r.Status = mimcm.StatusCompleted })
					m.ResetCalls()
				},
				Config:            vpnRequestConfig(m, "cancel_on_destroy = true"),
				ConfigStateChecks: []statecheck.StateCheck{expectRequestState("observed_status", knownvalue.StringExact("Completed"))},
			},
		},
	})
}

// A POST whose answer is lost, or hidden behind a 5xx, after the server
// created the request leaves exactly one request, adopted by the resource.
func TestAccRequest_unknownOutcomeAdopts(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]mockapi.Fault{
		"lost answer":   {Method: "POST", Count: 1, DropAnswer: true},
		"hidden by 502": {Method: "POST", Count: 1, Status: 502, AfterApply: true},
		"hidden by 500": {Method: "POST", Count: 1, Status: 500, AfterApply: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := newWorkflowMock(t)
			m.AddFault(fault)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						PreConfig: m.ResetCalls,
						Config:    vpnRequestConfig(m),
						Check: resource.ComposeAggregateTestCheckFunc(
							m.checkOneRequest(requestAddr),
							func(*terraform.State) error {
								if n := m.Counts()["POST"]; n != 1 {
									return fmt.Errorf("want one POST, got %d (%s)", n, m.describeCalls())
								}
								return nil
							},
						),
					},
					{
						Config: vpnRequestConfig(m),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				},
			})
		})
	}
}

// A 500 that created nothing leaves no request and no resource: the outcome
// is unknown, so the provider does not send the POST again.
func TestAccRequest_unknownOutcomeWithoutRequest(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	m.AddFault(mockapi.Fault{Method: "POST", Count: 1, Status: 500})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:   m.ResetCalls,
			Config:      vpnRequestConfig(m),
			ExpectError: regexp.MustCompile(`(?s)outcome of creating the request is unknown.*CM portal`),
			Check: func(*terraform.State) error {
				if n := m.Counts()["POST"]; n != 1 || len(m.Requests()) != 0 {
					return fmt.Errorf("want one POST and no request, got %s", m.describeCalls())
				}
				return nil
			},
		}},
	})
}

// Arguments the plan can refuse are refused before anything is sent.
func TestAccRequest_refusedBeforeAnyPOST(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	steps := []struct {
		args []string
		want string
	}{
		{[]string{`type = "enroll"`}, `(?s)type.*value must be one of.*"Enroll"`},
		{[]string{`type = "Approve"`}, `(?s)value must be one of`},
		{[]string{`profile_template_uuid = "vpn-user"`}, `(?s)Invalid GUID.*profile_template_uuid|profile_template_uuid.*Invalid GUID`},
		{[]string{`target_user_uuid = "{alice}"`}, `Invalid GUID`},
		{[]string{`data_collection = { Department = "Sales" }`}, `(?s)Missing required data collection items: Reason.*"Reason" = "..."`},
		{[]string{`data_collection = {}`}, `Missing required data collection items: Reason`},
		{[]string{fmt.Sprintf("profile_template_uuid = %q", mockapi.ExampleVirtualSmartCardTemplateID), `type = "Renew"`}, `(?s)Requests of type Renew are disabled.*Renew workflow policy`},
	}
	var testSteps []resource.TestStep
	for _, s := range steps {
		testSteps = append(testSteps, resource.TestStep{
			Config:      vpnRequestConfig(m, s.args...),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(s.want),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := m.Counts()["POST"]; n != 0 {
				return fmt.Errorf("want no POST, got %d", n)
			}
			return nil
		},
		Steps: testSteps,
	})
}

// A policy that cannot be read, or has a shape the provider does not know,
// is a warning: the request is still created.
func TestAccRequest_unreadablePolicyWarns(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	templates := mockapi.ExampleProfileTemplates()
	templates[0].PolicyBodies = map[mimcm.RequestType]json.RawMessage{mimcm.RequestTypeEnroll: json.RawMessage(`{"Enabled":"yes"}`)}
	if err := m.SetProfileTemplates(templates...); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: vpnRequestConfig(m),
			Check:  m.checkOneRequest(requestAddr),
		}},
	})
}

// A request the server no longer returns leaves state while open, and
// stays when it had reached a final status.
func TestAccRequest_vanished(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: vpnRequestConfig(m)},
			{
				PreConfig: func() {
					only, _ := m.onlyRequest()
					m.Delete(only.Uuid)
				},
				Config: vpnRequestConfig(m),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(requestAddr, plancheck.ResourceActionCreate)},
				},
				Check: m.checkOneRequest(requestAddr),
			},
			{
				PreConfig: func() {
					only, _ := m.onlyRequest()
					m.Update(only.Uuid, func(r *mimcm.Request) { r.Status = mimcm.StatusCompleted })
				},
				Config: vpnRequestConfig(m),
			},
			{
				PreConfig: func() {
					only, _ := m.onlyRequest()
					m.Delete(only.Uuid)
					m.ResetCalls()
				},
				Config: vpnRequestConfig(m),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if n := m.Counts()["POST"]; n != 0 {
						return fmt.Errorf("a purged completed request must never be created again, got %d POSTs", n)
					}
					return nil
				},
			},
		},
	})
}

// Importing by GUID fills the arguments from the request: a configuration
// that matches it plans clean.
func TestAccRequest_import(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: vpnRequestConfig(m, "priority = 7")},
			{
				Config:                               vpnRequestConfig(m, "priority = 7"),
				ResourceName:                         requestAddr,
				ImportState:                          true,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateVerifyIgnore:              []string{"timeouts"},
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return strings.ToUpper(s.RootModule().Resources[requestAddr].Primary.ID), nil
				},
			},
			{
				Config:        vpnRequestConfig(m),
				ResourceName:  requestAddr,
				ImportState:   true,
				ImportStateId: "not-a-guid",
				ExpectError:   regexp.MustCompile(`(?s)Cannot import mimcm_request.*GUID`),
			},
		},
	})
}

// An import block plans the import and nothing else when the configuration
// matches the request.
func TestAccRequest_importBlockPlansClean(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t, seedRequest(testID, mimcm.StatusApproved))
	seeded, _ := m.Request(testID)
	config := m.providerBlock() + fmt.Sprintf(`
import {
  to = mimcm_request.test
  id = %q
}

resource "mimcm_request" "test" {
  profile_template_uuid = %q
  type                  = "Enroll"
}
`, strings.ToUpper(testID), seeded.ProfileTemplateUuid)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(requestAddr, plancheck.ResourceActionNoop)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequestState("id", knownvalue.StringExact(testID)),
				expectRequestState("type", knownvalue.StringExact("Enroll")),
				expectRequestState("observed_status", knownvalue.StringExact("Approved")),
				expectRequestState("new_profile_uuid", knownvalue.StringExact("b99ff38c-6653-471f-ae3c-325bb351a6bc")),
			},
			Check: func(*terraform.State) error {
				if n := m.Counts()["POST"] + m.Counts()["PUT"]; n != 0 {
					return fmt.Errorf("an import must write nothing: %s", m.describeCalls())
				}
				return nil
			},
		}},
	})
}

// With Terraform 1.12 and later, an import block names the request by its
// identity.
func TestAccRequest_importByIdentity(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t, seedRequest(testID, mimcm.StatusApproved))
	seeded, _ := m.Request(testID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{{
			Config: m.providerBlock() + fmt.Sprintf(`
import {
  to       = mimcm_request.test
  identity = { id = %q }
}

resource "mimcm_request" "test" {
  profile_template_uuid = %q
  type                  = "Enroll"
}
`, testID, seeded.ProfileTemplateUuid),
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequestState("id", knownvalue.StringExact(testID)),
				statecheck.ExpectIdentity(requestAddr, map[string]knownvalue.Check{"id": knownvalue.StringExact(testID)}),
			},
		}},
	})
}

// The same import through the provider's server, on any Terraform: the
// identity and an undocumented type number, which imports with a warning
// and leaves type unset.
func TestRequestResource_importByIdentityProtocol(t *testing.T) {
	t.Parallel()
	renew := seedRequest(testID, mimcm.StatusApproved)
	renew.RequestType = 7
	m := newWorkflowMock(t, renew)
	s := newProtocolServer(t, m)
	imported, err := s.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{
		TypeName: "mimcm_request", Identity: identityValue(t, strings.ToUpper(testID)),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "ImportResourceState", imported.Diagnostics)
	if len(imported.ImportedResources) != 1 {
		t.Fatalf("want one imported resource, got %d", len(imported.ImportedResources))
	}
	schema := s.schemas.ResourceSchemas["mimcm_request"]
	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: "mimcm_request", CurrentState: imported.ImportedResources[0].State, CurrentIdentity: imported.ImportedResources[0].Identity,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(read.Diagnostics) != 1 || read.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(read.Diagnostics[0].Detail, "request type 7") {
		t.Fatalf("want one warning that type 7 has no name, got %v", read.Diagnostics)
	}
	state := decodeObject(t, schema.ValueType(), read.NewState)
	if got := stringAttr(t, state, "id"); got != testID {
		t.Errorf("id: want %s, got %s", testID, got)
	}
	if got := stringAttr(t, state, "type"); got != "<null>" {
		t.Errorf("type: an unmapped number must leave it unset, got %s", got)
	}
	if got := identityID(t, read.NewIdentity); got != testID {
		t.Errorf("identity: want %s, got %s", testID, got)
	}
}

// Enrollment as code: the request is created and awaits approval, its
// status resource sends nothing; once approved in the portal, the next run
// completes it, and the new profile's GUID reaches the outputs.
func TestAccRequest_enrollmentFlow(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	config := vpnRequestConfig(m) + `
resource "mimcm_request_status" "test" {
  request_id = mimcm_request.test.id
  status     = "Completed"
}

output "new_profile_uuid" {
  value = mimcm_request_status.test.new_profile_uuid
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetCalls,
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkOneRequest(requestAddr),
					resource.TestCheckResourceAttr(testAddr, "observed_status", "Pending"),
					func(*terraform.State) error {
						if n := m.Counts()["PUT"]; n != 0 {
							return fmt.Errorf("no PUT while the request awaits approval, got %d", n)
						}
						return nil
					},
				),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					only, _ := m.onlyRequest()
					if _, err := m.Approve(only.Uuid); err != nil {
						t.Fatal(err)
					}
					m.ResetCalls()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(testAddr, "observed_status", "Completed"),
					func(s *terraform.State) error {
						want := s.RootModule().Resources[testAddr].Primary.Attributes["new_profile_uuid"]
						out := s.RootModule().Outputs["new_profile_uuid"]
						if want == "" || out == nil || out.Value != want {
							return fmt.Errorf("want the completed request's new profile GUID in the output, got %v (attribute %q)", out, want)
						}
						return nil
					},
					func(*terraform.State) error {
						if n := m.Counts()["PUT"]; n != 1 {
							return fmt.Errorf("want one PUT after the approval, got %d", n)
						}
						return nil
					},
				),
			},
		},
	})
}

// A policy of a shape the provider does not know is a warning at plan,
// never "nothing required" and never an error.
func TestRequestResource_unexpectedPolicyWarns(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	templates := mockapi.ExampleProfileTemplates()
	templates[0].PolicyBodies = map[mimcm.RequestType]json.RawMessage{mimcm.RequestTypeEnroll: json.RawMessage(`{"Enabled":true,"ApprovalsNeeded":1}`)}
	if err := m.SetProfileTemplates(templates...); err != nil {
		t.Fatal(err)
	}
	s := newProtocolServer(t, m)
	schema := s.schemas.ResourceSchemas["mimcm_request"]
	config := dynamicValue(t, schema, map[string]any{
		"profile_template_uuid": string(mockapi.ExampleVPNUserTemplateID), "type": "Enroll", "comment": "", "cancel_on_destroy": false,
	})
	m.ResetCalls()
	plan, err := s.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: "mimcm_request", Config: config, ProposedNewState: config, PriorState: nullValue(t, schema),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Diagnostics) != 1 || plan.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Fatalf("want one warning, got %v", plan.Diagnostics)
	}
	d := plan.Diagnostics[0]
	for _, want := range []string{"Cannot check the Enroll policy of profile template " + string(mockapi.ExampleVPNUserTemplateID), "DataCollection", "server refuses it"} {
		if !strings.Contains(d.Summary+" "+d.Detail, want) {
			t.Errorf("the warning does not say %q: %s: %s", want, d.Summary, d.Detail)
		}
	}
	if err := m.expectCounts(map[string]int{"GET": 1}); err != nil {
		t.Error(err)
	}
}

// A request that acts on a card sends its GUID as smartcard; the
// configured letter case stays in state, and the server keeps the card.
func TestAccRequest_unblockCard(t *testing.T) {
	t.Parallel()
	const card = "17cf063d-e337-4aa9-a822-346554ddd3c9" // the reference request's card
	m := newWorkflowMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config: vpnRequestConfig(m, fmt.Sprintf("profile_template_uuid = %q", mockapi.ExampleSmartCardLogonTemplateID),
				`type = "Unblock"`, "data_collection =", fmt.Sprintf("smartcard_uuid = %q", strings.ToUpper(card))),
			Check: resource.ComposeAggregateTestCheckFunc(
				m.checkOneRequest(requestAddr),
				func(*terraform.State) error {
					got, _ := m.onlyRequest()
					if got.OldSmartcardUuid != card || got.RequestType != 5 || got.Status != mimcm.StatusApproved {
						return fmt.Errorf("the server got another request: card %s, type %d, %s", got.OldSmartcardUuid, got.RequestType, got.Status)
					}
					return nil
				},
			),
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequestState("smartcard_uuid", knownvalue.StringExact(strings.ToUpper(card))),
				expectRequestState("type", knownvalue.StringExact("Unblock")),
				expectRequestState("observed_status", knownvalue.StringExact("Approved")),
				expectRequestState("is_smartcard", knownvalue.Bool(true)),
			},
		}},
	})
}

// When a POST's outcome is unknown and the search finds several requests it
// may have created, the apply fails naming them, creates nothing more, and
// says how to import the right one.
func TestAccRequest_ambiguousOutcome(t *testing.T) {
	t.Parallel()
	const twinA, twinB = "7a000000-0000-4000-8000-00000000000a", "7b000000-0000-4000-8000-00000000000b"
	var twins []mimcm.Request
	for _, id := range []string{twinA, twinB} {
		r := seedRequest(id, mimcm.StatusPending)
		r.ProfileTemplateUuid, r.Comment = mockapi.ExampleVPNUserTemplateID, "VPN for alice"
		r.Submitted = mimcm.NewTimestamp(time.Now())
		twins = append(twins, r)
	}
	m := newWorkflowMock(t, twins...)
	m.AddFault(mockapi.Fault{Method: "POST", Count: 1, Status: 502})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:   m.ResetCalls,
			Config:      vpnRequestConfig(m),
			ExpectError: regexp.MustCompile(`(?s)Cannot tell which request the POST created.*` + twinA + `.*` + twinB + `.*terraform\s+import`),
			Check: func(*terraform.State) error {
				if n := m.Counts()["POST"]; n != 1 || len(m.Requests()) != 2 {
					return fmt.Errorf("want one POST and the two seeded requests only, got %s", m.describeCalls())
				}
				return nil
			},
		}},
	})
}
