#!/usr/bin/env bash
# Test the "Enrollment as code" configuration against mimcm-mock: the first
# apply creates the request, which awaits approval, and sends no PUT; the
# plan while it waits is clean; an approver approves it through the mock's
# admin route; the next apply completes it and outputs the new profile's
# GUID. Then, in a second state, a denied request fails the plan, naming
# it, and -replace makes a new one.
#
# The configuration under test is this directory's main.tf (CONFIG_DIR
# overrides it). Needs terraform, curl and mimcm-mock (MIMCM_MOCK names the
# binary; default: mimcm-mock on PATH). Runs `terraform init` unless
# SKIP_INIT=1, which is for a provider installed through dev_overrides.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config_dir="${CONFIG_DIR:-$here}"
mimcm_mock="${MIMCM_MOCK:-mimcm-mock}"
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

# 1. Start the mock with the example profile templates (VPN User's Enroll
#    policy needs one approval and the data item Reason).
"$mimcm_mock" -listen 127.0.0.1:0 -url-file "$work/mock.url" -seed-example >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do
	[ -s "$work/mock.url" ] && break
	kill -0 "$mock_pid" 2>/dev/null || fail "mimcm-mock exited: $(cat "$work/mock.log")"
	sleep 0.1
done
[ -s "$work/mock.url" ] || fail "mimcm-mock did not start listening within 10 s"
mock="$(cat "$work/mock.url")"
export MIMCM_HOST="$mock" # the provider block leaves host to the environment

# mock_field ID NAME: a field of the request the mock holds, without quotes.
mock_field() {
	curl -fsS "$mock/_mock/requests/$1" | grep -o "\"$2\":[^,}]*" | head -n 1 | cut -d: -f2- | tr -d '"'
}
# calls METHOD: how many calls of METHOD the provider made since the last reset.
calls() {
	local n
	n="$(curl -fsS "$mock/_mock/calls" | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2)"
	echo "${n:-0}"
}
reset_calls() {
	curl -fsS -X DELETE "$mock/_mock/calls" >/dev/null
}
tf_flags=(-input=false -no-color)

# 2. The first apply creates the request; it awaits approval, and the
#    status resource sends nothing.
mkdir "$work/enroll"
cp "$config_dir"/*.tf "$work/enroll/"
cd "$work/enroll"
[ "${SKIP_INIT:-}" = 1 ] || terraform init -input=false -no-color >/dev/null
reset_calls
terraform apply -auto-approve "${tf_flags[@]}" >apply.log 2>&1 || fail "apply failed: $(cat apply.log)"
grep -q 'awaits approval' apply.log || fail "the apply did not warn that the request awaits approval: $(cat apply.log)"
id="$(terraform output -raw request_id)"
[ "$(terraform output -raw approvals_needed)" = 1 ] || fail "approvals_needed is $(terraform output -raw approvals_needed), want 1"
[ "$(terraform output -json required_items)" = '["Reason"]' ] || fail "required_items is $(terraform output -json required_items), want [\"Reason\"]"
[ "$(terraform output -raw observed_status)" = Pending ] || fail "observed_status is $(terraform output -raw observed_status), want Pending"
[ "$(mock_field "$id" Status)" = 16 ] || fail "request $id is not Pending (16) on the mock"
[ "$(calls POST)" = 1 ] || fail "the provider sent $(calls POST) POSTs, want 1"
[ "$(calls PUT)" = 0 ] || fail "the provider sent $(calls PUT) PUTs to a request that awaits approval, want 0"

# 3. While it waits, the plan is clean (exit code 0), and says why.
rc=0
terraform plan -detailed-exitcode "${tf_flags[@]}" >plan.log 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "the plan while the request awaits approval exited $rc, want 0: $(cat plan.log)"
grep -q "Request $id awaits approval" plan.log || fail "the plan did not name the request that awaits approval: $(cat plan.log)"

# 4. An approver approves it: in CM, in the portal; here, the admin route.
curl -fsS -X POST "$mock/_mock/requests/$id/approve" >/dev/null
[ "$(mock_field "$id" Status)" = 3 ] || fail "request $id is not Approved (3) after the approval"

# 5. The next apply completes it and outputs the new profile's GUID.
reset_calls
terraform apply -auto-approve "${tf_flags[@]}" >apply.log 2>&1 || fail "second apply failed: $(cat apply.log)"
[ "$(terraform output -raw observed_status)" = Completed ] || fail "observed_status is $(terraform output -raw observed_status), want Completed"
[ "$(mock_field "$id" Status)" = 8 ] || fail "request $id is not Completed (8) on the mock"
profile="$(terraform output -raw new_profile_uuid)"
[ -n "$profile" ] && [ "$profile" = "$(mock_field "$id" NewProfileUuid)" ] ||
	fail "new_profile_uuid is '$profile', want the mock's $(mock_field "$id" NewProfileUuid)"
[ "$(calls PUT)" = 1 ] || fail "the provider sent $(calls PUT) PUTs to complete the request, want 1"
[ "$(calls POST)" = 0 ] || fail "the provider sent $(calls POST) POSTs after the request existed, want 0"
rc=0
terraform plan -detailed-exitcode "${tf_flags[@]}" >plan.log 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "the plan after completion exited $rc, want 0: $(cat plan.log)"

# 6. A denied request, in a state of its own: the plan fails naming it, and
#    -replace makes a new request.
mkdir "$work/denied"
cp "$config_dir"/*.tf "$work/denied/"
cd "$work/denied"
deny_flags=("${tf_flags[@]}" -var 'comment=Requested by the enrollment pipeline, to be denied')
terraform apply -auto-approve "${deny_flags[@]}" >apply.log 2>&1 || fail "apply of the request to deny failed: $(cat apply.log)"
denied="$(terraform output -raw request_id)"
curl -fsS -X POST "$mock/_mock/requests/$denied/deny" >/dev/null
[ "$(mock_field "$denied" Status)" = 4 ] || fail "request $denied is not Denied (4) after the denial"
rc=0
terraform plan "${deny_flags[@]}" >plan.log 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "the plan of a denied request exited $rc, want 1 (an error): $(cat plan.log)"
grep -q "Request $denied cannot be completed" plan.log || fail "the plan did not name the denied request: $(cat plan.log)"
terraform apply -auto-approve -replace=mimcm_request.enroll "${deny_flags[@]}" >apply.log 2>&1 ||
	fail "apply -replace after the denial failed: $(cat apply.log)"
replacement="$(terraform output -raw request_id)"
[ "$replacement" != "$denied" ] || fail "-replace kept the denied request $denied"
[ "$(mock_field "$replacement" Status)" = 16 ] || fail "the new request $replacement is not Pending (16)"
[ "$(mock_field "$denied" Status)" = 4 ] || fail "the denied request $denied changed status"

echo "PASS: request $id completed (profile $profile); denied request $denied replaced by $replacement"
