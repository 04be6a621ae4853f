package mimcm

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/types"
)

// kerberosSession is one login: a gokrb5 client with its TGT and service tickets.
type kerberosSession struct {
	cl *client.Client
	// unproven marks a replacement for a refused session: until the server accepts one of its
	// tokens, a refusal makes no other, which would log in again on every call.
	unproven atomic.Bool
	// For a credential cache: when its TGT ends and how long it renews.
	tgtEnd, renewTill time.Time
}

// token builds a SPNEGO token for spn with its own authenticator, as servers refuse one seen before.
func (a *negotiateAuth) token(spn string) (*negotiateToken, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, err := a.sessionLocked()
	if err != nil {
		return nil, err
	}
	tkt, key, err := s.cl.GetServiceTicket(spn)
	if err != nil && a.login == loginCCache {
		// The cache's ticket may have expired, and kinit written a new one since.
		reloaded, rerr := a.reloadCCacheLocked(err)
		var ke *KerberosError
		switch {
		case errors.As(rerr, &ke):
			return nil, rerr
		case rerr == nil:
			s = reloaded
			tkt, key, err = s.cl.GetServiceTicket(spn)
		}
	}
	if err != nil {
		return nil, a.explain(fmt.Sprintf("getting a Kerberos service ticket for %s as %s", spn, a.principal(s)), err, a.principal(s), spn)
	}
	return buildToken(s, spn, tkt, key)
}

func (a *negotiateAuth) sessionLocked() (*kerberosSession, error) {
	if a.session != nil {
		return a.session, nil
	}
	if a.refused != nil {
		return nil, a.refused
	}
	s, err := a.newSession()
	if err != nil {
		var ke *KerberosError
		if errors.As(err, &ke) && ke.Final && a.login != loginCCache {
			a.refused = err
		}
		return nil, err
	}
	a.session = s
	return s, nil
}

func (a *negotiateAuth) newSession() (*kerberosSession, error) {
	// gokrb5's logger stays nil: it must not log.
	settings := []func(*client.Settings){client.DisablePAFXFAST(true)}
	switch a.login {
	case loginPassword, loginKeytab:
		var cl *client.Client
		how := "a password"
		if a.login == loginPassword {
			cl = client.NewWithPassword(a.user, a.realm, a.password, a.conf, settings...)
		} else {
			how = "a keytab"
			cl = client.NewWithKeytab(a.user, a.realm, a.keytab, a.conf, settings...)
		}
		// Login also starts gokrb5's renewal of the TGT, and its new login once renewal ends.
		if err := cl.Login(); err != nil {
			who := a.user + "@" + a.realm
			return nil, a.explain(fmt.Sprintf("Kerberos login as %s with %s", who, how), err, who, "")
		}
		return &kerberosSession{cl: cl}, nil
	default:
		return a.loadCCache()
	}
}

// loadCCache reads the credential cache, keeping only TGTs so that service tickets come fresh.
func (a *negotiateAuth) loadCCache() (*kerberosSession, error) {
	what := "reading the Kerberos credential cache " + a.ccachePath
	cc, err := credentials.LoadCCache(a.ccachePath)
	if err != nil {
		return nil, &KerberosError{Op: what, Reason: err.Error(), Final: true,
			Hint: "run kinit to log in (it writes the cache named by KRB5CCNAME), or point kerberos_ccache at the file it wrote"}
	}
	principal := cc.DefaultPrincipal.PrincipalName.PrincipalNameString() + "@" + cc.DefaultPrincipal.Realm
	if err := a.checkCCachePrincipal(cc); err != nil {
		return nil, err
	}
	tgt, ok := cc.GetEntry(types.PrincipalName{NameType: nametype.KRB_NT_SRV_INST, NameString: []string{"krbtgt", cc.DefaultPrincipal.Realm}})
	if !ok {
		return nil, &KerberosError{Op: what, Reason: "it holds no ticket-granting ticket for " + principal, Final: true,
			Hint: "run kinit " + principal + " again"}
	}
	if now := time.Now(); now.After(tgt.EndTime) && now.After(tgt.RenewTill) {
		return nil, ccacheExpired(a.ccachePath, principal, tgt.EndTime)
	}
	kept := cc.Credentials[:0:0]
	for _, c := range cc.Credentials {
		if len(c.Server.PrincipalName.NameString) > 0 && c.Server.PrincipalName.NameString[0] == "krbtgt" {
			kept = append(kept, c)
		}
	}
	cc.Credentials = kept
	cl, err := client.NewFromCCache(cc, a.conf, client.DisablePAFXFAST(true))
	if err != nil {
		return nil, &KerberosError{Op: what, Reason: err.Error(), Final: true, Hint: "run kinit " + principal + " again"}
	}
	return &kerberosSession{cl: cl, tgtEnd: tgt.EndTime, renewTill: tgt.RenewTill}, nil
}

func (a *negotiateAuth) checkCCachePrincipal(cc *credentials.CCache) error {
	if a.user == "" && a.realm == "" {
		return nil
	}
	gotName, gotRealm := cc.DefaultPrincipal.PrincipalName.PrincipalNameString(), cc.DefaultPrincipal.Realm
	name, realm, _ := SplitUsername(a.user)
	if a.realm != "" {
		realm = a.realm
	}
	if (name == "" || strings.EqualFold(name, gotName)) && (realm == "" || strings.EqualFold(realm, gotRealm)) {
		return nil
	}
	want := strings.TrimSuffix(name+"@"+realm, "@")
	return &KerberosError{
		Op:     "reading the Kerberos credential cache " + a.ccachePath,
		Reason: fmt.Sprintf("it holds tickets for %s@%s, not for %s", gotName, gotRealm, want),
		Hint:   "run kinit " + want + " into that cache, or drop the username and realm to use the cache's principal",
		Final:  true,
	}
}

// reloadCCacheLocked reads the cache again for a newer TGT once the session's has expired.
func (a *negotiateAuth) reloadCCacheLocked(cause error) (*kerberosSession, error) {
	old := a.session
	if old == nil || time.Now().Before(old.tgtEnd) {
		return nil, cause
	}
	s, err := a.loadCCache()
	if err != nil {
		return nil, err
	}
	if !s.tgtEnd.After(old.tgtEnd) {
		s.cl.Destroy()
		return nil, cause
	}
	a.replaceLocked(old, s)
	return s, nil
}

// replace drops a session whose token the server refused, so that the next token comes from a
// fresh login, unless that session is itself a replacement not yet proven.
func (a *negotiateAuth) replace(refused *kerberosSession) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.session != refused || refused.unproven.Load() {
		return
	}
	s, err := a.newSession()
	if err != nil {
		// The next token's login reports it.
		a.replaceLocked(refused, nil)
		return
	}
	s.unproven.Store(true)
	a.replaceLocked(refused, s)
}

func (a *negotiateAuth) replaceLocked(old, s *kerberosSession) {
	if old != nil && old != s {
		old.cl.Destroy() // stops its renewal; only token, under a.mu, uses it
	}
	a.session = s
}

func (a *negotiateAuth) principal(s *kerberosSession) string {
	if s != nil && s.cl != nil && s.cl.Credentials != nil {
		return s.cl.Credentials.CName().PrincipalNameString() + "@" + s.cl.Credentials.Domain()
	}
	return a.user + "@" + a.realm
}
