package mimcm

import (
	"math"
	"sync"
	"time"
)

// pacer is a client-wide rate limit after the AWS SDKs' adaptive retry mode: once the server
// throttles, a token bucket paces every call at paceBeta of the rate sent, growing back along a
// CUBIC curve. Slowing all calls, not only the refused one, lets the server recover, as TCP does.
type pacer struct {
	mu      sync.Mutex
	enabled bool
	rate    float64 // tokens per second while enabled
	tokens  float64 // may go negative: calls that reserved a future token
	last    time.Time
	sent    sendRate
	// CUBIC: the rate before the last cut, its time, and how long the curve takes back to it.
	maxRate  float64
	cutAt    time.Time
	recovery float64 // seconds
	// floor is the least rate, above paceMinRate: with the client's calls in flight at its floor
	// together, each still gets a turn every few seconds and is not starved out of its retry window.
	floor float64
}

// newPacer returns the pacer of a client with up to inFlight calls in flight.
func newPacer(inFlight int) *pacer {
	return &pacer{floor: float64(inFlight) / 4}
}

func (p *pacer) minRate() float64 { return max(p.floor, paceMinRate) }

const (
	paceBeta  = 0.7 // share of the sending rate kept by a cut
	paceScale = 0.4 // CUBIC's C, in calls per second³
	// paceMinRate keeps a trickle of calls going, so that the client learns when the server recovered.
	paceMinRate = 1.0
	paceMaxRate = 1000.0 // grown past it, the limit is switched off
	// paceCutEvery: throttled answers of the calls in flight together count as one signal.
	paceCutEvery = time.Second
)

func (p *pacer) reserve(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent.add(now)
	if !p.enabled {
		return 0
	}
	p.refill(now)
	p.tokens--
	if p.tokens >= 0 {
		return 0
	}
	return time.Duration(-p.tokens / p.rate * float64(time.Second))
}

func (p *pacer) unreserve() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.enabled {
		p.tokens = min(p.tokens+1, max(p.rate, 1))
	}
}

func (p *pacer) refill(now time.Time) {
	if elapsed := now.Sub(p.last).Seconds(); elapsed > 0 {
		p.tokens = min(p.tokens+elapsed*p.rate, max(p.rate, 1))
	}
	p.last = now
}

func (p *pacer) throttled(now time.Time) (float64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.enabled && now.Sub(p.cutAt) < paceCutEvery {
		return p.rate, false
	}
	measured := max(p.sent.perSecond(now), p.minRate())
	base := measured
	if p.enabled {
		p.refill(now)
		base = min(measured, p.rate)
	} else {
		p.enabled, p.last, p.tokens = true, now, 1
	}
	p.maxRate, p.cutAt = base, now
	p.recovery = math.Cbrt(base * (1 - paceBeta) / paceScale)
	p.setRate(base * paceBeta)
	return p.rate, true
}

// succeeded grows the rate back along the CUBIC curve, ending the limit far above the refused rate.
func (p *pacer) succeeded(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.enabled {
		return
	}
	p.refill(now)
	t := now.Sub(p.cutAt).Seconds() - p.recovery
	p.setRate(paceScale*t*t*t + p.maxRate)
	if p.rate >= paceMaxRate {
		p.enabled = false
	}
}

func (p *pacer) setRate(r float64) {
	p.rate = max(r, p.minRate())
	p.tokens = min(p.tokens, max(p.rate, 1))
}

func (p *pacer) limit() (float64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate, p.enabled
}

// sendRate counts the calls sent in the last second, in ten slots of 100 ms.
type sendRate struct {
	slot  [10]int64 // which 100 ms period each count is for
	count [10]int
}

func (r *sendRate) add(now time.Time) {
	i := now.UnixMilli() / 100
	k := i % 10
	if r.slot[k] != i {
		r.slot[k], r.count[k] = i, 0
	}
	r.count[k]++
}

func (r *sendRate) perSecond(now time.Time) float64 {
	i := now.UnixMilli() / 100
	n := 0
	for k := range r.slot {
		if r.slot[k] > i-10 && r.slot[k] <= i {
			n += r.count[k]
		}
	}
	return float64(n)
}
