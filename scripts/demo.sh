#!/usr/bin/env bash
# demo.sh — the provider's main job, end to end, on the mock API (make demo).
#
# Builds the provider and the mock into bin/, starts the mock on a free
# loopback port seeded with examples/quickstart/mock-seed.json, applies
# examples/quickstart (a copy in a temporary directory, so no state lands in
# the repository) through a dev_overrides CLI configuration, shows that a
# second plan is clean, injects drift through the mock's admin API and shows
# the plan catching it, repairs it, and stops the mock.
#
# Needs go, terraform (1.5 or later; TERRAFORM=tofu for OpenTofu) and curl.
# Never runs `terraform init` and never downloads anything but Go modules.
# KEEP_DEMO_DIR=1 keeps the temporary directory for a look afterwards.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="$repo_root/bin"
example_dir="$repo_root/examples/quickstart"

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
note "\$ bin/mimcm-mock -listen 127.0.0.1:0 -url-file $work/url -seed $work/mock-seed.json &"
"$bin_dir/mimcm-mock" -listen 127.0.0.1:0 -url-file "$work/url" -seed "$work/mock-seed.json" >"$work/mock.log" 2>&1 &
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

section "Stop the mock"
admin GET /calls
note "API calls the provider made: $(grep -o '"counts":{[^}]*}' "$work/admin.out" | cut -d: -f2-)"
stop_mock
note "mock stopped; the temporary directory is removed on exit"

printf '\n%sDemo finished in %d s.%s\n' "$bold" "$((SECONDS - started))" "$plain"
