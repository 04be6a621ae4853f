package provider

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var (
	_ provider.ProviderWithValidateConfig = (*MimcmProvider)(nil)
	_ provider.ProviderWithListResources  = (*MimcmProvider)(nil)
	_ provider.ProviderWithActions        = (*MimcmProvider)(nil)
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
	// data is what Configure gave resources, for Server's own answers;
	// nil until the provider is configured.
	data atomic.Pointer[providerData]
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
		Attributes: providerSchemaAttributes(),
	}
}

// ValidateConfig checks combinations of arguments that are set in the
// configuration; single arguments are checked by their validators.
func (p *MimcmProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.AuthMethod.IsNull() || m.AuthMethod.IsUnknown() {
		return
	}
	method := m.AuthMethod.ValueString()
	ignored := func(field *types.String, hint string) {
		if !field.IsNull() && !field.IsUnknown() {
			a := m.argumentOf(field)
			resp.Diagnostics.AddAttributeWarning(path.Root(a.name), "Credential ignored",
				fmt.Sprintf("auth_method is %q, so %s is never sent. %s", method, a.name, hint))
		}
	}
	switch method {
	case mimcm.AuthNone:
		for _, field := range []*types.String{&m.Username, &m.Password, &m.Token} {
			ignored(field, "Set auth_method to the method it belongs to, or remove it.")
		}
	case mimcm.AuthBasic:
		ignored(&m.Token, `Remove it, or set auth_method = "bearer".`)
	case mimcm.AuthBearer:
		ignored(&m.Password, `Remove it, or set auth_method = "basic".`)
	}
}

// Configure builds the API client from the configuration and the
// environment. When a value it needs is not known yet (it comes from another
// resource), it leaves the provider unconfigured so that planning goes on;
// resources then plan without calling the API.
func (p *MimcmProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown := m.unknown(); len(unknown) > 0 {
		tflog.Debug(ctx, "Provider arguments are not known yet; planning without calling the API", map[string]any{"arguments": unknown})
		return
	}

	settings, diags := m.resolve()
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
	resp.ListResourceData = data
	resp.ActionData = data
	resp.DataSourceData = data
	p.data.Store(data)
}

// Resources lists the provider's resources.
func (p *MimcmProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewRequestResource,
		NewRequestStatusResource,
		NewRequestStatusesResource,
	}
}

// ListResources lists the provider's list resources (terraform query).
func (p *MimcmProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewRequestStatusListResource}
}

// Actions lists the provider's actions.
func (p *MimcmProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewSetRequestStatusAction}
}

// DataSources lists the provider's data sources.
func (p *MimcmProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewProfileTemplatePolicyDataSource,
		NewProfileTemplatesDataSource,
		NewRequestDataSource,
		NewRequestsDataSource,
	}
}

// resolve merges the configuration with the environment and checks the
// result, attaching each problem to the argument at fault.
func (m *providerModel) resolve() (mimcm.Config, diag.Diagnostics) {
	diags := m.fillFromEnvironment()
	var out mimcm.Config

	if m.Host.ValueString() == "" {
		diags.AddAttributeError(path.Root("host"), "Missing MIM CM host",
			"Set host in the provider block or the "+envOf("host")+" environment variable to the API's scheme and host, for example https://api.contoso.com.")
	} else if h, err := mimcm.ParseHost(m.Host.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("host"), "Invalid MIM CM host", err.Error()+m.from(&m.Host))
	} else {
		out.Host = h
	}

	if bp, err := mimcm.ParseBasePath(m.BasePath.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("base_path"), "Invalid base path", err.Error()+m.from(&m.BasePath))
	} else {
		out.BasePath = bp
	}

	out.RequestTimeout = mimcm.DefaultRequestTimeout
	if s := m.RequestTimeout.ValueString(); s != "" {
		d, err := parsePositiveDuration(s)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout", err.Error()+m.from(&m.RequestTimeout))
		}
		out.RequestTimeout = d
	}

	out.MaxRetries = int(m.MaxRetries.ValueInt64())
	out.MaxConcurrentRequests = int(m.MaxConcurrentRequests.ValueInt64())

	out.InsecureSkipVerify = m.InsecureSkipVerify.ValueBool()
	if out.InsecureSkipVerify {
		diags.AddAttributeWarning(path.Root("insecure_skip_verify"), "TLS verification is off",
			"The provider will trust any certificate the server presents, so anyone on the network path can read what it sends. Outside of tests, trust the server's CA with ca_cert_pem instead.")
	}

	diags.Append(m.tlsSettings(&out)...)

	headers, hdiags := m.headers()
	diags.Append(hdiags...)
	out.Headers = headers

	auth, secrets, adiags := m.authenticator(out.Host)
	diags.Append(adiags...)
	out.Auth = auth
	out.Logger = newTflogLogger(append(secrets, nonEmpty(out.ClientKeyPEM)...))

	if auth != nil && auth.SendsSecrets() && strings.HasPrefix(out.Host, "http://") {
		diags.AddAttributeWarning(path.Root("host"), "Credentials sent over plain HTTP",
			fmt.Sprintf("auth_method %q sends reusable credentials with every request, and %s is not https, so anyone on the network path can read them. Use an https host.", auth.Name(), out.Host))
	}
	return out, diags
}

// headers are the extra headers, from the configuration or from
// MIMCM_HEADERS; the block's validator has checked the block's names and
// values, and the environment's are checked here.
func (m *providerModel) headers() (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	headers := make(map[string]string, len(m.Headers.Elements()))
	for name, v := range m.Headers.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsNull() {
			diags.AddAttributeError(path.Root("headers"), "Header without a value",
				fmt.Sprintf("Header %s is null. Give it a value, or remove it.", mimcm.QuoteInput(name)))
			continue
		}
		headers[name] = s.ValueString()
	}
	if m.from(&m.Headers) != "" {
		if err := mimcm.CheckHeaders(headers); err != nil {
			diags.AddAttributeError(path.Root("headers"), "Invalid header", fmt.Sprintf("%v%s.", err, m.from(&m.Headers)))
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
		return 0, fmt.Errorf("%s is not a duration: want a number with a unit, such as 30s or 2m", mimcm.QuoteInput(s))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s is not a positive duration: want a number above zero with a unit, such as 30s or 2m", mimcm.QuoteInput(s))
	}
	return d, nil
}
