package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

func TestAccRequestDataSource_read(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	const addr = "data.mimcm_request.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: m.providerBlock() + fmt.Sprintf(`
data "mimcm_request" "test" {
  id = %q
}
`, strings.ToUpper(testID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(strings.ToUpper(testID))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("Approved")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status_code"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("observed_status"), knownvalue.StringExact("Approved")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("completed"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("submitted"), knownvalue.StringExact("2015-07-07T23:36:21.93Z")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("security_descriptor"), knownvalue.StringExact(referenceSDDL)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("old_smartcard_uuid"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("profile_template_uuid"), knownvalue.StringExact("a039b4d0-5ce8-4eff-8651-181c6576fda3")),
			},
		}},
	})
}

func TestAccRequestDataSource_errors(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: m.providerBlock() + fmt.Sprintf(`
data "mimcm_request" "test" {
  id = %q
}
`, testID),
				ExpectError: regexp.MustCompile(`(?s)Cannot read request ` + testID + `.*request not found.*Check the request GUID`),
			},
			{
				Config: m.providerBlock() + `
data "mimcm_request" "test" {
  id = "a9b4b42c"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid request GUID.*"a9b4b42c" is not a GUID`),
			},
		},
	})
}

// TestAccRequestDataSource_statusNames reads requests in statuses whose
// names need care: an abandoned request is Failed (there is no Abandoned
// status), and a number outside the status table is kept, not an error.
func TestAccRequestDataSource_statusNames(t *testing.T) {
	t.Parallel()
	const failedID, unknownID = "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293", "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"
	m := newTestMock(t, mockapi.Options{},
		seedRequest(failedID, mimcm.StatusFailed),
		seedRequest(unknownID, mimcm.Status(42)))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: m.providerBlock() + fmt.Sprintf(`
data "mimcm_request" "failed" {
  id = %q
}

data "mimcm_request" "unknown" {
  id = %q
}
`, failedID, unknownID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.mimcm_request.failed", tfjsonpath.New("status"), knownvalue.StringExact("Failed")),
				statecheck.ExpectKnownValue("data.mimcm_request.failed", tfjsonpath.New("status_code"), knownvalue.Int64Exact(9)),
				statecheck.ExpectKnownValue("data.mimcm_request.failed", tfjsonpath.New("completed"), knownvalue.StringExact("2015-07-07T23:37:37.767Z")),
				statecheck.ExpectKnownValue("data.mimcm_request.unknown", tfjsonpath.New("status"), knownvalue.StringExact("Unknown(42)")),
				statecheck.ExpectKnownValue("data.mimcm_request.unknown", tfjsonpath.New("observed_status"), knownvalue.StringExact("Unknown(42)")),
				statecheck.ExpectKnownValue("data.mimcm_request.unknown", tfjsonpath.New("status_code"), knownvalue.Int64Exact(42)),
			},
		}},
	})
}

// TestAccRequestDataSource_serverErrors shows the server's refusal with
// the request it was about, and a 404 as a configuration problem rather
// than a missing request.
func TestAccRequestDataSource_serverErrors(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	config := m.providerBlock() + fmt.Sprintf(`
data "mimcm_request" "test" {
  id = %q
}
`, testID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					m.ClearFaults()
					m.AddFault(mockapi.Fault{Status: 403, Method: "GET", Message: "The caller may not read requests of this profile template."})
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Cannot read request ` + testID + `.*HTTP\s+403.*may not read requests`),
			},
			{
				PreConfig: func() {
					m.ClearFaults()
					m.AddFault(mockapi.Fault{Status: 404, Method: "GET"})
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Cannot read request ` + testID + `.*HTTP\s+404.*base_path.*Clm.WebApi.Enabled`),
			},
		},
	})
}
