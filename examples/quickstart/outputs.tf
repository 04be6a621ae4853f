output "complete" {
  description = "Desired and observed status of the request to complete."
  value = {
    request_id      = mimcm_request_status.complete.id
    status          = mimcm_request_status.complete.status
    observed_status = mimcm_request_status.complete.observed_status
    status_code     = mimcm_request_status.complete.status_code
    completed       = mimcm_request_status.complete.completed
  }
}

output "cancel" {
  description = "Desired and observed status of the request to cancel."
  value = {
    request_id      = mimcm_request_status.cancel.id
    status          = mimcm_request_status.cancel.status
    observed_status = mimcm_request_status.cancel.observed_status
    status_code     = mimcm_request_status.cancel.status_code
    completed       = mimcm_request_status.cancel.completed
  }
}

output "abandon" {
  description = "Desired and observed status of the request to abandon (observed as Failed)."
  value = {
    request_id      = mimcm_request_status.abandon.id
    status          = mimcm_request_status.abandon.status
    observed_status = mimcm_request_status.abandon.observed_status
    status_code     = mimcm_request_status.abandon.status_code
    completed       = mimcm_request_status.abandon.completed
  }
}
