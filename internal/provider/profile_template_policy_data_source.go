package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var _ datasource.DataSourceWithConfigure = (*ProfileTemplatePolicyDataSource)(nil)

// NewProfileTemplatePolicyDataSource returns the mimcm_profile_template_policy data source.
func NewProfileTemplatePolicyDataSource() datasource.DataSource {
	return &ProfileTemplatePolicyDataSource{}
}

// ProfileTemplatePolicyDataSource reads the workflow policy of a profile
// template for one request type: whether it is enabled, how many approvals
// it needs and which data it collects.
type ProfileTemplatePolicyDataSource struct {
	data *providerData
}

// ProfileTemplatePolicyDataSourceModel is the data source's data.
type ProfileTemplatePolicyDataSourceModel struct {
	ProfileTemplateUUID    types.String          `tfsdk:"profile_template_uuid"`
	Type                   types.String          `tfsdk:"type"`
	Route                  types.String          `tfsdk:"route"`
	Enabled                types.Bool            `tfsdk:"enabled"`
	ApprovalsNeeded        types.Int64           `tfsdk:"approvals_needed"`
	CollectComments        types.Bool            `tfsdk:"collect_comments"`
	CollectRequestPriority types.Bool            `tfsdk:"collect_request_priority"`
	DefaultRequestPriority types.Int64           `tfsdk:"default_request_priority"`
	EnrollAgentRequired    types.Bool            `tfsdk:"enroll_agent_required"`
	SelfServiceEnabled     types.Bool            `tfsdk:"self_service_enabled"`
	DataCollection         []PolicyDataItemModel `tfsdk:"data_collection"`
}

// PolicyDataItemModel is one data collection item of a policy.
type PolicyDataItemModel struct {
	Name     types.String `tfsdk:"name"`
	Required types.Bool   `tfsdk:"required"`
}

// Metadata names the data source.
func (d *ProfileTemplatePolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_profile_template_policy"
}

// Schema describes the data source.
func (d *ProfileTemplatePolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the workflow policy of a MIM CM profile template for one request type: whether requests of that type are enabled, " +
			"how many approvals they need, and which data collection items they ask for. " +
			"The CM reference documents the policy route in three forms and gives no example body; see the \"Enrollment as code\" guide for the forms the provider tries and the shape it expects.",
		Attributes: map[string]schema.Attribute{
			"profile_template_uuid": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "GUID of the profile template, in any letter case.",
				Validators:          []validator.String{anyGUIDValidator},
			},
			"type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Request type whose policy to read, as `mimcm_request` names it: one of `" + strings.Join(mimcm.RequestTypeNames(), "`, `") + "`. " +
					"`TemporaryCards` reads the policy CM calls `TemporaryEnroll`.",
				Validators: []validator.String{oneOf(mimcm.RequestTypeNames()...)},
			},
			"route":                    schema.StringAttribute{Computed: true, MarkdownDescription: "The API path that answered, one of the documented forms of the policy route."},
			"enabled":                  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether requests of this type are enabled for the template."},
			"approvals_needed":         schema.Int64Attribute{Computed: true, MarkdownDescription: "How many approvals a request of this type needs in the CM portal before it can be completed; `0` means it is approved when created."},
			"collect_comments":         schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the policy collects a comment from the requester."},
			"collect_request_priority": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the policy lets the requester set a priority."},
			"default_request_priority": schema.Int64Attribute{Computed: true, MarkdownDescription: "Priority a request gets when it sets none."},
			"enroll_agent_required":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether an enrollment agent must act on the request."},
			"self_service_enabled":     schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether users may request this type for themselves."},
			"data_collection": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The data collection items the policy asks for, in the server's order: the keys of `mimcm_request`'s `data_collection`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the item."},
					"required": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether a request must give the item."},
				}},
			},
		},
	}
}

// Configure receives the provider's client.
func (d *ProfileTemplatePolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

// Read reads the policy. Unlike mimcm_request's plan, which only warns, a
// policy that cannot be read is an error here: reading it is all the data
// source does.
func (d *ProfileTemplatePolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg ProfileTemplatePolicyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !providerConfigured(d.data, dataSourceObject, "mimcm_profile_template_policy", &resp.Diagnostics) {
		return
	}
	template, err := mimcm.ParseGUID(cfg.ProfileTemplateUUID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("profile_template_uuid"), "Invalid GUID", err.Error())
		return
	}
	requestType, _ := mimcm.ParseRequestType(cfg.Type.ValueString())
	policy, err := d.data.policies.get(ctx, d.data.client, template, requestType)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read the %s policy of profile template %s", requestType, template), err.Error())
		return
	}
	cfg.Route = types.StringValue(policy.Route)
	cfg.Enabled = types.BoolValue(policy.Enabled)
	cfg.ApprovalsNeeded = types.Int64Value(int64(policy.ApprovalsNeeded))
	cfg.CollectComments = types.BoolValue(policy.CollectComments)
	cfg.CollectRequestPriority = types.BoolValue(policy.CollectRequestPriority)
	cfg.DefaultRequestPriority = types.Int64Value(int64(policy.DefaultRequestPriority))
	cfg.EnrollAgentRequired = types.BoolValue(policy.EnrollAgentRequired)
	cfg.SelfServiceEnabled = types.BoolValue(policy.SelfServiceEnabled)
	cfg.DataCollection = make([]PolicyDataItemModel, len(policy.DataCollection))
	for i, item := range policy.DataCollection {
		cfg.DataCollection[i] = PolicyDataItemModel{Name: types.StringValue(item.Name), Required: types.BoolValue(item.Required)}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
