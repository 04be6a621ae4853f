package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"

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
		c := testProviderConfig(t, map[string]any{"host": "https://cm.contoso.com"})
		c.values[a.name] = tftypes.NewValue(typ, tftypes.UnknownValue)
		if got := c.unknown(); len(got) != 1 || got[0] != a.name {
			t.Errorf("with %s unknown, unknown() = %v", a.name, got)
		}
	}
	if got := testProviderConfig(t, map[string]any{"host": "https://cm.contoso.com"}).unknown(); len(got) != 0 {
		t.Errorf("with everything known, unknown() = %v", got)
	}
}

// TestProviderArguments_readme checks README's table of provider
// arguments against the declarations: each row names a declared argument,
// its environment variable, and whether it is sensitive.
func TestProviderArguments_readme(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)`( \\(sensitive\\))? \\| `(MIMCM_[A-Z0-9_]+)`")
	rows := row.FindAllStringSubmatch(string(b), -1)
	if len(rows) < 5 {
		t.Fatalf("README.md has %d rows of provider arguments; has its table moved?", len(rows))
	}
	for _, r := range rows {
		a, ok := argumentsByName[r[1]]
		switch {
		case !ok:
			t.Errorf("README.md documents %s, which the provider does not declare", r[1])
		case r[3] != a.env():
			t.Errorf("README.md gives %s the variable %s; it is %s", r[1], r[3], a.env())
		case (r[2] != "") != a.sensitive:
			t.Errorf("README.md says %s is sensitive: %v; it is %v", r[1], r[2] != "", a.sensitive)
		}
	}
}
