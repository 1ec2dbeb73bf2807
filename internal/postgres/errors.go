package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The driver's errors are read here and nowhere else: stores ask these questions of an error
// instead of unwrapping pgx and pgconn types themselves.

// SQLSTATE codes of the violations stores tell apart.
const (
	UniqueViolation     = "23505"
	ForeignKeyViolation = "23503"
	CheckViolation      = "23514"
)

// NoRows reports whether err is a query's answer that no row matched.
func NoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// Violation is a constraint a statement violated.
type Violation struct {
	Code       string // SQLSTATE, e.g. UniqueViolation
	Constraint string // the constraint's name
}

// Violated returns the constraint err violated, if err is a constraint violation.
func Violated(err error) (Violation, bool) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.ConstraintName == "" {
		return Violation{}, false
	}
	return Violation{Code: pgErr.Code, Constraint: pgErr.ConstraintName}, true
}

// IsViolation reports whether err violates constraint (any constraint, when it is empty) with code.
func IsViolation(err error, code, constraint string) bool {
	v, ok := Violated(err)
	return ok && v.Code == code && (constraint == "" || v.Constraint == constraint)
}
