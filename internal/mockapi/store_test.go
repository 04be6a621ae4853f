package mockapi

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

var v4GUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestExampleRequest(t *testing.T) {
	want := mimcm.Request{
		Uuid:                exampleID,
		RequestType:         1,
		Status:              mimcm.StatusApproved,
		Flags:               2,
		DataCollection:      []mimcm.DataCollectionItem{},
		DataCollectionFlags: 32,
		OriginatorUserUuid:  "8f1590dc-d932-4b66-8e68-2e91c5880780",
		TargetUserUuid:      "8f1590dc-d932-4b66-8e68-2e91c5880780",
		NewProfileUuid:      "b99ff38c-6653-471f-ae3c-325bb351a6bc",
		NewSmartcardUuid:    "17cf063d-e337-4aa9-a822-346554ddd3c9",
		ProfileTemplateUuid: "a039b4d0-5ce8-4eff-8651-181c6576fda3",
		SecurityDescriptor:  "O:S-1-5-21-2127521184-1604012920-1887927527-14134865D:(D;;LC;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094534)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5219125)(A;;SWRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;S-1-5-21-2127521184-1604012920-1887927527-14134865)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;CCDCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)",
		IsSmartcard:         true,
	}
	var err error
	if want.Submitted, err = mimcm.ParseTimestamp("2015-07-07T23:36:21.93Z"); err != nil {
		t.Fatal(err)
	}
	if got := ExampleRequest(); !reflect.DeepEqual(got, want) {
		t.Fatalf("ExampleRequest:\n want %+v\n got  %+v", want, got)
	}
	if ExampleRequestID != exampleID {
		t.Fatalf("ExampleRequestID %s", ExampleRequestID)
	}
}

func TestServer_seed(t *testing.T) {
	s := New(Options{})
	a := requestWith(strings.ToUpper(exampleID), mimcm.StatusApproved)
	a.SecurityDescriptor += "\x00\x00"
	a.DataCollection = nil
	s.Seed(a, mimcm.Request{Comment: "no id"})

	got, ok := s.Request(exampleID)
	if !ok {
		t.Fatal("seeded request not found by its lower-case GUID")
	}
	want := requestWith(strings.ToUpper(exampleID), mimcm.StatusApproved) // Uuid kept as seeded
	want.DataCollection = []mimcm.DataCollectionItem{}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stored:\n want %+v\n got  %+v", want, got)
	}

	all := s.Requests()
	if len(all) != 2 {
		t.Fatalf("want 2 requests, got %d", len(all))
	}
	generated := all[0] // zero Submitted sorts first
	if generated.Comment != "no id" || !v4GUID.MatchString(string(generated.Uuid)) {
		t.Fatalf("generated: %+v", generated)
	}

	// Upsert by Uuid in any case.
	s.Seed(requestWith(exampleID, mimcm.StatusCanceled))
	if got, _ := s.Request(mimcm.GUID(strings.ToUpper(exampleID))); got.Status != mimcm.StatusCanceled {
		t.Fatalf("upsert: %+v", got)
	}
	if n := len(s.Requests()); n != 2 {
		t.Fatalf("upsert added a request: %d", n)
	}
}

func TestServer_copies(t *testing.T) {
	in := ExampleRequest()
	in.DataCollection = []mimcm.DataCollectionItem{{Name: "a", Value: str("1")}}
	s := New(Options{})
	s.Seed(in)
	*in.DataCollection[0].Value = "changed by the caller"
	in.DataCollection[0].Name = "changed"

	out, _ := s.Request(exampleID)
	if out.DataCollection[0].Name != "a" || *out.DataCollection[0].Value != "1" {
		t.Fatalf("Seed kept the caller's slice: %+v", out.DataCollection)
	}
	*out.DataCollection[0].Value = "changed by the reader"
	s.Requests()[0].DataCollection[0].Name = "changed"
	again, _ := s.Request(exampleID)
	if again.DataCollection[0].Name != "a" || *again.DataCollection[0].Value != "1" {
		t.Fatalf("Request or Requests shares memory with the store: %+v", again.DataCollection)
	}
}

func TestServer_updateDelete(t *testing.T) {
	s := New(Options{})
	s.Seed(ExampleRequest())
	ok := s.Update(mimcm.GUID(strings.ToUpper(exampleID)), func(r *mimcm.Request) {
		r.Status = mimcm.StatusCanceled
		r.Completed = mimcm.NewTimestamp(t0)
		r.Uuid = otherID // ignored
		r.SecurityDescriptor = "O:BA\x00"
	})
	if !ok {
		t.Fatal("Update: false for a stored request")
	}
	want := ExampleRequest()
	want.Status = mimcm.StatusCanceled
	want.Completed = mimcm.NewTimestamp(t0)
	want.SecurityDescriptor = "O:BA"
	if got, _ := s.Request(exampleID); !reflect.DeepEqual(got, want) {
		t.Fatalf("after Update:\n want %+v\n got  %+v", want, got)
	}
	if _, ok := s.Request(otherID); ok {
		t.Fatal("Update moved the request")
	}
	if s.Update(otherID, func(*mimcm.Request) { t.Fatal("fn called for an unknown request") }) {
		t.Fatal("Update: true for an unknown request")
	}
	if !s.Delete(mimcm.GUID(strings.ToUpper(exampleID))) {
		t.Fatal("Delete: false for a stored request")
	}
	if s.Delete(exampleID) {
		t.Fatal("Delete: true twice")
	}
	if _, ok := s.Request(exampleID); ok {
		t.Fatal("deleted request still readable")
	}
}

func TestServer_requestsOrder(t *testing.T) {
	s := New(Options{})
	s.Seed(listSeed()...)
	var got []string
	for _, r := range s.Requests() {
		got = append(got, string(r.Uuid)[:8])
	}
	if want := []string{"44444444", "ffffffff", "00000000", "11111111", "88888888"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order: want %v, got %v", want, got)
	}
}

func TestServer_reset(t *testing.T) {
	s := New(Options{})
	s.Seed(ExampleRequest())
	s.AddFault(Fault{Status: 500})
	s.SetLatency(time.Second)
	s.SetPutNoContent(true)
	s.SetExecutingPolls(3)
	s.SetPendingOnCreate(true)
	s.record(Call{Method: "GET"})
	s.Reset()
	if len(s.Requests()) != 0 || len(s.Calls()) != 0 {
		t.Fatal("Reset kept requests or calls")
	}
	if got := s.currentSettings(); got != (adminSettings{PolicyRoutes: "policies"}) {
		t.Fatalf("settings after Reset: %+v", got)
	}
	if _, ok := s.takeFault("GET", ""); ok {
		t.Fatal("Reset kept a fault")
	}
}

func TestNewGUID(t *testing.T) {
	seen := map[mimcm.GUID]bool{}
	for range 1000 {
		g := newGUID()
		if !v4GUID.MatchString(string(g)) {
			t.Fatalf("%s is not a lower-case v4 GUID", g)
		}
		if seen[g] {
			t.Fatalf("%s twice", g)
		}
		seen[g] = true
	}
}

func TestLoadSeedFile(t *testing.T) {
	t.Run("array", func(t *testing.T) {
		seeds, err := LoadSeedFile("testdata/seeds.json")
		if err != nil {
			t.Fatal(err)
		}
		if seeds.ProfileTemplates != nil {
			t.Fatalf("an array of requests loaded profile templates: %+v", seeds.ProfileTemplates)
		}
		reqs := seeds.Requests
		submitted, _ := mimcm.ParseTimestamp("2026-11-20T09:01:02.5Z")
		completed, _ := mimcm.ParseTimestamp("2026-11-20T09:05:00.1234567Z")
		submitted2, _ := mimcm.ParseTimestamp("2026-11-20T09:00:00Z")
		want := []mimcm.Request{
			{
				Uuid:                otherID,
				RequestType:         5,
				Status:              mimcm.StatusPending,
				DataCollection:      []mimcm.DataCollectionItem{{Name: "reason", Value: str("lost card")}, {Name: "note"}},
				OriginatorUserUuid:  DefaultCurrentUser,
				Submitted:           submitted,
				Priority:            2,
				Comment:             "unblock <me> & co",
				ProfileTemplateUuid: "a039b4d0-5ce8-4eff-8651-181c6576fda3",
				SecurityDescriptor:  "O:S-1-5-21-1D:(A;;RC;;;WD)",
				IsSmartcard:         true,
			},
			{Uuid: "11111111-0000-4000-8000-000000000004", RequestType: 1, Status: mimcm.StatusCompleted, Submitted: submitted2, Completed: completed},
		}
		if !reflect.DeepEqual(reqs, want) {
			t.Fatalf("loaded:\n want %+v\n got  %+v", want, reqs)
		}
		// Served back as loaded, with the sub-millisecond time intact and
		// the comment's <, > and & unescaped.
		f := newFixture(t, Options{}, reqs...)
		r := f.do(t, "GET", base+"/requests/11111111-0000-4000-8000-000000000004", "")
		if !strings.Contains(string(r.body), `"Completed":"2026-11-20T09:05:00.1234567Z"`) {
			t.Fatalf("time not kept: %s", r.body)
		}
		r = f.do(t, "GET", base+"/requests/"+otherID, "")
		if !strings.Contains(string(r.body), `"Comment":"unblock <me> & co"`) {
			t.Fatalf("comment: %s", r.body)
		}
	})
	t.Run("single object with a BOM", func(t *testing.T) {
		seeds, err := LoadSeedFile("testdata/single_bom.json")
		if err != nil {
			t.Fatal(err)
		}
		if reqs := seeds.Requests; len(reqs) != 1 || reqs[0].Uuid != "22222222-0000-4000-8000-000000000005" || reqs[0].Status != mimcm.StatusApproved {
			t.Fatalf("loaded %+v", reqs)
		}
	})
	errs := []struct{ path, want string }{
		{"testdata/unknown_key.json", `seed file testdata/unknown_key.json: request 1 of 1: "Stauts" is not a field of a request; the fields are ` + strings.Join(requestKeys, ", ")},
		{"testdata/bad_uuid.json", `seed file testdata/bad_uuid.json: Uuid: "not-a-guid" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got 10`},
		{"testdata/missing.json", "seed file: open testdata/missing.json: no such file or directory"},
	}
	for _, tt := range errs {
		t.Run(tt.path, func(t *testing.T) {
			_, err := LoadSeedFile(tt.path)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error:\n want %s\n got  %v", tt.want, err)
			}
		})
	}
}
