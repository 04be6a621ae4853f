package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var _ action.ActionWithConfigure = (*SetRequestStatusAction)(nil)

// NewSetRequestStatusAction returns the mimcm_set_request_status action.
func NewSetRequestStatusAction() action.Action {
	return &SetRequestStatusAction{}
}

// SetRequestStatusAction moves one request to a final status when invoked
// (Terraform 1.14 and later), without keeping anything in state: the
// one-off counterpart of mimcm_request_status.
type SetRequestStatusAction struct {
	data *providerData
}

// SetRequestStatusActionModel is the action's config.
type SetRequestStatusActionModel struct {
	RequestID types.String `tfsdk:"request_id"`
	Status    types.String `tfsdk:"status"`
	Timeout   types.String `tfsdk:"timeout"`
}

// Metadata names the action.
func (a *SetRequestStatusAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_set_request_status"
}

// Schema describes the action's config.
func (a *SetRequestStatusAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Moves an existing MIM CM request to a final status — `Completed`, `Canceled` or `Abandoned` — " +
			"and waits until the server reports it, sending at most one `PUT`. A request that already has the status is left " +
			"alone; one in another final status fails before anything is sent. Nothing is kept in state. " +
			"Invoke it with `terraform apply -invoke=action.mimcm_set_request_status.NAME` or from a resource's " +
			"`lifecycle { action_trigger { ... } }` (Terraform 1.14 and later).",
		Attributes: map[string]schema.Attribute{
			"request_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "GUID of the MIM CM request, in any letter case. The request must already exist.",
				Validators:          []validator.String{guidValidator},
			},
			"status": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Final status the request must have: `Completed`, `Canceled` or `Abandoned`. " +
					"An abandoned request reads back as `Failed` (status 9), which satisfies `Abandoned`.",
				Validators: []validator.String{desiredStatusValidator},
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long to wait for the server to finish, as a Go duration (`30s`, `10m`); " +
					"defaults to `10m`. Each HTTP attempt is also bounded by the provider's `request_timeout`.",
				Validators: []validator.String{durationValidator},
			},
		},
	}
}

// Configure receives the provider's client.
func (a *SetRequestStatusAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	a.data = data
}

// Invoke reads the request, sets its status unless it already has it, and
// waits for the server to finish, telling Terraform what it is waiting for.
func (a *SetRequestStatusAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg SetRequestStatusActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !providerConfigured(a.data, actionObject, "mimcm_set_request_status", &resp.Diagnostics) {
		return
	}
	id, err := mimcm.ParseGUID(cfg.RequestID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("request_id"), "Invalid request GUID", err.Error())
		return
	}
	desired, ok := mimcm.ParseDesiredStatus(cfg.Status.ValueString())
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("status"), "Invalid status",
			fmt.Sprintf("status is %q; it must be Completed, Canceled or Abandoned.", cfg.Status.ValueString()))
		return
	}
	timeout := defaultWaitTimeout
	if !cfg.Timeout.IsNull() {
		if timeout, err = parsePositiveDuration(cfg.Timeout.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("timeout"), "Invalid duration", err.Error())
			return
		}
	}
	resp.Diagnostics.Append(a.invoke(ctx, id, desired, timeout, resp.SendProgress)...)
}

func (a *SetRequestStatusAction) invoke(ctx context.Context, id mimcm.GUID, desired mimcm.DesiredStatus, timeout time.Duration, send func(action.InvokeProgressEvent)) diag.Diagnostics {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = tflog.SetField(ctx, "request_id", id.String())

	progress := func(message string) {
		if send != nil {
			send(action.InvokeProgressEvent{Message: message})
		}
	}
	current, err := a.data.client.GetRequest(ctx, id)
	if err != nil {
		return readError(id, err)
	}
	change := statusChange{client: a.data.client, timeoutName: "timeout", refused: actionTransitionError, progress: progress,
		awaiting: func(*mimcm.ApprovalError) diag.Diagnostics {
			// Invoked on demand, the action failing is the honest answer:
			// it did not do what it was asked.
			var diags diag.Diagnostics
			diags.AddAttributeError(path.Root("request_id"), awaitingApprovalSummary(id), a.data.awaitingApprovalDetail(ctx, current, desired,
				"The action sent nothing. Invoke it again once an approver has approved the request; canceling it needs no approval."))
			return diags
		}}
	got, diags := change.converge(ctx, id, desired, current)
	if diags.HasError() {
		return diags
	}
	progress(fmt.Sprintf("Request %s is %s", id, got.Status))
	return diags
}

// actionTransitionError explains why a request in another final status can
// never reach the desired one.
func actionTransitionError(desired mimcm.DesiredStatus, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("status"), fmt.Sprintf("Request %s cannot be %s", transitionSubject(err), verb(desired)),
		fmt.Sprintf("%v.\n\nThe action sent no status change: a final status cannot be left. "+
			"Invoke it only for requests that are not final yet, or with the status the request already has.", err))
	return diags
}
