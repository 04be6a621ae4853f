package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// The listed requests: submitted in the order of their names' digits, but
// seeded (and so answered by the mock) in another order.
const (
	listID1 = "11111111-0000-4000-8000-000000000001" // Completed, template A, user U
	listID2 = "22222222-0000-4000-8000-000000000002" // Approved, template B, user U
	listID3 = "33333333-0000-4000-8000-000000000003" // Failed, template A, no target user
	listID4 = "44444444-0000-4000-8000-000000000004" // Denied, template A, user V
	listID5 = "55555555-0000-4000-8000-000000000005" // Pending, template A, user V

	listTemplateA = "aaaaaaaa-0000-4000-8000-00000000000a"
	listTemplateB = "bbbbbbbb-0000-4000-8000-00000000000b"
	listUserU     = "8f1590dc-d932-4b66-8e68-2e91c5880780"
	listUserV     = "99999999-0000-4000-8000-000000000009"
)

func queryListSeed() []mimcm.Request {
	request := func(id string, status mimcm.Status, minute int, template, user string) mimcm.Request {
		r := seedRequest(id, status)
		r.Submitted = mimcm.NewTimestamp(time.Date(2026, 11, 30, 9, minute, 0, 0, time.UTC))
		r.ProfileTemplateUuid = mimcm.GUID(template)
		r.TargetUserUuid = mimcm.GUID(user)
		return r
	}
	return []mimcm.Request{
		request(listID4, mimcm.StatusDenied, 4, listTemplateA, listUserV),
		request(listID2, mimcm.StatusApproved, 2, listTemplateB, listUserU),
		request(listID5, mimcm.StatusPending, 5, listTemplateA, listUserV),
		request(listID1, mimcm.StatusCompleted, 1, listTemplateA, listUserU),
		request(listID3, mimcm.StatusFailed, 3, listTemplateA, ""),
	}
}

// listed is one ListResource result as a test reads it.
type listed struct {
	displayName, identity, requestID, status, observed string
}

// list calls ListResource and reads every result; diagnostics fail the
// test unless wantDiags.
func (s *protocolServer) list(t *testing.T, config map[string]any, includeResource bool, limit int64) ([]listed, []*tfprotov6.Diagnostic) {
	t.Helper()
	schema := s.schemas.ListResourceSchemas["mimcm_request_status"]
	stream, err := s.ListResource(t.Context(), &tfprotov6.ListResourceRequest{
		TypeName:        "mimcm_request_status",
		Config:          dynamicValue(t, schema, config),
		IncludeResource: includeResource,
		Limit:           limit,
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		results []listed
		diags   []*tfprotov6.Diagnostic
	)
	for r := range stream.Results {
		diags = append(diags, r.Diagnostics...)
		if r.Identity == nil {
			continue
		}
		got := listed{displayName: r.DisplayName, identity: identityID(t, r.Identity)}
		if includeResource {
			values := decodeObject(t, s.resourceType(), r.Resource)
			got.requestID = stringAttr(t, values, "request_id")
			got.status = stringAttr(t, values, "status")
			got.observed = stringAttr(t, values, "observed_status")
		} else if r.Resource != nil {
			t.Errorf("result %s: a resource object without include_resource", got.identity)
		}
		results = append(results, got)
	}
	return results, diags
}

func TestRequestStatusList_results(t *testing.T) {
	t.Parallel()
	choose := func(observed string) string {
		return "<choose Completed, Canceled or Abandoned: the request is " + observed + ">"
	}
	denied := "<remove this block and its import block: the request is Denied, a final status no configuration can change>"
	all := []listed{
		{listID1 + ": Completed, target user " + listUserU, listID1, listID1, "Completed", "Completed"},
		{listID2 + ": Approved, target user " + listUserU, listID2, listID2, choose("Approved"), "Approved"},
		{listID3 + ": Failed, no target user", listID3, listID3, "Abandoned", "Failed"},
		{listID4 + ": Denied, target user " + listUserV, listID4, listID4, denied, "Denied"},
		{listID5 + ": Pending, target user " + listUserV, listID5, listID5, choose("Pending"), "Pending"},
	}
	withStatus := func(in []listed, status map[string]string) []listed {
		out := append([]listed(nil), in...)
		for i := range out {
			if s, ok := status[out[i].identity]; ok {
				out[i].status = s
			}
		}
		return out
	}
	identitiesOnly := func(in []listed) []listed {
		out := make([]listed, len(in))
		for i, r := range in {
			out[i] = listed{displayName: r.displayName, identity: r.identity}
		}
		return out
	}
	tests := []struct {
		name            string
		config          map[string]any
		includeResource bool
		limit           int64
		want            []listed
		wantQuery       string
	}{
		{name: "all, in submission order", includeResource: true, want: all},
		{name: "identities and names only", want: identitiesOnly(all)},
		{name: "status filtered by the server", config: map[string]any{"status": "Approved"}, includeResource: true,
			want: all[1:2], wantQuery: "status=Approved"},
		{name: "current target user filtered by the server", config: map[string]any{"target_user": "current"}, includeResource: true,
			want: all[:2], wantQuery: "targetuser=current"},
		{name: "profile template in any case, filtered by the provider",
			config: map[string]any{"profile_template_uuid": strings.ToUpper(listTemplateB)}, includeResource: true, want: all[1:2]},
		{name: "limit", limit: 2, includeResource: true, want: all[:2]},
		{name: "desired status for requests not final yet", config: map[string]any{"desired_status": "Canceled"}, includeResource: true,
			want: withStatus(all, map[string]string{listID2: "Canceled", listID5: "Canceled"})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t, mockapi.Options{CurrentUser: mimcm.GUID(listUserU)}, queryListSeed()...)
			s := newProtocolServer(t, m)
			got, diags := s.list(t, tc.config, tc.includeResource, tc.limit)
			expectNoDiagnostics(t, "ListResource", diags)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("results:\n got  %v\n want %v", got, tc.want)
			}
			calls := m.Calls()
			if len(calls) != 1 || calls[0].Method != http.MethodGet || !strings.HasSuffix(calls[0].Path, "/requests") || calls[0].Query != tc.wantQuery {
				t.Errorf("want one GET /requests?%s, got %s", tc.wantQuery, m.describeCalls())
			}
		})
	}
}

func TestRequestStatusList_serverError(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{}, queryListSeed()...)
	m.AddFault(mockapi.Fault{Status: http.StatusForbidden, Message: "Access is denied."})
	s := newProtocolServer(t, m)
	got, diags := s.list(t, nil, true, 0)
	if len(got) != 0 {
		t.Errorf("want no results, got %v", got)
	}
	expectError(t, "ListResource", diags, "", "Cannot list requests", "403", "Access is denied.")
}

func TestRequestStatusList_validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		config    map[string]any
		attribute string
		text      string
	}{
		{map[string]any{"status": "Done"}, "status", `"Done"`},
		{map[string]any{"target_user": "alice"}, "target_user", `"alice"`},
		{map[string]any{"profile_template_uuid": "template-a"}, "profile_template_uuid", "Invalid request GUID"},
		{map[string]any{"desired_status": "Failed"}, "desired_status", `"Failed"`},
	}
	s := newProtocolServer(t, nil)
	schema := s.schemas.ListResourceSchemas["mimcm_request_status"]
	for _, tc := range tests {
		resp, err := s.ValidateListResourceConfig(t.Context(), &tfprotov6.ValidateListResourceConfigRequest{
			TypeName: "mimcm_request_status",
			Config:   dynamicValue(t, schema, tc.config),
		})
		if err != nil {
			t.Fatal(err)
		}
		expectError(t, fmt.Sprintf("ValidateListResourceConfig(%v)", tc.config), resp.Diagnostics, tc.attribute, tc.text)
	}
	resp, err := s.ValidateListResourceConfig(t.Context(), &tfprotov6.ValidateListResourceConfigRequest{
		TypeName: "mimcm_request_status",
		Config: dynamicValue(t, schema, map[string]any{
			"status": "Approved", "target_user": "current", "profile_template_uuid": strings.ToUpper(listTemplateA), "desired_status": "Completed",
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "ValidateListResourceConfig", resp.Diagnostics)
}

// The status a generated resource block carries never chooses a change:
// unchosen ones are refused by the resource's validator with a message
// that says what to write.
func TestGeneratedStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		observed mimcm.Status
		desired  mimcm.DesiredStatus
		want     string
	}{
		{mimcm.StatusCompleted, "", "Completed"},
		{mimcm.StatusCompleted, mimcm.DesiredCanceled, "Completed"},
		{mimcm.StatusCanceled, "", "Canceled"},
		{mimcm.StatusFailed, "", "Abandoned"},
		{mimcm.StatusApproved, mimcm.DesiredCompleted, "Completed"},
		{mimcm.StatusExecuting, mimcm.DesiredAbandoned, "Abandoned"},
		{mimcm.StatusApproved, "", "<choose Completed, Canceled or Abandoned: the request is Approved>"},
		{mimcm.StatusNone, "", "<choose Completed, Canceled or Abandoned: the request is None>"},
		{mimcm.Status(42), "", "<choose Completed, Canceled or Abandoned: the request is Unknown(42)>"},
		{mimcm.StatusDenied, mimcm.DesiredCompleted, "<remove this block and its import block: the request is Denied, a final status no configuration can change>"},
	}
	s := newProtocolServer(t, nil)
	for _, tc := range tests {
		got := generatedStatus(tc.observed, tc.desired)
		if got != tc.want {
			t.Errorf("generatedStatus(%s, %q) = %q, want %q", tc.observed, tc.desired, got, tc.want)
		}
		resp, err := s.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{
			TypeName: "mimcm_request_status",
			Config:   dynamicValue(t, s.resourceSchema(), map[string]any{"request_id": testID, "status": got}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(got, unchosenStatusPrefix) {
			expectError(t, "ValidateResourceConfig", resp.Diagnostics, "status", "Status not chosen", got, "Completed, Canceled or Abandoned", "desired_status")
		} else {
			expectNoDiagnostics(t, "ValidateResourceConfig", resp.Diagnostics)
		}
	}
}

// listAddr is the list block of listConfig, as querycheck names it: without
// the "list." prefix.
const listAddr = "mimcm_request_status.test"

// querySetup is a first step that writes the provider's configuration,
// which a query step needs beside its .tfquery.hcl file.
func querySetup(m *testMock) resource.TestStep {
	return resource.TestStep{Config: m.providerBlock()}
}

// listConfig is a .tfquery.hcl file with one list block; the provider's
// configuration is the one querySetup wrote.
func listConfig(config string, extra ...string) string {
	return fmt.Sprintf(`
list "mimcm_request_status" "test" {
  provider = mimcm
%s
  config {
%s
  }
}
`, strings.Join(extra, "\n"), config)
}

// With Terraform 1.14 and later, terraform query finds the requests with
// one GET, each with its identity, display name and resource object.
func TestAccRequestStatusList_query(t *testing.T) {
	t.Parallel()
	m := newTestMock(t, mockapi.Options{CurrentUser: mimcm.GUID(listUserU)}, queryListSeed()...)
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(version1_14)},
		Steps: []resource.TestStep{
			querySetup(m),
			{
				PreConfig: m.ResetCalls,
				Query:     true,
				Config:    listConfig(`    profile_template_uuid = "`+strings.ToUpper(listTemplateA)+`"`, "  include_resource = true"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(listAddr, 4),
					querycheck.ExpectIdentity(listAddr, map[string]knownvalue.Check{"id": knownvalue.StringExact(listID3)}),
					querycheck.ExpectResourceDisplayName(listAddr, byID(listID1),
						knownvalue.StringExact(listID1+": Completed, target user "+listUserU)),
					querycheck.ExpectResourceDisplayName(listAddr, byID(listID3),
						knownvalue.StringExact(listID3+": Failed, no target user")),
					querycheck.ExpectResourceKnownValues(listAddr, byID(listID3), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("Abandoned")},
						{Path: tfjsonpath.New("observed_status"), KnownValue: knownvalue.StringExact("Failed")},
						{Path: tfjsonpath.New("profile_template_uuid"), KnownValue: knownvalue.StringExact(listTemplateA)},
					}),
				},
			},
			{
				// Terraform's limit, and a filter the server applies.
				PreConfig: func() {
					if err := m.expectCounts(map[string]int{"GET": 1}); err != nil {
						t.Fatal(err)
					}
					m.ResetCalls()
				},
				Query:  true,
				Config: listConfig(`    target_user = "current"`, "  limit = 1"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(listAddr, 1),
					querycheck.ExpectIdentity(listAddr, map[string]knownvalue.Check{"id": knownvalue.StringExact(listID1)}),
				},
			},
		},
	})
	calls := m.Calls()
	if len(calls) != 1 || calls[0].Query != "targetuser=current" {
		t.Errorf("the last query: want one GET /requests?targetuser=current, got %s", m.describeCalls())
	}
}

// skipBelow skips a test that runs Terraform itself, as
// tfversion.SkipBelow does in resource.Test, when TF_ACC_TERRAFORM_PATH is
// older than minimum.
func skipBelow(t *testing.T, minimum *version.Version) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Getenv("TF_ACC_TERRAFORM_PATH"), "version", "-json")
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform version -json: %v", err)
	}
	var out struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(stdout, &out); err != nil {
		t.Fatalf("terraform version -json: %v\n%s", err, stdout)
	}
	v, err := version.NewVersion(out.Version)
	if err != nil {
		t.Fatal(err)
	}
	var resp tfversion.CheckTerraformVersionResponse
	tfversion.SkipBelow(minimum).CheckTerraformVersion(t.Context(), tfversion.CheckTerraformVersionRequest{TerraformVersion: v}, &resp)
	if resp.Skip != "" {
		t.Skip(resp.Skip)
	}
}

// writeFile writes a file into the working directory.
func (tf *terraformCLI) writeFile(name, content string) {
	tf.t.Helper()
	if err := os.WriteFile(filepath.Join(tf.dir, name), []byte(content), 0o600); err != nil {
		tf.t.Fatal(err)
	}
}

func (tf *terraformCLI) readFile(name string) string {
	tf.t.Helper()
	b, err := os.ReadFile(filepath.Join(tf.dir, name))
	if err != nil {
		tf.t.Fatal(err)
	}
	return string(b)
}

// mustRun runs terraform and fails the test unless it exits with want.
func (tf *terraformCLI) mustRun(want int, args ...string) string {
	tf.t.Helper()
	code, stdout, stderr := tf.run(tf.t.Context(), args...)
	if code != want {
		tf.t.Fatalf("terraform %s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout + stderr
}

// terraform query -generate-config-out writes blocks that plan exactly the
// imports: no change for requests already final, the chosen change for
// those the list's desired_status covers, and blocks that terraform
// validate refuses, saying what to write, for requests whose status nobody
// chose.
func TestAccRequestStatusList_generateConfig(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	skipBelow(t, version1_14)
	m := newTestMock(t, mockapi.Options{}, queryListSeed()...)
	tf := newTerraformCLI(t, buildProvider(t))
	tf.writeConfig(m.providerBlock())

	// Everything, with no desired_status: the blocks of the three requests
	// that cannot be adopted as they are fail validation.
	tf.writeFile("all.tfquery.hcl", `
list "mimcm_request_status" "all" {
  provider = mimcm
  config {}
}
`)
	m.ResetCalls()
	tf.mustRun(0, "query", "-generate-config-out=generated.tf", "-no-color")
	if err := m.expectCounts(map[string]int{"GET": 1}); err != nil {
		t.Error(err)
	}
	generated := tf.readFile("generated.tf")
	for _, want := range []string{
		`request_id = "` + listID1 + `"`, `status     = "Completed"`,
		`status     = "Abandoned"`,
		`status     = "<choose Completed, Canceled or Abandoned: the request is Approved>"`,
		`status     = "<remove this block and its import block: the request is Denied`,
		`id = "` + listID5 + `"`,
	} {
		if !strings.Contains(generated, want) {
			t.Errorf("generated.tf does not hold %s:\n%s", want, generated)
		}
	}
	out := tf.mustRun(1, "validate", "-no-color")
	if n := strings.Count(out, "Status not chosen"); n != 3 {
		t.Errorf("terraform validate: want 3 errors saying the status is not chosen (Approved, Denied, Pending), got %d:\n%s", n, out)
	}
	if !strings.Contains(out, "desired_status") {
		t.Errorf("terraform validate does not say how to choose a status:\n%s", out)
	}

	// The final requests as they are, and the Approved one to complete,
	// because the list says so.
	for _, name := range []string{"generated.tf", "all.tfquery.hcl"} {
		if err := os.Remove(filepath.Join(tf.dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	tf.writeFile("chosen.tfquery.hcl", `
list "mimcm_request_status" "completed" {
  provider = mimcm
  config {
    status = "Completed"
  }
}

list "mimcm_request_status" "approved" {
  provider = mimcm
  config {
    status         = "Approved"
    desired_status = "Completed"
  }
}
`)
	m.ResetCalls()
	tf.mustRun(0, "query", "-generate-config-out=generated.tf", "-no-color")
	tf.mustRun(0, "validate", "-no-color")
	if out := tf.mustRun(0, "plan", "-input=false", "-no-color"); !strings.Contains(out, "Plan: 2 to import, 0 to add, 1 to change, 0 to destroy.") {
		t.Errorf("plan: want 2 imports and 1 change (the Approved request, to Completed):\n%s", out)
	}
	tf.mustRun(0, "apply", "-auto-approve", "-input=false", "-no-color")
	var puts []string
	for _, c := range m.Calls() {
		if c.Method == "PUT" {
			puts = append(puts, string(c.RequestID))
		}
	}
	if fmt.Sprint(puts) != fmt.Sprint([]string{listID2}) {
		t.Errorf("apply: want one PUT, for %s; got %s", listID2, m.describeCalls())
	}
	tf.mustRun(0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if out := tf.mustRun(0, "state", "list"); !strings.Contains(out, "mimcm_request_status.completed_0") || !strings.Contains(out, "mimcm_request_status.approved_0") {
		t.Errorf("state list: want the generated resources:\n%s", out)
	}
}

// hostileListItems is a list of requests as a confused server, or a proxy in
// front of it, might send it: the requests of queryListSeed (but those
// drop leaves out) under GUIDs in braces and in upper case, each of some
// named twice, the later item with another status, and items that name no
// request. It holds 11 items that are not results: 4 without a usable
// Uuid, 2 with one that is not a GUID, 3 that are null or empty, and 2 that
// repeat a request.
func hostileListItems(t *testing.T, drop ...string) string {
	t.Helper()
	seed := map[string]mimcm.Request{}
	for _, r := range queryListSeed() {
		seed[string(r.Uuid)] = r
	}
	// item is the seed request id under the Uuid uuid (none when nil), with
	// status when it is not negative.
	item := func(id string, uuid any, status mimcm.Status) string {
		r := seed[id]
		if status >= 0 {
			r.Status = status
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var fields map[string]any
		if err := json.Unmarshal(b, &fields); err != nil {
			t.Fatal(err)
		}
		if uuid == nil {
			delete(fields, "Uuid")
		} else {
			fields["Uuid"] = uuid
		}
		if id == listID3 {
			fields["ProfileTemplateUuid"] = "{" + strings.ToUpper(listTemplateA) + "}"
		}
		if b, err = json.Marshal(fields); err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	items := []string{
		item(listID4, "{"+strings.ToUpper(listID4)+"}", -1),
		"null",
		item(listID2, listID2, -1),
		item(listID5, "", -1),
		item(listID5, nil, -1),
		item(listID5, mimcm.ZeroGUID, -1),
		item(listID5, "{"+mimcm.ZeroGUID+"}", -1),
		item(listID2, strings.ToUpper(listID2), mimcm.StatusCompleted), // the first item of listID2 wins
		item(listID5, "not-a-guid", -1),
		item(listID5, strings.Repeat("0123456789", 1000), -1),
		item(listID5, listID5, -1),
		item(listID1, "{"+listID1+"}", -1),
		"{}",
		item(listID3, listID3, -1),
		item(listID1, listID1, mimcm.StatusApproved),
		"null",
	}
	kept := items[:0]
	for _, it := range items {
		if !slices.ContainsFunc(drop, func(id string) bool { return strings.Contains(strings.ToLower(it), id) }) {
			kept = append(kept, it)
		}
	}
	return "[" + strings.Join(kept, ",\n") + "]"
}

// newHostileListMock is a mock whose list route answers body; every other
// call reaches the mock, which holds queryListSeed.
func newHostileListMock(t *testing.T, body string) *testMock {
	t.Helper()
	m := newTestMock(t, mockapi.Options{}, queryListSeed()...)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/requests") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			fmt.Fprint(w, body)
			return
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return &testMock{Server: m.Server, URL: front.URL}
}

// A list that names requests in braces and upper case, twice, or not at
// all gives one result per request, under its lower-case GUID, and one
// warning that counts the rest by reason; limit counts distinct requests.
func TestRequestStatusList_hostileList(t *testing.T) {
	t.Parallel()
	all := []listed{
		{identity: listID1, requestID: listID1, observed: "Completed"},
		{identity: listID2, requestID: listID2, observed: "Approved"},
		{identity: listID3, requestID: listID3, observed: "Failed"},
		{identity: listID4, requestID: listID4, observed: "Denied"},
		{identity: listID5, requestID: listID5, observed: "Pending"},
	}
	tests := []struct {
		name   string
		config map[string]any
		limit  int64
		want   []listed
	}{
		{name: "all", want: all},
		{name: "limit counts distinct requests", limit: 3, want: all[:3]},
		{name: "profile template in braces on the server", config: map[string]any{"profile_template_uuid": listTemplateA},
			want: []listed{all[0], all[2], all[3], all[4]}},
	}
	m := newHostileListMock(t, hostileListItems(t))
	s := newProtocolServer(t, m)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, diags := s.list(t, tc.config, true, tc.limit)
			cut := mimcm.QuoteInput // a malformed Uuid is 10 KB
			for i := range got {
				got[i] = listed{identity: cut(got[i].identity), requestID: cut(got[i].requestID), observed: got[i].observed}
			}
			want := slices.Clone(tc.want)
			for i := range want {
				want[i].identity, want[i].requestID = cut(want[i].identity), cut(want[i].requestID)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("results:\n got  %v\n want %v", got, want)
			}
			if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning {
				t.Fatalf("want one warning, got:\n%s", describeDiagnostics(diags))
			}
			d := diags[0]
			for _, want := range []string{
				"11 items of the server's list left out",
				"16 items", "4 had no Uuid", `2 had a Uuid that is not a GUID (such as "not-a-guid")`,
				"3 were null or an empty object", "2 named a request that an earlier item had named", "first item",
			} {
				if !strings.Contains(d.Summary+"\n"+d.Detail, want) {
					t.Errorf("the warning does not say %q:\n%s", want, describeDiagnostics(diags))
				}
			}
			if n := len(d.Summary + d.Detail); n > 1000 {
				t.Errorf("a warning of %d bytes repeats the server's text whole", n)
			}
		})
	}

	// The warning comes first: Terraform stops reading once it has limit
	// results.
	stream, err := s.ListResource(t.Context(), &tfprotov6.ListResourceRequest{
		TypeName: "mimcm_request_status",
		Config:   dynamicValue(t, s.schemas.ListResourceSchemas["mimcm_request_status"], nil),
		Limit:    1,
	})
	if err != nil {
		t.Fatal(err)
	}
	for r := range stream.Results {
		if len(r.Diagnostics) != 1 || r.Identity != nil {
			t.Errorf("the first result: want the warning alone, got identity %v and:\n%s", r.Identity, describeDiagnostics(r.Diagnostics))
		}
		break
	}
}

// The warning names each reason once, in the singular where one item has
// it, and there is none when every item is a result.
func TestListSkips_warning(t *testing.T) {
	t.Parallel()
	tests := []struct {
		skips    listSkips
		answered int
		want     string
	}{
		{listSkips{}, 3, ""},
		{listSkips{empty: 1}, 1,
			"1 item of the server's list left out: The server answered the list of requests with 1 item. 1 of them name no request " +
				"that could be imported, so they are not results: 1 was null or an empty object."},
		{listSkips{malformed: 1, example: "abc"}, 2,
			`1 of them name no request that could be imported, so they are not results: 1 had a Uuid that is not a GUID ("abc").`},
		{listSkips{noUUID: 2, malformed: 1, example: "abc", empty: 1}, 9,
			`4 of them name no request that could be imported, so they are not results: 2 had no Uuid (none, an empty one or the ` +
				`all-zero GUID), 1 had a Uuid that is not a GUID ("abc") and 1 was null or an empty object.`},
		{listSkips{duplicates: 1}, 2,
			"1 item of the server's list left out: The server answered the list of requests with 2 items. 1 named a request that an " +
				"earlier item had named (the same GUID, in any letter case or in braces): each request is one result, built from the " +
				"first item that names it."},
		{listSkips{malformed: 3, example: strings.Repeat("x", 10000)}, 3, `such as "` + strings.Repeat("x", 64) + `"… (10000 bytes))`},
	}
	for _, tc := range tests {
		diags := tc.skips.warning(tc.answered)
		if tc.want == "" {
			if len(diags) != 0 {
				t.Errorf("%+v: want no warning, got %v", tc.skips, diags)
			}
			continue
		}
		if len(diags) != 1 || diags.WarningsCount() != 1 {
			t.Fatalf("%+v: want one warning, got %v", tc.skips, diags)
		}
		if got := diags[0].Summary() + ": " + diags[0].Detail(); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: the warning does not say\n %s\ngot\n %s", tc.skips, tc.want, got)
		}
	}
}

// Configuration generated from a list of GUIDs in braces, upper case, twice
// or not at all validates, and imports each request once.
func TestAccRequestStatusList_generateConfigHostileList(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	skipBelow(t, version1_14)
	// Without the Denied request, whose generated block is meant to fail
	// validation.
	m := newHostileListMock(t, hostileListItems(t, listID4))
	tf := newTerraformCLI(t, buildProvider(t))
	tf.writeConfig(m.providerBlock())
	tf.writeFile("hostile.tfquery.hcl", `
list "mimcm_request_status" "hostile" {
  provider = mimcm
  config {
    desired_status = "Canceled"
  }
}
`)
	out := tf.mustRun(0, "query", "-generate-config-out=generated.tf", "-no-color")
	if !strings.Contains(out, "11 items of the server's list left out") {
		t.Errorf("terraform query does not warn of the items left out:\n%s", out)
	}
	generated := tf.readFile("generated.tf")
	if n := strings.Count(generated, "import {"); n != 4 {
		t.Errorf("generated.tf: want 4 import blocks, one per request, got %d:\n%s", n, generated)
	}
	for _, id := range []string{listID1, listID2, listID3, listID5} {
		if n := strings.Count(generated, `"`+id+`"`); n != 2 {
			t.Errorf("generated.tf: want %s twice (request_id and identity), got %d times:\n%s", id, n, generated)
		}
	}
	tf.mustRun(0, "validate", "-no-color")
	if out := tf.mustRun(0, "plan", "-input=false", "-no-color"); !strings.Contains(out, "Plan: 4 to import, 0 to add, 2 to change, 0 to destroy.") {
		t.Errorf("plan: want 4 imports and 2 changes (Approved and Pending, to Canceled):\n%s", out)
	}
}
