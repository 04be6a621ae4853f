variable "host" {
  description = "Scheme and host of the MIM CM REST API, with an optional port and no path, for example https://cm.contoso.com."
  type        = string
}

variable "complete_request_id" {
  description = "GUID of an Approved (or Executing) request to complete."
  type        = string
}

variable "cancel_request_id" {
  description = "GUID of a Pending, Approved or Executing request to cancel."
  type        = string
}

variable "abandon_request_id" {
  description = "GUID of an Approved (or Executing) request to abandon."
  type        = string
}
