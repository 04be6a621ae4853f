package provider

import (
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

// The templates come ordered by name, with lower-case GUIDs whatever the
// server sends, and a name finds one without regard to letter case.
func TestAccProfileTemplatesDataSource(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	templates := mockapi.ExampleProfileTemplates()
	templates[0].Uuid = mimcm.GUID(strings.ToUpper(string(templates[0].Uuid)))
	if err := m.SetProfileTemplates(templates...); err != nil {
		t.Fatal(err)
	}
	template := func(uuid mimcm.GUID, name string, smartcard, virtual bool) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"uuid": knownvalue.StringExact(strings.ToLower(string(uuid))), "name": knownvalue.StringExact(name),
			"is_smartcard": knownvalue.Bool(smartcard), "is_virtual_smartcard": knownvalue.Bool(virtual),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: m.ResetCalls,
			Config: m.providerBlock() + `
data "mimcm_profile_templates" "all" {}

data "mimcm_profile_templates" "vpn" {
  name = "vpn user"
}

data "mimcm_profile_templates" "none" {
  name = "Nothing by that name"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.mimcm_profile_templates.all", tfjsonpath.New("templates"), knownvalue.ListExact([]knownvalue.Check{
					template(mockapi.ExampleSmartCardLogonTemplateID, "Smart Card Logon", true, false),
					template(mockapi.ExampleVirtualSmartCardTemplateID, "Virtual Smart Card", false, true),
					template(mockapi.ExampleVPNUserTemplateID, "VPN User", false, false),
				})),
				statecheck.ExpectKnownValue("data.mimcm_profile_templates.vpn", tfjsonpath.New("templates"), knownvalue.ListExact([]knownvalue.Check{
					template(mockapi.ExampleVPNUserTemplateID, "VPN User", false, false),
				})),
				statecheck.ExpectKnownValue("data.mimcm_profile_templates.none", tfjsonpath.New("templates"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// A server that refuses the list is an error that says so.
func TestAccProfileTemplatesDataSource_serverError(t *testing.T) {
	t.Parallel()
	m := newWorkflowMock(t)
	m.AddFault(mockapi.Fault{Status: 403, Method: "GET"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      m.providerBlock() + `data "mimcm_profile_templates" "all" {}`,
			ExpectError: regexp.MustCompile(`(?s)Cannot list profile templates.*HTTP 403`),
		}},
	})
}
