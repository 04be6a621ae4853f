package provider

import (
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// argKind is the Terraform type of a provider argument.
type argKind int

const (
	stringArg argKind = iota
	intArg
	boolArg
	stringMapArg // read from the environment as a JSON object
)

// providerArgument declares one argument of the provider block. The
// schema, the environment variable that stands in for it (MIMCM_ and the
// name in upper case), how that variable is read, the list of arguments
// not known yet and the tests' environment reset all come from it.
type providerArgument struct {
	name      string
	kind      argKind
	doc       string // what it is, in Markdown; the default and the variable are added
	def       string // the default in Markdown, when it is worth saying; an intArg's is intDef
	required  bool   // required, in the block or in the environment
	sensitive bool

	min, max, intDef int64 // an intArg's bounds and default

	validators    []validator.String
	mapValidators []validator.Map
}

// providerArguments is the provider block, in the order of its parts:
// where the API is and how to call it, TLS, credentials, Kerberos.
var providerArguments = []providerArgument{
	{name: "host", required: true, validators: []validator.String{hostValidator},
		doc: "Scheme and host of the CM REST API, with an optional port and no path, for example `https://api.contoso.com`."},
	{name: "base_path", def: "`" + mimcm.DefaultBasePath + "`", validators: []validator.String{basePathValidator},
		doc: "Path of the API under `host`."},
	{name: "request_timeout", def: "`60s`", validators: []validator.String{durationValidator},
		doc: "Time limit for each HTTP attempt, as a Go duration such as `30s` or `2m`."},
	{name: "max_retries", kind: intArg, min: 0, max: 20, intDef: mimcm.DefaultMaxRetries,
		doc: "How many times a call is retried after it got no answer or a cut-off one; `0` turns every retry off. " +
			"A 500 is retried at most once, and 429, 502, 503 and 504 answers for as long as the call's two-minute retry window lasts."},
	{name: "max_concurrent_requests", kind: intArg, min: 1, max: 64, intDef: mimcm.DefaultMaxConcurrentRequests,
		doc: "Most API calls in flight at once, shared by every resource and data source of this provider configuration, " +
			"so that Terraform's `-parallelism` cannot overload MIM CM; also the most connections the provider process opens to it."},
	{name: "headers", kind: stringMapArg, mapValidators: []validator.Map{headersCheck{}},
		doc: "Extra HTTP headers sent with every request, for example for a proxy in front of IIS."},

	{name: "insecure_skip_verify", kind: boolArg, def: "`false`",
		doc: "Skip verification of the server's TLS certificate. For tests only."},
	{name: "ca_cert_pem",
		doc: "PEM-encoded CA certificates to trust in addition to the system's, for servers with an internal CA."},
	{name: "ca_cert_file",
		doc: "Path of a PEM file of CA certificates to trust in addition to the system's."},
	{name: "client_cert_pem",
		doc: "PEM-encoded client certificate for mutual TLS, with `client_key_pem`."},
	{name: "client_key_pem", sensitive: true,
		doc: "PEM-encoded private key of `client_cert_pem`."},

	{name: "auth_method", validators: []validator.String{oneOf(mimcm.AuthMethods()...)},
		doc: "How to authenticate: `auto`, `negotiate` (Kerberos through SPNEGO), `ntlm`, `basic`, `bearer` or `none`. " +
			"`auto` answers the server's `WWW-Authenticate` challenge with the strongest method the configured credentials allow: " +
			"Negotiate (Kerberos), then NTLM, then Basic (over https only). " +
			"When unset: `bearer` if only a token is set, otherwise `auto`."},
	{name: "username",
		doc: "User for `basic`, `ntlm` and `negotiate`: `user`, `DOMAIN\\user` or `user@domain` (for Kerberos, the principal `user@REALM`)."},
	{name: "password", sensitive: true,
		doc: "Password for `basic`, `ntlm` and a Kerberos password login."},
	{name: "domain",
		doc: "NTLM domain, when `username` does not carry one."},
	{name: "token", sensitive: true,
		doc: "Bearer token (for example an AD FS access token) for `bearer`."},

	{name: "kerberos_realm",
		doc: "Kerberos realm for a password or keytab login when `username` has no `@REALM`; " +
			"defaults to the `default_realm` of the Kerberos configuration."},
	{name: "kerberos_keytab",
		doc: "Path of a keytab to log in to Kerberos as `username` without a password."},
	{name: "kerberos_keytab_base64", sensitive: true,
		doc: "A keytab's content in base64, for runners without files (HCP Terraform, CI)."},
	{name: "kerberos_ccache", def: "`" + envKRB5CCNAME + "`",
		doc: "Path of a Kerberos credential cache (as `kinit` writes it) to use when neither password nor keytab is set."},
	{name: "krb5_conf", def: "`" + envKRB5Config + "`, then `" + defaultKrb5Conf + "`",
		doc: "Path of the Kerberos configuration."},
	{name: "krb5_conf_content",
		doc: "The Kerberos configuration itself, for runners without files; takes precedence over `krb5_conf`."},
	{name: "kerberos_spn",
		doc: "Service principal name of the API. Defaults to `HTTP/<host>`, which is what IIS expects for its host name."},
}

// argumentsByName indexes providerArguments.
var argumentsByName = func() map[string]*providerArgument {
	m := make(map[string]*providerArgument, len(providerArguments))
	for i := range providerArguments {
		m[providerArguments[i].name] = &providerArguments[i]
	}
	return m
}()

// argument returns the declaration of a provider argument. An undeclared
// name is a bug that every test of the provider's configuration meets.
func argument(name string) *providerArgument {
	a, ok := argumentsByName[name]
	if !ok {
		panic("provider argument " + name + " is not declared in providerArguments")
	}
	return a
}

// env is the environment variable that stands in for the argument.
func (a *providerArgument) env() string { return "MIMCM_" + strings.ToUpper(a.name) }

// envOf is the environment variable of the named argument, for messages.
func envOf(name string) string { return argument(name).env() }

// description is the argument's documentation: what it is, its default
// and its environment variable.
func (a *providerArgument) description() string {
	env := "`" + a.env() + "`"
	if a.kind == stringMapArg {
		env += " as a JSON object"
	}
	def := a.def
	if a.kind == intArg {
		def = fmt.Sprintf("`%d`", a.intDef)
	}
	switch {
	case a.required:
		return a.doc + " Required, here or in " + env + "."
	case def != "":
		return a.doc + " Defaults to " + def + "; also read from " + env + "."
	}
	return a.doc + " Also read from " + env + "."
}

// schemaAttribute is the argument's attribute in the provider schema; every
// argument is optional there, since the environment may set it.
func (a *providerArgument) schemaAttribute() schema.Attribute {
	switch a.kind {
	case intArg:
		return schema.Int64Attribute{MarkdownDescription: a.description(), Optional: true, Sensitive: a.sensitive,
			Validators: []validator.Int64{int64validator.Between(a.min, a.max)}}
	case boolArg:
		return schema.BoolAttribute{MarkdownDescription: a.description(), Optional: true, Sensitive: a.sensitive}
	case stringMapArg:
		return schema.MapAttribute{MarkdownDescription: a.description(), Optional: true, Sensitive: a.sensitive,
			ElementType: types.StringType, Validators: a.mapValidators}
	}
	return schema.StringAttribute{MarkdownDescription: a.description(), Optional: true, Sensitive: a.sensitive,
		Validators: a.validators}
}

// providerSchemaAttributes is the provider schema's attributes.
func providerSchemaAttributes() map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(providerArguments))
	for i := range providerArguments {
		attrs[providerArguments[i].name] = providerArguments[i].schemaAttribute()
	}
	return attrs
}

// providerConfig is the provider block as Terraform sent it. Each argument
// reads as its value in the block or, when the block leaves it unset, as
// its environment variable.
type providerConfig struct {
	values map[string]tftypes.Value
}

// newProviderConfig reads the provider block's raw value.
func newProviderConfig(raw tftypes.Value) (providerConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := providerConfig{values: map[string]tftypes.Value{}}
	if raw.IsNull() || !raw.IsKnown() {
		return c, diags
	}
	if err := raw.As(&c.values); err != nil {
		diags.AddError("Cannot read the provider configuration",
			fmt.Sprintf("%v. This is a bug in the provider; please report it.", err))
	}
	return c, diags
}

// set reports whether the block sets the argument (to a known value or
// not).
func (c providerConfig) set(name string) bool {
	argument(name)
	v, ok := c.values[name]
	return ok && !v.IsNull()
}

// known reports whether the block sets the argument to a known value.
func (c providerConfig) known(name string) bool {
	return c.set(name) && c.values[name].IsFullyKnown()
}

// unknown names the arguments whose values are not known yet.
func (c providerConfig) unknown() []string {
	var names []string
	for _, a := range providerArguments {
		if v, ok := c.values[a.name]; ok && !v.IsFullyKnown() {
			names = append(names, a.name)
		}
	}
	return names
}

// str is a string argument's value: the block's, else its environment
// variable's, else "".
func (c providerConfig) str(name string) string {
	a := argument(name)
	if !c.set(name) {
		return os.Getenv(a.env())
	}
	var s string
	_ = c.values[name].As(&s) // a string by the schema
	return s
}

// from says where a value read with str came from when it was the
// environment, for messages: " (from MIMCM_HOST)"; "" for the block.
func (c providerConfig) from(name string) string {
	if c.set(name) {
		return ""
	}
	return " (from " + envOf(name) + ")"
}

// blockString is the string the block sets, if it sets a known one.
func (c providerConfig) blockString(name string) (string, bool) {
	if !c.known(name) {
		return "", false
	}
	var s string
	err := c.values[name].As(&s)
	return s, err == nil
}

// integer is an int argument's value: the block's (its validator checked
// the bounds), else its environment variable's, checked against the same
// bounds, else its default.
func (c providerConfig) integer(name string, diags *diag.Diagnostics) int {
	a := argument(name)
	if c.set(name) {
		var f big.Float
		_ = c.values[name].As(&f) // a number by the schema
		n, _ := f.Int64()
		return int(n)
	}
	s := os.Getenv(a.env())
	if s == "" {
		return int(a.intDef)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < a.min || n > a.max {
		diags.AddAttributeError(path.Root(name), "Invalid "+name,
			fmt.Sprintf("%s=%s is not a whole number between %d and %d. Set it to one, such as %d, or unset it to use that default.",
				a.env(), mimcm.QuoteInput(s), a.min, a.max, a.intDef))
		return 0
	}
	return int(n)
}

// boolean is a bool argument's value: the block's, else its environment
// variable's, else false.
func (c providerConfig) boolean(name string, diags *diag.Diagnostics) bool {
	a := argument(name)
	if c.set(name) {
		var b bool
		_ = c.values[name].As(&b) // a bool by the schema
		return b
	}
	s := os.Getenv(a.env())
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		diags.AddAttributeError(path.Root(name), "Invalid "+name,
			fmt.Sprintf("%s=%s is not true or false. Set it to true or false, or unset it to use the default, false.", a.env(), mimcm.QuoteInput(s)))
	}
	return b
}

// stringMap is a map argument's value in the block, and whether the block
// sets it; the environment's JSON is for the caller to read, which knows
// what its values mean.
func (c providerConfig) stringMap(name string) (map[string]string, bool) {
	if !c.set(name) {
		return nil, false
	}
	var elems map[string]tftypes.Value
	_ = c.values[name].As(&elems) // a map by the schema
	out := make(map[string]string, len(elems))
	for k, v := range elems {
		var s string
		_ = v.As(&s)
		out[k] = s
	}
	return out, true
}
