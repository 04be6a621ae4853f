# Every argument can come from the environment instead (MIMCM_HOST,
# MIMCM_AUTH_METHOD, MIMCM_USERNAME, MIMCM_PASSWORD, MIMCM_TOKEN, ...); an
# argument set in the block wins over its environment variable. Keep secrets
# in the environment so they stay out of the configuration.

# No authentication: for mimcm-mock, or a test server that lets anyone in.
provider "mimcm" {
  host        = "http://127.0.0.1:8080"
  auth_method = "none"
}

# HTTP Basic authentication, for example through a reverse proxy in front of
# IIS. The password comes from MIMCM_PASSWORD.
provider "mimcm" {
  alias       = "basic"
  host        = "https://cm.contoso.com"
  auth_method = "basic"
  username    = "CONTOSO\\svc-terraform"
}

# A bearer token, for example an AD FS access token. The token comes from
# MIMCM_TOKEN.
provider "mimcm" {
  alias       = "bearer"
  host        = "https://cm.contoso.com"
  auth_method = "bearer"

  # Optional: trust an internal CA, and allow slow answers.
  # ca_cert_pem = file("contoso-root-ca.pem")
  request_timeout = "2m"
}
