#!/usr/bin/env bash
# docs.sh — generate docs/ with tfplugindocs, or check that it is current.
#
#   scripts/docs.sh generate   format examples/ and regenerate docs/ (make generate)
#   scripts/docs.sh check      regenerate docs/, fail when that changed anything
#                              git tracks (stale or missing docs), then run
#                              tfplugindocs validate (make docs-check)
#
# docs/ is generated from the provider's schema (its MarkdownDescriptions),
# templates/ and examples/; never edit it by hand. The schema comes from the
# provider itself (go run ./scripts/providerschema, the JSON of `terraform
# providers schema -json`), so docs/ is the same whichever Terraform is on
# PATH: Terraform before 1.14 would report neither list resources nor
# actions, and before 1.12 no resource identity. Terraform only formats
# examples/. tfplugindocs is run from the tools module (tools/go.mod) unless
# TFPLUGINDOCS names another command; nothing is downloaded.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
mode="${1:-}"
TERRAFORM="${TERRAFORM:-terraform}"
read -r -a tfplugindocs <<<"${TFPLUGINDOCS:-go tool -modfile=tools/go.mod tfplugindocs}"
export CHECKPOINT_DISABLE=1

die() {
	printf 'docs: %s\n' "$*" >&2
	exit 1
}
case "$mode" in
generate | check) ;;
*) die "usage: scripts/docs.sh generate|check" ;;
esac
# Without a terraform on PATH, tfplugindocs would download the latest one.
command -v terraform >/dev/null 2>&1 || die "terraform is not on PATH: install Terraform 1.5 or later (tfplugindocs must not download one)"

# The environment may point TF_CLI_CONFIG_FILE at a file that does not exist,
# or at the developer's own settings; tfplugindocs' terraform gets an empty one.
work="$(mktemp -d "${TMPDIR:-/tmp}/mimcm-docs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
: >"$work/terraform.rc"
export TF_CLI_CONFIG_FILE="$work/terraform.rc"

if [ "$mode" = generate ]; then
	echo "==> $TERRAFORM fmt -recursive examples"
	"$TERRAFORM" fmt -recursive examples
fi

echo "==> go run ./scripts/providerschema"
go run ./scripts/providerschema -address mimcm >"$work/schema.json"

echo "==> tfplugindocs generate --provider-name mimcm"
"${tfplugindocs[@]}" generate --provider-name mimcm --providers-schema "$work/schema.json" >"$work/generate.log" 2>&1 || {
	cat "$work/generate.log" >&2
	die "tfplugindocs generate failed"
}

if [ "$mode" = generate ]; then
	echo "docs/ regenerated; commit it with the change that caused it."
	exit 0
fi

echo "==> git status --porcelain -- docs"
stale="$(git status --porcelain -- docs)"
if [ -n "$stale" ]; then
	printf '%s\n' "$stale" >&2
	git --no-pager diff --stat -- docs >&2 || true
	die "docs/ is stale: the schema, templates/ or examples/ changed without it. Run 'make generate' and commit docs/."
fi
echo "    docs/ is current"

echo "==> tfplugindocs validate --provider-name mimcm"
"${tfplugindocs[@]}" validate --provider-name mimcm --providers-schema "$work/schema.json"
echo "docs/ is current and valid."
