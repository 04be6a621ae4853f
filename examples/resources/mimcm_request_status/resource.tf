# Complete an approved enrollment request.
resource "mimcm_request_status" "enroll_alice" {
  request_id = "6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21"
  status     = "Completed"

  timeouts {
    create = "15m" # how long to wait for the server to finish (default 10m)
    update = "15m"
  }
}

# Cancel a pending request nobody will approve.
resource "mimcm_request_status" "cancel_bob" {
  request_id = "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"
  status     = "Canceled"
}

# Abandon an approved request. It reads back as Failed (status 9), which
# satisfies "Abandoned": status stays "Abandoned", observed_status is "Failed".
resource "mimcm_request_status" "abandon_carol" {
  request_id = "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293"
  status     = "Abandoned"
}

# Complete a request once, then stop managing its status: later changes made
# in the MIM CM portal are neither reported as drift nor undone.
resource "mimcm_request_status" "complete_once" {
  request_id = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"
  status     = "Completed"

  lifecycle {
    ignore_changes = [status]
  }
}

output "enroll_alice" {
  value = {
    status          = mimcm_request_status.enroll_alice.status          # "Completed"
    observed_status = mimcm_request_status.enroll_alice.observed_status # "Completed"
    status_code     = mimcm_request_status.enroll_alice.status_code     # 8
    completed       = mimcm_request_status.enroll_alice.completed       # RFC 3339
  }
}
