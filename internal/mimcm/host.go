package mimcm

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseHost checks an API host of the form "https://api.contoso.com" (scheme
// http or https, a host name, an optional port, no path, query or fragment)
// and returns it without a trailing slash.
func ParseHost(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("the host is empty; want the API's scheme and host, for example https://api.contoso.com")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %w; want the API's scheme and host, for example https://api.contoso.com", s, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%q has no http or https scheme; want the API's scheme and host, for example https://api.contoso.com", s)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("%q has no host name; want the API's scheme and host, for example https://api.contoso.com", s)
	case u.User != nil:
		return "", fmt.Errorf("%q carries credentials in the URL; configure them with username and password instead", redactUserinfo(u))
	case u.Path != "" && u.Path != "/":
		return "", fmt.Errorf("%q has a path (%s); set only scheme and host here and put the path in base_path", s, u.Path)
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.Contains(s, "#"):
		return "", fmt.Errorf("%q has a query or fragment; want only the API's scheme and host, for example https://api.contoso.com", s)
	}
	return u.Scheme + "://" + u.Host, nil
}

func redactUserinfo(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	return c.String()
}

// ParseBasePath checks a base path ("/CertificateManagement/api/v1.0") and
// returns it without a trailing slash; "" gives DefaultBasePath.
func ParseBasePath(s string) (string, error) {
	if s == "" {
		return DefaultBasePath, nil
	}
	if !strings.HasPrefix(s, "/") {
		return "", fmt.Errorf("%q does not start with \"/\"; want a path such as %s", s, DefaultBasePath)
	}
	if strings.ContainsAny(s, "?#") {
		return "", fmt.Errorf("%q has a query or fragment; want a path such as %s", s, DefaultBasePath)
	}
	return strings.TrimRight(s, "/"), nil
}
