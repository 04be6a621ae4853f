package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var _ provider.ProviderWithValidateConfig = (*MimcmProvider)(nil)

// Environment variables that configure the provider when the matching
// argument is not set.
const (
	envHost               = "MIMCM_HOST"
	envBasePath           = "MIMCM_BASE_PATH"
	envRequestTimeout     = "MIMCM_REQUEST_TIMEOUT"
	envMaxRetries         = "MIMCM_MAX_RETRIES"
	envMaxConcurrent      = "MIMCM_MAX_CONCURRENT_REQUESTS"
	envInsecureSkipVerify = "MIMCM_INSECURE_SKIP_VERIFY"
	envCACertPEM          = "MIMCM_CA_CERT_PEM"
	envHeaders            = "MIMCM_HEADERS"
	envAuthMethod         = "MIMCM_AUTH_METHOD"
	envUsername           = "MIMCM_USERNAME"
	envPassword           = "MIMCM_PASSWORD"
	envToken              = "MIMCM_TOKEN"
)

// New returns a function that creates the provider for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &MimcmProvider{version: version}
	}
}

// MimcmProvider is the mimcm provider.
type MimcmProvider struct {
	version string
}

// MimcmProviderModel is the provider configuration.
type MimcmProviderModel struct {
	Host               types.String `tfsdk:"host"`
	BasePath           types.String `tfsdk:"base_path"`
	RequestTimeout     types.String `tfsdk:"request_timeout"`
	MaxRetries         types.Int64  `tfsdk:"max_retries"`
	MaxConcurrent      types.Int64  `tfsdk:"max_concurrent_requests"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	CACertPEM          types.String `tfsdk:"ca_cert_pem"`
	Headers            types.Map    `tfsdk:"headers"`
	AuthMethod         types.String `tfsdk:"auth_method"`
	Username           types.String `tfsdk:"username"`
	Password           types.String `tfsdk:"password"`
	Token              types.String `tfsdk:"token"`

	Domain               types.String `tfsdk:"domain"`
	KerberosRealm        types.String `tfsdk:"kerberos_realm"`
	KerberosKeytab       types.String `tfsdk:"kerberos_keytab"`
	KerberosKeytabBase64 types.String `tfsdk:"kerberos_keytab_base64"`
	KerberosCCache       types.String `tfsdk:"kerberos_ccache"`
	Krb5Conf             types.String `tfsdk:"krb5_conf"`
	Krb5ConfContent      types.String `tfsdk:"krb5_conf_content"`
	KerberosSPN          types.String `tfsdk:"kerberos_spn"`
	CACertFile           types.String `tfsdk:"ca_cert_file"`
	ClientCertPEM        types.String `tfsdk:"client_cert_pem"`
	ClientKeyPEM         types.String `tfsdk:"client_key_pem"`
}

// Metadata names the provider and carries its version.
func (p *MimcmProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "mimcm"
	resp.Version = p.version
}

// Schema describes the provider's arguments.
func (p *MimcmProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Drives Microsoft Identity Manager Certificate Management (MIM CM) requests to a final status " +
			"(Completed, Canceled or Abandoned) through the CM REST API.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				MarkdownDescription: "Scheme and host of the CM REST API, with an optional port and no path, " +
					"for example `https://api.contoso.com`. Required, here or in `" + envHost + "`.",
				Optional:   true,
				Validators: []validator.String{hostValidator},
			},
			"base_path": schema.StringAttribute{
				MarkdownDescription: "Path of the API under `host`. Defaults to `" + mimcm.DefaultBasePath +
					"`; also read from `" + envBasePath + "`.",
				Optional:   true,
				Validators: []validator.String{basePathValidator},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit for each HTTP attempt, as a Go duration such as `30s` or `2m`. " +
					"Defaults to `60s`; also read from `" + envRequestTimeout + "`.",
				Optional:   true,
				Validators: []validator.String{durationValidator},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a call is retried after a connection error or a 429, 502, 503 or 504 answer " +
					"(a 500 is retried at most once). Defaults to `4`; also read from `" + envMaxRetries + "`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"max_concurrent_requests": schema.Int64Attribute{
				MarkdownDescription: "Most API calls in flight at once, shared by every resource and data source of this provider " +
					"configuration, so that Terraform's `-parallelism` cannot overload MIM CM; also the most connections the provider " +
					"process opens to it. Defaults to `8`; also read from `" +
					envMaxConcurrent + "`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 64)},
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Skip verification of the server's TLS certificate. For tests only. Defaults to `false`; " +
					"also read from `" + envInsecureSkipVerify + "`.",
				Optional: true,
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificates to trust in addition to the system's, for servers with an internal CA. " +
					"Also read from `" + envCACertPEM + "`.",
				Optional: true,
			},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Extra HTTP headers sent with every request, for example for a proxy in front of IIS. " +
					"Also read from `" + envHeaders + "` as a JSON object.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"ca_cert_file": schema.StringAttribute{
				MarkdownDescription: "Path of a PEM file of CA certificates to trust in addition to the system's. " +
					"Also read from `" + envCACertFile + "`.",
				Optional: true,
			},
			"client_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded client certificate for mutual TLS, with `client_key_pem`. " +
					"Also read from `" + envClientCertPEM + "`.",
				Optional: true,
			},
			"client_key_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded private key of `client_cert_pem`. Also read from `" + envClientKeyPEM + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"auth_method": schema.StringAttribute{
				MarkdownDescription: "How to authenticate: `auto`, `negotiate` (Kerberos through SPNEGO), `ntlm`, `basic`, `bearer` or `none`. " +
					"`auto` answers the server's `WWW-Authenticate` challenge with the strongest method the configured credentials allow: " +
					"Negotiate (Kerberos), then NTLM, then Basic (over https only). " +
					"When unset: `bearer` if only a token is set, otherwise `auto`. Also read from `" + envAuthMethod + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(authMethods...)},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "User for `basic`, `ntlm` and `negotiate`: `user`, `DOMAIN\\user` or `user@domain` " +
					"(for Kerberos, the principal `user@REALM`). Also read from `" + envUsername + "`.",
				Optional: true,
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "Password for `basic`, `ntlm` and a Kerberos password login. Also read from `" + envPassword + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "NTLM domain, when `username` does not carry one. Also read from `" + envDomain + "`.",
				Optional:            true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "Bearer token (for example an AD FS access token) for `bearer`. Also read from `" + envToken + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"kerberos_realm": schema.StringAttribute{
				MarkdownDescription: "Kerberos realm for a password or keytab login when `username` has no `@REALM`; " +
					"defaults to the `default_realm` of the Kerberos configuration. Also read from `" + envKerberosRealm + "`.",
				Optional: true,
			},
			"kerberos_keytab": schema.StringAttribute{
				MarkdownDescription: "Path of a keytab to log in to Kerberos as `username` without a password. Also read from `" + envKerberosKeytab + "`.",
				Optional:            true,
			},
			"kerberos_keytab_base64": schema.StringAttribute{
				MarkdownDescription: "A keytab's content in base64, for runners without files (HCP Terraform, CI). " +
					"Also read from `" + envKerberosKeytabBase64 + "`.",
				Optional:  true,
				Sensitive: true,
			},
			"kerberos_ccache": schema.StringAttribute{
				MarkdownDescription: "Path of a Kerberos credential cache (as `kinit` writes it) to use when neither password nor keytab is set. " +
					"Defaults to `KRB5CCNAME`; also read from `" + envKerberosCCache + "`.",
				Optional: true,
			},
			"krb5_conf": schema.StringAttribute{
				MarkdownDescription: "Path of the Kerberos configuration. Defaults to `" + envKrb5Conf + "`, then `KRB5_CONFIG`, then `/etc/krb5.conf`.",
				Optional:            true,
			},
			"krb5_conf_content": schema.StringAttribute{
				MarkdownDescription: "The Kerberos configuration itself, for runners without files; takes precedence over `krb5_conf`. " +
					"Also read from `" + envKrb5ConfContent + "`.",
				Optional: true,
			},
			"kerberos_spn": schema.StringAttribute{
				MarkdownDescription: "Service principal name of the API. Defaults to `HTTP/<host>`, which is what IIS expects for its host name. " +
					"Also read from `" + envKerberosSPN + "`.",
				Optional: true,
			},
		},
	}
}

// ValidateConfig checks combinations of arguments that are set in the
// configuration; single arguments are checked by their validators.
func (p *MimcmProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg MimcmProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.AuthMethod.IsUnknown() || cfg.AuthMethod.IsNull() {
		return
	}
	switch cfg.AuthMethod.ValueString() {
	case authNone:
		for name, v := range map[string]types.String{"username": cfg.Username, "password": cfg.Password, "token": cfg.Token} {
			if !v.IsNull() && !v.IsUnknown() {
				resp.Diagnostics.AddAttributeWarning(path.Root(name), "Credential ignored",
					fmt.Sprintf("auth_method is \"none\", so %s is never sent. Set auth_method to the method it belongs to, or remove it.", name))
			}
		}
	case authBasic:
		if !cfg.Token.IsNull() && !cfg.Token.IsUnknown() {
			resp.Diagnostics.AddAttributeWarning(path.Root("token"), "Credential ignored",
				"auth_method is \"basic\", so token is never sent. Remove it, or set auth_method = \"bearer\".")
		}
	case authBearer:
		if !cfg.Password.IsNull() && !cfg.Password.IsUnknown() {
			resp.Diagnostics.AddAttributeWarning(path.Root("password"), "Credential ignored",
				"auth_method is \"bearer\", so password is never sent. Remove it, or set auth_method = \"basic\".")
		}
	}
}

// Configure builds the API client from the configuration and the
// environment. When a value it needs is not known yet (it comes from another
// resource), it leaves the provider unconfigured so that planning goes on;
// resources then plan without calling the API.
func (p *MimcmProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg MimcmProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown := cfg.unknownArguments(); len(unknown) > 0 {
		tflog.Debug(ctx, "Provider arguments are not known yet; planning without calling the API", map[string]any{"arguments": unknown})
		return
	}

	settings, diags := cfg.resolve(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings.UserAgent = fmt.Sprintf("terraform-provider-mimcm/%s Terraform/%s", p.version, req.TerraformVersion)

	client, err := mimcm.NewClient(settings)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the MIM CM client", err.Error())
		return
	}
	data := newProviderData(client)
	resp.ResourceData = data
	resp.DataSourceData = data
}

// Resources lists the provider's resources.
func (p *MimcmProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewRequestStatusResource,
		NewRequestStatusesResource,
	}
}

// DataSources lists the provider's data sources.
func (p *MimcmProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewRequestDataSource,
		NewRequestsDataSource,
	}
}

// unknownArguments names the arguments whose values are not known yet.
func (cfg MimcmProviderModel) unknownArguments() []string {
	var names []string
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"host": cfg.Host, "base_path": cfg.BasePath, "request_timeout": cfg.RequestTimeout,
		"max_retries": cfg.MaxRetries, "max_concurrent_requests": cfg.MaxConcurrent, "insecure_skip_verify": cfg.InsecureSkipVerify,
		"ca_cert_pem": cfg.CACertPEM, "headers": cfg.Headers, "auth_method": cfg.AuthMethod,
		"username": cfg.Username, "password": cfg.Password, "token": cfg.Token, "domain": cfg.Domain,
		"kerberos_realm": cfg.KerberosRealm, "kerberos_keytab": cfg.KerberosKeytab,
		"kerberos_keytab_base64": cfg.KerberosKeytabBase64, "kerberos_ccache": cfg.KerberosCCache,
		"krb5_conf": cfg.Krb5Conf, "krb5_conf_content": cfg.Krb5ConfContent, "kerberos_spn": cfg.KerberosSPN,
		"ca_cert_file": cfg.CACertFile, "client_cert_pem": cfg.ClientCertPEM, "client_key_pem": cfg.ClientKeyPEM,
	} {
		if v.IsUnknown() {
			names = append(names, name)
		}
	}
	return names
}

// resolve merges the configuration with the environment and checks the
// result, attaching each problem to the argument at fault.
func (cfg MimcmProviderModel) resolve(ctx context.Context) (mimcm.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	var out mimcm.Config

	host := stringOrEnv(cfg.Host, envHost)
	if host == "" {
		diags.AddAttributeError(path.Root("host"), "Missing MIM CM host",
			"Set host in the provider block or the "+envHost+" environment variable to the API's scheme and host, for example https://api.contoso.com.")
	} else if h, err := mimcm.ParseHost(host); err != nil {
		diags.AddAttributeError(path.Root("host"), "Invalid MIM CM host", err.Error())
	} else {
		out.Host = h
	}

	if bp, err := mimcm.ParseBasePath(stringOrEnv(cfg.BasePath, envBasePath)); err != nil {
		diags.AddAttributeError(path.Root("base_path"), "Invalid base path", err.Error())
	} else {
		out.BasePath = bp
	}

	out.RequestTimeout = mimcm.DefaultRequestTimeout
	if s := stringOrEnv(cfg.RequestTimeout, envRequestTimeout); s != "" {
		d, err := parsePositiveDuration(s)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout", err.Error())
		}
		out.RequestTimeout = d
	}

	out.MaxRetries = mimcm.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		out.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	} else if s := os.Getenv(envMaxRetries); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 20 {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("%s=%q is not a whole number between 0 and 20. Set it to one, such as %d, or unset it to use that default.", envMaxRetries, s, mimcm.DefaultMaxRetries))
		}
		out.MaxRetries = n
	}

	out.MaxConcurrentRequests = mimcm.DefaultMaxConcurrentRequests
	if !cfg.MaxConcurrent.IsNull() {
		out.MaxConcurrentRequests = int(cfg.MaxConcurrent.ValueInt64())
	} else if s := os.Getenv(envMaxConcurrent); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 64 {
			diags.AddAttributeError(path.Root("max_concurrent_requests"), "Invalid max_concurrent_requests",
				fmt.Sprintf("%s=%q is not a whole number between 1 and 64. Set it to one, such as %d, or unset it to use that default.", envMaxConcurrent, s, mimcm.DefaultMaxConcurrentRequests))
		}
		out.MaxConcurrentRequests = n
	}

	if !cfg.InsecureSkipVerify.IsNull() {
		out.InsecureSkipVerify = cfg.InsecureSkipVerify.ValueBool()
	} else if s := os.Getenv(envInsecureSkipVerify); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			diags.AddAttributeError(path.Root("insecure_skip_verify"), "Invalid insecure_skip_verify",
				fmt.Sprintf("%s=%q is not true or false. Set it to true or false, or unset it to verify certificates.", envInsecureSkipVerify, s))
		}
		out.InsecureSkipVerify = b
	}
	if out.InsecureSkipVerify {
		diags.AddAttributeWarning(path.Root("insecure_skip_verify"), "TLS verification is off",
			"The provider will trust any certificate the server presents, so anyone on the network path can read what it sends. Outside of tests, trust the server's CA with ca_cert_pem instead.")
	}

	diags.Append(cfg.tlsSettings(&out)...)

	headers, hdiags := cfg.headers(ctx)
	diags.Append(hdiags...)
	out.Headers = headers

	auth, secrets, adiags := cfg.authenticator(out.Host)
	diags.Append(adiags...)
	out.Auth = auth
	out.Logger = newTflogLogger(append(secrets, nonEmpty(out.ClientKeyPEM)...))

	if auth != nil && auth.SendsSecrets() && strings.HasPrefix(out.Host, "http://") {
		diags.AddAttributeWarning(path.Root("host"), "Credentials sent over plain HTTP",
			fmt.Sprintf("auth_method %q sends reusable credentials with every request, and %s is not https, so anyone on the network path can read them. Use an https host.", auth.Name(), out.Host))
	}
	return out, diags
}

// headers reads the extra headers from the configuration or from
// MIMCM_HEADERS (a JSON object).
func (cfg MimcmProviderModel) headers(ctx context.Context) (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	headers := map[string]string{}
	if !cfg.Headers.IsNull() {
		diags.Append(cfg.Headers.ElementsAs(ctx, &headers, false)...)
	} else if s := os.Getenv(envHeaders); s != "" {
		if err := json.Unmarshal([]byte(s), &headers); err != nil {
			diags.AddAttributeError(path.Root("headers"), "Invalid headers",
				fmt.Sprintf("%s must hold a JSON object of header names to values, such as {\"X-Team\":\"pki\"}: %v.", envHeaders, err))
		}
	}
	for name := range headers {
		if strings.EqualFold(name, "Authorization") {
			diags.AddAttributeError(path.Root("headers"), "Authorization header in headers",
				"Credentials do not belong in headers, where they would be stored in plan files unmasked. Use auth_method with token, or username and password.")
		}
	}
	return headers, diags
}

// stringOrEnv returns the configured value, or the environment variable's
// when the argument is not set.
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func parsePositiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: want a number with a unit, such as 30s or 2m", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration: want a number above zero with a unit, such as 30s or 2m", s)
	}
	return d, nil
}
