package publish_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/publish"
	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
	"clearpost/internal/secretbox"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// bundle is what a test needs: a fresh database with two organizations (acme, the caller's, and
// globex, someone else's), acme's admin, marketer, reviewer and employee and globex's admin, fake
// X and webhook platforms, and the service pointed at them.
type bundle struct {
	pool *pgxpool.Pool
	keys *secretbox.Keyring
	svc  *publish.Service
	x    *platformtest.X
	hook *platformtest.WebhookReceiver

	org, other  uuid.UUID
	admin       *auth.Principal
	marketer    *auth.Principal
	reviewer    *auth.Principal
	employee    *auth.Principal
	otherAdmin  *auth.Principal
	adapterOpts platform.Options
}

func setup(t *testing.T) *bundle {
	t.Helper()
	pool := pgtest.New(t)
	keys, err := secretbox.Parse(secretbox.NewKey("test"))
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle{pool: pool, keys: keys, x: platformtest.NewX(t), hook: platformtest.NewWebhookReceiver(t)}
	b.adapterOpts = platform.Options{
		HTTPClient:            &http.Client{Timeout: 10 * time.Second},
		XBaseURL:              b.x.URL,
		AllowPrivateAddresses: true, // the webhook receiver listens on loopback
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	b.svc = publish.NewService(pool, keys, platform.Adapters(b.adapterOpts), log)
	b.org = mustOrg(t, pool, "acme")
	b.other = mustOrg(t, pool, "globex")
	b.admin = mustUser(t, pool, b.org, "admin@acme.test", auth.RoleAdmin)
	b.marketer = mustUser(t, pool, b.org, "marketer@acme.test", auth.RoleMarketer)
	b.reviewer = mustUser(t, pool, b.org, "reviewer@acme.test", auth.RoleReviewer)
	b.employee = mustUser(t, pool, b.org, "employee@acme.test", auth.RoleEmployee)
	b.otherAdmin = mustUser(t, pool, b.other, "admin@globex.test", auth.RoleAdmin, auth.RoleMarketer)
	return b
}

func as(p *auth.Principal) context.Context { return auth.WithPrincipal(context.Background(), p) }

func mustOrg(tb testing.TB, db postgres.DB, slug string) uuid.UUID {
	tb.Helper()
	var id uuid.UUID
	if err := db.QueryRow(context.Background(), `INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id`, slug).Scan(&id); err != nil {
		tb.Fatalf("insert organization %s: %v", slug, err)
	}
	return id
}

// mustUser inserts an active user and returns them as a principal.
func mustUser(tb testing.TB, db postgres.DB, org uuid.UUID, email string, roles ...auth.Role) *auth.Principal {
	tb.Helper()
	p := &auth.Principal{OrgID: org, Email: email, Name: email, Roles: roles}
	if err := db.QueryRow(context.Background(), `INSERT INTO users (org_id, issuer, subject, email, name, roles)
		VALUES ($1, 'https://idp.test', $2, $2, $2, $3) RETURNING id`, org, email, roles).Scan(&p.UserID); err != nil {
		tb.Fatalf("insert user %s: %v", email, err)
	}
	return p
}

// post is a post with its first version.
type post struct {
	ID, Version uuid.UUID
	Hash        string
	Content     content.Content
}

// mustPost inserts a post of author in state with one version of c; an APPROVED post also gets
// the APPROVED review of that version, as the approval pipeline leaves it.
func mustPost(tb testing.TB, db *pgxpool.Pool, author *auth.Principal, state content.State, c content.Content) post {
	tb.Helper()
	ctx := context.Background()
	c = c.Normalize()
	p := post{Hash: c.Hash(), Content: c}
	err := postgres.WithTx(ctx, db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO posts (org_id, author_id, state, title, approved_at)
			VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'APPROVED' THEN now() END) RETURNING id`,
			author.OrgID, author.UserID, state, c.Title).Scan(&p.ID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO post_versions (org_id, post_id, number, content, content_hash, author_id)
			VALUES ($1, $2, 1, $3, $4, $5) RETURNING id`, author.OrgID, p.ID, c.Canonical(), p.Hash, author.UserID).Scan(&p.Version); err != nil {
			return err
		}
		if state != content.StateApproved {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO reviews (org_id, post_id, version_id, content_hash, plan, status, submitted_by, closed_at)
			VALUES ($1, $2, $3, $4, '{}', 'APPROVED', $5, now())`, author.OrgID, p.ID, p.Version, p.Hash, author.UserID)
		return err
	})
	if err != nil {
		tb.Fatalf("insert post: %v", err)
	}
	return p
}

// approve makes a drafted post APPROVED with an approved review of its first version and runs
// SchedulePlanned in the same transaction, as the review's approval hook does.
func (b *bundle) approve(tb testing.TB, p post) {
	tb.Helper()
	ctx := context.Background()
	err := postgres.WithTx(ctx, b.pool, func(tx pgx.Tx) error {
		var org, author uuid.UUID
		if err := tx.QueryRow(ctx, `UPDATE posts SET state = 'APPROVED', approved_at = now() WHERE id = $1 RETURNING org_id, author_id`, p.ID).Scan(&org, &author); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reviews (org_id, post_id, version_id, content_hash, plan, status, submitted_by, closed_at)
			VALUES ($1, $2, $3, $4, '{}', 'APPROVED', $5, now())`, org, p.ID, p.Version, p.Hash, author); err != nil {
			return err
		}
		return publish.SchedulePlanned(ctx, tx, p.ID)
	})
	if err != nil {
		tb.Fatalf("approve post: %v", err)
	}
}

// schedulePlanned runs SchedulePlanned for post in its own transaction.
func (b *bundle) schedulePlanned(tb testing.TB, postID uuid.UUID) {
	tb.Helper()
	ctx := context.Background()
	if err := postgres.WithTx(ctx, b.pool, func(tx pgx.Tx) error { return publish.SchedulePlanned(ctx, tx, postID) }); err != nil {
		tb.Fatalf("SchedulePlanned: %v", err)
	}
}

// sampleContent is a post's content as most tests publish it.
func sampleContent(body string) content.Content {
	return content.Content{Title: "Spring launch", Body: body, Link: "https://example.com/launch", Tags: []string{"launch"}}
}

// xChannel creates, as acme's admin, a channel on the fake X account.
func (b *bundle) xChannel(tb testing.TB, name string) *publish.Channel {
	tb.Helper()
	return b.mustChannel(tb, b.admin, platform.X, name, b.x.Credentials())
}

// hookChannel creates, as acme's admin, a channel on the fake webhook receiver.
func (b *bundle) hookChannel(tb testing.TB, name string) *publish.Channel {
	tb.Helper()
	return b.mustChannel(tb, b.admin, platform.Webhook, name, b.hook.Credentials())
}

func (b *bundle) mustChannel(tb testing.TB, admin *auth.Principal, platformName, name string, creds platform.Credentials) *publish.Channel {
	tb.Helper()
	ch, err := b.svc.CreateChannel(as(admin), publish.ChannelInput{Platform: platformName, Name: name, Credentials: creds})
	if err != nil {
		tb.Fatalf("create %s channel %s: %v", platformName, name, err)
	}
	return ch
}

// inAnHour is a schedule time an hour from now, as RFC 3339.
func inAnHour() string { return time.Now().Add(time.Hour).UTC().Format(time.RFC3339) }

// jobs returns a post's publish jobs as stored, by channel id order.
func (b *bundle) jobs(tb testing.TB, postID uuid.UUID) []*publish.Job {
	tb.Helper()
	out, err := b.svc.JobsOf(as(b.admin), []uuid.UUID{postID})
	if err != nil {
		tb.Fatalf("JobsOf: %v", err)
	}
	return out[postID]
}

// job returns one stored publish job, read straight from the table (whatever org it belongs to).
func (b *bundle) job(tb testing.TB, id uuid.UUID) *publish.Job {
	tb.Helper()
	var j publish.Job
	err := b.pool.QueryRow(context.Background(), `SELECT id, org_id, post_id, version_id, content_hash, channel_id, status, run_at,
		generation, attempts, last_error, external_id, external_url, published_at, cancel_reason, created_at, updated_at
		FROM publish_jobs WHERE id = $1`, id).Scan(&j.ID, &j.OrgID, &j.PostID, &j.VersionID, &j.ContentHash, &j.ChannelID, &j.Status, &j.RunAt,
		&j.Generation, &j.Attempts, &j.LastError, &j.ExternalID, &j.ExternalURL, &j.PublishedAt, &j.CancelReason, &j.CreatedAt, &j.UpdatedAt)
	if err != nil {
		tb.Fatalf("read job %s: %v", id, err)
	}
	return &j
}

// count runs a count(*) query.
func (b *bundle) count(tb testing.TB, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := b.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// text runs a query returning one text value.
func (b *bundle) text(tb testing.TB, sql string, args ...any) string {
	tb.Helper()
	var s *string
	if err := b.pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	if s == nil {
		return ""
	}
	return *s
}

// snapshot dumps every row that publishing writes (plans, jobs, channels, outbox and audit
// events) as text, so a test can assert that a refused call changed nothing.
func (b *bundle) snapshot(tb testing.TB) string {
	tb.Helper()
	var parts []string
	for _, q := range []string{
		`SELECT json_agg(t ORDER BY post_id)::text FROM publication_plans t`,
		`SELECT json_agg(t ORDER BY id)::text FROM publish_jobs t`,
		`SELECT json_agg(t ORDER BY id)::text FROM channels t`,
		`SELECT json_agg(t ORDER BY id)::text FROM outbox t`,
		`SELECT json_agg(t ORDER BY id)::text FROM audit_events t`,
	} {
		parts = append(parts, b.text(tb, q))
	}
	return strings.Join(parts, "\n")
}

// dueTask builds the publish:channel task the relay starts for the newest publish.due outbox
// row of job: the row's payload with outbox_id, org_id and topic added.
func (b *bundle) dueTask(tb testing.TB, jobID uuid.UUID) *asynq.Task {
	tb.Helper()
	var (
		id      int64
		org     uuid.UUID
		payload []byte
	)
	if err := b.pool.QueryRow(context.Background(), `SELECT id, org_id, payload FROM outbox
		WHERE topic = $1 AND payload->>'job_id' = $2 ORDER BY id DESC LIMIT 1`, jobs.TopicPublishDue, jobID.String()).Scan(&id, &org, &payload); err != nil {
		tb.Fatalf("publish.due outbox row of job %s: %v", jobID, err)
	}
	fields := map[string]any{}
	if err := json.Unmarshal(payload, &fields); err != nil {
		tb.Fatal(err)
	}
	fields["outbox_id"], fields["org_id"], fields["topic"] = id, org, jobs.TopicPublishDue
	body, err := json.Marshal(fields)
	if err != nil {
		tb.Fatal(err)
	}
	return asynq.NewTask(jobs.TypePublishChannel, body)
}

// mustCode fails unless err is an apperr of code (and field, when given, first or among its
// problems).
func mustCode(tb testing.TB, err error, code apperr.Code, field string) *apperr.Error {
	tb.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != code {
		tb.Fatalf("want %s error, got %v", code, err)
	}
	if field == "" || e.Field == field {
		return e
	}
	for _, p := range e.Problems {
		if p.Field == field {
			return e
		}
	}
	tb.Fatalf("want an error on field %q, got %q: %v", field, e.Field, err)
	return e
}

// waitFor polls cond until it holds, failing tb after timeout.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
