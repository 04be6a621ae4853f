# Complete every Approved request of one profile template.
#
# Run from a pipeline (plan on merge request, apply on merge): each run lists
# the template's Approved requests and completes the new ones. See the guide
# "GitOps: complete every Approved request of a profile template".

terraform {
  required_version = ">= 1.5"

  required_providers {
    mimcm = {
      source = "mimcm/mimcm"
    }
  }
}

# host and credentials come from the environment (MIMCM_HOST, MIMCM_TOKEN, ...).
provider "mimcm" {}

variable "profile_template_uuid" {
  description = "GUID of the profile template whose approved requests are completed, in any letter case."
  type        = string
}

variable "keep_completed_for" {
  description = "How long a completed request stays managed after its completion, as a Terraform duration (hours at most: 720h is 30 days)."
  type        = string
  default     = "720h"
}

data "mimcm_requests" "approved" {
  status = "Approved"
}

# Requests this configuration completed stop being Approved. Keeping the
# recently completed ones in the set means the next plans keep them too
# (nothing to do) instead of proposing to forget them.
data "mimcm_requests" "completed" {
  status = "Completed"
}

locals {
  template        = lower(var.profile_template_uuid) # the provider reports GUIDs in lower case
  completed_since = timeadd(plantimestamp(), "-${var.keep_completed_for}")

  approved = {
    for r in data.mimcm_requests.approved.requests : r.id => r
    if r.profile_template_uuid == local.template
  }
  recently_completed = {
    for r in data.mimcm_requests.completed.requests : r.id => r
    if r.profile_template_uuid == local.template && (r.completed != null ? timecmp(r.completed, local.completed_since) >= 0 : false)
  }
}

resource "mimcm_request_status" "complete" {
  for_each = merge(local.recently_completed, local.approved)

  request_id = each.key
  status     = "Completed"
}

output "completed_ids" {
  description = "GUIDs of the template's requests this configuration manages, all Completed after an apply."
  value       = sort([for id, r in mimcm_request_status.complete : id if r.observed_status == "Completed"])
}

output "managed_count" {
  description = "How many requests this configuration manages."
  value       = length(mimcm_request_status.complete)
}
