package mimcm

import "strings"

// Challenge is a WWW-Authenticate challenge or Authorization credentials (RFC 7235, 2.1 and 4).
type Challenge struct {
	// Scheme is as the header spells it; compare it with Is.
	Scheme string
	// Token68 is the scheme's token68, or the malformed data after it, so that it is refused, not missed.
	Token68 string
	// Params are the auth-params by lower-cased name, quoted-strings unquoted.
	Params map[string]string
}

// Is reports whether the challenge is of scheme, in any case.
func (c Challenge) Is(scheme string) bool { return strings.EqualFold(c.Scheme, scheme) }

// ParseChallenges reads WWW-Authenticate values in order; a malformed challenge ends at the next comma.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		p := authParser{s: v}
		for {
			p.skipListSeparators()
			if p.done() {
				break
			}
			if c, _ := p.challenge(); c.Scheme != "" {
				out = append(out, c)
			} else {
				p.skipPast(',')
			}
		}
	}
	return out
}

// ParseAuthorization reads an Authorization value; ok is false unless it holds one valid credential.
func ParseAuthorization(value string) (c Challenge, ok bool) {
	p := authParser{s: value}
	p.skipSpace()
	c, ok = p.challenge()
	p.skipSpace()
	return c, ok && p.done()
}

type authParser struct {
	s string
	i int
}

func (p *authParser) done() bool { return p.i >= len(p.s) }

func (p *authParser) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.i]
}

func (p *authParser) skipSpace() {
	for !p.done() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *authParser) skipListSeparators() {
	for !p.done() && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == ',') {
		p.i++
	}
}

func (p *authParser) skipPast(b byte) {
	for !p.done() && p.s[p.i] != b {
		p.i++
	}
}

func (p *authParser) run(in func(byte) bool) string {
	start := p.i
	for !p.done() && in(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// challenge reads `scheme [ 1*SP ( token68 / #auth-param ) ]`; a malformed one keeps the rest as Token68.
func (p *authParser) challenge() (c Challenge, ok bool) {
	c.Scheme = p.run(isTokenChar)
	if c.Scheme == "" {
		return c, false
	}
	spaced := p.peek() == ' ' || p.peek() == '\t'
	p.skipSpace()
	if p.done() || p.peek() == ',' {
		return c, true
	}
	start := p.i
	if spaced {
		if tok, ok := p.token68(); ok {
			c.Token68 = tok
			return c, true
		}
		if p.params(&c) {
			return c, true
		}
		c.Params = nil // the rest, from start, is the malformed data
	}
	p.skipPast(',')
	c.Token68 = strings.TrimSpace(p.s[start:p.i])
	return c, false
}

func (p *authParser) token68() (string, bool) {
	start := p.i
	p.run(isToken68Char)
	if p.i == start {
		return "", false
	}
	p.run(func(b byte) bool { return b == '=' })
	end := p.i
	p.skipSpace()
	if p.done() || p.peek() == ',' {
		return p.s[start:end], true
	}
	p.i = start
	return "", false
}

// params reads `#auth-param`, stopping before a token without "=": the next challenge's scheme.
func (p *authParser) params(c *Challenge) bool {
	for {
		p.skipListSeparators()
		if p.done() {
			return c.Params != nil
		}
		start := p.i
		name := p.run(isTokenChar)
		p.skipSpace()
		if name == "" || p.peek() != '=' {
			p.i = start
			return c.Params != nil && name != ""
		}
		p.i++ // "="
		p.skipSpace()
		value, ok := p.paramValue()
		if !ok {
			return false
		}
		if c.Params == nil {
			c.Params = map[string]string{}
		}
		c.Params[strings.ToLower(name)] = value
		p.skipSpace()
		if !p.done() && p.peek() != ',' {
			return false
		}
	}
}

func (p *authParser) paramValue() (string, bool) {
	if p.peek() != '"' {
		v := p.run(isTokenChar)
		return v, v != ""
	}
	p.i++
	open := p.i
	var b strings.Builder
	for !p.done() {
		ch := p.s[p.i]
		p.i++
		switch {
		case ch == '"':
			return b.String(), true
		case ch == '\\' && !p.done():
			b.WriteByte(p.s[p.i])
			p.i++
		default:
			b.WriteByte(ch)
		}
	}
	p.i = open // unterminated: the challenge ends at the next comma after all
	return "", false
}

// isTokenChar: tchar of RFC 9110 section 5.6.2.
func isTokenChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// isToken68Char: the characters of a token68 before its trailing "=".
func isToken68Char(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", b) >= 0
}
