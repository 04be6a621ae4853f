package mockapi

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// TestPut_referenceExample replays the documented PUT and compares the
// answer byte for byte with the reference page's body (compacted).
func TestPut_referenceExample(t *testing.T) {
	f := newFixture(t, Options{}, ExampleRequest())
	ref, err := os.ReadFile("testdata/reference_put_response.json")
	if err != nil {
		t.Fatal(err)
	}
	r := f.do(t, http.MethodPut, "/certificatemanagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", `{
    "status":"Completed"
}`)
	wantStatus(t, r, http.StatusOK)
	wantJSONType(t, r)
	if want := compactJSON(t, ref); !bytes.Equal(r.body, want) {
		t.Fatalf("PUT answer differs from the reference:\n want %s\n got  %s", want, r.body)
	}
}

// TestPut_lifecycle tries every desired status on a request in every status
// of the table (and one unknown number).
func TestPut_lifecycle(t *testing.T) {
	// allowed is the lifecycle of the API notes, written out independently
	// of the implementation's table.
	allowed := map[string]mimcm.Status{
		"None/Canceled":       mimcm.StatusCanceled,
		"Approved/Completed":  mimcm.StatusCompleted,
		"Approved/Canceled":   mimcm.StatusCanceled,
		"Approved/Abandoned":  mimcm.StatusFailed,
		"Pending/Canceled":    mimcm.StatusCanceled,
		"Executing/Completed": mimcm.StatusCompleted,
		"Executing/Canceled":  mimcm.StatusCanceled,
		"Executing/Abandoned": mimcm.StatusFailed,
	}
	refusals := map[string]string{
		"None/Completed":        "Request %s is None (status 0) and awaits approval, so it cannot be completed; only a request that is Approved or Executing can be, and an approver approves it in the CM portal",
		"None/Abandoned":        "Request %s is None (status 0) and awaits approval, so it cannot be abandoned; only a request that is Approved or Executing can be, and an approver approves it in the CM portal",
		"Denied/Completed":      "Request %s is Denied (status 4), a terminal status, and cannot be completed",
		"Denied/Canceled":       "Request %s is Denied (status 4), a terminal status, and cannot be canceled",
		"Denied/Abandoned":      "Request %s is Denied (status 4), a terminal status, and cannot be abandoned",
		"Completed/Completed":   "Request %s is already Completed (status 8) and cannot be completed again",
		"Completed/Canceled":    "Request %s is Completed (status 8), a terminal status, and cannot be canceled",
		"Completed/Abandoned":   "Request %s is Completed (status 8), a terminal status, and cannot be abandoned",
		"Failed/Completed":      "Request %s is Failed (status 9), a terminal status, and cannot be completed",
		"Failed/Canceled":       "Request %s is Failed (status 9), a terminal status, and cannot be canceled",
		"Failed/Abandoned":      "Request %s is already Failed (status 9) and cannot be abandoned again",
		"Pending/Completed":     "Request %s is Pending (status 16) and awaits approval, so it cannot be completed; only a request that is Approved or Executing can be, and an approver approves it in the CM portal",
		"Pending/Abandoned":     "Request %s is Pending (status 16) and awaits approval, so it cannot be abandoned; only a request that is Approved or Executing can be, and an approver approves it in the CM portal",
		"Canceled/Completed":    "Request %s is Canceled (status 17), a terminal status, and cannot be completed",
		"Canceled/Canceled":     "Request %s is already Canceled (status 17) and cannot be canceled again",
		"Canceled/Abandoned":    "Request %s is Canceled (status 17), a terminal status, and cannot be abandoned",
		"Unknown(42)/Completed": "Request %s is Unknown(42) (status 42) and cannot be completed; only a request that is Approved or Executing can be",
		"Unknown(42)/Canceled":  "Request %s is Unknown(42) (status 42) and cannot be canceled; only a request that is Pending, None, Approved or Executing can be",
		"Unknown(42)/Abandoned": "Request %s is Unknown(42) (status 42) and cannot be abandoned; only a request that is Approved or Executing can be",
	}
	statuses := append(mimcm.Statuses(), mimcm.Status(42))
	if got := len(statuses) * len(mimcm.DesiredStatuses()); got != len(allowed)+len(refusals) {
		t.Fatalf("the tables cover %d cases, want %d", len(allowed)+len(refusals), got)
	}
	for _, from := range statuses {
		for _, desired := range mimcm.DesiredStatuses() {
			name := fmt.Sprintf("%s/%s", from, desired)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				before := requestWith(exampleID, from)
				f := newFixture(t, Options{}, before)
				f.clock.Set(t0.Add(time.Hour))
				r := f.do(t, http.MethodPut, base+"/requests/"+exampleID, fmt.Sprintf(`{"status":%q}`, desired))
				got, _ := f.Request(exampleID)
				if want, ok := allowed[name]; ok {
					wantStatus(t, r, http.StatusOK)
					wantJSONType(t, r)
					after := before
					after.Status = want
					after.Completed = mimcm.NewTimestamp(t0.Add(time.Hour))
					if !reflect.DeepEqual(got, after) {
						t.Fatalf("stored request:\n want %+v\n got  %+v", after, got)
					}
					if answered := r.request(t); !reflect.DeepEqual(answered, after) {
						t.Fatalf("answered request:\n want %+v\n got  %+v", after, answered)
					}
					return
				}
				why, ok := refusals[name]
				if !ok {
					t.Fatalf("no expectation for %s", name)
				}
				wantServerError(t, r, fmt.Sprintf(why, exampleID))
				if !reflect.DeepEqual(got, before) {
					t.Fatalf("a refused PUT changed the request:\n want %+v\n got  %+v", before, got)
				}
			})
		}
	}
}

func TestPut_refused(t *testing.T) {
	tests := []struct {
		name, path, body, why string
	}{
		{"unknown id", base + "/requests/" + otherID, `{"status":"Completed"}`,
			"Request " + otherID + " was not found"},
		{"malformed id", base + "/requests/nope", `{"status":"Completed"}`,
			"The request is invalid: 'nope' is not a valid GUID for parameter 'id'"},
		{"empty body", base + "/requests/" + exampleID, ``,
			`The request body is empty; want {"status":"Completed"}, "Canceled" or "Abandoned"`},
		{"not JSON", base + "/requests/" + exampleID, `status=Completed`,
			`The request body is not valid JSON (invalid character 's' looking for beginning of value); want {"status":"Completed"}, "Canceled" or "Abandoned"`},
		{"no status", base + "/requests/" + exampleID, `{"state":"Completed"}`,
			`The request body has no status; want {"status":"Completed"}, "Canceled" or "Abandoned"`},
		{"null status", base + "/requests/" + exampleID, `{"status":null}`,
			`The request body has no status; want {"status":"Completed"}, "Canceled" or "Abandoned"`},
		{"number", base + "/requests/" + exampleID, `{"status":8}`,
			"The status 8 is not a string; want Completed, Canceled or Abandoned"},
		{"unknown value", base + "/requests/" + exampleID, `{"status":"Failed"}`,
			"'Failed' is not a status a request can be set to; want Completed, Canceled, Abandoned"},
		{"array", base + "/requests/" + exampleID, `["Completed"]`,
			`The request body is not a JSON object; want {"status":"Completed"}, "Canceled" or "Abandoned"`},
		{"body too large", base + "/requests/" + exampleID, `{"status":"Completed","pad":"` + strings.Repeat("x", 1<<20) + `"}`,
			"The request body is larger than 1048576 bytes"},
		{"bad body wins over unknown id", base + "/requests/" + otherID, `{}`,
			`The request body has no status; want {"status":"Completed"}, "Canceled" or "Abandoned"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{}, ExampleRequest())
			r := f.do(t, http.MethodPut, tt.path, tt.body)
			wantServerError(t, r, tt.why)
			if got, _ := f.Request(exampleID); !reflect.DeepEqual(got, ExampleRequest()) {
				t.Fatalf("a refused PUT changed the request: %+v", got)
			}
		})
	}
}

// TestPut_caseInsensitive: the key and the value of the body match in any
// letter case, the GUID in the path too.
func TestPut_caseInsensitive(t *testing.T) {
	for _, body := range []string{`{"status":"completed"}`, `{"STATUS":"COMPLETED"}`, `{"Status":"Completed"}`} {
		t.Run(body, func(t *testing.T) {
			f := newFixture(t, Options{}, ExampleRequest())
			r := f.do(t, http.MethodPut, "/CERTIFICATEMANAGEMENT/API/V1.0/REQUESTS/"+strings.ToUpper(exampleID), body)
			wantStatus(t, r, http.StatusOK)
			if got := r.request(t).Status; got != mimcm.StatusCompleted {
				t.Fatalf("status: want 8, got %d", got)
			}
		})
	}
}

func TestPut_noContentMode(t *testing.T) {
	f := newFixture(t, Options{}, ExampleRequest())
	f.SetPutNoContent(true)
	wantNoContent(t, f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Canceled"}`))
	if got, _ := f.Request(exampleID); got.Status != mimcm.StatusCanceled || got.Completed != mimcm.NewTimestamp(t0) {
		t.Fatalf("after a 204 PUT: want Canceled at %v, got %s at %v", t0, got.Status, got.Completed)
	}
	// Refusals still answer 500 with a message.
	r := f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`)
	wantServerError(t, r, "Request "+exampleID+" is Canceled (status 17), a terminal status, and cannot be completed")
}

func TestPut_executingPolls(t *testing.T) {
	tests := []struct {
		polls int
		// seen is the status each GET after the PUT answers.
		seen []mimcm.Status
	}{
		{0, []mimcm.Status{8, 8}},
		{1, []mimcm.Status{18, 8, 8}},
		{2, []mimcm.Status{18, 18, 8, 8}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.polls), func(t *testing.T) {
			f := newFixture(t, Options{}, ExampleRequest())
			f.SetExecutingPolls(tt.polls)
			r := f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`)
			wantStatus(t, r, http.StatusOK)
			put := r.request(t)
			if tt.polls == 0 {
				if put.Status != mimcm.StatusCompleted || put.Completed != mimcm.NewTimestamp(t0) {
					t.Fatalf("PUT answered %s at %v, want Completed at %v", put.Status, put.Completed, t0)
				}
			} else if put.Status != mimcm.StatusExecuting || !put.Completed.IsZero() {
				t.Fatalf("PUT answered %s at %v, want Executing with no Completed time", put.Status, put.Completed)
			}
			for i, want := range tt.seen {
				f.clock.Set(t0.Add(time.Duration(i+1) * time.Second))
				got := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "").request(t)
				if got.Status != want {
					t.Fatalf("GET %d: want %s, got %s", i+1, want, got.Status)
				}
				if want == mimcm.StatusExecuting && !got.Completed.IsZero() {
					t.Fatalf("GET %d: Executing with Completed %v", i+1, got.Completed)
				}
				if want == mimcm.StatusCompleted && got.Completed.IsZero() {
					t.Fatalf("GET %d: Completed without a Completed time", i+1)
				}
			}
			// The request completes right after the last Executing GET, by
			// the clock of that GET.
			if tt.polls > 0 {
				got, _ := f.Request(exampleID)
				if wantAt := mimcm.NewTimestamp(t0.Add(time.Duration(tt.polls) * time.Second)); got.Completed != wantAt {
					t.Fatalf("Completed: want %v, got %v", wantAt, got.Completed)
				}
			}
		})
	}
}

func TestPut_executingPollsOtherRoutes(t *testing.T) {
	t.Run("list GETs and faulted GETs do not count", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.SetExecutingPolls(1)
		wantStatus(t, f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`), http.StatusOK)
		wantStatus(t, f.do(t, http.MethodGet, base+"/requests", ""), http.StatusOK)
		f.AddFault(Fault{Status: 503, Count: 1})
		wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), http.StatusServiceUnavailable)
		if got, _ := f.Request(exampleID); got.Status != mimcm.StatusExecuting {
			t.Fatalf("want still Executing, got %s", got.Status)
		}
		if got := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "").request(t).Status; got != mimcm.StatusExecuting {
			t.Fatalf("first GET: want Executing, got %s", got)
		}
		if got, _ := f.Request(exampleID); got.Status != mimcm.StatusCompleted {
			t.Fatalf("after the GET: want Completed, got %s", got.Status)
		}
	})
	t.Run("PUT Completed while Executing completes at once", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.SetExecutingPolls(5)
		wantStatus(t, f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`), http.StatusOK)
		r := f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"completed"}`)
		if got := r.request(t); got.Status != mimcm.StatusCompleted || got.Completed.IsZero() {
			t.Fatalf("want Completed with a time, got %s at %v", got.Status, got.Completed)
		}
	})
	t.Run("cancel while Executing", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.SetExecutingPolls(1)
		wantStatus(t, f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`), http.StatusOK)
		r := f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Canceled"}`)
		if got := r.request(t).Status; got != mimcm.StatusCanceled {
			t.Fatalf("want Canceled, got %s", got)
		}
		if got := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "").request(t).Status; got != mimcm.StatusCanceled {
			t.Fatalf("GET after cancel: want Canceled, got %s", got)
		}
	})
	t.Run("drift away from Executing stops the countdown", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.SetExecutingPolls(1)
		wantStatus(t, f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`), http.StatusOK)
		f.Update(exampleID, func(r *mimcm.Request) { r.Status = mimcm.StatusFailed })
		for range 2 {
			if got := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "").request(t).Status; got != mimcm.StatusFailed {
				t.Fatalf("want Failed, got %s", got)
			}
		}
	})
}
