package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var _ list.ListResourceWithConfigure = (*RequestStatusListResource)(nil)

// NewRequestStatusListResource returns the mimcm_request_status list
// resource, which `terraform query` (Terraform 1.14 and later) uses to find
// requests to import.
func NewRequestStatusListResource() list.ListResource {
	return &RequestStatusListResource{}
}

// RequestStatusListResource lists MIM CM requests as mimcm_request_status
// instances: each result carries the resource's identity and, when asked,
// the resource object a configuration generated from it would import.
type RequestStatusListResource struct {
	data *providerData
}

// RequestStatusListModel is the list block's config.
type RequestStatusListModel struct {
	Status              types.String `tfsdk:"status"`
	TargetUser          types.String `tfsdk:"target_user"`
	ProfileTemplateUUID types.String `tfsdk:"profile_template_uuid"`
	DesiredStatus       types.String `tfsdk:"desired_status"`
}

// Metadata names the list resource after the resource it lists.
func (l *RequestStatusListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request_status"
}

// ListResourceConfigSchema describes the list block's config.
func (l *RequestStatusListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds MIM CM requests for `terraform query` (Terraform 1.14 and later), as `mimcm_request_status` " +
			"instances ordered by submission time, then GUID. Each result has the request's identity and a display name " +
			"with its GUID, observed status and target user. `terraform query -generate-config-out=FILE` writes a resource " +
			"and an import block for each; see `desired_status` for the status they carry. Identities hold the lower-case GUID " +
			"whatever letter case or braces the server wrote; an item of the server's list with no usable GUID (none, the " +
			"all-zero one, one that is not a GUID, or a `null` item) is left out, and a request listed more than once is one " +
			"result, from the first item that names it, before `limit` counts; one warning per query says how many items were " +
			"left out and why.",
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
			"profile_template_uuid": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only requests of this profile template, a GUID in any letter case. The API cannot filter " +
					"on it, so the provider drops the other requests after listing them.",
				Validators: []validator.String{guidValidator},
			},
			"desired_status": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The `status` that results carry for requests not in a final status yet (`None`, `Approved`, " +
					"`Pending`, `Executing`): `Completed`, `Canceled` or `Abandoned`. Configuration generated from them then plans " +
					"to import each such request and change it to this status. Requests that already satisfy a status carry it " +
					"(`Completed`, `Canceled`, or `Abandoned` for `Failed`) and plan an import with no change, whatever this says. " +
					"Without it, a request that is not final carries a `status` starting with `<`, which `terraform validate` " +
					"refuses until you write the status yourself; so does a `Denied` request, which no status can change.",
				Validators: []validator.String{desiredStatusValidator},
			},
		},
	}
}

// Configure receives the provider's client.
func (l *RequestStatusListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	l.data = data
}

// List reads the requests with one GET and streams those that match, each
// once and under its lower-case GUID, in a stable order, up to the query's
// limit; the items of the list that cannot be results are counted in one
// warning, streamed first.
func (l *RequestStatusListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg RequestStatusListModel
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var diags diag.Diagnostics
	if !providerConfigured(l.data, listResourceObject, "mimcm_request_status", &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	requests, err := l.data.client.ListRequests(ctx, mimcm.ListFilter{
		Status:     cfg.Status.ValueString(),
		TargetUser: cfg.TargetUser.ValueString(),
	})
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot list requests", err.Error())
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	answered := len(requests)
	requests, skipped := importableRequests(requests)
	requests = cfg.keep(requests)
	sortRequests(requests)
	if req.Limit > 0 && int64(len(requests)) > req.Limit {
		requests = requests[:req.Limit]
	}
	desired, _ := mimcm.ParseDesiredStatus(cfg.DesiredStatus.ValueString())

	stream.Results = func(push func(list.ListResult) bool) {
		// First: Terraform stops reading once it has limit results.
		if diags := skipped.warning(answered); diags.WarningsCount() > 0 && !push(list.ListResult{Diagnostics: diags}) {
			return
		}
		for i := range requests {
			result := req.NewListResult(ctx)
			result.Diagnostics.Append(listResult(ctx, req, &requests[i], desired, &result)...)
			if !push(result) {
				return
			}
		}
	}
}

// keep drops the requests of other profile templates, the one filter the
// server cannot apply.
func (cfg RequestStatusListModel) keep(requests []mimcm.Request) []mimcm.Request {
	if cfg.ProfileTemplateUUID.IsNull() {
		return requests
	}
	want, _ := mimcm.ParseGUID(cfg.ProfileTemplateUUID.ValueString()) // validated
	kept := requests[:0]
	for _, r := range requests {
		if got, err := mimcm.CanonicalGUID(r.ProfileTemplateUuid.String()); err == nil && got == want {
			kept = append(kept, r)
		}
	}
	return kept
}

// listSkips counts the items of the server's list that are not results,
// by reason.
type listSkips struct {
	empty      int    // null, or an object with nothing set
	noUUID     int    // no Uuid, an empty one, or the all-zero GUID
	malformed  int    // a Uuid that is not a GUID
	example    string // the first such Uuid, as decoded
	duplicates int    // a request that an earlier item named
}

// importableRequests keeps of the server's list the items a result can be
// made of, each under the lower-case GUID that its identity and generated
// request_id must hold to validate (read by CanonicalGUID, so upper case
// and braces are fine), and of the items that name one request the first.
// The others are counted in listSkips and never become results, so that a
// query's limit counts distinct requests and generated configuration
// imports each request once.
func importableRequests(all []mimcm.Request) ([]mimcm.Request, listSkips) {
	var skips listSkips
	seen := make(map[mimcm.GUID]bool, len(all))
	kept := all[:0]
	for _, r := range all {
		id, err := mimcm.CanonicalGUID(r.Uuid.String())
		switch {
		case r.Uuid.IsZero() && reflect.ValueOf(r).IsZero():
			skips.empty++ // what null decodes to
		case r.Uuid.IsZero() || id == mimcm.ZeroGUID:
			skips.noUUID++
		case err != nil:
			if skips.malformed == 0 {
				skips.example = r.Uuid.String()
			}
			skips.malformed++
		case seen[id]:
			skips.duplicates++
		default:
			seen[id] = true
			r.Uuid = id
			kept = append(kept, r)
		}
	}
	return kept, skips
}

// warning is the one warning of a list call whose answer of answered
// items held items that are not results, grouped by reason and without
// repeating more than a short prefix of what the server sent; none when
// every item is a result.
func (s listSkips) warning(answered int) diag.Diagnostics {
	var diags diag.Diagnostics
	unusable := s.empty + s.noUUID + s.malformed
	if unusable+s.duplicates == 0 {
		return diags
	}
	var reasons []string
	if s.noUUID > 0 {
		reasons = append(reasons, fmt.Sprintf("%d had no Uuid (none, an empty one or the all-zero GUID)", s.noUUID))
	}
	if s.malformed > 0 {
		such := ""
		if s.malformed > 1 {
			such = "such as "
		}
		reasons = append(reasons, fmt.Sprintf("%d had a Uuid that is not a GUID (%s%s)", s.malformed, such, mimcm.QuoteInput(s.example)))
	}
	if s.empty > 0 {
		reasons = append(reasons, fmt.Sprintf("%d %s null or an empty object", s.empty, itThey(s.empty, "was", "were")))
	}
	detail := fmt.Sprintf("The server answered the list of requests with %d item%s.", answered, plural(answered))
	if unusable > 0 {
		detail += fmt.Sprintf(" %d of them name no request that could be imported, so they are not results: %s.", unusable, joinReasons(reasons))
	}
	if s.duplicates > 0 {
		detail += fmt.Sprintf(" %d named a request that an earlier item had named (the same GUID, in any letter case or in braces): "+
			"each request is one result, built from the first item that names it.", s.duplicates)
	}
	detail += " The other requests are listed, and configuration generated from them imports them, as usual. If the server " +
		"should not send such items, report them to its administrator."
	diags.AddWarning(fmt.Sprintf("%d item%s of the server's list left out", unusable+s.duplicates, plural(unusable+s.duplicates)), detail)
	return diags
}

// joinReasons joins reasons as a sentence does: "a", "a and b", "a, b and c".
func joinReasons(reasons []string) string {
	if len(reasons) < 2 {
		return strings.Join(reasons, "")
	}
	return strings.Join(reasons[:len(reasons)-1], ", ") + " and " + reasons[len(reasons)-1]
}

// listResult fills one result: identity, display name and, when Terraform
// asks for it, the resource object.
func listResult(ctx context.Context, req list.ListRequest, got *mimcm.Request, desired mimcm.DesiredStatus, result *list.ListResult) diag.Diagnostics {
	var diags diag.Diagnostics
	result.DisplayName = displayName(got)
	diags.Append(result.Identity.SetAttribute(ctx, path.Root("id"), got.Uuid.String())...)
	if !req.IncludeResource {
		return diags
	}
	// The timeouts block is left out, as null of its own type.
	timeoutsType, d := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	none, err := timeoutsType.ValueFromTerraform(ctx, tftypes.NewValue(timeoutsType.TerraformType(ctx), nil))
	noTimeouts, ok := none.(timeouts.Value)
	if err != nil || !ok {
		return append(diags, providerBug(fmt.Errorf("the timeouts block of mimcm_request_status reads as %T (%v), not timeouts.Value", none, err))...)
	}
	model := RequestStatusResourceModel{Timeouts: noTimeouts}
	model.RequestID = types.StringValue(got.Uuid.String())
	model.Status = types.StringValue(generatedStatus(got.Status, desired))
	model.fill(got)
	diags.Append(result.Resource.Set(ctx, &model)...)
	return diags
}

// displayName names a request as `terraform query` shows it.
func displayName(r *mimcm.Request) string {
	user := "no target user"
	if !r.TargetUserUuid.IsZero() {
		user = "target user " + r.TargetUserUuid.String()
	}
	return fmt.Sprintf("%s: %s, %s", r.Uuid, r.Status, user)
}

// generatedStatus is the status a listed request carries into the
// configuration `terraform query -generate-config-out` writes. It never
// chooses a change for the user: a request that satisfies a status carries
// that status (an import with no change); one not final yet carries the
// desired_status the user set, or else a value that terraform validate
// refuses, saying what to write (see desiredStatusCheck); one that no status
// can change (Denied) carries a value that says so.
func generatedStatus(observed mimcm.Status, desired mimcm.DesiredStatus) string {
	if d, ok := mimcm.DesiredStatusFor(observed); ok {
		return string(d)
	}
	if observed.IsTerminal() {
		return fmt.Sprintf("%sremove this block and its import block: the request is %s, a final status no configuration can change>", unchosenStatusPrefix, observed)
	}
	if desired != "" {
		return string(desired)
	}
	return fmt.Sprintf("%schoose Completed, Canceled or Abandoned: the request is %s>", unchosenStatusPrefix, observed)
}
