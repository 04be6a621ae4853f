package mimcm

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultRetryWindow bounds one call with its retries and waits, unless the operation's deadline is nearer.
const DefaultRetryWindow = 2 * time.Minute

// The retry policy of call: a call ends by its retry window or the operation's deadline, failing
// at once rather than start a wait that would end beyond it. 429, 502, 503 and 504 are retried
// within the window, so that a throttling storm is outlasted rather than counted; no answer or a
// cut one is retried MaxRetries times, a 500 once. A write of unknown outcome is never resent
// blind: settle reads the request first.

type apiCall struct {
	method string
	path   string // under the base path
	query  url.Values
	body   []byte
	id     GUID
	// settle, for a write, reads the request after an attempt of unknown outcome.
	settle func(ctx context.Context) settled
	// decode, when set, takes a 2xx answer as it arrives instead of its
	// bytes: for lists far longer than what is kept of them. An attempt
	// calls it afresh; an *undecodableError it returns ends the call with
	// the answer, any other error is an error of reading the answer.
	decode func(io.Reader) error
}

type settlement int

const (
	settleFailed settlement = iota // the read failed or shows the write can never succeed
	settleDone                     // the request already is as the write wanted
	settleResend                   // the request still needs the write
)

// settled is what a settling read found.
type settled struct {
	how     settlement
	request *Request // settleDone: the request as the write left it
	// kind and cause, when set, are what settleFailed found: the call's
	// error takes kind in place of the write's own, and adds cause to its.
	kind  error
	cause error
}

// result is a 2xx answer read in full (or handed to apiCall.decode), or the request as a settling
// read found it.
type result struct {
	method, path string
	id           GUID
	status       int
	header       http.Header
	body         []byte
	undecodable  error // what apiCall.decode found wrong with the answer
	attempts     int
	settled      *Request
	release      func() // call once the body is no longer needed
}

type exchange struct {
	status      int // 0 when no answer came
	header      http.Header
	url         *url.URL // the URL that answered, after any redirects
	body        []byte
	undecodable error // the answer arrived whole, and apiCall.decode refused it
	free        func()
	err         error // no answer, or its body could not be read
	sent        bool  // the request began to be written (see SendRecord): the server may have acted on it
}

type failure int

const (
	failFinal     failure = iota // retrying cannot help
	failThrottled                // 429, 503: refused before acting, retried within the window
	failGateway                  // 502, 504: retried within the window; a write's outcome is unknown
	failServer                   // 500: retried once; a write's outcome is unknown
	failTransport                // no answer or a cut one: retried MaxRetries times; a write's outcome is unknown unless nothing was sent
)

func (c *Client) call(ctx context.Context, ac apiCall) (*result, error) {
	start := c.clock.Now()
	deadline := start.Add(c.cfg.RetryWindow)
	callCtx, cancel := context.WithDeadline(ctx, deadline)
	if d, ok := ctx.Deadline(); ok && !d.After(deadline) {
		// A timer of the call's own for the same moment could fire first and blame the window.
		cancel()
		deadline = d
		callCtx, cancel = context.WithCancel(ctx)
	}
	defer cancel()

	res := &result{method: ac.method, path: c.cfg.BasePath + ac.path, id: ac.id, release: func() {}}
	var (
		attempts, failures, serverErrors int
		maybeApplied                     bool // an attempt of this write may have been applied
		unsettled                        bool // and no settling read has followed it yet
		sent                             bool // an attempt began to send its request
		last                             exchange
	)
	// note says why the retries stopped early, when they did.
	fail := func(note string) *APIError {
		e := c.failure(ctx, callCtx, ac, res, last, attempts, sent)
		e.RetryStop = note
		e.unsettled = unsettled
		return e
	}
	stop := func(note string) (*result, error) { return nil, fail(note) }
	for {
		if wait := c.pace.reserve(c.clock.Now()); wait > 0 {
			if left := deadline.Sub(c.clock.Now()); wait > left {
				c.pace.unreserve()
				if attempts == 0 {
					return nil, res.fail(ErrTransport, fmt.Errorf("the server has been throttling the provider's calls, which the provider paces to let it recover, and the next turn (in %s) comes after this call's deadline (in %s)", wait.Round(time.Millisecond), left.Round(time.Millisecond)))
				}
				return stop(fmt.Sprintf("the server has been throttling, and the pace the provider keeps for all its calls puts the next attempt %s away, beyond the %s left of this call's time (%s)",
					wait.Round(time.Millisecond), max(left, 0).Round(time.Millisecond), c.timeNote()))
			}
			if err := c.clock.Sleep(callCtx, wait); err != nil {
				if attempts == 0 {
					return nil, res.fail(ErrNotSent, transportCause(ctx, callCtx, c.cfg.RetryWindow, err))
				}
				last = exchange{err: err}
				return stop("")
			}
		}
		attempts++
		last = c.attempt(callCtx, ac, attempts)
		sent = sent || last.sent
		how, unknown := classify(ac.method, last)
		unsettled = unsettled || (unknown && ac.settle != nil)
		c.paced(ctx, last)
		if how == failFinal && last.err == nil && kindOf(last.status) == nil {
			res.status, res.header, res.body, res.attempts, res.release = last.status, last.header, last.body, attempts, last.free
			res.undecodable = last.undecodable
			return res, nil
		}
		last.free() // the bytes stay valid: free gives back the large-answer slot
		if callCtx.Err() != nil {
			return stop(c.outOfTime(ctx, callCtx, last))
		}
		if ac.settle != nil && (unknown || maybeApplied) {
			maybeApplied, unsettled = true, false
			s := ac.settle(callCtx)
			switch s.how {
			case settleDone:
				res.settled, res.attempts = s.request, attempts
				return res, nil
			case settleFailed:
				return nil, fail(c.outOfTime(ctx, callCtx, last)).settledBy(s)
			}
		}
		switch {
		case how == failFinal, c.cfg.MaxRetries == 0:
			return stop("")
		case how == failServer:
			if serverErrors++; serverErrors > 1 {
				return stop("")
			}
		case how == failTransport:
			if failures++; failures > c.cfg.MaxRetries {
				return stop("")
			}
		}
		wait := backoff(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, attempts-1, last.header, c.clock.Now())
		if left := deadline.Sub(c.clock.Now()); wait > left {
			what := fmt.Sprintf("the next wait (%s of backoff)", wait.Round(time.Millisecond))
			if _, ok := parseRetryAfter(last.header.Get("Retry-After"), c.clock.Now()); ok {
				what = fmt.Sprintf("the server asked to wait %s (Retry-After: %s)", wait.Round(time.Second), clean(last.header.Get("Retry-After"), 40))
			}
			return stop(fmt.Sprintf("%s, longer than the %s left of this call's time (%s)", what, max(left, 0).Round(time.Millisecond), c.timeNote()))
		}
		c.logger.Debug(ctx, "Waiting before the next attempt", map[string]any{
			"method": ac.method, "path": res.path, "attempt": attempts, "wait_ms": wait.Milliseconds(),
		})
		if err := c.clock.Sleep(callCtx, wait); err != nil {
			last = exchange{err: err}
			return stop("")
		}
	}
}

// settledBy gives e what the settling read that ended the call found.
func (e *APIError) settledBy(s settled) *APIError {
	if s.kind != nil {
		e.Kind = s.kind
	}
	if s.cause != nil {
		e.Err = addCause(e.Err, s.cause)
	}
	return e
}

// addCause adds a second cause to an error's, keeping both for errors.Is and errors.As.
func addCause(err, more error) error {
	if err == nil {
		return more
	}
	return fmt.Errorf("%w; %w", err, more)
}

// outOfTime says that the call's own time ran out, when it did and the operation's has not, after
// an answer: the answer alone would not say why retrying stopped. An attempt the deadline cut off
// already says so in its cause.
func (c *Client) outOfTime(opCtx, callCtx context.Context, last exchange) string {
	if last.err != nil || opCtx.Err() != nil || !errors.Is(callCtx.Err(), context.DeadlineExceeded) {
		return ""
	}
	return "this call's time ran out (" + c.timeNote() + ")"
}

func (c *Client) timeNote() string {
	return fmt.Sprintf("each call has %s, its retries included, or less when the operation's timeout is nearer", c.cfg.RetryWindow)
}

func (c *Client) attempt(ctx context.Context, ac apiCall, n int) exchange {
	target := c.baseURL + ac.path
	if len(ac.query) > 0 {
		target += "?" + ac.query.Encode()
	}
	var body io.Reader
	if ac.body != nil {
		body = bytes.NewReader(ac.body) // sets GetBody, which authentication handshakes need
	}
	none := func() {}
	var sent atomic.Bool
	record, _ := ctx.Value(sendRecordKey{}).(*SendRecord)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() {
		sent.Store(true)
		if record != nil {
			record.sent.Store(true)
		}
	}})
	req, err := http.NewRequestWithContext(ctx, ac.method, target, body)
	if err != nil {
		return exchange{err: err, free: none}
	}
	for k, v := range c.cfg.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	if ac.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.logger.Debug(ctx, "Calling the MIM CM API", map[string]any{"method": ac.method, "path": req.URL.Path, "attempt": n})
	resp, err := c.http.Do(req)
	if err != nil {
		return exchange{err: err, free: none, sent: sent.Load()}
	}
	defer resp.Body.Close()
	c.logger.Debug(ctx, "MIM CM API answered", map[string]any{"method": ac.method, "path": req.URL.Path, "status": resp.StatusCode})
	x := exchange{status: resp.StatusCode, header: resp.Header, url: resp.Request.URL, sent: true}
	limit, cut := maxBodyBytes, false
	if kindOf(resp.StatusCode) != nil {
		limit, cut = maxErrorBodyBytes, true
	} else if ac.decode != nil {
		x.free, x.err = c.answers.stream(ctx, resp.Body, resp.ContentLength, limit, ac.decode)
		if bad := (*undecodableError)(nil); errors.As(x.err, &bad) {
			x.undecodable, x.err = bad.err, nil
		}
		return x
	}
	x.body, x.free, x.err = c.answers.read(ctx, resp.Body, resp.ContentLength, limit, cut)
	return x
}

// classify says how an attempt failed, and whether a write may have been applied by it.
func classify(method string, x exchange) (how failure, unknown bool) {
	write := method != http.MethodGet
	switch {
	case errors.Is(x.err, errAnswerTooLarge):
		return failFinal, false
	case x.err != nil && x.status != 0: // the answer was cut off
		return failTransport, write
	case x.err != nil:
		if !retryableError(x.err) {
			return failFinal, false
		}
		return failTransport, write && !nothingSent(x.err)
	}
	switch x.status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return failThrottled, false
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return failGateway, write
	case http.StatusInternalServerError:
		return failServer, write
	}
	return failFinal, false
}

// retryableError reports whether an attempt that got no answer is worth another: retrying a refused
// login can lock the account, and an untrusted certificate or another origin fail every time.
func retryableError(err error) bool {
	var (
		unknownCA   x509.UnknownAuthorityError
		hostname    x509.HostnameError
		invalid     x509.CertificateInvalidError
		verify      *tls.CertificateVerificationError
		recordError tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, ErrUnauthorized), errors.Is(err, errOtherOrigin), errors.Is(err, errBodyNotReplayable),
		errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify),
		errors.As(err, &recordError): // http to an https port, or the other way round
		return false
	}
	msg := err.Error()
	return !strings.Contains(msg, "unsupported protocol scheme") && !strings.Contains(msg, "invalid header") &&
		!strings.Contains(msg, "certificate is not trusted")
}

// nothingSent reports whether the connection could not even be made, so no byte reached the server.
func nothingSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// SendRecord records whether any call made under a context may have reached the server: whether
// one of its attempts began to write its request. A call stopped before that — while it waited for
// a connection, for a place under MaxConcurrentRequests or for its turn while the server throttles
// — sent nothing, and the server did nothing for it.
type SendRecord struct{ sent atomic.Bool }

type sendRecordKey struct{}

// RecordSending returns a context whose calls, and those of every context derived from it, note in
// the returned record whether they may have reached the server.
func RecordSending(ctx context.Context) (context.Context, *SendRecord) {
	r := &SendRecord{}
	return context.WithValue(ctx, sendRecordKey{}, r), r
}

// Sent reports whether a call made under the record's context may have reached the server.
func (r *SendRecord) Sent() bool { return r.sent.Load() }

func (c *Client) paced(ctx context.Context, x exchange) {
	now := c.clock.Now()
	switch {
	case x.status == http.StatusTooManyRequests, x.status == http.StatusServiceUnavailable,
		x.status == http.StatusBadGateway, x.status == http.StatusGatewayTimeout:
		if rate, cut := c.pace.throttled(now); cut {
			c.logger.Debug(ctx, "The server is throttling: pacing every call of the provider", map[string]any{
				"status": x.status, "calls_per_second": fmt.Sprintf("%.1f", rate),
			})
		}
	case x.status != 0:
		c.pace.succeeded(now)
	}
}

// failure is the error of a call that failed after attempts, the last of which was x; sent says
// whether any of them began to send its request.
func (c *Client) failure(opCtx, callCtx context.Context, ac apiCall, res *result, x exchange, attempts int, sent bool) *APIError {
	res.attempts, res.status, res.header = attempts, x.status, x.header
	switch {
	case x.err != nil && !sent && callCtx.Err() != nil: // stopped before anything was sent
		return res.fail(ErrNotSent, transportCause(opCtx, callCtx, c.cfg.RetryWindow, x.err))
	case errors.Is(x.err, errAnswerTooLarge):
		return res.fail(ErrUndecodable, x.err)
	case errors.Is(x.err, errOtherOrigin):
		return res.fail(ErrRedirected, x.err)
	case x.err != nil && errors.Is(x.err, ErrUnauthorized): // the authenticator could not authenticate
		return res.fail(ErrUnauthorized, x.err)
	case x.err != nil && x.status != 0:
		return res.fail(ErrTransport, fmt.Errorf("reading the answer: %w", transportCause(opCtx, callCtx, c.cfg.RetryWindow, x.err)))
	case x.err != nil:
		return res.fail(ErrTransport, transportCause(opCtx, callCtx, c.cfg.RetryWindow, x.err))
	}
	kind := kindOf(x.status)
	var cause error
	if kind == ErrRedirected {
		cause = c.redirectCause(ac.method, x)
	}
	e := res.fail(kind, cause)
	e.Message, e.CorrelationID = parseErrorBody(x.header, x.body)
	return e
}

func (c *Client) redirectCause(method string, x exchange) error {
	loc := x.header.Get("Location")
	if loc == "" {
		return errors.New("the answer is a redirect without a Location")
	}
	to, err := x.url.Parse(loc)
	if err != nil {
		return fmt.Errorf("the answer is a redirect to %q, which is not a URL", clean(loc, 200))
	}
	shown := describeURL(to)
	origin, _ := url.Parse(c.cfg.Host)
	switch {
	case method != http.MethodGet:
		return fmt.Errorf("the server redirected the %s to %s; a change is never sent on after a redirect, so the status was NOT sent", method, shown)
	case !sameOrigin(to, origin):
		return fmt.Errorf("the server redirected the call to %s, outside the configured host %s; the client sends nothing — credentials least of all — anywhere but the configured host, so it did not follow", shown, c.cfg.Host)
	}
	return fmt.Errorf("the server redirected the call to %s after %d redirects already; the client follows at most %d", shown, maxRedirects, maxRedirects)
}

// transportCause says whose deadline or cancellation ended the call: the operation's or the window's.
func transportCause(opCtx, callCtx context.Context, window time.Duration, err error) error {
	switch {
	case errors.Is(opCtx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("the operation's time ran out: %w", err)
	case errors.Is(opCtx.Err(), context.Canceled):
		return fmt.Errorf("the operation was interrupted: %w", err)
	case errors.Is(callCtx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("the call's retry window of %s ran out: %w", window, err)
	}
	return err
}

// clock is what the retry loop and the pacer go by, so that tests run in no time.
type clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
