package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// templateView is the limited view of a profile template that
// GET /profiletemplates lists (documented) and GET /profiletemplates/{id}
// answers (the controller table names the route without a page).
type templateView struct {
	Name                              string     `json:"Name"`
	Description                       string     `json:"Description"`
	Uuid                              mimcm.GUID `json:"Uuid"`
	IsSmartcardProfileTemplate        bool       `json:"IsSmartcardProfileTemplate"`
	IsVirtualSmartcardProfileTemplate bool       `json:"IsVirtualSmartcardProfileTemplate"`
}

func viewOf(t ProfileTemplate) templateView {
	return templateView{
		Name: t.Name, Description: t.Description, Uuid: t.Uuid,
		IsSmartcardProfileTemplate: t.IsSmartcardProfileTemplate, IsVirtualSmartcardProfileTemplate: t.IsVirtualSmartcardProfileTemplate,
	}
}

// policyWire is a workflow policy as the policy routes answer it (the
// project's inference, see WorkflowPolicy), and as the admin routes and seed
// files take it, where Enabled may be left out for true.
type policyWire struct {
	Uuid                      mimcm.GUID `json:"Uuid"`
	Enabled                   *bool      `json:"Enabled"`
	ApprovalsNeeded           int        `json:"ApprovalsNeeded"`
	CollectComments           bool       `json:"CollectComments"`
	CollectRequestPriority    bool       `json:"CollectRequestPriority"`
	DefaultRequestPriority    int        `json:"DefaultRequestPriority"`
	EnrollAgentRequired       bool       `json:"EnrollAgentRequired"`
	SelfServiceEnabled        bool       `json:"SelfServiceEnabled"`
	AuthorizedApprover        string     `json:"AuthorizedApprover"`
	AuthorizedInitiator       string     `json:"AuthorizedInitiator"`
	AuthorizedEnrollmentAgent string     `json:"AuthorizedEnrollmentAgent"`
	DataCollection            []dataItem `json:"DataCollection"`
}

type dataItem struct {
	Name           string `json:"Name"`
	Required       bool   `json:"Required"`
	ValidationData string `json:"ValidationData"`
}

func policyWireOf(p WorkflowPolicy) policyWire {
	enabled := !p.Disabled
	w := policyWire{
		Uuid: p.Uuid, Enabled: &enabled, ApprovalsNeeded: p.ApprovalsNeeded,
		CollectComments: p.CollectComments, CollectRequestPriority: p.CollectRequestPriority,
		DefaultRequestPriority: p.DefaultRequestPriority, EnrollAgentRequired: p.EnrollAgentRequired,
		SelfServiceEnabled: p.SelfServiceEnabled, AuthorizedApprover: p.AuthorizedApprover,
		AuthorizedInitiator: p.AuthorizedInitiator, AuthorizedEnrollmentAgent: p.AuthorizedEnrollmentAgent,
		DataCollection: make([]dataItem, 0, len(p.DataCollection)),
	}
	for _, it := range p.DataCollection {
		w.DataCollection = append(w.DataCollection, dataItem(it))
	}
	return w
}

func (w policyWire) policy() WorkflowPolicy {
	p := WorkflowPolicy{
		Uuid: w.Uuid, Disabled: w.Enabled != nil && !*w.Enabled, ApprovalsNeeded: w.ApprovalsNeeded,
		CollectComments: w.CollectComments, CollectRequestPriority: w.CollectRequestPriority,
		DefaultRequestPriority: w.DefaultRequestPriority, EnrollAgentRequired: w.EnrollAgentRequired,
		SelfServiceEnabled: w.SelfServiceEnabled, AuthorizedApprover: w.AuthorizedApprover,
		AuthorizedInitiator: w.AuthorizedInitiator, AuthorizedEnrollmentAgent: w.AuthorizedEnrollmentAgent,
	}
	for _, it := range w.DataCollection {
		p.DataCollection = append(p.DataCollection, DataItem(it))
	}
	return p
}

// serveTemplates answers the profile template routes. A policy route of a
// form the mock does not serve (PolicyRoutes) is a route it lacks: 404.
func (s *Server) serveTemplates(r *http.Request, route apiRoute) answer {
	s.mu.Lock()
	routes := s.settings.policyRoutes
	s.mu.Unlock()
	_, typeErr := parsePolicyType(route.policyText)
	byPolicyID := route.kind == routePolicies && typeErr != nil && isRouteGUID(route.policyText)
	switch {
	case route.kind == routePolicies && !byPolicyID && !routes.servesByType(),
		route.kind == routeWorkflow && !routes.servesWorkflow():
		return notFound(r)
	case r.Method != http.MethodGet:
		return methodNotAllowed(r.Method, "GET")
	case route.kind == routeTemplates:
		return s.listTemplates(r)
	case route.template == "":
		return serverError(fmt.Sprintf("The request is invalid: '%s' is not a valid GUID for parameter 'id'", route.templateText))
	case route.kind != routeTemplate && !byPolicyID && typeErr != nil: // bound before the action runs
		return serverError(fmt.Sprintf("The request is invalid: %v", typeErr))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.templates[requestKey(route.template)]
	switch {
	case route.kind == routeTemplate && ok:
		return jsonAnswer(http.StatusOK, viewOf(t))
	case !ok:
		return noContent()
	case byPolicyID:
		id, _ := parseRouteGUID(route.policyText)
		for _, rt := range sortedRequestTypes(t.Policies) {
			if t.Policies[rt].Uuid == id {
				return policyAnswer(t, rt)
			}
		}
		return noContent()
	}
	rt, _ := parsePolicyType(route.policyText)
	return policyAnswer(t, rt)
}

// policyAnswer is a template's policy for rt: its body override, its
// policy, or 204 for none.
func policyAnswer(t ProfileTemplate, rt mimcm.RequestType) answer {
	if body, ok := t.PolicyBodies[rt]; ok {
		return answer{status: http.StatusOK, body: body}
	}
	p, ok := t.Policies[rt]
	if !ok {
		return noContent()
	}
	return jsonAnswer(http.StatusOK, policyWireOf(p))
}

func isRouteGUID(s string) bool {
	_, err := parseRouteGUID(s)
	return err == nil
}

// listTemplates answers GET /profiletemplates?targetuser=current; the
// documentation supports only the current user, so the mock requires it.
func (s *Server) listTemplates(r *http.Request) answer {
	targetUser, given := "", false
	for k, vs := range r.URL.Query() {
		if strings.EqualFold(k, "targetuser") {
			targetUser, given = vs[0], true
		}
	}
	if !strings.EqualFold(targetUser, "current") {
		what := fmt.Sprintf("'%s' is not supported", targetUser)
		if !given {
			what = "is required"
		}
		return serverError(fmt.Sprintf("targetuser %s; profiletemplates supports only targetuser=current", what))
	}
	s.mu.Lock()
	templates := s.sortedTemplatesLocked()
	s.mu.Unlock()
	if len(templates) == 0 {
		return noContent()
	}
	views := make([]templateView, 0, len(templates))
	for _, t := range templates {
		views = append(views, viewOf(t))
	}
	return jsonAnswer(http.StatusOK, views)
}

// templateWire is a profile template as the admin routes and seed files
// take and give it: the API's view, its policies by policy name
// (TemporaryEnroll; TemporaryCards is taken too), and the bodies that
// replace them on the policy routes.
type templateWire struct {
	Uuid                              mimcm.GUID                 `json:"Uuid"`
	Name                              string                     `json:"Name"`
	Description                       string                     `json:"Description"`
	IsSmartcardProfileTemplate        bool                       `json:"IsSmartcardProfileTemplate"`
	IsVirtualSmartcardProfileTemplate bool                       `json:"IsVirtualSmartcardProfileTemplate"`
	Policies                          map[string]policyWire      `json:"Policies,omitempty"`
	PolicyBodies                      map[string]json.RawMessage `json:"PolicyBodies,omitempty"`
}

func templateWireOf(t ProfileTemplate) templateWire {
	w := templateWire{
		Uuid: t.Uuid, Name: t.Name, Description: t.Description,
		IsSmartcardProfileTemplate: t.IsSmartcardProfileTemplate, IsVirtualSmartcardProfileTemplate: t.IsVirtualSmartcardProfileTemplate,
	}
	for _, rt := range sortedRequestTypes(t.Policies) {
		if w.Policies == nil {
			w.Policies = map[string]policyWire{}
		}
		w.Policies[rt.PolicyName()] = policyWireOf(t.Policies[rt])
	}
	for _, rt := range sortedRequestTypes(t.PolicyBodies) {
		if w.PolicyBodies == nil {
			w.PolicyBodies = map[string]json.RawMessage{}
		}
		w.PolicyBodies[rt.PolicyName()] = t.PolicyBodies[rt]
	}
	return w
}

func templateWiresOf(ts []ProfileTemplate) []templateWire {
	out := make([]templateWire, 0, len(ts))
	for _, t := range ts {
		out = append(out, templateWireOf(t))
	}
	return out
}

func (w templateWire) template() (ProfileTemplate, error) {
	t := ProfileTemplate{
		Uuid: w.Uuid, Name: w.Name, Description: w.Description,
		IsSmartcardProfileTemplate: w.IsSmartcardProfileTemplate, IsVirtualSmartcardProfileTemplate: w.IsVirtualSmartcardProfileTemplate,
	}
	for _, name := range slices.Sorted(maps.Keys(w.Policies)) {
		p := w.Policies[name]
		rt, err := seedPolicyType("Policies", name)
		if err != nil {
			return t, err
		}
		if _, dup := t.Policies[rt]; dup {
			return t, fmt.Errorf("Policies names %s twice", rt.PolicyName())
		}
		if t.Policies == nil {
			t.Policies = map[mimcm.RequestType]WorkflowPolicy{}
		}
		t.Policies[rt] = p.policy()
	}
	for _, name := range slices.Sorted(maps.Keys(w.PolicyBodies)) {
		body := w.PolicyBodies[name]
		rt, err := seedPolicyType("PolicyBodies", name)
		if err != nil {
			return t, err
		}
		if _, dup := t.PolicyBodies[rt]; dup {
			return t, fmt.Errorf("PolicyBodies names %s twice", rt.PolicyName())
		}
		if t.PolicyBodies == nil {
			t.PolicyBodies = map[mimcm.RequestType]json.RawMessage{}
		}
		t.PolicyBodies[rt] = body
	}
	return normaliseTemplate(t)
}

// seedPolicyType reads a key of Policies or PolicyBodies: a policy name or
// a request type name, in any case.
func seedPolicyType(field, name string) (mimcm.RequestType, error) {
	if rt, ok := mimcm.ParseRequestType(name); ok {
		return rt, nil
	}
	for _, rt := range mimcm.RequestTypes() {
		if strings.EqualFold(rt.PolicyName(), name) {
			return rt, nil
		}
	}
	return "", fmt.Errorf("%s: %q is not a workflow policy type; want one of %s", field, name, strings.Join(policyNames(), ", "))
}

// decodeTemplates decodes an array of profile templates or one, strictly,
// and says which it was.
func decodeTemplates(raw []byte) ([]ProfileTemplate, bool, error) {
	raw = bytes.TrimSpace(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")))
	if len(raw) == 0 {
		return nil, false, fmt.Errorf("empty input; want a JSON array of profile templates or one profile template object")
	}
	isArray := raw[0] == '['
	var items []json.RawMessage
	if !isArray {
		items = []json.RawMessage{raw}
	} else if err := json.Unmarshal(raw, &items); err != nil {
		return nil, true, fmt.Errorf("want a JSON array of profile templates: %w", err)
	}
	out := make([]ProfileTemplate, 0, len(items))
	for i, item := range items {
		var w templateWire
		err := decodeStrictBytes(item, &w)
		if err == nil && !bytes.HasPrefix(bytes.TrimSpace(item), []byte("{")) {
			err = fmt.Errorf("want a JSON object, got %s", mimcm.QuoteInput(string(item)))
		}
		var t ProfileTemplate
		if err == nil {
			t, err = w.template()
		}
		if err != nil {
			if isArray {
				return nil, true, fmt.Errorf("profile template %d of %d: %w", i+1, len(items), err)
			}
			return nil, false, fmt.Errorf("profile template: %w", err)
		}
		out = append(out, t)
	}
	return out, isArray, nil
}
