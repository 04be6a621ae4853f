# A recall: cancel every pending request of a withdrawn profile template.
# Canceled requests leave the Pending list, so the map also takes the
# template's requests that are already Canceled: they are adopted without a
# call, and the map stays the same from one plan to the next.
variable "withdrawn_template" {
  type    = string
  default = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
}

data "mimcm_requests" "pending" {
  status = "Pending"
}

data "mimcm_requests" "canceled" {
  status = "Canceled"
}

resource "mimcm_request_statuses" "recall" {
  requests = {
    for r in concat(data.mimcm_requests.pending.requests, data.mimcm_requests.canceled.requests) :
    r.id => "Canceled" if r.profile_template_uuid == var.withdrawn_template
  }

  timeouts {
    create = "30m" # the whole recall, every request included (default 10m)
    update = "30m"
  }
}

# A migration: complete a reviewed list of approved requests, kept in version
# control and changed only through review.
locals {
  approved = [
    "6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21",
    "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b",
  ]
}

resource "mimcm_request_statuses" "migration" {
  requests = { for id in local.approved : id => "Completed" }
}

output "recall" {
  value = {
    requests = length(mimcm_request_statuses.recall.requests)
    canceled = length([for s in values(mimcm_request_statuses.recall.statuses) : s if s.observed_status == "Canceled"])
  }
}
