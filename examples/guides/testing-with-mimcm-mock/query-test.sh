#!/usr/bin/env bash
# Test the terraform query recipe (Terraform 1.14 and later) against
# mimcm-mock: discover the Approved requests of a template, generate a batch
# of resource and import blocks, check that it plans exactly the imports and
# the completions, apply, check the mock, then complete one more request
# with the action, from terraform query's JSON output.
#
# The configuration under test is ../gitops-complete-approved-query
# (CONFIG_DIR overrides it). Needs terraform 1.14 or later, curl and
# mimcm-mock (MIMCM_MOCK names the binary). Runs `terraform init` unless
# SKIP_INIT=1, which is for a provider installed through dev_overrides.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config_dir="${CONFIG_DIR:-$here/../gitops-complete-approved-query}"
mimcm_mock="${MIMCM_MOCK:-mimcm-mock}"
TERRAFORM="${TERRAFORM:-terraform}"
template="a039b4d0-5ce8-4eff-8651-181c6576fda3" # the template mock-seed.json's requests use
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TERRAFORM

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

# 1. Start the mock, seeded with the testing guide's requests.
"$mimcm_mock" -listen 127.0.0.1:0 -url-file "$work/mock.url" -seed "$here/mock-seed.json" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do
	[ -s "$work/mock.url" ] && break
	kill -0 "$mock_pid" 2>/dev/null || fail "mimcm-mock exited: $(cat "$work/mock.log")"
	sleep 0.1
done
[ -s "$work/mock.url" ] || fail "mimcm-mock did not start listening within 10 s"
mock="$(cat "$work/mock.url")"
export MIMCM_HOST="$mock"
mock_status() {
	curl -fsS "$mock/_mock/requests/$1" | grep -o '"Status":[0-9]*' | cut -d: -f2
}
seed_approved() {
	curl -fsS -X POST "$mock/_mock/requests" -H 'Content-Type: application/json' -d '{
  "Uuid": "'"$1"'", "RequestType": 1, "Status": 3,
  "Submitted": "2026-03-03T10:00:00Z", "Completed": "0001-01-01T00:00:00",
  "ProfileTemplateUuid": "'"$template"'"
}' >/dev/null
}

mkdir "$work/config"
cp "$config_dir"/*.tf "$config_dir"/*.tfquery.hcl "$config_dir"/new-batch.sh "$work/config/"
cd "$work/config"
[ "${SKIP_INIT:-}" = 1 ] || "$TERRAFORM" init -input=false -no-color >/dev/null
vars=(-no-color -var "profile_template_uuid=$template")

# 2. Discover: the template's two Approved requests, nothing else.
"$TERRAFORM" query "${vars[@]}" >query.log 2>&1 || fail "query failed: $(cat query.log)"
for id in 11111111-1111-4111-8111-111111111111 22222222-2222-4222-8222-222222222222; do
	grep -q "$id: Approved" query.log || fail "terraform query does not list $id: $(cat query.log)"
done
! grep -qE '33333333|44444444|55555555' query.log || fail "terraform query lists requests it must not: $(cat query.log)"

# 3. Generate a batch and review it: both requests, to be completed.
batch="$(bash new-batch.sh "$template")"
[ -n "$batch" ] || fail "new-batch.sh wrote no batch"
[ "$(grep -c '^resource "mimcm_request_status"' "$batch")" = 2 ] || fail "$batch does not hold 2 resources: $(cat "$batch")"
[ "$(grep -c 'status *= "Completed"' "$batch")" = 2 ] || fail "$batch does not complete both requests: $(cat "$batch")"
"$TERRAFORM" validate -no-color >validate.log || fail "validate failed: $(cat validate.log)"

# 4. The plan is exactly the imports and the completions; apply it.
"$TERRAFORM" plan -input=false "${vars[@]}" -out=tfplan >plan.log || fail "plan failed: $(cat plan.log)"
grep -q 'Plan: 2 to import, 0 to add, 2 to change, 0 to destroy.' plan.log || fail "unexpected plan: $(cat plan.log)"
"$TERRAFORM" apply -input=false -no-color tfplan >apply.log || fail "apply failed: $(cat apply.log)"
[ "$(mock_status 11111111-1111-4111-8111-111111111111)" = 8 ] || fail "request 1111… is not Completed on the mock"
[ "$(mock_status 22222222-2222-4222-8222-222222222222)" = 8 ] || fail "request 2222… is not Completed on the mock"
[ "$(mock_status 33333333-3333-4333-8333-333333333333)" = 3 ] || fail "request 3333… (another template) is no longer Approved"
[ "$(mock_status 44444444-4444-4444-8444-444444444444)" = 16 ] || fail "request 4444… (Pending) is no longer Pending"
rc=0
"$TERRAFORM" plan -input=false -detailed-exitcode "${vars[@]}" >plan.log || rc=$?
[ "$rc" = 0 ] || fail "the plan after apply exited $rc, want 0 (no changes): $(cat plan.log)"

# 5. A new Approved request: the next batch holds it alone.
seed_approved 66666666-6666-4666-8666-666666666666
sleep 1 # a new batch name
batch2="$(bash new-batch.sh "$template")"
[ "$(grep -c '^resource "mimcm_request_status"' "$batch2")" = 1 ] || fail "$batch2 does not hold 1 resource: $(cat "$batch2")"
"$TERRAFORM" apply -input=false -auto-approve "${vars[@]}" >apply.log || fail "second apply failed: $(cat apply.log)"
[ "$(mock_status 66666666-6666-4666-8666-666666666666)" = 8 ] || fail "the new request is not Completed on the mock"

# 6. The action instead: complete a request found by terraform query,
#    without keeping it in state.
seed_approved 77777777-7777-4777-8777-777777777777
"$TERRAFORM" query -json "${vars[@]}" >query.json 2>/dev/null || fail "query -json failed"
ids="$(grep -o '"identity":{"id":"[0-9a-f-]*"}' query.json | cut -d'"' -f6 | sed 's/.*/"&"/' | paste -sd, -)"
[ "$ids" = '"77777777-7777-4777-8777-777777777777"' ] || fail "terraform query -json found $ids, want only 7777…"
echo "{\"complete_ids\": [$ids]}" >complete.auto.tfvars.json
"$TERRAFORM" apply -input=false -auto-approve "${vars[@]}" -invoke=action.mimcm_set_request_status.complete >invoke.log ||
	fail "apply -invoke failed: $(cat invoke.log)"
grep -q 'Actions: 1 invoked' invoke.log || fail "unexpected invoke output: $(cat invoke.log)"
[ "$(mock_status 77777777-7777-4777-8777-777777777777)" = 8 ] || fail "the action did not complete 7777…"

# 7. What the provider called: one PUT per completed request.
calls="$(curl -fsS "$mock/_mock/calls")"
puts="$(grep -o '"PUT":[0-9]*' <<<"$calls" | cut -d: -f2)"
[ "$puts" = 4 ] || fail "the provider sent ${puts:-0} PUTs, want 4: $calls"
echo "PASS: $(grep -o '"counts":{[^}]*}' <<<"$calls")"
