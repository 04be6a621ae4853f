# Or run it from another resource's lifecycle: here, every time the approval
# record changes (after it is created or updated), the request is completed.
variable "approval_ticket" {
  description = "Ticket that approved completing the request."
  type        = string
  default     = "CHG-1042"
}

action "mimcm_set_request_status" "complete_bob" {
  config {
    request_id = "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"
    status     = "Completed"
  }
}

resource "terraform_data" "approval" {
  input = var.approval_ticket

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.mimcm_set_request_status.complete_bob]
    }
  }
}
