//go:build unix

package mimcm

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/benchcpu"
)

// listBenchSize is the list size BENCHMARKS.md states the mimcm_requests target for.
const listBenchSize = 10_000

// referenceList is a JSON array of n copies of the reference answer, each
// with its own Uuid (listGUID) and Submitted time, compacted as the server
// sends it.
func referenceList(b testing.TB, n int) []byte {
	b.Helper()
	var one bytes.Buffer
	if err := json.Compact(&one, referenceResponse(b)); err != nil {
		b.Fatalf("compacting the reference response: %v", err)
	}
	start := time.Date(2015, 7, 7, 23, 36, 21, 930_000_000, time.UTC)
	var list bytes.Buffer
	list.Grow(n * (one.Len() + 1))
	list.WriteByte('[')
	for i := range n {
		if i > 0 {
			list.WriteByte(',')
		}
		item := bytes.Replace(one.Bytes(), []byte(exampleID), []byte(listGUID(i)), 1)
		item = bytes.Replace(item, []byte("2015-07-07T23:36:21.93Z"),
			[]byte(start.Add(time.Duration(n-i)*time.Second).Format("2006-01-02T15:04:05.00Z07:00")), 1)
		list.Write(item)
	}
	list.WriteByte(']')
	return list.Bytes()
}

// listGUID is the Uuid of referenceList's i-th request.
func listGUID(i int) GUID { return GUID(fmt.Sprintf("a9b4b42c-cc50-4c9b-89d1-%012x", i)) }

// BenchmarkRequest_UnmarshalJSON decodes the reference answer, NUL padding
// and all, as GetRequest and SetStatus do for every call.
func BenchmarkRequest_UnmarshalJSON(b *testing.B) {
	raw := referenceResponse(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		var r Request
		if err := json.Unmarshal(raw, &r); err != nil {
			b.Fatal(err)
		}
	}
	benchcpu.Report(b, start)
}

// BenchmarkDecodeRequests10000 decodes a list already in memory as
// ListRequests does, through streamRequests: the decoding alone, without
// the HTTP exchange that BenchmarkClient_ListRequests10000 includes.
func BenchmarkDecodeRequests10000(b *testing.B) {
	body := referenceList(b, listBenchSize)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		list, err := streamRequests(bytes.NewReader(body), nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(list) != listBenchSize {
			b.Fatalf("got %d requests, want %d", len(list), listBenchSize)
		}
	}
	benchcpu.Report(b, start)
}

// The two benchmarks below measure the hand-written scanner against
// encoding/json alone on the work the client gives it: one request of the
// reference form (GET and PUT answers), and lists of 1,000 and 10,000 as
// ListRequests streams them. The scanner stays only while it is at least
// twice as fast (scripts/bench/analysis.md, "Decoding requests"). Compare
// with benchstat -col /decoder.

// BenchmarkDecodeRequest_vsEncodingJSON decodes the reference answer as
// GetRequest and SetStatus do, and with encoding/json alone.
func BenchmarkDecodeRequest_vsEncodingJSON(b *testing.B) {
	raw := referenceResponse(b)
	for _, d := range []struct {
		name   string
		decode func([]byte) (Request, error)
	}{{"scanner", decodeRequest}, {"encoding_json", unmarshalRequest}} {
		b.Run("decoder="+d.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			start := benchcpu.Start(b)
			for b.Loop() {
				if _, err := d.decode(raw); err != nil {
					b.Fatal(err)
				}
			}
			benchcpu.Report(b, start)
		})
	}
}

// BenchmarkStreamRequests_vsEncodingJSON decodes lists as ListRequests
// does, through streamRequests, and through a stream of encoding/json's
// own (jsonStreamRequests), which gives the same requests.
func BenchmarkStreamRequests_vsEncodingJSON(b *testing.B) {
	for _, n := range []int{1_000, listBenchSize} {
		body := referenceList(b, n)
		want, err := streamRequests(bytes.NewReader(body), nil)
		if got, jsonErr := jsonStreamRequests(bytes.NewReader(body), nil); err != nil || jsonErr != nil || !reflect.DeepEqual(got, want) {
			b.Fatalf("the two streams disagree (errors %v, %v)", err, jsonErr)
		}
		for _, d := range []struct {
			name   string
			stream func(io.Reader, func(*Request) bool) ([]Request, error)
		}{{"scanner", streamRequests}, {"encoding_json", jsonStreamRequests}} {
			b.Run(fmt.Sprintf("decoder=%s/n=%d", d.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				start := benchcpu.Start(b)
				for b.Loop() {
					list, err := d.stream(bytes.NewReader(body), nil)
					if err != nil || len(list) != n {
						b.Fatalf("got %d requests, %v; want %d", len(list), err, n)
					}
				}
				benchcpu.Report(b, start)
			})
		}
	}
}

// jsonStreamRequests is streamRequests as encoding/json alone would do it,
// one json.Decoder over the answer, for the comparison above: an answer
// not an array is decoded whole, a blank one is an empty list, and an
// error of r is returned as it is.
func jsonStreamRequests(r io.Reader, keep func(*Request) bool) ([]Request, error) {
	src := &readErrors{r: r}
	in := bufio.NewReaderSize(src, streamChunk)
	if err := skipJSONSpace(in); errors.Is(err, io.EOF) {
		return []Request{}, nil
	} else if err != nil {
		return nil, err
	}
	if c, _ := in.Peek(1); c[0] != '[' {
		all, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		list, err := decodeRequests(all, keep)
		if err != nil {
			return nil, &undecodableError{err}
		}
		return list, nil
	}
	dec := json.NewDecoder(in)
	fail := func(err error) error { return cmp.Or(src.err, error(&undecodableError{err})) }
	if _, err := dec.Token(); err != nil {
		return nil, fail(err)
	}
	list := []Request{}
	for dec.More() {
		var w wireRequest
		if err := dec.Decode(&w); err != nil {
			return nil, fail(err)
		}
		if req := w.request(); keep == nil || keep(&req) {
			list = append(list, req)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail(err)
	}
	return list, nil
}

// readErrors remembers the error of reading r, other than its end.
type readErrors struct {
	r   io.Reader
	err error
}

func (e *readErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		e.err = err
	}
	return n, err
}

func skipJSONSpace(in *bufio.Reader) error {
	for {
		c, err := in.ReadByte()
		if err != nil {
			return err
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return in.UnreadByte()
		}
	}
}

// BenchmarkClient_GetRequest is one read over a keep-alive connection to a
// local server: the client's own cost per call, retries and limits included.
func BenchmarkClient_GetRequest(b *testing.B) {
	raw := referenceResponse(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(raw)
	}))
	b.Cleanup(srv.Close)
	c, err := NewClient(testConfig(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		if _, err := c.GetRequest(ctx, exampleID); err != nil {
			b.Fatal(err)
		}
	}
	benchcpu.Report(b, start)
}

// BenchmarkClient_ListRequests10000 lists requests from a local server:
// reading and decoding the answer.
func BenchmarkClient_ListRequests10000(b *testing.B) {
	body := referenceList(b, listBenchSize)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body))) // as IIS sends it
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	c, err := NewClient(testConfig(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		list, err := c.ListRequests(ctx, ListFilter{})
		if err != nil {
			b.Fatal(err)
		}
		if len(list) != listBenchSize {
			b.Fatalf("got %d requests, want %d", len(list), listBenchSize)
		}
	}
	benchcpu.Report(b, start)
}
