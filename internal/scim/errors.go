package scim

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"clearpost/internal/apperr"
	"clearpost/internal/httpserver"
	"clearpost/internal/postgres"
)

// scimType values of RFC 7644 section 3.12.
const (
	typeInvalidFilter = "invalidFilter"
	typeTooMany       = "tooMany"
	typeUniqueness    = "uniqueness"
	typeMutability    = "mutability"
	typeInvalidSyntax = "invalidSyntax"
	typeInvalidPath   = "invalidPath"
	typeNoTarget      = "noTarget"
	typeInvalidValue  = "invalidValue"
)

// scimError is a SCIM error response (RFC 7644 section 3.12): what a handler returns when the client is
// at fault. Its Detail is written for the client and never carries SQL or secrets.
type scimError struct {
	Status   int
	ScimType string // empty when no scimType applies (401, 404, 413, ...)
	Detail   string
}

func (e *scimError) Error() string {
	if e.ScimType != "" {
		return fmt.Sprintf("scim %d %s: %s", e.Status, e.ScimType, e.Detail)
	}
	return fmt.Sprintf("scim %d: %s", e.Status, e.Detail)
}

func badRequest(scimType, format string, a ...any) *scimError {
	return &scimError{Status: http.StatusBadRequest, ScimType: scimType, Detail: fmt.Sprintf(format, a...)}
}

func invalidValue(format string, a ...any) *scimError {
	return badRequest(typeInvalidValue, format, a...)
}

func notFound(format string, a ...any) *scimError {
	return &scimError{Status: http.StatusNotFound, Detail: fmt.Sprintf(format, a...)}
}

func conflict(format string, a ...any) *scimError {
	return &scimError{Status: http.StatusConflict, ScimType: typeUniqueness, Detail: fmt.Sprintf(format, a...)}
}

// uniqueMessages names what a unique constraint or index protects, for clients.
var uniqueMessages = map[string]string{
	"users_org_id_email_key":       "a user with this e-mail address already exists",
	"users_org_scim_user_name":     "a user with this userName already exists",
	"users_org_scim_external_id":   "a user with this externalId already exists",
	"users_issuer_subject_key":     "a user with this identity (externalId) already exists",
	"scim_groups_org_display_name": "a group with this displayName already exists",
}

// asSCIM turns err into the SCIM error the client sees, or nil when err is not the client's fault.
func asSCIM(err error) *scimError {
	var se *scimError
	if errors.As(err, &se) {
		return se
	}
	if v, ok := postgres.Violated(err); ok && v.Code == postgres.UniqueViolation {
		msg, ok := uniqueMessages[v.Constraint]
		if !ok {
			msg = "already exists"
		}
		return conflict("%s", msg)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		switch ae.Code {
		case apperr.NotFound:
			return notFound("%s", ae.Message)
		case apperr.Conflict:
			return conflict("%s", ae.Message)
		case apperr.Invalid:
			return invalidValue("%s", ae.Error())
		case apperr.Unauthenticated:
			return &scimError{Status: http.StatusUnauthorized, Detail: ae.Message}
		case apperr.Forbidden:
			return &scimError{Status: http.StatusForbidden, Detail: ae.Message}
		}
		return nil
	}
	// Of the driver's errors, what postgres.MapError calls a conflict and is not a unique
	// violation (answered above) is a serialization failure or a deadlock: the client may retry.
	if errors.As(postgres.MapError(err), &ae) && ae.Code == apperr.Conflict {
		return &scimError{Status: http.StatusConflict, Detail: ae.Message}
	}
	return nil
}

// errorBody is the JSON of a SCIM error; status is a string, as RFC 7644 has it.
type errorBody struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

// writeError answers with err as a SCIM error. Errors that are not the client's fault are logged
// and hidden behind a 500.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	se := asSCIM(err)
	if se == nil {
		httpserver.Logger(r.Context(), s.log).ErrorContext(r.Context(), "scim request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
		se = &scimError{Status: http.StatusInternalServerError, Detail: "internal error"}
	}
	if se.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scim"`)
	}
	writeJSON(w, se.Status, errorBody{
		Schemas:  []string{schemaError},
		Status:   strconv.Itoa(se.Status),
		ScimType: se.ScimType,
		Detail:   se.Detail,
	})
}
