package advocacy

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"clearpost/internal/jobs"

	"github.com/google/uuid"
)

// Click buffer defaults.
const (
	DefaultFlushEvery  = 100 * time.Millisecond
	DefaultFlushBatch  = 500
	DefaultClickBuffer = 50_000 // ten seconds of clicks at 5,000 a second
	DefaultClickWait   = 500 * time.Millisecond
	flushTimeout       = 5 * time.Second
)

// click is one counted click waiting in memory for its outbox row.
type click struct {
	org, share uuid.UUID
	visitor    string
	at         time.Time
	trace      *string // the request's traceparent, for the outbox row
}

// clickBuffer holds clicks between the requests that make them and the flusher that writes them.
// Requests append at the end; only the flusher removes, from the front, and only once a batch is
// written, so a click stays buffered until PostgreSQL has it.
type clickBuffer struct {
	mu     sync.Mutex
	clicks []click
	closed bool          // after the last flush: nothing is written any more
	max    int           // clicks held at most
	batch  int           // clicks per write
	full   chan struct{} // a batch is waiting, or a visitor (1 slot)

	added, written uint64        // clicks appended, and clicks written, since the start
	flushed        chan struct{} // closed, and replaced, each time clicks are written
}

// add appends c and returns its place in the sequence of clicks, or false when there was no room.
func (b *clickBuffer) add(c click) (uint64, bool) {
	b.mu.Lock()
	if b.closed || len(b.clicks) >= b.max {
		b.mu.Unlock()
		return 0, false
	}
	b.clicks = append(b.clicks, c)
	b.added++
	n, seq := len(b.clicks), b.added
	b.mu.Unlock()
	if n == b.batch {
		b.flushNow()
	}
	return seq, true
}

// flushNow asks the flusher to write without waiting for its tick.
func (b *clickBuffer) flushNow() {
	select {
	case b.full <- struct{}{}:
	default:
	}
}

// waitWritten waits until the click at seq is written, or for d.
func (b *clickBuffer) waitWritten(seq uint64, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		b.mu.Lock()
		done, flushed := b.written >= seq, b.flushed
		b.mu.Unlock()
		if done {
			return
		}
		select {
		case <-flushed:
		case <-timer.C:
			return
		}
	}
}

// peek copies up to batch clicks from the front into dst.
func (b *clickBuffer) peek(dst []click) []click {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append(dst[:0], b.clicks[:min(len(b.clicks), b.batch)]...)
}

// remove drops the n clicks at the front, once written.
func (b *clickBuffer) remove(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.written += uint64(n)
	close(b.flushed)
	b.flushed = make(chan struct{})
	if n == len(b.clicks) {
		clear(b.clicks)
		b.clicks = b.clicks[:0] // keep the array: the buffer is usually emptied whole
		return
	}
	b.clicks = b.clicks[n:]
}

// close refuses further clicks and returns how many are left unwritten.
func (b *clickBuffer) close() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return len(b.clicks)
}

// flusher writes the buffered clicks to the outbox every FlushEvery, and at once when a batch is
// waiting, until Close. While PostgreSQL refuses them they stay buffered and the write is retried
// with backoff; new clicks are buffered meanwhile, up to the buffer's bound.
func (rd *Redirector) flusher() {
	defer close(rd.done)
	tick := time.NewTicker(rd.flushEvery)
	defer tick.Stop()
	var (
		batch    []click
		failures int
		retryAt  time.Time
		since    time.Time
	)
	for {
		select {
		case <-tick.C:
		case <-rd.clicks.full:
		case <-rd.stopping:
			rd.closeErr = rd.flushLast(batch)
			return
		}
		if time.Now().Before(retryAt) {
			continue
		}
		var err error
		batch, err = rd.flush(context.Background(), batch)
		rd.failing.Store(err != nil)
		if err != nil {
			if failures == 0 {
				since = time.Now()
				rd.log.Warn("clicks wait in memory: the outbox refuses them; retrying with backoff", slog.Any("error", err))
			}
			failures++
			retryAt = time.Now().Add(jobs.Backoff(failures))
			continue
		}
		if failures > 0 {
			rd.log.Info("clicks written again", slog.Int("failed_attempts", failures), slog.Duration("failing_for", time.Since(since)))
			failures, retryAt = 0, time.Time{}
		}
	}
}

// flush writes the buffered clicks, batch by batch, until the buffer is empty or a write fails.
// batch is scratch space, returned for the next call.
func (rd *Redirector) flush(ctx context.Context, batch []click) ([]click, error) {
	for {
		batch = rd.clicks.peek(batch)
		if len(batch) == 0 {
			return batch, nil
		}
		if err := rd.write(ctx, batch); err != nil {
			return batch, err
		}
		rd.clicks.remove(len(batch))
	}
}

// flushLast writes what is buffered when Close is called, retrying with backoff until the close
// context ends, and then refuses further clicks.
func (rd *Redirector) flushLast(batch []click) error {
	ctx := rd.closeCtx
	var err error
	for failures := 1; ; failures++ {
		if batch, err = rd.flush(ctx, batch); err == nil || !jobs.Sleep(ctx, jobs.Backoff(failures)) {
			break
		}
	}
	// A click that comes in now, or came in while the last write was under way, is not written.
	if lost := rd.clicks.close(); lost > 0 {
		if err == nil {
			err = ctx.Err()
		}
		rd.log.Error("clicks not counted: the outbox refused them until shutdown", slog.Int("clicks", lost), slog.Any("error", err))
		return fmt.Errorf("%d clicks not written: %w", lost, err)
	}
	return nil
}

// write inserts one batch of clicks into the outbox, in one statement.
func (rd *Redirector) write(ctx context.Context, batch []click) error {
	ctx, cancel := context.WithTimeout(ctx, flushTimeout)
	defer cancel()
	msgs := make([]jobs.Message, len(batch))
	for i, c := range batch {
		p := clickPayload{ShareID: c.share, Visitor: c.visitor, At: c.at, Window: c.at.Truncate(rd.window)}
		// The key folds repeat clicks of a visitor while the first is still queued; the
		// database's unique key folds the rest.
		p.TaskKey = fmt.Sprintf("%s:%s:%d", c.share, c.visitor, p.Window.Unix())
		msgs[i] = jobs.Message{OrgID: c.org, Topic: jobs.TopicShareClicked, Payload: p, TraceContext: c.trace}
	}
	return jobs.EnqueueBatch(ctx, rd.pool, msgs)
}

// drop records a click the buffer had no room for: the metric each time, a log line once a second.
func (rd *Redirector) drop(ctx context.Context, share uuid.UUID) {
	rd.dropped()
	now, last := time.Now().UnixNano(), rd.droppedLogged.Load()
	if now-last >= int64(time.Second) && rd.droppedLogged.CompareAndSwap(last, now) {
		rd.log.ErrorContext(ctx, "click not counted: the click buffer is full (PostgreSQL slow or away)",
			slog.String("share_id", share.String()), slog.Int("buffer", rd.clicks.max))
	}
}

// Close writes the buffered clicks to the outbox and stops the flusher; a click made after Close
// is not counted. While PostgreSQL refuses them, the write is retried until ctx ends, and the error
// says how many clicks were lost. Close the Redirector before its pool.
func (rd *Redirector) Close(ctx context.Context) error {
	rd.closeOnce.Do(func() {
		rd.closeCtx = ctx
		close(rd.stopping)
	})
	<-rd.done
	return rd.closeErr
}
