package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// statusChange brings one request to a desired status. The
// mimcm_request_status resource and the mimcm_set_request_status action
// share it, so both send the same single PUT and wait the same way.
type statusChange struct {
	client *mimcm.Client
	// timeoutName names the argument to raise when waiting takes too long.
	timeoutName string
	// refused explains why a request in another final status can never
	// reach the desired one, in the words of the caller's configuration.
	refused func(mimcm.DesiredStatus, error) diag.Diagnostics
	// awaiting says what becomes of a request that must be approved before
	// it can reach the desired status; the request is returned unchanged
	// and no PUT is sent. When nil, that is an error.
	awaiting func(*mimcm.ApprovalError) diag.Diagnostics
	// progress, when not nil, hears what the change is doing: before the
	// PUT and at each read while the server has not finished.
	progress func(string)
}

// converge brings a request read as current to the desired status: it adopts
// a request already there, refuses one in another final status, and
// otherwise sets the status and waits for the server to finish.
func (c statusChange) converge(ctx context.Context, id mimcm.GUID, desired mimcm.DesiredStatus, current *mimcm.Request) (*mimcm.Request, diag.Diagnostics) {
	var diags diag.Diagnostics
	if current.Status.Satisfies(desired) {
		tflog.Info(ctx, "Request already has the desired status; adopting it without a change", map[string]any{"status": current.Status.String()})
		c.report(fmt.Sprintf("Request %s is already %s; nothing to change", id, current.Status))
		return current, diags
	}
	if err := mimcm.CheckTransition(id, current.Status, desired); err != nil {
		return nil, c.refused(desired, err)
	}
	var approval *mimcm.ApprovalError
	if errors.As(mimcm.CheckApproval(id, current.Status, desired), &approval) {
		// The server would refuse it, most likely with a bare 500: approval
		// happens in the CM portal, never through this API.
		tflog.Info(ctx, "Request awaits approval; sending no status change", map[string]any{"status": current.Status.String()})
		c.report(fmt.Sprintf("Request %s is %s and awaits approval; nothing sent", id, current.Status))
		if c.awaiting == nil {
			diags.AddError(fmt.Sprintf("Request %s awaits approval", id), approval.Error()+".")
			return nil, diags
		}
		return current, c.awaiting(approval)
	}
	tflog.Info(ctx, "Setting request status", map[string]any{"from": current.Status.String(), "to": string(desired)})
	c.report(fmt.Sprintf("Request %s is %s; asking the server to make it %s", id, current.Status, desired))
	got, err := c.client.SetStatus(ctx, id, desired)
	if err != nil {
		diags.AddError(fmt.Sprintf("Request %s could not be %s", id, verb(desired)), err.Error())
		return nil, diags
	}
	if got.Status.Satisfies(desired) {
		return got, diags
	}
	tflog.Info(ctx, "Waiting for the server to finish the request", map[string]any{"status": got.Status.String()})
	c.report(fmt.Sprintf("Request %s is %s; waiting for it to become %s", id, got.Status, desired.Target()))
	got, err = c.client.WaitForStatusReporting(ctx, id, desired, func(seen *mimcm.Request) {
		c.report(fmt.Sprintf("Request %s is still %s; waiting for it to become %s", id, seen.Status, desired.Target()))
	})
	if errors.Is(err, mimcm.ErrTransition) {
		return nil, c.refused(desired, err)
	}
	if err != nil {
		diags.AddError(fmt.Sprintf("Request %s did not become %s", id, desired),
			fmt.Sprintf("%v. The status change was accepted but did not finish in time; raise %s, or look at the request in the MIM CM portal.", err, c.timeoutName))
		return nil, diags
	}
	return got, diags
}

func (c statusChange) report(message string) {
	if c.progress != nil {
		c.progress(message)
	}
}

// transitionSubject names the request a refused transition is about.
func transitionSubject(err error) string {
	var te *mimcm.TransitionError
	if errors.As(err, &te) {
		return te.RequestID.String()
	}
	return "the request"
}
