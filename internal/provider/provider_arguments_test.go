package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestProviderArguments_declarations checks the table every provider
// argument is declared in.
func TestProviderArguments_declarations(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range providerArguments {
		if seen[a.name] {
			t.Errorf("%s is declared twice", a.name)
		}
		seen[a.name] = true
		if a.doc == "" || !strings.Contains(a.description(), "`"+a.env()+"`") {
			t.Errorf("%s: the description %q must say what it is and name %s", a.name, a.description(), a.env())
		}
		if a.kind == intArg && (a.min > a.intDef || a.intDef > a.max) {
			t.Errorf("%s: default %d outside its bounds %d..%d", a.name, a.intDef, a.min, a.max)
		}
		if (a.kind != intArg) != (a.min == 0 && a.max == 0 && a.intDef == 0) {
			t.Errorf("%s: bounds and an integer default are for integer arguments only", a.name)
		}
		if (a.kind == stringMapArg) != (a.jsonForm != "") {
			t.Errorf("%s: a map argument, and only one, says what its variable's JSON holds (jsonForm)", a.name)
		}
	}
	if got := len(providerSchemaAttributes()); got != len(providerArguments) {
		t.Errorf("the schema has %d attributes for %d arguments", got, len(providerArguments))
	}
}

// TestProviderConfig_unknown checks that each argument, when its value is
// not known yet, is named as unknown, so the provider plans without
// calling the API.
func TestProviderConfig_unknown(t *testing.T) {
	for _, a := range providerArguments {
		var typ tftypes.Type = tftypes.String
		switch a.kind {
		case intArg:
			typ = tftypes.Number
		case boolArg:
			typ = tftypes.Bool
		case stringMapArg:
			typ = tftypes.Map{ElementType: tftypes.String}
		}
		c := testProviderConfig(t, map[string]any{"host": "https://cm.contoso.com", a.name: tftypes.NewValue(typ, tftypes.UnknownValue)})
		if got := c.unknown(); len(got) != 1 || got[0] != a.name {
			t.Errorf("with %s unknown, unknown() = %v", a.name, got)
		}
	}
	// A map whose value is known but one of whose elements is not.
	headers := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
		"X-Team": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	})
	if got := testProviderConfig(t, map[string]any{"host": "https://cm.contoso.com", "headers": headers}).unknown(); len(got) != 1 || got[0] != "headers" {
		t.Errorf("with a header's value unknown, unknown() = %v", got)
	}
	if got := testProviderConfig(t, map[string]any{"host": "https://cm.contoso.com"}).unknown(); len(got) != 0 {
		t.Errorf("with everything known, unknown() = %v", got)
	}
}

// TestProviderModel_matchesArguments holds providerModel to the table:
// each argument has a field tagged with its name, of the type its kind
// reads as, and each tagged field is an argument's.
func TestProviderModel_matchesArguments(t *testing.T) {
	want := map[argKind]reflect.Type{
		stringArg:    reflect.TypeFor[types.String](),
		intArg:       reflect.TypeFor[types.Int64](),
		boolArg:      reflect.TypeFor[types.Bool](),
		stringMapArg: reflect.TypeFor[types.Map](),
	}
	model := reflect.TypeFor[providerModel]()
	tagged := map[string]reflect.StructField{}
	for i := range model.NumField() {
		if tag, ok := model.Field(i).Tag.Lookup("tfsdk"); ok {
			tagged[tag] = model.Field(i)
		}
	}
	for _, a := range providerArguments {
		f, ok := tagged[a.name]
		switch {
		case !ok:
			t.Errorf("argument %s has no field tagged tfsdk:%q in providerModel", a.name, a.name)
		case f.Type != want[a.kind]:
			t.Errorf("argument %s: field %s is a %s, want a %s", a.name, f.Name, f.Type, want[a.kind])
		}
	}
	for tag, f := range tagged {
		if _, ok := argumentsByName[tag]; !ok {
			t.Errorf("providerModel.%s (tfsdk:%q) is not declared in providerArguments", f.Name, tag)
		}
	}
	if t.Failed() {
		return // field would panic
	}
	var m providerModel
	for i := range providerArguments {
		a := &providerArguments[i]
		if got := m.argumentOf(a.field(&m).Addr().Interface()); got != a {
			t.Errorf("argumentOf the field of %s is %s", a.name, got.name)
		}
	}
}

// TestProviderArguments_namesInCode checks each argument the provider's
// code names in a string — for its environment variable (envOf) or its
// path in a diagnostic (path.Root, in the provider's own files) — against
// the table, so that a misspelt name fails here and not in a user's run.
func TestProviderArguments_namesInCode(t *testing.T) {
	files, err := filepath.Glob("provider*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 || !namesArgument(call.Fun) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			name, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			if _, ok := argumentsByName[name]; !ok {
				t.Errorf("%s: %q is not a provider argument", fset.Position(lit.Pos()), name)
			}
			return true
		})
	}
	if checked < 10 {
		t.Errorf("found only %d names of arguments in %v; has the code moved?", checked, files)
	}
}

// namesArgument reports whether fun is envOf, argument or path.Root.
func namesArgument(fun ast.Expr) bool {
	switch fun := fun.(type) {
	case *ast.Ident:
		return fun.Name == "envOf" || fun.Name == "argument"
	case *ast.SelectorExpr:
		x, ok := fun.X.(*ast.Ident)
		return ok && x.Name == "path" && fun.Sel.Name == "Root"
	}
	return false
}
