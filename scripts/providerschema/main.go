// Command providerschema prints the provider's schemas in the format of
// `terraform providers schema -json`, read from the provider itself rather
// than through Terraform.
//
// scripts/docs.sh hands it to tfplugindocs (--providers-schema), so that
// docs/ does not depend on which Terraform is on PATH: Terraform 1.11,
// which CI runs, reports neither resource identities nor list resources nor
// actions, and tfplugindocs would drop their pages.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/mimcm/terraform-provider-mimcm/internal/provider"
)

func main() {
	// tfplugindocs looks the schemas up under the provider's short name.
	address := flag.String("address", "registry.terraform.io/mimcm/mimcm", "the provider address to report the schemas under")
	flag.Parse()
	out, err := providerSchemaJSON(context.Background(), *address)
	if err != nil {
		fmt.Fprintln(os.Stderr, "providerschema:", err)
		os.Exit(1)
	}
	os.Stdout.Write(append(out, '\n')) //nolint:errcheck // nothing to do about a failed write to stdout
}

// providerSchemaJSON asks the provider's protocol 6 server for its schemas
// and encodes them as Terraform's JSON output does.
func providerSchemaJSON(ctx context.Context, address string) ([]byte, error) {
	server := providerserver.NewProtocol6(provider.New("dev")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	for _, d := range append(schemas.Diagnostics, identities.Diagnostics...) {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return nil, fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	out := map[string]any{"provider": schemaJSON(schemas.Provider)}
	addAll(out, "resource_schemas", schemas.ResourceSchemas, schemaJSON)
	addAll(out, "data_source_schemas", schemas.DataSourceSchemas, schemaJSON)
	addAll(out, "ephemeral_resource_schemas", schemas.EphemeralResourceSchemas, schemaJSON)
	addAll(out, "list_resource_schemas", schemas.ListResourceSchemas, schemaJSON)
	addAll(out, "action_schemas", schemas.ActionSchemas, func(s *tfprotov6.ActionSchema) map[string]any {
		return map[string]any{"block": blockJSON(s.Schema.Block)}
	})
	addAll(out, "resource_identity_schemas", identities.IdentitySchemas, identityJSON)
	return json.Marshal(map[string]any{
		"format_version":   "1.0",
		"provider_schemas": map[string]any{address: out},
	})
}

// addAll sets out[key] to the encoded schemas, when there are any.
func addAll[S any](out map[string]any, key string, schemas map[string]S, encode func(S) map[string]any) {
	if len(schemas) == 0 {
		return
	}
	encoded := make(map[string]any, len(schemas))
	for name, s := range schemas {
		encoded[name] = encode(s)
	}
	out[key] = encoded
}

func schemaJSON(s *tfprotov6.Schema) map[string]any {
	return map[string]any{"version": s.Version, "block": blockJSON(s.Block)}
}

func blockJSON(b *tfprotov6.SchemaBlock) map[string]any {
	out := map[string]any{"description_kind": kindJSON(b.DescriptionKind)}
	setIf(out, "description", b.Description, b.Description != "")
	setIf(out, "deprecated", true, b.Deprecated)
	if len(b.Attributes) > 0 {
		out["attributes"] = attributesJSON(b.Attributes)
	}
	if len(b.BlockTypes) > 0 {
		types := make(map[string]any, len(b.BlockTypes))
		for _, nested := range b.BlockTypes {
			t := map[string]any{"nesting_mode": blockNestingJSON(nested.Nesting), "block": blockJSON(nested.Block)}
			setIf(t, "min_items", nested.MinItems, nested.MinItems != 0)
			setIf(t, "max_items", nested.MaxItems, nested.MaxItems != 0)
			types[nested.TypeName] = t
		}
		out["block_types"] = types
	}
	return out
}

func attributesJSON(attributes []*tfprotov6.SchemaAttribute) map[string]any {
	out := make(map[string]any, len(attributes))
	for _, a := range attributes {
		attr := map[string]any{"description_kind": kindJSON(a.DescriptionKind)}
		if a.NestedType != nil {
			attr["nested_type"] = map[string]any{
				"attributes":   attributesJSON(a.NestedType.Attributes),
				"nesting_mode": objectNestingJSON(a.NestedType.Nesting),
			}
		} else {
			attr["type"] = a.Type // tftypes encode types as cty's JSON does
		}
		setIf(attr, "description", a.Description, a.Description != "")
		setIf(attr, "deprecated", true, a.Deprecated)
		setIf(attr, "required", true, a.Required)
		setIf(attr, "optional", true, a.Optional)
		setIf(attr, "computed", true, a.Computed)
		setIf(attr, "sensitive", true, a.Sensitive)
		setIf(attr, "write_only", true, a.WriteOnly)
		out[a.Name] = attr
	}
	return out
}

func identityJSON(s *tfprotov6.ResourceIdentitySchema) map[string]any {
	attributes := make(map[string]any, len(s.IdentityAttributes))
	for _, a := range s.IdentityAttributes {
		attr := map[string]any{"type": a.Type}
		setIf(attr, "description", a.Description, a.Description != "")
		setIf(attr, "required_for_import", true, a.RequiredForImport)
		setIf(attr, "optional_for_import", true, a.OptionalForImport)
		attributes[a.Name] = attr
	}
	return map[string]any{"version": s.Version, "attributes": attributes}
}

func setIf(m map[string]any, key string, value any, ok bool) {
	if ok {
		m[key] = value
	}
}

func kindJSON(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}

func blockNestingJSON(n tfprotov6.SchemaNestedBlockNestingMode) string {
	switch n {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return "single"
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return "list"
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return "set"
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return "map"
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return "group"
	}
	return "invalid"
}

func objectNestingJSON(n tfprotov6.SchemaObjectNestingMode) string {
	switch n {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return "single"
	case tfprotov6.SchemaObjectNestingModeList:
		return "list"
	case tfprotov6.SchemaObjectNestingModeSet:
		return "set"
	case tfprotov6.SchemaObjectNestingModeMap:
		return "map"
	}
	return "invalid"
}
