//go:build unix

package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/mimcm/terraform-provider-mimcm/internal/benchcpu"
	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// listBenchSize is the list the mimcm_requests target is stated for:
// 10,000 requests decode in at most 100 ms.
const listBenchSize = 10_000

// benchRequest is the reference request with two data collection items, so
// that every kind of attribute is converted.
func benchRequest() mimcm.Request {
	r := mockapi.ExampleRequest()
	note := "New starter smart card"
	r.DataCollection = []mimcm.DataCollectionItem{{Name: "Reason", Value: &note}, {Name: "Note"}}
	return r
}

// listBenchServer serves, with its Content-Length, the mock's answer to
// GET /requests holding n requests in the order the server keeps them
// (not submission order, so that sortRequests has work to do). The body is
// rendered once: the benchmark measures the client, not the mock.
func listBenchServer(b *testing.B, n int) (*httptest.Server, int) {
	b.Helper()
	m := mockapi.New(mockapi.Options{})
	start := time.Date(2015, 7, 7, 23, 36, 21, 930_000_000, time.UTC)
	template := benchRequest()
	reqs := make([]mimcm.Request, n)
	for i := range reqs {
		reqs[i] = template // Seed copies what it stores
		reqs[i].Uuid = mimcm.GUID(fmt.Sprintf("a9b4b42c-cc50-4c9b-89d1-%012x", i))
		reqs[i].Submitted = mimcm.NewTimestamp(start.Add(time.Duration(i%97) * time.Minute))
	}
	m.Seed(reqs...)
	rendered := httptest.NewRecorder()
	m.ServeHTTP(rendered, httptest.NewRequest(http.MethodGet, mimcm.DefaultBasePath+"/requests", nil))
	if rendered.Code != http.StatusOK {
		b.Fatalf("the mock answered the list with %d", rendered.Code)
	}
	body, err := io.ReadAll(rendered.Body)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv, len(body)
}

func benchClient(b *testing.B, host string) *mimcm.Client {
	b.Helper()
	c, err := mimcm.NewClient(mimcm.Config{Host: host})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkNewRequestAttributesModel converts one request into Terraform
// values, as every read of the resource and the data sources does.
func BenchmarkNewRequestAttributesModel(b *testing.B) {
	r := benchRequest()
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		_ = newRequestAttributesModel(&r)
	}
	benchcpu.Report(b, start)
}

// BenchmarkRequestsDataSource_list10000 is the provider's own part of
// reading mimcm_requests over 10,000 requests: the GET and its decoding,
// the sort, and the conversion of every request into the requests and ids
// lists.
func BenchmarkRequestsDataSource_list10000(b *testing.B) {
	srv, size := listBenchServer(b, listBenchSize)
	c := benchClient(b, srv.URL)
	ctx := context.Background()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		list, err := c.ListRequests(ctx, mimcm.ListFilter{})
		if err != nil {
			b.Fatal(err)
		}
		sortRequests(list)
		if _, _, diags := requestListValues(list); diags.HasError() {
			b.Fatal(diags)
		}
	}
	benchcpu.Report(b, start)
}

// BenchmarkRequestsDataSource_read10000 is the whole Read of mimcm_requests
// over 10,000 requests, the framework's conversion into state included:
// what one data source costs the provider process during a plan.
func BenchmarkRequestsDataSource_read10000(b *testing.B) {
	srv, size := listBenchServer(b, listBenchSize)
	ds := &RequestsDataSource{data: newProviderData(benchClient(b, srv.URL))}
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	objectType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		b.Fatalf("the schema's type is %T, want an object", schemaResp.Schema.Type().TerraformType(ctx))
	}
	nulls := map[string]tftypes.Value{}
	for name, t := range objectType.AttributeTypes {
		nulls[name] = tftypes.NewValue(t, nil)
	}
	config := tftypes.NewValue(objectType, nulls)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		req := datasource.ReadRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: config}}
		resp := &datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: config}}
		ds.Read(ctx, req, resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
	}
	benchcpu.Report(b, start)
}

// BenchmarkRequestStatusModel_getSet reads mimcm_request_status's state into
// its model and sets it back, as Read does and as ModifyPlan and Create do
// with the plan.
func BenchmarkRequestStatusModel_getSet(b *testing.B) {
	benchmarkGetSet(b,
		func(ctx context.Context, s *tfsdk.State, m *RequestStatusResourceModel) diag.Diagnostics {
			return getModel(ctx, s.Schema, s.Raw, m)
		},
		func(ctx context.Context, s *tfsdk.State, m *RequestStatusResourceModel) diag.Diagnostics {
			return setState(ctx, s, m)
		})
}

// BenchmarkRequestStatusModel_getSetFramework is the same with the
// framework's State.Get and State.Set, for comparison.
func BenchmarkRequestStatusModel_getSetFramework(b *testing.B) {
	benchmarkGetSet(b,
		func(ctx context.Context, s *tfsdk.State, m *RequestStatusResourceModel) diag.Diagnostics {
			return s.Get(ctx, m)
		},
		func(ctx context.Context, s *tfsdk.State, m *RequestStatusResourceModel) diag.Diagnostics {
			return s.Set(ctx, m)
		})
}

type modelConversion func(context.Context, *tfsdk.State, *RequestStatusResourceModel) diag.Diagnostics

func benchmarkGetSet(b *testing.B, get, set modelConversion) {
	ctx := context.Background()
	state, _ := requestStatusState(b)
	b.ReportAllocs()
	start := benchcpu.Start(b)
	for b.Loop() {
		var m RequestStatusResourceModel
		if diags := get(ctx, &state, &m); diags.HasError() {
			b.Fatal(diags)
		}
		if diags := set(ctx, &state, &m); diags.HasError() {
			b.Fatal(diags)
		}
	}
	benchcpu.Report(b, start)
}
