package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// Bounds of the admin input: a value beyond them could never take effect in
// a test run, so it is refused rather than silently useless.
const (
	// MaxSeedBytes bounds a seed body.
	MaxSeedBytes = 64 << 20
	// MaxLatency bounds the latency setting.
	MaxLatency = 10 * time.Minute
	// MaxExecutingPolls bounds the executing_polls setting.
	MaxExecutingPolls = 1_000_000
)

type adminCall struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Query     string `json:"query"`
	RequestID string `json:"request_id"`
	Status    int    `json:"status"`
	Chaos     string `json:"chaos,omitempty"`
	Time      string `json:"time"`
}

type adminFault struct {
	Status     int    `json:"status"`
	Count      int    `json:"count"`
	RetryAfter string `json:"retry_after,omitempty"`
	Method     string `json:"method,omitempty"`
	RequestID  string `json:"request_id,omitempty"`
	Message    string `json:"message,omitempty"`
	AfterApply bool   `json:"after_apply,omitempty"`
	DropAnswer bool   `json:"drop_answer,omitempty"`
}

type adminSettings struct {
	LatencyMS       int64  `json:"latency_ms"`
	PutNoContent    bool   `json:"put_no_content"`
	ExecutingPolls  int    `json:"executing_polls"`
	PendingOnCreate bool   `json:"pending_on_create"`
	PolicyRoutes    string `json:"policy_routes"`
}

func badRequest(format string, args ...any) answer {
	return messageAnswer(http.StatusBadRequest, fmt.Sprintf(format, args...))
}

func adminNotFound(format string, args ...any) answer {
	return messageAnswer(http.StatusNotFound, fmt.Sprintf(format, args...))
}

func adminMethodNotAllowed(method, allow string) answer {
	return messageAnswer(http.StatusMethodNotAllowed,
		fmt.Sprintf("%s is not supported here; use %s", method, allow)).withHeader("Allow", allow)
}

// serveAdmin answers an admin call; rest is the path after /_mock.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request, rest string) {
	s.answerAdmin(r, rest).write(w)
}

func (s *Server) answerAdmin(r *http.Request, rest string) answer {
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	name := strings.ToLower(segs[0])
	switch {
	case name == "health" && len(segs) == 1:
		if r.Method != http.MethodGet {
			return adminMethodNotAllowed(r.Method, "GET")
		}
		return jsonAnswer(http.StatusOK, map[string]string{"status": "ok"})
	case name == "requests" && len(segs) == 1:
		return s.adminRequests(r)
	case name == "requests" && len(segs) == 2:
		return s.adminRequest(r, segs[1])
	case name == "requests" && len(segs) == 3 && (strings.EqualFold(segs[2], "approve") || strings.EqualFold(segs[2], "deny")):
		return s.adminDecide(r, segs[1], strings.ToLower(segs[2]))
	case name == "profiletemplates" && len(segs) == 1:
		return s.adminTemplates(r)
	case name == "profiletemplates" && len(segs) == 2:
		return s.adminTemplate(r, segs[1])
	case name == "calls" && len(segs) == 1:
		return s.adminCalls(r)
	case name == "faults" && len(segs) == 1:
		return s.adminFaults(r)
	case name == "settings" && len(segs) == 1:
		return s.adminSettings(r)
	case name == "chaos" && len(segs) == 1:
		return s.adminChaos(r)
	case name == "reset" && len(segs) == 1:
		if r.Method != http.MethodPost {
			return adminMethodNotAllowed(r.Method, "POST")
		}
		s.Reset()
		return noContent()
	}
	return adminNotFound("%s is not an admin route; the admin routes are listed in the README of terraform-provider-mimcm, under The mock API", r.URL.Path)
}

func (s *Server) adminRequests(r *http.Request) answer {
	switch r.Method {
	case http.MethodGet:
		return jsonAnswer(http.StatusOK, wireForms(s.Requests()))
	case http.MethodPost:
		body, err := readBodyUpTo(r, MaxSeedBytes)
		if err != nil {
			return badRequest("Cannot seed: %v", err)
		}
		reqs, isArray, err := decodeWireRequests(body)
		if err != nil {
			return badRequest("Cannot seed: %v", err)
		}
		stored := wireForms(s.seed(reqs))
		if !isArray {
			return jsonAnswer(http.StatusCreated, stored[0])
		}
		return jsonAnswer(http.StatusCreated, stored)
	}
	return adminMethodNotAllowed(r.Method, "GET, POST")
}

func (s *Server) adminRequest(r *http.Request, idText string) answer {
	id, err := parseRouteGUID(idText)
	if err != nil {
		return badRequest("%v", err)
	}
	switch r.Method {
	case http.MethodGet:
		req, ok := s.Request(id)
		if !ok {
			return adminNotFound("The mock holds no request %s", id)
		}
		return jsonAnswer(http.StatusOK, wireForm(req))
	case http.MethodPatch:
		body, err := readBody(r)
		if err != nil {
			return badRequest("%v", err)
		}
		return s.patchRequest(id, body)
	case http.MethodDelete:
		if !s.Delete(id) {
			return adminNotFound("The mock holds no request %s", id)
		}
		return noContent()
	}
	return adminMethodNotAllowed(r.Method, "GET, PATCH, DELETE")
}

// patchRequest overwrites the fields a partial wire-form object names.
func (s *Server) patchRequest(id mimcm.GUID, body []byte) answer {
	members, err := decodeRequestObject(body)
	if err != nil {
		return badRequest("Cannot patch request %s: %v", id, err)
	}
	if raw, ok := members["Uuid"]; ok {
		var got mimcm.GUID
		if err := json.Unmarshal(raw, &got); err != nil || requestKey(got) != requestKey(id) {
			return badRequest("Cannot patch request %s: its Uuid cannot change (got %s)", id, raw)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := requestKey(id)
	current, ok := s.requests[key]
	if !ok {
		return adminNotFound("The mock holds no request %s", id)
	}
	patched := requestFields(cloneRequest(current))
	if _, ok := members["DataCollection"]; ok {
		patched.DataCollection = nil // replace the list, do not merge into it
	}
	if err := json.Unmarshal(body, &patched); err != nil {
		return badRequest("Cannot patch request %s: %v", id, err)
	}
	next := storedForm(mimcm.Request(patched))
	next.Uuid = current.Uuid
	s.requests[key] = next
	s.forgetApprovalsLocked(key, next)
	return jsonAnswer(http.StatusOK, wireForm(next))
}

// adminDecide approves or denies a Pending request, as an approver in the CM
// portal would, and answers with the request as it now is.
func (s *Server) adminDecide(r *http.Request, idText, decision string) answer {
	if r.Method != http.MethodPost {
		return adminMethodNotAllowed(r.Method, "POST")
	}
	id, err := parseRouteGUID(idText)
	if err != nil {
		return badRequest("%v", err)
	}
	decide := s.Approve
	if decision == "deny" {
		decide = s.Deny
	}
	req, err := decide(id)
	switch {
	case errors.Is(err, ErrUnknownRequest):
		return adminNotFound("The mock holds no request %s", id)
	case err != nil:
		return messageAnswer(http.StatusConflict, fmt.Sprintf("Cannot %s: %v", decision, err))
	}
	return jsonAnswer(http.StatusOK, wireForm(req))
}

func (s *Server) adminTemplates(r *http.Request) answer {
	switch r.Method {
	case http.MethodGet:
		return jsonAnswer(http.StatusOK, templateWiresOf(s.ProfileTemplates()))
	case http.MethodPost, http.MethodPut:
		body, err := readBodyUpTo(r, MaxSeedBytes)
		if err != nil {
			return badRequest("Cannot seed profile templates: %v", err)
		}
		templates, isArray, err := decodeTemplates(body)
		if err == nil && r.Method == http.MethodPut && !isArray {
			err = errors.New("PUT replaces every profile template: want a JSON array of them ([] for none)")
		}
		if err != nil {
			return badRequest("Cannot seed profile templates: %v", err)
		}
		stored, err := s.seedTemplates(templates, r.Method == http.MethodPut)
		if err != nil {
			return badRequest("Cannot seed profile templates: %v", err)
		}
		switch {
		case r.Method == http.MethodPut:
			return jsonAnswer(http.StatusOK, templateWiresOf(s.ProfileTemplates()))
		case !isArray:
			return jsonAnswer(http.StatusCreated, templateWireOf(stored[0]))
		}
		return jsonAnswer(http.StatusCreated, templateWiresOf(stored))
	case http.MethodDelete:
		_ = s.SetProfileTemplates() // none: never invalid
		return noContent()
	}
	return adminMethodNotAllowed(r.Method, "GET, POST, PUT, DELETE")
}

func (s *Server) adminTemplate(r *http.Request, idText string) answer {
	id, err := parseRouteGUID(idText)
	if err != nil {
		return badRequest("%v", err)
	}
	switch r.Method {
	case http.MethodGet:
		t, ok := s.ProfileTemplate(id)
		if !ok {
			return adminNotFound("The mock holds no profile template %s", id)
		}
		return jsonAnswer(http.StatusOK, templateWireOf(t))
	case http.MethodDelete:
		if !s.DeleteProfileTemplate(id) {
			return adminNotFound("The mock holds no profile template %s", id)
		}
		return noContent()
	}
	return adminMethodNotAllowed(r.Method, "GET, DELETE")
}

func (s *Server) adminCalls(r *http.Request) answer {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock() // calls and counts from one moment
		calls := append([]Call(nil), s.calls...)
		connections := s.connections
		s.mu.Unlock()
		out := struct {
			Calls       []adminCall    `json:"calls"`
			Counts      map[string]int `json:"counts"`
			Connections int            `json:"connections"`
			Handshakes  int            `json:"handshakes"`
		}{Calls: make([]adminCall, 0, len(calls)), Counts: countCalls(calls), Connections: connections, Handshakes: s.Handshakes()}
		for _, c := range calls {
			out.Calls = append(out.Calls, adminCall{
				Method:    c.Method,
				Path:      c.Path,
				Query:     c.Query,
				RequestID: string(c.RequestID),
				Status:    c.Status,
				Chaos:     c.Chaos,
				Time:      c.Time.UTC().Format(time.RFC3339Nano),
			})
		}
		return jsonAnswer(http.StatusOK, out)
	case http.MethodDelete:
		s.ResetCalls()
		return noContent()
	}
	return adminMethodNotAllowed(r.Method, "GET, DELETE")
}

func (s *Server) adminFaults(r *http.Request) answer {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		faults := s.faultsLocked()
		s.mu.Unlock()
		out := make([]adminFault, 0, len(faults))
		for _, f := range faults {
			out = append(out, toAdminFault(f))
		}
		return jsonAnswer(http.StatusOK, out)
	case http.MethodPost:
		f, err := decodeFault(r)
		if err != nil {
			return badRequest("Cannot add the fault: %v", err)
		}
		s.AddFault(f)
		return jsonAnswer(http.StatusCreated, toAdminFault(f))
	case http.MethodDelete:
		s.ClearFaults()
		return noContent()
	}
	return adminMethodNotAllowed(r.Method, "GET, POST, DELETE")
}

func toAdminFault(f Fault) adminFault {
	return adminFault{
		Status:     f.Status,
		Count:      f.Count,
		RetryAfter: f.RetryAfter,
		Method:     f.Method,
		RequestID:  string(f.RequestID),
		Message:    f.Message,
		AfterApply: f.AfterApply,
		DropAnswer: f.DropAnswer,
	}
}

// decodeStrict decodes one JSON object into v, refusing unknown keys.
func decodeStrict(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeStrictBytes(body, v)
}

// decodeStrictBytes decodes one JSON object into v, refusing unknown keys.
func decodeStrictBytes(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("want a JSON object: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("want one JSON object, got more")
	}
	return nil
}

func decodeFault(r *http.Request) (Fault, error) {
	var in adminFault
	if err := decodeStrict(r, &in); err != nil {
		return Fault{}, err
	}
	f := Fault{
		Status:     in.Status,
		Count:      in.Count,
		RetryAfter: in.RetryAfter,
		Method:     strings.ToUpper(in.Method),
		Message:    in.Message,
		AfterApply: in.AfterApply,
		DropAnswer: in.DropAnswer,
	}
	switch {
	case in.DropAnswer && in.Message != "":
		return Fault{}, fmt.Errorf("message: a dropped answer (drop_answer) carries no message; drop one of them")
	case in.DropAnswer && in.RetryAfter != "":
		return Fault{}, fmt.Errorf("retry_after: a dropped answer (drop_answer) carries no header; drop one of them")
	case in.DropAnswer && in.Status == 0:
		// no answer, so no status to check
	case in.Status < 200 || in.Status > 599:
		return Fault{}, fmt.Errorf("status %d: want an HTTP status from 200 to 599", in.Status)
	case in.Count < 0:
		return Fault{}, fmt.Errorf("count %d: want 0 (until cleared) or more", in.Count)
	case in.RetryAfter != "" && !validRetryAfter(in.RetryAfter):
		return Fault{}, fmt.Errorf("retry_after %q: want seconds (\"2\") or an HTTP date", in.RetryAfter)
	case in.Method != "" && !faultMethods[f.Method]:
		return Fault{}, fmt.Errorf("method %q is not an HTTP method the API can be called with; want one of %s, or none for every method",
			in.Method, strings.Join(slices.Sorted(maps.Keys(faultMethods)), ", "))
	case in.Message != "" && (in.Status == http.StatusNoContent || in.Status == http.StatusNotModified):
		return Fault{}, fmt.Errorf("message: a %d answer has no body to carry it; drop message or pick another status", in.Status)
	}
	if in.RequestID != "" {
		id, err := mimcm.ParseGUID(in.RequestID)
		if err != nil {
			return Fault{}, fmt.Errorf("request_id: %w", err)
		}
		f.RequestID = id
	}
	return f, nil
}

// faultMethods are those net/http serves: a fault for another never matches.
var faultMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

func validRetryAfter(v string) bool {
	if n, err := strconv.Atoi(v); err == nil {
		return n >= 0
	}
	_, err := http.ParseTime(v)
	return err == nil
}

func (s *Server) currentSettings() adminSettings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return adminSettings{
		LatencyMS:       s.settings.latency.Milliseconds(),
		PutNoContent:    s.settings.putNoContent,
		ExecutingPolls:  s.settings.executingPolls,
		PendingOnCreate: s.settings.pendingOnCreate,
		PolicyRoutes:    string(s.settings.policyRoutes),
	}
}

func (s *Server) adminSettings(r *http.Request) answer {
	switch r.Method {
	case http.MethodGet:
		return jsonAnswer(http.StatusOK, s.currentSettings())
	case http.MethodPut:
		var in struct {
			LatencyMS       *int64  `json:"latency_ms"`
			PutNoContent    *bool   `json:"put_no_content"`
			ExecutingPolls  *int    `json:"executing_polls"`
			PendingOnCreate *bool   `json:"pending_on_create"`
			PolicyRoutes    *string `json:"policy_routes"`
		}
		if err := decodeStrict(r, &in); err != nil {
			return badRequest("Cannot change the settings: %v", err)
		}
		var routes PolicyRoutes
		if in.PolicyRoutes != nil {
			var err error
			if routes, err = ParsePolicyRoutes(*in.PolicyRoutes); err != nil || *in.PolicyRoutes == "" {
				return badRequest("Cannot change the settings: policy_routes %q: want %s", *in.PolicyRoutes, strings.Join(PolicyRouteNames(), ", "))
			}
		}
		if in.LatencyMS != nil && (*in.LatencyMS < 0 || *in.LatencyMS > MaxLatency.Milliseconds()) {
			return badRequest("Cannot change the settings: latency_ms %d: want 0 to %d (%s)", *in.LatencyMS, MaxLatency.Milliseconds(), MaxLatency)
		}
		if in.ExecutingPolls != nil && (*in.ExecutingPolls < 0 || *in.ExecutingPolls > MaxExecutingPolls) {
			return badRequest("Cannot change the settings: executing_polls %d: want 0 to %d", *in.ExecutingPolls, MaxExecutingPolls)
		}
		if in.LatencyMS != nil {
			s.SetLatency(time.Duration(*in.LatencyMS) * time.Millisecond)
		}
		if in.PutNoContent != nil {
			s.SetPutNoContent(*in.PutNoContent)
		}
		if in.ExecutingPolls != nil {
			s.SetExecutingPolls(*in.ExecutingPolls)
		}
		if in.PendingOnCreate != nil {
			s.SetPendingOnCreate(*in.PendingOnCreate)
		}
		if in.PolicyRoutes != nil {
			s.SetPolicyRoutes(routes) //nolint:errcheck // parsed above
		}
		return jsonAnswer(http.StatusOK, s.currentSettings())
	}
	return adminMethodNotAllowed(r.Method, "GET, PUT")
}
