package provider

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the
// Terraform binary the tests run.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"mimcm": func() (tfprotov6.ProviderServer, error) { return NewProtocol6("test")(), nil },
}

// TestMain prepares what every test shares: no MIMCM_* variable of the
// developer's, no call home, and the Terraform binary for the acceptance
// tests. Those run only with TF_ACC set, as resource.Test decides; without
// it every other test runs, and no Terraform is needed.
func TestMain(m *testing.M) {
	cleanup, err := prepareTerraform()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// acceptance reports whether the acceptance tests run: TF_ACC is set, as
// terraform-plugin-testing's resource.Test reads it.
func acceptance() bool { return os.Getenv("TF_ACC") != "" }

// skipUnlessAcceptance skips a test that runs Terraform itself, as
// resource.Test skips without TF_ACC.
func skipUnlessAcceptance(t testing.TB) {
	t.Helper()
	if !acceptance() {
		t.Skip("acceptance test: it runs Terraform; set TF_ACC=1 (make test and make testacc do)")
	}
}

// terraformMissing says how to get the Terraform binary the acceptance
// tests run.
const terraformMissing = "the acceptance tests (TF_ACC is set) run a real Terraform binary, 1.5 or later, and never download one: " +
	"install Terraform (https://developer.hashicorp.com/terraform/install) and put terraform on PATH, or set TF_ACC_TERRAFORM_PATH to its path; " +
	"unset TF_ACC to run only the tests that need no Terraform"

func prepareTerraform() (func(), error) {
	os.Setenv("CHECKPOINT_DISABLE", "1")
	// The provider reads MIMCM_* variables; the tests configure it
	// explicitly and must not pick up the developer's own.
	for _, a := range providerArguments {
		os.Unsetenv(a.env())
	}
	os.Unsetenv(envKRB5CCNAME)
	// The environment may point TF_CLI_CONFIG_FILE at a file that does not
	// exist; give Terraform an empty one so it neither warns nor reads the
	// user's own settings.
	dir, err := os.MkdirTemp("", "mimcm-test-cli-")
	if err != nil {
		return nil, err
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		return nil, err
	}
	os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	if err := findTerraform(filepath.Join(dir, "terraform-not-installed")); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return func() { os.RemoveAll(dir) }, nil
}

// findTerraform points TF_ACC_TERRAFORM_PATH at the terraform on PATH
// unless it is set. Without one, the acceptance tests cannot run, which is
// an error when TF_ACC asks for them; otherwise TF_ACC_TERRAFORM_PATH is
// left naming missing, a file that does not exist, so that a test that
// runs Terraform without its gate fails rather than has
// terraform-plugin-testing download one.
func findTerraform(missing string) error {
	if os.Getenv("TF_ACC_TERRAFORM_PATH") != "" {
		return nil
	}
	bin, err := exec.LookPath("terraform")
	switch {
	case err == nil:
		os.Setenv("TF_ACC_TERRAFORM_PATH", bin)
	case acceptance():
		return errors.New(terraformMissing)
	default:
		os.Setenv("TF_ACC_TERRAFORM_PATH", missing)
	}
	return nil
}

// testMock is an in-process mock API for one test.
type testMock struct {
	*mockapi.Server
	URL string
}

func newTestMock(t testing.TB, opts mockapi.Options, seed ...mimcm.Request) *testMock {
	t.Helper()
	m := mockapi.New(opts)
	m.Seed(seed...)
	srv := httptest.NewUnstartedServer(m)
	srv.Config.ConnContext = m.ConnContext
	srv.Start()
	t.Cleanup(srv.Close)
	return &testMock{Server: m, URL: srv.URL}
}

// providerBlock configures the provider for the mock, with short waits.
func (m *testMock) providerBlock(extra ...string) string {
	return fmt.Sprintf(`
provider "mimcm" {
  host            = %q
  request_timeout = "5s"
  max_retries     = 3
%s
}
`, m.URL, strings.Join(extra, "\n"))
}

// expectCounts checks the API calls the mock answered since it was last
// reset, by method.
func (m *testMock) expectCounts(want map[string]int) error {
	got := m.Counts()
	for _, method := range []string{"GET", "PUT", "POST"} {
		if got[method] != want[method] {
			return fmt.Errorf("API calls: want %d %s, got %d (all calls: %s)", want[method], method, got[method], m.describeCalls())
		}
	}
	return nil
}

func (m *testMock) describeCalls() string {
	var parts []string
	for _, c := range m.Calls() {
		parts = append(parts, fmt.Sprintf("%s %s → %d", c.Method, c.Path, c.Status))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// checkCounts is expectCounts as a TestCheckFunc.
func (m *testMock) checkCounts(want map[string]int) func(*terraform.State) error {
	return func(*terraform.State) error { return m.expectCounts(want) }
}

// checkStatus checks the status the mock holds for a request.
func (m *testMock) checkStatus(id string, want mimcm.Status) func(*terraform.State) error {
	return func(*terraform.State) error {
		r, ok := m.Request(mimcm.GUID(strings.ToLower(id)))
		if !ok {
			return fmt.Errorf("mock has no request %s", id)
		}
		if r.Status != want {
			return fmt.Errorf("mock request %s: want status %s, got %s", id, want, r.Status)
		}
		return nil
	}
}

// seedRequest returns the reference request with another GUID and status.
func seedRequest(id string, status mimcm.Status) mimcm.Request {
	r := mockapi.ExampleRequest()
	r.Uuid = mimcm.GUID(strings.ToLower(id))
	r.Status = status
	if status.IsTerminal() {
		r.Completed = mimcm.NewTimestamp(time.Date(2015, 7, 7, 23, 37, 37, 767_000_000, time.UTC))
	}
	return r
}

// seedRequests is a request for each of ids, all in status.
func seedRequests(ids []string, status mimcm.Status) []mimcm.Request {
	out := make([]mimcm.Request, len(ids))
	for i, id := range ids {
		out[i] = seedRequest(id, status)
	}
	return out
}

func TestProvider_schemaValid(t *testing.T) {
	t.Parallel()
	server, err := testAccProtoV6ProviderFactories["mimcm"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	if _, ok := resp.ResourceSchemas["mimcm_request_status"]; !ok {
		t.Errorf("mimcm_request_status missing from the provider schema")
	}
}
