// Package apperr is Clearpost's error vocabulary. Services return these errors; the GraphQL error
// presenter maps their Code to extensions.code and hides every other error behind INTERNAL.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error for clients.
type Code string

const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	Invalid         Code = "BAD_USER_INPUT"
	Conflict        Code = "CONFLICT"
	Internal        Code = "INTERNAL"
)

// Error is an error a client may see: its message is written for the client and never carries
// SQL, stack traces or secrets.
type Error struct {
	Code    Code
	Field   string // the input field at fault, for Invalid; may be empty
	Message string
	// Problems lists every field error when there is more than one; Field is the first's.
	Problems []*Error
	// Reason refines Code for clients that act on it (extensions.reason), e.g. StepUpRequired.
	Reason string
}

// StepUpRequired is the Reason of a refusal that a fresh sign-in (/auth/login?step_up=1) lifts.
const StepUpRequired = "STEP_UP_REQUIRED"

func (e *Error) Error() string {
	if len(e.Problems) > 0 {
		return e.Message
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Is makes errors.Is(err, apperr.ErrNotFound) and friends match any *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Field == "" && t.Code == e.Code
}

// Sentinels for errors.Is checks.
var (
	ErrUnauthenticated = &Error{Code: Unauthenticated}
	ErrForbidden       = &Error{Code: Forbidden}
	ErrNotFound        = &Error{Code: NotFound}
	ErrInvalid         = &Error{Code: Invalid}
	ErrConflict        = &Error{Code: Conflict}
)

// Unauthenticatedf, Forbiddenf, NotFoundf and Conflictf build client-facing errors.
func Unauthenticatedf(format string, a ...any) error {
	return &Error{Code: Unauthenticated, Message: fmt.Sprintf(format, a...)}
}
func Forbiddenf(format string, a ...any) error {
	return &Error{Code: Forbidden, Message: fmt.Sprintf(format, a...)}
}
func NotFoundf(format string, a ...any) error {
	return &Error{Code: NotFound, Message: fmt.Sprintf(format, a...)}
}
func Conflictf(format string, a ...any) error {
	return &Error{Code: Conflict, Message: fmt.Sprintf(format, a...)}
}

// Invalidf reports bad input in one field.
func Invalidf(field, format string, a ...any) error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, a...)}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Problems collects field errors so a caller can report every problem at once.
type Problems []*Error

// Add records a problem with field.
func (p *Problems) Add(field, format string, a ...any) {
	*p = append(*p, &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, a...)})
}

// Err returns nil when there are no problems, the single error when there is one, and otherwise an
// Invalid error listing them all.
func (p Problems) Err() error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return p[0]
	}
	msg := ""
	for i, e := range p {
		if i > 0 {
			msg += "; "
		}
		msg += e.Error()
	}
	return &Error{Code: Invalid, Field: p[0].Field, Message: msg, Problems: p}
}
