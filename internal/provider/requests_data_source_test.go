package provider

import (
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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
		},
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
