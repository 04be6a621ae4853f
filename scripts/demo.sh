#!/usr/bin/env bash
# demo.sh — the provider's main job, end to end, on the mock API (make demo).
#
# Builds the provider and the mock into bin/, starts the mock on a free
# loopback port seeded with examples/quickstart/mock-seed.json and the
# example profile templates, applies examples/quickstart (a copy in a
# temporary directory, so no state lands in the repository) through a
# dev_overrides CLI configuration, shows that a second plan is clean, injects
# drift through the mock's admin API and shows the plan catching it, repairs
# it. Then it applies examples/guides/enrollment-as-code: it creates a
# request from the VPN User template, shows it awaiting approval with a clean
# plan, approves it through the mock's admin route, and completes it with the
# next apply, which outputs the new profile's GUID. Last, it stops the mock.
#
# Needs go, terraform (1.5 or later; TERRAFORM=tofu for OpenTofu) and curl.
# Never runs `terraform init` and never downloads anything but Go modules.
# KEEP_DEMO_DIR=1 keeps the temporary directory for a look afterwards.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="$repo_root/bin"
example_dir="$repo_root/examples/quickstart"
enrollment_dir="$repo_root/examples/guides/enrollment-as-code"

# The requests in examples/quickstart/mock-seed.json.
complete_id="6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21" # Approved → Completed
cancel_id="0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"   # Pending  → Canceled
abandon_id="c4d5e6f7-0819-4a2b-8c3d-4e5f60718293"  # Approved → Abandoned (reads back as Failed)

export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
keep_dir="${KEEP_DEMO_DIR:-}"
# The provider reads MIMCM_* variables when an argument is not set; the demo
# must not pick up the caller's (a MIMCM_BASE_PATH would miss the mock).
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^MIMCM_' || true)

started=$SECONDS
step=0
bold="" plain="" color=()
if [ -t 1 ]; then
	bold=$'\033[1m' plain=$'\033[0m'
else
	color=(-no-color)
fi
section() {
	step=$((step + 1))
	printf '\n%s==> %d. %s%s\n' "$bold" "$step" "$*" "$plain"
}
note() { printf '    %s\n' "$*"; }
die() {
	printf '\ndemo: %s\n' "$*" >&2
	exit 1
}

# --- prerequisites -----------------------------------------------------------
if [ -z "${TERRAFORM:-}" ]; then
	if command -v terraform >/dev/null 2>&1; then
		TERRAFORM=terraform
	elif command -v tofu >/dev/null 2>&1; then
		TERRAFORM=tofu
	else
		die "terraform is not on PATH: install Terraform 1.5 or later (or OpenTofu and set TERRAFORM=tofu)"
	fi
fi
command -v "$TERRAFORM" >/dev/null 2>&1 || die "TERRAFORM=$TERRAFORM is not on PATH"
command -v go >/dev/null 2>&1 || die "go is not on PATH: install Go 1.26 or later"
command -v curl >/dev/null 2>&1 || die "curl is not on PATH: install it (apt-get install -y curl)"

tf_flags=(-input=false -compact-warnings "${color[@]}")
tf() {
	local cmd=$1
	shift
	note "\$ $TERRAFORM $cmd $*"
	"$TERRAFORM" "$cmd" "$@"
}

# --- cleanup: stop the mock and remove the temporary directory, always -------
work="$(mktemp -d "${TMPDIR:-/tmp}/mimcm-demo.XXXXXX")"
mock_pid=""
stop_mock() {
	if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
		kill -TERM "$mock_pid" 2>/dev/null || true
		wait "$mock_pid" 2>/dev/null || true
	fi
	mock_pid=""
}
cleanup() {
	local rc=$?
	stop_mock
	if [ "$rc" -ne 0 ] && [ -s "$work/mock.log" ]; then
		printf '\ndemo failed (exit %d); the mock logged:\n' "$rc" >&2
		sed 's/^/    /' "$work/mock.log" >&2 || true
	fi
	if [ -n "$keep_dir" ]; then
		printf 'demo: kept %s\n' "$work" >&2
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers for the mock's admin API ------------------------------------------
# admin METHOD PATH [JSON]: calls an admin route, prints the body to
# $work/admin.out and fails on anything but 2xx.
admin() {
	local method=$1 route=$2 body=${3:-} code
	local args=(-sS -X "$method" -o "$work/admin.out" -w '%{http_code}')
	if [ -n "$body" ]; then
		args+=(-H 'Content-Type: application/json' --data "$body")
	fi
	code="$(curl "${args[@]}" "$mock_url/_mock$route")" || die "curl $method /_mock$route failed"
	case "$code" in
	2??) ;;
	*) die "$method /_mock$route answered $code: $(cat "$work/admin.out")" ;;
	esac
}
# mock_status ID: the status number the mock holds for a request.
mock_status() {
	admin GET "/requests/$1"
	grep -o '"Status":[0-9]*' "$work/admin.out" | head -n 1 | cut -d: -f2
}
# call_count METHOD: how many API calls of METHOD the provider has made.
call_count() {
	local n
	admin GET /calls
	n="$(grep -o "\"$1\":[0-9]*" "$work/admin.out" | head -n 1 | cut -d: -f2)"
	echo "${n:-0}"
}

# --- the demo ----------------------------------------------------------------
section "Build the provider and the mock into bin/"
cd "$repo_root"
note "\$ go build -o bin/terraform-provider-mimcm ."
go build -o "$bin_dir/terraform-provider-mimcm" .
note "\$ go build -o bin/mimcm-mock ./cmd/mimcm-mock"
go build -o "$bin_dir/mimcm-mock" ./cmd/mimcm-mock
# An empty CLI configuration until the real one is written: the environment
# may point TF_CLI_CONFIG_FILE at a file that does not exist.
: >"$work/terraform.rc"
export TF_CLI_CONFIG_FILE="$work/terraform.rc"
tf_version="$("$TERRAFORM" version)"
tf_version="${tf_version%%$'\n'*}"
note "using $tf_version"

section "Start the mock MIM CM API on a free loopback port"
cp "$example_dir/mock-seed.json" "$work/mock-seed.json"
note "\$ bin/mimcm-mock -listen 127.0.0.1:0 -url-file $work/url -seed $work/mock-seed.json -seed-example &"
"$bin_dir/mimcm-mock" -listen 127.0.0.1:0 -url-file "$work/url" -seed "$work/mock-seed.json" -seed-example >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do
	[ -s "$work/url" ] && break
	kill -0 "$mock_pid" 2>/dev/null || die "the mock exited before it listened"
	sleep 0.1
done
[ -s "$work/url" ] || die "the mock did not write its URL within 10 seconds"
mock_url="$(cat "$work/url")"
healthy=""
for _ in $(seq 1 50); do
	if curl -fsS "$mock_url/_mock/health" >/dev/null 2>&1; then
		healthy=yes
		break
	fi
	sleep 0.1
done
[ -n "$healthy" ] || die "$mock_url/_mock/health did not answer within 5 seconds"
note "mock pid $mock_pid at $mock_url (healthy)"
for pair in "complete:$complete_id:Approved" "cancel:$cancel_id:Pending" "abandon:$abandon_id:Approved"; do
	IFS=: read -r name id label <<<"$pair"
	st="$(mock_status "$id")"
	note "$(printf 'seeded %-9s %s  Status %s (%s)' "$name" "$id" "$st" "$label")"
done
note "and, from -seed-example, the profile templates VPN User, Smart Card Logon and Virtual Smart Card"

section "Point Terraform at bin/ with a dev_overrides CLI configuration"
overrides="    \"registry.terraform.io/mimcm/mimcm\" = \"$bin_dir\""
if [[ "$tf_version" == *OpenTofu* ]]; then
	# OpenTofu resolves "mimcm/mimcm" on its own registry's host name.
	overrides+=$'\n'"    \"registry.opentofu.org/mimcm/mimcm\" = \"$bin_dir\""
fi
cat >"$work/terraform.rc" <<EOF
provider_installation {
  dev_overrides {
$overrides
  }
  direct {}
}
EOF
sed 's/^/    /' "$TF_CLI_CONFIG_FILE"
note "TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE"
note "With dev_overrides Terraform runs bin/terraform-provider-mimcm directly: no 'terraform init',"
note "nothing downloaded. Expect a warning that development overrides are in effect."

section "Copy examples/quickstart into the temporary directory and set its variables"
mkdir "$work/quickstart"
cp "$example_dir"/*.tf "$work/quickstart/"
cat >"$work/quickstart/terraform.tfvars" <<EOF
host                = "$mock_url"
complete_request_id = "$complete_id"
cancel_request_id   = "$cancel_id"
abandon_request_id  = "$abandon_id"
EOF
cd "$work/quickstart"
note "working directory: $PWD"
sed 's/^/    /' terraform.tfvars

section "terraform apply: complete one request, cancel one, abandon one"
tf apply -auto-approve "${tf_flags[@]}"

section "Resulting statuses (terraform output)"
tf output "${color[@]}"
note ""
note "The mock's own view:"
for pair in "complete:$complete_id:8" "cancel:$cancel_id:17" "abandon:$abandon_id:9"; do
	IFS=: read -r name id want <<<"$pair"
	got="$(mock_status "$id")"
	note "$(printf '%-9s %s  Status %s' "$name" "$id" "$got")"
	[ "$got" = "$want" ] || die "request $id ($name) has status $got on the mock; want $want"
done
note "Abandoned has no status of its own: the request is Failed (9), which satisfies status = \"Abandoned\"."

section "Re-plan: nothing to change (terraform plan -detailed-exitcode must exit 0)"
rc=0
tf plan -detailed-exitcode "${tf_flags[@]}" || rc=$?
[ "$rc" -eq 0 ] || die "the plan after apply exited $rc; want 0 (no changes)"
note "exit code 0: no changes"

section "Inject drift: someone puts the completed request back to Approved behind Terraform's back"
note "\$ curl -X PATCH $mock_url/_mock/requests/$complete_id -d '{\"Status\":3,\"Completed\":\"0001-01-01T00:00:00\"}'"
admin PATCH "/requests/$complete_id" '{"Status":3,"Completed":"0001-01-01T00:00:00"}'
st="$(mock_status "$complete_id")"
note "the mock now holds status $st (Approved) for $complete_id"

section "Plan again: the drift is caught (terraform plan -detailed-exitcode must exit 2)"
rc=0
tf plan -detailed-exitcode "${tf_flags[@]}" || rc=$?
[ "$rc" -eq 2 ] || die "the plan after the drift exited $rc; want 2 (changes to make)"
note "exit code 2: Terraform wants to complete the request again"

section "Repair the drift with terraform apply, then plan clean again"
tf apply -auto-approve "${tf_flags[@]}"
[ "$(mock_status "$complete_id")" = 8 ] || die "request $complete_id is not Completed (8) after the repair"
rc=0
tf plan -detailed-exitcode "${tf_flags[@]}" || rc=$?
[ "$rc" -eq 0 ] || die "the plan after the repair exited $rc; want 0 (no changes)"
note "exit code 0: no changes"

section "Enrollment as code: copy examples/guides/enrollment-as-code"
mkdir "$work/enrollment"
cp "$enrollment_dir"/*.tf "$work/enrollment/"
cd "$work/enrollment"
export MIMCM_HOST="$mock_url" # this configuration takes host from the environment
note "working directory: $PWD"
note "MIMCM_HOST=$MIMCM_HOST"
note "It finds the \"VPN User\" template by name, reads its Enroll workflow policy (one approval,"
note "the data item Reason required), creates the request with mimcm_request and pairs it with"
note "mimcm_request_status (status = \"Completed\")."

section "terraform apply: create the request (one POST); it awaits approval, so no PUT is sent"
posts_before="$(call_count POST)" puts_before="$(call_count PUT)"
tf apply -auto-approve "${tf_flags[@]}"
request_id="$("$TERRAFORM" output -raw request_id)"
st="$(mock_status "$request_id")"
note "the mock holds request $request_id with status $st (Pending)"
[ "$st" = 16 ] || die "request $request_id has status $st on the mock; want 16 (Pending)"
posts=$(($(call_count POST) - posts_before)) puts=$(($(call_count PUT) - puts_before))
note "this apply sent $posts POST and $puts PUT"
[ "$posts" -eq 1 ] || die "the apply sent $posts POSTs; want exactly 1"
[ "$puts" -eq 0 ] || die "the apply sent $puts PUTs to a request that awaits approval; want 0"

section "Plan while it waits: nothing to do (terraform plan -detailed-exitcode must exit 0)"
rc=0
tf plan -detailed-exitcode "${tf_flags[@]}" || rc=$?
[ "$rc" -eq 0 ] || die "the plan while the request awaits approval exited $rc; want 0 (no changes)"
note "exit code 0: the pipeline stays green; the warning names the request that awaits approval"

section "An approver approves the request (in CM: the portal; here: the mock's admin route)"
note "\$ curl -X POST $mock_url/_mock/requests/$request_id/approve"
admin POST "/requests/$request_id/approve"
st="$(mock_status "$request_id")"
note "the mock now holds status $st (Approved) for $request_id"
[ "$st" = 3 ] || die "request $request_id has status $st after the approval; want 3 (Approved)"

section "terraform apply: the first run after the approval completes the request"
tf apply -auto-approve "${tf_flags[@]}"
profile="$("$TERRAFORM" output -raw new_profile_uuid)"
[ "$(mock_status "$request_id")" = 8 ] || die "request $request_id is not Completed (8) after the apply"
admin GET "/requests/$request_id"
grep -q "\"NewProfileUuid\":\"$profile\"" "$work/admin.out" ||
	die "new_profile_uuid is '$profile', not the profile the mock created: $(cat "$work/admin.out")"
note "request $request_id is Completed; the enrollment created profile $profile"

section "Stop the mock"
admin GET /calls
note "API calls the provider made: $(grep -o '"counts":{[^}]*}' "$work/admin.out" | cut -d: -f2-)"
stop_mock
note "mock stopped; the temporary directory is removed on exit"

printf '\n%sDemo finished in %d s.%s\n' "$bold" "$((SECONDS - started))" "$plain"
