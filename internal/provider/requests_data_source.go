package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var _ datasource.DataSourceWithConfigure = (*RequestsDataSource)(nil)

// targetUserCurrent is the only target_user filter the API supports.
const targetUserCurrent = "current"

// The filters the server applies, which mimcm_requests and the
// mimcm_request_status list resource both take.
const (
	statusFilterDescription = "Only requests in this status: one of `Approved`, `Canceled`, `Completed`, `Denied`, " +
		"`Executing`, `Failed`, `None`, `Pending`. Sent to the server as `?status=`."
	targetUserFilterDescription = "Only requests for the authenticated user: the API supports only `current`. " +
		"Sent to the server as `?targetuser=`."
)

// NewRequestsDataSource returns the mimcm_requests data source.
func NewRequestsDataSource() datasource.DataSource {
	return &RequestsDataSource{}
}

// RequestsDataSource lists MIM CM requests, optionally filtered by status
// and target user.
type RequestsDataSource struct {
	data *providerData
}

// RequestsDataSourceModel is the data source's data.
type RequestsDataSourceModel struct {
	Status     types.String `tfsdk:"status"`
	TargetUser types.String `tfsdk:"target_user"`
	Requests   types.List   `tfsdk:"requests"` // of RequestDataSourceModel objects
	IDs        types.List   `tfsdk:"ids"`
}

// Metadata names the data source.
func (d *RequestsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_requests"
}

// Schema describes the data source.
func (d *RequestsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists MIM CM requests, optionally only those in one status or for the current user. " +
			"The list is ordered by submission time, then GUID, so plans do not churn.",
		Attributes: map[string]schema.Attribute{
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: statusFilterDescription,
				Validators:          []validator.String{statusNameValidator},
			},
			"target_user": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: targetUserFilterDescription,
				Validators:          []validator.String{targetUserValidator},
			},
			"requests": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching requests, each with the same attributes as the `mimcm_request` data source.",
				NestedObject:        requestsItem(),
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "GUIDs of the matching requests, lower-case, in the order of `requests`.",
			},
		},
	}
}

// Configure receives the provider's client.
func (d *RequestsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

// Read lists the requests with one GET. No match is an empty list.
func (d *RequestsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg RequestsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !providerConfigured(d.data, dataSourceObject, "mimcm_requests", &resp.Diagnostics) {
		return
	}
	list, err := d.data.client.ListRequests(ctx, mimcm.ListFilter{
		Status:     cfg.Status.ValueString(),
		TargetUser: cfg.TargetUser.ValueString(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot list requests", err.Error())
		return
	}
	sortRequests(list)

	var diags diag.Diagnostics
	cfg.Requests, cfg.IDs, diags = requestListValues(list)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// requestsItem is the object of one request in requests.
func requestsItem() schema.NestedAttributeObject {
	item := dataSourceRequestAttributes()
	item["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "GUID of the request, lower-case."}
	item["status"] = requestStatusNameAttribute()
	return schema.NestedAttributeObject{Attributes: item}
}

// requestListValues converts listed requests into the values of requests
// and ids. Each request becomes an object here rather than through
// State.Set's reflection, which took seconds for 10,000 requests (see
// objectValueOf).
func requestListValues(list []mimcm.Request) (requests, ids types.List, diags diag.Diagnostics) {
	itemType, err := objectTypeOf(requestsItem().Type())
	if err != nil {
		return requests, ids, providerBug(err)
	}
	items := make([]attr.Value, len(list))
	idValues := make([]attr.Value, len(list))
	for i := range list {
		item, d := newRequestDataSourceModel(&list[i])
		diags.Append(d...)
		obj, d := objectValueOf(itemType, item)
		diags.Append(d...)
		items[i], idValues[i] = obj, item.ID
	}
	if diags.HasError() {
		return requests, ids, diags
	}
	requests, d := types.ListValue(itemType, items)
	diags.Append(d...)
	ids, d = types.ListValue(types.StringType, idValues)
	diags.Append(d...)
	return requests, ids, diags
}

// sortRequests orders requests by submission time, then GUID, whatever
// order the server sent them in.
func sortRequests(list []mimcm.Request) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].Submitted.Time(), list[j].Submitted.Time()
		if !a.Equal(b) {
			return a.Before(b)
		}
		return list[i].Uuid < list[j].Uuid
	})
}
