package mockapi

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/jcmturner/gofork/encoding/asn1"
	"github.com/jcmturner/gokrb5/v8/asn1tools"
	"github.com/jcmturner/gokrb5/v8/crypto"
	"github.com/jcmturner/gokrb5/v8/gssapi"
	"github.com/jcmturner/gokrb5/v8/iana"
	"github.com/jcmturner/gokrb5/v8/iana/asnAppTag"
	"github.com/jcmturner/gokrb5/v8/iana/flags"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/iana/msgtype"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/service"
	"github.com/jcmturner/gokrb5/v8/spnego"
	"github.com/jcmturner/gokrb5/v8/types"
	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// NegotiateAuthenticator demands Kerberos tokens for spn (any in the keytab
// when empty), as IIS does: a good one authenticates the connection, with an
// AP-REP when the client asks for mutual authentication. It returns a
// *NegotiateService.
func NegotiateAuthenticator(keytabBytes []byte, spn string) (Authenticator, error) {
	kt := keytab.New()
	if err := kt.Unmarshal(keytabBytes); err != nil {
		return nil, fmt.Errorf("the service keytab cannot be read: %w", err)
	}
	spn = strings.TrimSpace(spn)
	if spn != "" {
		if !keytabHas(kt, spn) {
			return nil, fmt.Errorf("the service keytab holds no key for %s", spn)
		}
	}
	return &NegotiateService{keytab: kt, spn: spn}, nil
}

// NegotiateService is the Authenticator NegotiateAuthenticator returns.
type NegotiateService struct {
	keytab *keytab.Keytab
	spn    string

	mu       sync.Mutex
	accepted []string // client principals, one per accepted token
	refused  []string // why tokens were refused
}

// Challenge starts the Negotiate handshake.
func (*NegotiateService) Challenge() string { return "Negotiate" }

// Authenticate checks a Negotiate token, leaving wrapped NTLM alone.
func (n *NegotiateService) Authenticate(r *http.Request, _ *Conn) AuthOutcome {
	cred, _ := mimcm.ParseAuthorization(r.Header.Get("Authorization"))
	if !cred.Is("Negotiate") {
		return AuthOutcome{Verdict: AuthNotMine}
	}
	raw, err := base64.StdEncoding.DecodeString(cred.Token68)
	if err != nil {
		return n.refuse("the token is not base64")
	}
	if bytes.HasPrefix(raw, []byte("NTLMSSP\x00")) {
		return AuthOutcome{Verdict: AuthNotMine}
	}
	mech, err := kerberosMechToken(raw)
	if err != nil {
		return n.refuse(err.Error())
	}
	var k spnego.KRB5Token
	if err := k.Unmarshal(mech); err != nil || !k.IsAPReq() {
		return n.refuse(fmt.Sprintf("the token holds no Kerberos AP-REQ (%v)", err))
	}
	// MIT's KDC puts a PAC without Windows logon info into tickets:
	// decoding it would refuse every token as defective.
	settings := service.NewSettings(n.keytab, service.DecodePAC(false))
	if want, _, _ := strings.Cut(n.spn, "@"); want != "" {
		if got := k.APReq.Ticket.SName.PrincipalNameString(); !strings.EqualFold(got, want) {
			return n.refuse(fmt.Sprintf("the ticket is for %s, not for %s", got, want))
		}
	}
	ok, creds, err := service.VerifyAPREQ(&k.APReq, settings)
	if err != nil || !ok {
		return n.refuse(fmt.Sprintf("the AP-REQ does not verify: %v", err))
	}
	header, err := acceptCompleted(&k.APReq)
	if err != nil {
		return n.refuse(err.Error())
	}
	n.mu.Lock()
	n.accepted = append(n.accepted, creds.CName().PrincipalNameString()+"@"+creds.Domain())
	n.mu.Unlock()
	return AuthOutcome{Verdict: AuthOK, Header: header, Persist: true}
}

// Accepted lists the client principal of each token accepted, oldest first.
func (n *NegotiateService) Accepted() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.accepted...)
}

// Refused lists why tokens were refused, oldest first.
func (n *NegotiateService) Refused() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.refused...)
}

func (n *NegotiateService) refuse(why string) AuthOutcome {
	n.mu.Lock()
	n.refused = append(n.refused, why)
	n.mu.Unlock()
	return AuthOutcome{Verdict: AuthFailed}
}

// kerberosMechToken unwraps a SPNEGO NegTokenInit, or takes a bare token.
func kerberosMechToken(raw []byte) ([]byte, error) {
	var st spnego.SPNEGOToken
	if err := st.Unmarshal(raw); err != nil {
		return raw, nil //nolint:nilerr // perhaps a bare Kerberos token; its parsing will tell
	}
	if !st.Init {
		return nil, fmt.Errorf("the token is a SPNEGO response, not an initial token")
	}
	for _, m := range st.NegTokenInit.MechTypes {
		if m.Equal(gssapi.OIDKRB5.OID()) || m.Equal(gssapi.OIDMSLegacyKRB5.OID()) {
			return st.NegTokenInit.MechTokenBytes, nil
		}
	}
	return nil, fmt.Errorf("the token offers no Kerberos mechanism (NTLM-only clients need NTLM)")
}

// acceptCompleted is a success's WWW-Authenticate value, as Windows sends it:
// accept-completed, with the AP-REP (RFC 4120 5.5.2) when the client asked.
func acceptCompleted(req *messages.APReq) (string, error) {
	resp := spnego.NegTokenResp{NegState: asn1.Enumerated(spnego.NegStateAcceptCompleted), SupportedMech: gssapi.OIDKRB5.OID()}
	if types.IsFlagSet(&req.APOptions, flags.APOptionMutualRequired) {
		rep, err := apRep(req)
		if err != nil {
			return "", err
		}
		resp.ResponseToken = rep
	}
	b, err := resp.Marshal()
	if err != nil {
		return "", fmt.Errorf("encoding the SPNEGO response: %w", err)
	}
	return "Negotiate " + base64.StdEncoding.EncodeToString(b), nil
}

// apRep builds the GSS-API token holding the AP-REP that answers req.
func apRep(req *messages.APReq) ([]byte, error) {
	part := messages.EncAPRepPart{CTime: req.Authenticator.CTime, Cusec: req.Authenticator.Cusec}
	plain, err := asn1.Marshal(part)
	if err != nil {
		return nil, fmt.Errorf("encoding the AP-REP: %w", err)
	}
	plain = asn1tools.AddASNAppTag(plain, asnAppTag.EncAPRepPart)
	enc, err := crypto.GetEncryptedData(plain, req.Ticket.DecryptedEncPart.Key, keyusage.AP_REP_ENCPART, 0)
	if err != nil {
		return nil, fmt.Errorf("encrypting the AP-REP: %w", err)
	}
	rep := messages.APRep{PVNO: iana.PVNO, MsgType: msgtype.KRB_AP_REP, EncPart: enc}
	repBytes, err := asn1.Marshal(rep)
	if err != nil {
		return nil, fmt.Errorf("encoding the AP-REP: %w", err)
	}
	repBytes = asn1tools.AddASNAppTag(repBytes, asnAppTag.APREP)
	oid, err := asn1.Marshal(gssapi.OIDKRB5.OID())
	if err != nil {
		return nil, err
	}
	tok := append(append(oid, 0x02, 0x00), repBytes...) // token ID of an AP-REP
	return asn1tools.AddASNAppTag(tok, 0), nil
}

// keytabHas reports whether kt holds a key for spn, with or without realm.
func keytabHas(kt *keytab.Keytab, spn string) bool {
	name, realm, _ := strings.Cut(spn, "@")
	for _, e := range kt.Entries {
		if strings.EqualFold(strings.Join(e.Principal.Components, "/"), name) && (realm == "" || e.Principal.Realm == realm) {
			return true
		}
	}
	return false
}
