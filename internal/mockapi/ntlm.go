package mockapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // NTLMv2 is HMAC-MD5 by definition
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf16"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"golang.org/x/crypto/md4" //nolint:staticcheck // the NT hash is MD4 by definition; no other hash will do
)

// NTLM message flags the verifier reads or sets ([MS-NLMP] 2.2.2.5).
const (
	ntlmNegotiateUnicode          = 1 << 0
	ntlmNegotiateOEM              = 1 << 1
	ntlmRequestTarget             = 1 << 2
	ntlmNegotiateSign             = 1 << 4
	ntlmNegotiateSeal             = 1 << 5
	ntlmNegotiateNTLM             = 1 << 9
	ntlmNegotiateAlwaysSign       = 1 << 15
	ntlmTargetTypeDomain          = 1 << 16
	ntlmTargetTypeServer          = 1 << 17
	ntlmNegotiateExtendedSecurity = 1 << 19
	ntlmNegotiateTargetInfo       = 1 << 23
	ntlmNegotiateVersion          = 1 << 25
	ntlmNegotiate128              = 1 << 29
	ntlmNegotiateKeyExch          = 1 << 30
	ntlmNegotiate56               = 1 << 31

	// ntlmServerFlags are a Windows server's; intersected with the client's,
	// they set KEY_EXCH, which go-ntlmssp refuses, only when asked.
	ntlmServerFlags = ntlmNegotiateUnicode | ntlmNegotiateOEM | ntlmRequestTarget | ntlmNegotiateSign |
		ntlmNegotiateSeal | ntlmNegotiateNTLM | ntlmNegotiateAlwaysSign | ntlmNegotiateExtendedSecurity |
		ntlmNegotiateTargetInfo | ntlmNegotiateVersion | ntlmNegotiate128 | ntlmNegotiateKeyExch | ntlmNegotiate56
)

// AV pair IDs of the CHALLENGE message's target info ([MS-NLMP] 2.2.2.1).
const (
	avEOL             = 0
	avNbComputerName  = 1
	avNbDomainName    = 2
	avDNSComputerName = 3
	avDNSDomainName   = 4
	avTimestamp       = 7
)

const ntlmConnKey = "ntlm"

const ntlmComputerName = "MIMCM"

// HandshakeCounter is an authenticator that counts the handshakes it completed.
type HandshakeCounter interface {
	Handshakes() int
}

// NTLMAuthenticator demands NTLMv2 with password as user of domain (or as
// `DOMAIN\user` when domain is empty) under "NTLM" or "Negotiate", as IIS
// does, and authenticates the connection (see Server.ConnContext). It
// returns a HandshakeCounter.
func NTLMAuthenticator(user, password, domain string) Authenticator {
	if u, _, d := mimcm.SplitUsername(user); d != "" && domain == "" {
		user, domain = u, d
	}
	nt := md4.New()
	nt.Write(utf16le(password))
	a := &ntlmAuthenticator{user: user, domain: domain, ntHash: nt.Sum(nil)}
	a.nbDomain, a.dnsDomain = ntlmDomainNames(domain)
	return a
}

// ntlmDomainNames derives the NetBIOS and DNS names a server announces.
func ntlmDomainNames(domain string) (nb, dns string) {
	switch {
	case domain == "":
		return ntlmComputerName, strings.ToLower(ntlmComputerName)
	case strings.Contains(domain, "."):
		first, _, _ := strings.Cut(domain, ".")
		return strings.ToUpper(first), strings.ToLower(domain)
	}
	return strings.ToUpper(domain), strings.ToLower(domain) + ".local"
}

type ntlmAuthenticator struct {
	user, domain string
	nbDomain     string
	dnsDomain    string
	ntHash       []byte // MD4 of the UTF-16LE password: the password never stays in memory
	handshakes   atomic.Int64
}

type ntlmPending struct {
	serverChallenge [8]byte
	flags           uint32
}

func (*ntlmAuthenticator) Challenge() string { return "NTLM" }

func (a *ntlmAuthenticator) Handshakes() int { return int(a.handshakes.Load()) }

func (a *ntlmAuthenticator) Authenticate(r *http.Request, conn *Conn) AuthOutcome {
	cred, _ := mimcm.ParseAuthorization(r.Header.Get("Authorization"))
	var canonical string
	switch {
	case cred.Is("NTLM"):
		canonical = "NTLM"
	case cred.Is("Negotiate"):
		canonical = "Negotiate"
	default:
		return AuthOutcome{Verdict: AuthNotMine}
	}
	msg, err := base64.StdEncoding.DecodeString(cred.Token68)
	isNTLM := err == nil && bytes.HasPrefix(msg, []byte(ntlmSignature))
	switch {
	case !isNTLM && canonical == "Negotiate":
		return AuthOutcome{Verdict: AuthNotMine} // Kerberos, for another authenticator
	case !isNTLM || len(msg) < 12 || conn == nil:
		return AuthOutcome{Verdict: AuthFailed}
	}
	switch binary.LittleEndian.Uint32(msg[8:12]) {
	case 1:
		return a.challenge(msg, conn, canonical)
	case 3:
		return a.verify(msg, conn)
	}
	return AuthOutcome{Verdict: AuthFailed}
}

const ntlmSignature = "NTLMSSP\x00"

// challenge answers a NEGOTIATE message.
func (a *ntlmAuthenticator) challenge(msg []byte, conn *Conn, scheme string) AuthOutcome {
	conn.SetValue(ntlmConnKey, nil)
	if len(msg) < 16 {
		return AuthOutcome{Verdict: AuthFailed}
	}
	flags := binary.LittleEndian.Uint32(msg[12:16]) & ntlmServerFlags
	if flags&ntlmNegotiateUnicode != 0 {
		flags &^= ntlmNegotiateOEM
	} else if flags&ntlmNegotiateOEM == 0 {
		return AuthOutcome{Verdict: AuthFailed} // no character set in common
	}
	flags |= ntlmNegotiateNTLM | ntlmNegotiateTargetInfo
	if a.domain == "" {
		flags |= ntlmTargetTypeServer
	} else {
		flags |= ntlmTargetTypeDomain
	}
	p := &ntlmPending{flags: flags}
	if _, err := rand.Read(p.serverChallenge[:]); err != nil {
		return AuthOutcome{Verdict: AuthFailed}
	}
	conn.SetValue(ntlmConnKey, p)
	return AuthOutcome{
		Verdict: AuthContinue,
		Header:  scheme + " " + base64.StdEncoding.EncodeToString(a.challengeMessage(p, time.Now())),
	}
}

// challengeMessage builds the CHALLENGE message ([MS-NLMP] 2.2.1.2).
func (a *ntlmAuthenticator) challengeMessage(p *ntlmPending, now time.Time) []byte {
	const payloadOffset = 56
	targetName := []byte(a.nbDomain)
	if p.flags&ntlmNegotiateUnicode != 0 {
		targetName = utf16le(a.nbDomain)
	}
	targetInfo := a.targetInfo(now)

	var b bytes.Buffer
	b.WriteString(ntlmSignature)
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	le(uint32(2))
	le(uint16(len(targetName)))
	le(uint16(len(targetName)))
	le(uint32(payloadOffset))
	le(p.flags)
	b.Write(p.serverChallenge[:])
	b.Write(make([]byte, 8)) // reserved
	le(uint16(len(targetInfo)))
	le(uint16(len(targetInfo)))
	le(uint32(payloadOffset + len(targetName)))
	// Version: Windows Server 2022 (10.0.20348), NTLM revision 15.
	le(uint8(10))
	le(uint8(0))
	le(uint16(20348))
	b.Write([]byte{0, 0, 0, 15})
	b.Write(targetName)
	b.Write(targetInfo)
	return b.Bytes()
}

// targetInfo is the AV pair list a Windows server sends in its challenge.
func (a *ntlmAuthenticator) targetInfo(now time.Time) []byte {
	var b bytes.Buffer
	pair := func(id uint16, value []byte) {
		_ = binary.Write(&b, binary.LittleEndian, id)
		_ = binary.Write(&b, binary.LittleEndian, uint16(len(value)))
		b.Write(value)
	}
	pair(avNbDomainName, utf16le(a.nbDomain))
	pair(avNbComputerName, utf16le(ntlmComputerName))
	pair(avDNSDomainName, utf16le(a.dnsDomain))
	pair(avDNSComputerName, utf16le(strings.ToLower(ntlmComputerName)+"."+a.dnsDomain))
	ts := make([]byte, 8)
	binary.LittleEndian.PutUint64(ts, fileTime(now))
	pair(avTimestamp, ts)
	pair(avEOL, nil)
	return b.Bytes()
}

// fileTime is t as a Windows FILETIME: 100 ns intervals since 1601.
func fileTime(t time.Time) uint64 {
	const unixToFileTime = 116444736000000000
	return uint64(t.UnixNano()/100) + unixToFileTime //nolint:gosec // times after 1970
}

type ntlmAuthenticate struct {
	ntResponse   []byte
	domain, user string
}

// verify checks an AUTHENTICATE message against conn's pending challenge,
// which it uses up either way, so that a message cannot be replayed.
func (a *ntlmAuthenticator) verify(msg []byte, conn *Conn) AuthOutcome {
	p, _ := conn.Value(ntlmConnKey).(*ntlmPending)
	conn.SetValue(ntlmConnKey, nil)
	if p == nil {
		return AuthOutcome{Verdict: AuthFailed}
	}
	m, err := parseNTLMAuthenticate(msg)
	if err != nil || !a.accepts(m.user, m.domain) {
		return AuthOutcome{Verdict: AuthFailed}
	}
	// NTLMv2 only: NTProofStr (16 bytes), then a blob of version 1.1, six
	// reserved bytes, a timestamp and the client challenge.
	if len(m.ntResponse) < 16+28 || m.ntResponse[16] != 1 || m.ntResponse[17] != 1 {
		return AuthOutcome{Verdict: AuthFailed}
	}
	proof, blob := m.ntResponse[:16], m.ntResponse[16:]
	ntowfv2 := hmacMD5(a.ntHash, utf16le(strings.ToUpper(m.user)+m.domain))
	if !hmac.Equal(proof, hmacMD5(ntowfv2, p.serverChallenge[:], blob)) {
		return AuthOutcome{Verdict: AuthFailed}
	}
	a.handshakes.Add(1)
	return AuthOutcome{Verdict: AuthOK, Persist: true}
}

// accepts reports whether a message names the account, in any letter case.
func (a *ntlmAuthenticator) accepts(user, domain string) bool {
	if u, suffix, _ := mimcm.SplitUsername(user); suffix != "" {
		return strings.EqualFold(u, a.user) && domain == "" && (a.domain == "" || a.isDomain(suffix))
	}
	if !strings.EqualFold(user, a.user) {
		return false
	}
	return domain == "" && a.domain == "" || a.isDomain(domain)
}

// isDomain also takes a UPN suffix whose first label is the NetBIOS name.
func (a *ntlmAuthenticator) isDomain(name string) bool {
	if name == "" {
		return false
	}
	first, _, _ := strings.Cut(name, ".")
	return strings.EqualFold(name, a.domain) || strings.EqualFold(name, a.dnsDomain) || strings.EqualFold(first, a.nbDomain)
}

var errNTLMMessage = errors.New("malformed NTLM AUTHENTICATE message")

// parseNTLMAuthenticate reads an AUTHENTICATE message ([MS-NLMP] 2.2.1.3).
func parseNTLMAuthenticate(msg []byte) (ntlmAuthenticate, error) {
	var m ntlmAuthenticate
	if len(msg) < 64 {
		return m, errNTLMMessage
	}
	field := func(at int) ([]byte, error) {
		n := uint64(binary.LittleEndian.Uint16(msg[at:]))
		off := uint64(binary.LittleEndian.Uint32(msg[at+4:]))
		if off+n > uint64(len(msg)) {
			return nil, errNTLMMessage
		}
		return msg[off : off+n], nil
	}
	flags := binary.LittleEndian.Uint32(msg[60:64])
	text := func(at int) (string, error) {
		b, err := field(at)
		if err != nil || flags&ntlmNegotiateUnicode == 0 {
			return string(b), err
		}
		return fromUTF16LE(b)
	}
	var err error
	if m.ntResponse, err = field(20); err != nil {
		return m, err
	}
	if m.domain, err = text(28); err != nil {
		return m, err
	}
	if m.user, err = text(36); err != nil {
		return m, err
	}
	if m.user == "" {
		return m, errNTLMMessage // anonymous
	}
	return m, nil
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	mac := hmac.New(md5.New, key)
	for _, d := range data {
		mac.Write(d)
	}
	return mac.Sum(nil)
}

func utf16le(s string) []byte {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(b[2*i:], u)
	}
	return b
}

func fromUTF16LE(b []byte) (string, error) {
	if len(b)%2 != 0 {
		return "", errNTLMMessage
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(units)), nil
}
