package mockapi

import (
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
)

// http2IdleTimeout is how long IIS keeps an idle connection.
const http2IdleTimeout = 2 * time.Minute

// ConfigureTLS makes srv, whose listener uses tc, serve HTTP/2 or HTTP/1.1
// as IIS does, and refuse every HTTP/2 request with HTTP_1_1_REQUIRED when
// the mock demands NTLM or Negotiate, which IIS cannot do over HTTP/2. Call
// it before srv starts; it sets tc.NextProtos when they are unset.
func (s *Server) ConfigureTLS(srv *http.Server, tc *tls.Config) {
	if tc.NextProtos == nil {
		tc.NextProtos = []string{"h2", "http/1.1"}
	}
	if s.windowsAuth() {
		r := &http2Refuser{conns: map[*tls.Conn]struct{}{}}
		srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){"h2": r.serve}
		srv.RegisterOnShutdown(r.shutdown)
	}
}

func (s *Server) windowsAuth() bool {
	for _, a := range s.auth {
		scheme, _, _ := strings.Cut(a.Challenge(), " ")
		if strings.EqualFold(scheme, "NTLM") || strings.EqualFold(scheme, "Negotiate") {
			return true
		}
	}
	return false
}

// http2Refuser refuses HTTP/2. http.Server.Shutdown waits for, but does not
// close, the connections it hands to TLSNextProto: shutdown closes them.
type http2Refuser struct {
	mu     sync.Mutex
	conns  map[*tls.Conn]struct{}
	closed bool
}

// shutdown closes the connections being refused, and any that come later.
func (r *http2Refuser) shutdown() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for c := range r.conns {
		_ = c.Close()
	}
}

// serve speaks just enough HTTP/2 to reset every stream with HTTP_1_1_REQUIRED.
func (r *http2Refuser) serve(_ *http.Server, conn *tls.Conn, _ http.Handler) {
	defer conn.Close()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.conns[conn] = struct{}{}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.conns, conn)
		r.mu.Unlock()
	}()

	_ = conn.SetReadDeadline(time.Now().Add(http2IdleTimeout))
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(conn, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(conn, conn)
	if err := fr.WriteSettings(); err != nil {
		return
	}
	for {
		_ = conn.SetReadDeadline(time.Now().Add(http2IdleTimeout))
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				err = fr.WriteSettingsAck()
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				err = fr.WritePing(true, f.Data)
			}
		case *http2.HeadersFrame:
			err = fr.WriteRSTStream(f.StreamID, http2.ErrCodeHTTP11Required)
		}
		if err != nil {
			return
		}
	}
}
