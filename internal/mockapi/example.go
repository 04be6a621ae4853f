package mockapi

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// ExampleRequestID is the Uuid of the reference request.
const ExampleRequestID mimcm.GUID = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"

// referenceResponse is the documented PUT's answer, byte for byte.
const referenceResponse = `{
    "Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
    "RequestType":1,
    "Status":8,
    "Flags":2,
    "DataCollection":[

    ],
    "DataCollectionFlags":32,
    "OriginatorUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "TargetUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "Submitted":"2015-07-07T23:36:21.93Z",
    "Completed":"2015-07-07T23:37:37.767Z",
    "NewProfileUuid":"b99ff38c-6653-471f-ae3c-325bb351a6bc",
    "OldProfileUuid":"00000000-0000-0000-0000-000000000000",
    "NewSmartcardUuid":"17cf063d-e337-4aa9-a822-346554ddd3c9",
    "OldSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "Priority":0,
    "Comment":"",
    "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
    "SecurityDescriptor":"O:S-1-5-21-2127521184-1604012920-1887927527-14134865D:(D;;LC;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094534)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5219125)(A;;SWRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;S-1-5-21-2127521184-1604012920-1887927527-14134865)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;CCDCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
    "IsSmartcard":true,
    "IsEnrollmentAgent":false,
    "IsDataCollectionComplete":false
}`

// ExampleRequest returns the reference request, Approved, as it was before
// the documented PUT at 2015-07-07T23:37:37.767Z completed it.
func ExampleRequest() mimcm.Request {
	var r mimcm.Request
	if err := json.Unmarshal([]byte(referenceResponse), &r); err != nil {
		panic("mockapi: the reference request does not decode: " + err.Error())
	}
	r.Status = mimcm.StatusApproved
	r.Completed = mimcm.Timestamp{}
	return r
}

// LoadSeedFile reads a JSON array of wire-form requests, or one, from a
// file, refusing unknown keys and a Uuid that is not a GUID.
func LoadSeedFile(path string) ([]mimcm.Request, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed file: %w", err)
	}
	reqs, _, err := decodeWireRequests(b)
	if err != nil {
		return nil, fmt.Errorf("seed file %s: %w", path, err)
	}
	return reqs, nil
}
