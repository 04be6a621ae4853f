package mockapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// ProfileTemplate is a profile template the mock serves under /profiletemplates, with the workflow
// policies that decide what POST /requests makes of a request for it.
//
// Until the mock holds a profile template, POST /requests takes any profileTemplateUuid, as it
// always did; once it holds one, a template it does not hold is refused with 500, as CM refuses it.
type ProfileTemplate struct {
	// Uuid identifies the template; SeedProfileTemplates gives a template without one a random one.
	Uuid        mimcm.GUID
	Name        string
	Description string
	// IsSmartcardProfileTemplate and IsVirtualSmartcardProfileTemplate make the template's
	// requests smart card requests (IsSmartcard, and Flags 2 as in the reference request).
	IsSmartcardProfileTemplate        bool
	IsVirtualSmartcardProfileTemplate bool
	// Policies holds the template's workflow policies by request type (TemporaryCards for the
	// policy routes' TemporaryEnroll). For a type without one the policy routes answer 204, and
	// POST /requests creates its requests as Options.PendingOnCreate says.
	Policies map[mimcm.RequestType]WorkflowPolicy
	// PolicyBodies, when it holds a type, is what the policy routes answer for that type, as it
	// is, instead of the policy: any JSON, to test a client against a policy of a shape it does
	// not expect. POST /requests still follows Policies.
	PolicyBodies map[mimcm.RequestType]json.RawMessage
}

// WorkflowPolicy is a profile template's workflow policy for one request type. The reference
// names its properties but shows no example body, so the body the policy routes answer is the
// project's inference: the properties below under their own names, with Enabled for !Disabled.
type WorkflowPolicy struct {
	// Uuid identifies the policy for the route /profiletemplates/{id}/policies/{policyId};
	// SeedProfileTemplates gives a policy without one a random one.
	Uuid mimcm.GUID
	// Disabled makes POST /requests refuse the type. The body's Enabled is its negation, so that
	// the zero WorkflowPolicy is an enabled policy that needs no approval.
	Disabled bool
	// ApprovalsNeeded is how many approvals (Server.Approve) a new request waits for, Pending;
	// with 0 it is Approved at once.
	ApprovalsNeeded        int
	CollectComments        bool
	CollectRequestPriority bool
	// DefaultRequestPriority is the Priority of a request created without one.
	DefaultRequestPriority int
	// EnrollAgentRequired marks the policy's requests IsEnrollmentAgent.
	EnrollAgentRequired bool
	SelfServiceEnabled  bool
	// The security descriptors (SDDL) of who may approve, initiate and act as enrollment agent.
	AuthorizedApprover        string
	AuthorizedInitiator       string
	AuthorizedEnrollmentAgent string
	// DataCollection lists the data items the policy collects; POST /requests refuses a request
	// without a value for each Required one.
	DataCollection []DataItem
}

// DataItem is one data collection item of a workflow policy.
type DataItem struct {
	Name           string
	Required       bool
	ValidationData string
}

// Errors of Approve and Deny.
var (
	// ErrUnknownRequest: the mock holds no request with that Uuid.
	ErrUnknownRequest = errors.New("the mock holds no request")
	// ErrNotPending: only a Pending request can be approved or denied.
	ErrNotPending = errors.New("only a Pending request can be approved or denied")
)

// PolicyRoutes chooses which forms of the workflow policy route the mock serves; a form it does
// not serve answers 404, as a route the server lacks, so that a client's fallback can be tested.
type PolicyRoutes string

// The forms the reference shows: /profiletemplates/{id}/policies/{type} (the examples and the
// current walkthrough), /profiletemplates/{id}/policies/{policyId} (the controller table) and
// /profiletemplates/{id}/policy/workflow/{type} (an older walkthrough).
const (
	// PolicyRoutesPolicies, the default, serves policies/{type} and policies/{policyId}.
	PolicyRoutesPolicies PolicyRoutes = "policies"
	// PolicyRoutesWorkflow serves policy/workflow/{type} and policies/{policyId}.
	PolicyRoutesWorkflow PolicyRoutes = "workflow"
	// PolicyRoutesAll serves all three.
	PolicyRoutesAll PolicyRoutes = "all"
)

// PolicyRouteNames lists the PolicyRoutes values.
func PolicyRouteNames() []string {
	return []string{string(PolicyRoutesPolicies), string(PolicyRoutesWorkflow), string(PolicyRoutesAll)}
}

// ParsePolicyRoutes reads a PolicyRoutes value in any case; "" is the default.
func ParsePolicyRoutes(s string) (PolicyRoutes, error) {
	if s == "" {
		return PolicyRoutesPolicies, nil
	}
	for _, name := range PolicyRouteNames() {
		if strings.EqualFold(name, s) {
			return PolicyRoutes(name), nil
		}
	}
	return "", fmt.Errorf("%q: want %s", s, strings.Join(PolicyRouteNames(), ", "))
}

func (p PolicyRoutes) servesByType() bool   { return p == PolicyRoutesPolicies || p == PolicyRoutesAll }
func (p PolicyRoutes) servesWorkflow() bool { return p == PolicyRoutesWorkflow || p == PolicyRoutesAll }

// SetPolicyRoutes overrides Options.PolicyRoutes until the next Reset.
func (s *Server) SetPolicyRoutes(p PolicyRoutes) error {
	p, err := ParsePolicyRoutes(string(p))
	if err != nil {
		return fmt.Errorf("policy routes %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings.policyRoutes = p
	return nil
}

// SeedProfileTemplates stores profile templates with their policies, replacing any with the same
// Uuid in any letter case, and gives a template or policy without a Uuid a random one. It stores
// none of them when one is invalid, and says which and why.
func (s *Server) SeedProfileTemplates(templates ...ProfileTemplate) error {
	_, err := s.seedTemplates(templates, false)
	return err
}

// SetProfileTemplates replaces every profile template with these, as SeedProfileTemplates stores them.
func (s *Server) SetProfileTemplates(templates ...ProfileTemplate) error {
	_, err := s.seedTemplates(templates, true)
	return err
}

// seedTemplates is SeedProfileTemplates (or, with replace, SetProfileTemplates) that returns
// what it stored.
func (s *Server) seedTemplates(templates []ProfileTemplate, replace bool) ([]ProfileTemplate, error) {
	stored := make([]ProfileTemplate, 0, len(templates))
	for i, t := range templates {
		n, err := normaliseTemplate(t)
		if err != nil {
			return nil, fmt.Errorf("profile template %d of %d (%s): %w", i+1, len(templates), templateLabel(t), err)
		}
		stored = append(stored, n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if replace {
		s.templates = map[string]ProfileTemplate{}
	}
	for _, t := range stored {
		s.templates[requestKey(t.Uuid)] = cloneTemplate(t)
	}
	return stored, nil
}

// normaliseTemplate checks t and returns the copy the store keeps: GUIDs in lower case, a Uuid
// for the template and each policy.
func normaliseTemplate(t ProfileTemplate) (ProfileTemplate, error) {
	t = cloneTemplate(t)
	var err error
	if t.Uuid, err = normaliseGUID(t.Uuid); err != nil {
		return t, fmt.Errorf("Uuid: %w", err)
	}
	policyIDs := map[mimcm.GUID]mimcm.RequestType{}
	for _, rt := range slices.Sorted(maps.Keys(t.Policies)) {
		p := t.Policies[rt]
		if _, ok := mimcm.ParseRequestType(string(rt)); !ok {
			return t, fmt.Errorf("policy for %q: not a request type; want one of %s", rt, strings.Join(mimcm.RequestTypeNames(), ", "))
		}
		if p.Uuid, err = normaliseGUID(p.Uuid); err != nil {
			return t, fmt.Errorf("%s policy: Uuid: %w", rt.PolicyName(), err)
		}
		if other, dup := policyIDs[p.Uuid]; dup {
			return t, fmt.Errorf("%s policy: Uuid %s is the %s policy's too", rt.PolicyName(), p.Uuid, other.PolicyName())
		}
		policyIDs[p.Uuid] = rt
		if p.ApprovalsNeeded < 0 {
			return t, fmt.Errorf("%s policy: ApprovalsNeeded %d: want 0 (auto-approved) or more", rt.PolicyName(), p.ApprovalsNeeded)
		}
		seen := map[string]bool{}
		for i, item := range p.DataCollection {
			name := strings.ToLower(strings.TrimSpace(item.Name))
			if name == "" {
				return t, fmt.Errorf("%s policy: data collection item %d of %d has no Name", rt.PolicyName(), i+1, len(p.DataCollection))
			}
			if seen[name] {
				return t, fmt.Errorf("%s policy: data collection item %q is there twice", rt.PolicyName(), item.Name)
			}
			seen[name] = true
		}
		t.Policies[rt] = p
	}
	for _, rt := range slices.Sorted(maps.Keys(t.PolicyBodies)) {
		if _, ok := mimcm.ParseRequestType(string(rt)); !ok {
			return t, fmt.Errorf("policy body for %q: not a request type; want one of %s", rt, strings.Join(mimcm.RequestTypeNames(), ", "))
		}
		if !json.Valid(t.PolicyBodies[rt]) {
			return t, fmt.Errorf("%s policy body: not JSON: %q", rt.PolicyName(), t.PolicyBodies[rt])
		}
	}
	return t, nil
}

// normaliseGUID lower-cases a GUID, or makes a random one for none.
func normaliseGUID(g mimcm.GUID) (mimcm.GUID, error) {
	if g == "" {
		return newGUID(), nil
	}
	parsed, err := mimcm.ParseGUID(string(g))
	if err != nil {
		return "", err
	}
	if parsed == mimcm.ZeroGUID {
		return "", fmt.Errorf("the all-zero GUID names nothing")
	}
	return parsed, nil
}

// cloneTemplate deep-copies t, keeping nil maps nil.
func cloneTemplate(t ProfileTemplate) ProfileTemplate {
	if t.Policies != nil {
		policies := make(map[mimcm.RequestType]WorkflowPolicy, len(t.Policies))
		for rt, p := range t.Policies {
			p.DataCollection = slices.Clone(p.DataCollection)
			policies[rt] = p
		}
		t.Policies = policies
	}
	if t.PolicyBodies != nil {
		bodies := make(map[mimcm.RequestType]json.RawMessage, len(t.PolicyBodies))
		for rt, b := range t.PolicyBodies {
			bodies[rt] = slices.Clone(b)
		}
		t.PolicyBodies = bodies
	}
	return t
}

// templateLabel names a template in messages: its name and Uuid, or what it has of them.
func templateLabel(t ProfileTemplate) string {
	switch {
	case t.Name != "" && t.Uuid != "":
		return fmt.Sprintf("'%s' %s", t.Name, t.Uuid)
	case t.Name != "":
		return fmt.Sprintf("'%s'", t.Name)
	case t.Uuid != "":
		return string(t.Uuid)
	}
	return "without a name or Uuid"
}

// ProfileTemplates returns copies of every profile template, by Name in any
// case (as SQL Server's default collation sorts) and then Uuid.
func (s *Server) ProfileTemplates() []ProfileTemplate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sortedTemplatesLocked()
}

func (s *Server) sortedTemplatesLocked() []ProfileTemplate {
	out := make([]ProfileTemplate, 0, len(s.templates))
	for _, t := range s.templates {
		out = append(out, cloneTemplate(t))
	}
	slices.SortFunc(out, func(a, b ProfileTemplate) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Uuid, b.Uuid))
	})
	return out
}

// ProfileTemplate returns a copy of the profile template with that Uuid, in any letter case.
func (s *Server) ProfileTemplate(id mimcm.GUID) (ProfileTemplate, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.templates[requestKey(id)]
	if !ok {
		return ProfileTemplate{}, false
	}
	return cloneTemplate(t), true
}

// DeleteProfileTemplate forgets a profile template; false when there was none.
func (s *Server) DeleteProfileTemplate(id mimcm.GUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := requestKey(id)
	if _, ok := s.templates[key]; !ok {
		return false
	}
	delete(s.templates, key)
	return true
}

// policyForLocked finds the workflow policy a stored request was created under.
func (s *Server) policyForLocked(req mimcm.Request) (WorkflowPolicy, bool) {
	t, ok := s.templates[requestKey(req.ProfileTemplateUuid)]
	if !ok || req.ProfileTemplateUuid == "" {
		return WorkflowPolicy{}, false
	}
	rt, ok := RequestTypeForNumber(req.RequestType)
	if !ok {
		return WorkflowPolicy{}, false
	}
	p, ok := t.Policies[rt]
	return p, ok
}

// approvalsNeededLocked is how many approvals a Pending request needs: its
// policy's ApprovalsNeeded, and at least one.
func (s *Server) approvalsNeededLocked(req mimcm.Request) int {
	if p, ok := s.policyForLocked(req); ok {
		return max(p.ApprovalsNeeded, 1)
	}
	return 1
}

// Approve gives a Pending request one approval, as an approver in the CM portal would (the REST
// API has no route for it). The request becomes Approved when its approvals reach its workflow
// policy's ApprovalsNeeded, or at the first without a policy. It returns the request as it now is;
// the error wraps ErrUnknownRequest or ErrNotPending.
func (s *Server) Approve(id mimcm.GUID) (mimcm.Request, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, req, err := s.pendingLocked(id)
	if err != nil {
		return mimcm.Request{}, err
	}
	s.approvals[key]++
	if s.approvals[key] >= s.approvalsNeededLocked(req) {
		delete(s.approvals, key)
		req.Status = mimcm.StatusApproved
		s.requests[key] = req
	}
	return cloneRequest(req), nil
}

// Deny denies a Pending request, as an approver in the CM portal would: it becomes Denied, a
// terminal status. It returns the request as it now is; the error wraps ErrUnknownRequest or
// ErrNotPending.
func (s *Server) Deny(id mimcm.GUID) (mimcm.Request, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, req, err := s.pendingLocked(id)
	if err != nil {
		return mimcm.Request{}, err
	}
	delete(s.approvals, key)
	req.Status = mimcm.StatusDenied
	req.Completed = mimcm.NewTimestamp(s.now())
	s.requests[key] = req
	return cloneRequest(req), nil
}

// Approvals returns how many approvals a Pending request has had, and how many it needs.
func (s *Server) Approvals(id mimcm.GUID) (given, needed int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, req, err := s.pendingLocked(id)
	if err != nil {
		return 0, 0, err
	}
	return s.approvals[key], s.approvalsNeededLocked(req), nil
}

func (s *Server) pendingLocked(id mimcm.GUID) (string, mimcm.Request, error) {
	key := requestKey(id)
	req, ok := s.requests[key]
	if !ok {
		return "", mimcm.Request{}, fmt.Errorf("%w %s", ErrUnknownRequest, id)
	}
	if req.Status != mimcm.StatusPending {
		return "", mimcm.Request{}, fmt.Errorf("request %s is %s (status %d), not Pending: %w", req.Uuid, req.Status, int(req.Status), ErrNotPending)
	}
	return key, req, nil
}

// forgetApprovalsLocked drops the approvals of a request that is no longer Pending.
func (s *Server) forgetApprovalsLocked(key string, req mimcm.Request) {
	if req.Status != mimcm.StatusPending {
		delete(s.approvals, key)
	}
}
