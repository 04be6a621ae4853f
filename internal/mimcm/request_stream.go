package mimcm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// streamChunk is what streamRequests reads at a time.
const streamChunk = 64 << 10

// undecodableError is an answer that is not what was asked for, however
// much of it was read: retrying cannot help, unlike an error of reading it.
type undecodableError struct{ err error }

func (e *undecodableError) Error() string { return e.err.Error() }
func (e *undecodableError) Unwrap() error { return e.err }

// streamRequests decodes a JSON array of requests as it is read from r,
// keeping those keep returns true for (all when keep is nil), so that a
// list of many more requests than are kept needs memory for the kept ones
// and the one being decoded, not for the whole answer. Its results are
// decodeRequests' for the same bytes (fuzzed), and keep is called as
// decodeRequests documents; an answer of nothing but whitespace is an
// empty list. An error of r is returned as it is, an answer that is not
// such an array as an *undecodableError.
func streamRequests(r io.Reader, keep func(*Request) bool) ([]Request, error) {
	d := &requestStream{r: r}
	c, ok, err := d.peek()
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return []Request{}, nil
	case c != '[':
		// Not an array, so no list to stream: read whole, within the
		// reader's cap, as other answers are.
		if err := d.fillAll(); err != nil {
			return nil, err
		}
		list, err := decodeRequests(d.buf[d.start:], keep)
		if err != nil {
			return nil, &undecodableError{err}
		}
		return list, nil
	}
	d.start++
	list := []Request{}
	for first := true; ; first = false {
		c, _, err := d.peek()
		switch {
		case err != nil:
			return nil, err
		case c == ']' && first:
			d.start++
			return list, d.end()
		}
		var req Request
		if err := d.request(&req); err != nil {
			return nil, err
		}
		if keep == nil || keep(&req) {
			list = append(list, req)
		}
		switch c, ok, err := d.peek(); {
		case err != nil:
			return nil, err
		case !ok:
			return nil, &undecodableError{errors.New("the answer ends after a request, before the array's end")}
		case c == ',':
			d.start++
		case c == ']':
			d.start++
			return list, d.end()
		default:
			return nil, d.unexpected(c, "after a request in the array")
		}
	}
}

// requestStream is an answer being read: buf[start:] has arrived and is
// not decoded yet.
type requestStream struct {
	r     io.Reader
	buf   []byte
	start int
	eof   bool
	scan  requestScanner // one for the whole answer, so that it interns the GUIDs that repeat
}

// fill reads more of the answer, after moving what is not decoded yet to
// the front of buf. It reports whether anything is left to read.
func (d *requestStream) fill() (bool, error) {
	if d.eof {
		return false, nil
	}
	if d.start > 0 {
		d.buf = d.buf[:copy(d.buf, d.buf[d.start:])]
		d.start = 0
	}
	if cap(d.buf)-len(d.buf) < streamChunk {
		// Only a request longer than what buf holds makes it grow.
		grown := make([]byte, len(d.buf), max(2*cap(d.buf), len(d.buf)+streamChunk))
		copy(grown, d.buf)
		d.buf = grown
	}
	n, err := d.r.Read(d.buf[len(d.buf):cap(d.buf)])
	d.buf = d.buf[:len(d.buf)+n]
	switch {
	case errors.Is(err, io.EOF):
		d.eof = true
	case err != nil:
		return false, err
	}
	return true, nil
}

// fillAll reads the rest of the answer.
func (d *requestStream) fillAll() error {
	for {
		more, err := d.fill()
		if !more || err != nil {
			return err
		}
	}
}

// peek skips whitespace and returns the byte that follows, without taking
// it; false at the end of the answer.
func (d *requestStream) peek() (byte, bool, error) {
	for {
		for ; d.start < len(d.buf); d.start++ {
			switch c := d.buf[d.start]; c {
			case ' ', '\t', '\n', '\r':
			default:
				return c, true, nil
			}
		}
		more, err := d.fill()
		if !more || err != nil {
			return 0, false, err
		}
	}
}

// request decodes the array element that comes next, reading on while it
// is cut short. It tries again only once twice as much has arrived, so
// that an element arriving in many small reads takes time linear in its
// length, not quadratic.
func (d *requestStream) request(req *Request) error {
	next := 0 // what must have arrived before the next try
	for {
		if avail := len(d.buf) - d.start; avail >= next || d.eof {
			done, err := d.tryRequest(req)
			switch {
			case done || err != nil:
				return err
			case d.eof:
				return &undecodableError{errors.New("the answer ends inside the array of requests")}
			}
			next = max(2*avail, 1)
		}
		if _, err := d.fill(); err != nil {
			return err
		}
	}
}

// tryRequest decodes the element at the front of buf: through the fast
// path when it has arrived whole in the server's own form, otherwise
// through encoding/json. It reports false, without an error, when the
// element is not whole yet.
func (d *requestStream) tryRequest(req *Request) (bool, error) {
	s := &d.scan
	s.b, s.i = d.buf[d.start:], 0
	if s.literal("null") || s.request(req) {
		d.start += s.i
		return true, nil
	}
	*req = Request{}
	dec := json.NewDecoder(bytes.NewReader(d.buf[d.start:]))
	var w wireRequest
	switch err := dec.Decode(&w); {
	case err == nil:
		*req = w.request()
		d.start += int(dec.InputOffset())
		return true, nil
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return false, nil
	default:
		return false, &undecodableError{err}
	}
}

// end checks that nothing but whitespace follows the array.
func (d *requestStream) end() error {
	c, ok, err := d.peek()
	if err != nil || !ok {
		return err
	}
	return d.unexpected(c, "after the array of requests")
}

func (d *requestStream) unexpected(c byte, where string) error {
	return &undecodableError{fmt.Errorf("invalid character %q %s", c, where)}
}
