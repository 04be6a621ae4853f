# terraform query lists the template's Approved requests; with
# -generate-config-out it writes a resource and an import block for each,
# with status = desired_status.
list "mimcm_request_status" "approved" {
  provider = mimcm

  config {
    status                = "Approved"
    profile_template_uuid = var.profile_template_uuid
    desired_status        = "Completed"
  }
}
