package mockapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

const maxBodyBytes = 1 << 20

type apiRoute struct {
	kind   routeKind
	idText string     // the {id} segment as sent
	id     mimcm.GUID // the {id} segment parsed, "" when it is not a GUID
}

type routeKind int

const (
	routeUnknown    routeKind = iota
	routeCollection           // /requests
	routeItem                 // /requests/{id}
)

// parseAPIRoute matches in any case, with one trailing slash, as IIS does.
func parseAPIRoute(rest string) apiRoute {
	rest = strings.TrimPrefix(strings.TrimSuffix(rest, "/"), "/")
	segs := strings.Split(rest, "/")
	if !strings.EqualFold(segs[0], "requests") {
		return apiRoute{}
	}
	switch {
	case len(segs) == 1:
		return apiRoute{kind: routeCollection}
	case len(segs) == 2 && segs[1] != "":
		id, _ := parseRouteGUID(segs[1])
		return apiRoute{kind: routeItem, idText: segs[1], id: id}
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
	a, about := s.answerAPI(r, route)
	if about != "" {
		call.RequestID = about
	}
	if r.Method == http.MethodPut && a.status/100 == 2 && s.drawLostPUT() {
		call.Chaos = chaosNames[chaosLostPUT]
		s.record(call)
		resetConnection(w, a, 0.5)
		return
	}
	call.Status = a.status
	// Logged first: a client holding its answer always finds the call.
	s.record(call)
	a.write(w)
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
			var about mimcm.GUID
			if a, about = s.answerAPI(r, route); about != "" {
				call.RequestID = about
			}
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

// answerAPI answers an API call, and names the request a POST created.
func (s *Server) answerAPI(r *http.Request, route apiRoute) (answer, mimcm.GUID) {
	if f, ok := s.takeFault(r.Method, route.id); ok {
		return s.faultAnswer(f, r), ""
	}
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
	req.Completed = mimcm.NewTimestamp(s.now())
	s.requests[key] = req
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
	if next == mimcm.StatusCompleted && req.Status == mimcm.StatusApproved && s.settings.executingPolls > 0 {
		next = mimcm.StatusExecuting
		s.executing[key] = s.settings.executingPolls
	}
	req.Status = next
	if next.IsTerminal() {
		req.Completed = mimcm.NewTimestamp(s.now())
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

// createBody is POST's body; its keys match in any case, as in ASP.NET.
type createBody struct {
	ProfileTemplateUuid *string         `json:"profiletemplateuuid"`
	DataCollection      json.RawMessage `json:"datacollection"`
	Target              *string         `json:"target"`
	Type                json.RawMessage `json:"type"`
	Comment             *string         `json:"comment"`
	Priority            *int            `json:"priority"`
}

// createRequest answers 201 with the new request's relative URI and Location.
func (s *Server) createRequest(r *http.Request) (answer, mimcm.GUID) {
	body, err := readBody(r)
	if err != nil {
		return serverError(err.Error()), ""
	}
	req, err := s.newRequestFrom(body)
	if err != nil {
		return serverError(err.Error()), ""
	}
	s.mu.Lock()
	s.requests[requestKey(req.Uuid)] = req
	s.mu.Unlock()

	a := jsonAnswer(http.StatusCreated, s.relativeURI(req.Uuid))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	a = a.withHeader("Location", scheme+"://"+r.Host+s.basePath+"/requests/"+string(req.Uuid))
	return a, req.Uuid
}

// relativeURI is the URI the create route answers: the base path without
// its first segment (the IIS application), as in "api/v1.0/requests/<id>".
func (s *Server) relativeURI(id mimcm.GUID) string {
	p := strings.TrimPrefix(s.basePath, "/")
	if _, after, ok := strings.Cut(p, "/"); ok {
		p = after
	}
	if p == "" {
		return "requests/" + string(id)
	}
	return p + "/requests/" + string(id)
}

// createdSDDL is owned by a plausible CM user and readable by everyone.
const createdSDDL = "O:S-1-5-21-2127521184-1604012920-1887927527-14134865D:(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;S-1-5-21-2127521184-1604012920-1887927527-14134865)"

func (s *Server) newRequestFrom(body []byte) (mimcm.Request, error) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return mimcm.Request{}, fmt.Errorf("The request body is empty; want profiletemplateuuid, datacollection, type and comment")
	}
	if err := checkJSONObject(body); err != nil {
		return mimcm.Request{}, err
	}
	var in createBody
	if err := json.Unmarshal(body, &in); err != nil {
		return mimcm.Request{}, fmt.Errorf("The request body is not a valid request: %v", err)
	}
	if in.ProfileTemplateUuid == nil {
		return mimcm.Request{}, fmt.Errorf("profiletemplateuuid is required")
	}
	template, err := mimcm.ParseGUID(*in.ProfileTemplateUuid)
	if err != nil {
		return mimcm.Request{}, fmt.Errorf("profiletemplateuuid: %v", err)
	}
	if template == mimcm.ZeroGUID {
		return mimcm.Request{}, fmt.Errorf("profiletemplateuuid is the all-zero GUID, which names no profile template")
	}
	items, err := decodeDataCollection(in.DataCollection)
	if err != nil {
		return mimcm.Request{}, err
	}
	reqType, err := decodeRequestType(in.Type)
	if err != nil {
		return mimcm.Request{}, err
	}
	if in.Comment == nil {
		return mimcm.Request{}, fmt.Errorf(`comment is required (it may be "")`)
	}
	target := s.opts.CurrentUser
	if in.Target != nil && *in.Target != "" && *in.Target != mimcm.ZeroGUID {
		if target, err = mimcm.ParseGUID(*in.Target); err != nil {
			return mimcm.Request{}, fmt.Errorf("target: %v", err)
		}
	}
	s.mu.Lock()
	status := mimcm.StatusApproved
	if s.settings.pendingOnCreate {
		status = mimcm.StatusPending
	}
	s.mu.Unlock()
	req := mimcm.Request{
		Uuid:                     newGUID(),
		RequestType:              reqType,
		Status:                   status,
		DataCollection:           items,
		OriginatorUserUuid:       s.opts.CurrentUser,
		TargetUserUuid:           target,
		Submitted:                mimcm.NewTimestamp(s.now()),
		Comment:                  *in.Comment,
		ProfileTemplateUuid:      template,
		SecurityDescriptor:       createdSDDL,
		IsDataCollectionComplete: true,
	}
	if in.Priority != nil {
		req.Priority = *in.Priority
	}
	return req, nil
}

// decodeDataCollection reads an array of {"name","value"}, or a JSON string
// holding one ("[]"), as the documentation's own example sends it.
func decodeDataCollection(raw json.RawMessage) ([]mimcm.DataCollectionItem, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("datacollection is required (it may be [])")
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		raw = json.RawMessage(text)
	}
	var in []struct {
		Name  string  `json:"name"`
		Value *string `json:"value"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf(`datacollection: want an array of {"name":..., "value":...}: %v`, err)
	}
	items := make([]mimcm.DataCollectionItem, 0, len(in))
	for i, it := range in {
		if strings.TrimSpace(it.Name) == "" {
			return nil, fmt.Errorf("datacollection item %d of %d has no name; each item names a data item of the profile template", i+1, len(in))
		}
		items = append(items, mimcm.DataCollectionItem{Name: it.Name, Value: it.Value})
	}
	return items, nil
}

// knownRequestTypes are the types whose numbers the reference examples confirm.
var knownRequestTypes = map[string]int{"enroll": 1, "unblock": 5}

// documentedRequestTypes are the names documented, most without a known number.
var documentedRequestTypes = []string{
	"Enroll", "Duplicate", "OfflineUnblock", "OnlineUpdate", "Renew", "Recover",
	"RecoverOnBehalf", "Reinstate", "Retire", "Revoke", "TemporaryCards", "Unblock",
}

func decodeRequestType(raw json.RawMessage) (int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, fmt.Errorf("type is required")
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n, nil
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return 0, fmt.Errorf("type %s is neither a number nor a name", raw)
	}
	if n, err := strconv.Atoi(name); err == nil {
		return n, nil
	}
	if n, ok := knownRequestTypes[strings.ToLower(name)]; ok {
		return n, nil
	}
	for _, d := range documentedRequestTypes {
		if strings.EqualFold(d, name) {
			return 0, fmt.Errorf("the mock does not know the number of request type '%s'; send it as a number", name)
		}
	}
	return 0, fmt.Errorf("'%s' is not a request type; want one of %s", name, strings.Join(documentedRequestTypes, ", "))
}
