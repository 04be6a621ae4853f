# Quickstart: drive three existing MIM CM requests to a final status.
#
# `make demo` runs this configuration against the mock API (bin/mimcm-mock
# seeded with mock-seed.json). Against a real server, set host to the CM
# REST API's scheme and host and add credentials (see the README).

terraform {
  required_version = ">= 1.5"

  required_providers {
    mimcm = {
      source = "mimcm/mimcm"
    }
  }
}

provider "mimcm" {
  host = var.host

  # The mock needs no credentials. A real server behind an authenticating
  # proxy or AD FS would need, for example:
  #   auth_method = "bearer"   # token from MIMCM_TOKEN
}

# An approved enrollment: complete it (status 8).
resource "mimcm_request_status" "complete" {
  request_id = var.complete_request_id
  status     = "Completed"
}

# A pending request nobody will approve: cancel it (status 17).
resource "mimcm_request_status" "cancel" {
  request_id = var.cancel_request_id
  status     = "Canceled"
}

# An approved request that must not go ahead: abandon it. MIM CM has no
# "Abandoned" status; the request reads back as Failed (status 9), which the
# provider accepts as Abandoned, so later plans stay clean.
resource "mimcm_request_status" "abandon" {
  request_id = var.abandon_request_id
  status     = "Abandoned"
}
