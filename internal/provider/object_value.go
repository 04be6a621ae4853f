package provider

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// objectValueOf converts a model struct — attr.Value fields with tfsdk
// tags, embedded structs included — into an object value of objectType.
//
// It does what the framework's tfsdk reflection does for one object, for
// the many objects of a list: terraform-plugin-framework v1.19 reads and
// validates every field's tag on every conversion, compiling a regular
// expression each time, which was most of the time and the allocations of
// setting 10,000 requests into mimcm_requests' state. The fields are found
// once per model type.
func objectValueOf(objectType types.ObjectType, model any) (types.Object, diag.Diagnostics) {
	v := reflect.ValueOf(model)
	fields, err := modelFields(v.Type())
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Provider bug: cannot convert a model", err.Error()+". Please report it to the provider's maintainers.")
		return types.ObjectNull(objectType.AttrTypes), diags
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
