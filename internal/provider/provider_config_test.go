package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

func resourceBlock(requestID, status string) string {
	return fmt.Sprintf(`
resource "mimcm_request_status" "test" {
  request_id = %q
  status     = %q
}
`, requestID, status)
}

func TestAccProvider_hostErrorsAtPlan(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		provider string
		want     string
	}{
		"missing":   {`provider "mimcm" {}`, `(?s)Missing MIM CM host.*host.*MIMCM_HOST`},
		"no scheme": {`provider "mimcm" { host = "api.contoso.com" }`, `(?s)Invalid MIM CM host.*host.*no http or https scheme`},
		"path":      {`provider "mimcm" { host = "https://api.contoso.com/CertificateManagement" }`, `(?s)Invalid MIM CM host.*has a path.*base_path`},
		"base path": {`provider "mimcm" {
  host      = "https://api.contoso.com"
  base_path = "api/v1.0"
}`, `(?s)Invalid base path.*does not start with`},
		"auth method": {`provider "mimcm" {
  host        = "https://api.contoso.com"
  auth_method = "kerberos5"
}`, `(?s)auth_method.*value must be one of`},
		"timeout": {`provider "mimcm" {
  host            = "https://api.contoso.com"
  request_timeout = "sixty"
}`, `(?s)request_timeout.*"sixty" is not a duration`},
		"missing password": {`provider "mimcm" {
  host        = "https://api.contoso.com"
  auth_method = "basic"
  username    = "CONTOSO\\svc-terraform"
}`, `(?s)Missing password.*password.*MIMCM_PASSWORD`},
		"null header": {`provider "mimcm" {
  host    = "https://api.contoso.com"
  headers = { "X-Team" = null }
}`, `(?s)Header without a value.*Header "X-Team" is null\. Give it a value, or remove it`},
		"missing token": {`provider "mimcm" {
  host        = "https://api.contoso.com"
  auth_method = "bearer"
}`, `(?s)Missing token.*MIMCM_TOKEN`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.provider + resourceBlock(testID, "Completed"),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// A host that comes from another resource is unknown while planning; the
// plan goes on without calling the API.
func TestAccProvider_unknownHostStillPlans(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "api" {
  input = "api"
}

provider "mimcm" {
  host = "https://${terraform_data.api.id}.contoso.com"
}
` + resourceBlock(testID, "Completed"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

func TestAccProvider_hostFromEnvironment(t *testing.T) {
	m := newTestMock(t, mockapi.Options{}, seedRequest(testID, mimcm.StatusApproved))
	t.Setenv("MIMCM_HOST", m.URL)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "mimcm" {}` + resourceBlock(testID, "Completed"),
			Check:  m.checkStatus(testID, mimcm.StatusCompleted),
		}},
	})
}

func TestAccProvider_basicAuth(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{BasicUser: `CONTOSO\svc-terraform`, BasicPassword: "s3cret-Pa55"},
		seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: m.providerBlock(`  auth_method = "basic"`, `  username = "CONTOSO\\svc-terraform"`, `  password = "wrong"`) + resourceBlock(testID, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)GET\s+/CertificateManagement/api/v1.0/requests/` + testID +
					`.*authentication failed.*HTTP\s+401.*auth_method`),
			},
			{
				Config: m.providerBlock(`  auth_method = "basic"`, `  username = "CONTOSO\\svc-terraform"`, `  password = "s3cret-Pa55"`) + resourceBlock(testID, "Completed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAddr, plancheck.ResourceActionCreate)},
				},
				Check: m.checkStatus(testID, mimcm.StatusCompleted),
			},
		},
	})
}

func TestAccProvider_bearerAuth(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{BearerToken: "eyJ0eXAiOiJKV1Qi.test-token"}, seedRequest(testID, mimcm.StatusApproved))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: m.providerBlock(`  token = "eyJ0eXAiOiJKV1Qi.test-token"`) + resourceBlock(testID, "Canceled"),
			Check:  m.checkStatus(testID, mimcm.StatusCanceled),
		}},
	})
}

// TestProviderConfig_resolve checks how configuration and environment
// combine, and that every problem names its argument.
func TestProviderConfig_resolve(t *testing.T) {
	cases := []struct {
		name     string
		config   map[string]any
		env      map[string]string
		errors   map[string]string // attribute → text in the error
		warnings map[string]string
		check    func(t *testing.T, c mimcm.Config)
	}{
		{
			name:   "defaults",
			config: map[string]any{"host": "https://api.contoso.com/"},
			check: func(t *testing.T, c mimcm.Config) {
				if c.Host != "https://api.contoso.com" || c.BasePath != mimcm.DefaultBasePath ||
					c.RequestTimeout != mimcm.DefaultRequestTimeout || c.MaxRetries != mimcm.DefaultMaxRetries ||
					c.MaxConcurrentRequests != mimcm.DefaultMaxConcurrentRequests ||
					c.InsecureSkipVerify || c.Auth.Name() != "none" {
					t.Errorf("unexpected defaults: %+v", c)
				}
			},
		},
		{
			name: "environment",
			env: map[string]string{
				"MIMCM_HOST": "https://cm.contoso.com", "MIMCM_BASE_PATH": "/cm/api/v1.0/", "MIMCM_REQUEST_TIMEOUT": "90s",
				"MIMCM_MAX_RETRIES": "2", "MIMCM_MAX_CONCURRENT_REQUESTS": "3", "MIMCM_HEADERS": `{"X-Team":"pki"}`, "MIMCM_TOKEN": "tok",
			},
			check: func(t *testing.T, c mimcm.Config) {
				if c.Host != "https://cm.contoso.com" || c.BasePath != "/cm/api/v1.0" || c.RequestTimeout.String() != "1m30s" ||
					c.MaxRetries != 2 || c.MaxConcurrentRequests != 3 || c.Headers["X-Team"] != "pki" || c.Auth.Name() != "bearer" {
					t.Errorf("environment not applied: %+v", c)
				}
			},
		},
		{
			name:   "configuration wins over environment",
			config: map[string]any{"host": "https://a.contoso.com", "max_retries": 0},
			env:    map[string]string{"MIMCM_HOST": "https://b.contoso.com", "MIMCM_MAX_RETRIES": "7"},
			check: func(t *testing.T, c mimcm.Config) {
				if c.Host != "https://a.contoso.com" || c.MaxRetries != 0 {
					t.Errorf("configuration did not win: %+v", c)
				}
			},
		},
		{
			name: "basic over plain http warns",
			config: map[string]any{
				"host":        "http://cm.contoso.com",
				"auth_method": "basic",
				"username":    "u",
				"password":    "p",
			},
			warnings: map[string]string{"host": "plain HTTP"},
		},
		{
			// auto never offers Basic over plain http, so nothing
			// reusable goes out in the clear and there is no warning.
			name: "auto over plain http leaves Basic out",
			config: map[string]any{
				"host":     "http://cm.contoso.com",
				"username": "u",
				"password": "p",
			},
			check: func(t *testing.T, c mimcm.Config) {
				if c.Auth.Name() != "auto" || c.Auth.SendsSecrets() {
					t.Errorf("want auto without Basic, got %s (sends secrets: %v)", c.Auth.Name(), c.Auth.SendsSecrets())
				}
			},
		},
		{
			name: "auto over https offers Basic",
			config: map[string]any{
				"host":     "https://cm.contoso.com",
				"username": "u",
				"password": "p",
			},
			check: func(t *testing.T, c mimcm.Config) {
				if c.Auth.Name() != "auto" || !c.Auth.SendsSecrets() {
					t.Errorf("want auto with Basic, got %s (sends secrets: %v)", c.Auth.Name(), c.Auth.SendsSecrets())
				}
			},
		},
		{
			name: "ntlm without password",
			config: map[string]any{
				"host":        "https://cm.contoso.com",
				"auth_method": "ntlm",
				"username":    `CONTOSO\u`,
			},
			errors: map[string]string{"password": "needs a password"},
		},
		{
			name: "negotiate without any login",
			config: map[string]any{
				"host":        "https://cm.contoso.com",
				"auth_method": "negotiate",
			},
			errors: map[string]string{"password": "one way to log in"},
		},
		{
			name: "unreadable keytab",
			config: map[string]any{
				"host":            "https://cm.contoso.com",
				"auth_method":     "negotiate",
				"username":        "u@CONTOSO.COM",
				"kerberos_keytab": "/nonexistent/u.keytab",
			},
			errors: map[string]string{"kerberos_keytab": "Check the path"},
		},
		{
			name: "keytab base64 that is not base64",
			config: map[string]any{
				"host":                   "https://cm.contoso.com",
				"auth_method":            "negotiate",
				"username":               "u@CONTOSO.COM",
				"kerberos_keytab_base64": "***",
			},
			errors: map[string]string{"kerberos_keytab_base64": "not base64"},
		},
		{
			name: "client certificate without key",
			config: map[string]any{
				"host":            "https://cm.contoso.com",
				"client_cert_pem": "-----BEGIN CERTIFICATE-----",
			},
			errors: map[string]string{"client_key_pem": "needs both"},
		},
		{
			name: "unreadable CA file",
			config: map[string]any{
				"host":         "https://cm.contoso.com",
				"ca_cert_file": "/nonexistent/ca.pem",
			},
			errors: map[string]string{"ca_cert_file": "no such file"},
		},
		{
			name: "insecure warns",
			config: map[string]any{
				"host":                 "https://cm.contoso.com",
				"insecure_skip_verify": true,
			},
			warnings: map[string]string{"insecure_skip_verify": "ca_cert_pem"},
		},
		{
			name: "ambiguous credentials",
			config: map[string]any{
				"host":     "https://cm.contoso.com",
				"username": "u",
				"token":    "t",
			},
			errors: map[string]string{"auth_method": "Set auth_method"},
		},
		{
			name: "authorization header refused",
			config: map[string]any{
				"host":    "https://cm.contoso.com",
				"headers": map[string]string{"authorization": "Basic x"},
			},
			errors: map[string]string{"headers": "auth_method"},
		},
		{
			name: "bad environment values",
			env: map[string]string{"MIMCM_HOST": "cm.contoso.com", "MIMCM_MAX_RETRIES": "many", "MIMCM_MAX_CONCURRENT_REQUESTS": "0",
				"MIMCM_INSECURE_SKIP_VERIFY": "yes please", "MIMCM_HEADERS": "X-Team=pki", "MIMCM_AUTH_METHOD": "ntlm2"},
			errors: map[string]string{"host": "no http or https scheme", "max_retries": "MIMCM_MAX_RETRIES", "max_concurrent_requests": "between 1 and 64",
				"insecure_skip_verify": "true or false", "headers": "JSON object", "auth_method": "ntlm2"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, a := range providerArguments {
				t.Setenv(a.env(), tc.env[a.env()])
			}
			got, diags := testProviderConfig(t, tc.config).resolve()
			expectDiags(t, diags, diag.SeverityError, tc.errors)
			expectDiags(t, diags, diag.SeverityWarning, tc.warnings)
			if tc.check != nil && !diags.HasError() {
				tc.check(t, got)
			}
		})
	}
}

// testProviderConfig is a provider block that sets the given arguments
// (a tftypes.Value as it is), read into the model as Configure reads it.
func testProviderConfig(t *testing.T, set map[string]any) *providerModel {
	t.Helper()
	s := schema.Schema{Attributes: providerSchemaAttributes()}
	typ := s.Type().TerraformType(t.Context()).(tftypes.Object)
	values := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		at, ok := typ.AttributeTypes[name]
		if !ok {
			t.Fatalf("the provider has no argument %q", name)
		}
		if tv, ok := v.(tftypes.Value); ok {
			values[name] = tv
			continue
		}
		values[name] = tfValue(t, at, v)
	}
	var m providerModel
	diags := tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, values)}.Get(t.Context(), &m)
	for _, d := range diags {
		t.Fatalf("reading the provider block: %s: %s", d.Summary(), d.Detail())
	}
	return &m
}

func expectDiags(t *testing.T, diags diag.Diagnostics, severity diag.Severity, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, d := range diags {
		if d.Severity() != severity {
			continue
		}
		p := ""
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			p = wp.Path().String()
		}
		got[p] += d.Summary() + ": " + d.Detail() + "\n"
	}
	for attr, text := range want {
		if !strings.Contains(got[path.Root(attr).String()], text) {
			t.Errorf("%s on %s: want text %q, got %q (all: %v)", severity, attr, text, got[attr], got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s diagnostics: want on %d attributes, got %v", severity, len(want), got)
	}
}
