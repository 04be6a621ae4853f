package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// plannedTargets remembers, for one configured provider, which request
// each planned resource (or entry of a bulk resource) drives to which
// status, so that two that target one request with different statuses
// fail at plan time instead of racing each other's PUTs to an
// irreversible end. Terraform configures the provider afresh for each
// walk (plan, then apply), so the registry holds one walk's claims.
type plannedTargets struct {
	mu     sync.Mutex
	claims map[mimcm.GUID][]targetClaim
}

// targetClaim is one planned wish for a request's status.
type targetClaim struct {
	// Owner identifies what claims: the same owner claiming the same
	// request again is the same claim, as when Terraform plans a replaced
	// instance a second time. See claimOwner.
	Owner string
	// Who says what claims, in the user's words, for messages: for
	// example `a mimcm_request_status with request_id "A9B4…"`.
	Who     string
	Desired mimcm.DesiredStatus
}

func newPlannedTargets() *plannedTargets {
	return &plannedTargets{claims: map[mimcm.GUID][]targetClaim{}}
}

// claim records that c wants request id in c.Desired. It returns an error
// when another owner wants id in another status, and a warning when
// another owner wants the same status; a repeated claim of the same owner
// says nothing. Diagnostics carry no attribute path: the caller attaches
// them where it sees fit.
func (t *plannedTargets) claim(id mimcm.GUID, c targetClaim) diag.Diagnostics {
	var diags diag.Diagnostics
	t.mu.Lock()
	defer t.mu.Unlock()
	var others []targetClaim
	for _, o := range t.claims[id] {
		if o.Owner == c.Owner {
			if o.Desired == c.Desired {
				return diags
			}
			continue // the owner's plan changed: its new claim replaces the old
		}
		others = append(others, o)
	}
	t.claims[id] = append(others, c)
	for _, o := range others {
		if o.Desired == c.Desired {
			continue
		}
		diags.AddError(fmt.Sprintf("Request %s is given two different statuses", id),
			fmt.Sprintf("%s asks for %s, and %s in the same configuration asks for %s. "+
				"A final status cannot be undone, so whichever change ran first would win for good. "+
				"Keep one of them: remove the other, or point it at another request.",
				capitalize(c.Who), c.Desired, o.Who, o.Desired))
		return diags
	}
	if len(others) > 0 {
		diags.AddWarning(fmt.Sprintf("Request %s is managed twice", id),
			fmt.Sprintf("%s and %s both ask for %s. Both may send the change, and the one that comes second can fail "+
				"on a request the first has already finished; keep one of them.", capitalize(c.Who), others[0].Who, c.Desired))
	}
	return diags
}

// claimOwnerKey is the private state key under which a resource keeps the
// owner of its claims.
const claimOwnerKey = "target_owner"

// privateState is the part of the framework's private state data that
// claimOwner needs.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// rawPrivate is a resource instance's private state as Terraform carries
// it, for answers the provider gives without the framework: the
// framework's encoding, a JSON object from each key to its JSON value (as
// base64), which holds the framework's own keys beside the provider's.
// Terraform keeps these bytes with the state, so the encoding cannot change
// without breaking every state that has them.
type rawPrivate struct {
	keys    map[string][]byte
	changed bool
}

// decodePrivate reads private state bytes; none is an empty private state.
func decodePrivate(raw []byte) (*rawPrivate, error) {
	p := &rawPrivate{keys: map[string][]byte{}}
	if len(raw) == 0 {
		return p, nil
	}
	if err := json.Unmarshal(raw, &p.keys); err != nil {
		return nil, err
	}
	return p, nil
}

// holdsFrameworkKeys reports whether the private state holds keys of the
// framework's own.
func (p *rawPrivate) holdsFrameworkKeys() bool {
	for k := range p.keys {
		if frameworkKey(k) {
			return true
		}
	}
	return false
}

// keptAsTheFramework reports whether raw, the bytes p was decoded from,
// are what the framework would give back of them unchanged: it refuses
// values that are not valid UTF-8 and JSON, drops empty ones and
// re-encodes the rest, which gives no bytes for no keys. Answers given
// without the framework take only private state that holds none of the
// framework's own keys and that it would give back as it came.
func (p *rawPrivate) keptAsTheFramework(raw []byte) bool {
	if p.holdsFrameworkKeys() {
		return false
	}
	if len(p.keys) == 0 {
		return len(raw) == 0
	}
	for _, v := range p.keys {
		if len(v) == 0 || !utf8.Valid(v) || !json.Valid(v) {
			return false
		}
	}
	again, err := json.Marshal(p.keys)
	return err == nil && bytes.Equal(again, raw)
}

// frameworkKey reports whether a private state key is one the framework
// keeps for itself: those begin with a dot.
func frameworkKey(key string) bool { return strings.HasPrefix(key, ".") }

// GetKey returns the value of a provider's key.
func (p *rawPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p.keys[key], nil
}

// SetKey sets a provider's key to a JSON value.
func (p *rawPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	var diags diag.Diagnostics
	if frameworkKey(key) || !json.Valid(value) {
		diags.AddError("Cannot plan", fmt.Sprintf("The private state key %q or its value is invalid. This is a bug in the provider; please report it.", key))
		return diags
	}
	p.keys[key] = value
	p.changed = true
	return diags
}

// encode returns the private state's bytes: prior itself when nothing
// changed.
func (p *rawPrivate) encode(prior []byte) ([]byte, error) {
	if !p.changed {
		return prior, nil
	}
	return json.Marshal(p.keys)
}

// claimOwner returns the owner of a resource instance's claims: the one its
// private state carries, or a new one, which it stores in the planned
// private state. Terraform hands the private state planned first to the
// second plan of a replaced instance, so both plans claim as one owner.
func claimOwner(ctx context.Context, prior, planned privateState) (string, diag.Diagnostics) {
	raw, diags := prior.GetKey(ctx, claimOwnerKey)
	var owner string
	if len(raw) > 0 && json.Unmarshal(raw, &owner) == nil && owner != "" {
		return owner, diags
	}
	owner = rand.Text()
	value, err := json.Marshal(owner)
	if err != nil {
		diags.AddError("Cannot plan", fmt.Sprintf("Encoding the private state: %v. This is a bug in the provider; please report it.", err))
		return owner, diags
	}
	diags.Append(planned.SetKey(ctx, claimOwnerKey, value)...)
	return owner, diags
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// claimTarget claims, for a planned mimcm_request_status, the request its
// plan targets. raw is its planned object; request_id and status must be
// known for a claim, and a provider not configured yet claims nothing.
func (r *RequestStatusResource) claimTarget(ctx context.Context, raw tftypes.Value, prior, planned privateState) diag.Diagnostics {
	if r.data == nil {
		return nil
	}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return nil // not an object: the framework reports it
	}
	var requestID, status string
	if !attrs["request_id"].IsFullyKnown() || !attrs["status"].IsFullyKnown() ||
		attrs["request_id"].As(&requestID) != nil || attrs["status"].As(&status) != nil {
		return nil
	}
	owner, diags := claimOwner(ctx, prior, planned)
	if diags.HasError() {
		return diags
	}
	diags.Append(r.data.targets.claimConfigured(requestID, status, owner,
		"a mimcm_request_status with request_id "+mimcm.QuoteInput(requestID), path.Root("request_id"))...)
	return diags
}

// claimConfigured claims request requestID in status, both as configured,
// for owner (see targetClaim), and attaches what it reports to at. Values
// the validators refuse claim nothing.
func (t *plannedTargets) claimConfigured(requestID, status, owner, who string, at path.Path) diag.Diagnostics {
	id, err := mimcm.ParseGUID(requestID)
	desired, ok := mimcm.ParseDesiredStatus(status)
	if err != nil || !ok {
		return nil
	}
	var diags diag.Diagnostics
	for _, d := range t.claim(id, targetClaim{Owner: owner + "/" + string(id), Who: who, Desired: desired}) {
		diags.Append(diag.WithPath(at, d))
	}
	return diags
}

// maxClaimReports bounds the entries of one mimcm_request_statuses whose
// claims are reported one by one, errors and warnings each: two resources
// that share thousands of requests would otherwise print thousands of
// diagnostics. The rest are named in one more of each.
const maxClaimReports = 10

// claimEntries claims, for a planned mimcm_request_statuses, the request of
// each entry of requests whose key and status are known, in the order of
// the keys. Each entry claims as an owner of its own, so that two keys of
// one resource for the same request are compared too; duplicate keys are
// also reported by ModifyPlan itself, in the words of the map.
func (r *RequestStatusesResource) claimEntries(ctx context.Context, raw tftypes.Value, prior, planned privateState) diag.Diagnostics {
	if r.data == nil {
		return nil
	}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil || !attrs["requests"].IsFullyKnown() {
		return nil
	}
	var requests map[string]tftypes.Value
	if err := attrs["requests"].As(&requests); err != nil {
		return nil
	}
	owner, diags := claimOwner(ctx, prior, planned)
	if diags.HasError() {
		return diags
	}
	var reported [2]int        // by severity: errors, warnings
	var unreported [2][]string // the keys beyond maxClaimReports
	for _, key := range slices.Sorted(maps.Keys(requests)) {
		var status string
		if requests[key].As(&status) != nil {
			continue
		}
		for _, d := range r.data.targets.claimConfigured(key, status, owner,
			"the entry "+mimcm.QuoteInput(key)+" of a mimcm_request_statuses", path.Root("requests").AtMapKey(key)) {
			kind := 0
			if d.Severity() == diag.SeverityWarning {
				kind = 1
			}
			if reported[kind] == maxClaimReports {
				unreported[kind] = append(unreported[kind], key)
				continue
			}
			reported[kind]++
			diags.Append(d)
		}
	}
	if keys := unreported[0]; len(keys) > 0 {
		diags.AddAttributeError(path.Root("requests"), fmt.Sprintf("%d more requests are given two different statuses", len(keys)),
			"Other resources in the same configuration ask for another status for the requests of these entries too: "+
				quoteKeys(keys)+". Keep one resource for each request.")
	}
	if keys := unreported[1]; len(keys) > 0 {
		diags.AddAttributeWarning(path.Root("requests"), fmt.Sprintf("%d more requests are managed twice", len(keys)),
			"Other resources in the same configuration ask for the same status for the requests of these entries too: "+
				quoteKeys(keys)+". Keep one resource for each request.")
	}
	return diags
}

// quoteKeys lists keys of requests for a message, the first hundred of
// them.
func quoteKeys(keys []string) string {
	const most = 100
	quoted := make([]string, 0, min(len(keys), most))
	for _, k := range keys[:min(len(keys), most)] {
		quoted = append(quoted, mimcm.QuoteInput(k))
	}
	if len(keys) > most {
		return strings.Join(quoted, ", ") + fmt.Sprintf(" and %d more", len(keys)-most)
	}
	return strings.Join(quoted, ", ")
}
