package scim

import (
	"fmt"
	"net/http"
	"testing"

	"clearpost/internal/apperr"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// What a client sees of the driver's errors and of the domain's.
func TestAsSCIM(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("create user: %w", err) }
	for _, tc := range []struct {
		name string
		err  error
		want *scimError // nil: not the client's fault
	}{
		{"unique, known", wrap(&pgconn.PgError{Code: "23505", ConstraintName: "users_org_scim_user_name"}),
			&scimError{Status: http.StatusConflict, ScimType: typeUniqueness, Detail: "a user with this userName already exists"}},
		{"unique, unknown", wrap(&pgconn.PgError{Code: "23505", ConstraintName: "other_key"}),
			&scimError{Status: http.StatusConflict, ScimType: typeUniqueness, Detail: "already exists"}},
		{"serialization", wrap(&pgconn.PgError{Code: "40001"}),
			&scimError{Status: http.StatusConflict, Detail: "concurrent update, try again"}},
		{"deadlock", wrap(&pgconn.PgError{Code: "40P01"}),
			&scimError{Status: http.StatusConflict, Detail: "concurrent update, try again"}},
		{"foreign key", wrap(&pgconn.PgError{Code: "23503", ConstraintName: "users_org_id_fkey"}), nil},
		{"no rows", wrap(pgx.ErrNoRows), nil},
		{"other", wrap(fmt.Errorf("connection refused")), nil},
		{"domain conflict", wrap(apperr.Conflictf("taken")),
			&scimError{Status: http.StatusConflict, ScimType: typeUniqueness, Detail: "taken"}},
		{"domain not found", wrap(apperr.NotFoundf("user x not found")),
			&scimError{Status: http.StatusNotFound, Detail: "user x not found"}},
		{"scim", wrap(notFound("gone")), &scimError{Status: http.StatusNotFound, Detail: "gone"}},
	} {
		got := asSCIM(tc.err)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("%s: asSCIM = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
