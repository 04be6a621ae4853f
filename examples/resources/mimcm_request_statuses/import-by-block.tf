# Terraform 1.5 and later: import with an import block, then plan and apply.
# The id lists the requests' GUIDs (any letter case), separated by commas;
# join() builds it from the same list as the configuration.
locals {
  reviewed = ["6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21", "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"]
}

import {
  to = mimcm_request_statuses.reviewed
  id = join(",", local.reviewed)
}

resource "mimcm_request_statuses" "reviewed" {
  requests = { for id in local.reviewed : id => "Completed" }
}
