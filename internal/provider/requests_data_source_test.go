package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// listSeed returns requests submitted in a known order, seeded so that the
// mock's own order would differ from submission order by GUID.
func listSeed() []mimcm.Request {
	at := func(minute int) mimcm.Timestamp {
		return mimcm.NewTimestamp(time.Date(2026, 11, 20, 9, minute, 0, 0, time.UTC))
	}
	other := mimcm.GUID("0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b")
	reqs := []mimcm.Request{
		seedRequest("ffffffff-0000-4000-8000-000000000001", mimcm.StatusApproved),
		seedRequest("00000000-0000-4000-8000-000000000002", mimcm.StatusApproved),
		seedRequest("88888888-0000-4000-8000-000000000003", mimcm.StatusCompleted),
		seedRequest("11111111-0000-4000-8000-000000000004", mimcm.StatusApproved),
	}
	reqs[0].Submitted = at(1)
	reqs[1].Submitted = at(2)
	reqs[2].Submitted = at(3)
	reqs[3].Submitted = at(2) // same time as reqs[1]: GUID decides
	reqs[3].TargetUserUuid = other
	return reqs
}

func TestAccRequestsDataSource_filters(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, listSeed()...)
	ids := func(guids ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(guids))
		for i, g := range guids {
			checks[i] = knownvalue.StringExact(g)
		}
		return knownvalue.ListExact(checks)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: m.providerBlock() + `
data "mimcm_requests" "all" {}

data "mimcm_requests" "approved" {
  status = "Approved"
}

data "mimcm_requests" "mine_approved" {
  status      = "Approved"
  target_user = "current"
}

data "mimcm_requests" "none" {
  status = "Executing"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.mimcm_requests.all", tfjsonpath.New("ids"), ids(
					"ffffffff-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
					"11111111-0000-4000-8000-000000000004", "88888888-0000-4000-8000-000000000003")),
				statecheck.ExpectKnownValue("data.mimcm_requests.approved", tfjsonpath.New("ids"), ids(
					"ffffffff-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
					"11111111-0000-4000-8000-000000000004")),
				statecheck.ExpectKnownValue("data.mimcm_requests.mine_approved", tfjsonpath.New("ids"), ids(
					"ffffffff-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002")),
				statecheck.ExpectKnownValue("data.mimcm_requests.none", tfjsonpath.New("ids"), ids()),
				statecheck.ExpectKnownValue("data.mimcm_requests.none", tfjsonpath.New("requests"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.mimcm_requests.all", tfjsonpath.New("requests").AtSliceIndex(3).AtMapKey("status"), knownvalue.StringExact("Completed")),
				statecheck.ExpectKnownValue("data.mimcm_requests.all", tfjsonpath.New("requests").AtSliceIndex(3).AtMapKey("status_code"), knownvalue.Int64Exact(8)),
				statecheck.ExpectKnownValue("data.mimcm_requests.all", tfjsonpath.New("requests").AtSliceIndex(3).AtMapKey("completed"), knownvalue.StringExact("2015-07-07T23:37:37.767Z")),
				statecheck.ExpectKnownValue("data.mimcm_requests.all", tfjsonpath.New("requests").AtSliceIndex(0).AtMapKey("security_descriptor"), knownvalue.StringExact(referenceSDDL)),
			},
			// The filters are the server's to apply: each one must reach it
			// as a query parameter, and nothing else may be sent.
			Check: m.checkListQueries("", "status=Approved", "status=Approved&targetuser=current", "status=Executing"),
		}},
	})
}

// checkListQueries checks that the list calls the mock answered carried
// exactly these query strings, in any order and any number of times each.
func (m *testMock) checkListQueries(want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		var got []string
		for _, c := range m.Calls() {
			if c.Method != http.MethodGet || !strings.HasSuffix(c.Path, "/requests") {
				continue
			}
			if !slices.Contains(got, c.Query) {
				got = append(got, c.Query)
			}
		}
		slices.Sort(got)
		sorted := slices.Sorted(slices.Values(want))
		if !slices.Equal(got, sorted) {
			return fmt.Errorf("list queries: want %q, got %q (all calls: %s)", sorted, got, m.describeCalls())
		}
		return nil
	}
}

// TestAccRequestsDataSource_emptyResults covers both ways a server can say
// "no match": 204 with no body (what the mock answers for an empty list),
// and 200 with an empty JSON array (or null). Each is an empty list, not an
// error.
func TestAccRequestsDataSource_emptyResults(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{})
	// The mock itself only ever answers 204 for an empty list; a front
	// answers 200 with a body for two of the filters and passes the rest on.
	bodies := map[string]string{"Approved": "[]", "Pending": "null"}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body, ok := bodies[r.URL.Query().Get("status")]; ok && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/requests") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, body)
			return
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	front200 := &testMock{Server: m.Server, URL: front.URL}

	empty := knownvalue.ListExact([]knownvalue.Check{})
	var checks []statecheck.StateCheck
	for _, name := range []string{"no_content", "empty_array", "null"} {
		addr := "data.mimcm_requests." + name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids"), empty),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("requests"), empty))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: front200.providerBlock() + `
data "mimcm_requests" "no_content" {
  status = "Completed"
}

data "mimcm_requests" "empty_array" {
  status = "Approved"
}

data "mimcm_requests" "null" {
  status = "Pending"
}
`,
			ConfigStateChecks: checks,
			// Only the 204 went through to the mock; the 200s were the front's.
			Check: m.checkListQueries("status=Completed"),
		}},
	})
}

func TestAccRequestsDataSource_badInput(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      m.providerBlock() + `data "mimcm_requests" "x" { status = "Abandoned" }`,
				ExpectError: regexp.MustCompile(`(?s)status.*value must be one of`),
			},
			{
				Config:      m.providerBlock() + `data "mimcm_requests" "x" { target_user = "someone" }`,
				ExpectError: regexp.MustCompile(`(?s)target_user.*value must be one of.*"current"`),
			},
			{
				// Status names are the API's, spelled as it spells them.
				Config:      m.providerBlock() + `data "mimcm_requests" "x" { status = "approved" }`,
				ExpectError: regexp.MustCompile(`(?s)status.*value must be one of`),
			},
		},
	})
	// Validation stops every one of these before the provider calls the API.
	if err := m.expectCounts(map[string]int{}); err != nil {
		t.Error(err)
	}
}

// TestAccRequestsDataSource_serverError shows the server's refusal, with its
// message and correlation ID, instead of an empty list.
func TestAccRequestsDataSource_serverError(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, listSeed()...)
	m.AddFault(mockapi.Fault{Status: 500, Method: "GET", Message: "Object reference not set. Correlation ID: 6f9619ff-8b86-d011-b42d-00cf4fc964ff"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      m.providerBlock() + `data "mimcm_requests" "x" { status = "Approved" }`,
			ExpectError: regexp.MustCompile(`(?s)Cannot list requests.*GET\s+/CertificateManagement/api/v1.0/requests.*HTTP\s+500.*6f9619ff-8b86-d011-b42d-00cf4fc964ff`),
		}},
	})
}

func TestSortRequests(t *testing.T) {
	reqs := listSeed()
	// Reverse, so that sorting has work to do.
	for i, j := 0, len(reqs)-1; i < j; i, j = i+1, j-1 {
		reqs[i], reqs[j] = reqs[j], reqs[i]
	}
	sortRequests(reqs)
	want := []mimcm.GUID{
		"ffffffff-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
		"11111111-0000-4000-8000-000000000004", "88888888-0000-4000-8000-000000000003",
	}
	for i, r := range reqs {
		if r.Uuid != want[i] {
			t.Errorf("position %d: want %s, got %s", i, want[i], r.Uuid)
		}
	}
}
