//go:build unix

package mimcm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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
