package mimcm

import (
	"io"
	"net/http"
	"sync"
)

// maxDiscardBytes is how much of an unwanted answer discard reads before
// giving up on its connection: enough for any 401 page IIS writes.
const maxDiscardBytes = 1 << 20

// discard reads what is left of an answer that is not handed on, up to
// maxDiscardBytes, and closes it, so that its connection can carry the
// next request — for NTLM, the handshake's next leg, which must travel on
// the same connection.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDiscardBytes))
	resp.Body.Close()
}

// releasingBody calls release once, when the body is first closed: it
// gives back what the request held while its answer was read (a slot of
// the concurrency limit, an NTLM lane).
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
