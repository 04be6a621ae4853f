package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
// name in upper case), how that variable is read into the typed
// providerModel (whose field for it its name tags), the list of arguments
// not known yet and the tests' environment reset all come from it.
type providerArgument struct {
	name      string
	kind      argKind
	doc       string // what it is, in Markdown; the default and the variable are added
	def       string // the default in Markdown, when it is worth saying; an intArg's is intDef
	required  bool   // required, in the block or in the environment
	sensitive bool

	min, max, intDef int64  // an intArg's bounds and default
	jsonForm         string // what a stringMapArg's variable holds, for errors

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
		jsonForm: `a JSON object of header names to values, such as {"X-Team":"pki"}`,
		doc:      "Extra HTTP headers sent with every request, for example for a proxy in front of IIS."},

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

// argument returns the declaration of a provider argument, for the
// messages that name one. An undeclared name is a bug, which
// TestProviderArguments_namesInCode finds in every name the code spells out.
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

// providerModel is the provider block: one field per entry of
// providerArguments, named by its tfsdk tag and typed by its kind
// (TestProviderModel_matchesArguments holds the two together). After
// fillFromEnvironment, each argument the block leaves unset holds its
// environment variable's value, or its default.
type providerModel struct {
	Host                  types.String `tfsdk:"host"`
	BasePath              types.String `tfsdk:"base_path"`
	RequestTimeout        types.String `tfsdk:"request_timeout"`
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
	MaxConcurrentRequests types.Int64  `tfsdk:"max_concurrent_requests"`
	Headers               types.Map    `tfsdk:"headers"`

	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	CACertPEM          types.String `tfsdk:"ca_cert_pem"`
	CACertFile         types.String `tfsdk:"ca_cert_file"`
	ClientCertPEM      types.String `tfsdk:"client_cert_pem"`
	ClientKeyPEM       types.String `tfsdk:"client_key_pem"`

	AuthMethod types.String `tfsdk:"auth_method"`
	Username   types.String `tfsdk:"username"`
	Password   types.String `tfsdk:"password"`
	Domain     types.String `tfsdk:"domain"`
	Token      types.String `tfsdk:"token"`

	KerberosRealm        types.String `tfsdk:"kerberos_realm"`
	KerberosKeytab       types.String `tfsdk:"kerberos_keytab"`
	KerberosKeytabBase64 types.String `tfsdk:"kerberos_keytab_base64"`
	KerberosCCache       types.String `tfsdk:"kerberos_ccache"`
	Krb5Conf             types.String `tfsdk:"krb5_conf"`
	Krb5ConfContent      types.String `tfsdk:"krb5_conf_content"`
	KerberosSPN          types.String `tfsdk:"kerberos_spn"`

	// fromEnv holds the arguments fillFromEnvironment read from their
	// environment variables.
	fromEnv map[*providerArgument]bool
}

// providerModelFields indexes providerModel's fields by their tfsdk tags.
var providerModelFields = func() map[string]int {
	typ := reflect.TypeFor[providerModel]()
	fields := make(map[string]int, typ.NumField())
	for i := range typ.NumField() {
		if tag, ok := typ.Field(i).Tag.Lookup("tfsdk"); ok {
			fields[tag] = i
		}
	}
	return fields
}()

// field is the argument's field in m, the one its name tags.
func (a *providerArgument) field(m *providerModel) reflect.Value {
	i, ok := providerModelFields[a.name]
	if !ok {
		panic("provider argument " + a.name + " has no field in providerModel")
	}
	return reflect.ValueOf(m).Elem().Field(i)
}

// value is the argument's value in m.
func (a *providerArgument) value(m *providerModel) attr.Value {
	v, ok := a.field(m).Interface().(attr.Value)
	if !ok {
		panic("providerModel's field for " + a.name + " is no attr.Value")
	}
	return v
}

// argumentOf is the argument declared for field, a pointer to one of m's
// fields.
func (m *providerModel) argumentOf(field any) *providerArgument {
	for i := range providerArguments {
		a := &providerArguments[i]
		if a.field(m).Addr().Interface() == field {
			return a
		}
	}
	panic(fmt.Sprintf("%T is not a field of providerModel with a provider argument", field))
}

// unknown names the arguments whose values are not known yet.
func (m *providerModel) unknown() []string {
	var names []string
	for i := range providerArguments {
		a := &providerArguments[i]
		if !fullyKnown(a.value(m)) {
			names = append(names, a.name)
		}
	}
	return names
}

// fullyKnown reports whether v and, for a map, each of its elements is
// known.
func fullyKnown(v attr.Value) bool {
	if v.IsUnknown() {
		return false
	}
	if mv, ok := v.(types.Map); ok {
		for _, e := range mv.Elements() {
			if e.IsUnknown() {
				return false
			}
		}
	}
	return true
}

// fillFromEnvironment gives each argument the block leaves unset the
// value of its environment variable, converted to the argument's type,
// and else its default. A variable whose value does not convert is an
// error on the argument, which keeps its default.
func (m *providerModel) fillFromEnvironment() diag.Diagnostics {
	var diags diag.Diagnostics
	m.fromEnv = map[*providerArgument]bool{}
	for i := range providerArguments {
		a := &providerArguments[i]
		if !a.value(m).IsNull() {
			continue
		}
		if s := os.Getenv(a.env()); s != "" {
			v, d := a.fromEnvironment(s)
			diags.Append(d...)
			if !d.HasError() {
				a.field(m).Set(reflect.ValueOf(v))
				m.fromEnv[a] = true
				continue
			}
		}
		if a.kind == intArg {
			a.field(m).Set(reflect.ValueOf(types.Int64Value(a.intDef)))
		}
	}
	return diags
}

// fromEnvironment converts s, the value of the argument's environment
// variable, to the argument's type, checking an integer's bounds.
func (a *providerArgument) fromEnvironment(s string) (attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch a.kind {
	case intArg:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < a.min || n > a.max {
			diags.AddAttributeError(path.Root(a.name), "Invalid "+a.name,
				fmt.Sprintf("%s=%s is not a whole number between %d and %d. Set it to one, such as %d, or unset it to use that default.",
					a.env(), mimcm.QuoteInput(s), a.min, a.max, a.intDef))
		}
		return types.Int64Value(n), diags
	case boolArg:
		b, err := strconv.ParseBool(s)
		if err != nil {
			diags.AddAttributeError(path.Root(a.name), "Invalid "+a.name,
				fmt.Sprintf("%s=%s is not true or false. Set it to true or false, or unset it to use the default, false.", a.env(), mimcm.QuoteInput(s)))
		}
		return types.BoolValue(b), diags
	case stringMapArg:
		return a.mapFromJSON(s)
	}
	return types.StringValue(s), diags
}

// mapFromJSON reads a map argument's environment variable, a JSON object
// of strings.
func (a *providerArgument) mapFromJSON(s string) (attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	invalid := func(why string) (attr.Value, diag.Diagnostics) {
		diags.AddAttributeError(path.Root(a.name), "Invalid "+a.name, fmt.Sprintf("%s must hold %s: %s.", a.env(), a.jsonForm, why))
		return nil, diags
	}
	var m map[string]*string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return invalid(err.Error())
	}
	if m == nil {
		return invalid("it holds null")
	}
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		if v == nil {
			return invalid(fmt.Sprintf("%s is null", mimcm.QuoteInput(k)))
		}
		elems[k] = types.StringValue(*v)
	}
	v, d := types.MapValue(types.StringType, elems)
	diags.Append(d...)
	return v, diags
}

// from says where an argument's value came from when it was the
// environment, for messages: " (from MIMCM_HOST)"; "" for the block or
// the default. field is a pointer to the argument's field in m.
func (m *providerModel) from(field any) string {
	a := m.argumentOf(field)
	if !m.fromEnv[a] {
		return ""
	}
	return " (from " + a.env() + ")"
}
