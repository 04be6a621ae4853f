package mimcm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// CreateRequestInput is what CreateRequest sends as the body of POST /requests.
type CreateRequestInput struct {
	// ProfileTemplate is the profile template's GUID (profiletemplateuuid); required.
	ProfileTemplate GUID
	// Type is the request type (type); required, one of RequestTypes in any case.
	Type RequestType
	// Target is the target user's GUID (target); zero means the caller, and target is not sent.
	Target GUID
	// DataCollection holds the data collection items by name (datacollection), sent in name order.
	DataCollection map[string]string
	// Comment is sent as it is, "" included (comment).
	Comment string
	// Priority, when set, is the request's priority (priority); the template's default otherwise.
	Priority *int
	// Smartcard, when set, is a smart card's GUID (smartcard), as the Unblock example sends it.
	Smartcard GUID
}

// CreatedRequest is the request CreateRequest created, or found after an attempt of unknown outcome.
type CreatedRequest struct {
	// ID is the new request's GUID.
	ID GUID
	// Adopted says that the POST's outcome was unknown (its answer lost, a 500, 502 or 504) and ID
	// is the one request that matched it afterwards.
	Adopted bool
	// Attempts is how many times the POST was sent.
	Attempts int
}

// createClockSkew is how long before the POST began, by the client's clock, a request it created may
// say it was submitted: the server's clock may be behind. Five minutes is the clock skew Kerberos
// tolerates by default, which a domain where Windows Integrated Authentication works keeps to.
const createClockSkew = 5 * time.Minute

// createBody is the body of POST /requests, in the documented lower-case names. target, priority
// and smartcard are sent only when set; datacollection and comment always.
type createBody struct {
	ProfileTemplate GUID                `json:"profiletemplateuuid"`
	DataCollection  []map[string]string `json:"datacollection"`
	Type            RequestType         `json:"type"`
	Comment         string              `json:"comment"`
	Target          GUID                `json:"target,omitempty"`
	Priority        *int                `json:"priority,omitempty"`
	Smartcard       GUID                `json:"smartcard,omitempty"`
}

// CreateRequest creates a request with POST /requests and returns its GUID.
//
// POST is not idempotent and CM has no idempotency key, so a POST is sent again only when the server
// certainly did not act on it: nothing was sent, or it answered 429 or 503. After an attempt of unknown
// outcome, CreateRequest looks for the request among the caller's (or the target user's) requests
// submitted since the POST began (less createClockSkew) with the same profile template, comment,
// target and, when its number is confirmed, type: one match is adopted (CreatedRequest.Adopted), several
// give an *APIError of kind ErrAmbiguousCreate whose cause is an *AmbiguousCreateError, none an
// *APIError of kind ErrCreateOutcomeUnknown, as does a search that fails or could not be made.
//
// A 2xx answer that names no request GUID gives an *APIError of kind ErrUndecodable with that 2xx
// StatusCode: the server has most likely created a request, which the error says.
func (c *Client) CreateRequest(ctx context.Context, in CreateRequestInput) (*CreatedRequest, error) {
	in, err := in.checked()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(in.body())
	if err != nil {
		return nil, err
	}
	began := c.clock.Now()
	res, err := c.call(ctx, apiCall{
		method: http.MethodPost, path: "/requests", body: body,
		settle: func(ctx context.Context) settled { return c.settleCreate(ctx, in, began) },
	})
	if err != nil {
		return nil, createFailed(err)
	}
	defer res.release()
	if res.settled != nil {
		return &CreatedRequest{ID: res.settled.Uuid, Adopted: true, Attempts: res.attempts}, nil
	}
	id, err := createdRequestID(res.header, res.body)
	if err != nil {
		return nil, res.fail(ErrUndecodable, fmt.Errorf("%w. %s", err, createdButUnread(res.status)))
	}
	return &CreatedRequest{ID: id, Attempts: res.attempts}, nil
}

// checked returns in with its GUIDs and type in canonical form, or says what is wrong with it.
func (in CreateRequestInput) checked() (CreateRequestInput, error) {
	template, err := ParseGUID(string(in.ProfileTemplate))
	switch {
	case in.ProfileTemplate.IsZero():
		return in, errors.New("profile template: a profile template GUID is required")
	case err != nil:
		return in, fmt.Errorf("profile template: %w", err)
	case template == ZeroGUID:
		return in, errors.New("profile template: the all-zero GUID names no profile template")
	}
	in.ProfileTemplate = template
	t, ok := ParseRequestType(string(in.Type))
	if !ok {
		return in, fmt.Errorf("type: %s is not a request type; want one of %s", QuoteInput(string(in.Type)), strings.Join(RequestTypeNames(), ", "))
	}
	in.Type = t
	if in.Target, err = optionalGUID(in.Target); err != nil {
		return in, fmt.Errorf("target: %w", err)
	}
	if in.Smartcard, err = optionalGUID(in.Smartcard); err != nil {
		return in, fmt.Errorf("smartcard: %w", err)
	}
	for name := range in.DataCollection {
		if strings.TrimSpace(name) == "" {
			return in, errors.New("data collection: an item's name is empty")
		}
	}
	return in, nil
}

// optionalGUID checks a GUID that may be left out; the all-zero GUID leaves it out too.
func optionalGUID(g GUID) (GUID, error) {
	if g.IsZero() {
		return "", nil
	}
	parsed, err := ParseGUID(string(g))
	if err != nil {
		return "", err
	}
	return normalizeGUID(string(parsed)), nil
}

// body is the POST's body: the data collection as the plainest documented form, an array of
// one-key objects, in name order so that the same input always sends the same bytes.
func (in CreateRequestInput) body() createBody {
	names := make([]string, 0, len(in.DataCollection))
	for name := range in.DataCollection {
		names = append(names, name)
	}
	slices.Sort(names)
	items := make([]map[string]string, len(names))
	for i, name := range names {
		items[i] = map[string]string{name: in.DataCollection[name]}
	}
	return createBody{
		ProfileTemplate: in.ProfileTemplate, DataCollection: items, Type: in.Type, Comment: in.Comment,
		Target: in.Target, Priority: in.Priority, Smartcard: in.Smartcard,
	}
}

// matches reports whether r may be the request a POST of in created once the POST began at since
// (less the clock skew): same profile template, comment, target when one was given, and type when
// its number is confirmed. A request without a Submitted time is never taken for it, nor one in a
// final status: a request created a moment ago is still open, and a final one with the same
// arguments is an earlier request, denied or finished within the clock skew.
func (in CreateRequestInput) matches(r *Request, since time.Time) bool {
	if r.Uuid.IsZero() || r.Status.IsTerminal() || r.ProfileTemplateUuid != in.ProfileTemplate || r.Comment != in.Comment {
		return false
	}
	if !in.Target.IsZero() && r.TargetUserUuid != in.Target {
		return false
	}
	if n, ok := in.Type.Number(); ok && r.RequestType != n {
		return false
	}
	return !r.Submitted.IsZero() && !r.Submitted.Time().Before(since)
}

// settleCreate looks for the request a POST of unknown outcome may have created. It never asks for
// the POST to be sent again: a POST the server may have acted on, sent again, can create a second
// request.
func (c *Client) settleCreate(ctx context.Context, in CreateRequestInput, began time.Time) settled {
	since := began.Add(-createClockSkew)
	filter := ListFilter{Keep: func(r *Request) bool {
		if !in.matches(r, since) {
			return false
		}
		r.DataCollection, r.SecurityDescriptor = nil, "" // only its GUID and time are needed
		return true
	}}
	among := "the requests of target user " + string(in.Target)
	if in.Target.IsZero() {
		filter.TargetUser, among = "current", "the caller's requests"
	}
	what := fmt.Sprintf("profile template %s, type %s and the same comment", in.ProfileTemplate, in.Type)
	when := fmt.Sprintf("submitted since %s (when the POST began, less %s for clocks that differ)", since.UTC().Format(time.RFC3339), createClockSkew)
	found, err := c.ListRequests(ctx, filter)
	if err != nil {
		c.logger.Debug(ctx, "The POST's outcome is unknown and the requests could not be listed", nil)
		return settled{how: settleFailed, kind: ErrCreateOutcomeUnknown, cause: fmt.Errorf(
			"looking for a request of %s among %s %s failed: %w", what, among, when, nestedError{err})}
	}
	switch len(found) {
	case 0:
		return settled{how: settleFailed, kind: ErrCreateOutcomeUnknown, cause: fmt.Errorf(
			"no request of %s was found among %s %s", what, among, when)}
	case 1:
		c.logger.Debug(ctx, "The POST's outcome was unknown; adopting the one request that matches it", map[string]any{
			"request_id": string(found[0].Uuid),
		})
		return settled{how: settleDone, request: &found[0]}
	}
	slices.SortFunc(found, func(a, b Request) int {
		if c := a.Submitted.Time().Compare(b.Submitted.Time()); c != 0 {
			return c
		}
		return strings.Compare(string(a.Uuid), string(b.Uuid))
	})
	ids := make([]GUID, len(found))
	for i := range found {
		ids[i] = found[i].Uuid
	}
	return settled{how: settleFailed, kind: ErrAmbiguousCreate, cause: &AmbiguousCreateError{Candidates: ids}}
}

// createFailed gives a failed POST /requests what it means for the request: an attempt of unknown
// outcome that no search followed (the call's time ran out or it was interrupted first) leaves the
// request unknown, and a 2xx answer that could not be read means the server has created it.
func createFailed(err error) error {
	var e *APIError
	switch {
	case !errors.As(err, &e):
		return err
	case e.unsettled:
		e.Kind = ErrCreateOutcomeUnknown
		e.Err = addCause(e.Err, errors.New("the call ended before the client could look for the request"))
	case e.StatusCode >= 200 && e.StatusCode < 300:
		e.Err = addCause(e.Err, errors.New(createdButUnread(e.StatusCode)))
	}
	return e
}

// createdButUnread says what to do about a request created by an answer that could not be read.
func createdButUnread(status int) string {
	return fmt.Sprintf("The server answered HTTP %d, so it has most likely created the request: look for it in the MIM CM portal and import it with terraform import rather than apply again, which would create another", status)
}

// createdRequestID takes the new request's GUID from an answer of POST /requests: the last path
// segment of the URI its body holds as a JSON string ("api/v1.0/requests/<guid>", with the base
// path, an absolute URL, a trailing slash, or the bare GUID), or else of its Location header.
func createdRequestID(header http.Header, body []byte) (GUID, error) {
	var fromBody string
	trimmed := strings.TrimSpace(string(body))
	bodyErr := json.Unmarshal(body, &fromBody)
	if bodyErr == nil && strings.TrimSpace(fromBody) != "" {
		if id, err := guidFromURI(fromBody); err == nil {
			return id, nil
		}
	}
	location := header.Get("Location")
	if location != "" {
		if id, err := guidFromURI(location); err == nil {
			return id, nil
		}
	}
	var got string
	switch {
	case trimmed == "":
		got = "an empty body"
	case bodyErr != nil:
		got = "a body that is not a JSON string: " + QuoteInput(clean(trimmed, maxMessageLen))
	case trimmed == "null":
		got = "the body null"
	case strings.TrimSpace(fromBody) == "":
		got = "an empty JSON string"
	default:
		_, err := guidFromURI(fromBody)
		got = fmt.Sprintf("the URI %s, in which %v", QuoteInput(clean(fromBody, maxMessageLen)), err)
	}
	if location == "" {
		got += " and no Location header"
	} else {
		_, err := guidFromURI(location)
		got += fmt.Sprintf(" and the Location header %s, in which %v", QuoteInput(clean(location, maxMessageLen)), err)
	}
	return "", fmt.Errorf("want a JSON string holding the new request's URI, such as \"api/v1.0/requests/<guid>\", or a Location header naming it; got %s", got)
}

// guidFromURI returns the last path segment of a URI (relative, absolute or a bare GUID) as a GUID.
func guidFromURI(s string) (GUID, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", errors.New("the URI does not parse")
	}
	path := strings.TrimRight(u.Path, "/")
	last := path[strings.LastIndex(path, "/")+1:]
	id, err := ParseGUID(last)
	switch {
	case last == "":
		return "", errors.New("the URI has no path")
	case err != nil:
		return "", errors.New("the last path segment is not a GUID")
	case id == ZeroGUID:
		return "", errors.New("the GUID is the all-zero one")
	}
	return id, nil
}
