# Requests completed outside Terraform, to adopt as they are: configuration
# generated from them plans "N to import, 0 to change". include_resource
# shows every attribute in `terraform query`'s output; limit caps the results
# (Terraform's default is 100).
list "mimcm_request_status" "completed" {
  provider         = mimcm
  include_resource = true
  limit            = 500

  config {
    status      = "Completed"
    target_user = "current"
  }
}
