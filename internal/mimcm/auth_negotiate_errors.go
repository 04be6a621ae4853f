package mimcm

import (
	"fmt"
	"strings"
	"time"
)

// KerberosError explains a failed Kerberos step: what was tried, why it failed, what to do. Final
// failures match ErrUnauthorized, which is never retried; others, such as a KDC out of reach, may pass.
type KerberosError struct {
	// Op is what was tried: "Kerberos login as alice@CONTOSO.COM with a password".
	Op string
	// Reason is why it failed, in plain words.
	Reason string
	// Hint says what to do.
	Hint string
	// Final is true when trying again cannot help.
	Final bool
	// Err is gokrb5's own error, for the details.
	Err error
}

func (e *KerberosError) Error() string {
	// No final period: callers such as APIError end the sentence.
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: %s", e.Op, e.Reason)
	if e.Hint != "" {
		fmt.Fprintf(&b, ". %s", upperFirst(strings.TrimSuffix(e.Hint, ".")))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (Kerberos library: %v)", e.Err)
	}
	return b.String()
}

// Unwrap returns gokrb5's error.
func (e *KerberosError) Unwrap() error { return e.Err }

// Is makes final failures match ErrUnauthorized.
func (e *KerberosError) Is(target error) bool { return e.Final && target == ErrUnauthorized }

// explain turns gokrb5's error into a *KerberosError that says what went wrong and what to do.
func (a *negotiateAuth) explain(op string, err error, who, spn string) error {
	msg := err.Error()
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(msg, x) {
				return true
			}
		}
		return false
	}
	e := &KerberosError{Op: op, Err: err, Final: true}
	_, realm, _ := strings.Cut(who, "@")
	switch {
	case has("KDC_ERR_PREAUTH_FAILED", "KRB_AP_ERR_BAD_INTEGRITY", "password/keytab incorrect", "Decrypting_Error"):
		if a.login == loginKeytab {
			e.Reason = "the KDC refused the keytab's key (pre-authentication failed)"
			e.Hint = "the keytab is out of date, most likely because the password of " + who + " changed after it was made: export a new keytab (ktpass, or kadmin's ktadd -norandkey)"
		} else {
			e.Reason = "the KDC refused the password (wrong password, pre-authentication failed)"
			e.Hint = "check the password of " + who + "; repeated failures may lock the account"
		}
	case has("KDC_ERR_C_PRINCIPAL_UNKNOWN"):
		e.Reason = "the KDC does not know the user " + who
		e.Hint = "check the username and the realm (an Active Directory realm is the domain's DNS name in upper case, such as CONTOSO.COM)"
	case has("KDC_ERR_S_PRINCIPAL_UNKNOWN"):
		e.Reason = "the KDC knows no service principal " + spn
		e.Hint = "register the SPN for the account IIS runs the MIM CM site as (setspn -S " + spn + " DOMAIN\\account), " +
			"or set kerberos_spn to the SPN the server has; a host reached through a DNS alias is usually registered under its real name"
	case has("KDC_ERR_KEY_EXPIRED"):
		e.Reason = "the password of " + who + " has expired"
		e.Hint = "change the password, then update the provider's configuration"
	case has("KDC_ERR_CLIENT_REVOKED"):
		e.Reason = "the account " + who + " is disabled, locked out or expired"
		e.Hint = "ask a domain administrator to check the account"
	case has("KDC_ERR_ETYPE_NOSUPP"):
		e.Reason = "the KDC and this client share no encryption type"
		e.Hint = "enable AES for the account (msDS-SupportedEncryptionTypes) or allow its encryption types in krb5.conf's permitted_enctypes"
	case has("KRB_AP_ERR_SKEW"):
		e.Reason = "the clocks of this machine and the KDC differ by more than the allowed skew"
		e.Hint = "synchronize this machine's clock (NTP) with the domain"
	case has("matching key not found in keytab", "Error getting key from keytab"):
		e.Reason = "the keytab holds no key of an encryption type the KDC offers for " + who
		e.Hint = "export the keytab again with AES keys (ktpass -crypto AES256-SHA1, or kadmin's ktadd)"
	case has("no KDCs defined", "no KDC SRV records", "SRV record"):
		e.Reason = "no KDC is known for realm " + realm
		e.Hint = "add the realm and its kdc to krb5.conf's [realms] section, or set dns_lookup_kdc = true where DNS has the realm's _kerberos SRV records"
	case has("Networking_Error", "communication error with KDC", "failed to communicate with KDC", "dial ", "connection refused", "i/o timeout"):
		e.Reason = "no KDC of realm " + realm + " answered" + a.kdcList(realm)
		e.Hint = "check that the KDC (domain controller) is reachable from here on port 88 and that krb5.conf's kdc entries are right"
		e.Final = false
	default:
		e.Reason = "the Kerberos library reported an error"
		e.Hint = "check the krb5.conf, the credentials and the SPN; the details follow"
	}
	return e
}

func (a *negotiateAuth) kdcList(realm string) string {
	for _, r := range a.conf.Realms {
		if r.Realm == realm && len(r.KDC) > 0 {
			return " (kdc " + strings.Join(r.KDC, ", ") + ")"
		}
	}
	return ""
}

func ccacheExpired(path, principal string, end time.Time) error {
	return &KerberosError{
		Op:     "using the Kerberos credential cache " + path,
		Reason: fmt.Sprintf("the ticket-granting ticket of %s expired at %s and cannot be renewed", principal, end.Local().Format(time.RFC3339)),
		Hint: "run kinit again (kinit -r 7d gets a ticket the provider can renew during long applies), " +
			"or log in with a password or keytab, which the provider renews by itself",
		Final: true,
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
