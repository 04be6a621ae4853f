package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var _ datasource.DataSourceWithConfigure = (*RequestDataSource)(nil)

// NewRequestDataSource returns the mimcm_request data source.
func NewRequestDataSource() datasource.DataSource {
	return &RequestDataSource{}
}

// RequestDataSource reads one MIM CM request.
type RequestDataSource struct {
	data *providerData
}

// RequestDataSourceModel is one request as the data sources expose it: its
// GUID, its status name, and every attribute the resource exposes.
type RequestDataSourceModel struct {
	ID     types.String `tfsdk:"id"`
	Status types.String `tfsdk:"status"`
	RequestAttributesModel
	RequestDetailsModel
}

// Metadata names the data source.
func (d *RequestDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request"
}

// Schema describes the data source.
func (d *RequestDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := dataSourceRequestAttributes()
	attributes["id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "GUID of the request to read, in any letter case.",
		Validators:          []validator.String{guidValidator},
	}
	attributes["status"] = requestStatusNameAttribute()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one MIM CM request: its status (name and number) and every other attribute the server returns.",
		Attributes:          attributes,
	}
}

// Configure receives the provider's client.
func (d *RequestDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

// Read reads the request with one GET; a GUID the server cannot find is an
// error.
func (d *RequestDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg RequestDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !providerConfigured(d.data, dataSourceObject, "mimcm_request", &resp.Diagnostics) {
		return
	}
	id, err := mimcm.ParseGUID(cfg.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid request GUID", err.Error())
		return
	}
	got, err := d.data.client.GetRequest(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(dataSourceReadError(id, err)...)
		return
	}
	item, diags := newRequestDataSourceModel(got)
	resp.Diagnostics.Append(diags...)
	item.ID = cfg.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, &item)...)
}

// newRequestDataSourceModel converts a request for the data sources.
func newRequestDataSourceModel(r *mimcm.Request) (RequestDataSourceModel, diag.Diagnostics) {
	details, diags := newRequestDetailsModel(r)
	return RequestDataSourceModel{
		ID:                     types.StringValue(r.Uuid.String()),
		Status:                 types.StringValue(r.Status.String()),
		RequestAttributesModel: newRequestAttributesModel(r),
		RequestDetailsModel:    details,
	}, diags
}

func requestStatusNameAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true,
		MarkdownDescription: "Status name the server reports, from the status table (`None`, `Approved`, `Denied`, `Completed`, " +
			"`Failed`, `Pending`, `Canceled`, `Executing`), or `Unknown(N)`. An abandoned request is `Failed`.",
	}
}

func dataSourceReadError(id mimcm.GUID, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("id"), fmt.Sprintf("Cannot read request %s", id), err.Error())
	return diags
}
