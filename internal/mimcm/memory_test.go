package mimcm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hugeAnswers serves every call an answer of size bytes of JSON
// whitespace, streamed in 64 KiB writes, with a Content-Length when
// announce is set; it counts the bytes it managed to write.
func hugeAnswers(t *testing.T, size int64, announce bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var written atomic.Int64
	chunk := []byte(strings.Repeat(" ", 64<<10))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if announce {
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		}
		for sent := int64(0); sent < size; sent += int64(len(chunk)) {
			n, err := w.Write(chunk[:min(int64(len(chunk)), size-sent)])
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &written
}

// heapPeak samples the heap the process holds from the OS until stop is
// closed, and returns the peak.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapSys-ms.HeapReleased)
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// TestClient_memoryUnderHugeAnswers has eight calls in flight at once each
// get a 500 MB answer, streamed without a Content-Length, and measures the
// heap the process holds from the OS meanwhile: it must stay within 100
// MiB, each call failing with an error that says its answer was too large.
func TestClient_memoryUnderHugeAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 8 × 64 MiB over loopback")
	}
	if raceDetector {
		t.Skip("the race detector's own memory would be measured; make test runs this measurement without it")
	}
	const budget = 100 << 20
	srv, _ := hugeAnswers(t, 500_000_000, false)
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.MaxRetries, cfg.MaxConcurrentRequests = 0, 8
		cfg.RequestTimeout = 2 * time.Minute
	})
	runtime.GC()
	runtime.GC() // twice: pooled chunks of earlier tests go on the second
	debug.FreeOSMemory()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	stop := make(chan struct{})
	peak := heapPeak(stop)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.GetRequest(context.Background(), exampleID) })
	}
	wg.Wait()
	close(stop)
	got := <-peak
	t.Logf("heap held from the OS: %d MiB before, %d MiB at the peak", (before.HeapSys-before.HeapReleased)>>20, got>>20)
	// A provider process holds some 10 MiB besides; the rest of the
	// budget is for the answers.
	if grown := got - min(got, before.HeapSys-before.HeapReleased); grown > budget-10<<20 {
		t.Errorf("the heap grew by %d MiB with 8 huge answers in flight, want at most %d MiB", grown>>20, (budget-10<<20)>>20)
	}
	for _, err := range errs {
		apiErr := asAPIError(t, err, ErrUndecodable)
		containsAll(t, "error", apiErr.Error(), "larger than 64 MiB", "stopped reading")
	}
}

// TestClient_announcedTooLarge checks that an answer whose Content-Length
// is over the cap is refused before its body is read.
func TestClient_announcedTooLarge(t *testing.T) {
	srv, written := hugeAnswers(t, 500_000_000, true)
	c := newTestClient(t, srv.URL)
	_, err := c.GetRequest(context.Background(), exampleID)
	apiErr := asAPIError(t, err, ErrUndecodable)
	containsAll(t, "error", apiErr.Error(), "500000000 bytes (Content-Length)", "64 MiB", "none of it was read")
	if apiErr.Attempts != 1 {
		t.Errorf("Attempts = %d: an oversized answer is final", apiErr.Attempts)
	}
	srv.Close() // waits for the handler, which stops once the client has gone
	// What the server wrote before the client closed the connection sits in
	// the sockets' buffers; the client read none of it.
	if n := written.Load(); n >= maxBodyBytes {
		t.Errorf("the server wrote %d bytes: the client read the answer", n)
	}
}

// TestAnswerReader_growsWithWhatArrives checks that reading an answer
// allocates about what arrived, not what was announced nor a doubled
// buffer.
func TestAnswerReader_growsWithWhatArrives(t *testing.T) {
	a := newAnswerReader()
	for _, size := range []int{0, 1, answerChunk - 1, answerChunk, answerChunk + 1, 3<<20 + 17} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			body := strings.Repeat("x", size)
			b, release, err := a.read(context.Background(), strings.NewReader(body), int64(size), maxBodyBytes, false)
			if err != nil || string(b) != body {
				t.Fatalf("read %d bytes: got %d, %v", size, len(b), err)
			}
			release()
			// Announced far more than arrives: what is allocated follows
			// what arrived — its chunks and one copy.
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b, release, err = a.read(context.Background(), strings.NewReader(body), maxBodyBytes, maxBodyBytes, false)
			runtime.ReadMemStats(&after)
			if err != nil || len(b) != size {
				t.Fatalf("read: %d, %v", len(b), err)
			}
			release()
			if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(2*size+2*answerChunk+4096); got > limit {
				t.Errorf("reading %d bytes announced as %d allocated %d bytes, want at most %d", size, maxBodyBytes, got, limit)
			}
		})
	}
}

// TestAnswerReader_announcedAnswerReadInPlace checks that an answer whose
// Content-Length is believed, once half of it has arrived, is read into
// one buffer of that length: it allocates its length and that half, not
// twice its length. Answers that end early or run long read as they
// arrive.
func TestAnswerReader_announcedAnswerReadInPlace(t *testing.T) {
	a := newAnswerReader()
	const size = 8 << 20
	body := strings.Repeat("a", size)
	runtime.GC()
	runtime.GC() // twice: pooled chunks of earlier reads go on the second
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b, release, err := a.read(context.Background(), strings.NewReader(body), size, maxBodyBytes, false)
	runtime.ReadMemStats(&after)
	release()
	if err != nil || string(b) != body {
		t.Fatalf("read %d of %d bytes: %v", len(b), size, err)
	}
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(size+size/2+2*answerChunk+4096); got > limit {
		t.Errorf("reading %d bytes announced allocated %d bytes, want at most %d", size, got, limit)
	}
	for _, tc := range []struct {
		name     string
		arrives  int
		announce int64
		limit    int
		err      string
	}{
		{"ends early", 3 << 20, 4 << 20, maxBodyBytes, ""},
		{"runs long", 5 << 20, 4 << 20, maxBodyBytes, ""},
		{"runs past the limit", 5 << 20, 4 << 20, 4<<20 + 10, "larger than 4 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Repeat("b", tc.arrives)
			b, release, err := a.read(context.Background(), strings.NewReader(body), tc.announce, tc.limit, false)
			release()
			switch {
			case tc.err == "" && (err != nil || string(b) != body):
				t.Errorf("read %d of %d bytes: %v", len(b), tc.arrives, err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("want an error saying %q, got %v", tc.err, err)
			}
		})
	}
	if len(a.large) != 0 {
		t.Errorf("the large-answer slot is still held")
	}
}

func TestAnswerReader_limits(t *testing.T) {
	a := newAnswerReader()
	ctx := context.Background()
	body := strings.Repeat("y", 300)
	if _, _, err := a.read(ctx, strings.NewReader(body), -1, 299, false); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("300 bytes with a limit of 299: %v", err)
	}
	if b, _, err := a.read(ctx, strings.NewReader(body), -1, 300, false); err != nil || len(b) != 300 {
		t.Errorf("300 bytes with a limit of 300: %d, %v", len(b), err)
	}
	if b, _, err := a.read(ctx, strings.NewReader(body), 300, 100, true); err != nil || string(b) != body[:100] {
		t.Errorf("cut at 100: %q, %v", b, err)
	}
	// The large-answer slot is given back, whether the read ends well or
	// not: the next large answer does not wait for it.
	big := strings.Repeat("z", 2*freeAnswerBytes)
	for range 3 {
		_, release, err := a.read(ctx, strings.NewReader(big), -1, freeAnswerBytes+answerChunk, false)
		release()
		if err == nil {
			t.Fatal("want too large")
		}
		b, release, err := a.read(ctx, strings.NewReader(big), -1, maxBodyBytes, false)
		release()
		if err != nil || len(b) != len(big) {
			t.Fatalf("read %d, %v", len(b), err)
		}
	}
	if len(a.large) != 0 {
		t.Errorf("the large-answer slot is still held")
	}
}
