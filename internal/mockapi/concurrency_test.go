package mockapi

import (
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// TestConcurrentLoad races 50 clients over 10 requests: each request is
// PUT by 5 of them at once, and exactly one PUT per request may win. Run it
// with -race.
func TestConcurrentLoad(t *testing.T) {
	const (
		clients  = 50
		requests = 10
	)
	ids := make([]string, requests)
	var seed []mimcm.Request
	for i := range ids {
		ids[i] = fmt.Sprintf("%08x-0000-4000-8000-%012x", i+1, i+1)
		seed = append(seed, requestWith(ids[i], mimcm.StatusApproved))
	}
	f := newFixture(t, Options{}, seed...)
	desired := mimcm.DesiredStatuses()

	type outcome struct {
		id      string
		desired mimcm.DesiredStatus
		status  int
	}
	outcomes := make([]outcome, clients)
	var wg sync.WaitGroup
	for g := range clients {
		wg.Go(func() {
			id := ids[g%requests]
			d := desired[g%len(desired)]
			calls := []struct{ method, path, body string }{
				{http.MethodGet, base + "/requests/" + id, ""},
				{http.MethodPut, base + "/requests/" + id, fmt.Sprintf(`{"status":%q}`, d)},
				{http.MethodGet, base + "/requests", ""},
				{http.MethodGet, "/_mock/requests/" + id, ""},
			}
			for _, c := range calls {
				r, err := f.send(t, c.method, c.path, c.body)
				if err != nil {
					t.Error(err)
					return
				}
				if c.method == http.MethodPut {
					outcomes[g] = outcome{id: id, desired: d, status: r.status}
				}
			}
			f.Update(mimcm.GUID(id), func(r *mimcm.Request) { r.Priority++ })
			_ = f.Requests()
			_ = f.Calls()
			_ = f.Counts()
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	winners := map[string]mimcm.DesiredStatus{}
	for _, o := range outcomes {
		switch o.status {
		case http.StatusOK:
			if prev, ok := winners[o.id]; ok {
				t.Fatalf("request %s: two PUTs won (%s and %s)", o.id, prev, o.desired)
			}
			winners[o.id] = o.desired
		case http.StatusInternalServerError:
		default:
			t.Fatalf("request %s: PUT answered %d", o.id, o.status)
		}
	}
	if len(winners) != requests {
		t.Fatalf("want one winning PUT per request, got %d winners", len(winners))
	}
	for _, id := range ids {
		r, _ := f.Request(mimcm.GUID(id))
		if want := winners[id].Target(); r.Status != want {
			t.Errorf("request %s: want %s (the winning PUT), got %s", id, want, r.Status)
		}
		if r.Completed != mimcm.NewTimestamp(t0) {
			t.Errorf("request %s: Completed %v", id, r.Completed)
		}
		if r.Priority != clients/requests {
			t.Errorf("request %s: want Priority %d after %d Updates, got %d", id, clients/requests, clients/requests, r.Priority)
		}
	}
	want := map[string]int{"GET": 2 * clients, "PUT": clients, "POST": 0, "total": 3 * clients}
	if got := f.Counts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("counts: want %v, got %v", want, got)
	}
}
