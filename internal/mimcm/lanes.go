package mimcm

import "net/http"

// http1LaneSource hands out lanes, HTTP/1.1 transports of one connection each with its own settings:
// NTLM authenticates a connection, not a request, and never an HTTP/2 one (IIS refuses it).
type http1LaneSource interface {
	http1Lanes() *lanes
}

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

func (l *lanes) lane() *http.Transport { return l.template.Clone() }

func lanesOf(rt http.RoundTripper) *lanes {
	switch t := rt.(type) {
	case http1LaneSource:
		return t.http1Lanes()
	case *http.Transport:
		return newLanes(t)
	}
	return nil
}
