package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testcerts"
)

// The account the NTLM mocks demand.
const (
	ntlmTestUser     = "svc-terraform"
	ntlmTestDomain   = "CONTOSO"
	ntlmTestPassword = "Pa55-w0rd-for-NTLM"
)

func newNTLMMock(t *testing.T, seed ...mimcm.Request) *testMock {
	t.Helper()
	return newTestMock(t, mockapi.Options{Auth: []mockapi.Authenticator{
		mockapi.NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain),
	}}, seed...)
}

// ntlmProvider configures the provider for NTLM as CONTOSO\svc-terraform.
func ntlmProvider(m *testMock, method, password string) string {
	return m.providerBlock(fmt.Sprintf(`
  auth_method = %q
  username    = "CONTOSO\\svc-terraform"
  password    = %q`, method, password))
}

// checkHandshakes checks that NTLM authenticated at least once and at most
// once per connection: an authenticated connection is reused without a
// new handshake.
func (m *testMock) checkHandshakes(t *testing.T) resource.TestCheckFunc {
	return func(*terraform.State) error {
		handshakes, conns := m.Handshakes(), m.Connections()
		t.Logf("NTLM: %d handshakes on %d connections for %d API calls", handshakes, conns, m.Counts()["total"])
		if handshakes < 1 || handshakes > conns {
			return fmt.Errorf("want between 1 NTLM handshake and one per connection, got %d handshakes on %d connections", handshakes, conns)
		}
		return nil
	}
}

// TestAccProvider_NTLMOverHTTPS is IIS over https with HTTP/2 enabled,
// its default: it refuses every HTTP/2 request it would authenticate with
// NTLM (HTTP_1_1_REQUIRED), and the provider, with the default auth_method
// auto, makes each refused call again over HTTP/1.1.
func TestAccProvider_NTLMOverHTTPS(t *testing.T) {
	t.Parallel()
	ca := testcerts.NewCA(t, "MIM CM test CA")
	m := newHTTPSTestMock(t, mockapi.Options{Auth: []mockapi.Authenticator{
		mockapi.NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain),
	}}, ca, nil, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: m.providerBlock(fmt.Sprintf(`
  username    = "CONTOSO\\svc-terraform"
  password    = %q
  ca_cert_pem = %q`, ntlmTestPassword, ca.CertPEM)) + resourceBlock(testID, "Completed"),
			ConfigStateChecks: []statecheck.StateCheck{expectState("status_code", knownvalue.Int64Exact(8))},
			Check:             resource.ComposeAggregateTestCheckFunc(m.checkStatus(testID, mimcm.StatusCompleted), m.checkHandshakes(t)),
		}},
	})
}

// TestAccProvider_NTLM completes a request and reads it back through a
// mock that demands NTLM: the PUT's body goes through the handshake.
func TestAccProvider_NTLM(t *testing.T) {
	t.Parallel()
	m := newNTLMMock(t, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: ntlmProvider(m, "ntlm", ntlmTestPassword) + fmt.Sprintf(`
resource "mimcm_request_status" "test" {
  request_id = %q
  status     = "Completed"
}

data "mimcm_request" "test" {
  id = mimcm_request_status.test.id
}
`, testID),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionCreate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("status_code", knownvalue.Int64Exact(8)),
				statecheck.ExpectKnownValue("data.mimcm_request.test", tfjsonpath.New("status"), knownvalue.StringExact("Completed")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				m.checkStatus(testID, mimcm.StatusCompleted),
				m.checkHandshakes(t),
			),
		}},
	})
}

// TestAccProvider_NTLMWrongPassword: a refused password fails with the
// server's 401, the request path, and what to check.
func TestAccProvider_NTLMWrongPassword(t *testing.T) {
	t.Parallel()
	m := newNTLMMock(t, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: ntlmProvider(m, "ntlm", "not-the-password") + fmt.Sprintf(`
data "mimcm_request" "test" {
  id = %q
}
`, testID),
			ExpectError: regexp.MustCompile(`(?s)GET\s+/CertificateManagement/api/v1.0/requests/` + testID +
				`.*authentication\s+failed\s+\(HTTP\s+401\).*auth_method\s+and\s+credentials`),
		}},
	})
	if got := m.Handshakes(); got != 0 {
		t.Errorf("a wrong password authenticated %d connections", got)
	}
}

// TestAccProvider_NTLMConnectionReuse reads 40 requests at Terraform's
// default parallelism: each connection authenticates at most once, and
// the connections stay within the client's lanes for each of the
// provider instances Terraform starts (plan, apply, refresh, plan).
func TestAccProvider_NTLMConnectionReuse(t *testing.T) {
	t.Parallel()
	const n = 40
	seed := make([]mimcm.Request, n)
	for i := range seed {
		seed[i] = seedRequest(fmt.Sprintf("0b6a0f0e-5b7e-4a4e-9f5e-%012x", i), mimcm.StatusApproved)
	}
	m := newNTLMMock(t, seed...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: ntlmProvider(m, "ntlm", ntlmTestPassword) + fmt.Sprintf(`
data "mimcm_request" "test" {
  count = %d
  id    = format("0b6a0f0e-5b7e-4a4e-9f5e-%%012x", count.index)
}
`, n),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.mimcm_request.test[39]", tfjsonpath.New("status"), knownvalue.StringExact("Approved")),
			},
			Check: m.checkHandshakes(t),
		}},
	})
	if handshakes, reads := m.Handshakes(), m.Counts()["GET"]; reads < n || handshakes >= reads/2 {
		t.Errorf("want far fewer handshakes than reads, got %d handshakes for %d GETs", handshakes, reads)
	}
}

// TestAccProvider_NTLMAuto: auth_method "auto" with a username and password
// answers a server that offers only NTLM with NTLM.
func TestAccProvider_NTLMAuto(t *testing.T) {
	t.Parallel()
	m := newNTLMMock(t, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: ntlmProvider(m, "auto", ntlmTestPassword) + fmt.Sprintf(`
data "mimcm_request" "test" {
  id = %q
}
`, testID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.mimcm_request.test", tfjsonpath.New("status"), knownvalue.StringExact("Approved")),
			},
			Check: m.checkHandshakes(t),
		}},
	})
}
