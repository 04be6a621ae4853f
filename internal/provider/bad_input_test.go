package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// The bad-input tests feed the provider what people and servers get wrong
// and check that every error names what is at fault — the attribute (its
// exact path) or the request's GUID — and says what to do next. Provider
// configurations and resource arguments go through the provider's protocol
// server, as Terraform sends them, without a Terraform binary; server
// answers go through Terraform and an in-process mock.

// protoServer returns a fresh protocol server of the provider.
func protoServer(t testing.TB) tfprotov6.ProviderServer {
	t.Helper()
	return NewProtocol6("test")()
}

// protoServerWithSchemas returns a fresh protocol server of the provider
// and its schemas.
func protoServerWithSchemas(t *testing.T) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	s := protoServer(t)
	schemas, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return s, schemas
}

// dynamicValue encodes an object of the schema's type, with the given
// attributes set and every other one null.
func dynamicValue(t testing.TB, schema *tfprotov6.Schema, set map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	typ, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %s is not an object", schema.ValueType())
	}
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		at, ok := typ.AttributeTypes[name]
		if !ok {
			t.Fatalf("the schema has no attribute %q", name)
		}
		values[name] = tfValue(t, at, v)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func tfValue(t testing.TB, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	switch v := v.(type) {
	case tftypes.Value:
		return v
	case string:
		return tftypes.NewValue(tftypes.String, v)
	case int:
		return tftypes.NewValue(tftypes.Number, big.NewFloat(float64(v)))
	case bool:
		return tftypes.NewValue(tftypes.Bool, v)
	case map[string]string:
		m := map[string]tftypes.Value{}
		for k, s := range v {
			m[k] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(typ, m)
	case nil:
		return tftypes.NewValue(typ, nil)
	case map[string]any:
		m := map[string]tftypes.Value{}
		switch tt := typ.(type) {
		case tftypes.Object:
			for name, at := range tt.AttributeTypes {
				m[name] = tfValue(t, at, v[name])
			}
		case tftypes.Map:
			for k, x := range v {
				m[k] = tfValue(t, tt.ElementType, x)
			}
		default:
			t.Fatalf("no tftypes value of %s for a map", typ)
		}
		return tftypes.NewValue(typ, m)
	}
	t.Fatalf("no tftypes value for %T", v)
	return tftypes.Value{}
}

// configureDiags validates a provider configuration and, when that passes,
// configures the provider with it, as Terraform does before a plan.
func configureDiags(t *testing.T, config map[string]any) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	s, schemas := protoServerWithSchemas(t)
	dv := dynamicValue(t, schemas.Provider, config)
	validated, err := s.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: dv})
	if err != nil {
		t.Fatal(err)
	}
	if hasErrorDiag(validated.Diagnostics) {
		return validated.Diagnostics
	}
	configured, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dv, TerraformVersion: "1.9.0"})
	if err != nil {
		t.Fatal(err)
	}
	return append(validated.Diagnostics, configured.Diagnostics...)
}

func hasErrorDiag(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// expectErrorAt checks that one error diagnostic sits on the attribute
// (or, for attr "", on none) and that its text matches hint.
func expectErrorAt(t *testing.T, diags []*tfprotov6.Diagnostic, attr string, hint *regexp.Regexp) string {
	t.Helper()
	want := tftypes.NewAttributePath()
	if attr != "" {
		want = want.WithAttributeName(attr)
	}
	var seen []string
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityError {
			continue
		}
		text := d.Summary + ": " + d.Detail
		at := "(none)"
		if d.Attribute != nil {
			at = d.Attribute.String()
		}
		seen = append(seen, at+" → "+text)
		onAttr := d.Attribute != nil && d.Attribute.Equal(want) || attr == "" && (d.Attribute == nil || len(d.Attribute.Steps()) == 0)
		if onAttr && hint.MatchString(text) {
			return text
		}
	}
	t.Errorf("want an error on %q matching %q; got errors:\n  %s", attr, hint, strings.Join(seen, "\n  "))
	return ""
}

// TestBadInput_providerConfig checks errors in the provider block and in
// the MIMCM_* environment variables.
func TestBadInput_providerConfig(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.der")
	if err := os.WriteFile(notPEM, []byte{0x30, 0x82, 0x01, 0x0a}, 0o600); err != nil {
		t.Fatal(err)
	}
	const host = "https://cm.contoso.com"
	cases := []struct {
		name   string
		config map[string]any
		env    map[string]string
		attr   string
		hint   string // regexp for the summary and detail
		absent string // text that must appear nowhere, such as a password
		maxLen int    // when set, the most bytes any diagnostic may have
	}{
		{name: "host missing", config: map[string]any{},
			attr: "host", hint: `Missing MIM CM host.*Set host in the provider block or the MIMCM_HOST environment variable`},
		{name: "host without scheme", config: map[string]any{"host": "cm.contoso.com"},
			attr: "host", hint: `no http or https scheme; want the API's scheme and host, for example https://`},
		{name: "host with another scheme", config: map[string]any{"host": "ftp://cm.contoso.com"},
			attr: "host", hint: `no http or https scheme; want`},
		{name: "host with a path", config: map[string]any{"host": host + "/CertificateManagement/api/v1.0"},
			attr: "host", hint: `has a path .*put the path in base_path`},
		{name: "host with credentials", config: map[string]any{"host": "https://svc:hunter2@cm.contoso.com"},
			attr: "host", hint: `carries credentials in the URL; configure them with username and password instead`, absent: "hunter2"},
		{name: "host with a query", config: map[string]any{"host": host + "/?x=1"},
			attr: "host", hint: `query or fragment; want only the API's scheme and host`},
		{name: "host from the environment", env: map[string]string{envOf("host"): "cm.contoso.com:443"},
			attr: "host", hint: `want the API's scheme and host.* \(from MIMCM_HOST\)`},
		{name: "relative base_path", config: map[string]any{"host": host, "base_path": "CertificateManagement/api/v1.0"},
			attr: "base_path", hint: `does not start with "/"; want a path such as /CertificateManagement/api/v1.0`},
		{name: "base_path with a query", config: map[string]any{"host": host, "base_path": "/cm/api?v=1"},
			attr: "base_path", hint: `query or fragment; want a path such as`},
		{name: "request_timeout without a unit", config: map[string]any{"host": host, "request_timeout": "60"},
			attr: "request_timeout", hint: `"60" is not a duration: want a number with a unit, such as 30s`},
		{name: "negative request_timeout", config: map[string]any{"host": host, "request_timeout": "-5s"},
			attr: "request_timeout", hint: `not a positive duration: want a number above zero with a unit, such as 30s`},
		{name: "zero request_timeout from the environment", config: map[string]any{"host": host}, env: map[string]string{envOf("request_timeout"): "0s"},
			attr: "request_timeout", hint: `"0s" is not a positive duration: want.* \(from MIMCM_REQUEST_TIMEOUT\)`},
		{name: "max_retries too high", config: map[string]any{"host": host, "max_retries": 25},
			attr: "max_retries", hint: `must be between 0 and 20, got: 25`},
		{name: "max_retries from the environment not a number", config: map[string]any{"host": host}, env: map[string]string{envOf("max_retries"): "many"},
			attr: "max_retries", hint: `MIMCM_MAX_RETRIES="many" is not a whole number between 0 and 20\. Set it to one`},
		{name: "max_concurrent_requests zero", config: map[string]any{"host": host, "max_concurrent_requests": 0},
			attr: "max_concurrent_requests", hint: `must be between 1 and 64, got: 0`},
		{name: "max_concurrent_requests from the environment too high", config: map[string]any{"host": host}, env: map[string]string{envOf("max_concurrent_requests"): "100"},
			attr: "max_concurrent_requests", hint: `MIMCM_MAX_CONCURRENT_REQUESTS="100" is not a whole number between 1 and 64\. Set it to one`},
		{name: "Authorization in headers", config: map[string]any{"host": host, "headers": map[string]string{"Authorization": "Basic c3ZjOmh1bnRlcjI="}},
			attr: "headers", hint: `Credentials do not belong in headers.*Use auth_method with token, or username and password`, absent: "c3ZjOmh1bnRlcjI="},
		{name: "authorization in MIMCM_HEADERS", config: map[string]any{"host": host}, env: map[string]string{envOf("headers"): `{"authorization":"Bearer eyJhbGciOi"}`},
			attr: "headers", hint: `Use auth_method with token`, absent: "eyJhbGciOi"},
		{name: "MIMCM_HEADERS not JSON", config: map[string]any{"host": host}, env: map[string]string{envOf("headers"): "X-Team: pki"},
			attr: "headers", hint: `must hold a JSON object of header names to values, such as \{"X-Team":"pki"\}`},
		{name: "unknown auth_method", config: map[string]any{"host": host, "auth_method": "kerberos"},
			attr: "auth_method", hint: `value must be one of: \["auto" "negotiate" "ntlm" "basic" "bearer" "none"\], got: "kerberos"`},
		{name: "unknown MIMCM_AUTH_METHOD", config: map[string]any{"host": host}, env: map[string]string{envOf("auth_method"): "ntlmv2"},
			attr: "auth_method", hint: `"ntlmv2" is not one of auto, .*Set auth_method \(or MIMCM_AUTH_METHOD\) to one of them`},
		{name: "basic without password", config: map[string]any{"host": host, "auth_method": "basic", "username": `CONTOSO\svc`},
			attr: "password", hint: `auth_method "basic" needs a password: set password or MIMCM_PASSWORD`},
		{name: "ntlm without username", config: map[string]any{"host": host, "auth_method": "ntlm", "password": "hunter2"},
			attr: "username", hint: `auth_method "ntlm" needs a username: set username or MIMCM_USERNAME`, absent: "hunter2"},
		{name: "bearer without token", config: map[string]any{"host": host, "auth_method": "bearer"},
			attr: "token", hint: `auth_method "bearer" needs a token: set token or MIMCM_TOKEN`},
		{name: "negotiate without any login", config: map[string]any{"host": host, "auth_method": "negotiate"},
			attr: "password", hint: `needs one way to log in: username and password, username and a keytab .*or a credential cache`},
		{name: "token and username without auth_method", config: map[string]any{"host": host, "username": "svc", "token": "t0ken"},
			attr: "auth_method", hint: `Both a token and a username are set.*Set auth_method to "bearer"`, absent: "t0ken"},
		{name: "keytab base64 that is not base64", config: map[string]any{"host": host, "auth_method": "negotiate", "username": "svc@CONTOSO.COM", "kerberos_keytab_base64": "not base64!"},
			attr: "kerberos_keytab_base64", hint: `is not base64.*Encode the keytab file with .base64 -w0 file\.keytab.`},
		{name: "keytab path that is a directory", config: map[string]any{"host": host, "auth_method": "negotiate", "username": "svc@CONTOSO.COM", "kerberos_keytab": dir},
			attr: "kerberos_keytab", hint: `is a directory.*Check the path in kerberos_keytab \(or MIMCM_KERBEROS_KEYTAB\)`},
		{name: "krb5.conf missing", config: map[string]any{"host": host, "auth_method": "negotiate", "username": "svc@CONTOSO.COM", "password": "hunter2", "krb5_conf": filepath.Join(dir, "krb5.conf")},
			attr: "krb5_conf", hint: `no such file.*Point krb5_conf \(or MIMCM_KRB5_CONF, or KRB5_CONFIG\) at a krb5\.conf`, absent: "hunter2"},
		{name: "credential cache that is not a file", config: map[string]any{"host": host, "auth_method": "negotiate", "kerberos_ccache": "KEYRING:persistent:1000"},
			attr: "kerberos_ccache", hint: `not a file cache.*Run kinit with -c FILE:/path, or use a keytab`},
		{name: "ca_cert_pem that is not PEM", config: map[string]any{"host": host, "ca_cert_pem": "MIIBCgKCAQEA"},
			attr: "ca_cert_pem", hint: `holds no PEM-encoded certificate \(it must contain -----BEGIN CERTIFICATE----- blocks\)`},
		{name: "ca_cert_file missing", config: map[string]any{"host": host, "ca_cert_file": filepath.Join(dir, "ca.pem")},
			attr: "ca_cert_file", hint: `no such file.*Check the path in ca_cert_file \(or MIMCM_CA_CERT_FILE\)`},
		{name: "ca_cert_file in DER", config: map[string]any{"host": host, "ca_cert_file": notPEM},
			attr: "ca_cert_file", hint: `holds no PEM-encoded certificate.*not DER`},
		{name: "client certificate without key", config: map[string]any{"host": host, "client_cert_pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"},
			attr: "client_key_pem", hint: `Set client_key_pem \(or MIMCM_CLIENT_KEY_PEM\) to the certificate's private key`},
		{name: "client key without certificate", config: map[string]any{"host": host, "client_key_pem": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"},
			attr: "client_cert_pem", hint: `Set client_cert_pem \(or MIMCM_CLIENT_CERT_PEM\) to the certificate`, absent: "MIIB"},
		{name: "client certificate and key that are not PEM", config: map[string]any{"host": host, "client_cert_pem": "not a certificate", "client_key_pem": "not a key"},
			attr: "client_cert_pem", hint: `do not form a certificate and matching private key.*Check that both are PEM-encoded`, absent: "not a key"},
		{name: "host with credentials that do not parse", config: map[string]any{"host": "http://admin:S3cret%zz@cm.contoso.com"},
			attr: "host", hint: `"http://REDACTED@cm.contoso.com" is not a URL, and carries credentials in it; configure them with username and password instead`, absent: "S3cret"},
		{name: "host with credentials that do not parse, from the environment", env: map[string]string{envOf("host"): "http://admin:S3cret%zz@cm.contoso.com"},
			attr: "host", hint: `carries credentials in it; configure them with username and password instead`, absent: "S3cret"},
		{name: "host without a scheme, with credentials", config: map[string]any{"host": "admin:S3cret@cm.contoso.com"},
			attr: "host", hint: `"REDACTED@cm.contoso.com" has no http or https scheme`, absent: "S3cret"},
		{name: "host of 10 KB", config: map[string]any{"host": "https://" + strings.Repeat("a", 10_240) + ".com:x"},
			attr: "host", hint: `"https://a+"… \(10254 bytes\) is not a URL`, maxLen: 600},
		{name: "base_path with a bad escape", config: map[string]any{"host": host, "base_path": "/CertificateManagement/api/v1.0%"},
			attr: "base_path", hint: `has a bad escape at byte 32: % must be followed by two hexadecimal digits; write a literal % as %25`},
		{name: "base_path with a bad escape from the environment", config: map[string]any{"host": host}, env: map[string]string{envOf("base_path"): "/cm/%zz/api"},
			attr: "base_path", hint: `"/cm/%zz/api" has a bad escape at byte 5.* \(from MIMCM_BASE_PATH\)`},
		{name: "base_path with a line break", config: map[string]any{"host": host, "base_path": "/cm\r\nX-Injected: 1"},
			attr: "base_path", hint: `has a control character at byte 4`},
		{name: "header name that is no token", config: map[string]any{"host": host, "headers": map[string]string{"X Team": "pki"}},
			attr: "headers", hint: `Invalid header.*header name "X Team" is not an HTTP header name`},
		{name: "header value with CR LF", config: map[string]any{"host": host, "headers": map[string]string{"X-Api-Key": "k3y-S3cret\r\nX-Injected: 1"}},
			attr: "headers", hint: `the value of header "X-Api-Key" holds a line break, NUL or other control character`, absent: "k3y-S3cret"},
		{name: "header value with NUL from the environment", config: map[string]any{"host": host}, env: map[string]string{envOf("headers"): `{"X-Api-Key":"k3y-S3cret\u0000"}`},
			attr: "headers", hint: `the value of header "X-Api-Key" holds a line break, NUL.*\(from MIMCM_HEADERS\)`, absent: "k3y-S3cret"},
		{name: "header name with a colon from the environment", config: map[string]any{"host": host}, env: map[string]string{envOf("headers"): `{"X-Team:":"pki"}`},
			attr: "headers", hint: `header name "X-Team:" is not an HTTP header name.*\(from MIMCM_HEADERS\)`},
		{name: "request_timeout of 10 KB", config: map[string]any{"host": host, "request_timeout": strings.Repeat("9", 10_240)},
			attr: "request_timeout", hint: `"9+"… \(10240 bytes\) is not a duration`, maxLen: 600},
		{name: "auth_method of 10 KB", config: map[string]any{"host": host, "auth_method": strings.Repeat("x", 10_240)},
			attr: "auth_method", hint: `value must be one of: .*, got: "x+"… \(10240 bytes\)`, maxLen: 600},
		{name: "MIMCM_MAX_RETRIES of 10 KB", config: map[string]any{"host": host}, env: map[string]string{envOf("max_retries"): strings.Repeat("7", 10_240)},
			attr: "max_retries", hint: `MIMCM_MAX_RETRIES="7+"… \(10240 bytes\) is not a whole number`, maxLen: 600},
		{name: "header with a null value", config: map[string]any{"host": host, "headers": map[string]any{"X-Team": nil}},
			attr: "headers", hint: `Header "X-Team" is null\. Give it a value, or remove it`},
		{name: "MIMCM_HEADERS with a null value", config: map[string]any{"host": host}, env: map[string]string{envOf("headers"): `{"X-Team":null}`},
			attr: "headers", hint: `MIMCM_HEADERS must hold a JSON object of header names to values, such as \{"X-Team":"pki"\}: "X-Team" is null`},
		{name: "MIMCM_HEADERS null", config: map[string]any{"host": host}, env: map[string]string{envOf("headers"): `null`},
			attr: "headers", hint: `MIMCM_HEADERS must hold a JSON object of header names to values.*: it holds null`},
		{name: "MIMCM_INSECURE_SKIP_VERIFY not a boolean", config: map[string]any{"host": host}, env: map[string]string{envOf("insecure_skip_verify"): "yes please"},
			attr: "insecure_skip_verify", hint: `"yes please" is not true or false\. Set it to true or false`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for name, v := range tc.env {
				t.Setenv(name, v)
			}
			diags := configureDiags(t, tc.config)
			expectErrorAt(t, diags, tc.attr, regexp.MustCompile(`(?s)`+tc.hint))
			for _, d := range diags {
				if n := len(d.Summary + d.Detail); tc.maxLen > 0 && n > tc.maxLen {
					t.Errorf("a diagnostic of %d bytes repeats long input whole: %.200s…", n, d.Detail)
				}
			}
			if tc.absent == "" {
				return
			}
			for _, d := range diags {
				if strings.Contains(d.Summary+d.Detail, tc.absent) {
					t.Errorf("a diagnostic shows %q: %s: %s", tc.absent, d.Summary, d.Detail)
				}
			}
		})
	}
}

// TestBadInput_providerNumbersThatAreNoInt64 checks that ConfigureProvider
// reports a number that is no whole int64 on its argument, as
// ValidateProviderConfig does, rather than rounding it: Configure reads the
// block into typed values and passes on every conversion error.
func TestBadInput_providerNumbersThatAreNoInt64(t *testing.T) {
	cases := map[string]*big.Float{
		"max_retries":             big.NewFloat(2.5),
		"max_concurrent_requests": new(big.Float).SetMantExp(big.NewFloat(1), 80), // 2^80
	}
	for name, n := range cases {
		t.Run(name, func(t *testing.T) {
			s, schemas := protoServerWithSchemas(t)
			config := dynamicValue(t, schemas.Provider, map[string]any{"host": "https://cm.contoso.com", name: tftypes.NewValue(tftypes.Number, n)})
			resp, err := s.ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{Config: config, TerraformVersion: "1.11.4"})
			if err != nil {
				t.Fatal(err)
			}
			expectErrorAt(t, resp.Diagnostics, name, regexp.MustCompile(`is not an integer|cannot be represented as a 64-bit integer`))
		})
	}
}

// TestBadInput_arguments checks errors in resource and data source
// arguments and import IDs.
func TestBadInput_arguments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := protoServer(t)
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	validateResource := func(t *testing.T, args map[string]any) []*tfprotov6.Diagnostic {
		resp, err := s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
			TypeName: "mimcm_request_status",
			Config:   dynamicValue(t, schemas.ResourceSchemas["mimcm_request_status"], args),
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	validateDataSource := func(t *testing.T, args map[string]any) []*tfprotov6.Diagnostic {
		resp, err := s.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{
			TypeName: "mimcm_request",
			Config:   dynamicValue(t, schemas.DataSourceSchemas["mimcm_request"], args),
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	importID := func(t *testing.T, id string) []*tfprotov6.Diagnostic {
		resp, err := s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "mimcm_request_status", ID: id})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	importBulkID := func(t *testing.T, id string) []*tfprotov6.Diagnostic {
		resp, err := s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "mimcm_request_statuses", ID: id})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	cases := []struct {
		name  string
		diags func(t *testing.T) []*tfprotov6.Diagnostic
		attr  string
		hint  string
	}{
		{"request_id not a GUID", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateResource(t, map[string]any{"request_id": "request-42", "status": "Completed"})
		}, "request_id", `"request-42" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`},
		{"request_id in braces", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateResource(t, map[string]any{"request_id": "{" + testID + "}", "status": "Completed"})
		}, "request_id", `is not a GUID: want 36 characters`},
		{"request_id with a letter that is not hexadecimal", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateResource(t, map[string]any{"request_id": "g9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", "status": "Completed"})
		}, "request_id", `'g' at position 1 is not a hexadecimal digit`},
		{"request_id with hyphens misplaced", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateResource(t, map[string]any{"request_id": "a9b4b42cc-c50-4c9b-89d1-bbc0bcd5a099", "status": "Completed"})
		}, "request_id", `want a hyphen at position 9`},
		{"status that is no final status", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateResource(t, map[string]any{"request_id": testID, "status": "Done"})
		}, "status", `value must be one of: \["Completed" "Canceled" "Abandoned"\], got: "Done"`},
		{"status Failed, which is read, not set", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateResource(t, map[string]any{"request_id": testID, "status": "Failed"})
		}, "status", `must be one of: \["Completed" "Canceled" "Abandoned"\]`},
		{"request_id of 10 KB", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateResource(t, map[string]any{"request_id": strings.Repeat("a9b4b42c", 1280), "status": "Completed"})
		}, "request_id", `"(a9b4b42c){8}"… \(10240 bytes\) is not a GUID: want 36 characters`},
		{"status of 10 KB", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateResource(t, map[string]any{"request_id": testID, "status": strings.Repeat("Completed", 1200)})
		}, "status", `value must be one of: \["Completed" "Canceled" "Abandoned"\], got: "(Completed)+C"… \(10800 bytes\)`},
		{"import ID of 10 KB", func(t *testing.T) []*tfprotov6.Diagnostic {
			return importID(t, strings.Repeat("x", 10_240))
		}, "", `The import ID must be the request's GUID: "x+"… \(10240 bytes\) is not a GUID`},
		{"bulk import ID with an entry of 10 KB", func(t *testing.T) []*tfprotov6.Diagnostic {
			return importBulkID(t, testID+","+strings.Repeat("x", 10_240))
		}, "", `The import ID must be the requests' GUIDs separated by commas: "x{64}"… \(10240 bytes\) is not a GUID`},
		{"data source id not a GUID", func(t *testing.T) []*tfprotov6.Diagnostic {
			return validateDataSource(t, map[string]any{"id": "latest"})
		}, "id", `"latest" is not a GUID: want 36 characters`},
		{"import ID not a GUID", func(t *testing.T) []*tfprotov6.Diagnostic {
			return importID(t, "mimcm_request_status.a9b4b42c")
		}, "", `The import ID must be the request's GUID: "mimcm_request_status\.a9b4b42c" is not a GUID.*terraform import mimcm_request_status\.example a9b4b42c-`},
		{"empty import ID", func(t *testing.T) []*tfprotov6.Diagnostic {
			return importID(t, "")
		}, "", `The import ID must be the request's GUID: "" is not a GUID.*For example: terraform import`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := tc.diags(t)
			expectErrorAt(t, diags, tc.attr, regexp.MustCompile(`(?s)`+tc.hint))
			for _, d := range diags {
				if n := len(d.Summary + d.Detail); n > 1000 {
					t.Errorf("a diagnostic of %d bytes repeats long input whole: %.200s…", n, d.Detail)
				}
			}
		})
	}
}

// words turns phrases into a regexp that matches them in order, across the
// line breaks Terraform puts into long diagnostics.
func words(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// badAnswerGUID returns a distinct request GUID for each bad answer.
func badAnswerGUID(n int) string { return fmt.Sprintf("a9b4b42c-cc50-4c9b-89d1-%012x", 0xbad000+n) }

// frontedMock is a mock with answers no mock fault gives (HTML pages,
// truncated JSON, the wrong request) for GETs of chosen GUIDs.
type frontedMock struct {
	*testMock
}

func newFrontedMock(t *testing.T, answers map[string]http.HandlerFunc, seed ...mimcm.Request) *frontedMock {
	t.Helper()
	m := mockapi.New(mockapi.Options{})
	m.Seed(seed...)
	front := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.ToLower(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:])
		if answer, ok := answers[id]; ok && r.Method == http.MethodGet {
			answer(w, r)
			return
		}
		m.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	return &frontedMock{&testMock{Server: m, URL: srv.URL}}
}

// provider is a provider block that neither retries nor waits long.
func (m *frontedMock) provider() string {
	return fmt.Sprintf(`
provider "mimcm" {
  host            = %q
  request_timeout = "5s"
  max_retries     = 0
}
`, m.URL)
}

// config is the provider and one mimcm_request_status.
func (m *frontedMock) config(id, status string) string {
	return m.provider() + resourceBlock(id, status)
}

// TestAccBadInput_errorStatuses checks what the provider says when the
// server refuses: each error names the request and says what to do next.
func TestAccBadInput_errorStatuses(t *testing.T) {
	t.Parallel()
	var (
		forbidden    = badAnswerGUID(1)
		noRoute      = badAnswerGUID(2)
		unauthorized = badAnswerGUID(3)
		crashed      = badAnswerGUID(4)
		putCrashed   = badAnswerGUID(5)
		putForbidden = badAnswerGUID(6)
		proxied      = badAnswerGUID(7)
	)
	m := newFrontedMock(t, map[string]http.HandlerFunc{
		proxied: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>502 - Web server received an invalid response while acting as a gateway or proxy server.</title></head><body><h1>Server Error</h1></body></html>`)
		},
	}, seedRequest(putCrashed, mimcm.StatusApproved), seedRequest(putForbidden, mimcm.StatusApproved))
	m.AddFault(mockapi.Fault{Status: http.StatusForbidden, RequestID: mimcm.GUID(forbidden)})
	m.AddFault(mockapi.Fault{Status: http.StatusNotFound, RequestID: mimcm.GUID(noRoute)})
	m.AddFault(mockapi.Fault{Status: http.StatusUnauthorized, RequestID: mimcm.GUID(unauthorized)})
	m.AddFault(mockapi.Fault{Status: http.StatusInternalServerError, RequestID: mimcm.GUID(crashed)})
	m.AddFault(mockapi.Fault{Status: http.StatusInternalServerError, Method: http.MethodPut, RequestID: mimcm.GUID(putCrashed)})
	m.AddFault(mockapi.Fault{Status: http.StatusForbidden, Method: http.MethodPut, RequestID: mimcm.GUID(putForbidden)})
	correlation := `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{ // 403 while planning
				Config: m.config(forbidden, "Completed"), PlanOnly: true,
				ExpectError: words("Cannot read request "+forbidden, "forbidden (HTTP 403)",
					"check its permissions on the request and its profile template"),
			},
			{ // 404: the base path or the API switch, never "request gone"
				Config: m.config(noRoute, "Completed"), PlanOnly: true,
				ExpectError: words("Cannot read request "+noRoute, "API route not found (HTTP 404)",
					"check the provider's base_path", "Clm.WebApi.Enabled is true"),
			},
			{ // 401
				Config: m.config(unauthorized, "Completed"), PlanOnly: true,
				ExpectError: words("Cannot read request "+unauthorized, "authentication failed (HTTP 401)",
					"Check the provider's auth_method and credentials"),
			},
			{ // 500 with a correlation ID in its message
				Config: m.config(crashed, "Completed"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Cannot read request ` + crashed + `.*HTTP\s+500.*Correlation\s+ID:\s+` + correlation +
					`.*Give\s+the\s+correlation\s+ID\s+to\s+the\s+MIM\s+CM\s+administrator`),
			},
			{ // 502 HTML page from a proxy: its title, and a hint about the proxy
				Config: m.config(proxied, "Completed"), PlanOnly: true,
				ExpectError: words("Cannot read request "+proxied, "server error (HTTP 502)",
					`Server message: "502 - Web server received an invalid response`, "proxy or load balancer in front of IIS", "unless max_retries is 0, the provider retries it"),
			},
			{ // 500 on the PUT: the apply fails and names the request
				Config: m.config(putCrashed, "Completed"),
				ExpectError: regexp.MustCompile(`(?s)Request\s+` + putCrashed + `\s+could\s+not\s+be\s+completed.*PUT.*HTTP\s+500.*Correlation\s+ID:\s+` +
					correlation + `.*Give\s+the\s+correlation\s+ID`),
			},
			{ // 403 on the PUT
				Config: m.config(putForbidden, "Canceled"),
				ExpectError: words("Request "+putForbidden+" could not be canceled", "forbidden (HTTP 403)",
					"check its permissions"),
				Check: m.checkStatus(putForbidden, mimcm.StatusApproved),
			},
		},
	})
	// Neither failed apply may have changed the requests.
	for _, id := range []string{putCrashed, putForbidden} {
		if r, _ := m.Request(mimcm.GUID(id)); r.Status != mimcm.StatusApproved {
			t.Errorf("request %s is %s after a failed apply, want Approved", id, r.Status)
		}
	}
}

// TestAccBadInput_strangeAnswers checks answers that are not the API's:
// each gives an error naming the request and what to check, or, for what
// a newer server may add, passes through harmlessly.
func TestAccBadInput_strangeAnswers(t *testing.T) {
	t.Parallel()
	var (
		truncated  = badAnswerGUID(11)
		htmlPage   = badAnswerGUID(12)
		otherOne   = badAnswerGUID(13)
		nothing    = badAnswerGUID(14)
		unknownNum = badAnswerGUID(15)
	)
	wire := func(id string, status int, extra map[string]any) []byte {
		ref, err := json.Marshal(mockapi.ExampleRequest())
		if err != nil {
			t.Fatal(err)
		}
		var obj map[string]any
		if err := json.Unmarshal(ref, &obj); err != nil {
			t.Fatal(err)
		}
		obj["Uuid"] = strings.ToUpper(id)
		obj["Status"] = status
		for k, v := range extra {
			obj[k] = v
		}
		b, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	jsonAnswer := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = w.Write(body)
		}
	}
	full := wire(truncated, 3, nil)
	m := newFrontedMock(t, map[string]http.HandlerFunc{
		truncated: jsonAnswer(full[:len(full)/2]),
		htmlPage: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<html><head><title>Sign in</title></head><body>Single sign-on</body></html>")
		},
		otherOne: jsonAnswer(wire(testID, 3, nil)),
		// A status number outside the table and fields a newer server may
		// send must not stop a read.
		unknownNum: jsonAnswer(wire(unknownNum, 42, map[string]any{"Workflow": map[string]any{"Step": 7}, "Tags": []string{"x"}})),
	})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{ // truncated JSON
				Config: m.config(truncated, "Completed"), PlanOnly: true,
				ExpectError: words("Cannot read request "+truncated, "undecodable response", "want a JSON request object",
					"check host and base_path, and any proxy in between"),
			},
			{ // a 200 sign-in page: the content type is named
				Config: m.config(htmlPage, "Completed"), PlanOnly: true,
				ExpectError: words("Cannot read request "+htmlPage, "want a JSON request object but got text/html",
					"check host and base_path, and any proxy in between"),
			},
			{ // a 200 about another request: both GUIDs are named
				Config: m.config(otherOne, "Completed"), PlanOnly: true,
				ExpectError: words("Cannot read request "+otherOne, "the answer describes request "+testID+" instead",
					"check host and base_path"),
			},
			{ // 204 on GET: the request does not exist, blamed on request_id
				Config: m.config(nothing, "Completed"), PlanOnly: true,
				ExpectError: words("Request "+nothing+" does not exist", "request_id", "request not found",
					"Check the request GUID"),
			},
			{ // an unknown status number, and unknown fields, pass through to state
				Config: m.provider() + fmt.Sprintf(`
data "mimcm_request" "unknown" {
  id = %q
}
`, unknownNum),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.mimcm_request.unknown", tfjsonpath.New("id"), knownvalue.StringExact(unknownNum)),
					statecheck.ExpectKnownValue("data.mimcm_request.unknown", tfjsonpath.New("status"), knownvalue.StringExact("Unknown(42)")),
					statecheck.ExpectKnownValue("data.mimcm_request.unknown", tfjsonpath.New("status_code"), knownvalue.Int64Exact(42)),
					statecheck.ExpectKnownValue("data.mimcm_request.unknown", tfjsonpath.New("observed_status"), knownvalue.StringExact("Unknown(42)")),
				},
			},
			{ // and a resource over it plans a change instead of failing
				Config: m.config(unknownNum, "Completed"), PlanOnly: true, ExpectNonEmptyPlan: true,
			},
		},
	})
}
