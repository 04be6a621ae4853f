package mimcm

import (
	"encoding/json"
	"strings"
)

// Request is a MIM CM request (Microsoft.Clm.Shared.Requests.Request) as the REST API writes it.
// Decoding lower-cases GUIDs, reads the all-zero GUID and DateTime.MinValue as "no value" and
// strips the security descriptor's trailing NULs; encoding writes them back as the server does.
type Request struct {
	Uuid                     GUID                 `json:"Uuid"`
	RequestType              int                  `json:"RequestType"`
	Status                   Status               `json:"Status"`
	Flags                    int                  `json:"Flags"`
	DataCollection           []DataCollectionItem `json:"DataCollection"`
	DataCollectionFlags      int                  `json:"DataCollectionFlags"`
	OriginatorUserUuid       GUID                 `json:"OriginatorUserUuid"`
	TargetUserUuid           GUID                 `json:"TargetUserUuid"`
	Submitted                Timestamp            `json:"Submitted"`
	Completed                Timestamp            `json:"Completed"`
	NewProfileUuid           GUID                 `json:"NewProfileUuid"`
	OldProfileUuid           GUID                 `json:"OldProfileUuid"`
	NewSmartcardUuid         GUID                 `json:"NewSmartcardUuid"`
	OldSmartcardUuid         GUID                 `json:"OldSmartcardUuid"`
	Priority                 int                  `json:"Priority"`
	Comment                  string               `json:"Comment"`
	ProfileTemplateUuid      GUID                 `json:"ProfileTemplateUuid"`
	SecurityDescriptor       string               `json:"SecurityDescriptor"`
	IsSmartcard              bool                 `json:"IsSmartcard"`
	IsEnrollmentAgent        bool                 `json:"IsEnrollmentAgent"`
	IsDataCollectionComplete bool                 `json:"IsDataCollectionComplete"`
}

// DataCollectionItem is one item of a request's data collection; Value is nil for null.
type DataCollectionItem struct {
	Name  string  `json:"Name"`
	Value *string `json:"Value"`
}

// UnmarshalJSON decodes a Request and strips the NUL padding of its security descriptor.
func (r *Request) UnmarshalJSON(b []byte) error {
	type plain Request // its name is in encoding/json's errors, which the mock shows
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = Request(p)
	r.trimPadding()
	return nil
}

// trimPadding strips the NULs the server pads a security descriptor with: the one place that
// knows of them, for every decoder. The other quirks of the wire form are the field types' own
// (GUID, Timestamp).
func (r *Request) trimPadding() {
	r.SecurityDescriptor = strings.TrimRight(r.SecurityDescriptor, "\x00")
}

// wireRequest is a Request without UnmarshalJSON, for which encoding/json would scan each
// request's bytes twice more; request normalises it as UnmarshalJSON does.
type wireRequest Request

func (w *wireRequest) request() Request {
	r := Request(*w)
	r.trimPadding()
	return r
}

// decodeRequest decodes one request, as GetRequest and SetStatus read it: through the
// hand-written scanner when the answer is in the server's own form, which it decodes several
// times faster (scripts/bench/analysis.md, "Decoding requests"), else through encoding/json.
func decodeRequest(b []byte) (Request, error) {
	if r, ok := fastDecodeRequest(b); ok {
		return r, nil
	}
	return unmarshalRequest(b)
}

// unmarshalRequest decodes one request with encoding/json alone.
func unmarshalRequest(b []byte) (Request, error) {
	var w wireRequest
	if err := json.Unmarshal(b, &w); err != nil {
		return Request{}, err
	}
	return w.request(), nil
}

// decodeRequests decodes a list of requests with encoding/json, keeping those keep returns true
// for (all when keep is nil) as each is decoded; keep may change the request it is given. Lists
// that arrive from the server go through streamRequests; this decodes what is not an array.
func decodeRequests(b []byte, keep func(*Request) bool) ([]Request, error) {
	var wire []wireRequest
	if err := json.Unmarshal(b, &wire); err != nil || wire == nil {
		return nil, err
	}
	list := make([]Request, 0, len(wire))
	for i := range wire {
		if r := wire[i].request(); keep == nil || keep(&r) {
			list = append(list, r)
		}
	}
	return list, nil
}
