# Import an existing request by its GUID (any letter case).
terraform import mimcm_request_status.enroll_alice 6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21
