package mimcm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// DefaultBasePath is the documented base path of the CM REST API.
const DefaultBasePath = "/CertificateManagement/api/v1.0"

// Defaults for Config fields left at their zero value.
const (
	DefaultRequestTimeout        = 60 * time.Second
	DefaultMaxRetries            = 4
	DefaultMaxConcurrentRequests = 8
)

// Logger receives the client's debug logs, which never hold headers, bodies or secrets.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client.
type Config struct {
	// Host is the API's scheme and host, with an optional port: "https://api.contoso.com".
	Host string
	// BasePath is the path of the API under Host; DefaultBasePath when empty.
	BasePath string
	// RequestTimeout bounds each attempt; DefaultRequestTimeout when zero.
	RequestTimeout time.Duration
	// MaxRetries bounds the retries after no answer or a cut-off one; busy answers are retried within
	// RetryWindow instead. Negative means DefaultMaxRetries, zero no retry at all.
	MaxRetries int
	// RetryWindow bounds each call with its retries and waits; DefaultRetryWindow when zero.
	RetryWindow time.Duration
	// RetryWaitMin and RetryWaitMax bound the backoff between retries, unless Retry-After says otherwise.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// InsecureSkipVerify turns off TLS certificate verification.
	InsecureSkipVerify bool
	// CACertPEM holds PEM-encoded CA certificates trusted besides the system pool.
	CACertPEM string
	// ClientCertPEM and ClientKeyPEM are the PEM certificate and key presented for mutual TLS.
	ClientCertPEM string
	ClientKeyPEM  string
	// Headers are added to every request.
	Headers map[string]string
	// Auth authenticates requests; nil means NoAuth.
	Auth Authenticator
	// UserAgent is sent as User-Agent; "terraform-provider-mimcm/dev" when empty.
	UserAgent string
	// Logger receives debug logs; nil discards them.
	Logger Logger
	// MaxConcurrentRequests caps the calls in flight across the Client; DefaultMaxConcurrentRequests when zero.
	MaxConcurrentRequests int
	// MaxIdleConnsPerHost sizes the keep-alive pool; MaxConcurrentRequests + 2 when zero.
	MaxIdleConnsPerHost int
	// PollIntervalMin and PollIntervalMax bound the backoff between WaitForStatus's reads.
	PollIntervalMin time.Duration
	PollIntervalMax time.Duration
}

const (
	defaultPollIntervalMin = 500 * time.Millisecond
	defaultPollIntervalMax = 15 * time.Second
)

// ListFilter narrows ListRequests. Empty fields are not sent.
type ListFilter struct {
	// Status is a status name, sent as ?status=.
	Status string
	// TargetUser is sent as ?targetuser=; the API supports only "current".
	TargetUser string
	// Keep, when set, is not sent: it sees each listed request as it is decoded, may trim it, and
	// keeps only those it returns true for, so that a caller who needs a few of a long list never
	// holds all of it. It may be called twice for one request.
	Keep func(*Request) bool
}

// Client calls the MIM CM requests API. It is safe for concurrent use.
type Client struct {
	cfg     Config
	baseURL string // host and base path, no trailing slash
	http    *http.Client
	logger  Logger
	pace    *pacer
	answers *answerReader
	clock   clock
	// policyRoute is the form of the workflow policy route that answered last.
	policyRoute atomic.Int32
}

// NewClient checks cfg, fills in its defaults and returns a client for it.
func NewClient(cfg Config) (*Client, error) {
	host, err := ParseHost(cfg.Host)
	if err != nil {
		return nil, fmt.Errorf("host: %w", err)
	}
	basePath, err := ParseBasePath(cfg.BasePath)
	if err != nil {
		return nil, fmt.Errorf("base_path: %w", err)
	}
	if err := CheckHeaders(cfg.Headers); err != nil {
		return nil, fmt.Errorf("headers: %w", err)
	}
	cfg.Host, cfg.BasePath = host, basePath
	cfg.applyDefaults()

	logger := cfg.Logger
	if logger == nil {
		logger = discardLogger{}
	}
	hc, err := newHTTPClient(cfg, logger)
	if err != nil {
		return nil, err
	}
	return &Client{
		cfg:     cfg,
		baseURL: host + basePath,
		http:    hc,
		logger:  logger,
		pace:    newPacer(cfg.MaxConcurrentRequests),
		answers: newAnswerReader(),
		clock:   realClock{},
	}, nil
}

func (cfg *Config) applyDefaults() {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.RetryWindow <= 0 {
		cfg.RetryWindow = DefaultRetryWindow
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = defaultRetryWaitMin
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = max(defaultRetryWaitMax, cfg.RetryWaitMin)
	}
	if cfg.PollIntervalMin <= 0 {
		cfg.PollIntervalMin = defaultPollIntervalMin
	}
	if cfg.PollIntervalMax < cfg.PollIntervalMin {
		cfg.PollIntervalMax = max(defaultPollIntervalMax, cfg.PollIntervalMin)
	}
	if cfg.MaxConcurrentRequests <= 0 {
		cfg.MaxConcurrentRequests = DefaultMaxConcurrentRequests
	}
	if cfg.MaxIdleConnsPerHost <= 0 {
		cfg.MaxIdleConnsPerHost = cfg.MaxConcurrentRequests + 2
	}
	if cfg.Auth == nil {
		cfg.Auth = NoAuth()
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-mimcm/dev"
	}
}

// MaxConcurrentRequests is how many calls the client lets through at once.
func (c *Client) MaxConcurrentRequests() int { return c.cfg.MaxConcurrentRequests }

// GetRequest reads one request; a 204 answer gives an *APIError of kind ErrRequestNotFound.
func (c *Client) GetRequest(ctx context.Context, id GUID) (*Request, error) {
	res, err := c.call(ctx, apiCall{method: http.MethodGet, path: "/requests/" + string(id), id: id})
	if err != nil {
		return nil, err
	}
	defer res.release()
	if res.status == http.StatusNoContent {
		return nil, res.fail(ErrRequestNotFound, nil)
	}
	return res.decodeRequest(id)
}

// ListRequests lists the requests f selects; a 204 answer, like an empty array, gives an empty list.
func (c *Client) ListRequests(ctx context.Context, f ListFilter) ([]Request, error) {
	query := url.Values{}
	if f.Status != "" {
		query.Set("status", f.Status)
	}
	if f.TargetUser != "" {
		query.Set("targetuser", f.TargetUser)
	}
	// A list can hold every request the server has, many more than f.Keep
	// keeps: it is decoded as it arrives, so that only the kept ones are
	// held, never the whole answer.
	var list []Request
	res, err := c.call(ctx, apiCall{method: http.MethodGet, path: "/requests", query: query, decode: func(r io.Reader) (err error) {
		list, err = streamRequests(r, f.Keep)
		return err
	}})
	if err != nil {
		return nil, err
	}
	defer res.release()
	if res.undecodable != nil {
		return nil, res.fail(ErrUndecodable, fmt.Errorf("want a JSON array of requests%s: %w", res.contentTypeNote(), res.undecodable))
	}
	if list == nil {
		list = []Request{}
	}
	return list, nil
}

// SetStatus asks the server to move a request to desired. After an attempt of unknown outcome it
// reads the request first, and sends the PUT again only if the request still needs it and can take
// it: one that awaits approval gives an *APIError of kind ErrAwaitingApproval, whose cause is the
// *ApprovalError.
func (c *Client) SetStatus(ctx context.Context, id GUID, desired DesiredStatus) (*Request, error) {
	body, err := json.Marshal(map[string]string{"status": string(desired)})
	if err != nil {
		return nil, err
	}
	res, err := c.call(ctx, apiCall{
		method: http.MethodPut, path: "/requests/" + string(id), body: body, id: id,
		settle: func(ctx context.Context) settled { return c.settle(ctx, id, desired) },
	})
	if err != nil {
		return nil, err
	}
	defer res.release()
	if res.settled != nil {
		return res.settled, nil
	}
	if res.status == http.StatusNoContent || len(bytes.TrimSpace(res.body)) == 0 || string(bytes.TrimSpace(res.body)) == "null" {
		return c.GetRequest(ctx, id)
	}
	return res.decodeRequest(id)
}

// settle reads a request after a PUT of unknown outcome: the server may have acted before failing.
// A request that awaits approval is not sent the PUT again: the server refuses to complete or
// abandon it until an approver approves it in the CM portal.
func (c *Client) settle(ctx context.Context, id GUID, desired DesiredStatus) settled {
	got, err := c.GetRequest(ctx, id)
	switch {
	case err != nil:
		c.logger.Debug(ctx, "The PUT's outcome is unknown and the request could not be read", map[string]any{"request_id": string(id)})
		return settled{how: settleFailed}
	case got.Status.Satisfies(desired):
		c.logger.Debug(ctx, "The PUT's answer was lost but the request has the desired status", map[string]any{
			"request_id": string(id), "status": got.Status.String(),
		})
		return settled{how: settleDone, request: got}
	case got.Status.IsTerminal():
		return settled{how: settleFailed}
	}
	if err := CheckApproval(id, got.Status, desired); err != nil {
		return settled{how: settleFailed, kind: ErrAwaitingApproval, cause: err}
	}
	return settled{how: settleResend}
}

// WaitForStatus polls the request until it satisfies desired, reaches another terminal status
// (a *TransitionError), or ctx ends (an error naming the status it was last seen in).
func (c *Client) WaitForStatus(ctx context.Context, id GUID, desired DesiredStatus) (*Request, error) {
	return c.WaitForStatusReporting(ctx, id, desired, nil)
}

// WaitForStatusReporting is WaitForStatus that hands each unfinished read to seen, if not nil.
func (c *Client) WaitForStatusReporting(ctx context.Context, id GUID, desired DesiredStatus, seen func(*Request)) (*Request, error) {
	start := time.Now()
	var last *Request
	for attempt := 0; ; attempt++ {
		timer := time.NewTimer(jittered(c.cfg.PollIntervalMin, c.cfg.PollIntervalMax, attempt))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, waitError(id, desired, last, time.Since(start), ctx.Err())
		case <-timer.C:
		}
		got, err := c.GetRequest(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return nil, waitError(id, desired, last, time.Since(start), ctx.Err())
			}
			return nil, err
		}
		if got.Status.Satisfies(desired) {
			return got, nil
		}
		if err := CheckTransition(id, got.Status, desired); err != nil {
			return nil, err
		}
		c.logger.Debug(ctx, "Request not finished yet", map[string]any{
			"request_id": string(id), "status": got.Status.String(), "poll": attempt + 1,
		})
		last = got
		if seen != nil {
			seen(got)
		}
	}
}

func waitError(id GUID, desired DesiredStatus, last *Request, waited time.Duration, cause error) error {
	seen := "had not been read again"
	if last != nil {
		seen = fmt.Sprintf("was still %s (status %d)", last.Status, int(last.Status))
	}
	return fmt.Errorf("request %s %s after %s of waiting to become %s: %w",
		id, seen, waited.Round(100*time.Millisecond), desired, cause)
}

func kindOf(status int) error {
	switch {
	case status >= 200 && status < 300:
		return nil
	case status >= 300 && status < 400:
		return ErrRedirected
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrRouteNotFound
	case status >= 500:
		return ErrServer
	}
	return ErrRejected
}

func (r *result) fail(kind error, cause error) *APIError {
	return &APIError{
		Kind: kind, Method: r.method, Path: r.path, RequestID: r.id,
		StatusCode: r.status, Attempts: r.attempts, Err: cause,
	}
}

func (r *result) decodeRequest(id GUID) (*Request, error) {
	got, err := decodeRequest(r.body)
	if err != nil {
		return nil, r.fail(ErrUndecodable, fmt.Errorf("want a JSON request object%s: %w", r.contentTypeNote(), err))
	}
	switch {
	case got.Uuid.IsZero():
		got.Uuid = id
	case got.Uuid != id:
		return nil, r.fail(ErrUndecodable, fmt.Errorf("the answer describes request %s instead", got.Uuid))
	}
	return &got, nil
}

// contentTypeNote mentions a content type that is not JSON, the usual sign of a proxy's or IIS's page.
func (r *result) contentTypeNote() string {
	ct := r.header.Get("Content-Type")
	if ct == "" || bytes.Contains([]byte(ct), []byte("json")) {
		return ""
	}
	return fmt.Sprintf(" but got %s", clean(ct, 100))
}

type discardLogger struct{}

func (discardLogger) Debug(context.Context, string, map[string]any) {}
