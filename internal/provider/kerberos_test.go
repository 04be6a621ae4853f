package provider

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testcerts"
	"github.com/mimcm/terraform-provider-mimcm/internal/testkdc"
)

// kerberosMock is a mock that demands Negotiate tokens for the realm's
// HTTP/127.0.0.1, with the reference request seeded Approved.
func kerberosMock(t *testing.T, realm *testkdc.Realm) (*testMock, *mockapi.NegotiateService) {
	t.Helper()
	svc := negotiateService(t, realm)
	return newTestMock(t, mockapi.Options{Auth: []mockapi.Authenticator{svc}}, seedRequest(testID, mimcm.StatusApproved)), svc
}

// negotiateService accepts Negotiate tokens for the realm's HTTP/127.0.0.1.
func negotiateService(t *testing.T, realm *testkdc.Realm) *mockapi.NegotiateService {
	t.Helper()
	auth, err := mockapi.NegotiateAuthenticator(realm.ServiceKeytab, realm.SPN)
	if err != nil {
		t.Fatal(err)
	}
	return auth.(*mockapi.NegotiateService) //nolint:forcetypeassert // what NegotiateAuthenticator returns
}

// kerberosStatusConfig completes the reference request with the provider
// configured by the given arguments.
func kerberosStatusConfig(m *testMock, args ...string) string {
	return m.providerBlock(args...) + fmt.Sprintf(`
resource "mimcm_request_status" "test" {
  request_id = %q
  status     = "Completed"
}
`, testID)
}

// arg renders one provider argument with its value quoted for HCL.
func arg(name, value string) string { return fmt.Sprintf("  %s = %q", name, value) }

// acceptedKerberos checks that the mock let the realm's user in, by token.
func acceptedKerberos(svc *mockapi.NegotiateService, realm *testkdc.Realm) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := svc.Accepted()
		if len(got) == 0 || slices.IndexFunc(got, func(p string) bool { return p != realm.Principal() }) >= 0 {
			return fmt.Errorf("the mock accepted tokens of %q, want only %s (refused: %q)", got, realm.Principal(), svc.Refused())
		}
		return nil
	}
}

// acceptanceRealm starts a Kerberos realm for an acceptance test, after
// skipping it without TF_ACC as resource.Test would: a test that will not
// run Terraform neither starts a KDC nor, under MIMCM_TEST_KERBEROS=1,
// fails for the want of one.
func acceptanceRealm(t *testing.T) *testkdc.Realm {
	t.Helper()
	skipUnlessAcceptance(t)
	return testkdc.New(t)
}

// kerberosTest applies the status resource with the provider authenticating
// by Negotiate with args, and checks that the PUT went through as the
// realm's user.
func kerberosTest(t *testing.T, realm *testkdc.Realm, m *testMock, svc *mockapi.NegotiateService, args ...string) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: kerberosStatusConfig(m, args...),
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("observed_status", knownvalue.StringExact("Completed")),
				expectState("status_code", knownvalue.Int64Exact(8)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				acceptedKerberos(svc, realm),
				func(*terraform.State) error {
					if got := m.Counts()["PUT"]; got != 1 {
						return fmt.Errorf("want 1 PUT through Negotiate, got %d (%s)", got, m.describeCalls())
					}
					return nil
				},
			),
		}},
	})
}

func TestAccProvider_KerberosPassword(t *testing.T) {
	t.Parallel()
	realm := acceptanceRealm(t)
	m, svc := kerberosMock(t, realm)
	kerberosTest(t, realm, m, svc,
		arg("auth_method", "negotiate"),
		arg("username", realm.User),
		arg("password", realm.Password),
		arg("kerberos_realm", realm.Name),
		arg("krb5_conf", realm.Krb5ConfPath),
	)
}

func TestAccProvider_KerberosKeytab(t *testing.T) {
	t.Parallel()
	realm := acceptanceRealm(t)
	m, svc := kerberosMock(t, realm)
	kerberosTest(t, realm, m, svc,
		arg("auth_method", "negotiate"),
		arg("username", realm.Principal()),
		arg("kerberos_keytab", realm.UserKeytabPath),
		arg("krb5_conf", realm.Krb5ConfPath),
		arg("kerberos_spn", realm.SPN),
	)
}

// Remote runners have no files: keytab and krb5.conf come inline.
func TestAccProvider_KerberosKeytabBase64(t *testing.T) {
	t.Parallel()
	realm := acceptanceRealm(t)
	m, svc := kerberosMock(t, realm)
	kerberosTest(t, realm, m, svc,
		arg("auth_method", "negotiate"),
		arg("username", realm.User),
		arg("kerberos_keytab_base64", base64.StdEncoding.EncodeToString(realm.UserKeytab)),
		arg("krb5_conf_content", realm.Krb5Conf),
	)
}

// The cache's type may be spelled in any case, as the client reads it:
// the provider once refused "file:" where the client took it.
func TestAccProvider_KerberosCCache(t *testing.T) {
	t.Parallel()
	realm := acceptanceRealm(t)
	for _, prefix := range []string{"FILE:", "file:"} {
		t.Run(prefix, func(t *testing.T) {
			t.Parallel()
			m, svc := kerberosMock(t, realm)
			kerberosTest(t, realm, m, svc,
				arg("auth_method", "negotiate"),
				arg("kerberos_ccache", prefix+realm.CCachePath),
				arg("krb5_conf_content", realm.Krb5Conf),
			)
		})
	}
}

// auto answers the server's Negotiate challenge with Kerberos when a
// Kerberos login is configured.
func TestAccProvider_KerberosAuto(t *testing.T) {
	t.Parallel()
	realm := acceptanceRealm(t)
	m, svc := kerberosMock(t, realm)
	kerberosTest(t, realm, m, svc,
		arg("username", realm.User),
		arg("kerberos_keytab_base64", base64.StdEncoding.EncodeToString(realm.UserKeytab)),
		arg("krb5_conf_content", realm.Krb5Conf),
	)
}

// TestAccProvider_KerberosOverHTTPS is IIS over https with HTTP/2 enabled,
// its default: it refuses every HTTP/2 request it would authenticate with
// Negotiate (HTTP_1_1_REQUIRED), and the provider makes each refused call
// again over HTTP/1.1.
func TestAccProvider_KerberosOverHTTPS(t *testing.T) {
	t.Parallel()
	realm := acceptanceRealm(t)
	ca := testcerts.NewCA(t, "MIM CM test CA")
	svc := negotiateService(t, realm)
	m := newHTTPSTestMock(t, mockapi.Options{Auth: []mockapi.Authenticator{svc}}, ca, nil, seedRequest(testID, mimcm.StatusApproved))
	kerberosTest(t, realm, m, svc,
		arg("auth_method", "negotiate"),
		arg("username", realm.Principal()),
		arg("kerberos_keytab", realm.UserKeytabPath),
		arg("krb5_conf", realm.Krb5ConfPath),
		arg("ca_cert_pem", ca.CertPEM),
	)
}

func TestAccProvider_KerberosErrors(t *testing.T) {
	t.Parallel()
	realm := acceptanceRealm(t)
	m, svc := kerberosMock(t, realm)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: kerberosStatusConfig(m,
					arg("auth_method", "negotiate"),
					arg("username", realm.User),
					arg("password", "wrong-"+realm.Password),
					arg("krb5_conf_content", realm.Krb5Conf),
				),
				ExpectError: regexp.MustCompile(`(?s)Kerberos login as alice@MIMCM\.TEST with a password failed.*wrong\s+password`),
			},
			{
				Config: kerberosStatusConfig(m,
					arg("auth_method", "negotiate"),
					arg("username", realm.User),
					arg("password", realm.Password),
					arg("krb5_conf_content", realm.Krb5Conf),
					arg("kerberos_spn", "HTTP/mimcm.nowhere.test"),
				),
				ExpectError: regexp.MustCompile(`(?s)knows\s+no\s+service\s+principal\s+HTTP/mimcm\.nowhere\.test`),
			},
			{
				Config: kerberosStatusConfig(m,
					arg("auth_method", "negotiate"),
					arg("username", realm.User),
					arg("password", realm.Password),
					arg("krb5_conf_content", "not a krb5.conf"),
				),
				ExpectError: regexp.MustCompile(`(?s)krb5.conf\s+has\s+no\s+\[libdefaults\]`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if got := m.Counts()["PUT"]; got != 0 {
				return fmt.Errorf("no PUT may pass without valid Kerberos credentials, got %d", got)
			}
			if got := svc.Accepted(); len(got) != 0 {
				return fmt.Errorf("the mock accepted tokens of %q", got)
			}
			if strings.Contains(m.describeCalls(), "PUT") {
				return fmt.Errorf("a PUT reached the mock: %s", m.describeCalls())
			}
			return nil
		},
	})
}
