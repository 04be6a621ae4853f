package mimcm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// ProfileTemplate is the limited view of a profile template that GET /profiletemplates lists.
type ProfileTemplate struct {
	Uuid               GUID
	Name               string
	Description        string
	IsSmartcard        bool
	IsVirtualSmartcard bool
}

// wireProfileTemplate is a ProfileTemplate as the API writes it; encoding/json matches its names
// in any case, and GUID lower-cases the Uuid.
type wireProfileTemplate struct {
	Uuid                              GUID   `json:"Uuid"`
	Name                              string `json:"Name"`
	Description                       string `json:"Description"`
	IsSmartcardProfileTemplate        bool   `json:"IsSmartcardProfileTemplate"`
	IsVirtualSmartcardProfileTemplate bool   `json:"IsVirtualSmartcardProfileTemplate"`
}

func (w wireProfileTemplate) template() ProfileTemplate {
	return ProfileTemplate{
		Uuid: w.Uuid, Name: w.Name, Description: w.Description,
		IsSmartcard: w.IsSmartcardProfileTemplate, IsVirtualSmartcard: w.IsVirtualSmartcardProfileTemplate,
	}
}

// ListProfileTemplates lists the profile templates the caller may use (GET
// /profiletemplates?targetuser=current, the only target the API supports), in the server's order;
// a 204 answer, like an empty array, gives an empty list.
func (c *Client) ListProfileTemplates(ctx context.Context) ([]ProfileTemplate, error) {
	res, err := c.call(ctx, apiCall{method: http.MethodGet, path: "/profiletemplates", query: url.Values{"targetuser": {"current"}}})
	if err != nil {
		return nil, err
	}
	defer res.release()
	list := []ProfileTemplate{}
	if res.status == http.StatusNoContent || len(bytes.TrimSpace(res.body)) == 0 {
		return list, nil
	}
	var wire []wireProfileTemplate
	if err := json.Unmarshal(res.body, &wire); err != nil {
		return nil, res.fail(ErrUndecodable, fmt.Errorf("want a JSON array of profile templates%s: %w", res.contentTypeNote(), err))
	}
	for i, w := range wire {
		if w.Uuid.IsZero() {
			return nil, res.fail(ErrUndecodable, fmt.Errorf("profile template %d of the list (%s) has no Uuid", i+1, QuoteInput(w.Name)))
		}
		list = append(list, w.template())
	}
	return list, nil
}

// GetProfileTemplate reads one profile template; a 204 answer gives an *APIError of kind
// ErrProfileTemplateNotFound.
func (c *Client) GetProfileTemplate(ctx context.Context, id GUID) (*ProfileTemplate, error) {
	id, err := ParseGUID(string(id))
	if err != nil {
		return nil, fmt.Errorf("profile template: %w", err)
	}
	res, err := c.call(ctx, apiCall{method: http.MethodGet, path: "/profiletemplates/" + string(id)})
	if err != nil {
		return nil, err
	}
	defer res.release()
	if res.status == http.StatusNoContent {
		return nil, res.fail(ErrProfileTemplateNotFound, nil)
	}
	var w *wireProfileTemplate
	if err := json.Unmarshal(res.body, &w); err != nil || w == nil {
		if err == nil {
			err = fmt.Errorf("got %s", QuoteInput(clean(string(res.body), maxMessageLen)))
		}
		return nil, res.fail(ErrUndecodable, fmt.Errorf("want a JSON profile template object%s: %w", res.contentTypeNote(), err))
	}
	switch {
	case w.Uuid.IsZero():
		w.Uuid = id
	case w.Uuid != id:
		return nil, res.fail(ErrUndecodable, fmt.Errorf("the answer describes profile template %s instead", w.Uuid))
	}
	t := w.template()
	return &t, nil
}
