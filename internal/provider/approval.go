package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// awaitingApprovalWarning says that a request cannot reach desired before an
// approver approves it in the CM portal, and what Terraform does meanwhile.
// It is a warning, not an error: approvals arrive between runs, and a
// pipeline that runs before then is not failing.
func (d *providerData) awaitingApprovalWarning(ctx context.Context, got *mimcm.Request, desired mimcm.DesiredStatus, meanwhile string) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddWarning(awaitingApprovalSummary(got.Uuid), d.awaitingApprovalDetail(ctx, got, desired, meanwhile))
	return diags
}

func awaitingApprovalSummary(id mimcm.GUID) string {
	return fmt.Sprintf("Request %s awaits approval", id)
}

func (d *providerData) awaitingApprovalDetail(ctx context.Context, got *mimcm.Request, desired mimcm.DesiredStatus, meanwhile string) string {
	return fmt.Sprintf("The request is %s (status %d): MIM CM makes a request %s only once it is approved, and approval happens in the CM portal, not through the API. %s%s",
		got.Status, int(got.Status), desired.Target(), d.approvalsNote(ctx, got), meanwhile)
}

// approvalsNote says how many approvals the request's workflow policy asks
// for, where the policy can be read: the request's type number must have a
// confirmed name, and the policy a shape the client knows. Each template
// and type is read once per provider process; nothing is said otherwise.
func (d *providerData) approvalsNote(ctx context.Context, got *mimcm.Request) string {
	requestType, ok := mimcm.RequestTypeForNumber(got.RequestType)
	if !ok || got.ProfileTemplateUuid.IsZero() {
		return ""
	}
	policy, err := d.policies.get(ctx, d.client, got.ProfileTemplateUuid, requestType)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("The %s workflow policy of its profile template %s asks for %d approval%s. ",
		requestType.PolicyName(), got.ProfileTemplateUuid, policy.ApprovalsNeeded, plural(policy.ApprovalsNeeded))
}

// awaitsApproval reports whether a request that an entry or a resource
// wants in the status named value must first be approved.
func awaitsApproval(value string, got *mimcm.Request) bool {
	desired, ok := mimcm.ParseDesiredStatus(value)
	return ok && mimcm.CheckApproval(got.Uuid, got.Status, desired) != nil
}

// awaitingApprovalEntries tells, in one warning, which requests of
// mimcm_request_statuses await approval: the first few by name, with the
// approvals their policies ask for, the rest counted.
func (d *providerData) awaitingApprovalEntries(ctx context.Context, waiting []*mimcm.Request, meanwhile string) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(waiting) == 0 {
		return diags
	}
	n := len(waiting)
	list := listFew(waiting, "  - ", func(r *mimcm.Request) string {
		return strings.TrimSpace(fmt.Sprintf("%s is %s (status %d). %s", r.Uuid, r.Status, int(r.Status), d.approvalsNote(ctx, r)))
	})
	diags.AddWarning(fmt.Sprintf("%d request%s of mimcm_request_statuses await%s approval", n, plural(n), pluralVerb(n)),
		fmt.Sprintf("MIM CM completes or abandons a request only once it is approved, and approval happens in the CM portal, not through the API:\n\n%s\n\n%s",
			list, meanwhile))
	return diags
}
