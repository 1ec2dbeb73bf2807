package httpserver

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"clearpost/internal/audit"
)

func TestClientAddressAndRequestID(t *testing.T) {
	var got audit.Request
	h := Common(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = audit.RequestFrom(r.Context()) }),
		slog.New(slog.DiscardHandler), true)
	for _, c := range []struct {
		name, xff, id string
		wantIP        string
		keepID        bool
	}{
		{"no proxy header", "", "abc-123", "192.0.2.10", true},
		{"the proxy's entry wins over the client's", "203.0.113.9, 198.51.100.7", "", "198.51.100.7", false},
		{"garbage header falls back to the peer", "not-an-ip", "", "192.0.2.10", false},
		{"unsafe request ids are replaced", "", "bad id\nwith newline", "192.0.2.10", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(context.Background())
			req.RemoteAddr = "192.0.2.10:5555"
			if c.xff != "" {
				req.Header.Set("X-Forwarded-For", c.xff)
			}
			if c.id != "" {
				req.Header.Set("X-Request-Id", c.id)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got.IP != c.wantIP {
				t.Errorf("ip = %q, want %q", got.IP, c.wantIP)
			}
			if (got.ID == c.id) != c.keepID || got.ID == "" || strings.ContainsAny(got.ID, " \n") {
				t.Errorf("request id = %q (sent %q)", got.ID, c.id)
			}
			if rec.Header().Get("X-Request-Id") != got.ID {
				t.Errorf("response X-Request-Id %q, request's %q", rec.Header().Get("X-Request-Id"), got.ID)
			}
		})
	}
}

func TestLimitBody(t *testing.T) {
	h := LimitBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), 10)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", 11))))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d", rec.Code)
	}
}
