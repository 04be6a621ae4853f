# Import existing requests by their GUIDs (any letter case), separated by commas.
terraform import mimcm_request_statuses.migration 6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f21,0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b
