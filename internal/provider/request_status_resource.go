package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var (
	_ resource.ResourceWithConfigure    = (*RequestStatusResource)(nil)
	_ resource.ResourceWithImportState  = (*RequestStatusResource)(nil)
	_ resource.ResourceWithModifyPlan   = (*RequestStatusResource)(nil)
	_ resource.ResourceWithUpgradeState = (*RequestStatusResource)(nil)
	_ resource.ResourceWithIdentity     = (*RequestStatusResource)(nil)
)

// defaultWaitTimeout bounds create and update when the timeouts block does
// not say otherwise.
const defaultWaitTimeout = 10 * time.Minute

// NewRequestStatusResource returns the mimcm_request_status resource.
func NewRequestStatusResource() resource.Resource {
	return &RequestStatusResource{}
}

// RequestStatusResource drives an existing MIM CM request to a final status.
// Like aws_ec2_instance_state, it manages one property of an object that it
// neither creates nor deletes.
type RequestStatusResource struct {
	data *providerData
}

// RequestStatusResourceModel is the resource's data.
type RequestStatusResourceModel struct {
	ID        types.String   `tfsdk:"id"`
	RequestID types.String   `tfsdk:"request_id"`
	Status    types.String   `tfsdk:"status"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
	RequestAttributesModel
}

// Metadata names the resource.
func (r *RequestStatusResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request_status"
}

// Schema describes the resource.
func (r *RequestStatusResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := resourceRequestAttributes()
	attributes["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "The request's GUID in lower case.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attributes["request_id"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "GUID of the MIM CM request, in any letter case. The request must already exist. " +
			"Changing it to another request replaces the resource; changing only its letter case does not.",
		Validators: []validator.String{guidValidator},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
			func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
				resp.RequiresReplace = !strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString())
			},
			"Replaces the resource when the GUID changes other than in letter case.",
			"Replaces the resource when the GUID changes other than in letter case.",
		)},
	}
	attributes["status"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "Final status the request must have: `Completed`, `Canceled` or `Abandoned`. " +
			"An abandoned request reads back as `Failed` (status 9), which satisfies `Abandoned`. " +
			"When the request is found in another status, this attribute shows that status's name so the plan shows the drift.",
		Validators: []validator.String{desiredStatusValidator},
	}
	resp.Schema = schema.Schema{
		Version: 1, // 0 kept security_descriptor and data_collection: see UpgradeState
		MarkdownDescription: "Drives an existing MIM CM request to a final status — `Completed`, `Canceled` or `Abandoned` — " +
			"and keeps the request's attributes in state. Destroying the resource only removes it from state: " +
			"final statuses cannot be undone.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true}),
		},
	}
}

// IdentitySchema describes the resource's identity: the request's GUID,
// which import blocks (Terraform 1.12 and later) and terraform query name.
func (r *RequestStatusResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = requestIdentitySchema()
}

// requestIdentitySchema is the identity of every resource that stands for
// one request: its GUID.
func requestIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "GUID of the MIM CM request; any letter case when importing, lower case in state.",
			},
		},
	}
}

// Configure receives the provider's client.
func (r *RequestStatusResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// Create moves the request to the desired status, or adopts it when it is
// already there.
func (r *RequestStatusResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan RequestStatusResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() || !providerConfigured(r.data, resourceObject, "mimcm_request_status", &resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWaitTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The read taken while planning, when there was one, saves a GET.
	resp.Diagnostics.Append(r.apply(ctx, &plan, timeout, "timeouts.create", true)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
}

// Read refreshes the request with one GET. A request the server no longer
// returns is removed from state; any other failure keeps the state and
// reports an error.
func (r *RequestStatusResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state RequestStatusResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		// Nothing to read with yet: state stays, with its identity (see
		// the removal below for why it must be set).
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID)...)
		return
	}
	id, err := mimcm.ParseGUID(state.RequestID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("request_id"), "Invalid request GUID in state", err.Error())
		return
	}
	got, err := r.data.client.GetRequest(ctx, id)
	if errors.Is(err, mimcm.ErrRequestNotFound) {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Request %s no longer exists", id),
			fmt.Sprintf("%v\n\nThe request was removed from Terraform state; the next plan proposes to manage it again. "+
				"If it should still exist, check that the provider's account may read it.", err))
		resp.State.RemoveResource(ctx)
		// terraform-plugin-framework v1.19 fails a read that returns no
		// identity, even one that removes the resource; Terraform before
		// 1.12 sends none to keep.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, types.StringValue(id.String()))...)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(readError(id, err)...)
		return
	}

	switch desired, ok := mimcm.ParseDesiredStatus(state.Status.ValueString()); {
	case state.Status.IsNull():
		// Just imported: name the status so that a configuration the server
		// already satisfies plans no change, Abandoned for Failed included.
		state.Status = types.StringValue(importedStatusName(got.Status))
	case ok && got.Status.Satisfies(desired):
		// Keep the configured name: Abandoned reads back as Failed.
	case ok && mimcm.CheckApproval(id, got.Status, desired) != nil:
		// Not drift: nothing can be done until an approver acts in the
		// portal, so the plan stays clean and says why. The first refresh
		// after the approval shows Approved, and the plan completes it.
		resp.Diagnostics.Append(r.data.awaitingApprovalWarning(ctx, got, desired,
			"Terraform sends nothing until then, and the plan shows no change for it. The first plan after an approver has approved it proposes to make it "+string(desired)+".")...)
	default:
		state.Status = types.StringValue(got.Status.String())
	}
	state.fill(got)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID)...)
}

// Update moves the request to a newly configured status. When only
// arguments that live in Terraform changed (timeouts, the letter case of
// request_id), it calls no API.
func (r *RequestStatusResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state RequestStatusResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Status.Equal(state.Status) {
		resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
		return
	}
	if !providerConfigured(r.data, resourceObject, "mimcm_request_status", &resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultWaitTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, timeout, "timeouts.update", false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
}

// Delete calls no API: a final status cannot be undone, so destroying the
// resource only forgets the request.
func (r *RequestStatusResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state RequestStatusResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("Request %s keeps its status", state.ID.ValueString()),
		fmt.Sprintf("MIM CM cannot undo a final status, so destroying mimcm_request_status only removes it from Terraform state. "+
			"The request stays %s on the server.", state.ObservedStatus.ValueString()))
}

// ImportState takes a request GUID, in any letter case: the import ID of
// `terraform import` and `import { id = ... }`, kept as given in
// request_id, or the id of `import { identity = { id = ... } }` (Terraform
// 1.12 and later), which like every identity stands for the lower-case GUID.
func (r *RequestStatusResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	given, id, diags := importedGUID(ctx, req, "mimcm_request_status")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("request_id"), given)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, types.StringValue(id.String()))...)
}

// importedGUID reads the request GUID an import names, in any letter case:
// the import ID of `terraform import` and `import { id = ... }`, returned
// as given, or the id of `import { identity = { id = ... } }` (Terraform
// 1.12 and later), which like every identity stands for the lower-case GUID.
func importedGUID(ctx context.Context, req resource.ImportStateRequest, typeName string) (string, mimcm.GUID, diag.Diagnostics) {
	var diags diag.Diagnostics
	given, byIdentity := req.ID, false
	if given == "" && req.Identity != nil {
		var identity types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root("id"), &identity)...)
		if diags.HasError() {
			return "", "", diags
		}
		if !identity.IsNull() {
			given, byIdentity = identity.ValueString(), true
		}
	}
	id, err := mimcm.ParseGUID(given)
	if err != nil && byIdentity {
		diags.AddError("Cannot import "+typeName,
			fmt.Sprintf("The id of the import block's identity must be the request's GUID: %v. "+
				"For example: identity = { id = \"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099\" }", err))
		return "", "", diags
	}
	if err != nil {
		diags.AddError("Cannot import "+typeName,
			fmt.Sprintf("The import ID must be the request's GUID: %v. "+
				"For example: terraform import %s.example a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", err, typeName))
		return "", "", diags
	}
	if byIdentity {
		given = id.String()
	}
	return given, id, diags
}

// ModifyPlan makes plans exact and refuses, at plan time, to move a request
// out of a terminal status. A create reads the request once; an update
// decides from state alone, so `plan -refresh=false` calls no API.
func (r *RequestStatusResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if req.Plan.Raw.Equal(req.State.Raw) {
		// Nothing changes, and the rest would only convert the plan and the
		// state to set the same plan again: most of the provider's time in a
		// plan of thousands of unchanged resources. It still claims its
		// request, so that a new resource cannot target it too.
		resp.Diagnostics.Append(r.claimTarget(ctx, req.Plan.Raw, req.Private, resp.Private)...)
		return
	}
	var plan RequestStatusResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() || plan.RequestID.IsUnknown() || plan.Status.IsUnknown() {
		return
	}
	if _, err := mimcm.ParseGUID(plan.RequestID.ValueString()); err != nil {
		return // the validator reports it
	}
	// Before any call: two resources that finalise one request differently
	// must not reach the apply.
	resp.Diagnostics.Append(r.claimTarget(ctx, req.Plan.Raw, req.Private, resp.Private)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, desired := plan.target()
	plan.ID = types.StringValue(id.String())

	if !req.State.Raw.IsNull() {
		var state RequestStatusResourceModel
		resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if plan.Status.Equal(state.Status) {
			// Nothing changes on the server: keep what was read.
			plan.RequestAttributesModel = state.RequestAttributesModel
		} else {
			current := mimcm.Status(state.StatusCode.ValueInt64())
			if err := mimcm.CheckTransition(id, current, desired); err != nil {
				resp.Diagnostics.Append(transitionError(desired, err)...)
				return
			}
			// A request last seen awaiting approval may have been approved
			// since: the apply reads it again, so its status stays unknown.
			if mimcm.CheckApproval(id, current, desired) == nil {
				plan.planStatus(desired)
			}
		}
		resp.Diagnostics.Append(setPlan(ctx, &resp.Plan, &plan)...)
		return
	}

	if r.data == nil {
		// Nothing to read with until the provider's arguments are known: the
		// request may await approval, so its status is left to the apply.
		resp.Diagnostics.Append(setPlan(ctx, &resp.Plan, &plan)...)
		return
	}
	got, err := r.data.client.GetRequest(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(readError(id, err)...)
		return
	}
	if err := mimcm.CheckTransition(id, got.Status, desired); err != nil {
		resp.Diagnostics.Append(transitionError(desired, err)...)
		return
	}
	r.data.reads.put(id, got, 0)
	read := newRequestAttributesModel(got)
	switch {
	case got.Status.Satisfies(desired):
		// Adopted as it is: a final status never changes again.
		plan.RequestAttributesModel = read
	case mimcm.CheckApproval(id, got.Status, desired) != nil:
		// It may be approved before the apply reads it again: its status
		// is known only then.
		plan.RequestAttributesModel.copyImmutable(read)
		resp.Diagnostics.Append(r.data.awaitingApprovalWarning(ctx, got, desired,
			"The apply sends nothing for it and records it as it is; the first run after an approver has approved it makes it "+string(desired)+".")...)
	default:
		plan.planStatus(desired)
		plan.RequestAttributesModel.copyImmutable(read)
	}
	resp.Diagnostics.Append(setPlan(ctx, &resp.Plan, &plan)...)
}

// apply reads the request and brings it to the planned status within
// timeout, then fills plan with what the server reports. timeoutName names
// the timeouts argument to raise when waiting takes too long; cached allows
// the read taken while planning to stand in for a fresh one.
func (r *RequestStatusResource) apply(ctx context.Context, plan *RequestStatusResourceModel, timeout time.Duration, timeoutName string, cached bool) diag.Diagnostics {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id, desired := plan.target()
	ctx = tflog.SetField(ctx, "request_id", id.String())
	var (
		current *mimcm.Request
		ok      bool
	)
	if cached {
		current, ok = r.data.reads.take(id)
	}
	if !ok {
		var err error
		if current, err = r.data.client.GetRequest(ctx, id); err != nil {
			return readError(id, err)
		}
	}
	change := statusChange{client: r.data.client, timeoutName: timeoutName, refused: transitionError,
		awaiting: func(err *mimcm.ApprovalError) diag.Diagnostics {
			return r.data.awaitingApprovalWarning(ctx, current, desired,
				"Nothing was sent. State records the request as the server has it; the first plan after an approver has approved it proposes to make it "+string(desired)+".")
		}}
	result, diags := change.converge(ctx, id, desired, current)
	if diags.HasError() {
		return diags
	}
	plan.fill(result)
	return diags
}

// setIdentity records a request's lower-case GUID as the resource's
// identity. Terraform older than 1.12 sends no identity, and state written
// before the provider had one carries none: Read fills it in.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.SetAttribute(ctx, path.Root("id"), id)
}

// target returns the request GUID and desired status of a validated plan.
func (m *RequestStatusResourceModel) target() (mimcm.GUID, mimcm.DesiredStatus) {
	id, _ := mimcm.ParseGUID(m.RequestID.ValueString())
	desired, _ := mimcm.ParseDesiredStatus(m.Status.ValueString())
	return id, desired
}

// planStatus plans the status attributes a successful apply will read back.
func (m *RequestStatusResourceModel) planStatus(desired mimcm.DesiredStatus) {
	m.StatusCode = types.Int64Value(int64(desired.Target()))
	m.ObservedStatus = types.StringValue(desired.Target().String())
}

// fill stores the attributes read from the server.
func (m *RequestStatusResourceModel) fill(got *mimcm.Request) {
	m.ID = types.StringValue(got.Uuid.String())
	m.RequestAttributesModel = newRequestAttributesModel(got)
}

// importedStatusName names an observed status as a configuration would: the
// desired status it satisfies (Abandoned for Failed), otherwise its own name.
func importedStatusName(s mimcm.Status) string {
	if d, ok := mimcm.DesiredStatusFor(s); ok {
		return string(d)
	}
	return s.String()
}

// readError turns a failed read into a diagnostic; a request that does not
// exist is blamed on request_id.
func readError(id mimcm.GUID, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	if errors.Is(err, mimcm.ErrRequestNotFound) {
		diags.AddAttributeError(path.Root("request_id"), fmt.Sprintf("Request %s does not exist", id), err.Error())
		return diags
	}
	diags.AddError(fmt.Sprintf("Cannot read request %s", id), err.Error())
	return diags
}

// transitionError explains why a request in another final status can never
// reach the desired one, and how to stop Terraform from trying.
func transitionError(desired mimcm.DesiredStatus, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("status"), fmt.Sprintf("Request %s cannot be %s", transitionSubject(err), verb(desired)),
		fmt.Sprintf("%v.\n\nTerraform will not ask for it. To accept the request as it is, change status to match it, "+
			"remove the resource from the configuration (destroying it only forgets the request), or keep it and stop "+
			"managing its status with:\n\n  lifecycle {\n    ignore_changes = [status]\n  }", err))
	return diags
}

func verb(d mimcm.DesiredStatus) string {
	return strings.ToLower(string(d))
}
