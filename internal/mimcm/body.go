package mimcm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// maxBodyBytes caps what is read of an answer, far above the longest list the API sends.
const maxBodyBytes = 64 << 20

const (
	maxErrorBodyBytes = 64 << 10 // enough for any message worth showing
	// answerChunk is the unit of reading, so that memory grows with what arrived, not what was announced.
	answerChunk = 64 << 10
	// freeAnswerBytes is what an answer may take before it needs the client's one large-answer slot.
	freeAnswerBytes = 1 << 20
)

var errAnswerTooLarge = errors.New("answer too large")

// answerReader reads answers into pooled chunks, and lets one at a time grow beyond freeAnswerBytes,
// so that huge answers in flight together hold one answer's worth of memory, not one each.
type answerReader struct {
	large chan struct{} // one slot
}

var chunks sync.Pool // *[answerChunk]byte

func newAnswerReader() *answerReader {
	return &answerReader{large: make(chan struct{}, 1)}
}

// read reads up to limit bytes; a longer answer fails unless cut is set. Call release when done.
func (a *answerReader) read(ctx context.Context, body io.Reader, length int64, limit int, cut bool) (b []byte, release func(), err error) {
	if length > int64(limit) && !cut {
		return nil, func() {}, announcedTooLarge(length, limit)
	}
	var (
		held  []*[answerChunk]byte
		total int
		large bool
	)
	release = func() {
		if large {
			<-a.large
			large = false
		}
	}
	defer func() {
		for _, c := range held {
			chunks.Put(c)
		}
		if err != nil {
			release()
		}
	}()
	for {
		if total == len(held)*answerChunk {
			// Half of an announced length has arrived: the rest is read in
			// place, and the slot is taken first if it will be large.
			inPlace := !cut && length > answerChunk && length <= int64(limit) && 2*int64(total) >= length
			if (total >= freeAnswerBytes || inPlace && length > freeAnswerBytes) && !large {
				select {
				case a.large <- struct{}{}:
					large = true
				case <-ctx.Done():
					return nil, release, ctx.Err()
				}
			}
			if inPlace {
				b, err = readRest(body, held, total, length, limit)
				return b, release, err
			}
			c, _ := chunks.Get().(*[answerChunk]byte)
			if c == nil {
				c = new([answerChunk]byte)
			}
			held = append(held, c)
		}
		room := held[len(held)-1][total%answerChunk:]
		if over := total + len(room) - limit; over > 0 {
			room = room[:len(room)-over+1] // one byte past the limit tells a longer answer
		}
		n, rerr := body.Read(room)
		total += n
		switch {
		case total > limit && cut:
			total = limit
		case total > limit:
			return nil, release, tooLarge(limit)
		case rerr == io.EOF:
		case rerr != nil:
			return nil, release, rerr
		default:
			continue
		}
		break
	}
	b = make([]byte, total)
	for i, c := range held {
		copy(b[i*answerChunk:], c[:])
	}
	return b, release, nil
}

// announcedTooLarge is the error of an answer whose Content-Length is over limit.
func announcedTooLarge(length int64, limit int) error {
	return fmt.Errorf("%w: the server announced %d bytes (Content-Length), more than the %d MiB the client reads; none of it was read",
		errAnswerTooLarge, length, limit>>20)
}

// stream hands an answer to decode as it arrives, instead of reading it
// whole first, so that what decode keeps is all it takes. The limits of
// read hold: an announced length over limit is refused unread, an answer
// that runs past limit fails there, and one beyond freeAnswerBytes takes
// the large-answer slot, which release gives back. decode sees the
// errors of reading, and returns them.
func (a *answerReader) stream(ctx context.Context, body io.Reader, length int64, limit int, decode func(io.Reader) error) (release func(), err error) {
	if length > int64(limit) {
		return func() {}, announcedTooLarge(length, limit)
	}
	r := &streamedAnswer{ctx: ctx, body: body, limit: limit, a: a}
	release = func() {
		if r.large {
			<-a.large
			r.large = false
		}
	}
	if err := decode(r); err != nil {
		release()
		return func() {}, err
	}
	return release, nil
}

// streamedAnswer is an answer being streamed: see answerReader.stream.
type streamedAnswer struct {
	ctx   context.Context
	body  io.Reader
	limit int
	a     *answerReader
	read  int
	large bool
}

func (r *streamedAnswer) Read(p []byte) (int, error) {
	if r.read >= freeAnswerBytes && !r.large {
		select {
		case r.a.large <- struct{}{}:
			r.large = true
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		}
	}
	if room := r.limit + 1 - r.read; len(p) > room {
		p = p[:room] // one byte past the limit tells a longer answer
	}
	n, err := r.body.Read(p)
	if r.read += n; r.read > r.limit {
		return n, tooLarge(r.limit)
	}
	return n, err
}

// tooLarge is the error of an answer longer than limit.
func tooLarge(limit int) error {
	return fmt.Errorf("%w: the answer is larger than %d MiB; the client stopped reading it there", errAnswerTooLarge, limit>>20)
}

// readRest reads the rest of an answer announced as length bytes, of which
// total have arrived in held, into one buffer of that length. Half of the
// announcement has arrived, so it is believed: the answer then takes its
// length and the half in chunks, not twice its length as the copy of every
// chunk at its end would. A longer answer than announced grows the buffer
// up to limit.
func readRest(body io.Reader, held []*[answerChunk]byte, total int, length int64, limit int) ([]byte, error) {
	b := make([]byte, total, length+1) // one byte past the announcement tells a longer answer
	for i, c := range held {
		copy(b[i*answerChunk:], c[:])
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := body.Read(b[len(b):min(cap(b), limit+1)])
		b = b[:len(b)+n]
		switch {
		case len(b) > limit:
			return nil, tooLarge(limit)
		case err == io.EOF:
			return b, nil
		case err != nil:
			return nil, err
		}
	}
}

// maxDiscardBytes is what discard reads before giving up a connection: more than any IIS 401 page.
const maxDiscardBytes = 1 << 20

// discard drains and closes an answer not handed on, so that its connection can carry the next
// request: for NTLM, the handshake's next leg, which must travel on the same connection.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDiscardBytes))
	resp.Body.Close()
}

// releasingBody calls release when first closed, giving back a slot of the limit or an NTLM lane.
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
