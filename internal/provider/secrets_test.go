package provider

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testcerts"
	"github.com/mimcm/terraform-provider-mimcm/internal/testkdc"
)

// TestAccProvider_secretsNeverLogged applies with every auth method while
// Terraform and the provider log at TRACE, and checks that no password,
// token, key or Authorization header value shows up in the logs. The
// secrets come from the environment, as we recommend: the test harness
// itself logs the configuration it writes. It cannot run in parallel: the
// log settings are environment variables.
func TestAccProvider_secretsNeverLogged(t *testing.T) {
	skipUnlessAcceptance(t) // before the realm, which MIMCM_TEST_KERBEROS may demand
	const (
		user     = `CONTOSO\svc-terraform`
		password = "Pa55-w0rd-never-logged"
		token    = "eyJhbGciOi.token-never-logged"
	)
	clientCA := testcerts.NewCA(t, "MIM CM client CA")
	serverCA := testcerts.NewCA(t, "MIM CM server CA")
	clientCert, clientKey := clientCA.Client(t, "svc-terraform")

	type method struct {
		name    string
		mock    func(t *testing.T) *testMock
		args    []string
		env     map[string]string
		secrets []string
	}
	methods := []method{
		{
			name: "basic",
			mock: func(t *testing.T) *testMock {
				return newTestMock(t, mockapi.Options{BasicUser: user, BasicPassword: password}, seedRequest(testID, mimcm.StatusApproved))
			},
			args:    []string{arg("auth_method", "basic"), arg("username", user)},
			env:     map[string]string{envOf("password"): password},
			secrets: []string{password, base64.StdEncoding.EncodeToString([]byte(user + ":" + password))},
		},
		{
			name: "bearer",
			mock: func(t *testing.T) *testMock {
				return newTestMock(t, mockapi.Options{BearerToken: token}, seedRequest(testID, mimcm.StatusApproved))
			},
			env:     map[string]string{envOf("token"): token},
			secrets: []string{token},
		},
		{
			name: "ntlm",
			mock: func(t *testing.T) *testMock {
				return newTestMock(t, mockapi.Options{Auth: []mockapi.Authenticator{mockapi.NTLMAuthenticator("svc-terraform", password, "CONTOSO")}},
					seedRequest(testID, mimcm.StatusApproved))
			},
			args:    []string{arg("auth_method", "ntlm"), arg("username", user)},
			env:     map[string]string{envOf("password"): password},
			secrets: []string{password},
		},
		{
			name: "mtls",
			mock: func(t *testing.T) *testMock {
				return newTLSTestMock(t, serverCA, clientCA, seedRequest(testID, mimcm.StatusApproved))
			},
			args: []string{
				arg("auth_method", "none"), arg("ca_cert_pem", serverCA.CertPEM),
				arg("client_cert_pem", clientCert),
			},
			env:     map[string]string{envOf("client_key_pem"): clientKey},
			secrets: []string{pemBody(clientKey)},
		},
	}
	if err := testkdc.Available(); err == nil || os.Getenv("MIMCM_TEST_KERBEROS") == "1" {
		realm := testkdc.New(t)
		keytab := base64.StdEncoding.EncodeToString(realm.UserKeytab)
		methods = append(methods, method{
			name: "negotiate",
			mock: func(t *testing.T) *testMock {
				m, _ := kerberosMock(t, realm)
				return m
			},
			args: []string{
				arg("auth_method", "negotiate"), arg("username", realm.Principal()),
				arg("krb5_conf_content", realm.Krb5Conf), arg("kerberos_spn", realm.SPN),
			},
			env:     map[string]string{envOf("kerberos_keytab_base64"): keytab},
			secrets: []string{keytab, realm.Password},
		})
	}

	for _, m := range methods {
		t.Run(m.name, func(t *testing.T) {
			readTraceLogs := traceLogs(t)
			for k, v := range m.env {
				t.Setenv(k, v)
			}

			mock := m.mock(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: mock.providerBlock(m.args...) + resourceBlock(testID, "Completed"),
					Check:  mock.checkStatus(testID, mimcm.StatusCompleted),
				}},
			})

			text := readTraceLogs()
			if !strings.Contains(text, "Calling the MIM CM API") {
				t.Fatal("the provider's own TRACE logs are missing, so this test would prove nothing")
			}
			for _, secret := range m.secrets {
				if i := strings.Index(text, secret); i >= 0 {
					t.Errorf("a secret appears in the TRACE log: …%s…", redactAround(text, i, len(secret)))
				}
			}
			for _, line := range strings.Split(text, "\n") {
				if strings.Contains(strings.ToLower(line), "authorization: ") {
					t.Errorf("an Authorization header appears in the TRACE log: %.120s", line)
				}
			}
		})
	}
}

// traceLogs makes Terraform and the provider log at TRACE into files for
// the rest of the test, and returns a function that reads what they wrote.
func traceLogs(t *testing.T) func() string {
	t.Helper()
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "provider.log"), filepath.Join(dir, "terraform.log")}
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", files[0])
	t.Setenv("TF_ACC_LOG_PATH", files[1])
	return func() string {
		var logs strings.Builder
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("reading the TRACE log: %v", err)
			}
			logs.Write(b)
		}
		return logs.String()
	}
}

// pemBody returns the base64 body of a PEM block, the part of a private
// key that must never leak.
func pemBody(p string) string {
	lines := strings.Split(strings.TrimSpace(p), "\n")
	return strings.Join(lines[1:len(lines)-1], "")[:40]
}

// redactAround shows where a secret was found without printing it.
func redactAround(text string, i, n int) string {
	start := max(i-40, 0)
	end := min(i+n+40, len(text))
	return fmt.Sprintf("%s[secret]%s", text[start:i], text[i+n:end])
}

// TestAccProvider_hostCredentialsNeverShown puts a password into a host
// that does not parse, as a user pasting a URL might, and checks that
// neither the error nor the TRACE logs repeat it. Not parallel: the log
// settings are environment variables.
func TestAccProvider_hostCredentialsNeverShown(t *testing.T) {
	const password = "S3cret-never-shown"
	readTraceLogs := traceLogs(t)
	t.Setenv(envOf("host"), "http://admin:"+password+"%zz@cm.contoso.com")

	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `provider "mimcm" {}` + resourceBlock(testID, "Completed"),
			PlanOnly:    true,
			ExpectError: words(`Invalid MIM CM host`, `"http://REDACTED@cm.contoso.com" is not a URL, and carries credentials in it`),
		}},
	})
	if err := m.expectCounts(map[string]int{}); err != nil {
		t.Error(err)
	}
	text := readTraceLogs()
	if !strings.Contains(text, "REDACTED@cm.contoso.com") {
		t.Fatalf("the provider's diagnostics are missing from the TRACE logs, so this test would prove nothing")
	}
	if i := strings.Index(text, password); i >= 0 {
		t.Errorf("the host's password appears in the TRACE log: …%s…", redactAround(text, i, len(password)))
	}
}
