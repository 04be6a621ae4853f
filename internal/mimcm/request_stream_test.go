package mimcm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// TestStreamRequests_asDecodeRequests reads answers a byte at a time, in
// the chunks of the stream and whole, and checks that the stream decodes
// what decodeRequests does, refuses what it refuses, and returns errors
// of reading as they are.
func TestStreamRequests_asDecodeRequests(t *testing.T) {
	list := referenceList(t, 3)
	for name, body := range map[string]string{
		"reference list":          string(list),
		"empty":                   "[]",
		"spaced":                  " \n[ \t" + requestJSON(exampleID, StatusCompleted) + " ,\r\n null ] \n",
		"encoding/json's form":    "[" + strings.ToUpper(requestJSON(exampleID, StatusPending)) + "," + requestJSON(exampleID, StatusCompleted) + "]",
		"null":                    "null",
		"object":                  `{"Uuid":"` + string(exampleID) + `"}`,
		"number in the array":     "[" + requestJSON(exampleID, StatusCompleted) + ",5]",
		"trailing comma":          "[" + requestJSON(exampleID, StatusCompleted) + ",]",
		"leading comma":           "[,null]",
		"no closing bracket":      "[" + requestJSON(exampleID, StatusCompleted),
		"cut inside a request":    string(list[:len(list)/2]),
		"missing comma":           "[null null]",
		"after the array":         "[null] x",
		"second array":            "[][]",
		"null then letters":       "[nullx]",
		"unknown field, repeated": `[{"Uuid":"` + string(exampleID) + `","Uuid":"` + string(listGUID(1)) + `","Extra":[1,{"a":"]"}]}]`,
	} {
		t.Run(name, func(t *testing.T) {
			want, wantErr := decodeRequests([]byte(body), nil)
			readers := map[string]io.Reader{
				"byte by byte": iotest.OneByteReader(strings.NewReader(body)),
				"whole":        strings.NewReader(body),
				"half":         iotest.HalfReader(strings.NewReader(body)),
			}
			for how, r := range readers {
				got, err := streamRequests(r, nil)
				if (err == nil) != (wantErr == nil) {
					t.Fatalf("%s: error %v, decodeRequests' %v", how, err, wantErr)
				}
				if err != nil {
					if bad := (*undecodableError)(nil); !errors.As(err, &bad) {
						t.Errorf("%s: error %v is not an *undecodableError", how, err)
					}
					continue
				}
				if !bytes.Equal(mustMarshal(t, orEmpty(got)), mustMarshal(t, orEmpty(want))) {
					t.Errorf("%s: got\n%s\nwant\n%s", how, mustMarshal(t, got), mustMarshal(t, want))
				}
			}
		})
	}

	t.Run("blank", func(t *testing.T) {
		got, err := streamRequests(strings.NewReader(" \n"), nil)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("got %v, %v; want an empty list", got, err)
		}
	})
	t.Run("error of reading", func(t *testing.T) {
		cut := errors.New("connection reset")
		_, err := streamRequests(io.MultiReader(bytes.NewReader(list[:len(list)/2]), iotest.ErrReader(cut)), nil)
		if !errors.Is(err, cut) {
			t.Errorf("error %v, want the reader's own", err)
		}
		if bad := (*undecodableError)(nil); errors.As(err, &bad) {
			t.Errorf("error %v is an *undecodableError: a cut-off answer must be retried", err)
		}
	})
}

func orEmpty(list []Request) []Request {
	if list == nil {
		return []Request{}
	}
	return list
}

// TestListRequests_cutOffListRetried cuts the list off in the middle of
// its second request twice: the third answer's requests are returned,
// each once, and Keep saw only what each attempt decoded.
func TestListRequests_cutOffListRetried(t *testing.T) {
	body := referenceList(t, 3)
	srv, calls := handlerServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n > 2 {
			jsonReply(200, string(body)).write(t, w)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(200)
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	kept := 0
	list, err := newTestClient(t, srv.URL).ListRequests(context.Background(), ListFilter{Keep: func(*Request) bool { kept++; return true }})
	if err != nil {
		t.Fatalf("ListRequests: %v", err)
	}
	if calls.count() != 3 || len(list) != 3 {
		t.Fatalf("got %d requests after %d calls, want 3 after 3", len(list), calls.count())
	}
	for i, r := range list {
		if r.Uuid != listGUID(i) {
			t.Errorf("list[%d].Uuid = %s, want %s", i, r.Uuid, listGUID(i))
		}
	}
	if kept != 5 {
		t.Errorf("Keep was called %d times; want the first request of each cut attempt and the three of the last", kept)
	}
}

// TestListRequests_tooLong checks that a list that runs past the cap
// fails there, and one announced beyond it before any of it is read, at
// once, whatever it holds.
func TestListRequests_tooLong(t *testing.T) {
	for _, tc := range []struct {
		name     string
		announce bool
		wantErr  []string
	}{
		{"runs past the cap", false, []string{"larger than 64 MiB", "stopped reading"}},
		{"announced beyond the cap", true, []string{"(Content-Length)", "none of it was read"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := hugeAnswers(t, maxBodyBytes+1<<20, tc.announce)
			_, err := newTestClient(t, srv.URL).ListRequests(context.Background(), ListFilter{})
			apiErr := asAPIError(t, err, ErrUndecodable)
			containsAll(t, "Error()", apiErr.Error(), tc.wantErr...)
			if apiErr.Attempts != 1 {
				t.Errorf("Attempts = %d: an oversized answer is final", apiErr.Attempts)
			}
		})
	}
}

// TestListRequests_decodedAsItArrives lists 20,000 requests, about 30 MB,
// of which Keep keeps one, and checks that the heap the process holds
// from the OS grows by far less than the answer: the list is decoded as
// it arrives, not read whole first. The server writes the list as it
// goes, so that nothing in the test holds it either.
func TestListRequests_decodedAsItArrives(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector's own memory would be measured; make test runs this measurement without it")
	}
	const n = 20_000
	ref := referenceResponse(t)
	srv, _ := handlerServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		item := bytes.Clone(ref)
		at := bytes.Index(item, []byte(exampleID))
		_, _ = io.WriteString(w, "[")
		for i := range n {
			copy(item[at:], listGUID(i))
			if i > 0 {
				_, _ = io.WriteString(w, ",")
			}
			if _, err := w.Write(item); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, "]")
	})
	c := newTestClient(t, srv.URL)
	want := listGUID(12_345)
	runtime.GC()
	runtime.GC()
	debug.FreeOSMemory()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	stop := make(chan struct{})
	peak := heapPeak(stop)
	list, err := c.ListRequests(context.Background(), ListFilter{Keep: func(r *Request) bool { return r.Uuid == want }})
	close(stop)
	got := <-peak
	if err != nil {
		t.Fatalf("ListRequests: %v", err)
	}
	if len(list) != 1 || list[0].Uuid != want || list[0].Status != StatusCompleted {
		t.Fatalf("got %d requests, want only %s", len(list), want)
	}
	size := n * (len(ref) + 1)
	grown := got - min(got, before.HeapSys-before.HeapReleased)
	t.Logf("a %d MiB answer; the heap held from the OS grew by %d MiB", size>>20, grown>>20)
	if limit := uint64(size) / 4; grown > limit {
		t.Errorf("the heap grew by %d MiB for a %d MiB answer of which one request was kept, want at most %d MiB", grown>>20, size>>20, limit>>20)
	}
}
