package provider

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// objectValueOf converts a model struct — attr.Value fields with tfsdk
// tags, embedded structs included — into an object value of objectType.
//
// It does what the framework's tfsdk reflection does for one object, for
// the many objects of a list: terraform-plugin-framework v1.19 reads and
// validates every field's tag on every conversion, compiling a regular
// expression each time (hashicorp/terraform-plugin-framework#725, open),
// which was most of the time and the allocations of setting 10,000
// requests into mimcm_requests' state. The fields are found once per model
// type. TestFrameworkGetSetStillCostly fails once the pinned framework no
// longer pays that price, and says what to delete.
func objectValueOf(objectType types.ObjectType, model any) (types.Object, diag.Diagnostics) {
	v := reflect.ValueOf(model)
	fields, err := modelFields(v.Type())
	if err != nil {
		return types.ObjectNull(objectType.AttrTypes), providerBug(err)
	}
	values := make(map[string]attr.Value, len(fields))
	for _, f := range fields {
		values[f.name] = v.FieldByIndex(f.index).Interface().(attr.Value) //nolint:forcetypeassert // checked by modelFields
	}
	return types.ObjectValue(objectType.AttrTypes, values)
}

// modelField is one tagged field of a model struct.
type modelField struct {
	name  string // the tfsdk tag
	index []int  // for reflect.Value.FieldByIndex
}

var modelFieldCache sync.Map // reflect.Type → []modelField

// modelFields lists a model struct's tagged fields, embedded structs'
// included, and checks that each holds an attr.Value.
func modelFields(t reflect.Type) ([]modelField, error) {
	if cached, ok := modelFieldCache.Load(t); ok {
		return cached.([]modelField), nil //nolint:forcetypeassert // only modelFields stores
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s is not a struct", t)
	}
	valueType := reflect.TypeFor[attr.Value]()
	var fields []modelField
	for _, f := range reflect.VisibleFields(t) {
		name := f.Tag.Get("tfsdk")
		if f.Anonymous && name == "" {
			continue // its fields are visible on their own
		}
		if name == "-" {
			continue // ignored, as the framework ignores it
		}
		if name == "" {
			return nil, fmt.Errorf("field %s of %s has no tfsdk tag", f.Name, t)
		}
		if !f.Type.Implements(valueType) {
			return nil, fmt.Errorf("field %s of %s is a %s, not an attr.Value", f.Name, t, f.Type)
		}
		fields = append(fields, modelField{name: name, index: f.Index})
	}
	modelFieldCache.Store(t, fields)
	return fields, nil
}

// schemaWithType is the part of a schema that getModel and the setters
// need: tfsdk.State, tfsdk.Plan and tfsdk.Config all hold one.
type schemaWithType interface {
	Type() attr.Type
}

// getModel reads raw, a value of s's type, into the model struct target
// points to, as tfsdk's Get does, without that Get's reflection of every
// field's tag on every call (hashicorp/terraform-plugin-framework#725, see
// objectValueOf). mimcm_request_status converts its model four times in
// each resource's apply, and the framework's Get and Set of it take about
// six times as long and eight times the allocations
// (BenchmarkRequestStatusModel_getSet and _getSetFramework).
func getModel(ctx context.Context, s schemaWithType, raw tftypes.Value, target any) diag.Diagnostics {
	objectType, err := objectTypeOf(s.Type())
	if err != nil {
		return providerBug(err)
	}
	rv := reflect.ValueOf(target)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return providerBug(fmt.Errorf("getModel needs a pointer to a model struct, not %T", target))
	}
	rv = rv.Elem()
	fields, err := schemaFields(rv.Type(), objectType)
	if err != nil {
		return providerBug(err)
	}
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil {
		return providerBug(fmt.Errorf("reading %s as an object: %w", raw.Type(), err))
	}
	for _, f := range fields {
		attrType := objectType.AttrTypes[f.name]
		tv, ok := values[f.name]
		if !ok { // a null object has no attributes
			tv = tftypes.NewValue(attrType.TerraformType(ctx), nil)
		}
		v, err := attrType.ValueFromTerraform(ctx, tv)
		if err != nil {
			return providerBug(fmt.Errorf("attribute %s: %w", f.name, err))
		}
		field := rv.FieldByIndex(f.index)
		value := reflect.ValueOf(v)
		if !value.Type().AssignableTo(field.Type()) {
			return providerBug(fmt.Errorf("attribute %s is a %s, which field %s of %s cannot hold", f.name, value.Type(), rv.Type().FieldByIndex(f.index).Name, rv.Type()))
		}
		field.Set(value)
	}
	return nil
}

// setState sets state to model, as tfsdk's State.Set does (see getModel).
// State is left as it was when model does not fit its schema.
func setState(ctx context.Context, state *tfsdk.State, model any) diag.Diagnostics {
	raw, diags := rawValueOf(ctx, state.Schema, model)
	if !diags.HasError() {
		state.Raw = raw
	}
	return diags
}

// setPlan sets plan to model, as tfsdk's Plan.Set does (see getModel).
func setPlan(ctx context.Context, plan *tfsdk.Plan, model any) diag.Diagnostics {
	raw, diags := rawValueOf(ctx, plan.Schema, model)
	if !diags.HasError() {
		plan.Raw = raw
	}
	return diags
}

// rawValueOf converts model, a model struct or a pointer to one, into a
// value of s's type.
func rawValueOf(ctx context.Context, s schemaWithType, model any) (tftypes.Value, diag.Diagnostics) {
	objectType, err := objectTypeOf(s.Type())
	if err != nil {
		return tftypes.Value{}, providerBug(err)
	}
	rv := reflect.ValueOf(model)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if _, err := schemaFields(rv.Type(), objectType); err != nil {
		return tftypes.Value{}, providerBug(err)
	}
	obj, diags := objectValueOf(objectType, rv.Interface())
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	raw, err := obj.ToTerraformValue(ctx)
	if err != nil {
		return tftypes.Value{}, providerBug(err)
	}
	return raw, diags
}

// objectTypeOf is t as the object type of a schema or a nested object.
func objectTypeOf(t attr.Type) (types.ObjectType, error) {
	objectType, ok := t.(types.ObjectType)
	if !ok {
		return types.ObjectType{}, fmt.Errorf("the type is %T, not an object", t)
	}
	return objectType, nil
}

// schemaFields is modelFields for a model that must hold exactly the
// attributes of objectType.
func schemaFields(t reflect.Type, objectType types.ObjectType) ([]modelField, error) {
	fields, err := modelFields(t)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		if _, ok := objectType.AttrTypes[f.name]; !ok {
			return nil, fmt.Errorf("field %s of %s is not an attribute of the schema", f.name, t)
		}
	}
	if len(fields) != len(objectType.AttrTypes) {
		return nil, fmt.Errorf("%s has %d attributes, the schema %d", t, len(fields), len(objectType.AttrTypes))
	}
	return fields, nil
}

// providerBug reports a programming error in the provider.
func providerBug(err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Provider bug: cannot convert a model", err.Error()+". Please report it to the provider's maintainers.")
	return diags
}
