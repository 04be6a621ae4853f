# Terraform 1.14 and later, in a .tfquery.hcl file beside the configuration
# that configures the provider: `terraform query` lists the Approved requests
# of one profile template.
list "mimcm_request_status" "approved" {
  provider = mimcm

  config {
    status                = "Approved"                             # filtered by the server
    profile_template_uuid = "a039b4d0-5ce8-4eff-8651-181c6576fda3" # filtered by the provider
    desired_status        = "Completed"                            # what generated blocks set them to
  }
}
