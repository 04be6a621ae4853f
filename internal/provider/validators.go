package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

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
)

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
