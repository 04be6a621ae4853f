# Every profile template the provider's account may enroll for, by name.
data "mimcm_profile_templates" "all" {}

# One template by name (any letter case): require it to exist exactly once,
# so that a renamed or duplicated template fails the plan with a clear
# message instead of an index error.
data "mimcm_profile_templates" "vpn_user" {
  name = "VPN User"

  lifecycle {
    postcondition {
      condition     = length(self.templates) == 1
      error_message = "Want exactly one profile template named \"VPN User\"; found ${length(self.templates)}."
    }
  }
}

output "template_names" {
  value = data.mimcm_profile_templates.all.templates[*].name
}

output "vpn_user_template_uuid" {
  value = data.mimcm_profile_templates.vpn_user.templates[0].uuid
}

output "smart_card_templates" {
  value = [for t in data.mimcm_profile_templates.all.templates : t.name if t.is_smartcard || t.is_virtual_smartcard]
}
