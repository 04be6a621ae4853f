// Command floor is the smallest useful Terraform Plugin Framework provider,
// with resources that call nothing: floor_item keeps its input, and
// floor_request_status has mimcm_request_status's own schema and fills it
// with a completed request's attributes. Beside the framework's resources
// it serves floor_request_statuses (statuses.go), mimcm_request_statuses'
// schema answered at the protocol level with next to no work. The
// variants of floor_request_status weigh groups of
// attributes: floor_request_status_v0 has schema version 0's (also the
// security descriptor and the data collection), _no_sddl and
// _no_data_collection version 0's without one of the two, and _min only the
// status attributes that mimcm_request_statuses keeps per entry. The bench (scripts/bench) measures
// them beside terraform_data and mimcm_request_status to separate what any
// plugin costs Terraform (a process, gRPC calls, the framework's work for
// each resource), what mimcm_request_status's schema and state cost
// Terraform and the framework whatever the provider does, and what the
// provider's own code and its API calls add. It is a measuring fixture, not
// shipped.
package main

import (
	"context"
	"log"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	mimcmprovider "github.com/mimcm/terraform-provider-mimcm/internal/provider"
)

func main() {
	// As the mimcm provider does (main.go): no logs Terraform would drop,
	// so that the floor is not raised by a cost the provider avoids.
	level := os.Getenv("TF_LOG_PROVIDER")
	if level == "" {
		level = os.Getenv("TF_LOG")
	}
	if level == "" || strings.EqualFold(level, "off") {
		for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_FLOOR"} {
			if _, set := os.LookupEnv(name); !set {
				os.Setenv(name, "off") //nolint:errcheck,gosec // only fails for invalid names
			}
		}
	}
	err := tf6server.Serve("registry.terraform.io/bench/floor", func() tfprotov6.ProviderServer {
		s, err := newStatusesServer(providerserver.NewProtocol6(floorProvider{})())
		if err != nil {
			log.Fatal(err)
		}
		return s
	})
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "floor"
}

func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return item{} },
		func() resource.Resource { return requestStatus{} },
		func() resource.Resource {
			return requestStatus{suffix: "_v0", add: []string{"security_descriptor", "data_collection"}}
		},
		func() resource.Resource { return requestStatus{suffix: "_no_sddl", add: []string{"data_collection"}} },
		func() resource.Resource {
			return requestStatus{suffix: "_no_data_collection", add: []string{"security_descriptor"}}
		},
		func() resource.Resource {
			return requestStatus{suffix: "_min", only: []string{"id", "request_id", "status", "status_code", "observed_status", "completed"}}
		},
	}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// item is floor_item: its id is its input.
type item struct{}

type itemModel struct {
	ID    types.String `tfsdk:"id"`
	Input types.String `tfsdk:"input"`
}

func (item) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}

func (item) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":    schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"input": schema.StringAttribute{Required: true},
	}}
}

func (item) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = m.Input
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (item) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (item) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = m.Input
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (item) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// requestStatus is floor_request_status: the schema of mimcm_request_status,
// taken from the provider itself so that the two cannot differ, and a state
// that holds what mimcm_request_status keeps for a completed request. It
// plans nothing of its own, reads nothing and converts nothing: its state is
// built directly, without the framework's reflection.
type requestStatus struct {
	suffix string   // of the type name
	add    []string // attributes of schema version 0 to add to the provider's schema
	only   []string // when set, the only attributes kept
}

// securityDescriptor is the SDDL the bench's seeds carry, which the bench
// passes in FLOOR_SECURITY_DESCRIPTOR (the reference request's).
func securityDescriptor() string {
	if sddl := os.Getenv("FLOOR_SECURITY_DESCRIPTOR"); sddl != "" {
		return sddl
	}
	return "O:S-1-5-21-1004336348-1177238915-682003330-512D:(A;;RC;;;WD)"
}

// completedRequest is the state of a request the bench seeds (seedRequest
// in scripts/bench/mock.go: keep the two alike), once completed, but for id,
// request_id, status and timeouts, which come from the plan.
var completedRequest = func() map[string]tftypes.Value {
	item := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String, "value": tftypes.String}}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	num := func(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }
	boolean := func(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }
	null := tftypes.NewValue(tftypes.String, nil)
	return map[string]tftypes.Value{
		"status_code":     num(8),
		"observed_status": str("Completed"),
		"request_type":    num(1),
		"flags":           num(2),
		"data_collection": tftypes.NewValue(tftypes.List{ElementType: item}, []tftypes.Value{
			tftypes.NewValue(item, map[string]tftypes.Value{"name": str("Reason"), "value": str("Smart card recall")}),
		}),
		"data_collection_flags":       num(32),
		"originator_user_uuid":        str("8f1590dc-d932-4b66-8e68-2e91c5880780"),
		"target_user_uuid":            str("2d7e4c1b-5a6f-4b3c-9d8e-0f1a2b3c4d5e"),
		"submitted":                   str("2026-01-12T08:00:00Z"),
		"completed":                   str("2026-12-01T08:26:06.227Z"),
		"new_profile_uuid":            null,
		"old_profile_uuid":            null,
		"new_smartcard_uuid":          null,
		"old_smartcard_uuid":          null,
		"priority":                    num(0),
		"comment":                     str(""),
		"profile_template_uuid":       str("a039b4d0-5ce8-4eff-8651-181c6576fda3"),
		"security_descriptor":         str(securityDescriptor()),
		"is_smartcard":                boolean(true),
		"is_enrollment_agent":         boolean(false),
		"is_data_collection_complete": boolean(false),
	}
}()

func (r requestStatus) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request_status" + r.suffix
}

func (r requestStatus) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	mimcmprovider.NewRequestStatusResource().Schema(ctx, req, resp)
	attrs := resp.Schema.Attributes
	for _, name := range r.add {
		switch name {
		case "security_descriptor":
			attrs[name] = schema.StringAttribute{Computed: true}
		case "data_collection":
			attrs[name] = schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"name":  schema.StringAttribute{Computed: true},
					"value": schema.StringAttribute{Computed: true},
				},
			}}
		}
	}
	if r.only != nil {
		for name := range attrs {
			if !slices.Contains(r.only, name) {
				delete(attrs, name)
			}
		}
	}
}

func (requestStatus) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(complete(req.Plan.Raw, &resp.State)...)
}

func (requestStatus) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (requestStatus) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(complete(req.Plan.Raw, &resp.State)...)
}

func (requestStatus) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// complete sets state to plan with its computed attributes set to
// completedRequest's and id to request_id.
func complete(plan tftypes.Value, state *tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	var planned map[string]tftypes.Value
	if err := plan.As(&planned); err != nil {
		diags.AddError("Cannot build the floor_request_status state", err.Error())
		return diags
	}
	attrs := maps.Clone(planned) // As shares the plan's own map
	for name := range attrs {
		if v, ok := completedRequest[name]; ok {
			attrs[name] = v
		}
	}
	attrs["id"] = attrs["request_id"]
	state.Raw = tftypes.NewValue(plan.Type(), attrs)
	return diags
}
