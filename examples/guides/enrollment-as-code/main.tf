# Enrollment as code: request a certificate profile from a MIM CM profile
# template, and complete the request once an approver has approved it.
#
# Each run converges one step further: the first creates the request, which
# awaits approval in the CM portal (a clean plan, with a warning, while it
# waits); the first run after the approval completes it and outputs what the
# enrollment created. See the guide "Enrollment as code".

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

variable "profile_template_name" {
  description = "Name of the profile template to enroll for, in any letter case."
  type        = string
  default     = "VPN User"
}

variable "target_user_uuid" {
  description = "GUID of the user to enroll; null enrolls the provider's own account."
  type        = string
  default     = null
}

variable "answers" {
  description = "Answers to the template's data collection items, by item name. Only the items the policy asks for are sent."
  type        = map(string)
  default = {
    Reason     = "VPN access for the field sales team"
    Department = "Sales"
  }
}

variable "comment" {
  description = "Comment shown to the approvers in the CM portal."
  type        = string
  default     = "Requested by the enrollment pipeline"
}

# 1. Find the template by name rather than copying its GUID.
data "mimcm_profile_templates" "selected" {
  name = var.profile_template_name

  lifecycle {
    postcondition {
      condition     = length(self.templates) == 1
      error_message = "Want exactly one profile template named \"${var.profile_template_name}\" that the provider's account may enroll for; found ${length(self.templates)}."
    }
  }
}

# 2. Read what its Enroll workflow policy asks for.
data "mimcm_profile_template_policy" "enroll" {
  profile_template_uuid = data.mimcm_profile_templates.selected.templates[0].uuid
  type                  = "Enroll"

  lifecycle {
    postcondition {
      condition     = self.enabled
      error_message = "Enroll requests are disabled for the profile template \"${var.profile_template_name}\"."
    }
  }
}

locals {
  policy_items   = { for item in data.mimcm_profile_template_policy.enroll.data_collection : item.name => item.required }
  required_items = sort([for name, required in local.policy_items : name if required])
  # The answers to the items the policy collects; a required item without
  # an answer fails the plan of mimcm_request, naming it.
  data_collection = { for name, value in var.answers : name => value if contains(keys(local.policy_items), name) }
}

# 3. Create the request: one POST, never two.
resource "mimcm_request" "enroll" {
  profile_template_uuid = data.mimcm_profile_templates.selected.templates[0].uuid
  type                  = "Enroll"
  target_user_uuid      = var.target_user_uuid
  data_collection       = local.data_collection
  comment               = var.comment
}

# 4. Complete it once it is approved. Until then this resource sends
#    nothing, and plans stay clean with a warning naming the request.
resource "mimcm_request_status" "enroll" {
  request_id = mimcm_request.enroll.id
  status     = "Completed"
}

output "request_id" {
  description = "GUID of the request: approvers find it in the CM portal."
  value       = mimcm_request.enroll.id
}

output "approvals_needed" {
  description = "How many approvals the template's Enroll policy needs before the request can be completed."
  value       = data.mimcm_profile_template_policy.enroll.approvals_needed
}

output "required_items" {
  description = "The data collection items the policy requires."
  value       = local.required_items
}

output "observed_status" {
  description = "The request's status as the server last reported it: Pending while it awaits approval, Completed at the end."
  value       = mimcm_request_status.enroll.observed_status
}

output "new_profile_uuid" {
  description = "GUID of the profile the enrollment created; null until the request is completed."
  value       = mimcm_request_status.enroll.new_profile_uuid
}

output "new_smartcard_uuid" {
  description = "GUID of the smart card the enrollment created, for smart card templates; null otherwise, and until the request is completed."
  value       = mimcm_request_status.enroll.new_smartcard_uuid
}
