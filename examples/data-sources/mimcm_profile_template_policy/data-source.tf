# What the "VPN User" template's Enroll workflow policy asks of a request.
data "mimcm_profile_templates" "vpn_user" {
  name = "VPN User"
}

data "mimcm_profile_template_policy" "vpn_user_enroll" {
  profile_template_uuid = data.mimcm_profile_templates.vpn_user.templates[0].uuid
  type                  = "Enroll"
}

output "vpn_user_enroll" {
  value = {
    enabled          = data.mimcm_profile_template_policy.vpn_user_enroll.enabled
    approvals_needed = data.mimcm_profile_template_policy.vpn_user_enroll.approvals_needed # 0: approved when created
    required_items   = [for item in data.mimcm_profile_template_policy.vpn_user_enroll.data_collection : item.name if item.required]
    optional_items   = [for item in data.mimcm_profile_template_policy.vpn_user_enroll.data_collection : item.name if !item.required]
    default_priority = data.mimcm_profile_template_policy.vpn_user_enroll.default_request_priority
    route            = data.mimcm_profile_template_policy.vpn_user_enroll.route # the form of the policy route that answered
  }
}
