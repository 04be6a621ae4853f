package provider

import (
	"crypto/tls"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testcerts"
)

// newTLSTestMock serves the mock over https with a certificate from
// serverCA; when clientCA is not nil it demands client certificates that
// clientCA signed.
func newTLSTestMock(t *testing.T, serverCA, clientCA *testcerts.CA, seed ...mimcm.Request) *testMock {
	t.Helper()
	return newHTTPSTestMock(t, mockapi.Options{RequireClientCert: clientCA != nil}, serverCA, clientCA, seed...)
}

// newHTTPSTestMock serves a mock with opts over https as IIS does
// (mockapi's ConfigureTLS: HTTP/2, refused for Windows authentication),
// with a certificate from serverCA; when clientCA is not nil, the server
// asks for client certificates that clientCA signed.
func newHTTPSTestMock(t *testing.T, opts mockapi.Options, serverCA, clientCA *testcerts.CA, seed ...mimcm.Request) *testMock {
	t.Helper()
	m := mockapi.New(opts)
	m.Seed(seed...)
	srv := httptest.NewUnstartedServer(m)
	srv.Config.ConnContext = m.ConnContext
	srv.TLS = serverCA.ServerTLS(t)
	if clientCA != nil {
		srv.TLS.ClientCAs = clientCA.Pool()
		srv.TLS.ClientAuth = tls.VerifyClientCertIfGiven
	}
	m.ConfigureTLS(srv.Config, srv.TLS)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &testMock{Server: m, URL: srv.URL}
}

func TestAccProvider_caCertPEM(t *testing.T) {
	t.Parallel()
	ca := testcerts.NewCA(t, "MIM CM test CA")
	m := newTLSTestMock(t, ca, nil, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The system pool does not know the test CA.
				Config:      m.providerBlock() + resourceBlock(testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)GET\s+/CertificateManagement/api/v1.0/requests/` + testID + `.*certificate.*TLS settings`),
			},
			{
				Config: m.providerBlock(fmt.Sprintf("  ca_cert_pem = %q", ca.CertPEM)) + resourceBlock(testID, "Completed"),
				Check:  m.checkStatus(testID, mimcm.StatusCompleted),
			},
		},
	})
}

func TestAccProvider_caCertFile(t *testing.T) {
	t.Parallel()
	ca := testcerts.NewCA(t, "MIM CM test CA")
	m := newTLSTestMock(t, ca, nil, seedRequest(testID, mimcm.StatusApproved))
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, []byte(ca.CertPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      m.providerBlock(fmt.Sprintf("  ca_cert_file = %q", file+".missing")) + resourceBlock(testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)Cannot read CA certificate file.*ca.pem.missing`),
			},
			{
				Config: m.providerBlock(fmt.Sprintf("  ca_cert_file = %q", file)) + resourceBlock(testID, "Completed"),
				Check:  m.checkStatus(testID, mimcm.StatusCompleted),
			},
		},
	})
}

func TestAccProvider_mutualTLS(t *testing.T) {
	t.Parallel()
	serverCA := testcerts.NewCA(t, "MIM CM server CA")
	clientCA := testcerts.NewCA(t, "MIM CM client CA")
	certPEM, keyPEM := clientCA.Client(t, "svc-terraform")
	m := newTLSTestMock(t, serverCA, clientCA, seedRequest(testID, mimcm.StatusApproved))
	ca := fmt.Sprintf("  ca_cert_pem = %q", serverCA.CertPEM)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      m.providerBlock(ca) + resourceBlock(testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)forbidden.*HTTP\s+403.*client\s+certificate`),
			},
			{
				Config:      m.providerBlock(ca, fmt.Sprintf("  client_cert_pem = %q", certPEM)) + resourceBlock(testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)Missing client key.*client_key_pem`),
			},
			{
				Config: m.providerBlock(ca, fmt.Sprintf("  client_cert_pem = %q", certPEM), fmt.Sprintf("  client_key_pem = %q", keyPEM)) +
					resourceBlock(testID, "Completed"),
				Check: m.checkStatus(testID, mimcm.StatusCompleted),
			},
		},
	})
}

func TestAccProvider_badPEM(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      m.providerBlock(`  ca_cert_pem = "not a certificate"`) + resourceBlock(testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)Invalid CA certificate.*ca_cert_pem.*BEGIN\s+CERTIFICATE`),
			},
			{
				Config: m.providerBlock(`  client_cert_pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"`,
					`  client_key_pem = "garbage"`) + resourceBlock(testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)Invalid client certificate or key.*client_cert_pem`),
			},
		},
	})
}
