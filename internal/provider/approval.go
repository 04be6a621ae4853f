package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// awaitingApprovalWarning says that a request cannot reach desired before an
// approver approves it in the CM portal, and what Terraform does meanwhile.
// It is a warning, not an error: approvals arrive between runs, and a
// pipeline that runs before then is not failing.
func awaitingApprovalWarning(id mimcm.GUID, got *mimcm.Request, desired mimcm.DesiredStatus, meanwhile string) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddWarning(awaitingApprovalSummary(id), awaitingApprovalDetail(got, desired, meanwhile))
	return diags
}

func awaitingApprovalSummary(id mimcm.GUID) string {
	return fmt.Sprintf("Request %s awaits approval", id)
}

func awaitingApprovalDetail(got *mimcm.Request, desired mimcm.DesiredStatus, meanwhile string) string {
	return fmt.Sprintf("The request is %s (status %d): MIM CM makes a request %s only once it is approved, and approval happens in the CM portal, not through the API. %s",
		got.Status, int(got.Status), desired.Target(), meanwhile)
}
