package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/publish/platform"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
)

const (
	// maxExcerpt bounds the response excerpt kept of an attempt.
	maxExcerpt = 1024
	// maxErrorText bounds the error text kept of an attempt.
	maxErrorText = 1024
	// leaseMargin is how much longer than an attempt's timeout the attempt holds its delivery.
	leaseMargin = 20 * time.Second
	// recordTimeout bounds recording an attempt, which goes on when the task's context ends.
	recordTimeout = 10 * time.Second
)

// errInFlight is returned when another run of a delivery's task holds it: asynq retries later,
// when that run has recorded its outcome.
var errInFlight = errors.New("another attempt is in flight")

// claimed is a delivery an attempt holds.
type claimed struct {
	delivery *Delivery
	url      string
	sealed   []byte
	number   int
}

// result is the outcome of one attempt.
type result struct {
	status   *int
	excerpt  string
	err      string
	duration time.Duration
}

func (r result) ok() bool { return r.status != nil && *r.status >= 200 && *r.status < 300 }

func (r result) String() string {
	if r.status != nil {
		return "status " + strconv.Itoa(*r.status)
	}
	return r.err
}

// HandleDeliver is the jobs.TypeWebhookDeliver task handler: one attempt at one delivery. A 2xx answer makes it
// DELIVERED; anything else (another status, a network error, a timeout, a refused address) is
// logged and returned as an error so that asynq retries it with backoff, until the last retry, which
// makes it FAILED (and returns nil: the outcome is recorded, nothing is left to do). A delivery
// that is no longer PENDING, or whose subscription was deactivated or deleted, is not sent.
func (s *Service) HandleDeliver(ctx context.Context, t *asynq.Task) error {
	pl, err := jobs.DecodePayload[deliveryTask](t)
	if err != nil {
		return err
	}
	if pl.OrgID == uuid.Nil || pl.DeliveryID == uuid.Nil {
		return fmt.Errorf("webhook delivery: payload without org_id or delivery_id: %w", asynq.SkipRetry)
	}
	retried, maxRetry, known := retryState(ctx)
	final := known && retried >= maxRetry
	c, err := s.claim(ctx, pl.OrgID, pl.DeliveryID, final)
	if err != nil {
		return fmt.Errorf("webhook delivery %s: %w", pl.DeliveryID, err)
	}
	if c == nil {
		return nil
	}
	res := s.send(ctx, c)
	if err := s.record(ctx, c, res, final); err != nil {
		return fmt.Errorf("webhook delivery %s: record attempt %d (%s): %w", pl.DeliveryID, c.number, res, err)
	}
	switch {
	case res.ok():
		return nil
	case final:
		s.log.WarnContext(ctx, "webhook delivery failed after its last retry",
			slog.String("delivery_id", c.delivery.ID.String()), slog.String("subscription_id", c.delivery.SubscriptionID.String()),
			slog.String("org_id", c.delivery.OrgID.String()), slog.Int("attempts", c.number), slog.String("last_error", res.String()))
		return nil
	}
	return fmt.Errorf("webhook delivery %s attempt %d: %s", pl.DeliveryID, c.number, res)
}

// retryKey carries a task's retry counts in tests (export_test.go); under asynq they come from
// asynq's own context values.
type retryKey struct{}

type retryInfo struct{ retried, max int }

// retryState is how often the running task was retried and how often it may be; ok is false
// outside an asynq task.
func retryState(ctx context.Context) (retried, maxRetry int, ok bool) {
	if r, ok := ctx.Value(retryKey{}).(retryInfo); ok {
		return r.retried, r.max, true
	}
	retried, ok1 := asynq.GetRetryCount(ctx)
	maxRetry, ok2 := asynq.GetMaxRetry(ctx)
	return retried, maxRetry, ok1 && ok2
}

// claim takes a delivery for one attempt: it counts the attempt and holds the delivery until the
// attempt's lease runs out. It returns nil when there is nothing to send: the delivery is gone, no
// longer PENDING, or its subscription is inactive (the delivery is then CANCELLED). A delivery held
// by another run is retried later, or, on the last retry, FAILED (a run that is really in flight
// still makes it DELIVERED if it gets through).
func (s *Service) claim(ctx context.Context, org, id uuid.UUID, final bool) (*claimed, error) {
	var c *claimed
	err := postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := lockDelivery(ctx, tx, org, id)
		switch {
		case err != nil || l == nil:
			return err
		case l.Status != StatusPending:
			return nil
		case !l.active:
			return setCancelled(ctx, tx, id)
		case l.held && final:
			return setFailed(ctx, tx, id)
		case l.held:
			return errInFlight
		}
		n, err := startAttempt(ctx, tx, id, s.timeout+leaseMargin)
		if err != nil {
			return err
		}
		l.AttemptCount = n
		c = &claimed{delivery: l.Delivery, url: l.url, sealed: l.sealed, number: n}
		return nil
	})
	return c, err
}

// send makes the attempt: the signed POST of the delivery's body.
func (s *Service) send(ctx context.Context, c *claimed) result {
	secret, err := s.keys.Open(c.sealed, secretAAD(c.delivery.SubscriptionID))
	if err != nil {
		// Never send unsigned: an operator must restore the key (or an admin rotate the secret).
		return result{err: "the signing secret cannot be decrypted with the configured keys"}
	}
	defer clear(secret)
	body, err := c.delivery.Body()
	if err != nil {
		return result{err: "encode body: " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return result{err: "bad url"}
	}
	ts := s.now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Idempotency-Key", c.delivery.ID.String())
	req.Header.Set(HeaderEvent, c.delivery.Event)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderSignature, platform.Sign(secret, ts, body))
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return result{err: describe(err, s.timeout), duration: time.Since(start)}
	}
	defer resp.Body.Close()
	head, readErr := io.ReadAll(io.LimitReader(resp.Body, maxExcerpt))
	head = cutPartialRune(head)
	// Read on a little so the connection can be reused; never a whole huge body.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	r := result{status: &resp.StatusCode, excerpt: clean(string(head), maxExcerpt), duration: time.Since(start)}
	if readErr != nil && r.ok() {
		r.err = "reading the response: " + clean(describe(readErr, s.timeout), maxErrorText)
	}
	return r
}

// describe is the text an attempt's log shows for a failed round trip: without url.Error's
// repetition of the URL.
func describe(err error, timeout time.Duration) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Sprintf("no answer within %s", timeout)
		}
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", timeout)
	}
	return clean(err.Error(), maxErrorText)
}

// cutPartialRune drops a character cut off at the end of b (by the excerpt's limit).
func cutPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// clean makes s storable text of at most n bytes: valid UTF-8, no NUL, cut at a rune boundary.
func clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// record logs the attempt and settles the delivery: DELIVERED on 2xx (even if it was cancelled
// meanwhile: it did arrive), FAILED after the last retry, and releases it for the next attempt.
// It runs even when the task's context has ended, since the request may have been made.
func (s *Service) record(ctx context.Context, c *claimed, r result, final bool) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return postgres.WithTx(ctx, s.pool, func(tx pgx.Tx) error {
		found, err := settle(ctx, tx, c.delivery.ID, r.ok(), final)
		if err != nil || !found {
			return err // not found: deleted with its subscription meanwhile
		}
		return insertAttempt(ctx, tx, c.delivery, c.number, r)
	})
}
