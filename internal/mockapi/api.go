package mockapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

const maxBodyBytes = 1 << 20

type apiRoute struct {
	kind   routeKind
	idText string     // the request's {id} segment as sent
	id     mimcm.GUID // the request's {id} segment parsed, "" when it is not a GUID

	templateText string     // the profile template's {id} segment as sent
	template     mimcm.GUID // ... parsed, "" when it is not a GUID
	policyText   string     // the {type} or {policyId} segment of a policy route
}

type routeKind int

const (
	routeUnknown    routeKind = iota
	routeCollection           // /requests
	routeItem                 // /requests/{id}
	routeTemplates            // /profiletemplates
	routeTemplate             // /profiletemplates/{id}
	routePolicies             // /profiletemplates/{id}/policies/{type or policyId}
	routeWorkflow             // /profiletemplates/{id}/policy/workflow/{type}
)

// parseAPIRoute matches in any case, with one trailing slash, as IIS does.
func parseAPIRoute(rest string) apiRoute {
	rest = strings.TrimPrefix(strings.TrimSuffix(rest, "/"), "/")
	segs := strings.Split(rest, "/")
	for _, seg := range segs[1:] {
		if seg == "" {
			return apiRoute{}
		}
	}
	switch {
	case strings.EqualFold(segs[0], "requests"):
		switch len(segs) {
		case 1:
			return apiRoute{kind: routeCollection}
		case 2:
			id, _ := parseRouteGUID(segs[1])
			return apiRoute{kind: routeItem, idText: segs[1], id: id}
		}
	case strings.EqualFold(segs[0], "profiletemplates"):
		if len(segs) == 1 {
			return apiRoute{kind: routeTemplates}
		}
		template, _ := parseRouteGUID(segs[1])
		r := apiRoute{templateText: segs[1], template: template}
		switch {
		case len(segs) == 2:
			r.kind = routeTemplate
		case len(segs) == 4 && strings.EqualFold(segs[2], "policies"):
			r.kind, r.policyText = routePolicies, segs[3]
		case len(segs) == 5 && strings.EqualFold(segs[2], "policy") && strings.EqualFold(segs[3], "workflow"):
			r.kind, r.policyText = routeWorkflow, segs[4]
		default:
			return apiRoute{}
		}
		return r
	}
	return apiRoute{}
}

// serveAPI answers and logs an API call. Latency comes first, as a slow
// network slows errors too; chaos and faults before authentication, as a
// proxy answers without it (and a test can inject a 401 to any client);
// authentication before the route, as on IIS, so that a stranger learns
// nothing about routes or requests.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, rest string) {
	route := parseAPIRoute(rest)
	call := Call{
		Method:    r.Method,
		Path:      r.URL.Path,
		Query:     r.URL.RawQuery,
		RequestID: route.id,
		Time:      s.now(),
	}
	bufferBody(r)
	chaos := s.drawChaos()
	if !s.delay(r.Context(), chaos.latency) {
		s.record(call) // the caller went away: no answer, status 0
		return
	}
	if chaos.kind != chaosNone && s.serveChaos(w, r, route, call, chaos) {
		return
	}
	o := s.answerAPI(r, route)
	if o.about != "" {
		call.RequestID = o.about
	}
	if !o.lost && r.Method == http.MethodPut && o.status/100 == 2 && s.drawLostPUT() {
		call.Chaos = chaosNames[chaosLostPUT]
		o.lost = true
	}
	if o.lost {
		s.record(call) // status 0: no answer
		loseAnswer(w, o.answer)
		return
	}
	call.Status = o.status
	// Logged first: a client holding its answer always finds the call.
	s.record(call)
	o.write(w)
}

// outcome is an API call's answer, the request a POST created, and whether
// the call took effect but its answer is to be lost.
type outcome struct {
	answer
	about mimcm.GUID
	lost  bool
}

// serveChaos answers and logs a call with its fault; false for none.
func (s *Server) serveChaos(w http.ResponseWriter, r *http.Request, route apiRoute, call Call, p chaosPlan) bool {
	call.Chaos = chaosNames[p.kind]
	switch p.kind {
	case chaosStatus:
		a := s.chaosAnswer(p, r)
		call.Status = a.status
		s.record(call)
		a.write(w)
	case chaosHTML:
		call.Status = p.status
		s.record(call)
		writeHTMLPage(w, p)
	case chaosReset:
		s.record(call)
		resetConnection(w, answer{status: http.StatusOK, body: make([]byte, 1500)}, p.cut)
	case chaosTruncate:
		a := unavailable()
		if r.Method == http.MethodGet {
			o := s.answerAPI(r, route)
			if o.about != "" {
				call.RequestID = o.about
			}
			a = o.answer
		}
		call.Status = a.status
		s.record(call)
		truncateAnswer(w, a, p.cut)
	default:
		return false
	}
	return true
}

// bufferBody reads r's body before the latency, for net/http notices a
// caller giving up, and ends the call's context, only once the body is read.
// It keeps one byte over maxBodyBytes so that readBody still refuses it.
func bufferBody(r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	var body io.Reader = bytes.NewReader(b)
	if err != nil {
		body = io.MultiReader(body, errReader{err})
	}
	r.Body = io.NopCloser(body)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// delay waits for the latency plus extra; false when ctx ends first.
func (s *Server) delay(ctx context.Context, extra time.Duration) bool {
	s.mu.Lock()
	d := s.settings.latency + extra
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// answerAPI answers an API call, and names the request a POST created. A
// fault answers in place of the server, before it, or after it carried the
// call out (Fault.AfterApply, Fault.DropAnswer).
func (s *Server) answerAPI(r *http.Request, route apiRoute) outcome {
	f, faulted := s.takeFault(r.Method, route.id)
	if faulted && !f.applies() {
		return outcome{answer: s.faultAnswer(f, r)}
	}
	var o outcome
	o.answer, o.about = s.serve(r, route)
	if faulted {
		o.answer, o.lost = s.faultAnswer(f, r), f.DropAnswer
	}
	return o
}

// serve is the server behind any fault: IIS's client certificate check and
// authentication, then the route.
func (s *Server) serve(r *http.Request, route apiRoute) (answer, mimcm.GUID) {
	if s.opts.RequireClientCert && (r.TLS == nil || len(r.TLS.VerifiedChains) == 0) {
		return messageAnswer(http.StatusForbidden, "HTTP Error 403.7 - Forbidden: the page requires a client certificate."), ""
	}
	ok, authHeaders := s.authenticate(r)
	if !ok {
		return unauthorized(authHeaders), ""
	}
	a, about := s.route(r, route)
	for _, h := range authHeaders {
		a = a.withHeader("WWW-Authenticate", h)
	}
	return a, about
}

func (s *Server) route(r *http.Request, route apiRoute) (answer, mimcm.GUID) {
	switch route.kind {
	case routeCollection:
		switch r.Method {
		case http.MethodGet:
			return s.listRequests(r), ""
		case http.MethodPost:
			return s.createRequest(r)
		}
		return methodNotAllowed(r.Method, "GET, POST"), ""
	case routeItem:
		switch r.Method {
		case http.MethodGet:
			return s.getRequest(route), ""
		case http.MethodPut:
			return s.putStatus(r, route), ""
		}
		return methodNotAllowed(r.Method, "GET, PUT"), ""
	case routeTemplates, routeTemplate, routePolicies, routeWorkflow:
		return s.serveTemplates(r, route), ""
	}
	return notFound(r), ""
}

// notFound is ASP.NET Web API's answer to a URI no route matches.
func notFound(r *http.Request) answer {
	return messageAnswer(http.StatusNotFound,
		fmt.Sprintf("No HTTP resource was found that matches the request URI '%s'.", requestURI(r)))
}

// requestURI is the absolute URI of r, as ASP.NET reports it.
func requestURI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.RequestURI()
}

// methodNotAllowed is ASP.NET Web API's answer to a method a route lacks.
func methodNotAllowed(method, allow string) answer {
	a := messageAnswer(http.StatusMethodNotAllowed,
		fmt.Sprintf("The requested resource does not support http method '%s'.", method))
	return a.withHeader("Allow", allow)
}

func (s *Server) getRequest(route apiRoute) answer {
	if route.id == "" {
		return serverError(fmt.Sprintf("The request is invalid: '%s' is not a valid GUID for parameter 'id'", route.idText))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := requestKey(route.id)
	req, ok := s.requests[key]
	if !ok {
		return noContent()
	}
	a := jsonAnswer(http.StatusOK, wireForm(req))
	s.countExecutingPollLocked(key, req)
	return a
}

// countExecutingPollLocked completes an Executing request after its last poll.
func (s *Server) countExecutingPollLocked(key string, req mimcm.Request) {
	left, ok := s.executing[key]
	if !ok {
		return
	}
	if req.Status != mimcm.StatusExecuting { // changed behind the mock's back
		delete(s.executing, key)
		return
	}
	if left--; left > 0 {
		s.executing[key] = left
		return
	}
	delete(s.executing, key)
	req.Status = mimcm.StatusCompleted
	s.finishLocked(&req)
	s.requests[key] = req
}

// finishLocked records a request's move to a final status. A completed
// enrollment has created what it was for: a profile, and a smart card when
// the request is for one, unless it already names them.
func (s *Server) finishLocked(req *mimcm.Request) {
	req.Completed = mimcm.NewTimestamp(s.now())
	enroll, _ := mimcm.RequestTypeEnroll.Number()
	if req.Status != mimcm.StatusCompleted || req.RequestType != enroll || !req.NewProfileUuid.IsZero() {
		return
	}
	req.NewProfileUuid = newGUID()
	if req.IsSmartcard && req.NewSmartcardUuid.IsZero() {
		req.NewSmartcardUuid = newGUID()
	}
}

// listRequests answers GET /requests; ASP.NET binds query names in any case.
func (s *Server) listRequests(r *http.Request) answer {
	var (
		statusName, targetUser      string
		filterStatus, filterCurrent bool
		status                      mimcm.Status
	)
	for k, vs := range r.URL.Query() {
		switch {
		case strings.EqualFold(k, "status"):
			statusName = vs[0]
		case strings.EqualFold(k, "targetuser"):
			targetUser = vs[0]
		}
	}
	if statusName != "" {
		st, ok := mimcm.ParseStatusName(statusName)
		if !ok {
			return serverError(fmt.Sprintf("'%s' is not a request status; status supports %s",
				statusName, strings.Join(mimcm.StatusNames(), ", ")))
		}
		status, filterStatus = st, true
	}
	if targetUser != "" {
		if !strings.EqualFold(targetUser, "current") {
			return serverError("targetuser supports only 'current'")
		}
		filterCurrent = true
	}
	s.mu.Lock()
	list := s.sortedLocked(func(req mimcm.Request) bool {
		if filterStatus && req.Status != status {
			return false
		}
		return !filterCurrent || requestKey(req.TargetUserUuid) == string(s.opts.CurrentUser)
	})
	s.mu.Unlock()
	if len(list) == 0 {
		return noContent()
	}
	return jsonAnswer(http.StatusOK, wireForms(list))
}

// checkJSONObject says, in a server's words, why body is not a JSON object.
func checkJSONObject(body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("The request body is not valid JSON (%v)", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("The request body is not a JSON object")
	}
	return nil
}

func readBody(r *http.Request) ([]byte, error) {
	return readBodyUpTo(r, maxBodyBytes)
}

func readBodyUpTo(r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("The request body could not be read: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("The request body is larger than %d bytes", limit)
	}
	return b, nil
}

func (s *Server) putStatus(r *http.Request, route apiRoute) answer {
	if route.id == "" {
		return serverError(fmt.Sprintf("The request is invalid: '%s' is not a valid GUID for parameter 'id'", route.idText))
	}
	// ASP.NET binds the body before the action runs, so it is checked first.
	desired, err := decodeStatusBody(r)
	if err != nil {
		return serverError(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := requestKey(route.id)
	req, ok := s.requests[key]
	if !ok {
		return serverError(fmt.Sprintf("Request %s was not found", route.id))
	}
	next, err := transition(route.id, req.Status, desired)
	if err != nil {
		return serverError(err.Error())
	}
	delete(s.executing, key)
	delete(s.approvals, key)
	if next == mimcm.StatusCompleted && req.Status == mimcm.StatusApproved && s.settings.executingPolls > 0 {
		next = mimcm.StatusExecuting
		s.executing[key] = s.settings.executingPolls
	}
	req.Status = next
	if next.IsTerminal() {
		s.finishLocked(&req)
	}
	s.requests[key] = req
	if s.settings.putNoContent {
		return noContent()
	}
	return jsonAnswer(http.StatusOK, wireForm(req))
}

// decodeStatusBody reads {"status": NAME}, in any letter case.
func decodeStatusBody(r *http.Request) (mimcm.DesiredStatus, error) {
	body, err := readBody(r)
	if err != nil {
		return "", err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return "", fmt.Errorf(`The request body is empty; want {"status":"Completed"}, "Canceled" or "Abandoned"`)
	}
	if err := checkJSONObject(body); err != nil {
		return "", fmt.Errorf(`%v; want {"status":"Completed"}, "Canceled" or "Abandoned"`, err)
	}
	var in struct {
		Status json.RawMessage `json:"status"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return "", fmt.Errorf("The request body is not a JSON object: %v", err)
	}
	if len(in.Status) == 0 || string(in.Status) == "null" {
		return "", fmt.Errorf(`The request body has no status; want {"status":"Completed"}, "Canceled" or "Abandoned"`)
	}
	var name string
	if err := json.Unmarshal(in.Status, &name); err != nil {
		return "", fmt.Errorf("The status %s is not a string; want Completed, Canceled or Abandoned", in.Status)
	}
	desired, ok := mimcm.ParseDesiredStatus(name)
	if !ok {
		return "", fmt.Errorf("'%s' is not a status a request can be set to; want %s",
			name, strings.Join(mimcm.DesiredStatusNames(), ", "))
	}
	return desired, nil
}
