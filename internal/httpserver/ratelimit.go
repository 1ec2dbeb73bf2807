package httpserver

import (
	"net/http"
	"time"

	"clearpost/internal/audit"
	"clearpost/internal/auth"

	"github.com/go-chi/httprate"
)

// CodeRateLimited is the extensions.code of a request refused for its rate.
const CodeRateLimited = "RATE_LIMITED"

// RateLimit lets through at most perMinute requests a minute for each key of keyFn (a sliding
// window, counted in this process) and answers the rest 429 with Retry-After, as a GraphQL error
// so clients of every endpoint read it the same way. perMinute 0 turns the limit off.
func RateLimit(h http.Handler, perMinute int, keyFn func(*http.Request) string) http.Handler {
	if perMinute <= 0 {
		return h
	}
	limiter := httprate.NewRateLimiter(perMinute, time.Minute,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return keyFn(r), nil }),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			auth.WriteJSONError(w, http.StatusTooManyRequests, CodeRateLimited,
				"too many requests: slow down and retry after the number of seconds in the Retry-After header")
		}),
	)
	return limiter.Handler(h)
}

// ByAddress keys a rate limit by the client's address (as Common resolved it).
func ByAddress(r *http.Request) string { return "a:" + audit.RequestFrom(r.Context()).IP }

// RateLimitCallers limits signed-in callers to perUser requests a minute each and anonymous ones
// to perAddress from each address. It goes inside the authentication middleware.
func RateLimitCallers(h http.Handler, perUser, perAddress int) http.Handler {
	users := RateLimit(h, perUser, func(r *http.Request) string { return "u:" + auth.PrincipalFrom(r.Context()).UserID.String() })
	anonymous := RateLimit(h, perAddress, ByAddress)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.PrincipalFrom(r.Context()) != nil {
			users.ServeHTTP(w, r)
			return
		}
		anonymous.ServeHTTP(w, r)
	})
}
