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
	type plain Request
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	p.SecurityDescriptor = strings.TrimRight(p.SecurityDescriptor, "\x00")
	*r = Request(p)
	return nil
}

// wireRequest is a Request without UnmarshalJSON, for which encoding/json would scan each
// request's bytes twice more; request normalises it as UnmarshalJSON does.
type wireRequest Request

func (w *wireRequest) request() Request {
	r := Request(*w)
	r.SecurityDescriptor = strings.TrimRight(r.SecurityDescriptor, "\x00")
	return r
}

func decodeRequest(b []byte) (Request, error) {
	if r, ok := fastDecodeRequest(b); ok {
		return r, nil
	}
	var w wireRequest
	if err := json.Unmarshal(b, &w); err != nil {
		return Request{}, err
	}
	return w.request(), nil
}

// decodeRequests decodes a list of requests, keeping those keep returns true for (all when keep is
// nil) as each is decoded. keep may change the request it is given, and may be called twice for one.
func decodeRequests(b []byte, keep func(*Request) bool) ([]Request, error) {
	if list, ok := fastDecodeRequests(b, keep); ok {
		return list, nil
	}
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
