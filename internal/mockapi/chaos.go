package mockapi

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Chaos makes the mock fail API calls at random, as a busy IIS farm does,
// reproducibly: the same calls in the same order meet the same faults. The
// rates add up to at most 1. Every fault but a lost PUT strikes before the
// store, as a proxy refusing the call would. The zero Chaos is off.
type Chaos struct {
	// Seed seeds the random stream.
	Seed uint64
	// Rates maps an error status (400-599) to the probability of answering it.
	Rates map[int]float64
	// RetryAfter are the Retry-After values of 429 and 503, picked at random.
	RetryAfter []string
	// LatencyMin and LatencyMax add a uniformly random delay to every API call.
	LatencyMin, LatencyMax time.Duration
	// ResetRate is the probability of a TCP reset before the headers end.
	ResetRate float64
	// TruncateRate is the probability of an answer cut short of its Content-Length.
	TruncateRate float64
	// HTMLRate is the probability of IIS's HTML 502 or 503 page.
	HTMLRate float64
	// LostPUTRate is the probability that a PUT is applied and its answer
	// lost; it is drawn apart from the other rates.
	LostPUTRate float64
	// Storm, when on, is a throttling storm on top of the rates.
	Storm Storm
}

// Storm is a throttling storm: for Duration from the first API call, Burst
// calls in a row fail, then Calm pass, with Statuses (429, 502, 503 and 504
// when empty) in turn. Unlike the rates' even spread, it falls on the few
// calls that are retrying, which is what a retry policy must survive.
//
// Calls, when more than 0, ends the storm after that many calls if its
// Duration has not ended it first: how many calls arrive within a duration
// depends on the client's pace (an adaptive client slows down in a storm)
// and on the machine, so a storm that must fail a known number of calls,
// in a test, is bounded by calls.
type Storm struct {
	Duration time.Duration
	Burst    int
	Calm     int
	Calls    int
	Statuses []int
}

const maxStorm = 24 * time.Hour

var defaultStormStatuses = []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

// On reports whether the storm injects anything.
func (st Storm) On() bool { return st.Duration > 0 && st.Burst > 0 }

func (st Storm) validate() error {
	switch {
	case st.Duration < 0 || st.Duration > maxStorm:
		return fmt.Errorf("storm duration %s: want 0 (off) to %s", st.Duration, maxStorm)
	case st.Burst < 0 || st.Calm < 0:
		return fmt.Errorf("storm burst %d, calm %d: want 0 or more calls", st.Burst, st.Calm)
	case st.Calls < 0:
		return fmt.Errorf("storm of %d calls: want 0 (as many as its duration lets in) or more", st.Calls)
	case st.Duration > 0 && st.Burst == 0:
		return fmt.Errorf("storm of %s with a burst of 0 calls: want at least 1 failed call per burst", st.Duration)
	}
	for _, code := range st.Statuses {
		if code < 400 || code > 599 {
			return fmt.Errorf("storm status %d: want an error status from 400 to 599", code)
		}
	}
	return nil
}

// On reports whether c injects anything at all.
func (c Chaos) On() bool {
	return c.failRate() > 0 || c.LostPUTRate > 0 || c.LatencyMax > 0 || c.Storm.On()
}

func (c Chaos) failRate() float64 {
	sum := c.ResetRate + c.TruncateRate + c.HTMLRate
	for _, r := range c.Rates {
		sum += r
	}
	return sum
}

// Validate says what is wrong with c, if anything.
func (c Chaos) Validate() error {
	for _, code := range slices.Sorted(maps.Keys(c.Rates)) {
		if code < 400 || code > 599 {
			return fmt.Errorf("rate for status %d: want an error status from 400 to 599", code)
		}
		if err := checkRate(strconv.Itoa(code), c.Rates[code]); err != nil {
			return err
		}
	}
	for name, r := range map[string]float64{"reset": c.ResetRate, "truncate": c.TruncateRate, "html": c.HTMLRate, "lost_put": c.LostPUTRate} {
		if err := checkRate(name, r); err != nil {
			return err
		}
	}
	if sum := c.failRate(); sum > 1+1e-9 {
		return fmt.Errorf("the rates add up to %.3g: want at most 1", sum)
	}
	for _, v := range c.RetryAfter {
		if !validRetryAfter(v) {
			return fmt.Errorf("retry_after %q: want seconds (\"2\") or an HTTP date", v)
		}
	}
	if c.LatencyMin < 0 || c.LatencyMax < c.LatencyMin {
		return fmt.Errorf("latency %s to %s: want 0 <= min <= max", c.LatencyMin, c.LatencyMax)
	}
	return c.Storm.validate()
}

func checkRate(name string, r float64) error {
	if r < 0 || r > 1 || r != r { // r != r: NaN
		return fmt.Errorf("rate %s=%v: want a probability from 0 to 1", name, r)
	}
	return nil
}

// SetRates sets the rates a list such as "503=0.1,reset=0.02" names; KIND is
// an HTTP status, reset, truncate, html or lost_put (or lost-put).
func (c *Chaos) SetRates(spec string) error {
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		kind, value, ok := strings.Cut(item, "=")
		if !ok {
			return fmt.Errorf("%q: want KIND=PROBABILITY, such as 503=0.1 or reset=0.02", item)
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return fmt.Errorf("%q: %q is not a number", item, value)
		}
		if err := checkRate(kind, r); err != nil {
			return err
		}
		switch kind = strings.ToLower(strings.TrimSpace(kind)); kind {
		case "reset":
			c.ResetRate = r
		case "truncate":
			c.TruncateRate = r
		case "html":
			c.HTMLRate = r
		case "lost_put", "lost-put":
			c.LostPUTRate = r
		default:
			code, err := strconv.Atoi(kind)
			if err != nil || code < 400 || code > 599 {
				return fmt.Errorf("%q: want an HTTP status from 400 to 599, reset, truncate, html or lost_put before the =", item)
			}
			if c.Rates == nil {
				c.Rates = map[int]float64{}
			}
			c.Rates[code] = r
		}
	}
	return nil
}

// ChaosCounts counts what Chaos injected since it was last set.
type ChaosCounts struct {
	// Calls is how many API calls drew a decision.
	Calls int `json:"calls"`
	// Status counts the JSON error answers by HTTP status.
	Status map[int]int `json:"status"`
	// Resets, Truncated, HTML and LostPUTs count the other kinds of fault.
	Resets    int `json:"resets"`
	Truncated int `json:"truncated"`
	HTML      int `json:"html"`
	LostPUTs  int `json:"lost_puts"`
	// Latency is the delay added in all.
	Latency time.Duration `json:"-"`
	// StormCalls and StormFaults count the storm's calls, and those it failed.
	StormCalls  int `json:"storm_calls"`
	StormFaults int `json:"storm_faults"`
}

// Faults is the number of calls that were failed.
func (c ChaosCounts) Faults() int {
	n := c.Resets + c.Truncated + c.HTML + c.LostPUTs
	for _, v := range c.Status {
		n += v
	}
	return n
}

// String summarises the counts for a log line.
func (c ChaosCounts) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d faults in %d calls:", c.Faults(), c.Calls)
	for _, code := range slices.Sorted(maps.Keys(c.Status)) {
		fmt.Fprintf(&b, " %d×%d", c.Status[code], code)
	}
	fmt.Fprintf(&b, ", %d resets, %d truncated, %d HTML pages, %d lost PUTs; %s of added latency",
		c.Resets, c.Truncated, c.HTML, c.LostPUTs, c.Latency.Round(time.Millisecond))
	if c.StormCalls > 0 {
		fmt.Fprintf(&b, "; the storm failed %d of the %d calls during it", c.StormFaults, c.StormCalls)
	}
	return b.String()
}

func (c ChaosCounts) clone() ChaosCounts {
	c.Status = maps.Clone(c.Status)
	if c.Status == nil {
		c.Status = map[int]int{}
	}
	return c
}

// chaosState is the chaos the server runs, guarded by Server.mu.
type chaosState struct {
	cfg                 Chaos
	codes               []int // the statuses of cfg.Rates, sorted, so draws do not depend on map order
	rng                 *rand.Rand
	counts              ChaosCounts
	stormStart          time.Time
	stormCalls, stormNo int
}

// SetChaos replaces the chaos, restarting its stream and counts.
func (s *Server) SetChaos(c Chaos) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.Rates = maps.Clone(c.Rates)
	c.RetryAfter = slices.Clone(c.RetryAfter)
	c.Storm.Statuses = slices.Clone(c.Storm.Statuses)
	st := &chaosState{
		cfg:    c,
		codes:  slices.Sorted(maps.Keys(c.Rates)),
		rng:    rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15)), //nolint:gosec // reproducible faults, not secrets
		counts: ChaosCounts{Status: map[int]int{}},
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chaos = st
	return nil
}

// StopChaos turns chaos off and keeps its counts for ChaosCounts.
func (s *Server) StopChaos() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chaos.cfg = Chaos{}
}

// ChaosConfig returns the chaos the mock runs; the zero Chaos when off.
func (s *Server) ChaosConfig() Chaos {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chaos.cfg
	c.Rates = maps.Clone(c.Rates)
	c.RetryAfter = slices.Clone(c.RetryAfter)
	c.Storm.Statuses = slices.Clone(c.Storm.Statuses)
	return c
}

// ChaosCounts returns what chaos injected since SetChaos.
func (s *Server) ChaosCounts() ChaosCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chaos.counts.clone()
}

func newChaosState() *chaosState {
	return &chaosState{rng: rand.New(rand.NewPCG(0, 0)), counts: ChaosCounts{Status: map[int]int{}}} //nolint:gosec // see SetChaos
}

type chaosKind int

const (
	chaosNone chaosKind = iota
	chaosStatus
	chaosReset
	chaosTruncate
	chaosHTML
	chaosLostPUT
)

var chaosNames = map[chaosKind]string{
	chaosStatus: "status", chaosReset: "reset", chaosTruncate: "truncate", chaosHTML: "html", chaosLostPUT: "lost_put",
}

type chaosPlan struct {
	kind       chaosKind
	status     int           // chaosStatus, chaosHTML
	retryAfter string        // chaosStatus 429/503, chaosHTML 503
	latency    time.Duration // added delay
	cut        float64       // chaosReset, chaosTruncate: how much of the answer is sent, 0 to 1
}

// drawChaos decides one API call's latency and fault. Every call draws the
// same number of values, so a run is reproducible from the seed.
func (s *Server) drawChaos() chaosPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chaos
	if !st.cfg.On() {
		return chaosPlan{}
	}
	cfg := &st.cfg
	st.counts.Calls++
	var p chaosPlan
	u, extra := st.rng.Float64(), st.rng.Float64()
	if cfg.LatencyMax > 0 {
		p.latency = cfg.LatencyMin + time.Duration(st.rng.Int64N(int64(cfg.LatencyMax-cfg.LatencyMin)+1))
		st.counts.Latency += p.latency
	}
	pickRetryAfter := func(f float64) string {
		if len(cfg.RetryAfter) == 0 {
			return ""
		}
		return cfg.RetryAfter[min(int(f*float64(len(cfg.RetryAfter))), len(cfg.RetryAfter)-1)]
	}
	if status, ok := s.stormFault(st); ok {
		p.kind, p.status = chaosStatus, status
		if len(cfg.RetryAfter) > 0 {
			p.retryAfter = cfg.RetryAfter[st.counts.StormFaults%len(cfg.RetryAfter)]
		}
		st.counts.Status[status]++
		st.counts.StormFaults++
		return p
	}
	for _, code := range st.codes {
		if u -= cfg.Rates[code]; u < 0 {
			p.kind, p.status = chaosStatus, code
			if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
				p.retryAfter = pickRetryAfter(extra)
			}
			st.counts.Status[code]++
			return p
		}
	}
	switch {
	case u < cfg.ResetRate:
		p.kind, p.cut = chaosReset, extra
		st.counts.Resets++
	case u < cfg.ResetRate+cfg.TruncateRate:
		p.kind, p.cut = chaosTruncate, extra
		st.counts.Truncated++
	case u < cfg.ResetRate+cfg.TruncateRate+cfg.HTMLRate:
		p.kind, p.status = chaosHTML, http.StatusBadGateway
		if extra < 0.5 {
			p.status, p.retryAfter = http.StatusServiceUnavailable, pickRetryAfter(2*extra)
		}
		st.counts.HTML++
	}
	return p
}

func (s *Server) stormFault(st *chaosState) (int, bool) {
	storm := st.cfg.Storm
	if !storm.On() {
		return 0, false
	}
	now := s.now()
	if st.stormStart.IsZero() {
		st.stormStart = now
	}
	if now.Sub(st.stormStart) >= storm.Duration || (storm.Calls > 0 && st.stormCalls >= storm.Calls) {
		return 0, false
	}
	n := st.stormCalls
	st.stormCalls++
	st.counts.StormCalls++
	if n%(storm.Burst+storm.Calm) >= storm.Burst {
		return 0, false
	}
	statuses := storm.Statuses
	if len(statuses) == 0 {
		statuses = defaultStormStatuses
	}
	status := statuses[st.stormNo%len(statuses)]
	st.stormNo++
	return status, true
}

func (s *Server) drawLostPUT() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chaos
	if st.cfg.LostPUTRate <= 0 || st.rng.Float64() >= st.cfg.LostPUTRate {
		return false
	}
	st.counts.LostPUTs++
	return true
}

func (s *Server) chaosAnswer(p chaosPlan, r *http.Request) answer {
	return s.faultAnswer(Fault{Status: p.status, RetryAfter: p.retryAfter}, r)
}

func unavailable() answer {
	return messageAnswer(http.StatusServiceUnavailable, withCorrelationID(defaultMessage(http.StatusServiceUnavailable)))
}

// HTML error pages as IIS sends them: Application Request Routing's 502, and
// HTTP.sys's 503 when the application pool is down or its queue is full.
const (
	htmlBadGateway = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>502 - Web server received an invalid response while acting as a gateway or proxy server.</title>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>502 - Web server received an invalid response while acting as a gateway or proxy server.</h2>
  <h3>There is a problem with the page you are looking for, and it cannot be displayed. When the Web server (while acting as a gateway or proxy) contacted the upstream content server, it received an invalid response from the content server.</h3>
 </fieldset></div>
</div>
</body>
</html>
`
	htmlServiceUnavailable = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n" +
		"<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n" +
		"<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n" +
		"<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n"
)

func writeHTMLPage(w http.ResponseWriter, p chaosPlan) {
	body, ct, server := htmlBadGateway, "text/html", "Microsoft-IIS/10.0"
	if p.status == http.StatusServiceUnavailable {
		body, ct, server = htmlServiceUnavailable, "text/html; charset=us-ascii", "Microsoft-HTTPAPI/2.0"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Server", server)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if p.retryAfter != "" {
		w.Header().Set("Retry-After", p.retryAfter)
	}
	w.WriteHeader(p.status)
	_, _ = w.Write([]byte(body))
}

func rawAnswer(a answer) (head, body []byte) {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", a.status, http.StatusText(a.status))
	h := a.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if a.body != nil {
		h.Set("Content-Type", contentTypeJSON)
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	_ = h.Write(&b)
	b.WriteString("\r\n")
	return []byte(b.String()), a.body
}

// loseAnswer loses the answer of a call that took effect, as a worker process
// that crashes after the store's commit, or a load balancer that drops the
// connection, loses it: half of a's head, then a reset. A lost PUT (chaos) and
// a fault that drops its answer (Fault.DropAnswer) both end here.
func loseAnswer(w http.ResponseWriter, a answer) {
	resetConnection(w, a, 0.5)
}

// resetConnection sends the cut share of a's head, then resets the connection.
func resetConnection(w http.ResponseWriter, a answer, cut float64) {
	head, _ := rawAnswer(a)
	n := int(cut * float64(len(head)))
	conn, buf, ok := hijack(w)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	_, _ = buf.Write(head[:n])
	_ = buf.Flush()
	abortConn(conn)
}

// truncateAnswer sends a's head, then only part of the body it announces.
func truncateAnswer(w http.ResponseWriter, a answer, cut float64) {
	if len(a.body) < 2 {
		a = unavailable() // nothing to cut: cut an error instead
	}
	head, body := rawAnswer(a)
	n := 1 + int(cut*float64(len(body)-1)) // at least one byte, never all of them
	conn, buf, ok := hijack(w)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	_, _ = buf.Write(head)
	_, _ = buf.Write(body[:n])
	_ = buf.Flush()
	_ = conn.Close()
}

func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, false
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return nil, nil, false
	}
	return conn, buf, true
}

// abortConn closes conn with a TCP RST rather than a FIN, as a crashed
// worker process or a load balancer dropping the connection does.
func abortConn(conn net.Conn) {
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

type adminChaosConfig struct {
	Seed         uint64             `json:"seed"`
	Rates        map[string]float64 `json:"rates,omitempty"`
	RetryAfter   []string           `json:"retry_after,omitempty"`
	LatencyMinMS int64              `json:"latency_min_ms"`
	LatencyMaxMS int64              `json:"latency_max_ms"`
	ResetRate    float64            `json:"reset_rate"`
	TruncateRate float64            `json:"truncate_rate"`
	HTMLRate     float64            `json:"html_rate"`
	LostPUTRate  float64            `json:"lost_put_rate"`
	Storm        *adminStorm        `json:"storm,omitempty"`
}

type adminStorm struct {
	DurationMS int64 `json:"duration_ms"`
	Burst      int   `json:"burst"`
	Calm       int   `json:"calm"`
	Calls      int   `json:"calls,omitempty"`
	Statuses   []int `json:"statuses,omitempty"`
}

func toAdminChaos(c Chaos) adminChaosConfig {
	out := adminChaosConfig{
		Seed: c.Seed, RetryAfter: c.RetryAfter,
		LatencyMinMS: c.LatencyMin.Milliseconds(), LatencyMaxMS: c.LatencyMax.Milliseconds(),
		ResetRate: c.ResetRate, TruncateRate: c.TruncateRate, HTMLRate: c.HTMLRate, LostPUTRate: c.LostPUTRate,
	}
	if st := c.Storm; st.Duration != 0 || st.Burst != 0 || st.Calm != 0 || st.Calls != 0 || len(st.Statuses) > 0 {
		out.Storm = &adminStorm{DurationMS: st.Duration.Milliseconds(), Burst: st.Burst, Calm: st.Calm, Calls: st.Calls, Statuses: st.Statuses}
	}
	if len(c.Rates) > 0 {
		out.Rates = map[string]float64{}
		for code, r := range c.Rates {
			out.Rates[strconv.Itoa(code)] = r
		}
	}
	return out
}

func (in adminChaosConfig) chaos() (Chaos, error) {
	c := Chaos{
		Seed: in.Seed, RetryAfter: in.RetryAfter,
		LatencyMin: time.Duration(in.LatencyMinMS) * time.Millisecond, LatencyMax: time.Duration(in.LatencyMaxMS) * time.Millisecond,
		ResetRate: in.ResetRate, TruncateRate: in.TruncateRate, HTMLRate: in.HTMLRate, LostPUTRate: in.LostPUTRate,
	}
	if in.Storm != nil {
		if ms := in.Storm.DurationMS; ms < 0 || ms > maxStorm.Milliseconds() {
			return Chaos{}, fmt.Errorf("storm.duration_ms %d: want 0 (off) to %d", ms, maxStorm.Milliseconds())
		}
		c.Storm = Storm{Duration: time.Duration(in.Storm.DurationMS) * time.Millisecond, Burst: in.Storm.Burst, Calm: in.Storm.Calm,
			Calls: in.Storm.Calls, Statuses: in.Storm.Statuses}
	}
	for key, r := range in.Rates {
		code, err := strconv.Atoi(key)
		if err != nil {
			return Chaos{}, fmt.Errorf("rates: %q is not an HTTP status", key)
		}
		if c.Rates == nil {
			c.Rates = map[int]float64{}
		}
		c.Rates[code] = r
	}
	return c, c.Validate()
}

type adminChaosState struct {
	Chaos     adminChaosConfig `json:"chaos"`
	On        bool             `json:"on"`
	Counts    ChaosCounts      `json:"counts"`
	LatencyMS int64            `json:"latency_ms"`
}

func (s *Server) chaosState() adminChaosState {
	c, counts := s.ChaosConfig(), s.ChaosCounts()
	return adminChaosState{Chaos: toAdminChaos(c), On: c.On(), Counts: counts, LatencyMS: counts.Latency.Milliseconds()}
}

func (s *Server) adminChaos(r *http.Request) answer {
	switch r.Method {
	case http.MethodGet:
		return jsonAnswer(http.StatusOK, s.chaosState())
	case http.MethodPut:
		var in adminChaosConfig
		if err := decodeStrict(r, &in); err != nil {
			return badRequest("Cannot set chaos: %v", err)
		}
		c, err := in.chaos()
		if err != nil {
			return badRequest("Cannot set chaos: %v", err)
		}
		if err := s.SetChaos(c); err != nil {
			return badRequest("Cannot set chaos: %v", err)
		}
		return jsonAnswer(http.StatusOK, s.chaosState())
	case http.MethodDelete:
		s.StopChaos()
		return noContent()
	}
	return adminMethodNotAllowed(r.Method, "GET, PUT, DELETE")
}
