// Package httpserver is Clearpost's HTTP plumbing: request ids, access logs, panics, body limits,
// client addresses and bearer authentication, around the routes the App mounts.
package httpserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"
	"clearpost/internal/auth"
)

// Authenticator turns a bearer token into a principal.
type Authenticator interface {
	Authenticate(ctx context.Context, raw string) (*auth.Principal, error)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type loggerKey struct{}

// Logger returns the request-scoped logger (with request_id), or fallback.
func Logger(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return fallback
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Common wraps h with a request id (X-Request-Id, taken from the client when it is short and
// safe), the client address, an access log line, and panic recovery.
func Common(h http.Handler, log *slog.Logger, trustProxy bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
			id = newRequestID()
		}
		ip := clientIP(r, trustProxy)
		w.Header().Set("X-Request-Id", id)
		reqLog := log.With(slog.String("request_id", id))
		ctx := context.WithValue(r.Context(), loggerKey{}, reqLog)
		ctx = audit.WithRequest(ctx, audit.Request{ID: id, IP: ip})
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				reqLog.Error("panic", slog.Any("panic", v), slog.String("path", r.URL.Path))
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			reqLog.Info("request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes), slog.Duration("took", time.Since(start)), slog.String("ip", ip))
		}()
		h.ServeHTTP(sw, r.WithContext(ctx))
	})
}

func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		// The proxy in front appends the address it saw: the last entry is the one a client
		// cannot forge (the ones before it are whatever the client sent).
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			all := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(all[len(all)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// LimitBody refuses request bodies larger than n bytes.
func LimitBody(h http.Handler, n int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		h.ServeHTTP(w, r)
	})
}

// Bearer authenticates requests that carry "Authorization: Bearer <token>". A request without one
// goes on anonymous (resolvers answer UNAUTHENTICATED); a bad token is refused with 401 at once.
func Bearer(h http.Handler, a Authenticator, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			h.ServeHTTP(w, r)
			return
		}
		scheme, token, ok := strings.Cut(header, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			unauthorized(w, "Authorization header must be: Bearer <token>")
			return
		}
		p, err := a.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			if apperr.CodeOf(err) != apperr.Unauthenticated {
				Logger(r.Context(), log).Error("authenticate", slog.Any("error", err))
				auth.WriteJSONError(w, http.StatusServiceUnavailable, string(apperr.Internal), "authentication is unavailable, try again")
				return
			}
			unauthorized(w, err.Error())
			return
		}
		h.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	auth.WriteJSONError(w, http.StatusUnauthorized, string(apperr.Unauthenticated), msg)
}
