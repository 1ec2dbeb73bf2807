package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// maxResponseBody bounds how much of any response body an adapter reads.
const maxResponseBody = 64 << 10

// caller performs one platform's HTTP calls.
type caller struct {
	platform string
	client   *http.Client
	now      func() time.Time
	tracer   trace.Tracer
}

// response is a bounded, fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) ok() bool { return r.status >= 200 && r.status < 300 }

// do sends req and reads at most maxResponseBody bytes of the answer. A request that got no
// response fails with a retryable *Error whose text carries neither the URL nor any credential.
func (c caller) do(req *http.Request, creds Credentials) (*response, error) {
	req.Header.Set("User-Agent", "Clearpost")
	if c.tracer != nil {
		// The host only: a path or query may hold a secret (a Slack webhook, a token).
		ctx, span := c.tracer.Start(req.Context(), c.platform+" "+req.Method, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("http.request.method", req.Method), attribute.String("server.address", req.URL.Hostname())))
		defer span.End()
		req = req.WithContext(ctx)
		resp, err := c.send(req, creds)
		if err != nil {
			span.SetStatus(codes.Error, "no response")
		} else {
			span.SetAttributes(attribute.Int("http.response.status_code", resp.status))
			if !resp.ok() {
				span.SetStatus(codes.Error, http.StatusText(resp.status))
			}
		}
		return resp, err
	}
	return c.send(req, creds)
}

func (c caller) send(req *http.Request, creds Credentials) (*response, error) {
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, c.transportError(req, err, creds)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, c.transportError(req, err, creds)
	}
	// Drain a little more so the connection can be reused; never the whole of a huge body.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody))
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// transportError turns a failed round trip into a *Error. url.Error is unwrapped because its text
// repeats the request URL, which may hold a token (Facebook's access_token) or be a secret itself
// (a Slack webhook URL).
func (c caller) transportError(req *http.Request, err error, creds Credentials) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctxErr := req.Context().Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = ctxErr
	}
	msg := err.Error()
	msg = strings.ReplaceAll(msg, req.URL.String(), "<url>")
	msg = strings.ReplaceAll(msg, req.URL.Redacted(), "<url>")
	pe := &Error{
		Platform:  c.platform,
		Message:   "request failed: " + cleanMessage(msg, creds),
		Retryable: true,
		Err:       sanitizedError{msg: cleanMessage(msg, creds), err: err},
	}
	if errors.Is(err, ErrDisallowedAddress) {
		pe.Retryable = false
	}
	return pe
}

// sanitizedError keeps errors.Is/As working on the underlying error while printing a text that
// has been scrubbed of URLs and credentials.
type sanitizedError struct {
	msg string
	err error
}

func (e sanitizedError) Error() string { return e.msg }
func (e sanitizedError) Unwrap() error { return e.err }

// acceptedAt is the time the platform answered: its Date header, or the local clock.
func (c caller) acceptedAt(r *response) time.Time {
	if d := r.header.Get("Date"); d != "" {
		if t, err := http.ParseTime(d); err == nil {
			return t.UTC()
		}
	}
	return c.now().UTC()
}

// decodeJSON decodes a success body, failing permanently when the platform answered something
// that is not the documented shape.
func (c caller) decodeJSON(r *response, v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return &Error{Platform: c.platform, Status: r.status, Message: "unexpected response body: " + err.Error()}
	}
	return nil
}

func newJSONRequest(ctx context.Context, method, u string, body any) (*http.Request, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return req, nil
}

func queryEscape(s string) string { return url.QueryEscape(s) }

// joinURL appends path to a base URL that may carry a path prefix of its own.
func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + path
}

// internalError reports a bug or bad input on our side (not the platform's); never retryable.
func internalError(platform string, err error) *Error {
	return &Error{Platform: platform, Message: err.Error(), Err: err}
}

// withLink appends link to text unless text already contains it.
func withLink(text, link string) string {
	switch {
	case link == "":
		return text
	case text == "":
		return link
	case strings.Contains(text, link):
		return text
	}
	return text + " " + link
}
