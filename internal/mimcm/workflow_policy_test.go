package mimcm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

const policyTemplate GUID = "7e3fa1a7-0000-4000-8000-0000000000aa"

// examplePolicy is the inferred policy body of the wire contract.
const examplePolicy = `{"Uuid":"B0C1D2E3-0000-4000-8000-000000000001","Enabled":true,"ApprovalsNeeded":1,"CollectComments":true,` +
	`"CollectRequestPriority":false,"DefaultRequestPriority":5,"EnrollAgentRequired":false,"SelfServiceEnabled":true,` +
	`"AuthorizedApprover":"O:SYG:SYD:(A;;CC;;;DA)","AuthorizedInitiator":"O:SY","AuthorizedEnrollmentAgent":"O:SY",` +
	`"DataCollection":[{"Name":"Reason","Required":true,"ValidationData":""},{"Name":"Badge","Required":false,"ValidationData":"^[0-9]+$"}]}`

var (
	policyPathA = DefaultBasePath + "/profiletemplates/" + string(policyTemplate) + "/policies/enroll"
	policyPathC = DefaultBasePath + "/profiletemplates/" + string(policyTemplate) + "/policy/workflow/enroll"
)

// policyServer answers each path it knows with its reply, and every other path with 404.
func policyServer(t *testing.T, replies map[string]reply) (*httptest.Server, *callLog) {
	t.Helper()
	return handlerServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		rep, ok := replies[r.URL.Path]
		if !ok {
			rep = jsonReply(404, `{"Message":"No HTTP resource was found that matches the request URI."}`)
		}
		rep.write(t, w)
	})
}

func paths(calls *callLog) []string {
	var p []string
	for _, c := range calls.all() {
		p = append(p, c.Path)
	}
	return p
}

func TestGetWorkflowPolicy_routeA(t *testing.T) {
	srv, calls := policyServer(t, map[string]reply{policyPathA: jsonReply(200, examplePolicy)})
	got, err := newTestClient(t, srv.URL).GetWorkflowPolicy(context.Background(), GUID(strings.ToUpper(string(policyTemplate))), "enroll")
	if err != nil {
		t.Fatal(err)
	}
	want := &WorkflowPolicy{
		Route: policyPathA, Uuid: "b0c1d2e3-0000-4000-8000-000000000001", Enabled: true, ApprovalsNeeded: 1, CollectComments: true,
		DefaultRequestPriority: 5, SelfServiceEnabled: true,
		DataCollection: []PolicyDataItem{{Name: "Reason", Required: true}, {Name: "Badge"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if p := paths(calls); !reflect.DeepEqual(p, []string{policyPathA}) {
		t.Errorf("called %q", p)
	}
}

func TestGetWorkflowPolicy_policyNameOfTheType(t *testing.T) {
	path := DefaultBasePath + "/profiletemplates/" + string(policyTemplate) + "/policies/temporaryenroll"
	srv, _ := policyServer(t, map[string]reply{path: jsonReply(200, examplePolicy)})
	got, err := newTestClient(t, srv.URL).GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeTemporaryCards)
	if err != nil {
		t.Fatal(err)
	}
	if got.Route != path {
		t.Errorf("Route = %s, want %s", got.Route, path)
	}
}

func TestGetWorkflowPolicy_fallbackRemembered(t *testing.T) {
	srv, calls := policyServer(t, map[string]reply{policyPathC: jsonReply(200, examplePolicy)})
	c := newTestClient(t, srv.URL)
	for i := range 2 {
		got, err := c.GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeEnroll)
		if err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		if got.Route != policyPathC {
			t.Errorf("call %d: Route = %s, want %s", i+1, got.Route, policyPathC)
		}
	}
	// The first call finds the older form after a 404; the second goes straight to it.
	if p, want := paths(calls), []string{policyPathA, policyPathC, policyPathC}; !reflect.DeepEqual(p, want) {
		t.Errorf("called\n %q\nwant\n %q", p, want)
	}
}

func TestGetWorkflowPolicy_rememberedRouteGone(t *testing.T) {
	replies := map[string]reply{policyPathC: jsonReply(200, examplePolicy)}
	srv, calls := policyServer(t, replies)
	c := newTestClient(t, srv.URL)
	if _, err := c.GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeEnroll); err != nil {
		t.Fatal(err)
	}
	// The server is upgraded: the older form is gone, the current one answers.
	delete(replies, policyPathC)
	replies[policyPathA] = jsonReply(200, examplePolicy)
	got, err := c.GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeEnroll)
	if err != nil {
		t.Fatal(err)
	}
	if got.Route != policyPathA {
		t.Errorf("Route = %s", got.Route)
	}
	if p, want := paths(calls), []string{policyPathA, policyPathC, policyPathC, policyPathA}; !reflect.DeepEqual(p, want) {
		t.Errorf("called\n %q\nwant\n %q", p, want)
	}
}

func TestGetWorkflowPolicy_noRouteAnswers(t *testing.T) {
	tests := []struct {
		name      string
		replies   map[string]reply
		kind      error
		wantPaths []string
		wantInErr []string
	}{
		{
			name: "both 404", kind: ErrRouteNotFound,
			wantPaths: []string{policyPathA, policyPathC},
			wantInErr: []string{
				"GET " + policyPathC + ": API route not found (HTTP 404)",
				"the forms of the workflow policy route tried: " + policyPathA + " answered HTTP 404, " + policyPathC + " answered HTTP 404",
				"/profiletemplates/{id}/policies/{policy GUID}, is not tried", "no documented answer gives",
			},
		},
		{
			name: "404, then 403", kind: ErrForbidden,
			replies:   map[string]reply{policyPathC: jsonReply(403, `{"Message":"Access denied."}`)},
			wantPaths: []string{policyPathA, policyPathC},
			wantInErr: []string{"(HTTP 403)", "Access denied.", policyPathA + " answered HTTP 404, " + policyPathC + " answered HTTP 403"},
		},
		{
			// A 500 is no sign of a missing route: the other form is not tried.
			name: "500", kind: ErrServer,
			replies:   map[string]reply{policyPathA: jsonReply(500, `{"Message":"An error has occurred."}`)},
			wantPaths: []string{policyPathA, policyPathA},
			wantInErr: []string{"GET " + policyPathA + ": server error (HTTP 500) after 2 attempts"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := policyServer(t, tc.replies)
			got, err := newTestClient(t, srv.URL).GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeEnroll)
			if got != nil {
				t.Errorf("got %+v along with the error", got)
			}
			_ = asAPIError(t, err, tc.kind)
			containsAll(t, "Error()", err.Error(), tc.wantInErr...)
			if p := paths(calls); !reflect.DeepEqual(p, tc.wantPaths) {
				t.Errorf("called\n %q\nwant\n %q", p, tc.wantPaths)
			}
		})
	}
}

func TestGetWorkflowPolicy_204(t *testing.T) {
	srv, calls := policyServer(t, map[string]reply{policyPathA: {status: 204}})
	got, err := newTestClient(t, srv.URL).GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeEnroll)
	if got != nil {
		t.Errorf("got %+v along with the error", got)
	}
	apiErr := asAPIError(t, err, ErrPolicyNotFound)
	if apiErr.Path != policyPathA || apiErr.StatusCode != 204 || calls.count() != 1 {
		t.Errorf("error = %+v after %q", apiErr, calls.methods())
	}
	containsAll(t, "Error()", err.Error(), "workflow policy not found (HTTP 204)", "may have no workflow policy for this request type")
}

func TestGetWorkflowPolicy_badInput(t *testing.T) {
	srv, calls := policyServer(t, nil)
	c := newTestClient(t, srv.URL)
	if _, err := c.GetWorkflowPolicy(context.Background(), "x", RequestTypeEnroll); err == nil || !strings.Contains(err.Error(), `profile template: "x" is not a GUID`) {
		t.Errorf("bad template: %v", err)
	}
	if _, err := c.GetWorkflowPolicy(context.Background(), policyTemplate, "Approve"); err == nil || !strings.Contains(err.Error(), `type: "Approve" is not a request type`) {
		t.Errorf("bad type: %v", err)
	}
	if calls.count() != 0 {
		t.Errorf("server saw %q", calls.methods())
	}
}

func TestGetWorkflowPolicy_variants(t *testing.T) {
	tests := map[string]struct {
		body string
		want []PolicyDataItem
	}{
		"DataCollectionItems and IsRequired": {
			`{"Enabled":false,"ApprovalsNeeded":0,"DataCollectionItems":[{"Name":"Reason","IsRequired":true},{"Name":"Badge","IsRequired":false}]}`,
			[]PolicyDataItem{{Name: "Reason", Required: true}, {Name: "Badge"}},
		},
		"keys in any case, nulls for the optional": {
			`{"enabled":false,"APPROVALSNEEDED":0,"collectComments":null,"DefaultRequestPriority":null,"datacollection":[{"name":"Reason","required":true}]}`,
			[]PolicyDataItem{{Name: "Reason", Required: true}},
		},
		"Required and IsRequired that agree": {
			`{"Enabled":true,"ApprovalsNeeded":2.0,"DataCollection":[{"Name":"Reason","Required":true,"IsRequired":true}]}`,
			[]PolicyDataItem{{Name: "Reason", Required: true}},
		},
		"an empty list": {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":[]}`, []PolicyDataItem{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, _ := policyServer(t, map[string]reply{policyPathA: jsonReply(200, tc.body)})
			got, err := newTestClient(t, srv.URL).GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeEnroll)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.DataCollection, tc.want) {
				t.Errorf("DataCollection = %+v, want %+v", got.DataCollection, tc.want)
			}
		})
	}
}

func TestGetWorkflowPolicy_shape(t *testing.T) {
	const items = `"DataCollection":[{"Name":"Reason","Required":true}]`
	tests := map[string]struct {
		body string
		want string
	}{
		"an array":                   {`[]`, `the policy is an array "[]", not a JSON object`},
		"null":                       {`null`, "the policy is null, not a JSON object"},
		"a string":                   {`"policy"`, `the policy is a string "\"policy\"", not a JSON object`},
		"no Enabled":                 {`{"ApprovalsNeeded":0,` + items + `}`, "Enabled is missing, want true or false"},
		"Enabled null":               {`{"Enabled":null,"ApprovalsNeeded":0,` + items + `}`, "Enabled is missing, want true or false"},
		"Enabled a string":           {`{"Enabled":"true","ApprovalsNeeded":0,` + items + `}`, `Enabled is a string "\"true\"", want true or false`},
		"Enabled twice":              {`{"Enabled":true,"enabled":false,"ApprovalsNeeded":0,` + items + `}`, `an object with both "Enabled" and "enabled", keys that differ only in case`},
		"no ApprovalsNeeded":         {`{"Enabled":true,` + items + `}`, "ApprovalsNeeded is missing, want a number"},
		"ApprovalsNeeded a string":   {`{"Enabled":true,"ApprovalsNeeded":"1",` + items + `}`, `ApprovalsNeeded is a string "\"1\"", want a number`},
		"ApprovalsNeeded 1.5":        {`{"Enabled":true,"ApprovalsNeeded":1.5,` + items + `}`, `ApprovalsNeeded is a number "1.5", want a whole number`},
		"ApprovalsNeeded negative":   {`{"Enabled":true,"ApprovalsNeeded":-1,` + items + `}`, "ApprovalsNeeded is -1, want 0 or more"},
		"CollectComments a string":   {`{"Enabled":true,"ApprovalsNeeded":0,"CollectComments":"yes",` + items + `}`, `CollectComments is a string "\"yes\"", want true or false`},
		"no list":                    {`{"Enabled":true,"ApprovalsNeeded":0}`, "the policy has no data collection list (DataCollection or DataCollectionItems)"},
		"list null":                  {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":null}`, "the policy has no data collection list"},
		"list an object":             {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":{"Reason":true}}`, `DataCollection is an object "{\"Reason\":true}", not a JSON array`},
		"list a string":              {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollectionItems":"[]"}`, `DataCollectionItems is a string "\"[]\"", not a JSON array`},
		"both lists":                 {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollectionItems":[],` + items + `}`, "the policy has both DataCollection and DataCollectionItems"},
		"an item not an object":      {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":["Reason"]}`, `DataCollection item 1 is a string "\"Reason\"", not a JSON object`},
		"an item without Name":       {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":[{"Name":"A","Required":true},{"Required":true}]}`, "DataCollection item 2 has no Name, want a non-empty string"},
		"an item with an empty Name": {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":[{"Name":" ","Required":true}]}`, `DataCollection item 1 has the Name a string "\" \"", want a non-empty string`},
		"an item with a number Name": {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":[{"Name":5,"Required":true}]}`, `DataCollection item 1 has the Name a number "5", want a non-empty string`},
		"an item without a flag":     {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":[{"Name":"Reason","ValidationData":""}]}`, `DataCollection item 1 ("Reason") has no Required or IsRequired, want true or false`},
		"an item with a string flag": {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollectionItems":[{"Name":"Reason","IsRequired":"yes"}]}`, `DataCollectionItems item 1 ("Reason"): IsRequired is a string "\"yes\"", want true or false`},
		"an item with a null flag":   {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":[{"Name":"Reason","Required":null}]}`, `("Reason") has no Required or IsRequired`},
		"flags that disagree":        {`{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":[{"Name":"Reason","Required":true,"IsRequired":false}]}`, `DataCollection item 1 ("Reason") has both Required and IsRequired, and they disagree`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, _ := policyServer(t, map[string]reply{policyPathA: jsonReply(200, tc.body)})
			got, err := newTestClient(t, srv.URL).GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeEnroll)
			if got != nil {
				t.Errorf("got %+v along with the error", got)
			}
			apiErr := asAPIError(t, err, ErrPolicyShape)
			if apiErr.Path != policyPathA || apiErr.StatusCode != 200 {
				t.Errorf("error = %+v", apiErr)
			}
			containsAll(t, "Error()", err.Error(), "unexpected workflow policy shape (HTTP 200)", tc.want, "cannot tell which data collection items")
		})
	}
}

func TestGetWorkflowPolicy_notJSON(t *testing.T) {
	srv, _ := policyServer(t, map[string]reply{policyPathA: {status: 200, body: "<html>Policy</html>", header: map[string]string{"Content-Type": "text/html"}}})
	_, err := newTestClient(t, srv.URL).GetWorkflowPolicy(context.Background(), policyTemplate, RequestTypeEnroll)
	_ = asAPIError(t, err, ErrUndecodable)
	containsAll(t, "Error()", err.Error(), "want a JSON workflow policy object but got text/html", `"<html>Policy</html>"`)
}

func TestWorkflowPolicy_MissingItems(t *testing.T) {
	p := &WorkflowPolicy{DataCollection: []PolicyDataItem{
		{Name: "Reason", Required: true}, {Name: "badge", Required: true}, {Name: "Zone", Required: true},
		{Name: "Comment", Required: false}, {Name: "REASON", Required: true},
	}}
	tests := []struct {
		name  string
		given map[string]string
		want  []string
	}{
		{name: "nothing given: every required one, sorted in any case, once", want: []string{"badge", "Reason", "Zone"}},
		{name: "names in another case", given: map[string]string{"reason": "VPN", "BADGE": "12", "zone": "B"}},
		{name: "an empty value is not given", given: map[string]string{"Reason": "", "badge": "12", "Zone": "B"}, want: []string{"Reason"}},
		{name: "optional and unknown items do not count", given: map[string]string{"Comment": "x", "Other": "y", "Zone": "B"}, want: []string{"badge", "Reason"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.MissingItems(tc.given); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("MissingItems = %q, want %q", got, tc.want)
			}
		})
	}
	if got := (&WorkflowPolicy{}).MissingItems(nil); got != nil {
		t.Errorf("a policy without items misses %q", got)
	}
}
