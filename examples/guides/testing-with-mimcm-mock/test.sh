#!/usr/bin/env bash
# Test a pipeline's configuration against mimcm-mock instead of a MIM CM
# server: start the mock, seed it, apply, assert with `terraform output` and
# the mock's own view, check that the next plan is empty, then let a new
# request arrive and check that one more apply picks it up.
#
# The configuration under test is ../gitops-complete-approved (CONFIG_DIR
# overrides it). Needs terraform, curl and mimcm-mock (MIMCM_MOCK names the
# binary; default: mimcm-mock on PATH). Runs `terraform init` unless
# SKIP_INIT=1, which is for a provider installed through dev_overrides.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config_dir="${CONFIG_DIR:-$here/../gitops-complete-approved}"
mimcm_mock="${MIMCM_MOCK:-mimcm-mock}"
template="a039b4d0-5ce8-4eff-8651-181c6576fda3" # the template mock-seed.json's requests use
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
work="$(mktemp -d)"
mock_pid=""
cleanup() {
	if [ -n "$mock_pid" ]; then
		kill "$mock_pid" 2>/dev/null || true
		wait "$mock_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# 1. Start the mock on a free loopback port. It writes its base URL to the
#    -url-file once it listens.
"$mimcm_mock" -listen 127.0.0.1:0 -url-file "$work/mock.url" -seed "$here/mock-seed.json" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do
	[ -s "$work/mock.url" ] && break
	kill -0 "$mock_pid" 2>/dev/null || fail "mimcm-mock exited: $(cat "$work/mock.log")"
	sleep 0.1
done
[ -s "$work/mock.url" ] || fail "mimcm-mock did not start listening within 10 s"
mock="$(cat "$work/mock.url")"
export MIMCM_HOST="$mock" # the provider block leaves host to the environment

# mock_status ID: the status number the mock holds for a request.
mock_status() {
	curl -fsS "$mock/_mock/requests/$1" | grep -o '"Status":[0-9]*' | cut -d: -f2
}

# 2. Apply the configuration, in a scratch copy so no state is left behind.
cp "$config_dir"/*.tf "$work/"
cd "$work"
[ "${SKIP_INIT:-}" = 1 ] || terraform init -input=false -no-color >/dev/null
tf_vars=(-input=false -no-color -var "profile_template_uuid=$template")
terraform apply -auto-approve "${tf_vars[@]}" >apply.log || fail "apply failed: $(cat apply.log)"

# 3. Assert: the two Approved requests of the template are Completed, and
#    nothing else was touched.
[ "$(terraform output -raw managed_count)" = 2 ] || fail "managed_count is $(terraform output -raw managed_count), want 2"
want='["11111111-1111-4111-8111-111111111111","22222222-2222-4222-8222-222222222222"]'
got="$(terraform output -json completed_ids)"
[ "$got" = "$want" ] || fail "completed_ids is $got, want $want"
[ "$(mock_status 11111111-1111-4111-8111-111111111111)" = 8 ] || fail "request 1111… is not Completed on the mock"
[ "$(mock_status 33333333-3333-4333-8333-333333333333)" = 3 ] || fail "request 3333… (another template) is no longer Approved"
[ "$(mock_status 44444444-4444-4444-8444-444444444444)" = 16 ] || fail "request 4444… (Pending) is no longer Pending"

# 4. The next plan is empty: completed requests stay managed, nothing to do.
rc=0
terraform plan -detailed-exitcode "${tf_vars[@]}" >plan.log || rc=$?
[ "$rc" = 0 ] || fail "the plan after apply exited $rc, want 0 (no changes): $(cat plan.log)"

# 5. A new request of the template is approved; the next apply completes it.
curl -fsS -X POST "$mock/_mock/requests" -H 'Content-Type: application/json' -d '{
  "Uuid": "66666666-6666-4666-8666-666666666666", "RequestType": 1, "Status": 3,
  "Submitted": "2026-03-03T10:00:00Z", "Completed": "0001-01-01T00:00:00",
  "ProfileTemplateUuid": "'"$template"'"
}' >/dev/null
terraform apply -auto-approve "${tf_vars[@]}" >apply.log || fail "second apply failed: $(cat apply.log)"
[ "$(terraform output -raw managed_count)" = 3 ] || fail "managed_count is $(terraform output -raw managed_count) after the new request, want 3"
[ "$(mock_status 66666666-6666-4666-8666-666666666666)" = 8 ] || fail "the new request is not Completed on the mock"

# 6. What the provider called: no PUT beyond the three completions.
calls="$(curl -fsS "$mock/_mock/calls")"
puts="$(grep -o '"PUT":[0-9]*' <<<"$calls" | cut -d: -f2)"
[ "$puts" = 3 ] || fail "the provider sent ${puts:-0} PUTs, want 3: $calls"

echo "PASS: $(grep -o '"counts":{[^}]*}' <<<"$calls")"
