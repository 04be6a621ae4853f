package mimcm

import (
	"crypto/tls"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
)

// IIS refuses HTTP/2 for every request it would authenticate with NTLM or Negotiate (and client
// certificates asked for after the handshake): it resets the stream with HTTP_1_1_REQUIRED (RFC
// 9113, section 7) for the client to retry over HTTP/1.1, as browsers and curl do but net/http not.

// http2ReadIdleTimeout pings a silent HTTP/2 connection, so that one a firewall dropped fails fast.
const http2ReadIdleTimeout = 30 * time.Second

// http1Fallback sends a host's requests over HTTP/1.1 once it refused HTTP/2. The first call to an
// https host goes alone: until a TLS handshake says whether the host speaks HTTP/2, net/http dials
// a connection for every waiting call and then closes all but one.
type http1Fallback struct {
	h2, http1 *http.Transport
	logger    Logger
	hosts     sync.Map // host → *hostProtocol
}

type hostProtocol struct {
	answered chan struct{} // closed when the first call to the host has its answer
	http1    atomic.Bool   // the host refused HTTP/2
}

func newHTTP1Fallback(t *http.Transport, logger Logger) (*http1Fallback, error) {
	// Before any Clone: cloning enables net/http's own HTTP/2 on t, and
	// x/net's can then no longer be, the one whose errors can be told apart.
	t2, err := http2.ConfigureTransports(t)
	if err != nil {
		return nil, err
	}
	t2.ReadIdleTimeout = http2ReadIdleTimeout
	return &http1Fallback{h2: t, http1: http1Only(t), logger: logger}, nil
}

func (t *http1Fallback) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" {
		return t.h2.RoundTrip(req) // HTTP/1.1: HTTP/2 is offered only over TLS
	}
	fresh := &hostProtocol{answered: make(chan struct{})}
	v, known := t.hosts.LoadOrStore(req.URL.Host, fresh)
	host := v.(*hostProtocol) //nolint:forcetypeassert // only RoundTrip stores
	if known {
		select {
		case <-host.answered:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	if host.http1.Load() {
		return t.http1.RoundTrip(req)
	}
	resp, err := t.h2.RoundTrip(req)
	refused := err != nil && http11Required(err)
	if refused && host.http1.CompareAndSwap(false, true) {
		t.logger.Debug(req.Context(), "The server refused HTTP/2 (HTTP_1_1_REQUIRED), as IIS does for Windows authentication; using HTTP/1.1 with it from now on",
			map[string]any{"host": req.URL.Host})
		t.h2.CloseIdleConnections()
	}
	if !known {
		close(host.answered)
	}
	if !refused {
		return resp, err
	}
	// The stream was refused before the server took the request: sending it again repeats nothing.
	retry, rerr := rewound(req)
	if rerr != nil {
		return nil, err
	}
	return t.http1.RoundTrip(retry)
}

func http11Required(err error) bool {
	var streamErr http2.StreamError
	if errors.As(err, &streamErr) {
		return streamErr.Code == http2.ErrCodeHTTP11Required
	}
	var goAway http2.GoAwayError
	return errors.As(err, &goAway) && goAway.ErrCode == http2.ErrCodeHTTP11Required
}

func http1Only(t *http.Transport) *http.Transport {
	c := t.Clone()
	c.ForceAttemptHTTP2 = false
	c.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{} // no "h2"
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	c.Protocols = &protocols
	if c.TLSClientConfig != nil { // Clone shares the slice: delete from a copy
		c.TLSClientConfig.NextProtos = slices.DeleteFunc(slices.Clone(c.TLSClientConfig.NextProtos),
			func(p string) bool { return p == "h2" })
	}
	return c
}

func (t *http1Fallback) http1Lanes() *lanes { return newLanes(t.http1) }
