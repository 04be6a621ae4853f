package provider

import (
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

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
