package mimcm

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/jcmturner/gofork/encoding/asn1"
	"github.com/jcmturner/gokrb5/v8/asn1tools"
	"github.com/jcmturner/gokrb5/v8/crypto"
	"github.com/jcmturner/gokrb5/v8/gssapi"
	"github.com/jcmturner/gokrb5/v8/iana/chksumtype"
	"github.com/jcmturner/gokrb5/v8/iana/flags"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/spnego"
	"github.com/jcmturner/gokrb5/v8/types"
)

type negotiateToken struct {
	header  string
	spn     string
	session *kerberosSession
	key     types.EncryptionKey // the service ticket's session key
	ctime   time.Time           // the authenticator's time, to whole seconds
	cusec   int                 // and its microseconds
}

// buildToken makes a NegTokenInit whose AP-REQ asks the server to prove itself (mutual authentication).
func buildToken(s *kerberosSession, spn string, tkt messages.Ticket, key types.EncryptionKey) (*negotiateToken, error) {
	creds := s.cl.Credentials
	auth, err := types.NewAuthenticator(creds.Domain(), creds.CName())
	if err != nil {
		return nil, fmt.Errorf("building a Kerberos authenticator: %w", err)
	}
	now := uniqueAuthenticatorTime()
	auth.CTime = now.Truncate(time.Second)
	auth.Cusec = now.Nanosecond() / int(time.Microsecond)
	auth.Cksum = types.Checksum{
		CksumType: chksumtype.GSSAPI,
		Checksum:  gssChecksum(gssapi.ContextFlagMutual | gssapi.ContextFlagInteg | gssapi.ContextFlagConf),
	}
	apReq, err := messages.NewAPReq(tkt, key, auth)
	if err != nil {
		return nil, fmt.Errorf("building a Kerberos AP-REQ for %s: %w", spn, err)
	}
	types.SetFlag(&apReq.APOptions, flags.APOptionMutualRequired)
	apReqBytes, err := apReq.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encoding a Kerberos AP-REQ for %s: %w", spn, err)
	}
	mech, err := krb5MechToken(tokIDAPReq, apReqBytes)
	if err != nil {
		return nil, err
	}
	st := spnego.SPNEGOToken{Init: true, NegTokenInit: spnego.NegTokenInit{
		MechTypes:      []asn1.ObjectIdentifier{gssapi.OIDKRB5.OID()},
		MechTokenBytes: mech,
	}}
	b, err := st.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encoding the SPNEGO token for %s: %w", spn, err)
	}
	return &negotiateToken{
		header:  "Negotiate " + base64.StdEncoding.EncodeToString(b),
		spn:     spn,
		session: s,
		key:     key,
		ctime:   auth.CTime,
		cusec:   auth.Cusec,
	}, nil
}

// GSS-API token IDs of Kerberos tokens (RFC 4121 4.1).
var (
	tokIDAPReq = []byte{0x01, 0x00}
)

// krb5MechToken frames a Kerberos message as a GSS-API token (RFC 2743 3.1).
func krb5MechToken(tokID, msg []byte) ([]byte, error) {
	oid, err := asn1.Marshal(gssapi.OIDKRB5.OID())
	if err != nil {
		return nil, err
	}
	b := append(append(oid, tokID...), msg...)
	return asn1tools.AddASNAppTag(b, 0), nil
}

// gssChecksum is the authenticator checksum of RFC 4121 4.1.1, without channel bindings.
func gssChecksum(contextFlags int) []byte {
	b := make([]byte, 24)
	b[0] = 16 // length of the (empty) channel bindings hash
	b[20] = byte(contextFlags)
	b[21] = byte(contextFlags >> 8)
	return b
}

// authenticatorClock makes every authenticator's time unique in the process: a server refuses one
// it has seen, and parallel calls can ask for one in the same microsecond.
var authenticatorClock struct {
	sync.Mutex
	last time.Time
}

func uniqueAuthenticatorTime() time.Time {
	authenticatorClock.Lock()
	defer authenticatorClock.Unlock()
	t := time.Now().UTC().Truncate(time.Microsecond)
	if !t.After(authenticatorClock.last) {
		t = authenticatorClock.last.Add(time.Microsecond)
	}
	authenticatorClock.last = t
	return t
}

// verifyMutual checks the server's AP-REP, when it sent one: it must be encrypted with the
// ticket's session key, which only the real service can read, and echo the authenticator's time.
func (t *negotiateToken) verifyMutual(resp *http.Response) error {
	in := negotiateData(resp.Header.Values("WWW-Authenticate"))
	if in == "" {
		return nil
	}
	fail := func(reason string) error {
		return &KerberosError{
			Op:     fmt.Sprintf("checking the mutual authentication of %s", t.spn),
			Reason: reason,
			Hint: "the server did not prove that it is " + t.spn + ": something between may be impersonating it, " +
				"or the service's keytab does not match the KDC; do not trust this server until its administrator has checked the SPN and keytab",
			Final: true,
		}
	}
	b, err := base64.StdEncoding.DecodeString(in)
	if err != nil {
		return fail("its Negotiate answer is not base64")
	}
	mech := b
	if len(b) > 0 && b[0] == 0xa1 { // a SPNEGO NegTokenResp
		_, nt, err := spnego.UnmarshalNegToken(b)
		if err != nil {
			return fail("its Negotiate answer is not a SPNEGO token: " + err.Error())
		}
		nr, ok := nt.(spnego.NegTokenResp)
		if !ok {
			return fail("its Negotiate answer is not a SPNEGO response")
		}
		if spnego.NegState(nr.NegState) == spnego.NegStateReject {
			return fail(fmt.Sprintf("it answered %d but its Negotiate answer rejects the token", resp.StatusCode))
		}
		if len(nr.ResponseToken) == 0 {
			return nil // accepted without a mutual-authentication token
		}
		mech = nr.ResponseToken
	}
	var k spnego.KRB5Token
	if err := k.Unmarshal(mech); err != nil {
		return fail("its answer is not a Kerberos token: " + err.Error())
	}
	switch {
	case k.IsAPRep():
		plain, err := crypto.DecryptEncPart(k.APRep.EncPart, t.key, keyusage.AP_REP_ENCPART)
		if err != nil {
			return fail("its AP-REP cannot be decrypted with the ticket's session key")
		}
		var part messages.EncAPRepPart
		if err := part.Unmarshal(plain); err != nil {
			return fail("its AP-REP cannot be decoded: " + err.Error())
		}
		if !part.CTime.Equal(t.ctime) || part.Cusec != t.cusec {
			return fail("its AP-REP answers another authenticator (a replayed answer?)")
		}
		return nil
	case k.IsKRBError():
		return fail("it answered with a Kerberos error: " + k.KRBError.Error())
	}
	return fail("its answer is neither an AP-REP nor a Kerberos error")
}

func negotiateData(challenges []string) string {
	for _, c := range ParseChallenges(challenges) {
		if c.Is("Negotiate") && c.Token68 != "" {
			return c.Token68
		}
	}
	return ""
}
