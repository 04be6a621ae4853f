package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

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

// The profile templates of ExampleProfileTemplates. Smart Card Logon is the
// reference request's template.
const (
	ExampleVPNUserTemplateID          mimcm.GUID = "3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a01"
	ExampleSmartCardLogonTemplateID   mimcm.GUID = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
	ExampleVirtualSmartCardTemplateID mimcm.GUID = "3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a03"
)

// Security descriptors of the example policies: CM approvers, Domain Users
// and CM enrollment agents of the reference request's domain.
const (
	exampleApproverSDDL    = "O:SYG:SYD:(A;;CCLCRPRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)"
	exampleInitiatorSDDL   = "O:SYG:SYD:(A;;CCLCRPRC;;;S-1-5-21-2127521184-1604012920-1887927527-513)"
	exampleEnrollAgentSDDL = "O:SYG:SYD:(A;;CCLCRPRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094534)"
)

// examplePolicy is a policy of ExampleProfileTemplates, with their
// security descriptors.
func examplePolicy(id mimcm.GUID, approvals int, items ...DataItem) WorkflowPolicy {
	return WorkflowPolicy{
		Uuid: id, ApprovalsNeeded: approvals, CollectComments: true, DefaultRequestPriority: 5, SelfServiceEnabled: true,
		AuthorizedApprover: exampleApproverSDDL, AuthorizedInitiator: exampleInitiatorSDDL,
		AuthorizedEnrollmentAgent: exampleEnrollAgentSDDL, DataCollection: items,
	}
}

// ExampleProfileTemplates returns three profile templates with stable
// GUIDs, for examples, documentation and tests; mimcm-mock -seed-example
// seeds them:
//
//   - VPN User (ExampleVPNUserTemplateID), a software profile: Enroll needs
//     one approval and the data items Reason (required) and Department;
//     Retire is approved at once.
//   - Smart Card Logon (ExampleSmartCardLogonTemplateID, the reference
//     request's): Enroll and Unblock are approved at once, Enroll without
//     data items; Retire needs one approval.
//   - Virtual Smart Card (ExampleVirtualSmartCardTemplateID): Enroll needs two
//     approvals; Renew is disabled.
//
// Every policy has the default priority 5; the other types have no policy.
func ExampleProfileTemplates() []ProfileTemplate {
	return []ProfileTemplate{
		{
			Uuid: ExampleVPNUserTemplateID, Name: "VPN User",
			Description: "Certificate-based VPN access, one certificate on the user's computer",
			Policies: map[mimcm.RequestType]WorkflowPolicy{
				mimcm.RequestTypeEnroll: examplePolicy("3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b11", 1,
					DataItem{Name: "Reason", Required: true}, DataItem{Name: "Department"}),
				mimcm.RequestTypeRetire: examplePolicy("3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b19", 0),
			},
		},
		{
			Uuid: ExampleSmartCardLogonTemplateID, Name: "Smart Card Logon", IsSmartcardProfileTemplate: true,
			Description: "Smart card for Windows logon, issued at the service desk",
			Policies: map[mimcm.RequestType]WorkflowPolicy{
				mimcm.RequestTypeEnroll:  examplePolicy("3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b21", 0),
				mimcm.RequestTypeUnblock: examplePolicy("3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b25", 0),
				mimcm.RequestTypeRetire:  examplePolicy("3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b29", 1),
			},
		},
		{
			Uuid: ExampleVirtualSmartCardTemplateID, Name: "Virtual Smart Card", IsVirtualSmartcardProfileTemplate: true,
			Description: "TPM virtual smart card for administrators",
			Policies: map[mimcm.RequestType]WorkflowPolicy{
				mimcm.RequestTypeEnroll: examplePolicy("3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b31", 2),
				mimcm.RequestTypeRenew: func() WorkflowPolicy {
					p := examplePolicy("3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b35", 0)
					p.Disabled = true
					return p
				}(),
			},
		},
	}
}

// Seeds is what a seed file holds: requests and profile templates.
type Seeds struct {
	Requests         []mimcm.Request
	ProfileTemplates []ProfileTemplate
}

// SeedAll stores the profile templates and then the requests of seeds, as
// SeedProfileTemplates and Seed do; it stores nothing when a template is
// invalid.
func (s *Server) SeedAll(seeds Seeds) error {
	if err := s.SeedProfileTemplates(seeds.ProfileTemplates...); err != nil {
		return err
	}
	s.Seed(seeds.Requests...)
	return nil
}

// LoadSeedFile reads a seed file: a JSON array of wire-form requests, one
// such request, or an object {"requests": [...], "profile_templates": [...]}
// whose profile templates are in the admin routes' form. It refuses unknown
// keys, a Uuid that is not a GUID and an invalid template.
func LoadSeedFile(path string) (Seeds, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Seeds{}, fmt.Errorf("seed file: %w", err)
	}
	seeds, err := decodeSeeds(b)
	if err != nil {
		return Seeds{}, fmt.Errorf("seed file %s: %w", path, err)
	}
	return seeds, nil
}

// seedFileKeys are the keys of a seed file's object form.
var seedFileKeys = []string{"requests", "profile_templates"}

// decodeSeeds reads a seed file's bytes, in either form.
func decodeSeeds(b []byte) (Seeds, error) {
	raw := bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	var members map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &members) != nil || !hasSeedFileKey(members) {
		reqs, _, err := decodeWireRequests(b)
		return Seeds{Requests: reqs}, err
	}
	var seeds Seeds
	for _, key := range slices.Sorted(maps.Keys(members)) {
		value := members[key]
		switch {
		case strings.EqualFold(key, "requests"):
			if !bytes.HasPrefix(bytes.TrimSpace(value), []byte("[")) {
				return Seeds{}, fmt.Errorf("requests: want a JSON array of wire-form requests")
			}
			reqs, _, err := decodeWireRequests(value)
			if err != nil {
				return Seeds{}, fmt.Errorf("requests: %w", err)
			}
			seeds.Requests = reqs
		case strings.EqualFold(key, "profile_templates"):
			templates, isArray, err := decodeTemplates(value)
			if err == nil && !isArray {
				err = fmt.Errorf("want a JSON array of profile templates")
			}
			if err != nil {
				return Seeds{}, fmt.Errorf("profile_templates: %w", err)
			}
			seeds.ProfileTemplates = templates
		default:
			return Seeds{}, fmt.Errorf("%q is not a part of a seed file; its object holds %s", key, strings.Join(seedFileKeys, " and "))
		}
	}
	return seeds, nil
}

func hasSeedFileKey(members map[string]json.RawMessage) bool {
	for key := range members {
		for _, k := range seedFileKeys {
			if strings.EqualFold(key, k) {
				return true
			}
		}
	}
	return false
}
