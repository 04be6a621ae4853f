package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM string
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, certPEM: pemBlock("CERTIFICATE", der)}
}

// issue signs a leaf certificate: a server certificate for 127.0.0.1, or a
// client certificate.
func (ca *testCA) issue(t *testing.T, name string, client bool) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	if client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		tmpl.IPAddresses = nil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pemBlock("CERTIFICATE", der), pemBlock("PRIVATE KEY", keyDER)
}

func pemBlock(kind string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}))
}

// newTLSTestMock serves the mock over https with a certificate from
// serverCA; when clientCA is not nil it demands client certificates that
// clientCA signed.
func newTLSTestMock(t *testing.T, serverCA, clientCA *testCA, seed ...mimcm.Request) *testMock {
	t.Helper()
	certPEM, keyPEM := serverCA.issue(t, "mimcm.test", false)
	cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	m := mockapi.New(mockapi.Options{RequireClientCert: clientCA != nil})
	m.Seed(seed...)
	srv := httptest.NewUnstartedServer(m)
	srv.Config.ConnContext = m.ConnContext
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if clientCA != nil {
		pool := x509.NewCertPool()
		pool.AddCert(clientCA.cert)
		srv.TLS.ClientCAs = pool
		srv.TLS.ClientAuth = tls.VerifyClientCertIfGiven
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &testMock{Server: m, URL: srv.URL}
}

func TestAccProvider_caCertPEM(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t, "MIM CM test CA")
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
				Config: m.providerBlock(fmt.Sprintf("  ca_cert_pem = %q", ca.certPEM)) + resourceBlock(testID, "Completed"),
				Check:  m.checkStatus(testID, mimcm.StatusCompleted),
			},
		},
	})
}

func TestAccProvider_caCertFile(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t, "MIM CM test CA")
	m := newTLSTestMock(t, ca, nil, seedRequest(testID, mimcm.StatusApproved))
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, []byte(ca.certPEM), 0o600); err != nil {
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
	serverCA := newTestCA(t, "MIM CM server CA")
	clientCA := newTestCA(t, "MIM CM client CA")
	certPEM, keyPEM := clientCA.issue(t, "svc-terraform", true)
	m := newTLSTestMock(t, serverCA, clientCA, seedRequest(testID, mimcm.StatusApproved))
	ca := fmt.Sprintf("  ca_cert_pem = %q", serverCA.certPEM)
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
