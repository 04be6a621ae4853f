# Terraform 1.12 and later: import by the resource's identity, the request's
# GUID (any letter case; the identity in state is lower case).
import {
  to       = mimcm_request.unblock_bob
  identity = { id = "0B6A0F0E-5B7E-4A4E-9F5E-0C8F1D2E3A4B" }
}
