# Import an existing request by its GUID (any letter case). The arguments are
# read from the request: write the configuration to match them.
terraform import mimcm_request.vpn_alice 6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21
