package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// TestProviderNotConfigured_everyObject calls every object that needs the
// API on a provider whose arguments are not known yet: each fails with the
// one error, which names the object's kind and type, and says what to do.
func TestProviderNotConfigured_everyObject(t *testing.T) {
	s := newProtocolServer(t, nil)
	const request = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"
	wantError := func(t *testing.T, diags []*tfprotov6.Diagnostic, object, verb string) {
		t.Helper()
		expectError(t, object, diags, "", "Provider not configured", "arguments are not known yet",
			object+" cannot be "+verb, "Set host and the credentials", "terraform apply -target")
	}

	for _, typeName := range []string{"mimcm_request", "mimcm_requests", "mimcm_profile_templates", "mimcm_profile_template_policy"} {
		t.Run("data source "+typeName, func(t *testing.T) {
			resp, err := s.ReadDataSource(t.Context(), &tfprotov6.ReadDataSourceRequest{
				TypeName: typeName,
				Config:   dynamicValue(t, s.schemas.DataSourceSchemas[typeName], nil),
			})
			if err != nil {
				t.Fatal(err)
			}
			wantError(t, resp.Diagnostics, "the data source "+typeName, "read")
		})
	}
	for typeName, planned := range map[string]map[string]any{
		"mimcm_request_status":   {"request_id": request, "status": "Completed"},
		"mimcm_request":          {},
		"mimcm_request_statuses": {"requests": map[string]string{request: "Completed"}},
	} {
		t.Run("resource "+typeName, func(t *testing.T) {
			schema := s.schemas.ResourceSchemas[typeName]
			resp, err := s.ApplyResourceChange(t.Context(), &tfprotov6.ApplyResourceChangeRequest{
				TypeName:     typeName,
				PriorState:   nullValue(t, schema),
				PlannedState: dynamicValue(t, schema, planned),
				Config:       dynamicValue(t, schema, planned),
			})
			if err != nil {
				t.Fatal(err)
			}
			wantError(t, resp.Diagnostics, "the resource "+typeName, "applied")
		})
	}
	t.Run("list resource mimcm_request_status", func(t *testing.T) {
		_, diags := s.list(t, nil, false, 10)
		wantError(t, diags, "the list resource mimcm_request_status", "listed")
	})
	t.Run("action "+actionType, func(t *testing.T) {
		_, diags := s.invoke(t, map[string]any{"request_id": request, "status": "Completed"})
		wantError(t, diags, "the action "+actionType, "invoked")
	})
}

// A read put while planning is taken once, while it is fresh; expired
// reads are dropped by a sweep that runs at most once a ttl (each take
// used to walk every entry, which made taking the reads of a
// mimcm_request_statuses quadratic in its entries), so that none stays
// more than two ttls.
func TestReadCache(t *testing.T) {
	t.Parallel()
	const ttl = time.Minute
	t0 := time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC)
	now := t0
	c := newReadCache(ttl)
	c.now = func() time.Time { return now }
	a, b, d := mimcm.GUID("a"), mimcm.GUID("b"), mimcm.GUID("d")
	at := func(offset time.Duration) { now = t0.Add(offset) }

	c.put(a, &mimcm.Request{Uuid: a}, 0)
	if got, ok := c.take(a); !ok || got.Uuid != a {
		t.Fatalf("take(a) = %v, %v; want a's read", got, ok)
	}
	if _, ok := c.take(a); ok {
		t.Fatal("a read was taken twice")
	}

	c.put(a, &mimcm.Request{Uuid: a}, 0)
	at(ttl / 2)
	c.put(b, &mimcm.Request{Uuid: b}, 0)
	at(ttl + time.Second) // a expired; the sweep drops it
	c.put(d, &mimcm.Request{Uuid: d}, 0)
	if _, ok := c.entries[a]; ok {
		t.Error("the sweep a ttl after the last one left an expired read")
	}
	at(ttl + ttl*3/5) // b expired; the last sweep was less than a ttl ago
	if _, ok := c.take(d); !ok {
		t.Error("a fresh read was not taken")
	}
	if _, ok := c.entries[b]; !ok {
		t.Error("the cache swept twice within a ttl: every take walks every read again")
	}
	if _, ok := c.take(b); ok {
		t.Error("an expired read was taken")
	}
	c.put(b, &mimcm.Request{Uuid: b}, 0)
	at(3 * ttl)
	c.take(a)
	if len(c.entries) != 0 {
		t.Errorf("reads older than two ttls are kept: %v", c.entries)
	}
}

// The reads of a plan of many entries are kept longer, by the extra time
// put is given, and swept once expired like the others.
func TestReadCache_extra(t *testing.T) {
	t.Parallel()
	const ttl = time.Minute
	t0 := time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC)
	now := t0
	c := newReadCache(ttl)
	c.now = func() time.Time { return now }
	a, b := mimcm.GUID("a"), mimcm.GUID("b")
	c.put(a, &mimcm.Request{Uuid: a}, 2*ttl)
	c.put(b, &mimcm.Request{Uuid: b}, 2*ttl)
	now = t0.Add(2 * ttl)
	if got, ok := c.take(a); !ok || got.Uuid != a {
		t.Errorf("take(a) after two ttls = %v, %v; want the read kept three", got, ok)
	}
	now = t0.Add(3*ttl + time.Second)
	c.take(a)
	if len(c.entries) != 0 {
		t.Errorf("an expired read was kept: %v", c.entries)
	}
}
