package metrics

import (
	"net/http"
	"strings"
	"time"
)

// Instrument times the requests h serves. h must be the http.ServeMux itself (or a handler that
// passes the mux's request through): the label is the pattern the mux matched (r.Pattern, such
// as "GET /s/{code}"), never the path, so the routes bound the label's values. Websocket upgrades
// are not timed: they last as long as the connection.
func (m *Metrics) Instrument(h http.Handler) http.Handler {
	if m == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			h.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			// The mux set r.Pattern on this very request before calling its handler. A panic
			// is still counted (as a 500, what the recovery around us answers), then goes on.
			status := sw.status
			if v := recover(); v != nil {
				status = http.StatusInternalServerError
				defer panic(v)
			}
			m.httpDuration.WithLabelValues(m.route(r.Pattern), method(r.Method), statusClass(status)).
				Observe(time.Since(start).Seconds())
		}()
		h.ServeHTTP(sw, r)
	})
}

func (m *Metrics) route(pattern string) string {
	if pattern == "" {
		return Unmatched
	}
	return m.routes.admit(pattern)
}

func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return Other
}

func statusClass(code int) string {
	switch {
	case code == 0: // nothing written: net/http answers 200
		return "2xx"
	case code >= 100 && code < 600:
		return string(rune('0'+code/100)) + "xx"
	}
	return Other
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx are interim answers
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and Hijack underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
