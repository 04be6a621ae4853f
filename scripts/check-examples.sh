#!/usr/bin/env bash
# check-examples.sh — every example is formatted and valid (make examples-check).
#
# 1. `terraform fmt -check -recursive examples`.
# 2. Builds the provider from this tree into bin/ and runs `terraform validate`
#    in a copy of every directory under examples/ that holds .tf files, with a
#    dev_overrides CLI configuration pointing at bin/. No `terraform init`, no
#    download. A directory whose files declare no required_providers (the
#    snippets tfplugindocs puts in docs/) gets one for mimcm/mimcm in its copy,
#    and every provider configuration gets a data source that uses it, since
#    Terraform validates only provider blocks something uses.
#
# Fails on any error, and on any warning validate reports other than the
# notice that development overrides are in effect. Files that need a newer
# Terraform than the one running are left out of their directory's copy, and
# said so: import blocks by identity need 1.12, actions 1.14.
#
# 3. Runs examples/guides/testing-with-mimcm-mock/test.sh against the mock
#    built from this tree: it applies the GitOps guide's configuration and
#    asserts on the outcome, so both guides' claims are checked; with
#    Terraform 1.14 or later, query-test.sh does the same for the
#    terraform query recipe.
# 4. Runs examples/guides/enrollment-as-code/test.sh against the same mock:
#    it creates a request, checks that it awaits approval with no PUT sent
#    and a clean plan, approves it through the mock's admin route, and
#    checks that the next apply completes it and outputs the new profile;
#    then that a denied request fails the plan and -replace makes a new one.
# Needs go, terraform and curl (TERRAFORM=tofu for OpenTofu, untested).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
TERRAFORM="${TERRAFORM:-terraform}"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1

die() {
	printf 'check-examples: %s\n' "$*" >&2
	exit 1
}
command -v "$TERRAFORM" >/dev/null 2>&1 || die "$TERRAFORM is not on PATH: install Terraform 1.5 or later"
command -v go >/dev/null 2>&1 || die "go is not on PATH"

work="$(mktemp -d "${TMPDIR:-/tmp}/mimcm-examples.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The environment may point TF_CLI_CONFIG_FILE at a file that does not exist;
# this one also points Terraform at the provider built below.
cat >"$work/terraform.rc" <<EOF
provider_installation {
  dev_overrides {
    "mimcm/mimcm" = "$repo_root/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraform.rc"

echo "==> $TERRAFORM fmt -check -recursive examples"
if ! "$TERRAFORM" fmt -check -recursive -diff examples; then
	die "examples are not formatted: run '$TERRAFORM fmt -recursive examples' (or make generate)"
fi

echo "==> go build -o bin/terraform-provider-mimcm ."
go build -o bin/terraform-provider-mimcm .

# The running Terraform's minor version (OpenTofu's counts the same way for
# identity; it has no actions yet, and says so with a lower version than 1.14
# would need anyway).
tf_version="$("$TERRAFORM" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\).*/\1/p')"
tf_minor="$(cut -d. -f2 <<<"$tf_version")"
[ -n "$tf_minor" ] || die "cannot read the version of $TERRAFORM"
# needed_minor FILE: the Terraform 1.x minor version FILE needs.
needed_minor() {
	if grep -qE '^[[:space:]]*(action[[:space:]]+"|action_trigger[[:space:]]*\{)' "$1"; then
		echo 14
	elif grep -qE '^[[:space:]]*identity[[:space:]]*=' "$1"; then
		echo 12
	else
		echo 5
	fi
}

mapfile -t dirs < <(find examples -name '*.tf' -printf '%h\n' | sort -u)
[ "${#dirs[@]}" -gt 0 ] || die "no .tf files under examples/"

failed=()
for dir in "${dirs[@]}"; do
	copy="$work/${dir//\//_}"
	mkdir -p "$copy"
	copied=0
	for file in "$dir"/*.tf; do
		if [ "$(needed_minor "$file")" -gt "$tf_minor" ]; then
			printf '    (%s needs Terraform 1.%s; this is %s: not validated)\n' "$file" "$(needed_minor "$file")" "$tf_version"
			continue
		fi
		cp "$file" "$copy/"
		copied=$((copied + 1))
	done
	[ "$copied" -gt 0 ] || continue
	if ! grep -qs 'required_providers' "$copy"/*.tf; then
		cat >"$copy/zz_required_providers.tf" <<'EOF'
terraform {
  required_providers {
    mimcm = {
      source = "mimcm/mimcm"
    }
  }
}
EOF
	fi
	# Terraform validates a provider block only when something uses it: give
	# the default configuration and every aliased one a data source.
	{
		echo 'data "mimcm_requests" "zz_check_default" {}'
		sed -n 's/^[[:space:]]*alias[[:space:]]*=[[:space:]]*"\([A-Za-z0-9_-]*\)".*/\1/p' "$copy"/*.tf | sort -u |
			while IFS= read -r alias; do
				printf 'data "mimcm_requests" "zz_check_%s" {\n  provider = mimcm.%s\n}\n' "$alias" "$alias"
			done
	} >"$copy/zz_provider_check.tf"
	printf '==> %s validate %s\n' "$TERRAFORM" "$dir"
	out="$(cd "$copy" && "$TERRAFORM" validate -json -no-color 2>/dev/null)" || true
	# validate -json prints one field a line; the dev_overrides notice is the
	# one warning every directory gets.
	warnings="$(grep -c '"severity": "warning"' <<<"$out" || true)"
	overrides="$(grep -c '"summary": "Provider development overrides are in effect"' <<<"$out" || true)"
	if grep -q '"valid": true' <<<"$out" && [ "$warnings" -eq "$overrides" ]; then
		echo "    ok"
	else
		# Say why in the human form.
		(cd "$copy" && "$TERRAFORM" validate -no-color) 2>&1 | sed 's/^/    /' || true
		failed+=("$dir")
	fi
done

if [ "${#failed[@]}" -gt 0 ]; then
	die "not valid (errors or warnings): ${failed[*]}"
fi
echo "All ${#dirs[@]} example directories are formatted and valid."

# The testing guide's script applies the GitOps guide's configuration to the
# mock and asserts on the result: run it, so neither guide can rot.
guide_test=examples/guides/testing-with-mimcm-mock/test.sh
echo "==> $guide_test (against bin/mimcm-mock)"
command -v curl >/dev/null 2>&1 || die "curl is not on PATH: $guide_test needs it"
go build -o bin/mimcm-mock ./cmd/mimcm-mock
# The provider reads MIMCM_* variables; the caller's must not reach the test.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^MIMCM_' || true)
SKIP_INIT=1 MIMCM_MOCK="$repo_root/bin/mimcm-mock" bash "$guide_test"

# The enrollment guide's script runs its configuration through the whole
# approval workflow on the mock: the guide's claims cannot rot either.
enrollment_test=examples/guides/enrollment-as-code/test.sh
echo "==> $enrollment_test (against bin/mimcm-mock)"
SKIP_INIT=1 MIMCM_MOCK="$repo_root/bin/mimcm-mock" bash "$enrollment_test"

query_test=examples/guides/testing-with-mimcm-mock/query-test.sh
if [ "$tf_minor" -ge 14 ] && ! "$TERRAFORM" version 2>/dev/null | grep -q '^OpenTofu'; then
	echo "==> $query_test (against bin/mimcm-mock)"
	SKIP_INIT=1 TERRAFORM="$TERRAFORM" MIMCM_MOCK="$repo_root/bin/mimcm-mock" bash "$query_test"
else
	echo "==> $query_test skipped: terraform query needs Terraform 1.14 or later; this is $tf_version"
fi
