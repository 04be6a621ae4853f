package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
	bulkAddr = "mimcm_request_statuses.test"
	bulkA    = "11111111-1111-4111-8111-111111111111"
	bulkB    = "22222222-2222-4222-8222-222222222222"
	bulkC    = "33333333-3333-4333-8333-333333333333"
)

// bulkConfig configures mimcm_request_statuses with the entries given as
// key, status, key, status, ...
func bulkConfig(m *testMock, pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(&b, "    %q = %q\n", pairs[i], pairs[i+1])
	}
	return m.providerBlock() + fmt.Sprintf(`
resource "mimcm_request_statuses" "test" {
  requests = {
%s  }
}
`, b.String())
}

// bulkState checks one attribute of one entry of statuses.
func bulkState(id, attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(bulkAddr, tfjsonpath.New("statuses").AtMapKey(id).AtMapKey(attr), v)
}

func bulkPlanned(id, attr string, v knownvalue.Check) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(bulkAddr, tfjsonpath.New("statuses").AtMapKey(id).AtMapKey(attr), v)
}

// checkPUTs checks that the requests PUT since the last reset are exactly
// ids, each once.
func (m *testMock) checkPUTs(ids ...string) resource.TestCheckFunc {
	return func(*terraform.State) error { return m.expectPUTs(ids...) }
}

func (m *testMock) expectPUTs(ids ...string) error {
	var got []string
	for _, c := range m.Calls() {
		if c.Method == "PUT" {
			got = append(got, string(c.RequestID))
		}
	}
	want := make([]string, len(ids))
	for i, id := range ids {
		want[i] = strings.ToLower(id)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("PUTs: want %v, got %v (all calls: %s)", want, got, m.describeCalls())
	}
	return nil
}

// Entries already satisfied are adopted without a PUT (Abandoned by Failed);
// the rest are set, and the plan is exact.
func TestAccRequestStatuses_completeAndAdopt(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{},
		seedRequest(bulkA, mimcm.StatusApproved), seedRequest(bulkB, mimcm.StatusCompleted), seedRequest(bulkC, mimcm.StatusFailed))
	config := bulkConfig(m, bulkA, "Completed", bulkB, "Completed", bulkC, "Abandoned")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             m.noWritesSince(0),
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetCalls,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionCreate),
						bulkPlanned(bulkA, "status_code", knownvalue.Int64Exact(8)),
						plancheck.ExpectUnknownValue(bulkAddr, tfjsonpath.New("statuses").AtMapKey(bulkA).AtMapKey("completed")),
						// Adopted: what was read, completed included.
						bulkPlanned(bulkB, "completed", knownvalue.StringExact("2015-07-07T23:37:37.767Z")),
						bulkPlanned(bulkC, "observed_status", knownvalue.StringExact("Failed")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkStatus(bulkA, mimcm.StatusCompleted),
					m.checkPUTs(bulkA),
					// One GET of each while planning, one of each in the apply's
					// own plan, and one PUT.
					m.checkCounts(map[string]int{"GET": 6, "PUT": 1}),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bulkAddr, tfjsonpath.New("requests"), knownvalue.MapExact(map[string]knownvalue.Check{
						bulkA: knownvalue.StringExact("Completed"),
						bulkB: knownvalue.StringExact("Completed"),
						bulkC: knownvalue.StringExact("Abandoned"),
					})),
					bulkState(bulkA, "status_code", knownvalue.Int64Exact(8)),
					bulkState(bulkA, "observed_status", knownvalue.StringExact("Completed")),
					bulkState(bulkA, "completed", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					bulkState(bulkB, "status_code", knownvalue.Int64Exact(8)),
					bulkState(bulkC, "status_code", knownvalue.Int64Exact(9)),
					// Nothing of the request but its status.
					statecheck.ExpectKnownValue(bulkAddr, tfjsonpath.New("statuses").AtMapKey(bulkA), knownvalue.MapSizeExact(3)),
				},
			},
			{
				PreConfig:    m.ResetCalls,
				RefreshState: true,
				// Fewer than listReadMin entries: one GET each.
				Check: m.checkCounts(map[string]int{"GET": 3}),
			},
			{
				PreConfig: m.ResetCalls,
				Config:    config,
				PlanOnly:  true,
			},
		},
	})
}

// Drift of one request shows as a change of that entry alone, and the apply
// sets only that request.
func TestAccRequestStatuses_driftOfOneEntry(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{},
		seedRequest(bulkA, mimcm.StatusApproved), seedRequest(bulkB, mimcm.StatusApproved), seedRequest(bulkC, mimcm.StatusPending))
	config := bulkConfig(m, bulkA, "Completed", bulkB, "Completed", bulkC, "Canceled")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					m.Update(bulkB, func(r *mimcm.Request) {
						r.Status = mimcm.StatusApproved
						r.Completed = mimcm.Timestamp{}
					})
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(bulkAddr, "requests."+bulkA, "Completed"),
					resource.TestCheckResourceAttr(bulkAddr, "requests."+bulkB, "Approved"),
					resource.TestCheckResourceAttr(bulkAddr, "requests."+bulkC, "Canceled"),
					resource.TestCheckResourceAttr(bulkAddr, "statuses."+bulkB+".status_code", "3"),
					resource.TestCheckNoResourceAttr(bulkAddr, "statuses."+bulkB+".completed"),
				),
			},
			{
				PreConfig: m.ResetCalls,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionUpdate),
						bulkPlanned(bulkB, "status_code", knownvalue.Int64Exact(8)),
						// The other entries keep what they had.
						bulkPlanned(bulkA, "completed", knownvalue.NotNull()),
						bulkPlanned(bulkC, "status_code", knownvalue.Int64Exact(17)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(m.checkPUTs(bulkB), m.checkStatus(bulkB, mimcm.StatusCompleted)),
				ConfigStateChecks: []statecheck.StateCheck{
					bulkState(bulkB, "observed_status", knownvalue.StringExact("Completed")),
				},
			},
		},
	})
}

// Every entry whose request is in another final status is named, with its
// status, in one plan error, and nothing is written.
func TestAccRequestStatuses_everyTerminalConflictListed(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{},
		seedRequest(bulkA, mimcm.StatusDenied), seedRequest(bulkB, mimcm.StatusApproved), seedRequest(bulkC, mimcm.StatusCanceled))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return m.expectPUTs()
		},
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config:    bulkConfig(m, bulkA, "Completed", bulkB, "Completed", bulkC, "Completed"),
			ExpectError: regexp.MustCompile(`(?s)2 requests cannot reach the configured status.*` +
				bulkA + ` is Denied \(status 4\); configured Completed.*` + bulkC + ` is Canceled \(status 17\); configured Completed`),
		}},
	})
}

// A GUID the server does not know is an error naming it.
func TestAccRequestStatuses_unknownGUID(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(bulkA, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             m.noWritesSince(0),
		Steps: []resource.TestStep{{
			PreConfig:   m.ResetCalls,
			Config:      bulkConfig(m, bulkA, "Completed", bulkB, "Completed"),
			ExpectError: regexp.MustCompile(`(?s)Request ` + bulkB + ` does not exist`),
		}},
	})
}

// A failed PUT of one entry fails the apply with an error naming it; the
// others are done and kept, and the next apply sets only the failed one.
// The first apply of a resource that fails leaves it tainted, so there the
// next apply replaces it: forgetting and reading again, without writing.
func TestAccRequestStatuses_partialFailureThenReapply(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{},
		seedRequest(bulkA, mimcm.StatusApproved), seedRequest(bulkB, mimcm.StatusApproved), seedRequest(bulkC, mimcm.StatusApproved))
	config := bulkConfig(m, bulkA, "Completed", bulkB, "Completed", bulkC, "Completed")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					m.ResetCalls()
					m.AddFault(mockapi.Fault{Status: 403, Method: "PUT", RequestID: bulkB, Message: "The caller lacks the Complete permission."})
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Request ` + bulkB + ` could not be completed.*HTTP\s+403`),
			},
			{
				PreConfig: func() {
					if err := m.expectPUTs(bulkA, bulkB, bulkC); err != nil {
						t.Fatal(err)
					}
					m.ClearFaults()
					m.ResetCalls()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionDestroyBeforeCreate),
						bulkPlanned(bulkA, "completed", knownvalue.NotNull()),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(m.checkPUTs(bulkB), m.checkStatus(bulkB, mimcm.StatusCompleted)),
				ConfigStateChecks: []statecheck.StateCheck{
					bulkState(bulkB, "status_code", knownvalue.Int64Exact(8)),
				},
			},
		},
	})
}

// When entries added to an existing resource partly fail, the state keeps
// the ones that succeeded and the observed status of the others, and the
// next apply is an update that sets only what failed.
func TestAccRequestStatuses_partialFailureOfUpdate(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{},
		seedRequest(bulkA, mimcm.StatusApproved), seedRequest(bulkB, mimcm.StatusApproved), seedRequest(bulkC, mimcm.StatusApproved))
	all := bulkConfig(m, bulkA, "Completed", bulkB, "Completed", bulkC, "Completed")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: bulkConfig(m, bulkA, "Completed")},
			{
				PreConfig: func() {
					m.ResetCalls()
					m.AddFault(mockapi.Fault{Status: 403, Method: "PUT", RequestID: bulkB})
					m.AddFault(mockapi.Fault{Status: 403, Method: "PUT", RequestID: bulkC})
				},
				Config: all,
				// One error for each request that failed.
				ExpectError: regexp.MustCompile(`(?s)Request ` + bulkB + ` could not be completed.*Request ` + bulkC + ` could not be completed`),
			},
			{
				PreConfig: func() {
					m.ClearFaults()
					m.AddFault(mockapi.Fault{Status: 403, Method: "PUT", RequestID: bulkC})
					m.ResetCalls()
				},
				Config: all,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionUpdate),
						bulkPlanned(bulkA, "completed", knownvalue.NotNull()),
					},
				},
				ExpectError: regexp.MustCompile(`Request ` + bulkC + ` could not be completed`),
			},
			{
				PreConfig: func() {
					if err := m.expectPUTs(bulkB, bulkC); err != nil {
						t.Fatal(err)
					}
					m.ClearFaults()
					m.ResetCalls()
				},
				Config: all,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionUpdate),
						bulkPlanned(bulkB, "completed", knownvalue.NotNull()),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(m.checkPUTs(bulkC), m.checkStatus(bulkC, mimcm.StatusCompleted)),
				ConfigStateChecks: []statecheck.StateCheck{
					bulkState(bulkA, "status_code", knownvalue.Int64Exact(8)),
					bulkState(bulkB, "status_code", knownvalue.Int64Exact(8)),
					bulkState(bulkC, "status_code", knownvalue.Int64Exact(8)),
				},
			},
		},
	})
}

// Removing an entry forgets its request: the apply calls no API.
func TestAccRequestStatuses_removalCallsNothing(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(bulkA, mimcm.StatusApproved), seedRequest(bulkB, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             m.noWritesSince(0),
		Steps: []resource.TestStep{
			{Config: bulkConfig(m, bulkA, "Completed", bulkB, "Completed")},
			{
				PreConfig: m.ResetCalls,
				Config:    bulkConfig(m, bulkA, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionUpdate)},
				},
				// The plan's refresh reads both requests; the update itself
				// calls nothing.
				Check: m.checkCounts(map[string]int{"GET": 2}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bulkAddr, tfjsonpath.New("statuses"), knownvalue.MapSizeExact(1)),
					bulkState(bulkA, "status_code", knownvalue.Int64Exact(8)),
				},
			},
			{
				// The last step resets the log: the destroy after it adds no
				// write.
				PreConfig: m.ResetCalls,
				Config:    bulkConfig(m, bulkA, "Completed"),
				PlanOnly:  true,
			},
		},
	})
}

// Import takes GUIDs separated by commas, in any letter case; an import
// block for requests the server already satisfies plans no change, and one
// for a request not final yet proposes the change.
func TestAccRequestStatuses_import(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{},
		seedRequest(bulkA, mimcm.StatusCompleted), seedRequest(bulkB, mimcm.StatusFailed), seedRequest(bulkC, mimcm.StatusApproved))
	importBlock := func(id string) string {
		return fmt.Sprintf(`
import {
  to = %s
  id = %q
}
`, bulkAddr, id)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetCalls,
				Config:    bulkConfig(m, bulkA, "Completed", bulkB, "Abandoned") + importBlock(strings.ToUpper(bulkA)+", "+bulkB),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionNoop)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(m.checkCounts(map[string]int{"GET": 2}), m.checkPUTs()),
				ConfigStateChecks: []statecheck.StateCheck{
					bulkState(bulkA, "observed_status", knownvalue.StringExact("Completed")),
					bulkState(bulkB, "observed_status", knownvalue.StringExact("Failed")),
				},
			},
		},
	})
	m2 := newTestMock(t, mockapi.Options{}, seedRequest(bulkC, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: bulkConfig(m2, bulkC, "Completed") + importBlock(bulkC),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionUpdate),
						bulkPlanned(bulkC, "status_code", knownvalue.Int64Exact(8)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(m2.checkStatus(bulkC, mimcm.StatusCompleted)),
			},
			{
				Config:        bulkConfig(m2, bulkC, "Completed"),
				ResourceName:  bulkAddr,
				ImportState:   true,
				ImportStateId: bulkC + ",not-a-guid",
				ExpectError:   regexp.MustCompile(`(?s)Cannot import mimcm_request_statuses.*"not-a-guid"`),
			},
		},
	})
}

// An import that names requests the server does not know fails, naming
// them, whether all or some of its GUIDs are unknown, by an import block
// or by terraform import; nothing enters state, so the next plan creates
// the resource.
func TestAccRequestStatuses_importUnknown(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(bulkA, mimcm.StatusCompleted))
	importBlock := func(id string) string {
		return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", bulkAddr, id)
	}
	config := bulkConfig(m, bulkA, "Completed")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config + importBlock(bulkB+","+strings.ToUpper(bulkC)),
				ExpectError: regexp.MustCompile(`(?s)Cannot import mimcm_request_statuses: 2 requests do not exist.*` + bulkB + `.*` + bulkC + `.*Nothing was imported`),
			},
			{
				Config:      config + importBlock(bulkA+","+bulkB),
				ExpectError: regexp.MustCompile(`(?s)Cannot import mimcm_request_statuses: 1 request does not exist.*` + bulkB + `.*Nothing was imported`),
			},
			{
				Config:        config,
				ResourceName:  bulkAddr,
				ImportState:   true,
				ImportStateId: bulkB,
				ExpectError:   regexp.MustCompile(`(?s)Cannot import mimcm_request_statuses: 1 request does not exist.*` + bulkB),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bulkAddr, tfjsonpath.New("requests"), knownvalue.MapSizeExact(1)),
				},
			},
		},
	})
}

// The refresh after an import names at most ten of the requests the server
// does not know, counts the rest, and reports nothing of the requests it
// knows.
func TestRequestStatusesResource_importUnknownNamesTen(t *testing.T) {
	t.Parallel()
	known, unknown := manyIDs(0xe1, 3), manyIDs(0xe2, 13)
	m := newTestMock(t, mockapi.Options{}, seedRequests(known, mimcm.StatusCompleted)...)
	s := newProtocolServer(t, m)
	imported, err := s.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{
		TypeName: requestStatusesTypeName, ID: strings.Join(append(slices.Clone(known), unknown...), ","),
	})
	if err != nil || len(imported.ImportedResources) != 1 {
		t.Fatalf("ImportResourceState: %v %v", err, imported)
	}
	expectNoDiagnostics(t, "ImportResourceState", imported.Diagnostics)
	read, err := s.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: requestStatusesTypeName, CurrentState: imported.ImportedResources[0].State, Private: imported.ImportedResources[0].Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(read.Diagnostics) != 1 || read.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Fatalf("want one error, got:\n%s", describeDiagnostics(read.Diagnostics))
	}
	d := read.Diagnostics[0]
	if want := "Cannot import mimcm_request_statuses: 13 requests do not exist"; d.Summary != want {
		t.Errorf("summary %q, want %q", d.Summary, want)
	}
	for i, id := range unknown {
		if named := strings.Contains(d.Detail, id); named != (i < 10) {
			t.Errorf("%s, unknown request %d of 13, named: %v", id, i+1, named)
		}
	}
	for _, id := range known {
		if strings.Contains(d.Detail, id) {
			t.Errorf("%s, which exists, is named", id)
		}
	}
	if !strings.Contains(d.Detail, "and 3 more") {
		t.Errorf("the error does not count the 3 requests it does not name:\n%s", d.Detail)
	}
}

// Changing only the letter case of a key changes nothing on the server and
// keeps every status.
func TestAccRequestStatuses_letterCaseOnlyChange(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	upper := strings.ToUpper(testID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: bulkConfig(m, testID, "Completed")},
			{
				PreConfig: m.ResetCalls,
				Config:    bulkConfig(m, upper, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionUpdate),
						bulkPlanned(testID, "completed", knownvalue.NotNull()),
						bulkPlanned(testID, "status_code", knownvalue.Int64Exact(8)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(m.checkPUTs()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bulkAddr, tfjsonpath.New("requests"), knownvalue.MapExact(map[string]knownvalue.Check{
						upper: knownvalue.StringExact("Completed"),
					})),
					bulkState(testID, "status_code", knownvalue.Int64Exact(8)),
				},
			},
			{
				Config:   bulkConfig(m, upper, "Completed"),
				PlanOnly: true,
			},
		},
	})
}

// Two keys for the same request, in different letter case, are a plan
// error naming both.
func TestAccRequestStatuses_duplicateKeys(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	upper := strings.ToUpper(testID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return m.expectPUTs() },
		Steps: []resource.TestStep{{
			PreConfig:   m.ResetCalls,
			Config:      bulkConfig(m, upper, "Completed", testID, "Canceled"),
			ExpectError: regexp.MustCompile(`(?s)Request ` + testID + ` is listed twice.*"` + upper + `" and\s+"` + testID + `"`),
		}},
	})
}

// manyIDs returns n GUIDs of series.
func manyIDs(series, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%08x-0000-4000-8000-%012x", series, i+1)
	}
	return out
}

// With many entries, reads go through the list route: a refresh lists
// each status once, and a request the list does not return (here one that
// drifted out of the listed status) is still read on its own.
func TestAccRequestStatuses_listRoute(t *testing.T) {
	t.Parallel()
	ids := manyIDs(0xb1, listReadMin+8)
	var seed []mimcm.Request
	var pairs []string
	for _, id := range ids {
		seed = append(seed, seedRequest(id, mimcm.StatusApproved))
		pairs = append(pairs, id, "Completed")
	}
	m := newTestMock(t, mockapi.Options{}, seed...)
	config := bulkConfig(m, pairs...)
	lists := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			n, gets := 0, 0
			for _, c := range m.Calls() {
				switch {
				case c.Method == "GET" && c.RequestID == "":
					n++
				case c.Method == "GET":
					gets++
				}
			}
			if n != want || gets != 0 {
				return fmt.Errorf("want %d list calls and no GET of one request, got %d and %d (%s)", want, n, gets, m.describeCalls())
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetCalls,
				Config:    config,
				// Two plans (the plan and the apply's own) each list Pending,
				// Approved and Executing; then one PUT per request.
				Check: resource.ComposeAggregateTestCheckFunc(lists(6), m.checkPUTs(ids...)),
			},
			{
				PreConfig:    m.ResetCalls,
				RefreshState: true,
				Check:        lists(1),
			},
			{
				PreConfig: func() {
					m.Update(mimcm.GUID(ids[3]), func(r *mimcm.Request) {
						r.Status = mimcm.StatusApproved
						r.Completed = mimcm.Timestamp{}
					})
					m.ResetCalls()
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					m.checkCounts(map[string]int{"GET": 2}),
					resource.TestCheckResourceAttr(bulkAddr, "statuses."+ids[3]+".observed_status", "Approved"),
				),
			},
			{
				PreConfig: m.ResetCalls,
				Config:    config,
				Check:     m.checkPUTs(ids[3]),
			},
			{
				PreConfig: m.ResetCalls,
				Config:    strings.Replace(config, "requests = {", "use_list_route = false\n  requests = {", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bulkAddr, plancheck.ResourceActionUpdate)},
				},
				// Refreshed with the list route still in state: one list; the
				// update itself calls nothing.
				Check: resource.ComposeAggregateTestCheckFunc(lists(1), m.checkPUTs()),
			},
			{
				PreConfig:    m.ResetCalls,
				RefreshState: true,
				Check:        m.checkCounts(map[string]int{"GET": len(ids)}),
			},
		},
	})
}

// forEachConcurrently calls every index once, from no more goroutines than
// the limit.
func TestForEachConcurrently(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, limit int }{{0, 4}, {1, 4}, {3, 8}, {100, 8}, {50, 1}, {10, 0}} {
		t.Run(fmt.Sprintf("n%d_limit%d", tc.n, tc.limit), func(t *testing.T) {
			t.Parallel()
			var inFlight, peak atomic.Int64
			calls := make([]int, tc.n)
			var mu sync.Mutex
			forEachConcurrently(tc.n, tc.limit, func(i int) {
				now := inFlight.Add(1)
				defer inFlight.Add(-1)
				for {
					p := peak.Load()
					if now <= p || peak.CompareAndSwap(p, now) {
						break
					}
				}
				mu.Lock()
				calls[i]++
				mu.Unlock()
			})
			for i, c := range calls {
				if c != 1 {
					t.Errorf("index %d called %d times", i, c)
				}
			}
			if limit := int64(max(tc.limit, 1)); peak.Load() > limit {
				t.Errorf("%d calls at once, limit %d", peak.Load(), limit)
			}
		})
	}
}

// bulkClient is a client of a fresh in-process mock holding seed, with
// retries off so that one fault fails one call.
func bulkClient(t *testing.T, seed ...mimcm.Request) (*testMock, *mimcm.Client) {
	t.Helper()
	m := newTestMock(t, mockapi.Options{}, seed...)
	c, err := mimcm.NewClient(mimcm.Config{Host: m.URL, MaxRetries: 0, MaxConcurrentRequests: 4})
	if err != nil {
		t.Fatal(err)
	}
	return m, c
}

// apply keeps, after a partial failure, every entry that succeeded with
// its new status, the ones that failed with the status observed, and the
// one it could not read as state had it; each failure is one error naming
// its request. Run it with -race: the entries are driven concurrently.
func TestRequestStatusesResource_applyKeepsPartialState(t *testing.T) {
	t.Parallel()
	ids := manyIDs(0xa1, 12)
	seed := seedRequests(ids, mimcm.StatusApproved)
	m, client := bulkClient(t, seed...)
	failPUT, failGET := ids[2], ids[7]
	m.AddFault(mockapi.Fault{Status: 403, Method: "PUT", RequestID: mimcm.GUID(failPUT)})
	m.AddFault(mockapi.Fault{Status: 403, Method: "GET", RequestID: mimcm.GUID(failGET)})

	requests := map[string]attr.Value{}
	for _, id := range ids {
		requests[strings.ToUpper(id)] = types.StringValue("Completed")
	}
	plan := RequestStatusesResourceModel{Requests: types.MapValueMust(types.StringType, requests), UseListRoute: types.BoolValue(false)}
	// failGET was in state, Approved, as a refresh left it.
	prior := map[mimcm.GUID]priorEntry{mimcm.GUID(failGET): {
		key: failGET, value: "Approved",
		status: types.ObjectValueMust(entryType.AttrTypes, map[string]attr.Value{
			"status_code": types.Int64Value(3), "observed_status": types.StringValue("Approved"), "completed": types.StringNull(),
		}),
	}}
	r := &RequestStatusesResource{data: newProviderData(client)}
	diags := r.apply(t.Context(), &plan, prior, time.Minute, "timeouts.update")

	var errs []string
	for _, d := range diags.Errors() {
		errs = append(errs, d.Summary())
	}
	sort.Strings(errs)
	wantErrs := []string{"Cannot read request " + failGET, "Request " + failPUT + " could not be completed"}
	if !slices.Equal(errs, wantErrs) {
		t.Errorf("errors: want %q, got %q", wantErrs, errs)
	}
	gotRequests, gotStatuses := plan.Requests.Elements(), plan.Statuses.Elements()
	for _, id := range ids {
		key := strings.ToUpper(id)
		value := gotRequests[key].(types.String).ValueString()
		status, _ := gotStatuses[id].(types.Object)
		code := status.Attributes()["status_code"].(types.Int64).ValueInt64()
		switch id {
		case failPUT:
			if value != "Approved" || code != 3 {
				t.Errorf("%s, whose PUT failed: want Approved (3), got %s (%d)", id, value, code)
			}
		case failGET:
			if value != "Approved" || code != 3 {
				t.Errorf("%s, which could not be read: want what state had, Approved (3), got %s (%d)", id, value, code)
			}
		default:
			if value != "Completed" || code != 8 {
				t.Errorf("%s: want Completed (8), got %s (%d)", id, value, code)
			}
		}
	}
	if err := m.expectPUTs(slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == failGET })...); err != nil {
		t.Error(err)
	}
}

// readRequests reads through the list route what the lists return, and the
// rest one by one: a request another status's list holds, and every
// request when the list call fails. It keeps only the requests asked for,
// lean: a list's other requests, and every request's security descriptor
// and data collection, are dropped as they are read.
func TestReadRequests_listThenFallBack(t *testing.T) {
	t.Parallel()
	ids := manyIDs(0xa2, listReadMin+2)
	var seed []mimcm.Request
	hints := map[mimcm.GUID]mimcm.Status{}
	guids := make([]mimcm.GUID, len(ids))
	for i, id := range ids {
		status := mimcm.StatusCompleted
		if i == 0 {
			status = mimcm.StatusCanceled // expected Completed, found elsewhere
		}
		r := seedRequest(id, status)
		name := "Given name"
		r.SecurityDescriptor, r.DataCollection = "O:BAG:BAD:(A;;FA;;;BA)", []mimcm.DataCollectionItem{{Name: name, Value: &name}}
		seed = append(seed, r)
		guids[i] = mimcm.GUID(id)
		hints[guids[i]] = mimcm.StatusCompleted
	}
	for _, id := range manyIDs(0xa3, 5) {
		seed = append(seed, seedRequest(id, mimcm.StatusCompleted)) // listed, not asked for
	}
	for name, tc := range map[string]struct {
		fault    bool
		wantGETs int
	}{"list answers": {false, 1}, "list fails": {true, len(ids)}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, client := bulkClient(t, seed...)
			if tc.fault {
				m.AddFault(mockapi.Fault{Status: 403, Method: "GET", Count: 1})
			}
			got := readRequests(t.Context(), client, guids, hints, true)
			if len(got) != len(guids) {
				t.Errorf("want the %d requests asked for, got %d", len(guids), len(got))
			}
			for i, id := range guids {
				r := got[id]
				if r.err != nil || r.request == nil || r.request.Uuid != id {
					t.Fatalf("%s: got %+v", id, r)
				}
				if want := seed[i].Status; r.request.Status != want {
					t.Errorf("%s: want %s, got %s", id, want, r.request.Status)
				}
				want := seed[i]
				want.SecurityDescriptor, want.DataCollection = "", nil
				if !reflect.DeepEqual(*r.request, want) {
					t.Errorf("%s: want the request without its security descriptor and data collection:\n%+v\ngot:\n%+v", id, want, *r.request)
				}
			}
			single := 0
			for _, c := range m.Calls() {
				if c.Method == "GET" && c.RequestID != "" {
					single++
				}
			}
			if single != tc.wantGETs {
				t.Errorf("want %d GETs of single requests, got %d (%s)", tc.wantGETs, single, m.describeCalls())
			}
		})
	}
}

// bulkSummary reads the counts of interruptedApply's error.
// Terraform may break its lines anywhere between words.
var bulkSummary = regexp.MustCompile(`(?s)setting\s+(\d+)\s+requests:.*?-\s+(\d+)\s+(?:has|have)\s+their\s+status(?:.*?-\s+(\d+)\s+(?:was|were)\s+not\s+sent)?(?:.*?-\s+(\d+)\s+(?:was|were)\s+sent,\s+but)?`)

// interruptCounts are the counts an interrupted apply reports, and the
// requests it names as of unknown outcome.
type interruptCounts struct {
	total, done, unsent, unknown int
	named                        []string
}

// parseInterrupt reads the counts and names of interruptedApply's detail.
func parseInterrupt(t *testing.T, detail string) interruptCounts {
	t.Helper()
	m := bulkSummary.FindStringSubmatch(detail)
	if m == nil {
		t.Fatalf("the error does not give the counts of an interrupted apply:\n%s", detail)
	}
	n := make([]int, 4)
	for i := range n {
		if m[i+1] != "" {
			n[i], _ = strconv.Atoi(m[i+1])
		}
	}
	c := interruptCounts{total: n[0], done: n[1], unsent: n[2], unknown: n[3]}
	for _, line := range strings.Split(detail, "\n") {
		if id, _, ok := strings.Cut(strings.TrimSpace(line), ": "); ok {
			if _, err := mimcm.ParseGUID(id); err == nil {
				c.named = append(c.named, id)
			}
		}
	}
	return c
}

// expiringContext is a context whose deadline passes when expire is
// called: a test decides when an operation runs out of time.
type expiringContext struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newExpiringContext(parent context.Context) *expiringContext {
	return &expiringContext{Context: parent, done: make(chan struct{})}
}

func (c *expiringContext) Done() <-chan struct{} { return c.done }

func (c *expiringContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *expiringContext) expire() { c.once.Do(func() { close(c.done) }) }

// An apply interrupted midway, or out of time, reports one error, not one
// per request: how many requests are done, how many were not sent, and by
// name the first ten of those whose PUT was sent and never answered, or
// accepted and not finished. Every request the mock saw a PUT for is done
// or of unknown outcome, none of those not sent; state keeps the done ones
// Completed and the others as they were read, Approved.
func TestRequestStatusesResource_applyInterrupted(t *testing.T) {
	t.Parallel()
	interrupt := func(t *testing.T) (context.Context, func()) { return context.WithCancel(t.Context()) }
	for name, tc := range map[string]struct {
		stop func(t *testing.T) (context.Context, func())
		// executing: the server does not finish the requests it accepts, so
		// that as many are waited for as the client calls at once.
		executing bool
		inFlight  int // the client's MaxConcurrentRequests
		answered  int // the PUTs the mock answers before the apply stops
		summary   string
		next      string
	}{
		"interrupted": {interrupt, false, 4, 20, "The apply was interrupted before every request had its status", "Run terraform apply again to carry on"},
		"out of time": {func(t *testing.T) (context.Context, func()) {
			ctx := newExpiringContext(t.Context())
			return ctx, ctx.expire
		}, false, 4, 20,
			"The apply ran out of time before every request had its status", "timeouts.create (1m0s) ran out while mimcm_request_statuses was setting"},
		"interrupted while the server executes": {interrupt, true, 16, 16,
			"The apply was interrupted before every request had its status", "the server accepted the change and had not finished it"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const n = 120
			ids := manyIDs(0xa4, n)
			m := newTestMock(t, mockapi.Options{}, seedRequests(ids, mimcm.StatusApproved)...)
			client, err := mimcm.NewClient(mimcm.Config{Host: m.URL, MaxRetries: 0, MaxConcurrentRequests: tc.inFlight})
			if err != nil {
				t.Fatal(err)
			}
			m.SetLatency(20 * time.Millisecond)
			if tc.executing {
				m.SetExecutingPolls(1_000_000)
			}
			requests := map[string]attr.Value{}
			for _, id := range ids {
				requests[id] = types.StringValue("Completed")
			}
			plan := RequestStatusesResourceModel{Requests: types.MapValueMust(types.StringType, requests), UseListRoute: types.BoolValue(false)}
			r := &RequestStatusesResource{data: newProviderData(client)}

			ctx, stop := tc.stop(t)
			defer stop()
			go func() {
				// Stop once PUTs are answered, while others are on their way.
				for ctx.Err() == nil {
					answered := 0
					for _, c := range m.Calls() {
						if c.Method == "PUT" && c.Status == 200 {
							answered++
						}
					}
					if answered >= tc.answered {
						stop()
						return
					}
					time.Sleep(time.Millisecond)
				}
			}()
			diags := r.apply(ctx, &plan, nil, time.Minute, "timeouts.create")

			if len(diags) != 1 || diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %d diagnostics:\n%s", len(diags), describeDiags(diags))
			}
			d := diags[0]
			if d.Summary() != tc.summary || !strings.Contains(d.Detail(), tc.next) {
				t.Errorf("want the summary %q and a detail that says %q, got %q:\n%s", tc.summary, tc.next, d.Summary(), d.Detail())
			}
			if strings.Contains(d.Detail(), "no response from the server") {
				t.Errorf("the error reports requests as network failures:\n%s", d.Detail())
			}
			got := parseInterrupt(t, d.Detail())
			// The mock logs a PUT before its answer leaves: the PUTs it
			// answered when the apply stopped are done or of unknown outcome.
			if got.total != n || got.done+got.unsent+got.unknown != n || got.done+got.unknown < tc.answered || got.unsent == 0 || len(got.named) != min(got.unknown, maxNamedRequests) {
				t.Errorf("counts %+v: want %d in all, at least %d done or unknown, some not sent, the first %d unknown named:\n%s", got, n, tc.answered, maxNamedRequests, d.Detail())
			}
			if more := got.unknown - len(got.named); more > 0 && !regexp.MustCompile(`and\s+`+strconv.Itoa(more)+`\s+more`).MatchString(d.Detail()) {
				t.Errorf("the error does not count the %d requests of unknown outcome it does not name:\n%s", more, d.Detail())
			}

			state, statuses := plan.Requests.Elements(), plan.Statuses.Elements()
			done, named := map[string]bool{}, map[string]bool{}
			for _, id := range got.named {
				named[id] = true
			}
			for _, id := range ids {
				value := state[id].(types.String).ValueString()
				code := statuses[id].(types.Object).Attributes()["status_code"].(types.Int64).ValueInt64()
				switch {
				case value == "Completed" && code == 8:
					done[id] = true
				case value != "Approved" || code != 3:
					t.Errorf("%s: state holds %s (%d); want Completed (8) when done, else Approved (3) as read", id, value, code)
				}
			}
			if len(done) != got.done {
				t.Errorf("state holds %d requests done, the error says %d", len(done), got.done)
			}
			put, unnamed := map[string]bool{}, 0
			for _, c := range m.Calls() {
				if c.Method != "PUT" {
					continue
				}
				id := string(c.RequestID)
				if put[id] {
					t.Errorf("%s was sent twice", id)
				}
				put[id] = true
				if !done[id] && !named[id] {
					unnamed++
				}
			}
			if unnamed > got.unknown-len(got.named) {
				t.Errorf("%d requests reached the server but are neither done nor among the %d of unknown outcome", unnamed, got.unknown)
			}
			for id := range done {
				if got, _ := m.Request(mimcm.GUID(id)); !put[id] || got.Status != mimcm.StatusCompleted {
					t.Errorf("%s is done in state, but the mock holds it %s (PUT sent: %v)", id, got.Status, put[id])
				}
			}
			t.Logf("%d of %d done, %d not sent, %d of unknown outcome; the mock saw %d PUTs", got.done, n, got.unsent, got.unknown, len(put))
		})
	}
}

// A plan interrupted while it reads new entries, or whose reads all fail,
// names the first ten requests it could not read and counts the rest, in
// words that do not blame the network for reads never sent.
func TestRequestStatusesResource_planReadFailuresNamedTen(t *testing.T) {
	t.Parallel()
	ids := manyIDs(0xa5, 15)
	s := newProtocolServer(t, newTestMock(t, mockapi.Options{}, seedRequests(ids, mimcm.StatusApproved)...))
	schema := s.schemas.ResourceSchemas[requestStatusesTypeName]
	requests := map[string]string{}
	for _, id := range ids {
		requests[id] = "Completed"
	}
	config := dynamicValue(t, schema, map[string]any{"requests": requests, "use_list_route": false})
	prior, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, interrupt := context.WithCancel(t.Context())
	interrupt()
	resp, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: requestStatusesTypeName, Config: config, PriorState: &prior, ProposedNewState: config,
	})
	if err != nil {
		t.Fatal(err)
	}
	var named, more int
	for _, d := range resp.Diagnostics {
		switch {
		case d.Severity != tfprotov6.DiagnosticSeverityError:
			t.Errorf("unexpected %s: %s", d.Severity, d.Summary)
		case d.Summary == "5 more requests could not be read":
			more++
		case strings.HasPrefix(d.Summary, "Cannot read request "):
			named++
			if !strings.Contains(d.Detail, "not sent") || strings.Contains(d.Detail, "no response from the server") {
				t.Errorf("a read never sent is reported as %q", d.Detail)
			}
		default:
			t.Errorf("unexpected error: %s: %s", d.Summary, d.Detail)
		}
	}
	if named != 10 || more != 1 {
		t.Errorf("want 10 errors naming requests and 1 counting the other 5, got %d and %d:\n%s", named, more, describeDiagnostics(resp.Diagnostics))
	}
}
