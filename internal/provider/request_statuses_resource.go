package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var (
	_ resource.ResourceWithConfigure   = (*RequestStatusesResource)(nil)
	_ resource.ResourceWithImportState = (*RequestStatusesResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*RequestStatusesResource)(nil)
)

// listReadMin is the fewest requests expected in one status for which a read
// goes through the list route (GET /requests?status=NAME) rather than one
// GET per request: each list call must stand for many GETs, so that a
// refresh stays within one call per entry even when a few of the listed
// requests are missing from the list and are read one by one.
const listReadMin = 32

// requestStatusesTypeName is the resource's type name, as Metadata gives it
// for the provider's name.
const requestStatusesTypeName = "mimcm_request_statuses"

// NewRequestStatusesResource returns the mimcm_request_statuses resource.
func NewRequestStatusesResource() resource.Resource {
	return &RequestStatusesResource{}
}

// RequestStatusesResource drives many existing MIM CM requests to final
// statuses, with mimcm_request_status's contract for each of them, in one
// resource: Terraform rewrites its whole state after each resource it
// applies, so thousands of singular resources cost far more than one that
// holds them all.
type RequestStatusesResource struct {
	data *providerData
}

// RequestStatusesResourceModel is the resource's data.
type RequestStatusesResourceModel struct {
	Requests     types.Map      `tfsdk:"requests"` // GUID as configured → desired status (or, after drift, the observed one's name)
	Statuses     types.Map      `tfsdk:"statuses"` // lower-case GUID → requestStatusEntryModel
	UseListRoute types.Bool     `tfsdk:"use_list_route"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// requestStatusEntryModel is one object of statuses: the status attributes
// of mimcm_request_status, and nothing from the request's data collection.
type requestStatusEntryModel struct {
	StatusCode     types.Int64  `tfsdk:"status_code"`
	ObservedStatus types.String `tfsdk:"observed_status"`
	Completed      types.String `tfsdk:"completed"`
}

// entryType is the object type of each element of statuses: the status
// attributes of mimcm_request_status, described by entryDescription.
var entryType, entryDescription = requestObject("status_code", "observed_status", "completed")

// Metadata names the resource.
func (r *RequestStatusesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request_statuses"
}

// Schema describes the resource.
func (r *RequestStatusesResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Drives many existing MIM CM requests to final statuses — `Completed`, `Canceled` or `Abandoned` — " +
			"in one resource, with `mimcm_request_status`'s contract for each entry, and keeps only their status in state. " +
			"Made for thousands of requests: a recall or a migration. Removing entries, or destroying the resource, only " +
			"forgets the requests: final statuses cannot be undone.",
		Attributes: map[string]schema.Attribute{
			"requests": schema.MapAttribute{
				Required:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Map from request GUID, in any letter case, to the final status the request must have: " +
					"`Completed`, `Canceled` or `Abandoned` (an abandoned request reads back as `Failed`, which satisfies `Abandoned`). " +
					"Every request must already exist. Changing only the letter case of a key changes nothing on the server; two keys " +
					"for the same request are an error. When a refresh finds a request in another status, its entry shows that " +
					"status's name, so the plan shows the drift of that entry alone.",
				Validators: []validator.Map{
					mapvalidator.KeysAre(guidValidator),
					mapvalidator.ValueStringsAre(stringvalidator.OneOf(mimcm.DesiredStatusNames()...)),
				},
			},
			// A map of objects rather than nested attributes: the framework
			// (v1.19, fwserver.mapElemObject) plans a nested map by copying
			// the whole map for each of its elements, which made a plan of
			// thousands of entries quadratic.
			"statuses": schema.MapAttribute{
				Computed:    true,
				ElementType: entryType,
				MarkdownDescription: "What the server reports for each request of `requests`, keyed by its GUID in lower case: " +
					entryDescription + " Nothing else of the request is kept: read it with the `mimcm_request` or `mimcm_requests` data source.",
			},
			"use_list_route": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Whether reads of many requests may go through the list route, "+
					"`GET /requests?status=NAME`, one call for every status that %d or more of the requests are expected in, "+
					"instead of one `GET /requests/{id}` for each. A request a list does not return is still read on its own. "+
					"Defaults to `true`; set `false` when the server's lists are far longer than the map (the list route has no paging: "+
					"its answer holds every request in that status, and one over the 64 MiB the provider reads of an answer, some 40,000 requests, "+
					"fails, after which its requests are read one by one) or when the provider's account may not list requests.", listReadMin),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true}),
		},
	}
}

// Configure receives the provider's client.
func (r *RequestStatusesResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// Create drives every entry to its status. Entries that fail are reported
// one error each, and those an interrupt or the timeout stopped together in
// one (interruptedApply); the state keeps every entry that succeeded and
// what was observed of the others.
func (r *RequestStatusesResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan RequestStatusesResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() || !providerConfigured(r.data, resourceObject, requestStatusesTypeName, &resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWaitTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, nil, timeout, "timeouts.create")...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
}

// Read refreshes every entry, with at most one call per entry. A request
// the server no longer returns is forgotten with a warning; any other
// failure keeps that entry as it was and reports an error. Right after an
// import, a request the server does not know is an error instead, which
// fails the import: it never existed, and nothing is forgotten.
func (r *RequestStatusesResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state RequestStatusesResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || state.Requests.IsNull() {
		return
	}
	prior := priorEntries(state)
	ids := make([]mimcm.GUID, 0, len(prior))
	hints := make(map[mimcm.GUID]mimcm.Status, len(prior))
	for id, p := range prior {
		ids = append(ids, id)
		if code, ok := p.statusCode(); ok {
			hints[id] = code
		}
	}
	slices.Sort(ids)
	reads := readRequests(ctx, r.data.client, ids, hints, state.useListRoute())

	requests := make(map[string]attr.Value, len(prior))
	statuses := make(map[string]attr.Value, len(prior))
	var gone []string
	var failed, unknown []mimcm.GUID
	var waiting []*mimcm.Request
	for _, id := range ids {
		p, got := prior[id], reads[id]
		switch {
		case errors.Is(got.err, mimcm.ErrRequestNotFound) && p.value == importedValue:
			unknown = append(unknown, id)
			requests[p.key] = types.StringValue(p.value)
			continue
		case errors.Is(got.err, mimcm.ErrRequestNotFound):
			gone = append(gone, string(id))
			continue
		case got.err != nil:
			failed = append(failed, id)
			requests[p.key] = types.StringValue(p.value)
			if !p.status.IsNull() {
				statuses[string(id)] = p.status
			}
			continue
		}
		value := refreshedValue(p.value, got.request.Status)
		if awaitsApproval(p.value, got.request) {
			// Not drift: nothing can be done until an approver acts in the
			// portal, so the plan stays clean and says why.
			value = p.value
			waiting = append(waiting, got.request)
		}
		requests[p.key] = types.StringValue(value)
		obj, diags := entryValue(got.request)
		resp.Diagnostics.Append(diags...)
		statuses[string(id)] = obj
	}
	resp.Diagnostics.Append(readFailures(failed, reads)...)
	resp.Diagnostics.Append(r.data.awaitingApprovalEntries(ctx, waiting,
		"Terraform sends nothing for them until then, and the plan shows no change for them. The first plan after an approver has approved one proposes to give it its status.")...)
	resp.Diagnostics.Append(unknownImports(unknown)...)
	if len(gone) > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("%d request%s of mimcm_request_statuses no longer exist%s", len(gone), plural(len(gone)), pluralVerb(len(gone))),
			fmt.Sprintf("The server no longer returns %s. %s removed from Terraform state; the next plan proposes to manage %s again. "+
				"If they should still exist, check that the provider's account may read them.",
				strings.Join(gone, ", "), itThey(len(gone), "It was", "They were"), itThey(len(gone), "it", "them")))
	}
	var diags diag.Diagnostics
	state.Requests, state.Statuses, diags = mapValues(requests, statuses)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &state)...)
}

// Update drives the entries that are new or changed, forgets the removed
// ones, and calls no API for the rest.
func (r *RequestStatusesResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state RequestStatusesResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := priorEntries(state)
	kept := map[mimcm.GUID]bool{}
	for _, e := range entriesOf(plan.Requests) {
		kept[e.id] = true
	}
	var forgotten []string
	for id := range prior {
		if !kept[id] {
			forgotten = append(forgotten, string(id))
		}
	}
	if len(forgotten) > 0 {
		resp.Diagnostics.Append(forgetWarning("Removing entries from mimcm_request_statuses", len(forgotten))...)
	}
	if needsAPI(plan, prior) && !providerConfigured(r.data, resourceObject, requestStatusesTypeName, &resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultWaitTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, prior, timeout, "timeouts.update")...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
}

// Delete calls no API: final statuses cannot be undone, so destroying the
// resource only forgets the requests.
func (r *RequestStatusesResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state RequestStatusesResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(forgetWarning("Destroying mimcm_request_statuses", len(state.Requests.Elements()))...)
}

// ImportState takes the GUIDs of the requests to manage, separated by
// commas, spaces or line breaks, in any letter case. The refresh that
// follows reads each and names its status as a configuration would; a
// GUID the server does not know fails the whole import (Read), so that
// nothing half imported enters state.
func (r *RequestStatusesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import mimcm_request_statuses",
			fmt.Sprintf("The import ID must be the requests' GUIDs separated by commas: %v. For example: terraform import "+
				"mimcm_request_statuses.example a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099,1c7e6f3a-9d2b-4f0e-8a5c-2b3d4e5f6a7b", err))
		return
	}
	requests := make(map[string]attr.Value, len(ids))
	for _, id := range ids {
		requests[string(id)] = types.StringValue(importedValue)
	}
	value, diags := types.MapValue(types.StringType, requests)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("requests"), value)...)
}

// importedValue marks, in state, an entry imported but not read yet.
const importedValue = ""

// ModifyPlan makes the plan exact and refuses, at plan time, every entry
// whose request is in another final status, all of them in one error. An
// entry already in state is decided from state alone, so that
// `plan -refresh=false` calls no API; a new entry is read once.
func (r *RequestStatusesResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(r.modifyPlan(ctx, req.State, req.Private, resp.Private, &resp.Plan)...)
}

// modifyPlan is ModifyPlan's work, for the framework's plans and
// planDirect's: plan holds the plan to modify and, on return, the modified
// plan; prior is the private state the plan started from and planned the
// one it gives.
func (r *RequestStatusesResource) modifyPlan(ctx context.Context, stateIn tfsdk.State, priorPrivate, plannedPrivate privateState, planIn *tfsdk.Plan) diag.Diagnostics {
	var diags diag.Diagnostics
	if planIn.Raw.IsNull() {
		return diags
	}
	// Unchanged resources claim their requests too: another resource may
	// target one of them.
	diags.Append(r.claimEntries(ctx, planIn.Raw, priorPrivate, plannedPrivate)...)
	if diags.HasError() || planIn.Raw.Equal(stateIn.Raw) {
		return diags
	}
	var plan, state RequestStatusesResourceModel
	diags.Append(getModel(ctx, planIn.Schema, planIn.Raw, &plan)...)
	if !stateIn.Raw.IsNull() {
		diags.Append(getModel(ctx, stateIn.Schema, stateIn.Raw, &state)...)
	}
	if diags.HasError() {
		return diags
	}
	if plan.Requests.IsUnknown() {
		plan.Statuses = types.MapUnknown(entryType)
		diags.Append(setPlan(ctx, planIn, &plan)...)
		return diags
	}
	prior := priorEntries(state)
	planned := map[string]attr.Value{}
	var conflicts []conflict
	var unread []entry
	var waiting []*mimcm.Request
	seen := map[mimcm.GUID]string{}
	for _, e := range entriesOf(plan.Requests) {
		if other, dup := seen[e.id]; dup {
			diags.AddAttributeError(path.Root("requests"), fmt.Sprintf("Request %s is listed twice", e.id),
				fmt.Sprintf("The keys %q and %q of requests name the same request (GUIDs are compared in any letter case). Keep one of them.", other, e.key))
			continue
		}
		seen[e.id] = e.key
		if e.value.IsNull() {
			diags.AddAttributeError(path.Root("requests").AtMapKey(e.key), fmt.Sprintf("Request %s has no status", e.id),
				"Each entry of requests must name the status its request must have: Completed, Canceled or Abandoned.")
			continue
		}
		if e.value.IsUnknown() {
			planned[string(e.id)] = types.ObjectUnknown(entryType.AttrTypes)
			continue
		}
		p, inState := prior[e.id]
		switch {
		case inState && p.value == string(e.desired) && !p.status.IsNull():
			planned[string(e.id)] = p.status // nothing changes on the server
		case inState:
			current, _ := p.statusCode()
			if err := mimcm.CheckTransition(e.id, current, e.desired); err != nil {
				conflicts = append(conflicts, conflict{e, current})
				continue
			}
			// One last seen awaiting approval may have been approved since:
			// the apply reads it again, so its status stays unknown.
			if mimcm.CheckApproval(e.id, current, e.desired) != nil {
				planned[string(e.id)] = types.ObjectUnknown(entryType.AttrTypes)
				continue
			}
			planned[string(e.id)] = plannedEntry(e.desired)
		default:
			unread = append(unread, e)
		}
	}
	if len(unread) > 0 && r.data != nil {
		ids := make([]mimcm.GUID, len(unread))
		for i, e := range unread {
			ids[i] = e.id
		}
		reads := readRequests(ctx, r.data.client, ids, nil, plan.useListRoute())
		var unreadable []entry
		for _, e := range unread {
			got := reads[e.id]
			if errors.Is(got.err, mimcm.ErrRequestNotFound) {
				diags.Append(entryReadError(e, got.err)...)
				continue
			}
			if got.err != nil {
				unreadable = append(unreadable, e)
				continue
			}
			if err := mimcm.CheckTransition(e.id, got.request.Status, e.desired); err != nil {
				conflicts = append(conflicts, conflict{e, got.request.Status})
				continue
			}
			r.data.reads.put(e.id, got.request, time.Duration(len(unread))*readCachePerEntry)
			switch {
			case got.request.Status.Satisfies(e.desired):
				// Adopted as it is: a final status never changes again.
				obj, d := entryValue(got.request)
				diags.Append(d...)
				planned[string(e.id)] = obj
			case mimcm.CheckApproval(e.id, got.request.Status, e.desired) != nil:
				// It may be approved before the apply reads it again.
				planned[string(e.id)] = types.ObjectUnknown(entryType.AttrTypes)
				waiting = append(waiting, got.request)
			default:
				planned[string(e.id)] = plannedEntry(e.desired)
			}
		}
		diags.Append(planReadFailures(unreadable, reads)...)
	} else {
		for _, e := range unread {
			planned[string(e.id)] = plannedEntry(e.desired)
		}
	}
	diags.Append(conflictError(conflicts)...)
	if diags.HasError() {
		return diags
	}
	diags.Append(r.data.awaitingApprovalEntries(ctx, waiting,
		"The apply sends nothing for them and records them as they are; the first run after an approver has approved one gives it its status.")...)
	statuses, d := types.MapValue(entryType, planned)
	diags.Append(d...)
	plan.Statuses = statuses
	diags.Append(setPlan(ctx, planIn, &plan)...)
	return diags
}

// planUnchanged answers a plan whose proposed state is the prior state
// without the framework (Server says why): ModifyPlan's whole work then is
// to claim the entries' requests, which needs only the decoded plan and the
// private state. It returns nil for the framework to plan as usual when the
// plan may change something, when the provider is not configured, and when
// it cannot read the values as the framework would.
//
// Terraform encodes both states from one schema with sorted keys, so equal
// values come as equal bytes; values that are equal but encoded otherwise
// only take the framework's way.
func (r *RequestStatusesResource) planUnchanged(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
	if r.data == nil || req.PriorState == nil || req.ProposedNewState == nil || len(req.PriorState.MsgPack) == 0 ||
		!bytes.Equal(req.PriorState.MsgPack, req.ProposedNewState.MsgPack) {
		return nil
	}
	_, typ := requestStatusesSchema()
	planned, err := req.ProposedNewState.Unmarshal(typ)
	if err != nil || planned.IsNull() {
		return nil
	}
	private, err := decodePrivate(req.PriorPrivate)
	if err != nil {
		return nil
	}
	diags := r.claimEntries(ctx, planned, private, private)
	plannedPrivate, err := private.encode(req.PriorPrivate)
	if err != nil {
		return nil
	}
	return &tfprotov6.PlanResourceChangeResponse{
		PlannedState:   req.ProposedNewState,
		PlannedPrivate: plannedPrivate,
		Diagnostics:    protocolDiagnostics(diags),
	}
}

// planChanged answers every other plan of the resource, a create's or an
// update's, without the framework (Server says why) and with ModifyPlan's
// own work (modifyPlan). Of the framework's work around ModifyPlan, only
// one step changes anything for this schema, and it does it here: a plan
// that changes the resource marks statuses, computed and never configured,
// unknown before ModifyPlan makes it exact. It returns nil for the
// framework to plan when the provider is not configured, when the resource
// is to be destroyed, and when it cannot read the values or the private
// state as the framework would.
func (r *RequestStatusesResource) planChanged(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
	if r.data == nil || req.ProposedNewState == nil {
		return nil
	}
	private, err := decodePrivate(req.PriorPrivate)
	if err != nil || !private.keptAsTheFramework(req.PriorPrivate) {
		return nil
	}
	s, typ := requestStatusesSchema()
	proposed, err := req.ProposedNewState.Unmarshal(typ)
	if err != nil || proposed.IsNull() {
		return nil
	}
	prior, ok := decodeOrNull(req.PriorState, typ)
	if !ok {
		return nil
	}
	plan := tfsdk.Plan{Schema: s, Raw: proposed}
	if !proposed.Equal(prior) {
		if plan.Raw, err = withUnknownStatuses(proposed); err != nil {
			return nil
		}
	}
	diags := r.modifyPlan(ctx, tfsdk.State{Schema: s, Raw: prior}, private, private, &plan)
	resp := &tfprotov6.PlanResourceChangeResponse{Diagnostics: protocolDiagnostics(diags)}
	planned, err := tfprotov6.NewDynamicValue(typ, plan.Raw)
	if err != nil {
		return nil
	}
	resp.PlannedState = &planned
	if resp.PlannedPrivate, err = private.encode(req.PriorPrivate); err != nil {
		return nil
	}
	return resp
}

// withUnknownStatuses is a plan with statuses unknown, as the framework
// plans a change for a computed attribute that the configuration leaves
// null (and it always leaves statuses null).
func withUnknownStatuses(plan tftypes.Value) (tftypes.Value, error) {
	var shared map[string]tftypes.Value // plan's own: As does not copy
	if err := plan.As(&shared); err != nil {
		return tftypes.Value{}, err
	}
	attrs := maps.Clone(shared)
	statuses, ok := attrs["statuses"]
	if !ok {
		return tftypes.Value{}, errors.New("the plan has no statuses")
	}
	attrs["statuses"] = tftypes.NewValue(statuses.Type(), tftypes.UnknownValue)
	return tftypes.NewValue(plan.Type(), attrs), nil
}

// decodeOrNull reads a state Terraform sent, or none, as the framework
// does: no state is a null one.
func decodeOrNull(v *tfprotov6.DynamicValue, typ tftypes.Type) (tftypes.Value, bool) {
	if v == nil {
		return tftypes.NewValue(typ, nil), true
	}
	out, err := v.Unmarshal(typ)
	return out, err == nil
}

// applyDirect answers the apply of a create or an update with Create or
// Update itself, without the framework's work around them (Server says
// why): the framework (v1.19) decodes the configuration, which neither
// reads, copies the planned and the new state to walk them for semantic
// equality, and walks the new state again to null write-only attributes;
// this schema has neither. What they return goes back as the framework
// would return it, private state included: a create's is empty, an
// update's the planned one. It returns nil for the framework to apply when
// the provider is not configured, when the resource is destroyed (Delete
// reads no values but its count), and when it cannot read the values or
// the private state as the framework would — always before anything is
// sent.
//
// Create and Update always set the state unless they report an error, so
// the framework's checks for a missing state never fire for them.
func (r *RequestStatusesResource) applyDirect(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
	if r.data == nil || req.PlannedState == nil {
		return nil
	}
	private, err := decodePrivate(req.PlannedPrivate)
	if err != nil || !private.keptAsTheFramework(req.PlannedPrivate) {
		return nil
	}
	s, typ := requestStatusesSchema()
	planned, err := req.PlannedState.Unmarshal(typ)
	if err != nil || planned.IsNull() {
		return nil
	}
	prior, ok := decodeOrNull(req.PriorState, typ)
	if !ok {
		return nil
	}
	plan := tfsdk.Plan{Schema: s, Raw: planned}
	var state tfsdk.State
	var diags diag.Diagnostics
	resp := &tfprotov6.ApplyResourceChangeResponse{}
	if prior.IsNull() {
		createResp := resource.CreateResponse{State: tfsdk.State{Schema: s, Raw: prior}}
		r.Create(ctx, resource.CreateRequest{Plan: plan}, &createResp)
		state, diags = createResp.State, createResp.Diagnostics
	} else {
		updateResp := resource.UpdateResponse{State: tfsdk.State{Schema: s, Raw: prior}}
		r.Update(ctx, resource.UpdateRequest{Plan: plan, State: tfsdk.State{Schema: s, Raw: prior}}, &updateResp)
		state, diags = updateResp.State, updateResp.Diagnostics
		if len(private.keys) > 0 {
			resp.Private = req.PlannedPrivate
		}
	}
	newState, err := tfprotov6.NewDynamicValue(typ, state.Raw)
	if err != nil {
		diags.AddError("Provider bug: cannot encode the new state", err.Error()+". Please report it to the provider's maintainers.")
	} else {
		resp.NewState = &newState
	}
	resp.Diagnostics = protocolDiagnostics(diags)
	return resp
}

// readDirect answers a refresh with Read itself, without the framework's
// work around it (Server says why): the framework (v1.19) copies the state
// four times and walks both states for semantic equality, which this
// schema has none of. Read keeps its contract — it needs neither private
// state nor identity, and what it returns goes back as the framework would
// return it. It returns nil for the framework to read when the provider is
// not configured, when the private state holds keys of the framework's own
// (such as the one an import leaves for the read that follows it), and when
// it cannot decode the state as the framework would.
func (r *RequestStatusesResource) readDirect(ctx context.Context, req *tfprotov6.ReadResourceRequest) *tfprotov6.ReadResourceResponse {
	if r.data == nil || req.CurrentState == nil {
		return nil
	}
	private, err := decodePrivate(req.Private)
	if err != nil || private.holdsFrameworkKeys() {
		return nil
	}
	s, typ := requestStatusesSchema()
	current, err := req.CurrentState.Unmarshal(typ)
	if err != nil || current.IsNull() {
		return nil
	}
	readResp := resource.ReadResponse{State: tfsdk.State{Schema: s, Raw: current}}
	r.Read(ctx, resource.ReadRequest{State: tfsdk.State{Schema: s, Raw: current}}, &readResp)
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private, Diagnostics: protocolDiagnostics(readResp.Diagnostics)}
	if !readResp.State.Raw.Equal(current) {
		state, err := tfprotov6.NewDynamicValue(typ, readResp.State.Raw)
		if err != nil {
			return nil
		}
		resp.NewState = &state
	}
	return resp
}

// requestStatusesSchema is the schema of mimcm_request_statuses and its
// Terraform type.
var requestStatusesSchema = sync.OnceValues(func() (schema.Schema, tftypes.Type) {
	var resp resource.SchemaResponse
	(&RequestStatusesResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	return resp.Schema, resp.Schema.Type().TerraformType(context.Background())
})

// apply drives the entries of plan that need it within timeout, reading
// first those the plan did not read, and fills plan's requests and
// statuses with the outcome of every entry: what the server reports for
// the ones that succeeded, and for the ones that failed the status
// observed, so that the next apply takes up only those.
func (r *RequestStatusesResource) apply(ctx context.Context, plan *RequestStatusesResourceModel, prior map[mimcm.GUID]priorEntry, timeout time.Duration, timeoutName string) diag.Diagnostics {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	requests := map[string]attr.Value{}
	statuses := map[string]attr.Value{}
	var work []*entryWork
	for _, e := range entriesOf(plan.Requests) {
		p, inState := prior[e.id]
		if inState && p.value == string(e.desired) && !p.status.IsNull() {
			requests[e.key], statuses[string(e.id)] = e.value, p.status
			continue
		}
		w := &entryWork{entry: e, prior: p, inState: inState}
		if !inState && r.data != nil {
			// A new entry was read while planning, in this process.
			w.current, _ = r.data.reads.take(e.id)
		}
		work = append(work, w)
	}
	var diags diag.Diagnostics
	if len(work) > 0 {
		driveEntries(ctx, r.data.client, work, plan.useListRoute(), timeoutName)
		diags.Append(interruptedApply(ctx.Err(), timeout, timeoutName, work)...)
		var waiting []*mimcm.Request
		for _, w := range work {
			if w.awaiting {
				waiting = append(waiting, w.result)
			}
		}
		diags.Append(r.data.awaitingApprovalEntries(ctx, waiting,
			"Nothing was sent for them. State records them as the server has them; the first plan after an approver has approved one proposes to give it its status.")...)
	}
	for _, w := range work {
		diags.Append(w.diags...)
		switch {
		case w.result != nil:
			requests[w.key] = w.value
			obj, d := entryValue(w.result)
			diags.Append(d...)
			statuses[string(w.id)] = obj
		case w.current != nil:
			requests[w.key] = types.StringValue(refreshedValue(string(w.desired), w.current.Status))
			obj, d := entryValue(w.current)
			diags.Append(d...)
			statuses[string(w.id)] = obj
		case w.inState:
			requests[w.key] = types.StringValue(w.prior.value)
			if !w.prior.status.IsNull() {
				statuses[string(w.id)] = w.prior.status
			}
		}
	}
	var d diag.Diagnostics
	plan.Requests, plan.Statuses, d = mapValues(requests, statuses)
	return append(diags, d...)
}

// entryWork is one entry that apply drives: what was read of its request,
// and what driving it gave.
type entryWork struct {
	entry
	prior   priorEntry
	inState bool
	current *mimcm.Request // the request as read before driving it; nil when it could not be read
	result  *mimcm.Request // the request once it has the desired status; nil when it did not get there
	diags   diag.Diagnostics
	stopped interruption // how the apply's end, by an interrupt or its timeout, left the entry
	// awaiting marks a request that must be approved before it can have its
	// status: result is the request as read, and nothing was sent.
	awaiting bool
}

// interruption is how the end of an apply, by an interrupt or its
// timeout, left an entry it stopped: interruptedApply reports these
// together, and each keeps in state the status it was read in, so that the
// next apply reads it again and carries on.
type interruption int

const (
	notInterrupted interruption = iota
	notSent                     // nothing of its change reached the server
	unanswered                  // its PUT was sent and its answer never came: whether the server made the change is unknown
	unfinished                  // the server accepted its change and had not finished it
)

// driveEntries reads the entries of work that hold no read yet, then
// converges each, at most client.MaxConcurrentRequests() at once. Each
// goroutine writes only its own entry. Once ctx has ended, the entries not
// driven yet are left as not sent.
func driveEntries(ctx context.Context, client *mimcm.Client, work []*entryWork, useList bool, timeoutName string) {
	var unread []mimcm.GUID
	for _, w := range work {
		if w.current == nil {
			unread = append(unread, w.id)
		}
	}
	reads := readRequests(ctx, client, unread, nil, useList)
	for _, w := range work {
		if w.current != nil {
			continue
		}
		switch got := reads[w.id]; {
		case got.err == nil:
			w.current = got.request
		case ctx.Err() != nil && errors.Is(got.err, ctx.Err()):
			w.stopped = notSent
		default:
			w.diags = entryReadError(w.entry, got.err)
		}
	}
	forEachConcurrently(len(work), client.MaxConcurrentRequests(), func(i int) {
		w := work[i]
		switch {
		case w.current == nil:
		case ctx.Err() != nil:
			w.stopped = notSent
		default:
			w.drive(ctx, client, timeoutName)
		}
	})
}

// drive converges the entry's request and, when the end of ctx stopped
// the change, says how far it got instead of reporting an error of its own.
func (w *entryWork) drive(ctx context.Context, client *mimcm.Client, timeoutName string) {
	ctx = tflog.SetField(ctx, "request_id", string(w.id))
	ctx, sending := mimcm.RecordSending(ctx)
	// converge reports once before its PUT and again only once the server
	// has accepted it (statusChange.progress); it calls nothing before.
	reports := 0
	change := statusChange{client: client, timeoutName: timeoutName, refused: w.refused, progress: func(string) { reports++ },
		awaiting: func(*mimcm.ApprovalError) diag.Diagnostics {
			w.awaiting = true // reported with the others, in one warning
			return nil
		}}
	w.result, w.diags = change.converge(ctx, w.id, w.desired, w.current)
	switch {
	case w.result != nil:
		// Held until every entry is done: only what state keeps.
		lean := leanRequest(*w.result)
		w.result = &lean
	case ctx.Err() == nil || reports == 0:
		// Failed on its own account, or refused before any call.
	case !sending.Sent():
		w.stopped, w.diags = notSent, nil
	case reports == 1:
		w.stopped, w.diags = unanswered, nil
	default:
		w.stopped, w.diags = unfinished, nil
	}
}

// interruptedApply reports, in one error, the entries of work that the end
// of the apply's context stopped (cause, its error): how many were done,
// how many were not sent, and by name the first few whose outcome is
// unknown. Entries that failed on their own keep their own errors.
func interruptedApply(cause error, timeout time.Duration, timeoutName string, work []*entryWork) diag.Diagnostics {
	var diags diag.Diagnostics
	var done, failed, unsent int
	var unknown []*entryWork
	var waiting int
	for _, w := range work {
		switch {
		case w.awaiting:
			waiting++
		case w.result != nil:
			done++
		case w.stopped == notSent:
			unsent++
		case w.stopped != notInterrupted:
			unknown = append(unknown, w)
		default:
			failed++
		}
	}
	if cause == nil || unsent+len(unknown) == 0 {
		return diags
	}
	summary, what, next := "The apply was interrupted before every request had its status",
		"Terraform was interrupted",
		"Run terraform apply again to carry on"
	if errors.Is(cause, context.DeadlineExceeded) {
		summary, what, next = "The apply ran out of time before every request had its status",
			fmt.Sprintf("%s (%s) ran out", timeoutName, timeout),
			fmt.Sprintf("Raise %s, then run terraform apply again to carry on", timeoutName)
	}
	lines := []string{fmt.Sprintf("  - %d %s their status, and %s in state", done, itThey(done, "has", "have"), itThey(done, "is", "are"))}
	if unsent > 0 {
		lines = append(lines, fmt.Sprintf("  - %d %s not sent, so the server did nothing with %s", unsent, itThey(unsent, "was", "were"), itThey(unsent, "it", "them")))
	}
	if n := len(unknown); n > 0 {
		lines = append(lines, fmt.Sprintf("  - %d %s sent, but the server had not confirmed %s, so whether %s done is unknown:",
			n, itThey(n, "was", "were"), itThey(n, "it", "them"), itThey(n, "it is", "they are")),
			listFew(unknown, "      ", func(w *entryWork) string {
				if w.stopped == unfinished {
					return w.id.String() + ": the server accepted the change and had not finished it"
				}
				return w.id.String() + ": its PUT was sent, and no answer came"
			}))
	}
	if waiting > 0 {
		lines = append(lines, fmt.Sprintf("  - %d await%s approval, so nothing was sent for %s", waiting, pluralVerb(waiting), itThey(waiting, "it", "them")))
	}
	if failed > 0 {
		lines = append(lines, fmt.Sprintf("  - %d failed, each reported in an error of its own", failed))
	}
	diags.AddError(summary, fmt.Sprintf("%s while mimcm_request_statuses was setting %d request%s:\n\n%s\n\n"+
		"State keeps the requests that are done, and each of the others with the status it was last read in. "+
		"%s: it reads every request again first, and sends a PUT only for those that do not have their status yet.",
		what, len(work), plural(len(work)), strings.Join(lines, "\n"), next))
	return diags
}

// refused explains, at apply, that the entry's request reached another
// final status since the plan.
func (e entry) refused(desired mimcm.DesiredStatus, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("requests").AtMapKey(e.key), fmt.Sprintf("Request %s cannot be %s", e.id, verb(desired)),
		fmt.Sprintf("%v.\n\nTerraform will not ask for it. To accept the request as it is, set its entry in requests to that status, "+
			"or remove the entry (removing it only forgets the request).", err))
	return diags
}

// readResult is what reading one request gave.
type readResult struct {
	request *mimcm.Request
	err     error
}

// readRequests reads every request of ids once, and keeps of each only what
// a resource's state may hold (leanRequest). With useList, each status
// that listReadMin or more of the requests are expected in is read with one
// list call: hints holds the status a request was last seen in, and a
// request with no hint is looked for in the lists of the statuses a request
// can still leave (Pending, Approved, Executing). A request no list
// returned, because it moved, vanished or the list call failed, is read on
// its own; those GETs run at most client.MaxConcurrentRequests() at once.
func readRequests(ctx context.Context, client *mimcm.Client, ids []mimcm.GUID, hints map[mimcm.GUID]mimcm.Status, useList bool) map[mimcm.GUID]readResult {
	out := make(map[mimcm.GUID]readResult, len(ids))
	if useList {
		wanted := make(map[mimcm.GUID]bool, len(ids))
		for _, id := range ids {
			wanted[id] = true
		}
		// A list holds every request the server has in its status, often
		// many more than the map: only the wanted ones are kept, lean, as
		// the list is decoded.
		keep := func(r *mimcm.Request) bool {
			id, err := mimcm.ParseGUID(string(r.Uuid))
			if err != nil || !wanted[id] {
				return false
			}
			*r = leanRequest(*r)
			return true
		}
		statuses := listStatuses(ids, hints)
		lists := make([][]mimcm.Request, len(statuses))
		forEachConcurrently(len(statuses), client.MaxConcurrentRequests(), func(i int) {
			list, err := client.ListRequests(ctx, mimcm.ListFilter{Status: statuses[i].String(), Keep: keep})
			if err != nil {
				tflog.Debug(ctx, "Listing requests failed; reading them one by one", map[string]any{"status": statuses[i].String(), "error": err.Error()})
				return
			}
			lists[i] = list
		})
		for _, list := range lists {
			for i := range list {
				id, _ := mimcm.ParseGUID(string(list[i].Uuid))
				if _, done := out[id]; !done {
					out[id] = readResult{request: &list[i]}
				}
			}
		}
	}
	var rest []mimcm.GUID
	for _, id := range ids {
		if _, done := out[id]; !done {
			rest = append(rest, id)
		}
	}
	results := make([]readResult, len(rest))
	forEachConcurrently(len(rest), client.MaxConcurrentRequests(), func(i int) {
		got, err := client.GetRequest(ctx, rest[i])
		if got != nil {
			lean := leanRequest(*got)
			got = &lean
		}
		results[i] = readResult{request: got, err: err}
	})
	for i, id := range rest {
		out[id] = results[i]
	}
	return out
}

// leanRequest is r without what no resource keeps in state and the bulk
// resource's reads need not hold for thousands of requests: the security
// descriptor and the data collection.
func leanRequest(r mimcm.Request) mimcm.Request {
	r.SecurityDescriptor = ""
	r.DataCollection = nil
	return r
}

// unsettledStatuses are the statuses a request read for the first time is
// looked for in: the ones it can still leave.
var unsettledStatuses = []mimcm.Status{mimcm.StatusPending, mimcm.StatusApproved, mimcm.StatusExecuting}

// listStatuses returns, in the status table's order, the statuses worth one
// list call each: those listReadMin or more of ids are expected in.
func listStatuses(ids []mimcm.GUID, hints map[mimcm.GUID]mimcm.Status) []mimcm.Status {
	expected := map[mimcm.Status]int{}
	for _, id := range ids {
		if s, ok := hints[id]; ok {
			expected[s]++
			continue
		}
		for _, s := range unsettledStatuses {
			expected[s]++
		}
	}
	var out []mimcm.Status
	for _, s := range mimcm.Statuses() {
		if expected[s] >= listReadMin {
			out = append(out, s)
		}
	}
	return out
}

// forEachConcurrently calls fn(i) for every i below n, from at most limit
// goroutines at once, and returns when every call has.
func forEachConcurrently(n, limit int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(max(limit, 1), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// entry is one entry of requests.
type entry struct {
	key     string // as configured
	id      mimcm.GUID
	desired mimcm.DesiredStatus
	value   types.String
}

// entriesOf lists the entries of a requests map in the order of their
// keys. Keys that are not GUIDs are left out: the validator reports them.
func entriesOf(m types.Map) []entry {
	elements := m.Elements()
	out := make([]entry, 0, len(elements))
	for key, v := range elements {
		id, err := mimcm.ParseGUID(key)
		if err != nil {
			continue
		}
		value, _ := v.(types.String)
		desired, _ := mimcm.ParseDesiredStatus(value.ValueString())
		out = append(out, entry{key: key, id: id, desired: desired, value: value})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// priorEntry is one entry of the state.
type priorEntry struct {
	key    string       // as configured when it was written
	value  string       // the desired status, or the observed status's name after drift or a failure
	status types.Object // its object of statuses; null when there is none
}

// statusCode is the status the entry's request was last seen in.
func (p priorEntry) statusCode() (mimcm.Status, bool) {
	if p.status.IsNull() || p.status.IsUnknown() {
		return 0, false
	}
	code, ok := p.status.Attributes()["status_code"].(types.Int64)
	if !ok || code.IsNull() || code.IsUnknown() {
		return 0, false
	}
	return mimcm.Status(code.ValueInt64()), true
}

// priorEntries indexes a state's entries by lower-case GUID.
func priorEntries(state RequestStatusesResourceModel) map[mimcm.GUID]priorEntry {
	statuses := state.Statuses.Elements()
	out := make(map[mimcm.GUID]priorEntry, len(state.Requests.Elements()))
	for key, v := range state.Requests.Elements() {
		id, err := mimcm.ParseGUID(key)
		if err != nil {
			continue
		}
		value, _ := v.(types.String)
		p := priorEntry{key: key, value: value.ValueString(), status: types.ObjectNull(entryType.AttrTypes)}
		if obj, ok := statuses[string(id)].(types.Object); ok {
			p.status = obj
		}
		out[id] = p
	}
	return out
}

// needsAPI reports whether applying plan over prior has any entry to drive.
func needsAPI(plan RequestStatusesResourceModel, prior map[mimcm.GUID]priorEntry) bool {
	for _, e := range entriesOf(plan.Requests) {
		if p, ok := prior[e.id]; !ok || p.value != string(e.desired) || p.status.IsNull() {
			return true
		}
	}
	return false
}

// useListRoute is use_list_route with its default.
func (m RequestStatusesResourceModel) useListRoute() bool {
	return m.UseListRoute.IsNull() || m.UseListRoute.IsUnknown() || m.UseListRoute.ValueBool()
}

// refreshedValue is what an entry of requests holds once its request has
// been read in status s: the configured value when s satisfies it (Abandoned
// reads back as Failed), the name a configuration would give s when the
// entry was just imported, and otherwise s's own name, so that the plan
// shows the drift.
func refreshedValue(value string, s mimcm.Status) string {
	if value == importedValue {
		return importedStatusName(s)
	}
	if desired, ok := mimcm.ParseDesiredStatus(value); ok && s.Satisfies(desired) {
		return value
	}
	return s.String()
}

// entryValue is a request's object of statuses, converted with the one
// conversion of requests into Terraform values.
func entryValue(r *mimcm.Request) (types.Object, diag.Diagnostics) {
	attrs := newRequestAttributesModel(r)
	return objectValueOf(entryType, requestStatusEntryModel{
		StatusCode:     attrs.StatusCode,
		ObservedStatus: attrs.ObservedStatus,
		Completed:      attrs.Completed,
	})
}

// plannedEntry is the object a successful apply reads back for desired.
func plannedEntry(desired mimcm.DesiredStatus) types.Object {
	return types.ObjectValueMust(entryType.AttrTypes, map[string]attr.Value{
		"status_code":     types.Int64Value(int64(desired.Target())),
		"observed_status": types.StringValue(desired.Target().String()),
		"completed":       types.StringUnknown(),
	})
}

func mapValues(requests, statuses map[string]attr.Value) (types.Map, types.Map, diag.Diagnostics) {
	r, diags := types.MapValue(types.StringType, requests)
	s, d := types.MapValue(entryType, statuses)
	return r, s, append(diags, d...)
}

// conflict is an entry whose request is in another final status.
type conflict struct {
	entry
	current mimcm.Status
}

// conflictError lists, in one error, every entry whose request can never
// reach its configured status.
func conflictError(conflicts []conflict) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(conflicts) == 0 {
		return diags
	}
	var lines []string
	for _, c := range conflicts {
		lines = append(lines, fmt.Sprintf("  %s is %s (status %d); configured %s", c.id, c.current, int(c.current), c.desired))
	}
	diags.AddAttributeError(path.Root("requests"),
		fmt.Sprintf("%d request%s cannot reach the configured status", len(conflicts), plural(len(conflicts))),
		fmt.Sprintf("%s already in another final status, which can never change:\n\n%s\n\nTerraform will not ask for any of them. "+
			"To accept a request as it is, set its entry to that status (Abandoned for Failed) or remove the entry "+
			"(removing it only forgets the request).", itThey(len(conflicts), "This request is", "These requests are"), strings.Join(lines, "\n")))
	return diags
}

// entryReadError explains a failed read of an entry's request; one the
// server does not know is blamed on its key.
func entryReadError(e entry, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	if errors.Is(err, mimcm.ErrRequestNotFound) {
		diags.AddAttributeError(path.Root("requests").AtMapKey(e.key), fmt.Sprintf("Request %s does not exist", e.id),
			fmt.Sprintf("%v\n\nCheck the GUID of this entry of requests, and that the provider's account may read the request.", err))
		return diags
	}
	diags.AddAttributeError(path.Root("requests").AtMapKey(e.key), fmt.Sprintf("Cannot read request %s", e.id), err.Error())
	return diags
}

// maxNamedRequests bounds the requests one report names one by one: when
// the server is down, or an apply is interrupted, thousands of requests
// fail alike. The rest are counted.
const maxNamedRequests = 10

// firstFew splits items into the first maxNamedRequests, to name, and the
// number of the others, to count.
func firstFew[T any](items []T) (named []T, more int) {
	n := min(len(items), maxNamedRequests)
	return items[:n], len(items) - n
}

// listFew lists the first maxNamedRequests of items, one line each as
// line writes it after indent, and counts the rest on a last line.
func listFew[T any](items []T, indent string, line func(T) string) string {
	named, more := firstFew(items)
	lines := make([]string, 0, len(named)+1)
	for _, item := range named {
		lines = append(lines, indent+line(item))
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("%sand %d more", indent, more))
	}
	return strings.Join(lines, "\n")
}

// readFailures reports the reads of a refresh that failed: one error each
// for the first few, and one that counts the rest.
func readFailures(failed []mimcm.GUID, reads map[mimcm.GUID]readResult) diag.Diagnostics {
	var diags diag.Diagnostics
	named, more := firstFew(failed)
	for _, id := range named {
		diags.AddError(fmt.Sprintf("Cannot read request %s", id), reads[id].err.Error())
	}
	if more > 0 {
		diags.AddError(fmt.Sprintf("%d more requests could not be read", more),
			fmt.Sprintf("The refresh of mimcm_request_statuses could not read %d requests in all; their entries keep what was in state.", len(failed)))
	}
	return diags
}

// planReadFailures reports the reads of a plan that failed, other than
// those of requests the server does not know: one error each for the first
// few, on their entries, and one that counts the rest. When the server is
// down, or the plan is interrupted, every read fails alike.
func planReadFailures(failed []entry, reads map[mimcm.GUID]readResult) diag.Diagnostics {
	var diags diag.Diagnostics
	named, more := firstFew(failed)
	for _, e := range named {
		diags.Append(entryReadError(e, reads[e.id].err)...)
	}
	if more > 0 {
		diags.AddAttributeError(path.Root("requests"), fmt.Sprintf("%d more requests could not be read", more),
			fmt.Sprintf("The plan of mimcm_request_statuses could not read %d requests in all, the first of them named above; nothing was sent.", len(failed)))
	}
	return diags
}

// unknownImports fails an import that names requests the server does not
// know, naming the first few of them.
func unknownImports(unknown []mimcm.GUID) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(unknown) == 0 {
		return diags
	}
	diags.AddError(fmt.Sprintf("Cannot import mimcm_request_statuses: %d request%s %s not exist", len(unknown), plural(len(unknown)), itThey(len(unknown), "does", "do")),
		fmt.Sprintf("The server does not know %s (GET /requests/{id} answered 204 No Content):\n\n%s\n\n"+
			"Nothing was imported. Check the GUIDs of the import ID, and that the provider's account may read these requests; "+
			"then import again without the GUIDs of requests that do not exist.",
			itThey(len(unknown), "this request", "these requests"), listFew(unknown, "  ", mimcm.GUID.String)))
	return diags
}

// forgetWarning says that forgetting n requests left them as they are.
func forgetWarning(what string, n int) diag.Diagnostics {
	var diags diag.Diagnostics
	if n == 0 {
		return diags
	}
	diags.AddWarning(fmt.Sprintf("%d request%s forgotten, not changed", n, plural(n)),
		fmt.Sprintf("%s calls no API: MIM CM cannot undo a final status, so the %d request%s only left Terraform state and keep%s "+
			"the status %s on the server.", what, n, plural(n), pluralVerb(n), itThey(n, "it has", "they have")))
	return diags
}

// parseImportID reads an import ID: GUIDs separated by commas, spaces or
// line breaks. A GUID given twice counts once.
func parseImportID(raw string) ([]mimcm.GUID, error) {
	fields := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if len(fields) == 0 {
		return nil, errors.New("it holds no GUID")
	}
	var out []mimcm.GUID
	seen := map[mimcm.GUID]bool{}
	for _, f := range fields {
		id, err := mimcm.ParseGUID(f) // its error names f, cut when long
		if err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func pluralVerb(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

func itThey(n int, it, they string) string {
	if n == 1 {
		return it
	}
	return they
}
