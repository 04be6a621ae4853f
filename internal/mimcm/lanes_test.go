package mimcm

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"slices"
	"testing"
)

// Lanes are HTTP/1.1-only transports of one connection per host, made
// with the TLS settings of the transport they come from, as many as its
// idle connections per host; a transport that cannot make them gives none.
func TestLanesOf(t *testing.T) {
	roots := x509.NewCertPool()
	base := func() *http.Transport {
		return &http.Transport{
			TLSClientConfig:     &tls.Config{RootCAs: roots, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12},
			MaxIdleConnsPerHost: 7,
			MaxConnsPerHost:     10,
		}
	}
	fallback, err := newHTTP1Fallback(base(), discardLogger{})
	if err != nil {
		t.Fatal(err)
	}
	for name, rt := range map[string]http.RoundTripper{"the HTTP/2 fallback": fallback, "an *http.Transport": base()} {
		t.Run(name, func(t *testing.T) {
			l := lanesOf(rt)
			if l == nil {
				t.Fatal("no lanes")
			}
			if l.count != 7 {
				t.Errorf("count = %d, want the 7 idle connections per host", l.count)
			}
			a, b := l.lane(), l.lane()
			if a == b {
				t.Error("two lanes share a transport")
			}
			if a.MaxConnsPerHost != 1 || a.MaxIdleConnsPerHost != 1 {
				t.Errorf("a lane keeps %d connections (%d idle), want 1", a.MaxConnsPerHost, a.MaxIdleConnsPerHost)
			}
			if a.ForceAttemptHTTP2 || a.Protocols == nil || a.Protocols.HTTP2() || !a.Protocols.HTTP1() {
				t.Errorf("a lane may speak HTTP/2: ForceAttemptHTTP2 %v, Protocols %v", a.ForceAttemptHTTP2, a.Protocols)
			}
			if a.TLSClientConfig == nil || a.TLSClientConfig.RootCAs != roots || slices.Contains(a.TLSClientConfig.NextProtos, "h2") {
				t.Errorf("a lane's TLS settings are not the pool's without h2: %+v", a.TLSClientConfig)
			}
		})
	}
	if l := lanesOf(roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil })); l != nil {
		t.Errorf("a round tripper that is neither gave lanes: %+v", l)
	}
}
