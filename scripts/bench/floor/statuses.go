package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	mimcmprovider "github.com/mimcm/terraform-provider-mimcm/internal/provider"
)

// statusesType is floor_request_statuses' type name.
const statusesType = "floor_request_statuses"

// statusesServer serves the framework's floor provider and, beside it,
// floor_request_statuses: mimcm_request_statuses' schema, taken from the
// provider itself, answered at the protocol level with as little work as a
// correct provider can do. It reads nothing, validates nothing and plans
// only what it must: statuses becomes unknown when requests change, and an
// apply fills it with a completed request's status for every key. Its
// upgrade decodes the state's JSON and encodes it again, which any provider
// must do. So floor_request_statuses ÷ terraform_data is Terraform's own
// cost of one resource of N entries, whatever a provider does: the floor
// under mimcm_request_statuses, and the part of it no provider can remove.
type statusesServer struct {
	tfprotov6.ProviderServer
	schema *tfprotov6.Schema
	typ    tftypes.Object
}

// newStatusesServer serves floor_request_statuses beside floor's resources.
func newStatusesServer(floor tfprotov6.ProviderServer) (*statusesServer, error) {
	mimcm := providerserver.NewProtocol6(mimcmprovider.New("bench")())()
	resp, err := mimcm.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	s := resp.ResourceSchemas["mimcm_request_statuses"]
	if s == nil {
		return nil, errors.New("the mimcm provider has no mimcm_request_statuses")
	}
	typ, ok := s.ValueType().(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("mimcm_request_statuses is a %s, not an object", s.ValueType())
	}
	return &statusesServer{ProviderServer: floor, schema: s, typ: typ}, nil
}

func (s *statusesServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp, err := s.ProviderServer.GetMetadata(ctx, req)
	if err == nil {
		resp.Resources = append(resp.Resources, tfprotov6.ResourceMetadata{TypeName: statusesType})
	}
	return resp, err
}

func (s *statusesServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp, err := s.ProviderServer.GetProviderSchema(ctx, req)
	if err == nil {
		resp.ResourceSchemas[statusesType] = s.schema
	}
	return resp, err
}

func (s *statusesServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if req.TypeName != statusesType {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

func (s *statusesServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.TypeName != statusesType {
		return s.ProviderServer.UpgradeResourceState(ctx, req)
	}
	v, err := req.RawState.UnmarshalWithOpts(s.typ, tfprotov6.UnmarshalOpts{})
	if err != nil {
		return nil, err
	}
	upgraded, err := tfprotov6.NewDynamicValue(s.typ, v)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &upgraded}, nil
}

func (s *statusesServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if req.TypeName != statusesType {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

// PlanResourceChange keeps the proposed state when requests is unchanged,
// and otherwise plans statuses as unknown.
func (s *statusesServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName != statusesType {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	proposed, err := s.attributes(req.ProposedNewState)
	if err != nil || proposed == nil {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState}, err
	}
	prior, err := s.attributes(req.PriorState)
	if err != nil {
		return nil, err
	}
	if prior != nil && prior["requests"].Equal(proposed["requests"]) {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}, nil
	}
	proposed["statuses"] = tftypes.NewValue(s.typ.AttributeTypes["statuses"], tftypes.UnknownValue)
	planned, err := tfprotov6.NewDynamicValue(s.typ, tftypes.NewValue(s.typ, proposed))
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: &planned}, err
}

// ApplyResourceChange gives every request of the plan a completed
// request's status, keyed by its GUID in lower case.
func (s *statusesServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if req.TypeName != statusesType {
		return s.ProviderServer.ApplyResourceChange(ctx, req)
	}
	planned, err := s.attributes(req.PlannedState)
	if err != nil || planned == nil {
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PlannedState}, err
	}
	var requests map[string]tftypes.Value
	if err := planned["requests"].As(&requests); err != nil {
		return nil, err
	}
	mapType := s.typ.AttributeTypes["statuses"].(tftypes.Map) //nolint:forcetypeassert // the provider's schema, checked by the acceptance tests
	entryType := mapType.ElementType.(tftypes.Object)         //nolint:forcetypeassert // likewise
	entries := make(map[string]tftypes.Value, len(requests))
	for id := range requests {
		entry := map[string]tftypes.Value{}
		for name, t := range entryType.AttributeTypes {
			if v, ok := completedRequest[name]; ok {
				entry[name] = v
			} else {
				entry[name] = tftypes.NewValue(t, nil)
			}
		}
		entries[strings.ToLower(id)] = tftypes.NewValue(entryType, entry)
	}
	planned["statuses"] = tftypes.NewValue(mapType, entries)
	state, err := tfprotov6.NewDynamicValue(s.typ, tftypes.NewValue(s.typ, planned))
	return &tfprotov6.ApplyResourceChangeResponse{NewState: &state}, err
}

// attributes decodes a value of floor_request_statuses; nil when it is null
// (or absent).
func (s *statusesServer) attributes(v *tfprotov6.DynamicValue) (map[string]tftypes.Value, error) {
	if v == nil {
		return nil, nil
	}
	decoded, err := v.Unmarshal(s.typ)
	if err != nil || decoded.IsNull() {
		return nil, err
	}
	var attrs map[string]tftypes.Value
	err = decoded.As(&attrs)
	return attrs, err
}
