package mimcm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// WorkflowPolicy is what a profile template's workflow policy says about one request type. The
// reference documents its properties but shows no example body, so the decoding is strict: an
// answer of another shape is an ErrPolicyShape, never a policy that requires nothing.
type WorkflowPolicy struct {
	// Route is the path (with the base path) that answered.
	Route string
	// Uuid is the policy's GUID, when the answer gives one.
	Uuid                   GUID
	Enabled                bool
	ApprovalsNeeded        int
	CollectComments        bool
	CollectRequestPriority bool
	DefaultRequestPriority int
	EnrollAgentRequired    bool
	SelfServiceEnabled     bool
	// DataCollection lists the data collection items the policy collects, in the server's order.
	DataCollection []PolicyDataItem
}

// PolicyDataItem is one data collection item of a workflow policy.
type PolicyDataItem struct {
	Name     string
	Required bool
}

// MissingItems returns the names of the required data collection items that given does not hold,
// sorted; names are compared in any case, and an empty value counts as not given. It returns nil
// when none is missing.
func (p *WorkflowPolicy) MissingItems(given map[string]string) []string {
	have := make(map[string]bool, len(given))
	for name, value := range given {
		if value != "" {
			have[strings.ToLower(name)] = true
		}
	}
	var missing []string
	listed := map[string]bool{}
	for _, item := range p.DataCollection {
		key := strings.ToLower(item.Name)
		if item.Required && !have[key] && !listed[key] {
			listed[key] = true
			missing = append(missing, item.Name)
		}
	}
	slices.SortFunc(missing, func(a, b string) int {
		if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return missing
}

// policyRoute is one documented form of the workflow policy route. The controller table documents a
// third, /profiletemplates/{id}/policies/{policy GUID}, which a client cannot use: no documented
// answer gives it the policy's GUID before it has read the policy.
type policyRoute int32

const (
	policyRoutePolicies policyRoute = iota // /profiletemplates/{id}/policies/{type}: the current reference
	policyRouteWorkflow                    // /profiletemplates/{id}/policy/workflow/{type}: an older walkthrough
)

// policyRoutes are the usable forms, in the order tried when none has answered yet.
var policyRoutes = []policyRoute{policyRoutePolicies, policyRouteWorkflow}

// policyRouteNotTried explains why the controller table's form is never tried.
const policyRouteNotTried = "the controller table's third form, /profiletemplates/{id}/policies/{policy GUID}, is not tried: " +
	"it needs the policy's GUID, which no documented answer gives before the policy has been read"

// path is the route's path under the base path; the type is the policy routes' name of t, in lower case.
func (r policyRoute) path(template GUID, t RequestType) string {
	name := strings.ToLower(t.PolicyName())
	if r == policyRouteWorkflow {
		return "/profiletemplates/" + string(template) + "/policy/workflow/" + name
	}
	return "/profiletemplates/" + string(template) + "/policies/" + name
}

// GetWorkflowPolicy reads the workflow policy of a profile template for a request type. The route has
// two usable documented forms: it tries the one that answered this client last (at first
// /profiletemplates/{id}/policies/{type}), and after a 404 the other
// (/profiletemplates/{id}/policy/workflow/{type}); when neither answers, the error names both and
// their outcomes. A 204 answer gives an *APIError of kind ErrPolicyNotFound, an answer of an unexpected
// shape one of kind ErrPolicyShape.
func (c *Client) GetWorkflowPolicy(ctx context.Context, template GUID, t RequestType) (*WorkflowPolicy, error) {
	id, err := ParseGUID(string(template))
	if err != nil {
		return nil, fmt.Errorf("profile template: %w", err)
	}
	typ, ok := ParseRequestType(string(t))
	if !ok {
		return nil, fmt.Errorf("type: %s is not a request type; want one of %s", QuoteInput(string(t)), strings.Join(RequestTypeNames(), ", "))
	}
	first := policyRoute(c.policyRoute.Load())
	order := append([]policyRoute{first}, slices.DeleteFunc(slices.Clone(policyRoutes), func(r policyRoute) bool { return r == first })...)
	var (
		tried []string
		e     *APIError
	)
	for _, route := range order {
		res, err := c.call(ctx, apiCall{method: http.MethodGet, path: route.path(id, typ)})
		if !errors.As(err, &e) {
			if err != nil {
				return nil, err
			}
			c.policyRoute.Store(int32(route))
			defer res.release()
			return res.decodePolicy()
		}
		tried = append(tried, fmt.Sprintf("%s answered %s", e.Path, outcome(e)))
		if e.Kind != ErrRouteNotFound {
			break
		}
	}
	if len(tried) > 1 {
		e.Err = addCause(e.Err, fmt.Errorf("the forms of the workflow policy route tried: %s; %s", strings.Join(tried, ", "), policyRouteNotTried))
	}
	return nil, e
}

// outcome says in a few words how a call failed.
func outcome(e *APIError) string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("HTTP %d", e.StatusCode)
	}
	return e.Kind.Error()
}

// decodePolicy decodes a workflow policy answer: a 204 is no policy, text that is not JSON is
// undecodable, and JSON of an unexpected shape an ErrPolicyShape.
func (r *result) decodePolicy() (*WorkflowPolicy, error) {
	if r.status == http.StatusNoContent {
		return nil, r.fail(ErrPolicyNotFound, nil)
	}
	if !json.Valid(r.body) {
		return nil, r.fail(ErrUndecodable, fmt.Errorf("want a JSON workflow policy object%s, got %s", r.contentTypeNote(), QuoteInput(clean(string(r.body), maxMessageLen))))
	}
	p, err := decodePolicy(r.body)
	if err != nil {
		return nil, r.fail(ErrPolicyShape, err)
	}
	p.Route = r.path
	return p, nil
}

// decodePolicy decodes a workflow policy from valid JSON, with its keys in any case. The required
// items are what the policy is read for, so the data collection list is taken under either name
// it may have ("DataCollection", "DataCollectionItems") and each item's flag under either
// ("Required", "IsRequired"), and anything else than expected is an error saying what it was.
func decodePolicy(b []byte) (*WorkflowPolicy, error) {
	f, err := fieldsOf(b)
	if err != nil {
		return nil, fmt.Errorf("the policy is %w", err)
	}
	p := &WorkflowPolicy{}
	if raw, ok := f.get("Uuid"); ok {
		_ = json.Unmarshal(raw, &p.Uuid) // only shown: a policy is no less usable without it
	}
	bools := []struct {
		name     string
		to       *bool
		required bool
	}{
		{"Enabled", &p.Enabled, true},
		{"CollectComments", &p.CollectComments, false},
		{"CollectRequestPriority", &p.CollectRequestPriority, false},
		{"EnrollAgentRequired", &p.EnrollAgentRequired, false},
		{"SelfServiceEnabled", &p.SelfServiceEnabled, false},
	}
	for _, field := range bools {
		if *field.to, err = f.boolean(field.name, field.required); err != nil {
			return nil, err
		}
	}
	if p.ApprovalsNeeded, err = f.integer("ApprovalsNeeded", true); err != nil {
		return nil, err
	}
	if p.ApprovalsNeeded < 0 {
		return nil, fmt.Errorf("ApprovalsNeeded is %d, want 0 or more", p.ApprovalsNeeded)
	}
	if p.DefaultRequestPriority, err = f.integer("DefaultRequestPriority", false); err != nil {
		return nil, err
	}
	if p.DataCollection, err = f.dataCollection(); err != nil {
		return nil, err
	}
	return p, nil
}

// jsonFields are a JSON object's members by their lower-case keys, with each key as sent.
type jsonFields map[string]jsonField

type jsonField struct {
	key string
	raw json.RawMessage
}

// fieldsOf returns the members of a JSON object; two keys that differ only in case are an error,
// since either could be the one meant.
func fieldsOf(b []byte) (jsonFields, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%s, not a JSON object", describeJSON(b))
	}
	f := make(jsonFields, len(m))
	for key, raw := range m {
		lower := strings.ToLower(key)
		if other, dup := f[lower]; dup {
			first, second := min(other.key, key), max(other.key, key)
			return nil, fmt.Errorf("an object with both %q and %q, keys that differ only in case", first, second)
		}
		f[lower] = jsonField{key: key, raw: raw}
	}
	return f, nil
}

// get returns the member named name in any case, unless it is absent or null.
func (f jsonFields) get(name string) (json.RawMessage, bool) {
	field, ok := f[strings.ToLower(name)]
	if !ok || string(bytes.TrimSpace(field.raw)) == "null" {
		return nil, false
	}
	return field.raw, true
}

func (f jsonFields) boolean(name string, required bool) (bool, error) {
	raw, ok := f.get(name)
	if !ok {
		if required {
			return false, fmt.Errorf("%s is missing, want true or false", name)
		}
		return false, nil
	}
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%s is %s, want true or false", name, describeJSON(raw))
}

func (f jsonFields) integer(name string, required bool) (int, error) {
	raw, ok := f.get(name)
	if !ok {
		if required {
			return 0, fmt.Errorf("%s is missing, want a number", name)
		}
		return 0, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil || bytes.TrimSpace(raw)[0] == '"' {
		return 0, fmt.Errorf("%s is %s, want a number", name, describeJSON(raw))
	}
	v, err := strconv.ParseFloat(string(n), 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
		return 0, fmt.Errorf("%s is %s, want a whole number", name, describeJSON(raw))
	}
	return int(v), nil
}

// dataCollection decodes the policy's data collection list, under either of its names.
func (f jsonFields) dataCollection() ([]PolicyDataItem, error) {
	name := "DataCollection"
	raw, ok := f.get(name)
	alt, altOK := f.get("DataCollectionItems")
	switch {
	case ok && altOK:
		return nil, errors.New("the policy has both DataCollection and DataCollectionItems, and either could be the list meant")
	case altOK:
		name, raw = "DataCollectionItems", alt
	case !ok:
		return nil, errors.New("the policy has no data collection list (DataCollection or DataCollectionItems), so which items it requires is unknown")
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("%s is %s, not a JSON array", name, describeJSON(raw))
	}
	items := make([]PolicyDataItem, len(list))
	for i, rawItem := range list {
		item, err := policyDataItem(rawItem)
		if err != nil {
			return nil, fmt.Errorf("%s item %d %w", name, i+1, err)
		}
		items[i] = item
	}
	return items, nil
}

// policyDataItem decodes one item of a policy's data collection list; its errors follow "item N".
func policyDataItem(b json.RawMessage) (PolicyDataItem, error) {
	f, err := fieldsOf(b)
	if err != nil {
		return PolicyDataItem{}, fmt.Errorf("is %w", err)
	}
	var item PolicyDataItem
	raw, ok := f.get("Name")
	if !ok {
		return item, errors.New("has no Name, want a non-empty string")
	}
	if json.Unmarshal(raw, &item.Name) != nil || strings.TrimSpace(item.Name) == "" {
		return item, fmt.Errorf("has the Name %s, want a non-empty string", describeJSON(raw))
	}
	_, hasRequired := f.get("Required")
	_, hasIsRequired := f.get("IsRequired")
	switch {
	case !hasRequired && !hasIsRequired:
		return item, fmt.Errorf("(%s) has no Required or IsRequired, want true or false", QuoteInput(item.Name))
	case hasIsRequired && !hasRequired:
		item.Required, err = f.boolean("IsRequired", true)
	default:
		item.Required, err = f.boolean("Required", true)
	}
	if err != nil {
		return item, fmt.Errorf("(%s): %w", QuoteInput(item.Name), err)
	}
	if hasRequired && hasIsRequired {
		other, err := f.boolean("IsRequired", true)
		if err != nil || other != item.Required {
			return item, fmt.Errorf("(%s) has both Required and IsRequired, and they disagree", QuoteInput(item.Name))
		}
	}
	return item, nil
}

// describeJSON shows a JSON value in a message: its kind, and its text cut short.
func describeJSON(raw []byte) string {
	text := string(bytes.TrimSpace(raw))
	kind := "a JSON value"
	if text != "" {
		switch text[0] {
		case '{':
			kind = "an object"
		case '[':
			kind = "an array"
		case '"':
			kind = "a string"
		case 't', 'f':
			kind = "a boolean"
		case 'n':
			kind = "null"
		default:
			kind = "a number"
		}
	}
	if kind == "null" {
		return kind
	}
	return fmt.Sprintf("%s %s", kind, QuoteInput(clean(text, maxMessageLen)))
}
