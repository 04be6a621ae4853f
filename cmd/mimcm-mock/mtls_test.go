package main

import (
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testcerts"
)

// TestRun_mtls serves https and demands a client certificate from the CA
// given with -client-ca: without one the API answers 403.7, as IIS does.
func TestRun_mtls(t *testing.T) {
	dir := t.TempDir()
	serverCA := testcerts.NewCA(t, "server CA")
	clientCA := testcerts.NewCA(t, "client CA")
	serverCert, serverKey := serverCA.Server(t)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	s := start(t, env(nil), "-seed-example", "-auth", "mtls",
		"-tls-cert", write("server.pem", serverCert), "-tls-key", write("server.key", serverKey),
		"-client-ca", write("client-ca.pem", clientCA.CertPEM))
	if !strings.HasPrefix(s.url, "https://") {
		t.Fatalf("want an https URL, got %s", s.url)
	}

	call := func(certs ...tls.Certificate) int {
		t.Helper()
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs: serverCA.Pool(), Certificates: certs, MinVersion: tls.VersionTLS12,
		}}}
		resp, err := c.Get(s.url + "/CertificateManagement/api/v1.0/requests/" + string(mockapi.ExampleRequestID))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := call(); got != http.StatusForbidden {
		t.Errorf("without a client certificate: want 403, got %d", got)
	}
	certPEM, keyPEM := clientCA.Client(t, "svc-terraform")
	cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	if got := call(cert); got != http.StatusOK {
		t.Errorf("with a client certificate from the CA: want 200, got %d", got)
	}
}

// TestRun_tlsProtocols: over https the mock speaks HTTP/2 as IIS does,
// except that with -auth ntlm it refuses HTTP/2 with HTTP_1_1_REQUIRED.
func TestRun_tlsProtocols(t *testing.T) {
	dir := t.TempDir()
	ca := testcerts.NewCA(t, "server CA")
	certPEM, keyPEM := ca.Server(t)
	certFile, keyFile := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	for p, content := range map[string]string{certFile: certPEM, keyFile: keyPEM} {
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h2 := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: true,
	}}
	get := func(url string) (*http.Response, error) {
		resp, err := h2.Get(url + "/CertificateManagement/api/v1.0/requests/" + string(mockapi.ExampleRequestID))
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return resp, err
	}

	open := start(t, env(nil), "-seed-example", "-tls-cert", certFile, "-tls-key", keyFile)
	resp, err := get(open.url)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Proto != "HTTP/2.0" || resp.StatusCode != http.StatusOK {
		t.Errorf("without Windows authentication: want HTTP/2.0 200, got %s %d", resp.Proto, resp.StatusCode)
	}

	ntlm := start(t, env(map[string]string{envNTLMPassword: "pw"}), "-seed-example", "-auth", "ntlm", "-ntlm-user", "svc",
		"-tls-cert", certFile, "-tls-key", keyFile)
	if _, err := get(ntlm.url); err == nil || !strings.Contains(err.Error(), "HTTP_1_1_REQUIRED") {
		t.Errorf("-auth ntlm over HTTP/2: want HTTP_1_1_REQUIRED, got %v", err)
	}
	// The client keeps its HTTP/2 connection open; the shutdown must close
	// it rather than time out waiting for it.
	if err := ntlm.stop(); err != nil {
		t.Errorf("stopping with a refused HTTP/2 connection open: %v", err)
	}
}
