package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	client   *mimcm.Client
	reads    *readCache
	targets  *plannedTargets
	policies *policyCache
}

func newProviderData(client *mimcm.Client) *providerData {
	return &providerData{client: client, reads: newReadCache(readCacheTTL), targets: newPlannedTargets(), policies: newPolicyCache()}
}

// providerDataFrom converts the value Terraform passes to Configure methods.
// A nil value means the provider is not configured yet (its arguments are
// still unknown), which is not an error.
func providerDataFrom(v any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v == nil {
		return nil, diags
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", v))
	}
	return data, diags
}

// objectKind is a kind of Terraform object, named as a user reads it, with
// what Terraform does with it.
type objectKind struct{ name, verb string }

var (
	resourceObject     = objectKind{"resource", "applied"}
	dataSourceObject   = objectKind{"data source", "read"}
	listResourceObject = objectKind{"list resource", "listed"}
	actionObject       = objectKind{"action", "invoked"}
)

// providerConfigured reports an error when the provider has no client,
// which happens when its arguments are still unknown when Terraform needs
// typeName, an object of kind, to call the API: most often because host or
// a credential comes from a resource that is not created yet.
func providerConfigured(data *providerData, kind objectKind, typeName string, diags *diag.Diagnostics) bool {
	if data != nil {
		return true
	}
	object := "the " + kind.name + " " + typeName
	diags.AddError("Provider not configured",
		fmt.Sprintf("The mimcm provider's arguments are not known yet, so %s cannot be %s. "+
			"Set host and the credentials from values known before this run, "+
			"or apply the resources they come from first (terraform apply -target=...) and then run again.",
			object, kind.verb))
	return false
}

// readCacheTTL bounds how old a read taken while planning may be when the
// apply that follows it uses it instead of reading again.
const readCacheTTL = 30 * time.Second

// readCachePerEntry lengthens the ttl of the reads of one plan by this much
// for each of them: Terraform's own work between a plan and the apply that
// follows it grows with the entries of a mimcm_request_statuses, and at
// 100,000 entries it took longer than readCacheTTL (make bench-scale), so
// that the apply found every read expired and read each request again.
const readCachePerEntry = time.Millisecond

// readCache hands a request read while planning a create to the create that
// follows in the same provider process. Terraform plans each resource again
// just before applying it, so without it every create would read the
// request twice in a row. Entries are taken once and expire quickly.
type readCache struct {
	ttl     time.Duration
	now     func() time.Time
	mu      sync.Mutex
	entries map[mimcm.GUID]cachedRead
	// swept is when expired entries were last dropped: at most once a ttl,
	// since mimcm_request_statuses puts and takes one entry for each of
	// its requests, and sweeping on every take made its apply quadratic.
	swept time.Time
}

type cachedRead struct {
	request *mimcm.Request
	expires time.Time
}

func newReadCache(ttl time.Duration) *readCache {
	return &readCache{ttl: ttl, now: time.Now, entries: map[mimcm.GUID]cachedRead{}}
}

// put remembers a fresh read for the cache's ttl and extra. The cache keeps
// r itself, not a copy (a plan of many entries holds them all): the caller
// must not change it after.
func (c *readCache) put(id mimcm.GUID, r *mimcm.Request, extra time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.sweep(now)
	c.entries[id] = cachedRead{request: r, expires: now.Add(c.ttl + extra)}
}

// take returns and forgets the read of id if it is fresh enough.
func (c *readCache) take(id mimcm.GUID) (*mimcm.Request, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.sweep(now)
	e, ok := c.entries[id]
	if !ok {
		return nil, false
	}
	delete(c.entries, id)
	if now.After(e.expires) {
		return nil, false
	}
	return e.request, true
}

// sweep drops the expired entries, unless it did less than a ttl ago: no
// entry outlives its expiry by more than a ttl.
func (c *readCache) sweep(now time.Time) {
	if now.Sub(c.swept) < c.ttl {
		return
	}
	c.swept = now
	for key, e := range c.entries {
		if now.After(e.expires) {
			delete(c.entries, key)
		}
	}
}

// policyCache reads each workflow policy once per provider process, so
// that a plan of many requests from one template reads its policy once.
// Failures are kept too: a policy that cannot be read now will not be
// readable a moment later in the same plan.
type policyCache struct {
	mu      sync.Mutex
	entries map[policyKey]*policyEntry
}

type policyKey struct {
	template    mimcm.GUID
	requestType mimcm.RequestType
}

type policyEntry struct {
	once   sync.Once
	policy *mimcm.WorkflowPolicy
	err    error
}

func newPolicyCache() *policyCache {
	return &policyCache{entries: map[policyKey]*policyEntry{}}
}

// get returns the policy of a template for a request type, reading it on
// first use.
func (c *policyCache) get(ctx context.Context, client *mimcm.Client, template mimcm.GUID, t mimcm.RequestType) (*mimcm.WorkflowPolicy, error) {
	key := policyKey{template: template, requestType: t}
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &policyEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.policy, e.err = client.GetWorkflowPolicy(ctx, template, t) })
	return e.policy, e.err
}
