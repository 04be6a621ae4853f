#!/usr/bin/env bash
# new-batch.sh PROFILE_TEMPLATE_UUID — write the template's Approved requests
# as a new batch file of resource and import blocks, for review in a merge
# request: batch_<UTC time>.tf. Prints its name, or nothing when no request
# is Approved.
#
# terraform query names generated resources after the list block
# (approved_0, approved_1, ...); the batch's own prefix keeps them apart from
# the resources of earlier batches, which stay in the configuration.
set -euo pipefail

template="${1:?usage: new-batch.sh PROFILE_TEMPLATE_UUID}"
TERRAFORM="${TERRAFORM:-terraform}"
batch="batch_$(date -u +%Y%m%d_%H%M%S)"
generated="generated_$$.tf" # in the configuration's directory, as terraform query wants
trap 'rm -f "$generated"' EXIT

"$TERRAFORM" query -no-color -var "profile_template_uuid=$template" -generate-config-out="$generated" >/dev/null
[ -s "$generated" ] && grep -q '^resource ' "$generated" || exit 0
sed "s/\bapproved_\([0-9][0-9]*\)\b/${batch}_\1/g" "$generated" >"$batch.tf"
echo "$batch.tf"
