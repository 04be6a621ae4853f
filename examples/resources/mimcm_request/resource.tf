# Request a VPN certificate profile for alice from the "VPN User" template,
# found by name.
data "mimcm_profile_templates" "vpn_user" {
  name = "VPN User"
}

resource "mimcm_request" "vpn_alice" {
  profile_template_uuid = data.mimcm_profile_templates.vpn_user.templates[0].uuid
  type                  = "Enroll"
  target_user_uuid      = "2d7e4c1b-5a6f-4b3c-9d8e-0f1a2b3c4d5e" # omit to enroll the provider's own account

  # The items the template's workflow policy asks for; the plan fails when
  # a required one is missing.
  data_collection = {
    Reason     = "VPN access for the field sales team"
    Department = "Sales"
  }

  # Shown to approvers in the CM portal. A comment of its own per request
  # lets the provider tell it apart if the POST's answer is ever lost.
  comment = "CHG-4711: VPN access for alice"

  # Cancel the request if it is still open when the resource is destroyed
  # or replaced (default: leave it on the server).
  cancel_on_destroy = true
}

# Complete it once an approver has approved it in the CM portal. Until
# then this resource sends nothing, and plans stay clean with a warning.
resource "mimcm_request_status" "vpn_alice" {
  request_id = mimcm_request.vpn_alice.id
  status     = "Completed"
}

# Unblock a smart card. The Smart Card Logon template approves unblocks at
# once, so the request is Approved when created.
resource "mimcm_request" "unblock_bob" {
  profile_template_uuid = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
  type                  = "Unblock"
  smartcard_uuid        = "17cf063d-e337-4aa9-a822-346554ddd3c9"
  comment               = "INC-0815: bob's card is locked"
}

output "vpn_alice" {
  value = {
    request_id       = mimcm_request.vpn_alice.id
    observed_status  = mimcm_request.vpn_alice.observed_status         # "Pending" until approved
    new_profile_uuid = mimcm_request_status.vpn_alice.new_profile_uuid # once completed
  }
}
