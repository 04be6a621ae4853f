# Every argument can come from the environment instead (MIMCM_HOST,
# MIMCM_AUTH_METHOD, MIMCM_USERNAME, MIMCM_PASSWORD, MIMCM_TOKEN, ...); an
# argument set in the block wins over its environment variable. Keep secrets
# in the environment so they stay out of the configuration.

# Windows Integrated Authentication, as IIS usually demands it. auth_method
# defaults to "auto": the provider answers the server's challenge with
# Kerberos when a Kerberos login is configured, else NTLM (and Basic only to
# an https host). The password comes from MIMCM_PASSWORD.
provider "mimcm" {
  host     = "https://cm.contoso.com"
  username = "CONTOSO\\svc-terraform"
}

# Kerberos only, logging in with a keytab: no password anywhere. On runners
# without files, pass the keytab in kerberos_keytab_base64 and the Kerberos
# configuration in krb5_conf_content instead.
provider "mimcm" {
  alias           = "kerberos"
  host            = "https://cm.contoso.com"
  auth_method     = "negotiate"
  username        = "svc-terraform@CONTOSO.COM"
  kerberos_keytab = "/etc/terraform/svc-terraform.keytab"
}

# NTLM only. The password comes from MIMCM_PASSWORD.
provider "mimcm" {
  alias       = "ntlm"
  host        = "https://cm.contoso.com"
  auth_method = "ntlm"
  username    = "svc-terraform@contoso.com"
}

# HTTP Basic authentication, for example through a reverse proxy in front of
# IIS. The password comes from MIMCM_PASSWORD.
provider "mimcm" {
  alias       = "basic"
  host        = "https://cm-proxy.contoso.com"
  auth_method = "basic"
  username    = "svc-terraform"
}

# A bearer token, for example an AD FS access token. The token comes from
# MIMCM_TOKEN.
provider "mimcm" {
  alias       = "bearer"
  host        = "https://cm.contoso.com"
  auth_method = "bearer"

  # Optional: trust an internal CA, and allow slow answers.
  ca_cert_file    = "/etc/ssl/certs/contoso-root-ca.pem"
  request_timeout = "2m"
}

# No authentication: for mimcm-mock, or a test server that lets anyone in.
provider "mimcm" {
  alias       = "mock"
  host        = "http://127.0.0.1:8080"
  auth_method = "none"
}
