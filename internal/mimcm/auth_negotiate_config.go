package mimcm

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/keytab"
)

var knownSection = regexp.MustCompile(`(?m)^\s*\[(libdefaults|realms|domain_realm)\]`)

func parseKrb5Conf(content string) (*config.Config, error) {
	if strings.TrimSpace(content) == "" {
		c := config.New()
		c.LibDefaults.DNSLookupKDC = true
		return c, nil
	}
	if !knownSection.MatchString(content) {
		return nil, errors.New("the krb5.conf has no [libdefaults], [realms] or [domain_realm] section: give the file's content (krb5_conf_content) or its path (krb5_conf), not the other")
	}
	c, err := config.NewFromString(content)
	var unsupported config.UnsupportedDirective
	if err != nil && !errors.As(err, &unsupported) {
		return nil, fmt.Errorf("the krb5.conf cannot be read: %v", err)
	}
	if c == nil {
		return nil, errors.New("the krb5.conf cannot be read")
	}
	return c, nil
}

func checkSPN(spn string) error {
	switch {
	case spn == "":
		return nil
	case strings.Contains(spn, "@"):
		return fmt.Errorf("the SPN %q names a realm: give it as service/host, such as HTTP/mimcm.contoso.com; the realm comes from krb5.conf's [domain_realm] or the user's realm", spn)
	case !strings.Contains(spn, "/") || strings.HasPrefix(spn, "/") || strings.HasSuffix(spn, "/"):
		return fmt.Errorf("the SPN %q is not of the form service/host, such as HTTP/mimcm.contoso.com", spn)
	}
	return nil
}

// CCacheFile turns a credential cache name as KRB5CCNAME spells it into the file's path. Only file
// caches can be read; another type (KEYRING:, KCM:, DIR:, API:) is an error that says what to do.
func CCacheFile(name string) (string, error) {
	name = strings.TrimSpace(name)
	kind, rest, found := strings.Cut(name, ":")
	if !found || strings.Contains(kind, "/") || strings.Contains(kind, `\`) {
		return name, nil
	}
	if strings.EqualFold(kind, "FILE") {
		return rest, nil
	}
	return "", fmt.Errorf("the credential cache %q is of type %s, not a file cache: only file caches can be read. Run kinit with -c FILE:/path, or use a keytab", name, strings.ToUpper(kind))
}

// resolveRealm spells the realm as krb5.conf does, or else upper-cased as Active Directory's are.
func resolveRealm(conf *config.Config, explicit, fromUser, domain string) (string, error) {
	var realm string
	switch {
	case explicit != "" && fromUser != "" && !strings.EqualFold(explicit, fromUser):
		return "", fmt.Errorf("the username names realm %s but the realm is set to %s: keep one", fromUser, explicit)
	case explicit != "":
		realm = explicit
	case fromUser != "":
		realm = fromUser
	case domain != "":
		for _, r := range conf.Realms {
			if first, _, _ := strings.Cut(r.Realm, "."); strings.EqualFold(first, domain) {
				realm = r.Realm
				break
			}
		}
		if realm == "" {
			realm = conf.LibDefaults.DefaultRealm
		}
		if realm == "" {
			return "", fmt.Errorf("the Kerberos realm of %s\\user is unknown: a NetBIOS domain name is not a realm; set the realm (such as CONTOSO.COM), or a default_realm in krb5.conf", domain)
		}
	default:
		realm = conf.LibDefaults.DefaultRealm
		if realm == "" {
			return "", errors.New("the Kerberos realm is unknown: set it, write the username as user@REALM, or set default_realm in krb5.conf's [libdefaults]")
		}
	}
	for _, r := range conf.Realms {
		if strings.EqualFold(r.Realm, realm) {
			return r.Realm, nil
		}
	}
	return strings.ToUpper(realm), nil
}

func checkKDCKnown(conf *config.Config, realm string) error {
	if conf.LibDefaults.DNSLookupKDC {
		return nil
	}
	for _, r := range conf.Realms {
		if r.Realm == realm && len(r.KDC) > 0 {
			return nil
		}
	}
	return fmt.Errorf("krb5.conf names no kdc for realm %s and dns_lookup_kdc is false: add \"%s = { kdc = dc1.example.com }\" to its [realms] section, or set dns_lookup_kdc = true", realm, realm)
}

func keytabHolds(kt *keytab.Keytab, name, realm string) error {
	var held []string
	seen := map[string]bool{}
	for _, e := range kt.Entries {
		p := strings.Join(e.Principal.Components, "/") + "@" + e.Principal.Realm
		if strings.EqualFold(strings.Join(e.Principal.Components, "/"), name) && e.Principal.Realm == realm {
			return nil
		}
		if !seen[p] {
			seen[p] = true
			held = append(held, p)
		}
	}
	if len(held) == 0 {
		return errors.New("the keytab holds no keys")
	}
	if len(held) > 5 {
		held = append(held[:5], "…")
	}
	return fmt.Errorf("the keytab holds no key for %s@%s, only for %s: export one for the user (ktpass /princ %s@%s, or kadmin's ktadd -norandkey)",
		name, realm, strings.Join(held, ", "), name, realm)
}
