package mimcm

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ParseHost checks an API host such as "https://api.contoso.com" and returns it without a trailing
// slash. Its errors never repeat credentials written into the URL, whether it parses or not.
func ParseHost(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("the host is empty; want the API's scheme and host, for example https://api.contoso.com")
	}
	redacted := redactUserinfoText(s)
	shown := QuoteInput(redacted)
	u, err := url.Parse(s)
	switch {
	case err != nil && redacted != s:
		// The parser's reason may quote part of the password.
		return "", fmt.Errorf("%s is not a URL, and carries credentials in it; configure them with username and password instead, "+
			"and set host to the API's scheme and host only, for example https://api.contoso.com", shown)
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the whole input again
		}
		return "", fmt.Errorf("%s is not a URL: %s; want the API's scheme and host, for example https://api.contoso.com", shown, cutText(err.Error()))
	case u.User != nil:
		return "", fmt.Errorf("%s carries credentials in the URL; configure them with username and password instead", shown)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%s has no http or https scheme; want the API's scheme and host, for example https://api.contoso.com", shown)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("%s has no host name; want the API's scheme and host, for example https://api.contoso.com", shown)
	case u.Path != "" && u.Path != "/":
		return "", fmt.Errorf("%s has a path (%s); set only scheme and host here and put the path in base_path", shown, cutText(u.Path))
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.Contains(s, "#"):
		return "", fmt.Errorf("%s has a query or fragment; want only the API's scheme and host, for example https://api.contoso.com", shown)
	}
	return u.Scheme + "://" + u.Host, nil
}

// ParseBasePath checks a base path ("" gives DefaultBasePath), so that one that cannot be sent fails here.
func ParseBasePath(s string) (string, error) {
	if s == "" {
		return DefaultBasePath, nil
	}
	shown := QuoteInput(s)
	if !strings.HasPrefix(s, "/") {
		return "", fmt.Errorf("%s does not start with \"/\"; want a path such as %s", shown, DefaultBasePath)
	}
	if strings.ContainsAny(s, "?#") {
		return "", fmt.Errorf("%s has a query or fragment; want a path such as %s", shown, DefaultBasePath)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f:
			return "", fmt.Errorf("%s has a control character at byte %d; want a path such as %s", shown, i+1, DefaultBasePath)
		case c == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])):
			return "", fmt.Errorf("%s has a bad escape at byte %d: %% must be followed by two hexadecimal digits; write a literal %% as %%25", shown, i+1)
		}
	}
	return strings.TrimRight(s, "/"), nil
}
