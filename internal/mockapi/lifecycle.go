package mockapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// allowedFrom lists the statuses each PUT moves a request from, as the API
// notes say; which are terminal comes from mimcm.CheckTransition.
var allowedFrom = map[mimcm.DesiredStatus][]mimcm.Status{
	mimcm.DesiredCompleted: {mimcm.StatusApproved, mimcm.StatusExecuting},
	mimcm.DesiredCanceled:  {mimcm.StatusPending, mimcm.StatusNone, mimcm.StatusApproved, mimcm.StatusExecuting},
	mimcm.DesiredAbandoned: {mimcm.StatusApproved, mimcm.StatusExecuting},
}

// transition returns the status a PUT moves current to, or why it cannot.
func transition(id mimcm.GUID, current mimcm.Status, desired mimcm.DesiredStatus) (mimcm.Status, error) {
	verb := strings.ToLower(string(desired)) // completed, canceled, abandoned
	if current.Satisfies(desired) {
		return 0, fmt.Errorf("Request %s is already %s (status %d) and cannot be %s again",
			id, current, int(current), verb)
	}
	if err := mimcm.CheckTransition(id, current, desired); err != nil {
		return 0, fmt.Errorf("Request %s is %s (status %d), a terminal status, and cannot be %s",
			id, current, int(current), verb)
	}
	from := allowedFrom[desired]
	if !slices.Contains(from, current) && mimcm.CheckApproval(id, current, desired) != nil {
		return 0, fmt.Errorf("Request %s is %s (status %d) and awaits approval, so it cannot be %s; only a request that is %s can be, and an approver approves it in the CM portal",
			id, current, int(current), verb, orList(from))
	}
	if !slices.Contains(from, current) {
		return 0, fmt.Errorf("Request %s is %s (status %d) and cannot be %s; only a request that is %s can be",
			id, current, int(current), verb, orList(from))
	}
	return desired.Target(), nil
}

// orList renders statuses as "A, B or C".
func orList(statuses []mimcm.Status) string {
	names := make([]string, len(statuses))
	for i, st := range statuses {
		names[i] = st.String()
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
