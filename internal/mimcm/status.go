package mimcm

import (
	"fmt"
	"strings"
)

// Status is the numeric status of a MIM CM request. The REST reference gives no numbers; they
// come from the CM SQL API's status table. Numbers outside it are kept and are never an error.
type Status int

// The statuses in the CM status table.
const (
	StatusNone      Status = 0
	StatusApproved  Status = 3
	StatusDenied    Status = 4
	StatusCompleted Status = 8
	StatusFailed    Status = 9
	StatusPending   Status = 16
	StatusCanceled  Status = 17
	StatusExecuting Status = 18
)

type statusInfo struct {
	name     string
	terminal bool
}

// statusTable is the project's one status table, read by the client, the provider and the mock.
var statusTable = map[Status]statusInfo{
	StatusNone:      {"None", false},
	StatusApproved:  {"Approved", false},
	StatusDenied:    {"Denied", true},
	StatusCompleted: {"Completed", true},
	StatusFailed:    {"Failed", true},
	StatusPending:   {"Pending", false},
	StatusCanceled:  {"Canceled", true},
	StatusExecuting: {"Executing", false},
}

// Statuses returns every status of the table in ascending numeric order.
func Statuses() []Status {
	return []Status{
		StatusNone, StatusApproved, StatusDenied, StatusCompleted,
		StatusFailed, StatusPending, StatusCanceled, StatusExecuting,
	}
}

// StatusNames returns the names of Statuses, in their order.
func StatusNames() []string {
	all := Statuses()
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = s.String()
	}
	return names
}

// Known reports whether the status number is in the status table.
func (s Status) Known() bool {
	_, ok := statusTable[s]
	return ok
}

// String returns the status's name, or "Unknown(N)" for a number the table does not hold.
func (s Status) String() string {
	if info, ok := statusTable[s]; ok {
		return info.name
	}
	return fmt.Sprintf("Unknown(%d)", int(s))
}

// IsTerminal reports whether a request in this status can never change again. Unknown numbers
// are not: better the server refuses a transition than the provider on a guess.
func (s Status) IsTerminal() bool {
	return statusTable[s].terminal
}

// AwaitsApproval reports whether a request in this status has not been approved yet: it is
// Pending, or None (not processed yet). Such a request can be canceled, but not completed or
// abandoned until an approver approves it in the CM portal.
func (s Status) AwaitsApproval() bool {
	return s == StatusPending || s == StatusNone
}

// Satisfies reports whether a request in this status has reached d.
func (s Status) Satisfies(d DesiredStatus) bool {
	target, ok := desiredTable[d]
	return ok && s == target
}

// ParseStatusName returns the status with the given name, in any case.
func ParseStatusName(name string) (Status, bool) {
	for s, info := range statusTable {
		if strings.EqualFold(info.name, name) {
			return s, true
		}
	}
	return 0, false
}

// DesiredStatus is a status a PUT /requests/{id} can ask for.
type DesiredStatus string

// The statuses the API accepts in a PUT body.
const (
	DesiredCompleted DesiredStatus = "Completed"
	DesiredCanceled  DesiredStatus = "Canceled"
	DesiredAbandoned DesiredStatus = "Abandoned"
)

// desiredTable maps each desired status to its status; abandoning a request leaves it Failed.
var desiredTable = map[DesiredStatus]Status{
	DesiredCompleted: StatusCompleted,
	DesiredCanceled:  StatusCanceled,
	DesiredAbandoned: StatusFailed,
}

// DesiredStatuses returns the desired statuses the API accepts.
func DesiredStatuses() []DesiredStatus {
	return []DesiredStatus{DesiredCompleted, DesiredCanceled, DesiredAbandoned}
}

// DesiredStatusNames returns the names of DesiredStatuses as strings.
func DesiredStatusNames() []string {
	all := DesiredStatuses()
	names := make([]string, len(all))
	for i, d := range all {
		names[i] = string(d)
	}
	return names
}

// ParseDesiredStatus returns the desired status with the given name, in any case.
func ParseDesiredStatus(name string) (DesiredStatus, bool) {
	for _, d := range DesiredStatuses() {
		if strings.EqualFold(string(d), name) {
			return d, true
		}
	}
	return "", false
}

// NeedsApproval reports whether only an approved request can be moved to d: completing and
// abandoning do, canceling does not.
func (d DesiredStatus) NeedsApproval() bool {
	return d == DesiredCompleted || d == DesiredAbandoned
}

// Target returns the observed status that satisfies d.
func (d DesiredStatus) Target() Status {
	return desiredTable[d]
}

// DesiredStatusFor returns the desired status that s satisfies, if any.
func DesiredStatusFor(s Status) (DesiredStatus, bool) {
	for d, target := range desiredTable {
		if target == s {
			return d, true
		}
	}
	return "", false
}
