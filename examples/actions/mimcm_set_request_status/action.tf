# Terraform 1.14 and later. Invoke by hand:
#   terraform apply -invoke=action.mimcm_set_request_status.complete_alice
action "mimcm_set_request_status" "complete_alice" {
  config {
    request_id = "6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21" # any letter case
    status     = "Completed"                            # Completed, Canceled or Abandoned
    timeout    = "15m"                                  # how long to wait for the server (default 10m)
  }
}
