package mockapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// allowedFrom lists, for each status a PUT can ask for, the statuses from
// which the server makes that move (the lifecycle in the API notes). Which
// statuses are terminal is not repeated here: that comes from the status
// table through mimcm.CheckTransition.
var allowedFrom = map[mimcm.DesiredStatus][]mimcm.Status{
	mimcm.DesiredCompleted: {mimcm.StatusApproved, mimcm.StatusExecuting},
	mimcm.DesiredCanceled:  {mimcm.StatusPending, mimcm.StatusNone, mimcm.StatusApproved, mimcm.StatusExecuting},
	mimcm.DesiredAbandoned: {mimcm.StatusApproved, mimcm.StatusExecuting},
}

// transition returns the status a request in status current moves to when a
// PUT asks for desired, or an error saying why the server refuses.
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
