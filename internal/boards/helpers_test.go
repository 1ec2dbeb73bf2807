package boards_test

import (
	"context"
	"errors"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// bundle is what the tests need: a database with one organization, its marketer and an
// employee, and the service.
type bundle struct {
	pool     *pgxpool.Pool
	svc      *boards.Service
	org      uuid.UUID
	marketer *auth.Principal
	employee *auth.Principal
}

func setup(t *testing.T) bundle {
	t.Helper()
	pool := pgtest.New(t)
	b := bundle{pool: pool, svc: boards.NewService(pool)}
	b.org = mustOrg(t, pool, "acme")
	b.marketer = mustUser(t, pool, b.org, "marketer@acme.test", "Mark Marketer", auth.RoleMarketer)
	b.employee = mustUser(t, pool, b.org, "employee@acme.test", "Emma Employee", auth.RoleEmployee)
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
func mustUser(tb testing.TB, db postgres.DB, org uuid.UUID, email, name string, roles ...auth.Role) *auth.Principal {
	tb.Helper()
	p := &auth.Principal{OrgID: org, Email: email, Name: name, Roles: roles}
	if err := db.QueryRow(context.Background(), `INSERT INTO users (org_id, issuer, subject, email, name, roles)
		VALUES ($1, 'https://idp.test', $2, $2, $3, $4) RETURNING id`, org, email, name, roles).Scan(&p.UserID); err != nil {
		tb.Fatalf("insert user %s: %v", email, err)
	}
	return p
}

// mustApprovedPost inserts an APPROVED post (no version: boards read only the post's state).
func mustApprovedPost(tb testing.TB, db postgres.DB, org, author uuid.UUID, title string) uuid.UUID {
	tb.Helper()
	var id uuid.UUID
	if err := db.QueryRow(context.Background(), `INSERT INTO posts (org_id, author_id, state, title, approved_at)
		VALUES ($1, $2, 'APPROVED', $3, now()) RETURNING id`, org, author, title).Scan(&id); err != nil {
		tb.Fatalf("insert post %s: %v", title, err)
	}
	return id
}

func mustBoard(tb testing.TB, svc *boards.Service, p *auth.Principal, name string) uuid.UUID {
	tb.Helper()
	b, err := svc.Create(as(p), boards.Input{Name: name, Audience: boards.Audience{Everyone: true}})
	if err != nil {
		tb.Fatalf("create board %s: %v", name, err)
	}
	return b.ID
}

// mustCode fails unless err is an apperr of code (and field, when given).
func mustCode(tb testing.TB, err error, code apperr.Code, field string) *apperr.Error {
	tb.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != code {
		tb.Fatalf("want %s error, got %v", code, err)
	}
	if field != "" && e.Field != field {
		tb.Fatalf("want an error on field %q, got %q: %v", field, e.Field, err)
	}
	return e
}

func (b bundle) count(tb testing.TB, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := b.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}
