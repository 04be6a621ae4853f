# Every request the provider's account may read.
data "mimcm_requests" "all" {}

# Only approved requests; the server applies the filter (?status=Approved).
data "mimcm_requests" "approved" {
  status = "Approved"
}

# Only pending requests for the authenticated user (?targetuser=current).
data "mimcm_requests" "my_pending" {
  status      = "Pending"
  target_user = "current"
}

output "approved_ids" {
  # Ordered by submission time, then GUID; empty when nothing matches.
  value = data.mimcm_requests.approved.ids
}

output "my_pending_count" {
  value = length(data.mimcm_requests.my_pending.requests)
}
