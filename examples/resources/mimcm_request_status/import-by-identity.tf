# Terraform 1.12 and later: import by the resource's identity, the request's
# GUID (any letter case; the identity in state is lower case).
import {
  to       = mimcm_request_status.enroll_alice
  identity = { id = "6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21" }
}
