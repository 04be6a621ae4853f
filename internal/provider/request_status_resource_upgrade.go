package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// This file holds mimcm_request_status's state upgrades, apart from the
// resource's own file, which other work changes often.

// UpgradeState upgrades states written by earlier schema versions. Version
// 0 kept every attribute of the request, its security descriptor and data
// collection included; version 1 leaves those to the data sources.
func (r *RequestStatusResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {StateUpgrader: upgradeRequestStatusStateV0},
	}
}

// upgradeRequestStatusStateV0 drops the attributes version 1 no longer has
// from a version 0 state and keeps every other value as it was, so that the
// upgrade changes nothing a plan could show. It works on the state's JSON,
// without a prior schema: the attributes that stay are the same in both.
func upgradeRequestStatusStateV0(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil || req.RawState.JSON == nil {
		resp.Diagnostics.AddError("Cannot upgrade the state of mimcm_request_status",
			"The state of schema version 0 has no JSON form. Remove the resource from state (terraform state rm) and import it again.")
		return
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal(req.RawState.JSON, &attrs); err != nil {
		resp.Diagnostics.AddError("Cannot upgrade the state of mimcm_request_status",
			fmt.Sprintf("The state of schema version 0 is not a JSON object: %v. Remove the resource from state (terraform state rm) and import it again.", err))
		return
	}
	for name := range dataSourceOnly {
		delete(attrs, name)
	}
	upgraded, err := json.Marshal(attrs)
	if err != nil {
		resp.Diagnostics.Append(providerBug(err)...)
		return
	}
	resp.DynamicValue = &tfprotov6.DynamicValue{JSON: upgraded}
}
