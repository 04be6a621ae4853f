# Complete the Approved requests of one profile template with terraform query
# (Terraform 1.14 and later). See the guide "GitOps: complete every Approved
# request of a profile template".
#
# approved.tfquery.hcl finds the requests. Either adopt them as resources
# (new-batch.sh writes a reviewed batch of resource and import blocks), or
# complete them with the action below without keeping them in state.

terraform {
  required_version = ">= 1.14"

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

variable "complete_ids" {
  description = "GUIDs of the requests the action completes: the reviewed output of terraform query (complete.auto.tfvars.json)."
  type        = set(string)
  default     = []
}

# terraform apply -invoke=action.mimcm_set_request_status.complete completes
# every request in complete_ids; one that is already Completed is left alone.
action "mimcm_set_request_status" "complete" {
  for_each = var.complete_ids

  config {
    request_id = each.key
    status     = "Completed"
  }
}
