package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var (
	_ resource.ResourceWithConfigure   = (*RequestResource)(nil)
	_ resource.ResourceWithImportState = (*RequestResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*RequestResource)(nil)
	_ resource.ResourceWithIdentity    = (*RequestResource)(nil)
)

// NewRequestResource returns the mimcm_request resource.
func NewRequestResource() resource.Resource {
	return &RequestResource{}
}

// RequestResource creates one MIM CM request from a profile template with
// POST /requests. A request cannot be edited, so every argument that
// reaches the server replaces it; and POST is not idempotent, so the
// resource takes care never to create two requests for itself.
type RequestResource struct {
	data *providerData
}

// RequestResourceModel is the resource's data: the arguments sent in the
// POST, then what the server reports of the request.
type RequestResourceModel struct {
	ID                  types.String   `tfsdk:"id"`
	ProfileTemplateUUID types.String   `tfsdk:"profile_template_uuid"`
	Type                types.String   `tfsdk:"type"`
	TargetUserUUID      types.String   `tfsdk:"target_user_uuid"`
	DataCollection      types.Map      `tfsdk:"data_collection"`
	Comment             types.String   `tfsdk:"comment"`
	Priority            types.Int64    `tfsdk:"priority"`
	SmartcardUUID       types.String   `tfsdk:"smartcard_uuid"`
	CancelOnDestroy     types.Bool     `tfsdk:"cancel_on_destroy"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`

	StatusCode         types.Int64  `tfsdk:"status_code"`
	ObservedStatus     types.String `tfsdk:"observed_status"`
	RequestType        types.Int64  `tfsdk:"request_type"`
	OriginatorUserUUID types.String `tfsdk:"originator_user_uuid"`
	Submitted          types.String `tfsdk:"submitted"`
	Completed          types.String `tfsdk:"completed"`
	NewProfileUUID     types.String `tfsdk:"new_profile_uuid"`
	NewSmartcardUUID   types.String `tfsdk:"new_smartcard_uuid"`
	IsSmartcard        types.Bool   `tfsdk:"is_smartcard"`
}

// requestReported names the attributes of the request table that
// mimcm_request keeps: its status, and what the request created.
var requestReported = map[string]bool{
	"status_code": true, "observed_status": true, "request_type": true, "originator_user_uuid": true,
	"submitted": true, "completed": true, "new_profile_uuid": true, "new_smartcard_uuid": true, "is_smartcard": true,
}

// Metadata names the resource.
func (r *RequestResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request"
}

// Schema describes the resource. Replacement is decided in ModifyPlan, in
// one place, because a GUID's letter case and an empty map are no change.
func (r *RequestResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// Update calls no API, so every reported value keeps its state value.
	attributes := resourceAttributesOf(
		func(a requestAttribute) bool { return requestReported[a.name] },
		func(requestAttribute) bool { return true })
	attributes["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "GUID of the request the server created, in lower case.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attributes["profile_template_uuid"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "GUID of the profile template to request from, in any letter case (the `mimcm_profile_templates` data source finds it by name). " +
			"Changing it replaces the request; changing only its letter case does not.",
		Validators: []validator.String{anyGUIDValidator},
	}
	attributes["type"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "Request type, one of `" + strings.Join(mimcm.RequestTypeNames(), "`, `") + "`. " +
			"Not every type is enabled for every profile template: the plan checks the template's workflow policy when it can read it. Changing it replaces the request.",
		Validators: []validator.String{oneOf(mimcm.RequestTypeNames()...)},
	}
	attributes["target_user_uuid"] = schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "GUID of the user the request is for, in any letter case. When not set, the server makes the request for the provider's own account, " +
			"and this attribute shows that user's GUID. Changing it replaces the request; changing only its letter case, or removing it, does not.",
		Validators:    []validator.String{anyGUIDValidator},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attributes["data_collection"] = schema.MapAttribute{
		Optional:    true,
		Sensitive:   true,
		ElementType: types.StringType,
		MarkdownDescription: "Data collection items the enrollee provides, by item name, as the template's workflow policy asks for them " +
			"(the `mimcm_profile_template_policy` data source lists them). Sensitive: it often holds personal data. " +
			"The plan fails when a required item is missing, where the policy can be read. Changing it replaces the request; an empty map and no map are the same.",
		Validators: []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
	}
	attributes["comment"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(""),
		MarkdownDescription: "Comment on the request, shown to approvers in the CM portal. Defaults to `\"\"`. Changing it replaces the request.",
	}
	attributes["priority"] = schema.Int64Attribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Priority of the request. When not set, the server uses the template's default priority, and this attribute shows it. " +
			"Changing it replaces the request; removing it does not.",
		Validators:    []validator.Int64{int64validator.AtLeast(0)},
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
	attributes["smartcard_uuid"] = schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "GUID of the smart card the request acts on, in any letter case, for the types that act on a card (`Unblock`, `Retire`, `Renew` and the like); " +
			"sent as `smartcard`. Changing it replaces the request; changing only its letter case, or removing it, does not.",
		Validators:    []validator.String{anyGUIDValidator},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attributes["cancel_on_destroy"] = schema.BoolAttribute{
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(false),
		MarkdownDescription: "Cancel the request when the resource is destroyed or replaced, if it is still open (`None`, `Pending`, `Approved` or `Executing`). " +
			"Defaults to `false`: destroying or replacing the resource sends nothing, and the request stays as it is. A request in a final status is only forgotten either way. " +
			"Changing this argument changes nothing on the server.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Creates one MIM CM request from a profile template (`POST /requests`) and keeps what the server reports of it. " +
			"A request cannot be edited: changing an argument replaces it with a new request. " +
			"The provider never creates two requests for one resource: when a POST's outcome is unknown, it looks for the request the POST may have created and adopts it. " +
			"Approval happens in the CM portal; pair this resource with `mimcm_request_status` to complete the request once it is approved.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

// IdentitySchema describes the resource's identity: the request's GUID.
func (r *RequestResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = requestIdentitySchema()
}

// Configure receives the provider's client.
func (r *RequestResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// Create sends one POST and records the new request's GUID before any
// other call. Once the server has created the request, nothing that
// follows is an error: an error would taint the resource, and the next
// apply would replace it with a second request.
func (r *RequestResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan RequestResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !providerConfigured(r.data, resourceObject, "mimcm_request", &resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWaitTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	in := plan.createInput()
	created, err := r.data.client.CreateRequest(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(createError(in, err)...)
		return
	}
	ctx = tflog.SetField(ctx, "request_id", created.ID.String())
	tflog.Info(ctx, "Created request", map[string]any{"adopted": created.Adopted, "attempts": created.Attempts})
	if created.Adopted {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Request %s adopted after a lost answer", created.ID),
			"The server's answer to the POST that created the request was lost or hidden behind an error. "+
				"The provider found the one request that POST created among the caller's requests and adopted it: no second request was sent.")
	}
	plan.ID = types.StringValue(created.ID.String())
	plan.forgetUnknown()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.data.client.GetRequest(ctx, created.ID)
	if err != nil {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Request %s was created but could not be read", created.ID),
			fmt.Sprintf("%v\n\nThe request's GUID is in state, so no second request will be created; the next refresh reads its status.", err))
		return
	}
	plan.fill(got, false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read refreshes the request with one GET. A request the server no longer
// returns leaves state, so that the next plan creates it again, unless it
// had reached a final status: a purged record must never enroll anyone
// again.
func (r *RequestResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state RequestResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID)...)
		return
	}
	id, err := mimcm.ParseGUID(state.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid request GUID in state", err.Error())
		return
	}
	got, err := r.data.client.GetRequest(ctx, id)
	if errors.Is(err, mimcm.ErrRequestNotFound) {
		resp.Diagnostics.Append(r.vanished(ctx, id, state, err, resp)...)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read request %s", id), err.Error())
		return
	}
	imported := state.ProfileTemplateUUID.IsNull()
	state.fill(got, imported)
	if imported {
		resp.Diagnostics.Append(unmappedTypeWarning(got)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID)...)
}

// vanished handles a request the server no longer returns.
func (r *RequestResource) vanished(ctx context.Context, id mimcm.GUID, state RequestResourceModel, err error, resp *resource.ReadResponse) diag.Diagnostics {
	var diags diag.Diagnostics
	// terraform-plugin-framework v1.19 fails a read that returns no
	// identity, even one that removes the resource.
	diags.Append(setIdentity(ctx, resp.Identity, types.StringValue(id.String()))...)
	last := mimcm.Status(state.StatusCode.ValueInt64())
	if !state.StatusCode.IsNull() && last.IsTerminal() {
		diags.AddWarning(fmt.Sprintf("Request %s is no longer returned by the server", id),
			fmt.Sprintf("%v\n\nThe request was %s when it was last read, a final status, so it stays in state as it was: "+
				"removing it would make the next apply create a new request and enroll its target again. "+
				"When the request is no longer needed, remove the resource from the configuration (destroying it sends nothing).", err, last))
		return diags
	}
	diags.AddWarning(fmt.Sprintf("Request %s no longer exists", id),
		fmt.Sprintf("%v\n\nThe request was removed from Terraform state, so the next plan proposes to create a new request with the same arguments. "+
			"If it should still exist, check that the provider's account may read it; if no new request is wanted, remove the resource from the configuration.", err))
	resp.State.RemoveResource(ctx)
	return diags
}

// Update calls no API: only values that live in Terraform can change
// without replacing the request (cancel_on_destroy, timeouts, a GUID's
// letter case, an argument removed or set to what the server reports).
func (r *RequestResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan RequestResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
}

// Delete sends nothing unless cancel_on_destroy is set; then it cancels a
// request that is still open, and only forgets a final one.
func (r *RequestResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state RequestResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := mimcm.GUID(state.ID.ValueString())
	if !state.CancelOnDestroy.ValueBool() {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Request %s stays on the server", id),
			fmt.Sprintf("Destroying or replacing mimcm_request sends nothing: the request stays %s in MIM CM. "+
				"To cancel requests that are still open when their resource is destroyed or replaced, set cancel_on_destroy = true.", state.ObservedStatus.ValueString()))
		return
	}
	if !providerConfigured(r.data, resourceObject, "mimcm_request", &resp.Diagnostics) {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultWaitTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = tflog.SetField(ctx, "request_id", id.String())
	current, err := r.data.client.GetRequest(ctx, id)
	if errors.Is(err, mimcm.ErrRequestNotFound) {
		return // nothing left to cancel
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot read request %s to cancel it", id),
			fmt.Sprintf("%v\n\nThe resource stays in state; run the destroy again once the server answers.", err))
		return
	}
	if current.Status.IsTerminal() {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Request %s is %s and only forgotten", id, current.Status),
			fmt.Sprintf("cancel_on_destroy cancels only a request that is still open; this one reached a final status (%s, status %d), which MIM CM never changes.",
				current.Status, int(current.Status)))
		return
	}
	change := statusChange{client: r.data.client, timeoutName: "timeouts.delete", refused: func(_ mimcm.DesiredStatus, err error) diag.Diagnostics {
		var diags diag.Diagnostics
		diags.AddWarning(fmt.Sprintf("Request %s could not be canceled", id), fmt.Sprintf("%v.\n\nIt is only forgotten.", err))
		return diags
	}}
	_, diags = change.converge(ctx, id, mimcm.DesiredCanceled, current)
	resp.Diagnostics.Append(diags...)
}

// ImportState takes a request GUID, as mimcm_request_status does; Read
// then fills the arguments from what the server reports.
func (r *RequestResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	_, id, diags := importedGUID(ctx, req, "mimcm_request")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, types.StringValue(id.String()))...)
}

// ModifyPlan decides, in one place, which changes replace the request, and
// checks a request about to be created against its template's workflow
// policy, before anything is sent.
func (r *RequestResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan RequestResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state RequestResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.RequiresReplace = replacedArguments(state, plan)
		if len(resp.RequiresReplace) == 0 {
			return
		}
	}
	if r.data == nil {
		return // the apply checks nothing more than the server does
	}
	resp.Diagnostics.Append(r.checkPolicy(ctx, plan)...)
}

// checkPolicy reads the workflow policy of the planned request's template
// and type, and refuses a disabled type or missing required data. A policy
// that cannot be read is a warning: the server still decides.
func (r *RequestResource) checkPolicy(ctx context.Context, plan RequestResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	template, err := mimcm.ParseGUID(plan.ProfileTemplateUUID.ValueString())
	if plan.ProfileTemplateUUID.IsUnknown() || err != nil {
		return diags
	}
	requestType, ok := mimcm.ParseRequestType(plan.Type.ValueString())
	if plan.Type.IsUnknown() || !ok {
		return diags
	}
	policy, err := r.data.policies.get(ctx, r.data.client, template, requestType)
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check the %s policy of profile template %s", requestType, template),
			fmt.Sprintf("%v\n\nThe request is planned without checking that its type is enabled and its required data is given; "+
				"the server refuses it at apply if the policy does not allow it.", err))
		return diags
	}
	if !policy.Enabled {
		diags.AddAttributeError(path.Root("type"), fmt.Sprintf("Requests of type %s are disabled for profile template %s", requestType, template),
			fmt.Sprintf("The template's %s workflow policy (%s) is disabled, so MIM CM refuses such a request. "+
				"Choose a type the template allows, or ask a CM administrator to enable the policy.", requestType.PolicyName(), policy.Route))
		return diags
	}
	if plan.DataCollection.IsUnknown() {
		return diags
	}
	if missing := policy.MissingItems(plan.givenData()); len(missing) > 0 {
		diags.AddAttributeError(path.Root("data_collection"), fmt.Sprintf("Missing required data collection items: %s", strings.Join(missing, ", ")),
			fmt.Sprintf("The %s workflow policy of profile template %s requires %s. Add them to data_collection, for example:\n\n  data_collection = {\n%s  }",
				requestType.PolicyName(), template, quotedList(missing), exampleItems(missing)))
	}
	return diags
}

// replacedArguments lists the arguments whose change needs a new request.
// A GUID that changes only its letter case, an argument removed from the
// configuration (it keeps the server's value), a type that could not be
// named at import, and an empty map against none are no change.
func replacedArguments(state, plan RequestResourceModel) path.Paths {
	var replaced path.Paths
	for name, changed := range map[string]bool{
		"profile_template_uuid": guidChanged(state.ProfileTemplateUUID, plan.ProfileTemplateUUID),
		"type":                  !state.Type.IsNull() && !state.Type.Equal(plan.Type),
		"target_user_uuid":      guidChanged(state.TargetUserUUID, plan.TargetUserUUID),
		"data_collection":       !sameData(state.DataCollection, plan.DataCollection),
		"comment":               !state.Comment.Equal(plan.Comment),
		"priority":              !state.Priority.Equal(plan.Priority),
		"smartcard_uuid":        guidChanged(state.SmartcardUUID, plan.SmartcardUUID),
	} {
		if changed {
			replaced = append(replaced, path.Root(name))
		}
	}
	sort.Slice(replaced, func(i, j int) bool { return replaced[i].String() < replaced[j].String() })
	return replaced
}

// guidChanged reports a change of GUID other than its letter case.
func guidChanged(state, plan types.String) bool {
	if state.IsUnknown() || plan.IsUnknown() {
		return !state.Equal(plan)
	}
	return !strings.EqualFold(state.ValueString(), plan.ValueString()) || state.IsNull() != plan.IsNull()
}

// sameData compares two data_collection maps, none and empty alike.
func sameData(state, plan types.Map) bool {
	if state.IsUnknown() || plan.IsUnknown() {
		return state.Equal(plan)
	}
	if len(state.Elements()) == 0 && len(plan.Elements()) == 0 {
		return true
	}
	return state.Equal(plan)
}

// createInput is the POST the plan asks for.
func (m *RequestResourceModel) createInput() mimcm.CreateRequestInput {
	template, _ := mimcm.ParseGUID(m.ProfileTemplateUUID.ValueString())
	requestType, _ := mimcm.ParseRequestType(m.Type.ValueString())
	in := mimcm.CreateRequestInput{
		ProfileTemplate: template,
		Type:            requestType,
		DataCollection:  m.givenData(),
		Comment:         m.Comment.ValueString(),
	}
	if target, err := mimcm.ParseGUID(m.TargetUserUUID.ValueString()); err == nil && !m.TargetUserUUID.IsUnknown() {
		in.Target = target
	}
	if card, err := mimcm.ParseGUID(m.SmartcardUUID.ValueString()); err == nil && !m.SmartcardUUID.IsUnknown() {
		in.Smartcard = card
	}
	if !m.Priority.IsNull() && !m.Priority.IsUnknown() {
		priority := int(m.Priority.ValueInt64())
		in.Priority = &priority
	}
	return in
}

// givenData returns the known data_collection items.
func (m *RequestResourceModel) givenData() map[string]string {
	given := map[string]string{}
	for name, v := range m.DataCollection.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			given[name] = s.ValueString()
		}
	}
	return given
}

// forgetUnknown sets every value the plan left unknown to null, so that
// the state recorded right after the POST is complete.
func (m *RequestResourceModel) forgetUnknown() {
	for _, s := range []*types.String{&m.TargetUserUUID, &m.SmartcardUUID, &m.ObservedStatus, &m.OriginatorUserUUID,
		&m.Submitted, &m.Completed, &m.NewProfileUUID, &m.NewSmartcardUUID} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, n := range []*types.Int64{&m.Priority, &m.StatusCode, &m.RequestType} {
		if n.IsUnknown() {
			*n = types.Int64Null()
		}
	}
	if m.IsSmartcard.IsUnknown() {
		m.IsSmartcard = types.BoolNull()
	}
}

// fill stores what the server reports. The arguments keep what was sent,
// except those the server decided (null ones) and, after an import, all of
// them: then they are what the request holds.
func (m *RequestResourceModel) fill(got *mimcm.Request, imported bool) {
	read := newRequestAttributesModel(got)
	m.ID = types.StringValue(got.Uuid.String())
	m.StatusCode, m.ObservedStatus, m.RequestType = read.StatusCode, read.ObservedStatus, read.RequestType
	m.OriginatorUserUUID, m.Submitted, m.Completed = read.OriginatorUserUUID, read.Submitted, read.Completed
	m.NewProfileUUID, m.NewSmartcardUUID, m.IsSmartcard = read.NewProfileUUID, read.NewSmartcardUUID, read.IsSmartcard
	if m.TargetUserUUID.IsNull() || imported {
		m.TargetUserUUID = read.TargetUserUUID
	}
	if m.Priority.IsNull() || imported {
		m.Priority = read.Priority
	}
	if !imported {
		return
	}
	m.ProfileTemplateUUID = read.ProfileTemplateUUID
	m.Type = types.StringNull()
	if t, ok := mimcm.RequestTypeForNumber(got.RequestType); ok {
		m.Type = types.StringValue(string(t))
	}
	m.Comment = read.Comment
	m.SmartcardUUID = read.OldSmartcardUUID
	m.DataCollection = types.MapNull(types.StringType)
	if len(got.DataCollection) > 0 {
		items := make(map[string]attr.Value, len(got.DataCollection))
		for _, item := range got.DataCollection {
			items[item.Name] = types.StringPointerValue(item.Value)
		}
		m.DataCollection = types.MapValueMust(types.StringType, items)
	}
	if m.CancelOnDestroy.IsNull() {
		m.CancelOnDestroy = types.BoolValue(false)
	}
}

// unmappedTypeWarning says, after an import, that the request's type
// number has no confirmed name, so the configuration's type is taken as
// written.
func unmappedTypeWarning(got *mimcm.Request) diag.Diagnostics {
	var diags diag.Diagnostics
	if _, ok := mimcm.RequestTypeForNumber(got.RequestType); ok {
		return diags
	}
	diags.AddAttributeWarning(path.Root("type"), fmt.Sprintf("The type of request %s could not be named", got.Uuid),
		fmt.Sprintf("The server reports request type %d. The CM reference confirms only 1 (Enroll) and 5 (Unblock), so the provider does not guess a name for %d: "+
			"type stays unset in state, and the configuration's type is recorded as written on the next apply without replacing the request. "+
			"request_type keeps the number.", got.RequestType, got.RequestType))
	return diags
}

// createError explains a POST that failed, and what to do, by what is
// known of its outcome.
func createError(in mimcm.CreateRequestInput, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	what := fmt.Sprintf("request of type %s from profile template %s", in.Type, in.ProfileTemplate)
	switch {
	case errors.Is(err, mimcm.ErrAmbiguousCreate):
		diags.AddError("Cannot tell which request the POST created", fmt.Sprintf("Creating a %s: %v", what, err))
	case errors.Is(err, mimcm.ErrCreateOutcomeUnknown):
		diags.AddError("The outcome of creating the request is unknown", fmt.Sprintf("Creating a %s: %v", what, err))
	case errors.Is(err, mimcm.ErrUndecodable):
		diags.AddError("The server's answer named no request", fmt.Sprintf("Creating a %s: %v\n\n"+
			"The server may have created the request: look for it in the CM portal and import it with terraform import before applying again.", what, err))
	case errors.Is(err, mimcm.ErrForbidden):
		diags.AddError("Not allowed to create the request", fmt.Sprintf("Creating a %s: %v\n\n"+
			"Check that the provider's account may initiate %s requests for this template (its workflow policy's authorized initiators) and for the target user.", what, err, in.Type))
	default:
		diags.AddError("Cannot create the request", fmt.Sprintf("Creating a %s: %v", what, err))
	}
	return diags
}

// quotedList renders names as "A", "B" and "C".
func quotedList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	if len(quoted) < 2 {
		return strings.Join(quoted, "")
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}

// exampleItems renders the missing items as lines of a data_collection map.
func exampleItems(names []string) string {
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "    %q = \"...\"\n", n)
	}
	return b.String()
}
