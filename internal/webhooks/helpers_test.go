package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/secretbox"
	"clearpost/internal/webhooks"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// bundle is what a test needs: a fresh database with one organization and its admin, and the
// service on it.
type bundle struct {
	pool  *pgxpool.Pool
	keys  *secretbox.Keyring
	svc   *webhooks.Service
	org   uuid.UUID
	admin context.Context // signed in as the organization's admin
	log   *slog.Logger
}

// setup returns a bundle whose service may reach loopback (the test receivers) unless opts say
// otherwise.
func setup(t *testing.T, opts ...func(*webhooks.Options)) *bundle {
	t.Helper()
	pool := pgtest.New(t)
	keys, err := secretbox.Parse(secretbox.NewKey("test"))
	if err != nil {
		t.Fatal(err)
	}
	o := webhooks.Options{AllowLoopback: true}
	for _, f := range opts {
		f(&o)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	b := &bundle{pool: pool, keys: keys, svc: webhooks.NewService(pool, keys, log, o), log: log}
	b.org = mustOrg(t, pool, "acme")
	b.admin = b.as(t, b.org, "admin@acme.test", auth.RoleAdmin)
	return b
}

// mustOrg inserts an organization.
func mustOrg(t *testing.T, db postgres.DB, slug string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	if err := db.QueryRow(context.Background(), `INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id`, slug).Scan(&id); err != nil {
		t.Fatalf("insert organization %s: %v", slug, err)
	}
	return id
}

// as inserts a user of org with roles and returns a context signed in as them.
func (b *bundle) as(t *testing.T, org uuid.UUID, email string, roles ...auth.Role) context.Context {
	t.Helper()
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	var id uuid.UUID
	if err := b.pool.QueryRow(context.Background(), `INSERT INTO users (org_id, issuer, subject, email, roles)
		VALUES ($1, 'https://idp.test', $2, $2, $3) RETURNING id`, org, email, names).Scan(&id); err != nil {
		t.Fatalf("insert user %s: %v", email, err)
	}
	return auth.WithPrincipal(context.Background(), &auth.Principal{UserID: id, OrgID: org, Email: email, Roles: roles})
}

// principal returns the user signed in to ctx.
func principal(ctx context.Context) *auth.Principal { return auth.PrincipalFrom(ctx) }

// mustPost inserts an approved post of org with one version and returns its id and content hash.
func (b *bundle) mustPost(t *testing.T, ctx context.Context, title string) (uuid.UUID, string) {
	t.Helper()
	p := principal(ctx)
	hash := fmt.Sprintf("%x", sha256.Sum256([]byte(title)))
	var id uuid.UUID
	err := postgres.WithTx(context.Background(), b.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(context.Background(), `INSERT INTO posts (org_id, author_id, state, title, current_version)
			VALUES ($1, $2, 'APPROVED', $3, 2) RETURNING id`, p.OrgID, p.UserID, title).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(context.Background(), `INSERT INTO post_versions (org_id, post_id, number, content, content_hash, author_id)
			VALUES ($1, $2, 1, '{}', 'old', $3), ($1, $2, 2, '{}', $4, $3)`, p.OrgID, id, p.UserID, hash)
		return err
	})
	if err != nil {
		t.Fatalf("insert post: %v", err)
	}
	return id, hash
}

// event commits an outbox row of topic for org, as a state change would, and returns its id.
func (b *bundle) event(t *testing.T, org uuid.UUID, topic string, payload map[string]any) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := postgres.WithTx(ctx, b.pool, func(tx pgx.Tx) error {
		if err := jobs.Enqueue(ctx, tx, org, topic, payload); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT currval('outbox_id_seq')`).Scan(&id)
	})
	if err != nil {
		t.Fatalf("write %s event: %v", topic, err)
	}
	return id
}

// outboxRow is an outbox row as the relay reads it.
type outboxRow struct {
	ID      int64
	OrgID   uuid.UUID
	Topic   string
	Payload []byte
}

// task builds the task the relay starts for row: its payload with outbox_id, org_id and topic.
func task(t *testing.T, taskType string, row outboxRow) *asynq.Task {
	t.Helper()
	fields := map[string]any{}
	if err := json.Unmarshal(row.Payload, &fields); err != nil {
		t.Fatal(err)
	}
	fields["outbox_id"], fields["org_id"], fields["topic"] = row.ID, row.OrgID, row.Topic
	body, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return asynq.NewTask(taskType, body)
}

// fanoutTask is the webhook:fanout task of outbox row id.
func (b *bundle) fanoutTask(t *testing.T, id int64) *asynq.Task {
	t.Helper()
	var row outboxRow
	if err := b.pool.QueryRow(context.Background(), `SELECT id, org_id, topic, payload FROM outbox WHERE id = $1`, id).
		Scan(&row.ID, &row.OrgID, &row.Topic, &row.Payload); err != nil {
		t.Fatal(err)
	}
	return task(t, jobs.TypeWebhookFanout, row)
}

// deliverTask is a webhook:deliver task of delivery id of org.
func deliverTask(t *testing.T, org, id uuid.UUID) *asynq.Task {
	t.Helper()
	payload, err := json.Marshal(map[string]any{"delivery_id": id, "task_key": id, "outbox_id": 1, "org_id": org, "topic": jobs.TopicWebhookDelivery})
	if err != nil {
		t.Fatal(err)
	}
	return asynq.NewTask(jobs.TypeWebhookDeliver, payload)
}

// pump plays relay and worker without Redis: it takes the unrelayed outbox rows, oldest first,
// runs the handler each row's topic routes to (one run each, retry count 0), and repeats until no
// row is left. It returns the error of each delivery task.
func (b *bundle) pump(t *testing.T) map[uuid.UUID]error {
	t.Helper()
	ctx := context.Background()
	errs := map[uuid.UUID]error{}
	for {
		rows, err := b.pool.Query(ctx, `UPDATE outbox SET relayed_at = now() WHERE relayed_at IS NULL
			RETURNING id, org_id, topic, payload`)
		if err != nil {
			t.Fatal(err)
		}
		batch, err := pgx.CollectRows(rows, pgx.RowToStructByPos[outboxRow])
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			return errs
		}
		slices.SortFunc(batch, func(a, b outboxRow) int { return int(a.ID - b.ID) })
		for _, row := range batch {
			switch {
			case webhooks.ValidEvent(row.Topic):
				if err := b.svc.HandleFanout(ctx, task(t, jobs.TypeWebhookFanout, row)); err != nil {
					t.Fatalf("fanout of outbox row %d: %v", row.ID, err)
				}
			case row.Topic == jobs.TopicWebhookDelivery:
				var p struct {
					DeliveryID uuid.UUID `json:"delivery_id"`
					TaskKey    string    `json:"task_key"`
				}
				if err := json.Unmarshal(row.Payload, &p); err != nil {
					t.Fatal(err)
				}
				if p.TaskKey != p.DeliveryID.String() {
					t.Errorf("delivery outbox row %s: task_key %q, want the delivery id", row.Payload, p.TaskKey)
				}
				errs[p.DeliveryID] = b.svc.HandleDeliver(ctx, task(t, jobs.TypeWebhookDeliver, row))
			}
		}
	}
}

// deliveryRow is a delivery as stored.
type deliveryRow struct {
	ID             uuid.UUID
	SubscriptionID uuid.UUID
	Event          string
	Status         string
	Attempts       int
}

// deliveries lists the stored deliveries of subscription sub, oldest first.
func (b *bundle) deliveries(t *testing.T, sub uuid.UUID) []deliveryRow {
	t.Helper()
	rows, err := b.pool.Query(context.Background(), `SELECT id, subscription_id, event, status, attempts
		FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at, id`, sub)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[deliveryRow])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// count runs a count(*) query.
func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
	// signed: the signature is HMAC-SHA256(secret, timestamp "." body) and the timestamp recent.
	signed bool
}

// receiver is a webhook endpoint: it answers each request with the next of its statuses (200
// once they run out) and checks each request's signature with the secret it was given.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	statuses []int
	body     string
	got      []received
	conns    int // TCP connections accepted
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.mu.Lock()
			r.conns++
			r.mu.Unlock()
		}
	}
	r.Start()
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	signed := verify(r.secret, req.Header, body)
	r.got = append(r.got, received{header: req.Header.Clone(), body: body, signed: signed})
	status := http.StatusOK
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
	}
	answer := r.body
	r.mu.Unlock()
	w.WriteHeader(status)
	if answer == "" {
		answer = fmt.Sprintf(`{"status":%d}`, status)
	}
	io.WriteString(w, answer)
}

// verify checks a delivery's signature the way a receiver would, independently of the sender's code.
func verify(secret string, h http.Header, body []byte) bool {
	ts := h.Get("X-Clearpost-Timestamp")
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || secret == "" || time.Since(time.Unix(unix, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(h.Get("X-Clearpost-Signature")), []byte(want))
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = s
}

// connections is how many TCP connections the receiver accepted.
func (r *receiver) connections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// subscribe creates a subscription of the admin of ctx to url for events and points rcv (if any)
// at its secret.
func (b *bundle) subscribe(t *testing.T, ctx context.Context, url string, rcv *receiver, events ...string) *webhooks.Subscription {
	t.Helper()
	sub, secret, err := b.svc.Create(ctx, webhooks.SubscriptionInput{URL: url, Events: events})
	if err != nil {
		t.Fatalf("create subscription to %s: %v", url, err)
	}
	if rcv != nil {
		rcv.setSecret(secret)
	}
	return sub
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, what string, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Errorf("%s: error %v, want %s", what, err, code)
	}
}

// wantField fails t unless err is BAD_USER_INPUT naming field (first or among its problems).
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.Invalid {
		t.Errorf("%s: error %v, want BAD_USER_INPUT on %s", what, err, field)
		return
	}
	if ae.Field == field {
		return
	}
	for _, p := range ae.Problems {
		if p.Field == field {
			return
		}
	}
	t.Errorf("%s: error %v names field %q, want %q", what, err, ae.Field, field)
}

// fakeResolver answers host lookups from a table.
type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if ips, ok := f[host]; ok {
		return ips, nil
	}
	return nil, fmt.Errorf("no such host %s", host)
}

// waitFor polls cond until it holds, failing t after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
