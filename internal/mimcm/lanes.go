package mimcm

import "net/http"

// HTTP/1.1 lanes for handshakes that authenticate a connection.
//
// NTLM authenticates a TCP connection, not a request, and cannot
// authenticate an HTTP/2 connection at all (IIS refuses it with
// HTTP_1_1_REQUIRED). Such an authenticator needs transports of its own:
// each speaks HTTP/1.1 only and keeps at most one connection per host.
// The transport it wraps hands them out through http1LaneSource, so that
// the authenticator need not know how that transport is built.

// http1LaneSource is a transport that can hand out HTTP/1.1 lanes with
// its own TLS, proxy and timeout settings. The client's HTTP/2 fallback is
// one; a plain *http.Transport is turned into one by lanesOf.
type http1LaneSource interface {
	http1Lanes() *lanes
}

// lanes makes one-connection HTTP/1.1 transports from a template.
type lanes struct {
	template *http.Transport
	// count is how many lanes the pool's size allows: its idle
	// connections per host.
	count int
}

// newLanes clones base once into the lanes' template, so that base's
// later use cannot change what lanes get.
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
