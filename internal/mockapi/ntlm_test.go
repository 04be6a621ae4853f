package mockapi

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/go-ntlmssp"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

const (
	ntlmTestUser     = "svc-terraform"
	ntlmTestPassword = "Pa55-w0rd!ü"
	ntlmTestDomain   = "CONTOSO"
)

func ntlmRequest(t *testing.T, authorization string) *http.Request {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/requests", nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	return r
}

func encode(scheme string, msg []byte) string {
	return scheme + " " + base64.StdEncoding.EncodeToString(msg)
}

func negotiateMessage(t *testing.T) []byte {
	t.Helper()
	msg, err := ntlmssp.NewNegotiateMessage("", "")
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// challengeFrom decodes the CHALLENGE message of an AuthContinue outcome.
func challengeFrom(t *testing.T, out AuthOutcome, scheme string) []byte {
	t.Helper()
	if out.Verdict != AuthContinue {
		t.Fatalf("NEGOTIATE: want AuthContinue, got %+v", out)
	}
	data, ok := strings.CutPrefix(out.Header, scheme+" ")
	if !ok {
		t.Fatalf("challenge header %q does not start with %q", out.Header, scheme+" ")
	}
	msg, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// clientHandshake runs both legs on conn the way go-ntlmssp's client does
// and returns the outcome of the AUTHENTICATE leg.
func clientHandshake(t *testing.T, a Authenticator, conn *Conn, scheme, account, password string) AuthOutcome {
	t.Helper()
	challenge := challengeFrom(t, a.Authenticate(ntlmRequest(t, encode(scheme, negotiateMessage(t))), conn), scheme)
	auth, err := ntlmssp.NewAuthenticateMessage(challenge, account, password, nil)
	if err != nil {
		t.Fatalf("go-ntlmssp cannot answer the mock's challenge: %v", err)
	}
	return a.Authenticate(ntlmRequest(t, encode(scheme, auth)), conn)
}

func TestNTLMAuthenticator_acceptsGoNTLMSSP(t *testing.T) {
	tests := []struct {
		name, domain, scheme, account string
	}{
		{"DOMAIN backslash user", ntlmTestDomain, "NTLM", `CONTOSO\svc-terraform`},
		{"names in another case", ntlmTestDomain, "NTLM", `contoso\SVC-Terraform`},
		{"DNS domain name", ntlmTestDomain, "NTLM", `contoso.local\svc-terraform`},
		{"UPN with empty domain", ntlmTestDomain, "NTLM", "svc-terraform@contoso.com"},
		{"inside Negotiate", ntlmTestDomain, "Negotiate", `CONTOSO\svc-terraform`},
		{"no domain configured, none sent", "", "NTLM", "svc-terraform"},
		{"no domain configured, UPN sent", "", "NTLM", "svc-terraform@example.org"},
		{"DNS domain configured", "contoso.com", "NTLM", `CONTOSO\svc-terraform`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, tt.domain)
			out := clientHandshake(t, a, &Conn{}, tt.scheme, tt.account, ntlmTestPassword)
			if out.Verdict != AuthOK || !out.Persist {
				t.Fatalf("want AuthOK persisting the connection, got %+v", out)
			}
			if got := a.(HandshakeCounter).Handshakes(); got != 1 {
				t.Errorf("Handshakes: want 1, got %d", got)
			}
		})
	}
}

func TestNTLMAuthenticator_refuses(t *testing.T) {
	tests := []struct {
		name, account, password string
	}{
		{"wrong password", `CONTOSO\svc-terraform`, "wrong"},
		{"password in another case", `CONTOSO\svc-terraform`, strings.ToUpper(ntlmTestPassword)},
		{"wrong user", `CONTOSO\someone-else`, ntlmTestPassword},
		{"wrong domain", `FABRIKAM\svc-terraform`, ntlmTestPassword},
		{"no domain where one is configured", "svc-terraform", ntlmTestPassword},
		{"UPN of another domain", "svc-terraform@fabrikam.com", ntlmTestPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain)
			if out := clientHandshake(t, a, &Conn{}, "NTLM", tt.account, tt.password); out.Verdict != AuthFailed {
				t.Fatalf("want AuthFailed, got %+v", out)
			}
			if got := a.(HandshakeCounter).Handshakes(); got != 0 {
				t.Errorf("Handshakes: want 0, got %d", got)
			}
		})
	}
}

// TestNTLMAuthenticator_replay sends an AUTHENTICATE message where it does
// not belong: on another connection, twice on its own, or before any
// challenge.
func TestNTLMAuthenticator_replay(t *testing.T) {
	a := NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain)
	first := &Conn{}
	challenge := challengeFrom(t, a.Authenticate(ntlmRequest(t, encode("NTLM", negotiateMessage(t))), first), "NTLM")
	auth, err := ntlmssp.NewAuthenticateMessage(challenge, `CONTOSO\svc-terraform`, ntlmTestPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	authz := encode("NTLM", auth)

	if out := a.Authenticate(ntlmRequest(t, authz), &Conn{}); out.Verdict != AuthFailed {
		t.Errorf("on a connection that was never challenged: want AuthFailed, got %+v", out)
	}
	second := &Conn{}
	challengeFrom(t, a.Authenticate(ntlmRequest(t, encode("NTLM", negotiateMessage(t))), second), "NTLM")
	if out := a.Authenticate(ntlmRequest(t, authz), second); out.Verdict != AuthFailed {
		t.Errorf("on another challenged connection: want AuthFailed, got %+v", out)
	}
	if out := a.Authenticate(ntlmRequest(t, authz), first); out.Verdict != AuthOK {
		t.Fatalf("on its own connection: want AuthOK, got %+v", out)
	}
	if out := a.Authenticate(ntlmRequest(t, authz), first); out.Verdict != AuthFailed {
		t.Errorf("a second time on its own connection: want AuthFailed, got %+v", out)
	}
	if got := a.(HandshakeCounter).Handshakes(); got != 1 {
		t.Errorf("Handshakes: want 1, got %d", got)
	}
}

func TestNTLMAuthenticator_challengeMessage(t *testing.T) {
	const keyExch = 1 << 30
	a := NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain)
	for _, tt := range []struct {
		name        string
		clientFlags uint32
	}{
		{"go-ntlmssp's flags", binary.LittleEndian.Uint32(negotiateMessage(t)[12:16])},
		{"a client asking for key exchange", binary.LittleEndian.Uint32(negotiateMessage(t)[12:16]) | keyExch},
	} {
		t.Run(tt.name, func(t *testing.T) {
			neg := negotiateMessage(t)
			binary.LittleEndian.PutUint32(neg[12:16], tt.clientFlags)
			msg := challengeFrom(t, a.Authenticate(ntlmRequest(t, encode("NTLM", neg)), &Conn{}), "NTLM")
			if !bytes.HasPrefix(msg, []byte("NTLMSSP\x00\x02\x00\x00\x00")) || len(msg) < 56 {
				t.Fatalf("not a CHALLENGE message: %x", msg)
			}
			flags := binary.LittleEndian.Uint32(msg[20:24])
			if got, want := flags&keyExch != 0, tt.clientFlags&keyExch != 0; got != want {
				t.Errorf("KEY_EXCH set: want %v (as the client asked), got %v", want, got)
			}
			const serverOnly = 1<<16 | 1<<17 | 1<<23 | 1<<9 // target types, TARGET_INFO, NTLM
			if extra := flags &^ tt.clientFlags &^ serverOnly; extra != 0 {
				t.Errorf("flags the client did not ask for: %#x", extra)
			}
			ti := readTargetInfo(t, msg)
			want := map[uint16]string{avNbDomainName: "CONTOSO", avNbComputerName: "MIMCM", avDNSDomainName: "contoso.local", avDNSComputerName: "mimcm.contoso.local"}
			for id, name := range want {
				if got, _ := fromUTF16LE(ti[id]); got != name {
					t.Errorf("AV pair %d: want %q, got %q", id, name, got)
				}
			}
			if len(ti[avTimestamp]) != 8 {
				t.Errorf("MsvAvTimestamp: want 8 bytes, got %x", ti[avTimestamp])
			}
		})
	}
}

// readTargetInfo parses the AV pairs of a CHALLENGE message up to MsvAvEOL.
func readTargetInfo(t *testing.T, msg []byte) map[uint16][]byte {
	t.Helper()
	n, off := int(binary.LittleEndian.Uint16(msg[40:])), int(binary.LittleEndian.Uint32(msg[44:]))
	if off+n > len(msg) {
		t.Fatalf("target info out of bounds: offset %d, length %d, message %d", off, n, len(msg))
	}
	info, out := msg[off:off+n], map[uint16][]byte{}
	for len(info) >= 4 {
		id, l := binary.LittleEndian.Uint16(info), int(binary.LittleEndian.Uint16(info[2:]))
		if id == avEOL {
			return out
		}
		if 4+l > len(info) {
			t.Fatalf("AV pair %d overruns the target info", id)
		}
		out[id], info = info[4:4+l], info[4+l:]
	}
	t.Fatal("target info lacks MsvAvEOL")
	return nil
}

// TestNTLMAuthenticator_malformed feeds garbage and every truncation of
// valid messages: each is refused, and nothing panics.
func TestNTLMAuthenticator_malformed(t *testing.T) {
	a := NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain)
	for _, authz := range []string{"NTLM", "NTLM ", "NTLM !!!not-base64!!!", "NTLM " + base64.StdEncoding.EncodeToString([]byte("not NTLMSSP")),
		encode("NTLM", []byte("NTLMSSP\x00\x02\x00\x00\x00")), encode("NTLM", []byte("NTLMSSP\x00\x09\x00\x00\x00"))} {
		if out := a.Authenticate(ntlmRequest(t, authz), &Conn{}); out.Verdict != AuthFailed {
			t.Errorf("%q: want AuthFailed, got %+v", authz, out)
		}
	}
	if out := a.Authenticate(ntlmRequest(t, encode("NTLM", negotiateMessage(t))), nil); out.Verdict != AuthFailed {
		t.Errorf("without a connection to bind to: want AuthFailed, got %+v", out)
	}

	neg := negotiateMessage(t)
	for n := range len(neg) {
		if out := a.Authenticate(ntlmRequest(t, encode("NTLM", neg[:n])), &Conn{}); n < 16 && out.Verdict != AuthFailed {
			t.Errorf("NEGOTIATE cut to %d bytes: want AuthFailed, got %+v", n, out)
		}
	}

	conn := &Conn{}
	challenge := challengeFrom(t, a.Authenticate(ntlmRequest(t, encode("NTLM", neg)), conn), "NTLM")
	auth, err := ntlmssp.NewAuthenticateMessage(challenge, `CONTOSO\svc-terraform`, ntlmTestPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Each cut is tried on a connection holding the same pending
	// challenge, so that only the cut can make it fail.
	pending, _ := conn.Value(ntlmConnKey).(*ntlmPending)
	for n := range len(auth) {
		c := &Conn{}
		c.SetValue(ntlmConnKey, pending)
		if out := a.Authenticate(ntlmRequest(t, encode("NTLM", auth[:n])), c); out.Verdict != AuthFailed {
			t.Errorf("AUTHENTICATE cut to %d of %d bytes: want AuthFailed, got %+v", n, len(auth), out)
		}
	}
	// Offsets and lengths pointing outside the message.
	for _, at := range []int{20, 28, 36} {
		bad := bytes.Clone(auth)
		binary.LittleEndian.PutUint32(bad[at+4:], 0xFFFFFFF0)
		c := &Conn{}
		c.SetValue(ntlmConnKey, pending)
		if out := a.Authenticate(ntlmRequest(t, encode("NTLM", bad)), c); out.Verdict != AuthFailed {
			t.Errorf("field at %d out of bounds: want AuthFailed, got %+v", at, out)
		}
	}
	if out := a.Authenticate(ntlmRequest(t, encode("NTLM", auth)), conn); out.Verdict != AuthOK {
		t.Fatalf("the untouched message after all that: want AuthOK, got %+v", out)
	}
}

func TestNTLMAuthenticator_leavesOtherSchemes(t *testing.T) {
	a := NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain)
	for _, authz := range []string{"Basic c3ZjOnB3", "Bearer t0ken", "Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag", "Negotiate !!!"} {
		if out := a.Authenticate(ntlmRequest(t, authz), &Conn{}); out.Verdict != AuthNotMine {
			t.Errorf("%q: want AuthNotMine, got %+v", authz, out)
		}
	}
	if got := a.Challenge(); got != "NTLM" {
		t.Errorf("Challenge: want NTLM, got %q", got)
	}
}

// TestNTLMAuthenticator_overHTTP runs the handshake against the server:
// 401 offering NTLM, 401 with the CHALLENGE, 200, then 200 without
// credentials on the authenticated connection, and 401 on a new one.
func TestNTLMAuthenticator_overHTTP(t *testing.T) {
	f := newFixture(t, Options{Auth: []Authenticator{NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain)}}, ExampleRequest())
	path := mimcm.DefaultBasePath + "/requests/" + string(ExampleRequestID)
	call := func(c *http.Client, authz string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, f.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	if resp := call(client, ""); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "NTLM" {
		t.Fatalf("no credentials: want 401 offering NTLM, got %d %q", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
	resp := call(client, encode("NTLM", negotiateMessage(t)))
	challenge := challengeFrom(t, AuthOutcome{Verdict: AuthContinue, Header: resp.Header.Get("WWW-Authenticate")}, "NTLM")
	auth, err := ntlmssp.NewAuthenticateMessage(challenge, `CONTOSO\svc-terraform`, ntlmTestPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp := call(client, encode("NTLM", auth)); resp.StatusCode != 200 {
		t.Fatalf("AUTHENTICATE: want 200, got %d", resp.StatusCode)
	}
	if resp := call(client, ""); resp.StatusCode != 200 {
		t.Fatalf("the authenticated connection: want 200 without credentials, got %d", resp.StatusCode)
	}
	other := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	if resp := call(other, ""); resp.StatusCode != 401 {
		t.Fatalf("another connection: want 401, got %d", resp.StatusCode)
	}
	if got, conns := f.Handshakes(), f.Connections(); got != 1 || conns != 2 {
		t.Errorf("want 1 handshake on 2 connections, got %d on %d", got, conns)
	}
}

// FuzzNTLMAuthenticator_messages checks that no message, on a challenged
// connection or not, panics the verifier or gets through.
func FuzzNTLMAuthenticator_messages(f *testing.F) {
	neg, _ := ntlmssp.NewNegotiateMessage("", "")
	f.Add(neg, false)
	f.Add([]byte("NTLMSSP\x00\x03\x00\x00\x00"), true)
	f.Add(append([]byte("NTLMSSP\x00\x03\x00\x00\x00"), make([]byte, 80)...), true)
	a := NTLMAuthenticator(ntlmTestUser, ntlmTestPassword, ntlmTestDomain)
	f.Fuzz(func(t *testing.T, msg []byte, challenged bool) {
		conn := &Conn{}
		if challenged {
			a.Authenticate(ntlmRequest(t, encode("NTLM", neg)), conn)
		}
		if out := a.Authenticate(ntlmRequest(t, encode("NTLM", msg)), conn); out.Verdict == AuthOK {
			t.Fatalf("a fuzzed message authenticated: %x", msg)
		}
	})
}
