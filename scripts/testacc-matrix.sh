#!/usr/bin/env bash
# testacc-matrix.sh — run the acceptance tests once per Terraform or OpenTofu
# binary (make testacc-matrix TERRAFORM_BINARIES="/path/terraform /path/tofu").
#
# Each binary runs the same `go test ./... -run TestAcc` as make testacc,
# with TF_ACC_TERRAFORM_PATH naming it and TF_ACC_PROVIDER_HOST set to the
# registry host it resolves `mimcm/mimcm` to: registry.opentofu.org when its
# `version` output says OpenTofu, registry.terraform.io otherwise. Tests
# gated with tfversion.SkipBelow skip on binaries older than the feature
# they test (identity 1.12; list resources and actions 1.14, which no
# OpenTofu has yet). Prints one line per binary and fails if any run failed.
# Nothing is downloaded.
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
GO="${GO:-go}"
TEST_TIMEOUT="${TEST_TIMEOUT:-30m}"
TEST_PARALLEL="${TEST_PARALLEL:-4}"
export CHECKPOINT_DISABLE=1

die() {
	printf 'testacc-matrix: %s\n' "$*" >&2
	exit 2
}
[ "$#" -gt 0 ] || die 'no binaries: make testacc-matrix TERRAFORM_BINARIES="/path/to/terraform /path/to/tofu"'

summary=()
failed=0
for bin in "$@"; do
	path="$(command -v "$bin")" || die "$bin: not found"
	# An empty CLI configuration, so that version prints no warning about
	# a missing one.
	first_line="$(TF_CLI_CONFIG_FILE=/dev/null "$path" version 2>/dev/null | head -n 1)"
	case "$first_line" in
	OpenTofu*) host=registry.opentofu.org ;;
	Terraform*) host=registry.terraform.io ;;
	*) die "$path: 'version' printed '$first_line', neither Terraform nor OpenTofu" ;;
	esac
	echo "==> $first_line ($path): TF_ACC_PROVIDER_HOST=$host"
	if TF_ACC=1 TF_ACC_TERRAFORM_PATH="$path" TF_ACC_PROVIDER_HOST="$host" \
		"$GO" test ./... -run TestAcc -count=1 -timeout "$TEST_TIMEOUT" -parallel "$TEST_PARALLEL"; then
		summary+=("PASS  $first_line  $path")
	else
		summary+=("FAIL  $first_line  $path")
		failed=1
	fi
done
echo "==> summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
