package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

const (
	testAddr = "mimcm_request_status.test"
	testID   = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"
	// referenceSDDL is the reference request's security descriptor without
	// the server's NUL padding.
	referenceSDDL = "O:S-1-5-21-2127521184-1604012920-1887927527-14134865D:(D;;LC;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094534)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5219125)(A;;SWRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;S-1-5-21-2127521184-1604012920-1887927527-14134865)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;CCDCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)"
)

func statusConfig(m *testMock, requestID, status string, extra ...string) string {
	return m.providerBlock() + fmt.Sprintf(`
resource "mimcm_request_status" "test" {
  request_id = %q
  status     = %q
%s
}
`, requestID, status, strings.Join(extra, "\n"))
}

func expectState(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testAddr, tfjsonpath.New(attr), v)
}

// noWritesSince checks, after the final destroy, that nothing but reads
// reached the API since the last reset.
func (m *testMock) noWritesSince(puts int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := m.Counts()["PUT"]; got != puts {
			return fmt.Errorf("destroy must not write: want %d PUTs in all, got %d (%s)", puts, got, m.describeCalls())
		}
		if got := m.Counts()["POST"]; got != 0 {
			return fmt.Errorf("destroy must not write: got %d POSTs", got)
		}
		return nil
	}
}

func TestAccRequestStatus_complete(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// The last step resets the call log, so the destroy after it must
		// add no write.
		CheckDestroy: m.noWritesSince(0),
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetCalls,
				Config:    statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionCreate),
						// Exact plan: the status a successful apply reads back,
						// and the attributes that never change, are known.
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("status_code"), knownvalue.Int64Exact(8)),
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("observed_status"), knownvalue.StringExact("Completed")),
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("id"), knownvalue.StringExact(testID)),
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("submitted"), knownvalue.StringExact("2015-07-07T23:36:21.93Z")),
						plancheck.ExpectUnknownValue(testAddr, tfjsonpath.New("completed")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkStatus(testID, mimcm.StatusCompleted),
					// One GET while planning, then one GET and one PUT to apply.
					m.checkCounts(map[string]int{"GET": 2, "PUT": 1}),
					// The data sources' own attributes stay out of the state.
					resource.TestCheckNoResourceAttr(testAddr, "security_descriptor"),
					resource.TestCheckNoResourceAttr(testAddr, "data_collection.#"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("id", knownvalue.StringExact(testID)),
					expectState("request_id", knownvalue.StringExact(testID)),
					expectState("status", knownvalue.StringExact("Completed")),
					expectState("status_code", knownvalue.Int64Exact(8)),
					expectState("observed_status", knownvalue.StringExact("Completed")),
					expectState("request_type", knownvalue.Int64Exact(1)),
					expectState("flags", knownvalue.Int64Exact(2)),
					expectState("data_collection_flags", knownvalue.Int64Exact(32)),
					expectState("originator_user_uuid", knownvalue.StringExact("8f1590dc-d932-4b66-8e68-2e91c5880780")),
					expectState("target_user_uuid", knownvalue.StringExact("8f1590dc-d932-4b66-8e68-2e91c5880780")),
					expectState("submitted", knownvalue.StringExact("2015-07-07T23:36:21.93Z")),
					expectState("completed", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$`))),
					expectState("new_profile_uuid", knownvalue.StringExact("b99ff38c-6653-471f-ae3c-325bb351a6bc")),
					expectState("old_profile_uuid", knownvalue.Null()),
					expectState("new_smartcard_uuid", knownvalue.StringExact("17cf063d-e337-4aa9-a822-346554ddd3c9")),
					expectState("old_smartcard_uuid", knownvalue.Null()),
					expectState("priority", knownvalue.Int64Exact(0)),
					expectState("comment", knownvalue.StringExact("")),
					expectState("profile_template_uuid", knownvalue.StringExact("a039b4d0-5ce8-4eff-8651-181c6576fda3")),
					expectState("is_smartcard", knownvalue.Bool(true)),
					expectState("is_enrollment_agent", knownvalue.Bool(false)),
					expectState("is_data_collection_complete", knownvalue.Bool(false)),
				},
			},
			{
				// After step 1's apply, the test harness ran a plan with
				// -refresh=false (no call expected) and one with refresh
				// (exactly one GET).
				PreConfig: func() {
					if err := m.expectCounts(map[string]int{"GET": 3, "PUT": 1}); err != nil {
						t.Fatal(err)
					}
					m.ResetCalls()
				},
				RefreshState: true,
				Check:        m.checkCounts(map[string]int{"GET": 1}),
			},
			{
				PreConfig: m.ResetCalls,
				Config:    statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccRequestStatus_cancel(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusPending))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: statusConfig(m, testID, "Canceled"),
			Check:  m.checkStatus(testID, mimcm.StatusCanceled),
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("status", knownvalue.StringExact("Canceled")),
				expectState("status_code", knownvalue.Int64Exact(17)),
				expectState("observed_status", knownvalue.StringExact("Canceled")),
			},
		}},
	})
}

// Abandoning leaves a request Failed; Failed satisfies Abandoned, so the
// plans after the apply (which the harness checks) are empty.
func TestAccRequestStatus_abandonReadsBackAsFailed(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: statusConfig(m, testID, "Abandoned"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("status_code"), knownvalue.Int64Exact(9)),
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("observed_status"), knownvalue.StringExact("Failed")),
					},
				},
				Check: m.checkStatus(testID, mimcm.StatusFailed),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("Abandoned")),
					expectState("status_code", knownvalue.Int64Exact(9)),
					expectState("observed_status", knownvalue.StringExact("Failed")),
				},
			},
			{
				Config: statusConfig(m, testID, "Abandoned"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A request already in the desired status is adopted without a PUT, and
// its plan is exact down to the completion time.
func TestAccRequestStatus_adoptWithoutWrite(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusCompleted))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config:    statusConfig(m, testID, "Completed"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("completed"), knownvalue.StringExact("2015-07-07T23:37:37.767Z")),
				},
			},
			Check: m.checkCounts(map[string]int{"GET": 2}),
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("completed", knownvalue.StringExact("2015-07-07T23:37:37.767Z")),
				expectState("status_code", knownvalue.Int64Exact(8)),
			},
		}},
	})
}

// Drift made on the server shows in the plan as the observed status name,
// and the next apply repairs it.
func TestAccRequestStatus_driftShownAndRepaired(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: statusConfig(m, testID, "Completed")},
			{
				PreConfig: func() {
					m.Update(testID, func(r *mimcm.Request) {
						r.Status = mimcm.StatusApproved
						r.Completed = mimcm.Timestamp{}
					})
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(testAddr, "status", "Approved"),
					resource.TestCheckResourceAttr(testAddr, "observed_status", "Approved"),
					resource.TestCheckResourceAttr(testAddr, "status_code", "3"),
					resource.TestCheckNoResourceAttr(testAddr, "completed"),
				),
			},
			{
				Config: statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("status_code"), knownvalue.Int64Exact(8)),
						plancheck.ExpectKnownValue(testAddr, tfjsonpath.New("submitted"), knownvalue.StringExact("2015-07-07T23:36:21.93Z")),
					},
				},
				Check: m.checkStatus(testID, mimcm.StatusCompleted),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("Completed")),
					expectState("observed_status", knownvalue.StringExact("Completed")),
				},
			},
		},
	})
}

// A request already in another terminal status fails the plan, naming the
// request, its status and the way out, and is never written to.
func TestAccRequestStatus_terminalConflictAtPlan(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusCanceled))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   m.ResetCalls,
				Config:      statusConfig(m, testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)Request ` + testID + ` cannot be completed.*is Canceled \(status 17\), a\s+terminal status.*ignore_changes = \[status\]`),
			},
			{
				Config:   statusConfig(m, testID, "Completed"),
				PlanOnly: true,
				PreConfig: func() {
					if err := m.expectCounts(map[string]int{"GET": 1}); err != nil {
						t.Fatal(err)
					}
				},
				ExpectError: regexp.MustCompile(`cannot be completed`),
			},
		},
	})
}

// Drift into another terminal status is refused at plan time too.
func TestAccRequestStatus_terminalDriftRefusedAtPlan(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: statusConfig(m, testID, "Completed")},
			{
				PreConfig: func() {
					m.Update(testID, func(r *mimcm.Request) { r.Status = mimcm.StatusCanceled })
					m.ResetCalls()
				},
				Config:      statusConfig(m, testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)cannot be completed.*is Canceled.*ignore_changes`),
				Check:       m.checkCounts(map[string]int{"GET": 1}),
			},
			{
				Config: statusConfig(m, testID, "Completed", `  lifecycle {
    ignore_changes = [status]
  }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkStatus(testID, mimcm.StatusCanceled),
					resource.TestCheckResourceAttr(testAddr, "observed_status", "Canceled"),
				),
			},
		},
	})
}

func TestAccRequestStatus_unknownGUID(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      statusConfig(m, testID, "Completed"),
			ExpectError: regexp.MustCompile(`(?s)Request ` + testID + ` does not exist.*GET\s+/CertificateManagement/api/v1.0/requests/` + testID),
		}},
		CheckDestroy: m.noWritesSince(0),
	})
}

func TestAccRequestStatus_guidInAnyCase(t *testing.T) {
	t.Parallel()
	upper := strings.ToUpper(testID)
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: statusConfig(m, upper, "Completed"),
				Check:  m.checkStatus(testID, mimcm.StatusCompleted),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("id", knownvalue.StringExact(testID)),
					expectState("request_id", knownvalue.StringExact(upper)),
				},
			},
			{
				// Changing only the letter case updates in place, with no API write.
				PreConfig: m.ResetCalls,
				Config:    statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionUpdate)},
				},
				Check: m.checkCounts(map[string]int{"GET": 1}),
			},
		},
	})
}

func TestAccRequestStatus_invalidArguments(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      statusConfig(m, "not-a-guid", "Completed"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid request GUID.*request_id.*"not-a-guid" is not a GUID`),
			},
			{
				Config:      statusConfig(m, testID, "Failed"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)status.*value must be one of.*"Completed".*"Canceled".*"Abandoned"`),
			},
		},
	})
}

// PUT may answer 204; the provider then reads the result with one GET.
func TestAccRequestStatus_putNoContent(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	m.SetPutNoContent(true)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config:    statusConfig(m, testID, "Completed"),
			Check: resource.ComposeAggregateTestCheckFunc(
				m.checkStatus(testID, mimcm.StatusCompleted),
				m.checkCounts(map[string]int{"GET": 3, "PUT": 1}),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("observed_status", knownvalue.StringExact("Completed")),
				expectState("completed", knownvalue.NotNull()),
			},
		}},
	})
}

// A request still Executing after the PUT is polled until it completes.
func TestAccRequestStatus_waitsWhileExecuting(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	m.SetExecutingPolls(2)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: statusConfig(m, testID, "Completed"),
			Check:  m.checkStatus(testID, mimcm.StatusCompleted),
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("status_code", knownvalue.Int64Exact(8)),
			},
		}},
	})
}

func TestAccRequestStatus_waitTimesOut(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	m.SetExecutingPolls(1_000_000)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: statusConfig(m, testID, "Completed", `  timeouts {
    create = "3s"
  }`),
			ExpectError: regexp.MustCompile(`(?s)Request ` + testID + ` did not become Completed.*Executing.*timeouts.create`),
		}},
	})
}

func TestAccRequestStatus_forbiddenShowsServerMessage(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	m.AddFault(mockapi.Fault{Status: 403, Method: "PUT", Message: "The caller lacks the Complete permission on this profile template."})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: statusConfig(m, testID, "Completed"),
			ExpectError: regexp.MustCompile(`(?s)Request ` + testID + ` could not be completed.*PUT\s+/CertificateManagement/api/v1.0/requests/` + testID +
				`.*HTTP\s+403.*lacks the Complete\s+permission.*permissions`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if got := m.Counts()["PUT"]; got != 1 {
				return fmt.Errorf("a 403 must not be retried: want 1 PUT, got %d", got)
			}
			return nil
		},
	})
}

func TestAccRequestStatus_serverErrorShowsCorrelationID(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	m.AddFault(mockapi.Fault{Status: 500, Method: "PUT", Message: "Object reference not set. Correlation ID: 6f9619ff-8b86-d011-b42d-00cf4fc964ff"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      statusConfig(m, testID, "Completed"),
			ExpectError: regexp.MustCompile(`(?s)could not be completed.*HTTP\s+500.*6f9619ff-8b86-d011-b42d-00cf4fc964ff.*correlation\s+ID`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if got := m.Counts()["PUT"]; got != 2 {
				return fmt.Errorf("a 500 is retried exactly once: want 2 PUTs, got %d", got)
			}
			return m.checkStatus(testID, mimcm.StatusApproved)(nil)
		},
	})
}

func TestAccRequestStatus_retriesUnavailable(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	m.AddFault(mockapi.Fault{Status: 503, Count: 2, Method: "PUT", RetryAfter: "1"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config:    statusConfig(m, testID, "Completed"),
			Check: resource.ComposeAggregateTestCheckFunc(
				m.checkStatus(testID, mimcm.StatusCompleted),
				m.checkCounts(map[string]int{"GET": 2, "PUT": 3}),
			),
		}},
	})
}

// A request the server no longer returns (GET 204) leaves state with a
// warning, and planning it again names it as missing.
func TestAccRequestStatus_vanishedRequest(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: statusConfig(m, testID, "Completed")},
			{
				PreConfig:    func() { m.Delete(testID) },
				RefreshState: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[testAddr]; ok {
						return fmt.Errorf("%s is still in state after the server stopped returning it", testAddr)
					}
					return nil
				},
				ExpectError: regexp.MustCompile(`Request ` + testID + ` does not exist`),
			},
		},
	})
}

// A 404 (wrong base path, API switched off) is an error that says so, and
// never drops the resource from state.
func TestAccRequestStatus_routeNotFoundKeepsState(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: statusConfig(m, testID, "Completed")},
			{
				PreConfig:    func() { m.AddFault(mockapi.Fault{Status: 404}) },
				RefreshState: true,
				ExpectError:  regexp.MustCompile(`(?s)Cannot read request ` + testID + `.*HTTP\s+404.*base_path.*Clm.WebApi.Enabled`),
			},
			{
				PreConfig: m.ClearFaults,
				Config:    statusConfig(m, testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{expectState("status", knownvalue.StringExact("Completed"))},
			},
		},
	})
}

func TestAccRequestStatus_importCommand(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: statusConfig(m, testID, "Completed")},
			{
				Config:                               statusConfig(m, testID, "Completed"),
				ResourceName:                         testAddr,
				ImportState:                          true,
				ImportStateId:                        testID,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateVerifyIgnore:              []string{"timeouts"},
			},
			{
				Config:        statusConfig(m, testID, "Completed"),
				ResourceName:  testAddr,
				ImportState:   true,
				ImportStateId: "not-a-guid",
				ExpectError:   regexp.MustCompile(`(?s)Cannot import mimcm_request_status.*GUID`),
			},
		},
	})
}

// An import block for a request the server already satisfies plans no
// change, Abandoned (read back as Failed) included.
func TestAccRequestStatus_importBlockPlansClean(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusFailed))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config: statusConfig(m, testID, "Abandoned") + fmt.Sprintf(`
import {
  to = %s
  id = %q
}
`, testAddr, testID),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionNoop),
				},
			},
			// The import reads the request once while planning; applying a
			// no-op calls nothing.
			Check: m.checkCounts(map[string]int{"GET": 1}),
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("status", knownvalue.StringExact("Abandoned")),
				expectState("observed_status", knownvalue.StringExact("Failed")),
				expectState("id", knownvalue.StringExact(testID)),
			},
		}},
	})
}

// Importing a request that is not final yet shows the status it has, so
// the plan proposes the change.
func TestAccRequestStatus_importShowsObservedStatus(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: statusConfig(m, testID, "Completed") + fmt.Sprintf(`
import {
  to = %s
  id = %q
}
`, testAddr, testID),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionUpdate),
				},
			},
			Check: m.checkStatus(testID, mimcm.StatusCompleted),
		}},
	})
}

// A failed update keeps what state had: the new status is never written
// into state unless the server took it. Abandoned is the one desired status
// whose name differs from the observed one (Failed), which lets a refresh
// tell the two apart: a state that wrongly said Abandoned would be kept as
// satisfied by Failed, while the Approved that state should hold is
// replaced by the observed Failed.
func TestAccRequestStatus_failedUpdateKeepsState(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: statusConfig(m, testID, "Abandoned")},
			{
				// Someone reopened the request, and abandoning it again is
				// refused.
				PreConfig: func() {
					m.Update(testID, func(r *mimcm.Request) {
						r.Status = mimcm.StatusApproved
						r.Completed = mimcm.Timestamp{}
					})
					m.AddFault(mockapi.Fault{Status: 403, Method: "PUT", Message: "The caller lacks the Abandon permission."})
				},
				Config:      statusConfig(m, testID, "Abandoned"),
				ExpectError: regexp.MustCompile(`(?s)Request ` + testID + ` could not be abandoned.*HTTP\s+403`),
			},
			{
				PreConfig: func() {
					m.ClearFaults()
					m.Update(testID, func(r *mimcm.Request) { r.Status = mimcm.StatusFailed })
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(testAddr, "status", "Failed"),
					resource.TestCheckResourceAttr(testAddr, "status_code", "9"),
				),
			},
			{
				// Failed satisfies Abandoned: adopted without a PUT.
				PreConfig: m.ResetCalls,
				Config:    statusConfig(m, testID, "Abandoned"),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkStatus(testID, mimcm.StatusFailed),
					resource.TestCheckResourceAttr(testAddr, "status", "Abandoned"),
					func(*terraform.State) error {
						if got := m.Counts()["PUT"]; got != 0 {
							return fmt.Errorf("want no PUT for a request already Failed, got %d", got)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestRequestStatusResource_deleteWarning: destroying calls no API and warns
// that the request keeps its status, naming the request and that status.
// The request is in the summary, as Terraform folds no provider warnings of
// a destroy: with -compact-warnings each request keeps a line of its own.
func TestRequestStatusResource_deleteWarning(t *testing.T) {
	state, m := requestStatusState(t)
	var resp fwresource.DeleteResponse
	(&RequestStatusResource{}).Delete(t.Context(), fwresource.DeleteRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() || len(resp.Diagnostics) != 1 {
		t.Fatalf("want one warning, got %v", resp.Diagnostics)
	}
	d := resp.Diagnostics[0]
	if want := "Request " + m.ID.ValueString() + " keeps its status"; d.Summary() != want {
		t.Errorf("summary: want %q, got %q", want, d.Summary())
	}
	if want := "The request stays " + m.ObservedStatus.ValueString() + " on the server."; !strings.HasSuffix(d.Detail(), want) {
		t.Errorf("the warning's detail does not end with %q:\n%s", want, d.Detail())
	}
}
