package mimcm

import "strings"

// RequestType names a kind of request, as POST /requests takes it in its "type" property. The
// Request object carries the type as a number instead, and only two numbers are confirmed by the
// reference examples; the others are left unmapped rather than guessed.
type RequestType string

// The request types POST /requests documents.
const (
	RequestTypeEnroll          RequestType = "Enroll"
	RequestTypeDuplicate       RequestType = "Duplicate"
	RequestTypeOfflineUnblock  RequestType = "OfflineUnblock"
	RequestTypeOnlineUpdate    RequestType = "OnlineUpdate"
	RequestTypeRenew           RequestType = "Renew"
	RequestTypeRecover         RequestType = "Recover"
	RequestTypeRecoverOnBehalf RequestType = "RecoverOnBehalf"
	RequestTypeReinstate       RequestType = "Reinstate"
	RequestTypeRetire          RequestType = "Retire"
	RequestTypeRevoke          RequestType = "Revoke"
	RequestTypeTemporaryCards  RequestType = "TemporaryCards"
	RequestTypeUnblock         RequestType = "Unblock"
)

// requestTypeNumbers holds the RequestType numbers the reference examples confirm. It is the
// project's one mapping between names and numbers; a number outside it is kept, never guessed.
var requestTypeNumbers = map[RequestType]int{
	RequestTypeEnroll:  1,
	RequestTypeUnblock: 5,
}

// RequestTypes returns every documented request type, in the reference's order.
func RequestTypes() []RequestType {
	return []RequestType{
		RequestTypeEnroll, RequestTypeDuplicate, RequestTypeOfflineUnblock, RequestTypeOnlineUpdate,
		RequestTypeRenew, RequestTypeRecover, RequestTypeRecoverOnBehalf, RequestTypeReinstate,
		RequestTypeRetire, RequestTypeRevoke, RequestTypeTemporaryCards, RequestTypeUnblock,
	}
}

// RequestTypeNames returns the names of RequestTypes as strings.
func RequestTypeNames() []string {
	all := RequestTypes()
	names := make([]string, len(all))
	for i, t := range all {
		names[i] = string(t)
	}
	return names
}

// ParseRequestType returns the documented request type with the given name, in any case.
func ParseRequestType(name string) (RequestType, bool) {
	for _, t := range RequestTypes() {
		if strings.EqualFold(string(t), name) {
			return t, true
		}
	}
	return "", false
}

// Number returns the RequestType number of t when the reference confirms it.
func (t RequestType) Number() (int, bool) {
	n, ok := requestTypeNumbers[t]
	return n, ok
}

// RequestTypeForNumber returns the request type a confirmed number stands for.
func RequestTypeForNumber(n int) (RequestType, bool) {
	for t, number := range requestTypeNumbers {
		if number == n {
			return t, true
		}
	}
	return "", false
}

// PolicyName returns the name the workflow policy routes give t: they call TemporaryCards
// "TemporaryEnroll" and share every other name with POST /requests.
func (t RequestType) PolicyName() string {
	if t == RequestTypeTemporaryCards {
		return "TemporaryEnroll"
	}
	return string(t)
}
