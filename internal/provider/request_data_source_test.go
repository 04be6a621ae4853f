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
