package provider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*ProfileTemplatesDataSource)(nil)

// NewProfileTemplatesDataSource returns the mimcm_profile_templates data source.
func NewProfileTemplatesDataSource() datasource.DataSource {
	return &ProfileTemplatesDataSource{}
}

// ProfileTemplatesDataSource lists the profile templates the provider's
// account may enroll for, so that a configuration finds one by name.
type ProfileTemplatesDataSource struct {
	data *providerData
}

// ProfileTemplatesDataSourceModel is the data source's data.
type ProfileTemplatesDataSourceModel struct {
	Name      types.String           `tfsdk:"name"`
	Templates []ProfileTemplateModel `tfsdk:"templates"`
}

// ProfileTemplateModel is one profile template.
type ProfileTemplateModel struct {
	UUID               types.String `tfsdk:"uuid"`
	Name               types.String `tfsdk:"name"`
	Description        types.String `tfsdk:"description"`
	IsSmartcard        types.Bool   `tfsdk:"is_smartcard"`
	IsVirtualSmartcard types.Bool   `tfsdk:"is_virtual_smartcard"`
}

// Metadata names the data source.
func (d *ProfileTemplatesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_profile_templates"
}

// Schema describes the data source.
func (d *ProfileTemplatesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the MIM CM profile templates the provider's account may enroll for (`GET /profiletemplates?targetuser=current`), " +
			"ordered by name (without regard to letter case) then GUID, so that a configuration finds a template by name rather than copying its GUID.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only the templates with this name, compared without regard to letter case as Windows compares names. " +
					"No match is an empty list, not an error.",
			},
			"templates": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The profile templates.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"uuid":                 schema.StringAttribute{Computed: true, MarkdownDescription: "GUID of the profile template, lower-case: the `profile_template_uuid` of `mimcm_request`."},
					"name":                 schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the profile template."},
					"description":          schema.StringAttribute{Computed: true, MarkdownDescription: "Description of the profile template; empty when it has none."},
					"is_smartcard":         schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the template issues smart cards."},
					"is_virtual_smartcard": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the template issues virtual smart cards."},
				}},
			},
		},
	}
}

// Configure receives the provider's client.
func (d *ProfileTemplatesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

// Read lists the templates with one GET.
func (d *ProfileTemplatesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg ProfileTemplatesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !providerConfigured(d.data, dataSourceObject, "mimcm_profile_templates", &resp.Diagnostics) {
		return
	}
	list, err := d.data.client.ListProfileTemplates(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list profile templates", err.Error())
		return
	}
	sort.SliceStable(list, func(i, j int) bool {
		if a, b := strings.ToLower(list[i].Name), strings.ToLower(list[j].Name); a != b {
			return a < b
		}
		return list[i].Uuid < list[j].Uuid
	})
	cfg.Templates = []ProfileTemplateModel{}
	for _, t := range list {
		if !cfg.Name.IsNull() && !strings.EqualFold(t.Name, cfg.Name.ValueString()) {
			continue
		}
		cfg.Templates = append(cfg.Templates, ProfileTemplateModel{
			UUID:               types.StringValue(t.Uuid.String()),
			Name:               types.StringValue(t.Name),
			Description:        types.StringValue(t.Description),
			IsSmartcard:        types.BoolValue(t.IsSmartcard),
			IsVirtualSmartcard: types.BoolValue(t.IsVirtualSmartcard),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
