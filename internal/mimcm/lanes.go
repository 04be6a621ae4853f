package mimcm

import "net/http"

// NTLM authenticates a TCP connection, not a request, and never an HTTP/2 one (IIS refuses it),
// so it needs transports of its own: lanes of HTTP/1.1 with one connection per host.

// http1LaneSource hands out lanes with its own TLS, proxy and timeout settings, so that an
// authenticator need not know how the transport it wraps is built.
type http1LaneSource interface {
	http1Lanes() *lanes
}

// lanes makes one-connection HTTP/1.1 transports from a template.
type lanes struct {
	template *http.Transport
	count    int // as many as the pool's idle connections per host
}

// newLanes clones base once, so that base's later use cannot change what lanes get.
func newLanes(base *http.Transport) *lanes {
	t := http1Only(base)
	t.MaxConnsPerHost = 1
	t.MaxIdleConnsPerHost = 1
	count := defaultIdleConnsPerHost
	if base.MaxIdleConnsPerHost > 0 {
		count = base.MaxIdleConnsPerHost
	}
	return &lanes{template: t, count: count}
}

// lane returns a new transport of one HTTP/1.1 connection per host.
func (l *lanes) lane() *http.Transport { return l.template.Clone() }

// lanesOf is the lanes rt hands out, or nil when it cannot.
func lanesOf(rt http.RoundTripper) *lanes {
	switch t := rt.(type) {
	case http1LaneSource:
		return t.http1Lanes()
	case *http.Transport:
		return newLanes(t)
	}
	return nil
}
