package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrCannotFind is returned by Find on platforms that cannot be queried for past posts (Slack
// incoming webhooks, generic webhooks). Webhook receivers dedupe by Idempotency-Key instead.
var ErrCannotFind = errors.New("platform cannot be queried for published posts")

// CodeDuplicate is the Error.Code adapters use when a platform refused a post as a duplicate of
// one it already has (X's "duplicate content", LinkedIn's "Content is a duplicate", Facebook's
// #506). After an attempt whose outcome was unknown this usually means the earlier attempt
// succeeded: call Find.
const CodeDuplicate = "duplicate"

// Error is a failed platform call.
type Error struct {
	Platform string // "linkedin", "x", ...
	Status   int    // HTTP status; 0 when no response arrived
	Code     string // the platform's error code (LinkedIn serviceErrorCode/code, X type, Facebook code[/subcode], Slack error) or CodeDuplicate
	Message  string // the platform's own error text, or what went wrong on the way
	// Retryable says whether trying again later may succeed: network errors, timeouts, 429 and
	// 5xx (and platform codes documented as throttling or transient). Other 4xx (expired token,
	// duplicate content, validation) are permanent.
	Retryable bool
	// Err is the underlying transport or context error, if any. It never carries a URL, so no
	// token in a query string or webhook path can leak through it.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Platform)
	b.WriteString(": ")
	msg := e.Message
	if msg == "" && e.Status != 0 {
		msg = http.StatusText(e.Status)
	}
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	b.WriteString(msg)
	var detail []string
	if e.Status != 0 {
		detail = append(detail, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.Code != "" {
		detail = append(detail, "code "+e.Code)
	}
	if len(detail) > 0 {
		b.WriteString(" (" + strings.Join(detail, ", ") + ")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsRetryable reports whether err is worth retrying: a *Error marked Retryable, or a context
// deadline. It is false for nil and for permanent errors.
func IsRetryable(err error) bool {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Retryable
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// IsDuplicate reports whether the platform refused the post as a duplicate of an existing one.
func IsDuplicate(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Code == CodeDuplicate
}

// retryableStatus reports whether an HTTP status is worth retrying.
func retryableStatus(status int) bool {
	switch {
	case status == http.StatusRequestTimeout, status == http.StatusTooEarly, status == http.StatusTooManyRequests:
		return true
	case status >= 500:
		return true
	}
	return false
}

// statusError builds the *Error for a non-success response with the platform's own text.
func statusError(platform string, status int, code, msg string, c Credentials) *Error {
	return &Error{
		Platform:  platform,
		Status:    status,
		Code:      code,
		Message:   cleanMessage(msg, c),
		Retryable: retryableStatus(status),
	}
}

const maxMessageLen = 500

// cleanMessage makes a platform-supplied text safe to show and log: secrets from c removed,
// control characters replaced, length bounded.
func cleanMessage(msg string, c Credentials) string {
	msg = redact(msg, c)
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
	msg = strings.TrimSpace(msg)
	if len(msg) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !isRuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// redact replaces every credential value (and its URL-encoded form) found in s. Short values
// (ids, flags) are left alone: they are not secrets and would make messages unreadable.
func redact(s string, c Credentials) string {
	for _, v := range c {
		if len(v) < 8 {
			continue
		}
		s = strings.ReplaceAll(s, v, "[REDACTED]")
		if esc := queryEscape(v); esc != v {
			s = strings.ReplaceAll(s, esc, "[REDACTED]")
		}
	}
	return s
}
