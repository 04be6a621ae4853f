package provider

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// RequestAttributesModel holds the attributes read from a MIM CM request
// that mimcm_request_status keeps in state. The resource and both data
// sources embed it, so the three cannot drift apart; the data sources embed
// RequestDetailsModel too.
type RequestAttributesModel struct {
	StatusCode               types.Int64  `tfsdk:"status_code"`
	ObservedStatus           types.String `tfsdk:"observed_status"`
	RequestType              types.Int64  `tfsdk:"request_type"`
	Flags                    types.Int64  `tfsdk:"flags"`
	DataCollectionFlags      types.Int64  `tfsdk:"data_collection_flags"`
	OriginatorUserUUID       types.String `tfsdk:"originator_user_uuid"`
	TargetUserUUID           types.String `tfsdk:"target_user_uuid"`
	Submitted                types.String `tfsdk:"submitted"`
	Completed                types.String `tfsdk:"completed"`
	NewProfileUUID           types.String `tfsdk:"new_profile_uuid"`
	OldProfileUUID           types.String `tfsdk:"old_profile_uuid"`
	NewSmartcardUUID         types.String `tfsdk:"new_smartcard_uuid"`
	OldSmartcardUUID         types.String `tfsdk:"old_smartcard_uuid"`
	Priority                 types.Int64  `tfsdk:"priority"`
	Comment                  types.String `tfsdk:"comment"`
	ProfileTemplateUUID      types.String `tfsdk:"profile_template_uuid"`
	IsSmartcard              types.Bool   `tfsdk:"is_smartcard"`
	IsEnrollmentAgent        types.Bool   `tfsdk:"is_enrollment_agent"`
	IsDataCollectionComplete types.Bool   `tfsdk:"is_data_collection_complete"`
}

// RequestDetailsModel holds what only the data sources expose of a request:
// what someone typed into its data collection, often names and personal
// details, and its security descriptor, about 0.6 KB of SDDL. A status
// resource has no use for them, and they would go into every state file and
// state backend.
type RequestDetailsModel struct {
	DataCollection     types.List   `tfsdk:"data_collection"`
	SecurityDescriptor types.String `tfsdk:"security_descriptor"`
}

// dataSourceOnly names the attributes of RequestDetailsModel.
var dataSourceOnly = map[string]bool{"data_collection": true, "security_descriptor": true}

// dataCollectionItemType is the object type of one data_collection item.
var dataCollectionItemType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name":  types.StringType,
	"value": types.StringType,
}}

type attrKind int

const (
	kindString attrKind = iota
	kindInt
	kindBool
	kindDataCollection
)

// requestAttribute declares one attribute read from a request. immutable
// marks the ones the server never changes once the request exists, which
// keep their value in plans that change the status.
type requestAttribute struct {
	name        string
	kind        attrKind
	description string
	immutable   bool
}

var requestAttributes = []requestAttribute{
	{"status_code", kindInt, "Status number the server reports (8 Completed, 9 Failed, 17 Canceled, ...); unknown numbers are kept as they are.", false},
	{"observed_status", kindString, "Name of `status_code` from the status table (`None`, `Approved`, `Denied`, `Completed`, `Failed`, `Pending`, `Canceled`, `Executing`), or `Unknown(N)`.", false},
	{"request_type", kindInt, "Request type number (1 Enroll, 5 Unblock, ...).", true},
	{"flags", kindInt, "Request option flags.", false},
	{"data_collection", kindDataCollection, "Data collection items of the request.", false},
	{"data_collection_flags", kindInt, "Data collection option flags.", false},
	{"originator_user_uuid", kindString, "GUID of the user who submitted the request, lower-case.", true},
	{"target_user_uuid", kindString, "GUID of the user the request is for, lower-case.", true},
	{"submitted", kindString, "When the request was submitted, RFC 3339, exactly as precise as the server sent it.", true},
	{"completed", kindString, "When the request reached its final status, RFC 3339, exactly as precise as the server sent it; null while it has not (the server's `0001-01-01T00:00:00`).", false},
	{"new_profile_uuid", kindString, "GUID of the profile the request creates, lower-case; null when none.", false},
	{"old_profile_uuid", kindString, "GUID of the profile the request was made from, lower-case; null when none.", true},
	{"new_smartcard_uuid", kindString, "GUID of the smart card the request assigns, lower-case; null when none.", false},
	{"old_smartcard_uuid", kindString, "GUID of the smart card the request was made from, lower-case; null when none.", true},
	{"priority", kindInt, "Request priority.", false},
	{"comment", kindString, "Comment on the request.", false},
	{"profile_template_uuid", kindString, "GUID of the request's profile template, lower-case.", true},
	{"security_descriptor", kindString, "Security descriptor of the request in SDDL, without the server's NUL padding.", false},
	{"is_smartcard", kindBool, "Whether the request is for a smart card rather than a software profile.", true},
	{"is_enrollment_agent", kindBool, "Whether the request needs an enrollment agent.", true},
	{"is_data_collection_complete", kindBool, "Whether the request's data collection is complete.", false},
}

var dataCollectionDescription = map[string]string{
	"name":  "Name of the data collection item.",
	"value": "Value of the data collection item; null when the server sent none.",
}

// resourceRequestAttributes returns the computed attributes of the
// resource: all but the data sources' own (dataSourceOnly). Immutable
// attributes keep their state value in plans; the status ones are planned
// by the resource's ModifyPlan.
func resourceRequestAttributes() map[string]rschema.Attribute {
	return resourceAttributesOf(
		func(a requestAttribute) bool { return !dataSourceOnly[a.name] },
		func(a requestAttribute) bool { return a.immutable })
}

// resourceAttributesOf returns the computed attributes of the table that
// include selects, for a resource schema; those keepState selects keep
// their state value in plans.
func resourceAttributesOf(include, keepState func(requestAttribute) bool) map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(requestAttributes))
	for _, a := range requestAttributes {
		if !include(a) {
			continue
		}
		keep := keepState(a)
		switch a.kind {
		case kindString:
			attr := rschema.StringAttribute{Computed: true, MarkdownDescription: a.description}
			if keep {
				attr.PlanModifiers = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
			}
			out[a.name] = attr
		case kindInt:
			attr := rschema.Int64Attribute{Computed: true, MarkdownDescription: a.description}
			if keep {
				attr.PlanModifiers = []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
			}
			out[a.name] = attr
		case kindBool:
			attr := rschema.BoolAttribute{Computed: true, MarkdownDescription: a.description}
			if keep {
				attr.PlanModifiers = []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
			}
			out[a.name] = attr
		}
	}
	return out
}

// requestObject returns the named attributes of the table, which must be
// strings, numbers or booleans, as an object type, and a Markdown sentence
// that describes each, for an attribute whose elements are such objects.
func requestObject(names ...string) (types.ObjectType, string) {
	attrTypes := map[string]attr.Type{}
	var parts []string
	for _, a := range requestAttributes {
		if !slices.Contains(names, a.name) {
			continue
		}
		switch a.kind {
		case kindString:
			attrTypes[a.name] = types.StringType
		case kindInt:
			attrTypes[a.name] = types.Int64Type
		case kindBool:
			attrTypes[a.name] = types.BoolType
		default:
			panic("requestObject: " + a.name + " is not a string, number or boolean")
		}
		parts = append(parts, fmt.Sprintf("`%s`, %s", a.name, lowerFirst(strings.TrimSuffix(a.description, "."))))
	}
	return types.ObjectType{AttrTypes: attrTypes}, "each object holds " + strings.Join(parts, "; ") + "."
}

// lowerFirst lowers the first letter of s, to run a description on in a
// sentence.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// dataSourceRequestAttributes returns the same attributes for data source
// schemas.
func dataSourceRequestAttributes() map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(requestAttributes))
	for _, a := range requestAttributes {
		switch a.kind {
		case kindString:
			out[a.name] = dschema.StringAttribute{Computed: true, MarkdownDescription: a.description}
		case kindInt:
			out[a.name] = dschema.Int64Attribute{Computed: true, MarkdownDescription: a.description}
		case kindBool:
			out[a.name] = dschema.BoolAttribute{Computed: true, MarkdownDescription: a.description}
		case kindDataCollection:
			out[a.name] = dschema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: a.description,
				NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
					"name":  dschema.StringAttribute{Computed: true, MarkdownDescription: dataCollectionDescription["name"]},
					"value": dschema.StringAttribute{Computed: true, MarkdownDescription: dataCollectionDescription["value"]},
				}},
			}
		}
	}
	return out
}

// newRequestAttributesModel converts a request read from the API into
// Terraform values. It is the only place that does, with
// newRequestDetailsModel for the data sources' own attributes.
func newRequestAttributesModel(r *mimcm.Request) RequestAttributesModel {
	return RequestAttributesModel{
		StatusCode:               types.Int64Value(int64(r.Status)),
		ObservedStatus:           types.StringValue(r.Status.String()),
		RequestType:              types.Int64Value(int64(r.RequestType)),
		Flags:                    types.Int64Value(int64(r.Flags)),
		DataCollectionFlags:      types.Int64Value(int64(r.DataCollectionFlags)),
		OriginatorUserUUID:       guidValue(r.OriginatorUserUuid),
		TargetUserUUID:           guidValue(r.TargetUserUuid),
		Submitted:                timestampValue(r.Submitted),
		Completed:                timestampValue(r.Completed),
		NewProfileUUID:           guidValue(r.NewProfileUuid),
		OldProfileUUID:           guidValue(r.OldProfileUuid),
		NewSmartcardUUID:         guidValue(r.NewSmartcardUuid),
		OldSmartcardUUID:         guidValue(r.OldSmartcardUuid),
		Priority:                 types.Int64Value(int64(r.Priority)),
		Comment:                  types.StringValue(r.Comment),
		ProfileTemplateUUID:      guidValue(r.ProfileTemplateUuid),
		IsSmartcard:              types.BoolValue(r.IsSmartcard),
		IsEnrollmentAgent:        types.BoolValue(r.IsEnrollmentAgent),
		IsDataCollectionComplete: types.BoolValue(r.IsDataCollectionComplete),
	}
}

// newRequestDetailsModel converts the attributes only the data sources
// expose.
func newRequestDetailsModel(r *mimcm.Request) (RequestDetailsModel, diag.Diagnostics) {
	items := make([]attr.Value, len(r.DataCollection))
	for i, item := range r.DataCollection {
		items[i] = types.ObjectValueMust(dataCollectionItemType.AttrTypes, map[string]attr.Value{
			"name":  types.StringValue(item.Name),
			"value": types.StringPointerValue(item.Value),
		})
	}
	dataCollection, diags := types.ListValue(dataCollectionItemType, items)
	return RequestDetailsModel{
		DataCollection:     dataCollection,
		SecurityDescriptor: types.StringValue(r.SecurityDescriptor),
	}, diags
}

func guidValue(g mimcm.GUID) types.String {
	if g.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(g.String())
}

func timestampValue(t mimcm.Timestamp) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.String())
}

// copyImmutable copies the attributes marked immutable in requestAttributes
// from another model.
func (m *RequestAttributesModel) copyImmutable(from RequestAttributesModel) {
	dst := reflect.ValueOf(m).Elem()
	src := reflect.ValueOf(from)
	for i := 0; i < dst.NumField(); i++ {
		if immutableAttributes[dst.Type().Field(i).Tag.Get("tfsdk")] {
			dst.Field(i).Set(src.Field(i))
		}
	}
}

var immutableAttributes = func() map[string]bool {
	out := map[string]bool{}
	for _, a := range requestAttributes {
		if a.immutable {
			out[a.name] = true
		}
	}
	return out
}()
