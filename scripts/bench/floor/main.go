// Command floor is the smallest useful Terraform Plugin Framework provider,
// with two resources that call nothing: floor_item keeps its input, and
// floor_request_status has mimcm_request_status's own schema and fills it
// with a completed request's attributes. The bench (scripts/bench) measures
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
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} }, providerserver.ServeOpts{
		Address:         "registry.terraform.io/bench/floor",
		ProtocolVersion: 6,
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
type requestStatus struct{}

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
		"security_descriptor":         str("O:S-1-5-21-1004336348-1177238915-682003330-512D:(A;;RC;;;WD)"),
		"is_smartcard":                boolean(true),
		"is_enrollment_agent":         boolean(false),
		"is_data_collection_complete": boolean(false),
	}
}()

func (requestStatus) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request_status"
}

func (requestStatus) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	mimcmprovider.NewRequestStatusResource().Schema(ctx, req, resp)
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
	var attrs map[string]tftypes.Value
	if err := plan.As(&attrs); err != nil {
		diags.AddError("Cannot build the floor_request_status state", err.Error())
		return diags
	}
	maps.Copy(attrs, completedRequest)
	attrs["id"] = attrs["request_id"]
	state.Raw = tftypes.NewValue(plan.Type(), attrs)
	return diags
}
