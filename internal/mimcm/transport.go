package mimcm

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

const (
	defaultRetryWaitMin = 1 * time.Second
	defaultRetryWaitMax = 30 * time.Second
	// maxRetryAfter caps the wait a Retry-After asks for when the operation has no deadline.
	maxRetryAfter = 5 * time.Minute
	// defaultIdleConnsPerHost keeps a connection for each of Terraform's ten parallel operations.
	defaultIdleConnsPerHost = 16
)

// newHTTPClient builds the transport; the jar keeps the session cookies of some IIS setups.
func newHTTPClient(cfg Config, logger Logger) (*http.Client, error) {
	tlsConfig, err := newTLSConfig(cfg)
	if err != nil {
		return nil, err
	}
	transport := cleanhttp.DefaultPooledTransport() // Proxy: http.ProxyFromEnvironment
	transport.TLSClientConfig = tlsConfig
	// A call waits for a busy connection rather than dial one that a freed connection makes needless.
	transport.MaxConnsPerHost = cfg.MaxConcurrentRequests
	transport.MaxIdleConnsPerHost = cfg.MaxIdleConnsPerHost
	transport.MaxIdleConns = 4 * cfg.MaxIdleConnsPerHost
	base, err := newHTTP1Fallback(transport, logger)
	if err != nil {
		return nil, err
	}

	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	origin, err := url.Parse(cfg.Host)
	if err != nil {
		return nil, fmt.Errorf("host: %w", err)
	}
	return &http.Client{
		Transport: originGuard{origin: origin, next: newLimitTransport(cfg.MaxConcurrentRequests, cfg.Auth.Wrap(base))},
		Jar:       jar,
		Timeout:   cfg.RequestTimeout,
		// Only GETs follow redirects, only within the origin: net/http's stripping of Authorization
		// never sees the credentials the transport adds, nor strips custom headers, and it turns a
		// redirected PUT into a GET.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if via[0].Method != http.MethodGet || len(via) > maxRedirects || !sameOrigin(req.URL, origin) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}, nil
}

// maxRedirects bounds the redirects a GET follows within the origin.
const maxRedirects = 5

func sameOrigin(u, origin *url.URL) bool {
	return strings.EqualFold(u.Scheme, origin.Scheme) && strings.EqualFold(u.Hostname(), origin.Hostname()) &&
		portOf(u) == portOf(origin)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

var errOtherOrigin = errors.New("refused to send a request to another origin than the configured host")

// originGuard refuses every request for another origin before any authenticator sees it, so that
// no credential, and no request at all, goes anywhere but the configured host.
type originGuard struct {
	origin *url.URL
	next   http.RoundTripper
}

func (g originGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if !sameOrigin(req.URL, g.origin) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%w %s: %s", errOtherOrigin, g.origin.Scheme+"://"+g.origin.Host, describeURL(req.URL))
	}
	return g.next.RoundTrip(req)
}

// describeURL shows a URL without userinfo, query or fragment, which may carry secrets.
func describeURL(u *url.URL) string {
	shown := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	s := shown.String()
	if u.RawQuery != "" {
		s += "?…"
	}
	return clean(s, 200)
}

func newTLSConfig(cfg Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify} //nolint:gosec // opt-in, warned about by the provider
	switch {
	case cfg.ClientCertPEM == "" && cfg.ClientKeyPEM == "":
	case cfg.ClientCertPEM == "" || cfg.ClientKeyPEM == "":
		return nil, errors.New("mutual TLS needs both client_cert_pem and client_key_pem")
	default:
		cert, err := tls.X509KeyPair([]byte(cfg.ClientCertPEM), []byte(cfg.ClientKeyPEM))
		if err != nil {
			return nil, fmt.Errorf("client_cert_pem and client_key_pem do not form a certificate and its private key: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if strings.TrimSpace(cfg.CACertPEM) == "" {
		return tc, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM([]byte(cfg.CACertPEM)) {
		return nil, errors.New("ca_cert_pem holds no PEM-encoded certificate: want one or more -----BEGIN CERTIFICATE----- blocks")
	}
	tc.RootCAs = pool
	return tc, nil
}

// backoff waits as Retry-After asks, else with jitter, so that calls that failed together spread out.
func backoff(minWait, maxWait time.Duration, attempt int, header http.Header, now time.Time) time.Duration {
	if wait, ok := parseRetryAfter(header.Get("Retry-After"), now); ok {
		return wait
	}
	return jittered(minWait, maxWait, attempt)
}

// jittered returns a wait between half and all of min·2^attempt, capped at max.
func jittered(minWait, maxWait time.Duration, attempt int) time.Duration {
	wait := maxWait
	if attempt < 30 {
		if w := minWait << attempt; w > 0 && w < maxWait {
			wait = w
		}
	}
	half := wait / 2
	if half <= 0 {
		return wait
	}
	return half + rand.N(half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// parseRetryAfter parses whole seconds or an HTTP date (a past one means now), capped at maxRetryAfter.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var wait time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		wait = time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		wait = max(at.Sub(now), 0)
	} else {
		return 0, false
	}
	return min(wait, maxRetryAfter), true
}

// limitTransport lets cap(slots) requests be in flight, each until its answer's body is closed.
type limitTransport struct {
	slots chan struct{}
	next  http.RoundTripper
}

func newLimitTransport(limit int, next http.RoundTripper) *limitTransport {
	return &limitTransport{slots: make(chan struct{}, limit), next: next}
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case t.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		<-t.slots
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: func() { <-t.slots }}
	return resp, nil
}
