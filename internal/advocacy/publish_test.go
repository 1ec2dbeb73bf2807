package advocacy_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"clearpost/internal/advocacy"
	"clearpost/internal/apperr"
	"clearpost/internal/content"
	"clearpost/internal/jobs"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

const token = "tok-3f9a-very-secret"

// scheduled connects the employee's X account and schedules a share of a new post to it.
func (b bundle) scheduled(t *testing.T) (*advocacy.Share, uuid.UUID) {
	t.Helper()
	post := b.approvedPost(t, sharedContent(false))
	ctx := as(b.employee)
	if _, err := b.svc.ConnectAccount(ctx, "x", token, "@emma"); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Hour)
	sh, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "x", ScheduleAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	if sh.Status != advocacy.StatusScheduled || sh.IntentURL != "" {
		t.Fatalf("scheduled share: %+v", sh)
	}
	return sh, post
}

func publishTask(t *testing.T, b bundle, sh *advocacy.Share) *asynq.Task {
	return task(t, jobs.TypeSharePublish, b.org, jobs.TopicShareScheduled, map[string]any{"share_id": sh.ID, "task_key": sh.ID.String()})
}

func (b bundle) share(t *testing.T, id uuid.UUID) *advocacy.Share {
	t.Helper()
	sh, err := b.svc.Get(as(b.admin), id)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

func TestScheduledSharePublishesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sh, _ := b.scheduled(t)

	var key string
	var processAt time.Time
	if err := b.pool.QueryRow(context.Background(), `SELECT payload->>'task_key', (payload->>'process_at')::timestamptz FROM outbox
		WHERE topic = $1 AND payload->>'share_id' = $2`, jobs.TopicShareScheduled, sh.ID.String()).Scan(&key, &processAt); err != nil {
		t.Fatalf("share.scheduled outbox row: %v", err)
	}
	if key != sh.ID.String() || !processAt.Equal(sh.ScheduleAt.Truncate(time.Microsecond)) {
		t.Fatalf("task_key %q process_at %s, want %s %s", key, processAt, sh.ID, sh.ScheduleAt)
	}
	// The token is stored sealed, and never returned.
	var sealed []byte
	if err := b.pool.QueryRow(context.Background(), `SELECT token_sealed FROM connected_accounts WHERE user_id = $1`, b.employee.UserID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if len(sealed) == 0 || bytes.Contains(sealed, []byte(token)) {
		t.Fatalf("token stored in the clear: %q", sealed)
	}
	accounts, err := b.svc.Accounts(as(b.employee))
	if err != nil || len(accounts) != 1 || !accounts[0].Connected || accounts[0].AccountID != "@emma" {
		t.Fatalf("accounts %+v, %v", accounts, err)
	}

	pub := &fakePublisher{block: make(chan struct{}), started: make(chan struct{}, 4)}
	h := advocacy.NewPublishHandler(b.pool, b.keys, pub, publicURL, nil)
	first := make(chan error, 1)
	go func() { first <- h.ProcessTask(context.Background(), publishTask(t, b, sh)) }()
	select {
	case <-pub.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the publisher was not called")
	}
	// The task runs again while the first run is publishing: it waits (asynq retries it).
	if err := h.ProcessTask(context.Background(), publishTask(t, b, sh)); err == nil || !strings.Contains(err.Error(), "being published") {
		t.Fatalf("a second run while the first publishes: %v", err)
	}
	close(pub.block)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	// And once more after it finished: nothing to do.
	if err := h.ProcessTask(context.Background(), publishTask(t, b, sh)); err != nil {
		t.Fatal(err)
	}
	calls := pub.Calls()
	if len(calls) != 1 {
		t.Fatalf("published %d times", len(calls))
	}
	c := calls[0]
	if c.Network != "x" || c.Creds["access_token"] != token || c.Creds["account_id"] != "@emma" ||
		c.Message.Text != sh.Text || c.Message.Link != sh.TrackedURL || c.Message.IdempotencyKey != sh.ID.String() {
		t.Fatalf("publish call %+v", c)
	}
	got := b.share(t, sh.ID)
	if got.Status != advocacy.StatusPublished || got.ExternalID != "ext-1" || got.ExternalURL != "https://x.example/status/1" ||
		got.PublishedAt == nil || got.SharedAt == nil {
		t.Fatalf("published share %+v", got)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'share.published' AND subject_id = $1`, sh.ID.String()); n != 1 {
		t.Fatalf("%d share.published events", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE details::text LIKE '%' || $1 || '%'`, token); n != 0 {
		t.Fatal("the token is in the audit log")
	}
}

func TestScheduledShareOfChangedPostCanceled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	edited, editedPost := b.scheduled(t)
	unapproved, unapprovedPost := b.scheduled(t)
	c := sharedContent(false)
	c.Body = "We launched, with different numbers."
	mustEdit(t, b.pool, editedPost, content.StateApproved, c) // re-approved, but not what was shared
	if _, err := b.pool.Exec(context.Background(), `UPDATE posts SET state = 'DRAFT' WHERE id = $1`, unapprovedPost); err != nil {
		t.Fatal(err)
	}

	pub := &fakePublisher{}
	h := advocacy.NewPublishHandler(b.pool, b.keys, pub, publicURL, nil)
	for _, sh := range []*advocacy.Share{edited, unapproved} {
		if err := h.ProcessTask(context.Background(), publishTask(t, b, sh)); err != nil {
			t.Fatal(err)
		}
	}
	if len(pub.Calls()) != 0 {
		t.Fatalf("published %d shares of changed posts", len(pub.Calls()))
	}
	if got := b.share(t, edited.ID); got.Status != advocacy.StatusCanceled || !strings.Contains(got.StatusReason, "content hash") {
		t.Fatalf("share of edited post: %s %q", got.Status, got.StatusReason)
	}
	if got := b.share(t, unapproved.ID); got.Status != advocacy.StatusCanceled || !strings.Contains(got.StatusReason, "no longer approved") {
		t.Fatalf("share of unapproved post: %s %q", got.Status, got.StatusReason)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'share.canceled'`); n != 2 {
		t.Fatalf("%d share.canceled events", n)
	}
}

func TestPublishErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	retried, _ := b.scheduled(t)
	refused, _ := b.scheduled(t)

	pub := &fakePublisher{err: errors.New("503 from the platform")}
	h := advocacy.NewPublishHandler(b.pool, b.keys, pub, publicURL, nil)
	err := h.ProcessTask(context.Background(), publishTask(t, b, retried))
	if err == nil || !strings.Contains(err.Error(), "503") || advocacy.IsPermanent(err) {
		t.Fatalf("retryable error: %v", err)
	}
	if got := b.share(t, retried.ID); got.Status != advocacy.StatusScheduled {
		t.Fatalf("after a retryable error: %s", got.Status)
	}
	// The retry publishes (the claim was released).
	pub.mu.Lock()
	pub.err = nil
	pub.mu.Unlock()
	if err := h.ProcessTask(context.Background(), publishTask(t, b, retried)); err != nil {
		t.Fatal(err)
	}
	if got := b.share(t, retried.ID); got.Status != advocacy.StatusPublished || len(pub.Calls()) != 2 {
		t.Fatalf("after retry: %s, %d calls", got.Status, len(pub.Calls()))
	}

	pub.mu.Lock()
	pub.err = advocacy.Permanent(errors.New("401 invalid token " + token))
	pub.mu.Unlock()
	if err := h.ProcessTask(context.Background(), publishTask(t, b, refused)); err != nil {
		t.Fatalf("permanent error returned for retry: %v", err)
	}
	got := b.share(t, refused.ID)
	if got.Status != advocacy.StatusFailed || !strings.Contains(got.StatusReason, "401 invalid token") || strings.Contains(got.StatusReason, token) {
		t.Fatalf("failed share: %s %q", got.Status, got.StatusReason)
	}
}

func TestDeactivatedUserRevoked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sh, post := b.scheduled(t)
	if _, err := b.svc.SetShareEditsNeedApproval(as(b.admin), true); err != nil {
		t.Fatal(err)
	}
	editable := b.approvedPost(t, sharedContent(true))
	pending, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: editable, Network: "x", Text: "Mine"})
	if err != nil || pending.Status != advocacy.StatusPendingApproval {
		t.Fatalf("pending share %+v, %v", pending, err)
	}
	opened, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		t.Fatal(err)
	}
	// Another user's account and shares are untouched.
	if _, err := b.svc.ConnectAccount(as(b.marketer), "x", "other-token", "@mark"); err != nil {
		t.Fatal(err)
	}

	if _, err := b.pool.Exec(context.Background(), `UPDATE users SET active = false WHERE id = $1`, b.employee.UserID); err != nil {
		t.Fatal(err)
	}
	var cleared bool
	var revoked *time.Time
	if err := b.pool.QueryRow(context.Background(), `SELECT token_sealed IS NULL, revoked_at FROM connected_accounts
		WHERE user_id = $1 AND network = 'x'`, b.employee.UserID).Scan(&cleared, &revoked); err != nil {
		t.Fatal(err)
	}
	if !cleared || revoked == nil {
		t.Fatalf("token cleared %v, revoked at %v", cleared, revoked)
	}
	if n := b.count(t, `SELECT count(*) FROM connected_accounts WHERE user_id = $1 AND token_sealed IS NOT NULL`, b.marketer.UserID); n != 1 {
		t.Fatal("another user's token was revoked")
	}
	for _, id := range []uuid.UUID{sh.ID, pending.ID} {
		if got := b.share(t, id); got.Status != advocacy.StatusCanceled || got.StatusReason != "the user was deactivated" {
			t.Fatalf("share %s: %s %q", id, got.Status, got.StatusReason)
		}
	}
	if got := b.share(t, opened.ID); got.Status != advocacy.StatusOpened {
		t.Fatalf("a share that went out changed: %s", got.Status)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'advocacy.revoked' AND subject_id = $1`, b.employee.UserID.String()); n != 1 {
		t.Fatalf("%d advocacy.revoked events", n)
	}
	accounts, err := b.svc.Accounts(as(b.employee))
	if err != nil || len(accounts) != 1 || accounts[0].Connected || accounts[0].RevokedAt == nil {
		t.Fatalf("accounts after deactivation %+v, %v", accounts, err)
	}
	pub := &fakePublisher{}
	if err := advocacy.NewPublishHandler(b.pool, b.keys, pub, publicURL, nil).ProcessTask(context.Background(), publishTask(t, b, sh)); err != nil {
		t.Fatal(err)
	}
	if len(pub.Calls()) != 0 {
		t.Fatal("a deactivated user's share was published")
	}
}

func TestConnectAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := as(b.employee)
	cases := []struct{ network, token, account, field string }{
		{"email", "t", "a", "network"},
		{"orkut", "t", "a", "network"},
		{"x", "", "a", "token"},
		{"x", " t", "a", "token"},
		{"x", "t", " ", "accountId"},
	}
	for _, c := range cases {
		_, err := b.svc.ConnectAccount(ctx, c.network, c.token, c.account)
		mustCode(t, err, apperr.Invalid, c.field)
	}
	if n := b.count(t, `SELECT count(*) FROM connected_accounts`) + b.count(t, `SELECT count(*) FROM audit_events`); n != 0 {
		t.Fatalf("refused connections wrote %d rows", n)
	}
	if _, err := b.svc.ConnectAccount(ctx, "LinkedIn", "t1", "emma"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.ConnectAccount(ctx, "linkedin", "t2", "emma-2"); err != nil {
		t.Fatal(err)
	}
	accounts, err := b.svc.Accounts(ctx)
	if err != nil || len(accounts) != 1 || accounts[0].AccountID != "emma-2" || accounts[0].Network != advocacy.LinkedIn {
		t.Fatalf("accounts %+v, %v", accounts, err)
	}
	if other, err := b.svc.Accounts(as(b.marketer)); err != nil || len(other) != 0 {
		t.Fatalf("another user sees %d accounts, %v", len(other), err)
	}

	// Disconnecting cancels the scheduled shares that would have gone out through the account.
	post := b.approvedPost(t, sharedContent(false))
	at := time.Now().Add(time.Hour)
	sh, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "linkedin", ScheduleAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.DisconnectAccount(ctx, "linkedin"); err != nil {
		t.Fatal(err)
	}
	mustCode(t, b.svc.DisconnectAccount(ctx, "linkedin"), apperr.NotFound, "")
	if got := b.share(t, sh.ID); got.Status != advocacy.StatusCanceled {
		t.Fatalf("share after disconnect: %s", got.Status)
	}
	if n := b.count(t, `SELECT count(*) FROM connected_accounts WHERE token_sealed IS NOT NULL`); n != 0 {
		t.Fatal("token kept after disconnect")
	}
}
