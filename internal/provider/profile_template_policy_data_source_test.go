package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

func policyConfig(m *testMock, template, requestType string) string {
	return m.providerBlock() + fmt.Sprintf(`
data "mimcm_profile_template_policy" "test" {
  profile_template_uuid = %q
  type                  = %q
}
`, template, requestType)
}

func expectPolicy(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.mimcm_profile_template_policy.test", tfjsonpath.New(attr), v)
}

// The policy is read from the route that answers: the current form, or
// after a 404 the older one.
func TestAccProfileTemplatePolicyDataSource(t *testing.T) {
	t.Parallel()
	for _, routes := range []mockapi.PolicyRoutes{mockapi.PolicyRoutesPolicies, mockapi.PolicyRoutesWorkflow} {
		t.Run(string(routes), func(t *testing.T) {
			t.Parallel()
			m := newWorkflowMock(t)
			if err := m.SetPolicyRoutes(routes); err != nil {
				t.Fatal(err)
			}
			route := "/profiletemplates/" + string(mockapi.ExampleVPNUserTemplateID) + "/policies/enroll"
			if routes == mockapi.PolicyRoutesWorkflow {
				route = "/profiletemplates/" + string(mockapi.ExampleVPNUserTemplateID) + "/policy/workflow/enroll"
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: policyConfig(m, string(mockapi.ExampleVPNUserTemplateID), "Enroll"),
					ConfigStateChecks: []statecheck.StateCheck{
						expectPolicy("route", knownvalue.StringRegexp(regexp.MustCompile(regexp.QuoteMeta(route)+`$`))),
						expectPolicy("enabled", knownvalue.Bool(true)),
						expectPolicy("approvals_needed", knownvalue.Int64Exact(1)),
						expectPolicy("default_request_priority", knownvalue.Int64Exact(5)),
						expectPolicy("data_collection", knownvalue.ListExact([]knownvalue.Check{
							knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Reason"), "required": knownvalue.Bool(true)}),
							knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Department"), "required": knownvalue.Bool(false)}),
						})),
					},
				}},
			})
		})
	}
}

// A disabled policy reads as disabled; a type without a policy, a
// template the server does not know, and a bad type are errors.
func TestAccProfileTemplatePolicyDataSource_errors(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      policyConfig(m, string(mockapi.ExampleVPNUserTemplateID), "Revoke"),
				ExpectError: regexp.MustCompile(`(?s)Cannot read the Revoke policy of profile template`),
			},
			{
				Config:      policyConfig(m, string(mockapi.ExampleVPNUserTemplateID), "TemporaryEnroll"),
				ExpectError: regexp.MustCompile(`(?s)value must be one of`),
			},
			{
				Config:      policyConfig(m, "not-a-guid", "Enroll"),
				ExpectError: regexp.MustCompile(`Invalid GUID`),
			},
			{
				Config: policyConfig(m, string(mockapi.ExampleVirtualSmartCardTemplateID), "Renew"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPolicy("enabled", knownvalue.Bool(false)),
				},
			},
		},
	})
}
