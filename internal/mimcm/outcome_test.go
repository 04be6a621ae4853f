package mimcm_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// TestSetStatus_lostAnswerIsReadNotRepeated has the mock apply every PUT
// and lose its answer (lost_put chaos). The client must read each request
// before anything else, find it done, and send no further PUT: one PUT per
// request, none to a request already Completed or Canceled.
func TestSetStatus_lostAnswerIsReadNotRepeated(t *testing.T) {
	t.Parallel()
	m := mockapi.New(mockapi.Options{})
	var ids []mimcm.GUID
	for i := range 10 {
		r := mockapi.ExampleRequest()
		r.Uuid = mimcm.GUID(fmt.Sprintf("1057a115-0000-4000-8000-%012d", i))
		ids = append(ids, r.Uuid)
		m.Seed(r)
	}
	if err := m.SetChaos(mockapi.Chaos{Seed: 1, LostPUTRate: 1}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(m)
	srv.Config.ConnContext = m.ConnContext
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := mimcm.NewClient(mimcm.Config{Host: srv.URL, MaxRetries: mimcm.DefaultMaxRetries, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		desired := []mimcm.DesiredStatus{mimcm.DesiredCompleted, mimcm.DesiredCanceled}[i%2]
		got, err := c.SetStatus(context.Background(), id, desired)
		if err != nil {
			t.Fatalf("SetStatus(%s, %s): %v", id, desired, err)
		}
		if !got.Status.Satisfies(desired) {
			t.Errorf("%s is %s, want %s", id, got.Status, desired)
		}
	}
	puts := map[mimcm.GUID]int{}
	for _, call := range m.Calls() {
		if call.Method == "PUT" {
			puts[call.RequestID]++
			if call.Chaos != "lost_put" {
				t.Errorf("PUT %s was not the one whose answer was lost (answered %d): a PUT to a request already done", call.RequestID, call.Status)
			}
		}
	}
	for _, id := range ids {
		if puts[id] != 1 {
			t.Errorf("request %s got %d PUTs, want 1", id, puts[id])
		}
	}
	if counts := m.Counts(); counts["PUT"] != 10 || counts["GET"] != 10 {
		t.Errorf("calls = %v, want 10 PUTs and 10 settling GETs", counts)
	}
}
