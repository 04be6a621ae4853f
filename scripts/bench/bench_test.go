package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// TestKindsFor measures mimcm_request beside the others by default up to
// 1,000 resources, and not above.
func TestKindsFor(t *testing.T) {
	var cfg config
	if !slices.Contains(cfg.kindsFor(500), kindRequest) || !slices.Contains(cfg.kindsFor(1000), kindRequest) {
		t.Errorf("the default kinds at 500 and 1,000 are %v and %v, without mimcm_request", cfg.kindsFor(500), cfg.kindsFor(1000))
	}
	if slices.Contains(cfg.kindsFor(1001), kindRequest) {
		t.Errorf("the default kinds above 1,000 are %v, with mimcm_request", cfg.kindsFor(1001))
	}
	cfg, err := parseFlags([]string{"-kinds", "terraform_data,mimcm_request_status,mimcm_request"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []kind{kindData, kindMimcm, kindRequest}; !slices.Equal(cfg.kindsFor(5000), want) {
		t.Errorf("-kinds gave %v, want %v", cfg.kindsFor(5000), want)
	}
	if _, err := parseFlags([]string{"-latency-kind", "mimcm_request"}); err == nil {
		t.Error("-latency-kind mimcm_request was taken; the latency scenario applies status resources only")
	}
}

// TestCheckApplied wants one POST per mimcm_request and one PUT per status
// resource from an apply.
func TestCheckApplied(t *testing.T) {
	counts := func(method string, n int) callCounts {
		return callCounts{Counts: map[string]int{method: n, "total": n}}
	}
	for _, tc := range []struct {
		name    string
		k       kind
		op      string
		c       callCounts
		wantErr string
	}{
		{"status set", kindMimcm, "apply", counts("PUT", 5), ""},
		{"status not set", kindMimcm, "apply", counts("PUT", 4), "sent 4 PUTs for 5 resources"},
		{"requests created", kindRequest, "apply", counts("POST", 5), ""},
		{"a request too many", kindRequest, "apply", counts("POST", 6), "the apply of mimcm_request at N=5 sent 6 POSTs for 5 resources"},
		{"PUTs are no creates", kindRequest, "apply", counts("PUT", 5), "sent 0 POSTs"},
		{"not an apply", kindRequest, "refresh plan", counts("GET", 5), ""},
		{"no API", kindData, "apply", callCounts{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkApplied(tc.k, tc.op, tc.c, 5)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want one saying %q", err, tc.wantErr)
			}
		})
	}
}

// TestWriteConfig_request gives every mimcm_request a comment of its own
// and the template it is given.
func TestWriteConfig_request(t *testing.T) {
	dir := t.TempDir()
	const template mimcm.GUID = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
	if err := writeConfig(dir, kindRequest, "http://127.0.0.1:1", "", template, requestIDs(7, 3)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`source = "mimcm/mimcm"`,
		`host        = "http://127.0.0.1:1"`,
		`resource "mimcm_request" "bench" {`,
		`count                 = length(local.request_ids)`,
		`profile_template_uuid = "a039b4d0-5ce8-4eff-8651-181c6576fda3"`,
		`type                  = "Enroll"`,
		`comment               = "bench ${local.request_ids[count.index]}"`,
		`"00000007-0000-4000-8000-000000000003",`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the configuration lacks %q:\n%s", want, b)
		}
	}
}
