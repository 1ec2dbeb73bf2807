// Package postgres opens the connection pool, runs transactions and translates driver errors
// into Clearpost's error vocabulary.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"clearpost/internal/apperr"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

// Open connects a pool to url and checks it answers.
func Open(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		registerUUID(conn)
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

// Prefix qualifies each column of a comma-separated list: Prefix("p.", "id, name") is
// "p.id, p.name".
func Prefix(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
