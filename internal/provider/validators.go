package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// stringCheck adapts a parse function of the mimcm package into a string
// validator, so the provider and the client reject the same values with the
// same words.
type stringCheck struct {
	description string
	summary     string
	check       func(string) error
}

var (
	_ validator.String = stringCheck{}

	hostValidator = stringCheck{
		description: "must be an http or https URL with a host and no path",
		summary:     "Invalid MIM CM host",
		check:       func(s string) error { _, err := mimcm.ParseHost(s); return err },
	}
	basePathValidator = stringCheck{
		description: "must be a path starting with /",
		summary:     "Invalid base path",
		check:       func(s string) error { _, err := mimcm.ParseBasePath(s); return err },
	}
	durationValidator = stringCheck{
		description: "must be a positive Go duration such as 30s",
		summary:     "Invalid duration",
		check:       func(s string) error { _, err := parsePositiveDuration(s); return err },
	}
	guidValidator = stringCheck{
		description: "must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), in any letter case",
		summary:     "Invalid request GUID",
		check:       func(s string) error { _, err := mimcm.ParseGUID(s); return err },
	}
	// anyGUIDValidator is guidValidator for GUIDs of other things than
	// requests: profile templates, users, smart cards.
	anyGUIDValidator = stringCheck{
		description: guidValidator.description,
		summary:     "Invalid GUID",
		check:       guidValidator.check,
	}
)

// headersCheck checks the names and values of the headers argument with
// the client's own rule, so a header that could never be sent fails
// validation instead of every call.
type headersCheck struct{}

var _ validator.Map = headersCheck{}

// Description says what the validator accepts.
func (headersCheck) Description(_ context.Context) string {
	return "header names must be HTTP tokens and values must hold no CR, LF, NUL or other control character"
}

// MarkdownDescription says what the validator accepts.
func (v headersCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateMap checks every known element.
func (headersCheck) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for name, v := range req.ConfigValue.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			continue
		}
		if err := mimcm.CheckHeader(name, s.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid header", err.Error()+".")
		}
	}
}

// oneOfCheck is stringvalidator.OneOf with the same words, except that the
// value it got is cut when long (mimcm.QuoteInput).
type oneOfCheck struct {
	values []string
}

var _ validator.String = oneOfCheck{}

// oneOf accepts exactly the given values.
func oneOf(values ...string) oneOfCheck { return oneOfCheck{values: values} }

// Description says what the validator accepts.
func (v oneOfCheck) Description(_ context.Context) string {
	quoted := make([]string, len(v.values))
	for i, value := range v.values {
		quoted[i] = strconv.Quote(value)
	}
	return "value must be one of: [" + strings.Join(quoted, " ") + "]"
}

// MarkdownDescription says what the validator accepts.
func (v oneOfCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString checks a known, non-null value.
func (v oneOfCheck) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || slices.Contains(v.values, req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match",
		fmt.Sprintf("Attribute %s %s, got: %s", req.Path, v.Description(ctx), mimcm.QuoteInput(req.ConfigValue.ValueString())))
}

// Description says what the validator accepts.
func (v stringCheck) Description(_ context.Context) string { return v.description }

// MarkdownDescription says what the validator accepts.
func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString checks a known, non-null value.
func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, err.Error())
	}
}

// The status validators shared by the resource, the data sources, the list
// resource and the action, so that each refuses the same values with the
// same words.
var (
	// desiredStatusValidator accepts the final statuses the provider sets.
	desiredStatusValidator validator.String = desiredStatusCheck{oneOf: oneOf(mimcm.DesiredStatusNames()...)}
	// statusNameValidator accepts the status names the server reports and
	// filters on.
	statusNameValidator = oneOf(mimcm.StatusNames()...)
	// targetUserValidator accepts the only target_user filter the API has.
	targetUserValidator = oneOf(targetUserCurrent)
)

// unchosenStatusPrefix starts the status that terraform query generates for
// a request whose status the user must still choose (see
// generatedStatus). No status name starts with it.
const unchosenStatusPrefix = "<"

// desiredStatusCheck is OneOf for the desired statuses, with its own message
// for a status that terraform query left for the user to choose.
type desiredStatusCheck struct {
	oneOf validator.String
}

// Description says what the validator accepts.
func (v desiredStatusCheck) Description(ctx context.Context) string { return v.oneOf.Description(ctx) }

// MarkdownDescription says what the validator accepts.
func (v desiredStatusCheck) MarkdownDescription(ctx context.Context) string {
	return v.oneOf.MarkdownDescription(ctx)
}

// ValidateString checks a known, non-null value.
func (v desiredStatusCheck) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if value := req.ConfigValue.ValueString(); strings.HasPrefix(value, unchosenStatusPrefix) {
		resp.Diagnostics.AddAttributeError(req.Path, "Status not chosen",
			fmt.Sprintf("This status reads %q: terraform query generated it for a request that Terraform cannot adopt as it is. "+
				"Write the final status that applying this configuration must give the request — Completed, Canceled or Abandoned — "+
				"or delete this resource block and its import block to leave the request alone. "+
				"To generate a status for every request that is not final yet, set desired_status in the list block's config and run terraform query again.", value))
		return
	}
	v.oneOf.ValidateString(ctx, req, resp)
}
