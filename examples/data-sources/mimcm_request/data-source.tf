# Read one request by its GUID (any letter case).
data "mimcm_request" "enroll_alice" {
  id = "6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21"
}

output "enroll_alice" {
  value = {
    status      = data.mimcm_request.enroll_alice.status      # for example "Approved"
    status_code = data.mimcm_request.enroll_alice.status_code # for example 3
    submitted   = data.mimcm_request.enroll_alice.submitted
    target_user = data.mimcm_request.enroll_alice.target_user_uuid
  }
}
