package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestObjectValueOf_matchesTheFramework converts a request with every kind
// of attribute, embedded model included, and expects exactly the object the
// framework's own reflection makes of it.
func TestObjectValueOf_matchesTheFramework(t *testing.T) {
	ctx := context.Background()
	itemType, ok := requestsItem().Type().(types.ObjectType)
	if !ok {
		t.Fatalf("a request of mimcm_requests is a %T, want types.ObjectType", requestsItem().Type())
	}
	r := benchRequest()
	model, diags := newRequestDataSourceModel(&r)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want, diags := types.ObjectValueFrom(ctx, itemType.AttrTypes, model)
	if diags.HasError() {
		t.Fatal(diags)
	}
	for range 2 { // the second time from the cache of fields
		got, diags := objectValueOf(itemType, model)
		if diags.HasError() {
			t.Fatal(diags)
		}
		if !got.Equal(want) {
			t.Fatalf("objectValueOf:\n%s\nthe framework:\n%s", got, want)
		}
	}
}

// TestObjectValueOf_ignoredField leaves out a field tagged "-", as the
// framework does.
func TestObjectValueOf_ignoredField(t *testing.T) {
	type model struct {
		Name  types.String `tfsdk:"name"`
		Notes string       `tfsdk:"-"`
	}
	objectType := types.ObjectType{AttrTypes: map[string]attr.Type{"name": types.StringType}}
	got, diags := objectValueOf(objectType, model{Name: types.StringValue("a"), Notes: "not an attribute"})
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := types.ObjectValueMust(objectType.AttrTypes, map[string]attr.Value{"name": types.StringValue("a")})
	if !got.Equal(want) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// TestObjectValueOf_badModels are programming errors: each is reported as a
// provider bug naming the field, never a panic.
func TestObjectValueOf_badModels(t *testing.T) {
	objectType := types.ObjectType{AttrTypes: map[string]attr.Type{"name": types.StringType}}
	type untagged struct {
		Name types.String
	}
	type plain struct {
		Name string `tfsdk:"name"`
	}
	type extra struct {
		Name  types.String `tfsdk:"name"`
		Other types.String `tfsdk:"other"`
	}
	for _, tc := range []struct {
		name  string
		model any
		want  string
	}{
		{"untagged field", untagged{Name: types.StringValue("a")}, "field Name of provider.untagged has no tfsdk tag"},
		{"not an attr.Value", plain{Name: "a"}, "field Name of provider.plain is a string, not an attr.Value"},
		{"not a struct", "a", "string is not a struct"},
		{"attribute the type lacks", extra{Name: types.StringValue("a"), Other: types.StringValue("b")}, "other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := objectValueOf(objectType, tc.model)
			if !diags.HasError() {
				t.Fatal("no error")
			}
			var details []string
			for _, d := range diags.Errors() {
				details = append(details, d.Summary()+": "+d.Detail())
			}
			if got := strings.Join(details, "\n"); !strings.Contains(got, tc.want) {
				t.Fatalf("errors %q do not mention %q", got, tc.want)
			}
		})
	}
}
