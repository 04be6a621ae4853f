package mimcm

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestListProfileTemplates(t *testing.T) {
	const (
		smartcardID GUID = "7e3fa1a7-0000-4000-8000-0000000000aa"
		softID      GUID = "7e3fa1a7-0000-4000-8000-0000000000bb"
	)
	tests := []struct {
		name string
		r    reply
		want []ProfileTemplate
	}{
		{
			name: "the documented view, GUIDs in any case",
			r: jsonReply(200, `[{"Name":"Smartcard User","Description":"Badge and VPN","Uuid":"`+strings.ToUpper(string(smartcardID))+`","IsSmartcardProfileTemplate":true,"IsVirtualSmartcardProfileTemplate":false},`+
				`{"name":"Soft cert","description":"","uuid":"`+string(softID)+`","issmartcardprofiletemplate":false,"isvirtualsmartcardprofiletemplate":true,"Extra":[1]}]`),
			want: []ProfileTemplate{
				{Uuid: smartcardID, Name: "Smartcard User", Description: "Badge and VPN", IsSmartcard: true},
				{Uuid: softID, Name: "Soft cert", IsVirtualSmartcard: true},
			},
		},
		{name: "204: none", r: reply{status: 204}, want: []ProfileTemplate{}},
		{name: "[]: none", r: jsonReply(200, `[]`), want: []ProfileTemplate{}},
		{name: "empty 200: none", r: reply{status: 200}, want: []ProfileTemplate{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := scriptedServer(t, tc.r)
			got, err := newTestClient(t, srv.URL).ListProfileTemplates(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || len(got) != len(tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("template %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			call := calls.all()[0]
			if call.Method != "GET" || call.Path != DefaultBasePath+"/profiletemplates" || call.RawQuery != "targetuser=current" {
				t.Errorf("sent %s %s?%s", call.Method, call.Path, call.RawQuery)
			}
		})
	}
}

func TestListProfileTemplates_undecodable(t *testing.T) {
	tests := map[string]struct {
		r    reply
		want string
	}{
		"an object":    {jsonReply(200, `{"Name":"x"}`), "want a JSON array of profile templates"},
		"a page":       {reply{status: 200, body: "<html></html>", header: map[string]string{"Content-Type": "text/html"}}, "but got text/html"},
		"without Uuid": {jsonReply(200, `[{"Name":"Orphan","Uuid":"`+ZeroGUID+`"}]`), `profile template 1 of the list ("Orphan") has no Uuid`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, _ := scriptedServer(t, tc.r)
			_, err := newTestClient(t, srv.URL).ListProfileTemplates(context.Background())
			_ = asAPIError(t, err, ErrUndecodable)
			containsAll(t, "Error()", err.Error(), tc.want)
		})
	}
}

func TestGetProfileTemplate(t *testing.T) {
	const id GUID = "7e3fa1a7-0000-4000-8000-0000000000aa"
	srv, calls := scriptedServer(t, jsonReply(200, `{"Name":"Smartcard User","Description":"d","Uuid":"`+strings.ToUpper(string(id))+`","IsSmartcardProfileTemplate":true,"Policies":[]}`))
	got, err := newTestClient(t, srv.URL).GetProfileTemplate(context.Background(), GUID(strings.ToUpper(string(id))))
	if err != nil {
		t.Fatal(err)
	}
	if want := (ProfileTemplate{Uuid: id, Name: "Smartcard User", Description: "d", IsSmartcard: true}); *got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if call := calls.all()[0]; call.Path != DefaultBasePath+"/profiletemplates/"+string(id) {
		t.Errorf("sent GET %s", call.Path)
	}
}

func TestGetProfileTemplate_failures(t *testing.T) {
	const id GUID = "7e3fa1a7-0000-4000-8000-0000000000aa"
	tests := map[string]struct {
		r    reply
		kind error
		want string
	}{
		"204":              {reply{status: 204}, ErrProfileTemplateNotFound, "profile template not found (HTTP 204). Check the profile template GUID"},
		"another template": {jsonReply(200, `{"Uuid":"7e3fa1a7-0000-4000-8000-0000000000bb"}`), ErrUndecodable, "describes profile template 7e3fa1a7-0000-4000-8000-0000000000bb instead"},
		"null":             {jsonReply(200, `null`), ErrUndecodable, `want a JSON profile template object: got "null"`},
		"an array":         {jsonReply(200, `[]`), ErrUndecodable, "want a JSON profile template object"},
		"404":              {jsonReply(404, ``), ErrRouteNotFound, "(HTTP 404)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, _ := scriptedServer(t, tc.r)
			got, err := newTestClient(t, srv.URL).GetProfileTemplate(context.Background(), id)
			if got != nil {
				t.Errorf("got %+v along with the error", got)
			}
			apiErr := asAPIError(t, err, tc.kind)
			if apiErr.Path != DefaultBasePath+"/profiletemplates/"+string(id) {
				t.Errorf("error names %s", apiErr.Path)
			}
			if errors.Is(err, ErrRequestNotFound) || errors.Is(err, ErrPolicyNotFound) {
				t.Errorf("a template's failure passes for a request's or a policy's: %v", err)
			}
			containsAll(t, "Error()", err.Error(), tc.want)
		})
	}
}

func TestGetProfileTemplate_badID(t *testing.T) {
	srv, calls := scriptedServer(t, reply{status: 204})
	_, err := newTestClient(t, srv.URL).GetProfileTemplate(context.Background(), "../requests")
	if err == nil || !strings.Contains(err.Error(), `profile template: "../requests" is not a GUID`) {
		t.Errorf("err = %v", err)
	}
	if calls.count() != 0 {
		t.Errorf("server saw %q", calls.methods())
	}
}
