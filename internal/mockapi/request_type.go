package mockapi

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// mockRequestTypeNumbers are the RequestType numbers the mock stores for the request types whose
// real numbers no reference example confirms. They are the MOCK'S OWN INVENTION, not CM's: they
// start at 100, far from the small numbers of CM's enumeration, so that nobody takes them for real
// ones and they never collide with the confirmed numbers, which come from mimcm.RequestType.Number
// (Enroll 1, Unblock 5). The mock needs some number for each type to create requests of every type
// and to find a request's workflow policy again from its RequestType.
var mockRequestTypeNumbers = map[mimcm.RequestType]int{
	mimcm.RequestTypeDuplicate:       102,
	mimcm.RequestTypeOfflineUnblock:  103,
	mimcm.RequestTypeOnlineUpdate:    104,
	mimcm.RequestTypeRenew:           105,
	mimcm.RequestTypeRecover:         106,
	mimcm.RequestTypeRecoverOnBehalf: 107,
	mimcm.RequestTypeReinstate:       108,
	mimcm.RequestTypeRetire:          109,
	mimcm.RequestTypeRevoke:          110,
	mimcm.RequestTypeTemporaryCards:  111,
}

// RequestTypeNumber returns the RequestType number the mock stores for t: the confirmed number
// for Enroll and Unblock, and the mock's own invented number (100 and up) for the others.
func RequestTypeNumber(t mimcm.RequestType) (int, bool) {
	if n, ok := t.Number(); ok {
		return n, true
	}
	n, ok := mockRequestTypeNumbers[t]
	return n, ok
}

// RequestTypeForNumber returns the request type a RequestType number stands for in the mock:
// a confirmed number, or one of the mock's own (see RequestTypeNumber).
func RequestTypeForNumber(n int) (mimcm.RequestType, bool) {
	if t, ok := mimcm.RequestTypeForNumber(n); ok {
		return t, true
	}
	for t, number := range mockRequestTypeNumbers {
		if number == n {
			return t, true
		}
	}
	return "", false
}

// requestTypeNumberList describes every number the mock knows, for its error messages.
func requestTypeNumberList() string {
	var items []string
	for _, t := range mimcm.RequestTypes() {
		n, _ := RequestTypeNumber(t)
		items = append(items, fmt.Sprintf("%d (%s)", n, t))
	}
	return strings.Join(items, ", ")
}

// parseRequestTypeText reads a request type as a name in any case or as a number the mock knows.
func parseRequestTypeText(text string) (mimcm.RequestType, error) {
	if n, err := strconv.Atoi(strings.TrimSpace(text)); err == nil {
		return requestTypeFromNumber(n)
	}
	if t, ok := mimcm.ParseRequestType(text); ok {
		return t, nil
	}
	return "", fmt.Errorf("'%s' is not a request type; want one of %s", text, strings.Join(mimcm.RequestTypeNames(), ", "))
}

func requestTypeFromNumber(n int) (mimcm.RequestType, error) {
	t, ok := RequestTypeForNumber(n)
	if !ok {
		return "", fmt.Errorf("%d is not a request type number; the mock knows %s (only 1 and 5 are CM's confirmed numbers)", n, requestTypeNumberList())
	}
	return t, nil
}

// parsePolicyType reads the {type} of the workflow policy routes: a policy name (TemporaryEnroll,
// not TemporaryCards), in any case, or a number the mock knows.
func parsePolicyType(text string) (mimcm.RequestType, error) {
	if n, err := strconv.Atoi(strings.TrimSpace(text)); err == nil {
		return requestTypeFromNumber(n)
	}
	for _, t := range mimcm.RequestTypes() {
		if strings.EqualFold(t.PolicyName(), text) {
			return t, nil
		}
	}
	return "", fmt.Errorf("'%s' is not a workflow policy type; want one of %s", text, strings.Join(policyNames(), ", "))
}

// policyNames are the names the workflow policy routes give the request types.
func policyNames() []string {
	names := make([]string, 0, len(mimcm.RequestTypes()))
	for _, t := range mimcm.RequestTypes() {
		names = append(names, t.PolicyName())
	}
	return names
}

// sortedRequestTypes returns the keys of a policy map in the reference's order; the maps hold
// documented types only (checkProfileTemplate).
func sortedRequestTypes[V any](m map[mimcm.RequestType]V) []mimcm.RequestType {
	var out []mimcm.RequestType
	for _, t := range mimcm.RequestTypes() {
		if _, ok := m[t]; ok {
			out = append(out, t)
		}
	}
	return out
}
