# Terraform 1.5 and later: import with an import block, then plan and apply.
# The id is the request's GUID (any letter case). Check that the plan
# imports it and replaces nothing: an argument that differs from the request
# forces a replacement, which would create a new request.
import {
  to = mimcm_request.vpn_alice
  id = "6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21"
}
