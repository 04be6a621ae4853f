package provider

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// The standard Kerberos variables, used when the provider's own are not
// set, and the standard path of the Kerberos configuration.
const (
	envKRB5CCNAME   = "KRB5CCNAME"
	envKRB5Config   = "KRB5_CONFIG"
	defaultKrb5Conf = "/etc/krb5.conf"
)

// credentials are the authentication arguments after the environment has
// filled in what the configuration left unset.
type credentials struct {
	method       string
	username     string
	password     string
	token        string
	domain       string
	realm        string
	keytabPath   string
	keytabBase64 string
	ccache       string
	ccacheArg    string // which argument named the ccache, for errors
	krb5Conf     string
	krb5Content  string
	spn          string
}

func (m *providerModel) credentials(host string) credentials {
	c := credentials{
		method:       m.AuthMethod.ValueString(),
		username:     m.Username.ValueString(),
		password:     m.Password.ValueString(),
		token:        m.Token.ValueString(),
		domain:       m.Domain.ValueString(),
		realm:        m.KerberosRealm.ValueString(),
		keytabPath:   m.KerberosKeytab.ValueString(),
		keytabBase64: m.KerberosKeytabBase64.ValueString(),
		ccache:       m.KerberosCCache.ValueString(),
		ccacheArg:    "kerberos_ccache",
		krb5Conf:     m.Krb5Conf.ValueString(),
		krb5Content:  m.Krb5ConfContent.ValueString(),
		spn:          m.KerberosSPN.ValueString(),
	}
	if c.ccache == "" {
		c.ccache = os.Getenv(envKRB5CCNAME)
		c.ccacheArg = envKRB5CCNAME
	}
	if c.krb5Conf == "" {
		c.krb5Conf = os.Getenv(envKRB5Config)
	}
	if c.krb5Conf == "" {
		c.krb5Conf = defaultKrb5Conf
	}
	if c.spn == "" {
		if u, err := url.Parse(host); err == nil && u.Hostname() != "" {
			c.spn = "HTTP/" + u.Hostname()
		}
	}
	return c
}

// secrets lists the values that must never appear in logs.
func (c credentials) secrets() []string {
	return nonEmpty(c.password, c.token, c.keytabBase64)
}

// authenticator picks the auth method and checks that its credentials are
// present and readable, attaching each problem to the argument at fault.
func (m *providerModel) authenticator(host string) (mimcm.Authenticator, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := m.credentials(host)
	method := c.method
	if method == "" {
		switch {
		case c.token != "" && c.username != "":
			diags.AddAttributeError(path.Root("auth_method"), "Ambiguous authentication",
				"Both a token and a username are set (in the provider block or the "+envOf("token")+" and "+envOf("username")+
					" environment variables). Set auth_method to \"bearer\" or to the method the username is for.")
			return nil, c.secrets(), diags
		case c.token != "":
			method = mimcm.AuthBearer
		default:
			method = mimcm.AuthAuto
		}
	}

	var auth mimcm.Authenticator
	switch method {
	case mimcm.AuthNone:
		auth = mimcm.NoAuth()
	case mimcm.AuthBasic:
		c.requirePassword(&diags, method)
		auth = mimcm.BasicAuth(c.username, c.password)
	case mimcm.AuthBearer:
		if c.token == "" {
			diags.AddAttributeError(path.Root("token"), "Missing token",
				"auth_method \"bearer\" needs a token: set token or "+envOf("token")+".")
		}
		auth = mimcm.BearerAuth(c.token)
	case mimcm.AuthNTLM:
		c.requirePassword(&diags, method)
		auth = mimcm.NTLMAuth(c.username, c.password, c.domain)
	case mimcm.AuthNegotiate:
		auth = c.negotiate(&diags, true)
	case mimcm.AuthAuto:
		auth = c.auto(&diags, host)
	default:
		diags.AddAttributeError(path.Root("auth_method"), "Unknown auth method",
			fmt.Sprintf("%s=%s is not one of %s. Set auth_method (or %s) to one of them, or unset both to choose from the credentials.",
				envOf("auth_method"), mimcm.QuoteInput(method), strings.Join(mimcm.AuthMethods(), ", "), envOf("auth_method")))
	}
	return auth, c.secrets(), diags
}

// auto offers every method the credentials allow, strongest first.
func (c credentials) auto(diags *diag.Diagnostics, host string) mimcm.Authenticator {
	var methods []mimcm.Authenticator
	if c.hasKerberosLogin() {
		var kdiags diag.Diagnostics
		if neg := c.negotiate(&kdiags, false); neg != nil {
			methods = append(methods, neg)
		}
		diags.Append(kdiags...)
	}
	if c.username != "" && c.password != "" {
		methods = append(methods, mimcm.NTLMAuth(c.username, c.password, c.domain))
		if strings.HasPrefix(host, "https://") {
			methods = append(methods, mimcm.BasicAuth(c.username, c.password))
		}
	} else if c.username != "" && !c.hasKerberosLogin() {
		c.requirePassword(diags, mimcm.AuthAuto)
	}
	if len(methods) == 0 {
		return mimcm.NoAuth()
	}
	return mimcm.AutoAuth(methods...)
}

// hasKerberosLogin reports whether some Kerberos login is configured beyond
// a password (which NTLM can use as well).
func (c credentials) hasKerberosLogin() bool {
	return c.keytabPath != "" || c.keytabBase64 != "" || c.realm != "" || c.krb5Content != "" || c.ccacheUsable()
}

func (c credentials) ccacheUsable() bool {
	p, err := mimcm.CCacheFile(c.ccache)
	if err != nil || p == "" {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}

// negotiate builds the Kerberos authenticator. required says whether the
// user chose negotiate explicitly: then a missing login is an error; under
// auto it only means that Negotiate is not offered.
func (c credentials) negotiate(diags *diag.Diagnostics, required bool) mimcm.Authenticator {
	kc := mimcm.KerberosConfig{Username: c.username, Realm: c.realm, SPN: c.spn}
	switch {
	case c.keytabBase64 != "":
		keytab, err := base64.StdEncoding.DecodeString(strings.TrimSpace(c.keytabBase64))
		if err != nil {
			diags.AddAttributeError(path.Root("kerberos_keytab_base64"), "Invalid keytab",
				fmt.Sprintf("kerberos_keytab_base64 (or %s) is not base64: %v. Encode the keytab file with `base64 -w0 file.keytab`.", envOf("kerberos_keytab_base64"), err))
			return nil
		}
		kc.Keytab = keytab
	case c.keytabPath != "":
		keytab, err := os.ReadFile(c.keytabPath)
		if err != nil {
			diags.AddAttributeError(path.Root("kerberos_keytab"), "Cannot read keytab",
				fmt.Sprintf("%v. Check the path in kerberos_keytab (or %s), or pass the keytab inline with kerberos_keytab_base64.", err, envOf("kerberos_keytab")))
			return nil
		}
		kc.Keytab = keytab
	case c.password != "":
		kc.Password = c.password
	default:
		p, err := mimcm.CCacheFile(c.ccache)
		if err != nil {
			diags.AddAttributeError(path.Root("kerberos_ccache"), "Unsupported credential cache", err.Error())
			return nil
		}
		if p == "" {
			if required {
				diags.AddAttributeError(path.Root("password"), "Missing Kerberos credentials",
					"auth_method \"negotiate\" needs one way to log in: username and password, username and a keytab "+
						"(kerberos_keytab or kerberos_keytab_base64), or a credential cache (kerberos_ccache, or KRB5CCNAME from kinit).")
			}
			return nil
		}
		if _, err := os.Stat(p); err != nil {
			diags.AddAttributeError(path.Root("kerberos_ccache"), "Cannot read credential cache",
				fmt.Sprintf("%v (from %s). Run kinit, or point kerberos_ccache at the cache file.", err, c.ccacheArg))
			return nil
		}
		kc.CCachePath = p
	}
	if (kc.Keytab != nil || kc.Password != "") && c.username == "" {
		diags.AddAttributeError(path.Root("username"), "Missing username",
			"Kerberos login with a password or keytab needs the principal in username (user@REALM or user with kerberos_realm).")
		return nil
	}

	kc.Krb5Conf = c.krb5Content
	if kc.Krb5Conf == "" {
		content, err := os.ReadFile(c.krb5Conf)
		if err != nil {
			if !required {
				return nil
			}
			diags.AddAttributeError(path.Root("krb5_conf"), "Cannot read the Kerberos configuration",
				fmt.Sprintf("%v. Point krb5_conf (or %s, or KRB5_CONFIG) at a krb5.conf, or pass its content in krb5_conf_content.", err, envOf("krb5_conf")))
			return nil
		}
		kc.Krb5Conf = string(content)
	}
	auth, err := mimcm.NegotiateAuth(kc)
	if err != nil {
		diags.AddAttributeError(path.Root("auth_method"), "Cannot set up Kerberos authentication", err.Error())
		return nil
	}
	return auth
}

func (c credentials) requirePassword(diags *diag.Diagnostics, method string) {
	if c.username == "" {
		diags.AddAttributeError(path.Root("username"), "Missing username",
			fmt.Sprintf("auth_method %q needs a username: set username or %s.", method, envOf("username")))
	}
	if c.password == "" {
		diags.AddAttributeError(path.Root("password"), "Missing password",
			fmt.Sprintf("auth_method %q needs a password: set password or %s.", method, envOf("password")))
	}
}

// tlsSettings reads the CA and client certificate arguments.
func (m *providerModel) tlsSettings(out *mimcm.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	var bundle strings.Builder
	if pem := m.CACertPEM.ValueString(); pem != "" {
		if !x509.NewCertPool().AppendCertsFromPEM([]byte(pem)) {
			diags.AddAttributeError(path.Root("ca_cert_pem"), "Invalid CA certificate",
				"ca_cert_pem holds no PEM-encoded certificate (it must contain -----BEGIN CERTIFICATE----- blocks).")
		}
		bundle.WriteString(pem + "\n")
	}
	if file := m.CACertFile.ValueString(); file != "" {
		pem, err := os.ReadFile(file)
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("ca_cert_file"), "Cannot read CA certificate file",
				fmt.Sprintf("%v. Check the path in ca_cert_file (or %s), or pass the certificates inline with ca_cert_pem.", err, envOf("ca_cert_file")))
		case !x509.NewCertPool().AppendCertsFromPEM(pem):
			diags.AddAttributeError(path.Root("ca_cert_file"), "Invalid CA certificate file",
				fmt.Sprintf("%s holds no PEM-encoded certificate: it must contain -----BEGIN CERTIFICATE----- blocks. "+
					"Point ca_cert_file at the CA certificate in PEM (Base-64) form, not DER.", file))
		}
		bundle.Write(pem)
	}
	out.CACertPEM = bundle.String()

	cert := m.ClientCertPEM.ValueString()
	key := m.ClientKeyPEM.ValueString()
	switch {
	case cert == "" && key == "":
	case key == "":
		diags.AddAttributeError(path.Root("client_key_pem"), "Missing client key",
			"client_cert_pem is set but client_key_pem is not: mutual TLS needs both the certificate and its private key. "+
				"Set client_key_pem (or "+envOf("client_key_pem")+") to the certificate's private key, or remove client_cert_pem.")
	case cert == "":
		diags.AddAttributeError(path.Root("client_cert_pem"), "Missing client certificate",
			"client_key_pem is set but client_cert_pem is not: mutual TLS needs both the certificate and its private key. "+
				"Set client_cert_pem (or "+envOf("client_cert_pem")+") to the certificate, or remove client_key_pem.")
	default:
		if _, err := tls.X509KeyPair([]byte(cert), []byte(key)); err != nil {
			diags.AddAttributeError(path.Root("client_cert_pem"), "Invalid client certificate or key",
				fmt.Sprintf("client_cert_pem and client_key_pem do not form a certificate and matching private key: %v. "+
					"Check that both are PEM-encoded (-----BEGIN ...----- blocks) and that the key is the certificate's own.", err))
			break
		}
		out.ClientCertPEM = cert
		out.ClientKeyPEM = key
	}
	return diags
}
