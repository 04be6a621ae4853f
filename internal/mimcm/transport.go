package mimcm

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Defaults of the retry and polling waits.
const (
	defaultRetryWaitMin = 1 * time.Second
	defaultRetryWaitMax = 30 * time.Second
	// maxRetryAfter caps how long a Retry-After header may make the client
	// wait when the operation has no deadline of its own.
	maxRetryAfter = 5 * time.Minute
	// defaultIdleConnsPerHost keeps a connection for each of Terraform's
	// ten parallel operations, with room to spare.
	defaultIdleConnsPerHost = 16
)

// newHTTPClient builds the transport: a pooled, keep-alive transport with
// the proxy from the environment and the configured TLS settings, HTTP/2
// where the server takes it (protocol.go), wrapped by the authenticator,
// with a cookie jar for the session cookies some IIS authentication setups
// hand out.
func newHTTPClient(cfg Config, logger Logger) (*http.Client, error) {
	tlsConfig, err := newTLSConfig(cfg)
	if err != nil {
		return nil, err
	}
	transport := cleanhttp.DefaultPooledTransport() // Proxy: http.ProxyFromEnvironment
	transport.TLSClientConfig = tlsConfig
	// A call let through by the concurrency limit while every connection is
	// busy waits for one rather than dialling another, which the call
	// finishing as it dials would make needless: at most
	// MaxConcurrentRequests connections, however many calls arrive at once.
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
	return &http.Client{
		Transport: bufferingTransport{next: newLimitTransport(cfg.MaxConcurrentRequests, cfg.Auth.Wrap(base))},
		Jar:       jar,
		Timeout:   cfg.RequestTimeout,
	}, nil
}

// newTLSConfig trusts the system's CAs plus CACertPEM, and presents the
// client certificate when one is configured.
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

// newRetryClient wraps hc with the retry policy: connection errors, 429,
// 502, 503 and 504 are retried up to MaxRetries times with capped
// exponential backoff and jitter, honouring Retry-After; a 500 is retried
// at most once, since the server reports its own exceptions that way.
func newRetryClient(cfg Config, hc *http.Client, logger Logger) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // we log through Logger, with fields and without URLs' secrets
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		// Attempts are counted by checkRetry, which knows the per-call
		// limits; this is only a backstop.
		RetryMax:   cfg.MaxRetries + 1,
		CheckRetry: checkRetry,
		Backoff:    backoff,
		// Hand the last answer back, so that the caller can show the
		// server's message, instead of a bare "giving up".
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, r *http.Request, retry int) {
			logger.Debug(r.Context(), "Calling the MIM CM API", map[string]any{
				"method": r.Method, "path": r.URL.Path, "attempt": retry + 1,
			})
		},
		ResponseLogHook: func(_ retryablehttp.Logger, resp *http.Response) {
			logger.Debug(resp.Request.Context(), "MIM CM API answered", map[string]any{
				"method": resp.Request.Method, "path": resp.Request.URL.Path, "status": resp.StatusCode,
			})
		},
	}
}

// callState follows one call across its attempts. It travels in the
// request's context because retryablehttp's hooks see nothing else.
type callState struct {
	maxRetries   int
	attempts     int
	serverErrors int
	// body is the latest attempt's answer as bufferingTransport read it,
	// so that the caller takes it as it is instead of copying it out of
	// the response body once more (a list can be 15 MB).
	body []byte
}

type callStateKey struct{}

func withCallState(ctx context.Context, maxRetries int) (context.Context, *callState) {
	st := &callState{maxRetries: maxRetries}
	return context.WithValue(ctx, callStateKey{}, st), st
}

// checkRetry decides after each attempt whether to send the call again. It
// stops (returning the last answer to the caller) when retries are used
// up, when the answer is final, or when a Retry-After would outlast the
// operation's deadline.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st, _ := ctx.Value(callStateKey{}).(*callState)
	if st == nil {
		st = &callState{}
	}
	st.attempts++
	if !retryable(ctx, resp, err, st) || st.attempts > st.maxRetries {
		return false, nil
	}
	if wait, ok := retryAfter(resp); ok {
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			return false, nil
		}
	}
	return true, nil
}

// retryable reports whether an attempt's outcome is worth another try.
func retryable(ctx context.Context, resp *http.Response, err error, st *callState) bool {
	if err != nil {
		// An authenticator that could not authenticate (a Kerberos login
		// refused) fails the same way every time: retrying only delays the
		// error, and repeated wrong passwords can lock the account.
		if errors.Is(err, ErrUnauthorized) {
			return false
		}
		// Connection errors are retried; certificate, scheme and redirect
		// errors are not, as retryablehttp's default policy knows.
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		return retry
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusInternalServerError:
		st.serverErrors++
		return st.serverErrors == 1
	}
	return false
}

// backoff waits as the server asks with Retry-After, otherwise
// exponentially from min to max with jitter, so that parallel calls that
// failed together do not come back together.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if wait, ok := retryAfter(resp); ok {
		return wait
	}
	return jittered(minWait, maxWait, attempt)
}

// jittered returns a wait between half and all of min·2^attempt, capped at
// max.
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

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	return parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
}

// parseRetryAfter parses a Retry-After value relative to now: whole
// seconds, or an HTTP date (a date in the past means "now"). Waits are
// capped at maxRetryAfter.
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

// limitTransport lets at most cap(slots) requests be in flight at once. A
// request holds its slot from sending until its answer's body is closed;
// waiting for a slot ends with the request's context.
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

// bufferingTransport reads each answer's body in full before it hands the
// answer on. A body cut short — the connection lost in the middle of the
// answer, or a proxy closing it before Content-Length bytes came — then
// fails the attempt as a connection error does, and the retry policy sends
// the call again; read later, after the retries, it would fail the whole
// call. Bodies are read up to maxBodyBytes+1 bytes, so that the caller
// can tell an oversized answer from one that fits.
type bufferingTransport struct {
	next http.RoundTripper
}

func (t bufferingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st, _ := req.Context().Value(callStateKey{}).(*callState)
	if st != nil {
		st.body = nil
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= maxBodyBytes {
		buf.Grow(int(n) + bytes.MinRead) // one allocation when the length is announced
	}
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, maxBodyBytes+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if st != nil {
		st.body = buf.Bytes()
	}
	resp.Body = io.NopCloser(&buf)
	resp.ContentLength = int64(buf.Len())
	return resp, nil
}
