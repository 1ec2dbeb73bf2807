// Package postgres opens the connection pool, runs transactions and translates driver errors
// into Clearpost's error vocabulary.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"clearpost/internal/apperr"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is what stores need: a pool, or a transaction.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error)
}

// MinConns is how many connections a pool keeps open (at most its MaxConns) unless url sets
// pool_min_conns or pool_min_idle_conns: a request should not wait for a connection to be made
// and warmed (see warmSQL) while load rises.
const MinConns = 4

// Cancelling a query: the context watcher sends the server a cancel request and keeps the
// connection, instead of pgx's default of closing it. A search superseded by the next keystroke
// is cancelled mid-query; closing its connection would make the next request pay for a new one.
// If the server has not answered the cancel within cancelGrace, the connection is closed after
// all. A connection waiting for a notification (LISTEN) is idle, so the server ignores the
// cancel: such a wait returns after cancelGrace rather than at once, and keeps its connection.
const cancelGrace = 250 * time.Millisecond

// warmSQL runs on every new connection: it loads the typo-tolerance function search_tsquery
// (plpgsql: compiled, and its statements planned, once per connection) and the English text
// search dictionaries, which a connection's first search would otherwise pay for (tens of
// milliseconds). Before migration 00006 the function does not exist and nothing is run. The word
// is long enough to be looked up and corrected, and the all-zero organization has no terms, so
// the function runs every statement and finds nothing. Warming is only an optimization: if it
// fails, the connection is kept all the same.
const warmSQL = `DO $$ BEGIN
    IF to_regprocedure('search_tsquery(uuid, regconfig, text)') IS NOT NULL THEN
        PERFORM search_tsquery('00000000-0000-0000-0000-000000000000', 'english', 'clearpost');
    END IF;
END $$`

// A sequential scan of a large table starts where another scan of it is (synchronize_seqscans),
// so that the two share their reads. A statement that stops early without an order, as a search
// reading its window of matches does (see search/postgres), would then see different rows each
// time: every connection turns it off, so such a scan always starts at the table's first page.
const syncScans = "synchronize_seqscans"

// Open connects a pool to url and checks it answers.
func Open(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	if cfg.MinConns == 0 && cfg.MinIdleConns == 0 {
		cfg.MinConns = min(MinConns, cfg.MaxConns)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams[syncScans]; !ok {
		cfg.ConnConfig.RuntimeParams[syncScans] = "off"
	}
	cfg.ConnConfig.BuildContextWatcherHandler = func(conn *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: conn, DeadlineDelay: cancelGrace}
	}
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		registerUUID(conn)
		if _, err := conn.Exec(ctx, warmSQL); err != nil && conn.IsClosed() {
			return fmt.Errorf("warm connection: %w", err)
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}

// WithTx runs fn in a transaction: committed if fn returns nil, rolled back otherwise.
func WithTx(ctx context.Context, pool *pgxpool.Pool, fn func(tx pgx.Tx) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", MapError(err))
	}
	return nil
}

// MapError translates driver errors once: no rows becomes NotFound, unique violations Conflict,
// foreign-key and check violations Invalid. Other errors pass through unchanged.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.NotFoundf("not found")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &apperr.Error{Code: apperr.Conflict, Message: conflictMessage(pgErr.ConstraintName)}
		case "23503":
			return &apperr.Error{Code: apperr.Invalid, Message: "refers to something that does not exist"}
		case "40001", "40P01":
			return apperr.Conflictf("concurrent update, try again")
		}
	}
	return err
}

// constraintMessages names what a unique constraint protects, for clients.
var constraintMessages = map[string]string{
	"workflows_org_id_name_key":     "a workflow with this name already exists",
	"routing_rules_org_id_name_key": "a routing rule with this name already exists",
	"users_org_id_email_key":        "a user with this email already exists",
	"decisions_stage_reviewer_key":  "you have already decided on this stage",
}

func conflictMessage(constraint string) string {
	if m, ok := constraintMessages[constraint]; ok {
		return m
	}
	return "already exists"
}
