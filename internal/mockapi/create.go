package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// createBody is POST's body; its keys match in any case, as in ASP.NET.
type createBody struct {
	ProfileTemplateUuid *string         `json:"profiletemplateuuid"`
	DataCollection      json.RawMessage `json:"datacollection"`
	Target              *string         `json:"target"`
	Type                json.RawMessage `json:"type"`
	Comment             *string         `json:"comment"`
	Priority            json.RawMessage `json:"priority"`
	// Smartcard is undocumented: the Unblock example sends the card's GUID, and no template.
	Smartcard *string `json:"smartcard"`
}

// createInput is a POST body checked as far as it can be without the store.
type createInput struct {
	template  mimcm.GUID // "" when left out, with a smartcard
	smartcard mimcm.GUID
	items     []mimcm.DataCollectionItem
	reqType   mimcm.RequestType
	comment   string
	target    mimcm.GUID
	priority  *int
}

// createRequest answers 201 with the new request's relative URI as a bare
// JSON string. No Location header is documented, so none is sent.
func (s *Server) createRequest(r *http.Request) (answer, mimcm.GUID) {
	body, err := readBody(r)
	if err != nil {
		return serverError(err.Error()), ""
	}
	in, err := s.decodeCreateBody(body)
	if err != nil {
		return serverError(err.Error()), ""
	}
	s.mu.Lock()
	req, err := s.newRequestLocked(in)
	if err == nil {
		s.requests[requestKey(req.Uuid)] = req
	}
	s.mu.Unlock()
	if err != nil {
		return serverError(err.Error()), ""
	}
	return jsonAnswer(http.StatusCreated, s.relativeURI(req.Uuid)), req.Uuid
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

// smartcardFlag is the Flags bit of a smart card request: the reference
// request, a smart card enrollment, has Flags 2 (inferred).
const smartcardFlag = 2

func (s *Server) decodeCreateBody(raw []byte) (createInput, error) {
	if len(strings.TrimSpace(string(raw))) == 0 {
		return createInput{}, fmt.Errorf("The request body is empty; want profiletemplateuuid, datacollection, type and comment")
	}
	if err := checkJSONObject(raw); err != nil {
		return createInput{}, err
	}
	var body createBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return createInput{}, fmt.Errorf("The request body is not a valid request: %v", err)
	}
	var in createInput
	var err error
	if in.smartcard, err = optionalGUID("smartcard", body.Smartcard); err != nil {
		return createInput{}, err
	}
	switch t := body.ProfileTemplateUuid; {
	case (t == nil || *t == "") && in.smartcard != "":
		// the Unblock example: the card names its template
	case t == nil || *t == "":
		return createInput{}, fmt.Errorf("profiletemplateuuid is required; only a request about a smart card (smartcard) may leave it out")
	default:
		if in.template, err = mimcm.ParseGUID(*t); err != nil {
			return createInput{}, fmt.Errorf("profiletemplateuuid: %v", err)
		}
		if in.template == mimcm.ZeroGUID {
			return createInput{}, fmt.Errorf("profiletemplateuuid is the all-zero GUID, which names no profile template")
		}
	}
	if in.items, err = decodeDataCollection(body.DataCollection); err != nil {
		return createInput{}, err
	}
	if in.reqType, err = decodeRequestType(body.Type); err != nil {
		return createInput{}, err
	}
	if body.Comment == nil {
		return createInput{}, fmt.Errorf(`comment is required (it may be "")`)
	}
	in.comment = *body.Comment
	if in.target, err = optionalGUID("target", body.Target); err != nil {
		return createInput{}, err
	}
	if in.target == "" {
		in.target = s.opts.CurrentUser
	}
	if in.priority, err = decodePriority(body.Priority); err != nil {
		return createInput{}, err
	}
	return in, nil
}

// optionalGUID parses a GUID property; absent, "" and the all-zero GUID are none.
func optionalGUID(name string, v *string) (mimcm.GUID, error) {
	if v == nil || *v == "" {
		return "", nil
	}
	g, err := mimcm.ParseGUID(*v)
	if err != nil {
		return "", fmt.Errorf("%s: %v", name, err)
	}
	if g == mimcm.ZeroGUID {
		return "", nil
	}
	return g, nil
}

// newRequestLocked makes the request in describes, as its template's
// workflow policy for its type says.
func (s *Server) newRequestLocked(in createInput) (mimcm.Request, error) {
	templateID := in.template
	if templateID == "" {
		templateID = s.cardTemplateLocked(in.smartcard)
	}
	tpl, known := s.templates[requestKey(templateID)]
	if in.template != "" && !known && len(s.templates) > 0 {
		return mimcm.Request{}, fmt.Errorf("Profile template %s was not found; GET profiletemplates?targetuser=current lists the templates the caller can use", in.template)
	}
	policy, hasPolicy := tpl.Policies[in.reqType]
	if hasPolicy {
		if err := checkPolicy(tpl, in, policy); err != nil {
			return mimcm.Request{}, err
		}
	}
	req := mimcm.Request{
		Uuid:                     newGUID(),
		Status:                   mimcm.StatusApproved,
		DataCollection:           in.items,
		OriginatorUserUuid:       s.opts.CurrentUser,
		TargetUserUuid:           in.target,
		Submitted:                mimcm.NewTimestamp(s.now()),
		Comment:                  in.comment,
		ProfileTemplateUuid:      templateID,
		OldSmartcardUuid:         in.smartcard,
		SecurityDescriptor:       createdSDDL,
		IsSmartcard:              in.smartcard != "" || tpl.IsSmartcardProfileTemplate || tpl.IsVirtualSmartcardProfileTemplate,
		IsEnrollmentAgent:        hasPolicy && policy.EnrollAgentRequired,
		IsDataCollectionComplete: true,
	}
	req.RequestType, _ = RequestTypeNumber(in.reqType)
	if req.IsSmartcard {
		req.Flags = smartcardFlag
	}
	switch {
	case hasPolicy && policy.ApprovalsNeeded > 0, !hasPolicy && s.settings.pendingOnCreate:
		req.Status = mimcm.StatusPending
	}
	switch {
	case in.priority != nil:
		req.Priority = *in.priority
	case hasPolicy:
		req.Priority = policy.DefaultRequestPriority
	}
	return req, nil
}

// cardTemplateLocked returns the profile template of the newest request
// about a smart card: the template CM keeps with the card's profile.
func (s *Server) cardTemplateLocked(card mimcm.GUID) mimcm.GUID {
	var newest mimcm.Request
	for _, r := range s.requests {
		if r.ProfileTemplateUuid == "" || (r.NewSmartcardUuid != card && r.OldSmartcardUuid != card) {
			continue
		}
		if newest.Uuid == "" || r.Submitted.Time().After(newest.Submitted.Time()) {
			newest = r
		}
	}
	return newest.ProfileTemplateUuid
}

// checkPolicy refuses what a workflow policy does not allow: a disabled
// policy, or a required data item without a value.
func checkPolicy(tpl ProfileTemplate, in createInput, p WorkflowPolicy) error {
	if p.Disabled {
		return fmt.Errorf("The workflow policy for %s on profile template %s is disabled; no %s request can be created from the template",
			in.reqType, templateLabel(tpl), in.reqType)
	}
	var missing []string
	for _, item := range p.DataCollection {
		if item.Required && !hasValue(in.items, item.Name) {
			missing = append(missing, item.Name)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("The workflow policy for %s on profile template %s requires the data collection item %s, which the request lacks or leaves empty",
			in.reqType, templateLabel(tpl), missing[0])
	}
	return fmt.Errorf("The workflow policy for %s on profile template %s requires the data collection items %s and %s, which the request lacks or leaves empty",
		in.reqType, templateLabel(tpl), strings.Join(missing[:len(missing)-1], ", "), missing[len(missing)-1])
}

func hasValue(items []mimcm.DataCollectionItem, name string) bool {
	for _, it := range items {
		if strings.EqualFold(strings.TrimSpace(it.Name), strings.TrimSpace(name)) && it.Value != nil && strings.TrimSpace(*it.Value) != "" {
			return true
		}
	}
	return false
}

// typographicQuotes are what a word processor made of the walkthrough's
// quotes; the walkthrough's own datacollection string holds them.
var typographicQuotes = strings.NewReplacer("\u201c", `"`, "\u201d", `"`)

// decodeDataCollection reads every shape the documentation's examples send:
// an array of one-key objects ([{"Reason":"VPN"}]), an array of
// {"Name","Value"} objects (keys in any case), or a string holding either
// ("[]"; typographic quotes read as plain ones; "" for none).
//
// An object whose keys are all Name or Value (in any case) is a pair, so a
// data item called "Name" must be sent as a pair.
func decodeDataCollection(raw json.RawMessage) ([]mimcm.DataCollectionItem, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("datacollection is required (it may be [])")
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		text = typographicQuotes.Replace(text)
		if strings.TrimSpace(text) == "" {
			return []mimcm.DataCollectionItem{}, nil
		}
		raw = json.RawMessage(text)
	}
	var objects []json.RawMessage
	if err := json.Unmarshal(raw, &objects); err != nil || objects == nil {
		return nil, fmt.Errorf(`datacollection: want an array of {"Name":"Value"} objects or of {"Name":..., "Value":...} pairs, or a string holding one, such as "[]"; got %s`,
			mimcm.QuoteInput(string(raw)))
	}
	items := make([]mimcm.DataCollectionItem, 0, len(objects))
	for i, obj := range objects {
		got, err := decodeDataItems(obj)
		if err != nil {
			return nil, fmt.Errorf("datacollection item %d of %d %v", i+1, len(objects), err)
		}
		items = append(items, got...)
	}
	return items, nil
}

type member struct {
	key   string
	value json.RawMessage
}

// decodeDataItems reads one object of a data collection: a pair, or one or
// more name/value members in the order sent.
func decodeDataItems(obj json.RawMessage) ([]mimcm.DataCollectionItem, error) {
	members, err := objectMembers(obj)
	if err != nil {
		return nil, err
	}
	pair := len(members) > 0
	for _, m := range members {
		pair = pair && (strings.EqualFold(m.key, "name") || strings.EqualFold(m.key, "value"))
	}
	if !pair {
		if len(members) == 0 {
			return nil, fmt.Errorf("has no name; each item names a data item of the profile template")
		}
		items := make([]mimcm.DataCollectionItem, 0, len(members))
		for _, m := range members {
			if strings.TrimSpace(m.key) == "" {
				return nil, fmt.Errorf("has a member without a name; each member names a data item of the profile template")
			}
			value, err := dataValue(m.value)
			if err != nil {
				return nil, fmt.Errorf("(%s): %v", m.key, err)
			}
			items = append(items, mimcm.DataCollectionItem{Name: m.key, Value: value})
		}
		return items, nil
	}
	var item mimcm.DataCollectionItem
	for _, m := range members { // the last of a key wins, as in encoding/json
		if strings.EqualFold(m.key, "name") {
			if json.Unmarshal(m.value, &item.Name) != nil {
				return nil, fmt.Errorf("has a Name %s that is not a string", m.value)
			}
			continue
		}
		if item.Value, err = dataValue(m.value); err != nil {
			return nil, fmt.Errorf("(Value): %v", err)
		}
	}
	if strings.TrimSpace(item.Name) == "" {
		return nil, fmt.Errorf("has no name; each item names a data item of the profile template")
	}
	return []mimcm.DataCollectionItem{item}, nil
}

// objectMembers returns a JSON object's members in the order sent.
func objectMembers(obj json.RawMessage) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("is not an object: %s", mimcm.QuoteInput(string(obj)))
	}
	var members []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("is not an object: %v", err)
		}
		var m member
		m.key, _ = tok.(string)
		if err := dec.Decode(&m.value); err != nil {
			return nil, fmt.Errorf("is not an object: %v", err)
		}
		members = append(members, m)
	}
	return members, nil
}

// dataValue reads a data item's value: a string, null, or a number or
// boolean as its JSON text, which is what ASP.NET binds to a string.
func dataValue(raw json.RawMessage) (*string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return nil, nil
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return &s, nil
	case len(raw) > 0 && (raw[0] == '{' || raw[0] == '['):
		return nil, fmt.Errorf("want a string value, got %s", mimcm.QuoteInput(string(raw)))
	}
	s := string(raw)
	return &s, nil
}

// decodeRequestType reads type as a name in any case, or as a number (or
// a string holding one) that the mock knows (RequestTypeNumber).
func decodeRequestType(raw json.RawMessage) (mimcm.RequestType, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", fmt.Errorf("type is required")
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return requestTypeFromNumber(n)
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return "", fmt.Errorf("type %s is neither a number nor a name", raw)
	}
	return parseRequestTypeText(name)
}

// decodePriority reads priority as a whole number or a string holding one
// (the reference sends "4"); nil when absent, null or "".
func decodePriority(raw json.RawMessage) (*int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	refused := fmt.Errorf("priority %s is not a whole number from %d to %d", mimcm.QuoteInput(string(raw)), math.MinInt32, math.MaxInt32)
	var n int64
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s = strings.TrimSpace(s); s == "" {
			return nil, nil
		}
		var err error
		if n, err = strconv.ParseInt(s, 10, 32); err != nil {
			return nil, refused
		}
	} else {
		f, err := strconv.ParseFloat(string(raw), 64) // a JSON number: 4, 4.0 or 4e0
		if err != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
			return nil, refused
		}
		n = int64(f)
	}
	p := int(n)
	return &p, nil
}
