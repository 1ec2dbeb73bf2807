package platform

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPublicAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip     string
		public bool
	}{
		{"93.184.216.34", true},
		{"2606:2800:220:1:248:1893:25c8:1946", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.0.0.1", false},
		{"172.16.5.4", false},
		{"192.168.0.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fc00::1", false},
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
		{"224.0.0.1", false},
		{"255.255.255.255", false},
	}
	for _, tt := range tests {
		if got := PublicAddr(netip.MustParseAddr(tt.ip)); got != tt.public {
			t.Errorf("PublicAddr(%s) = %v, want %v", tt.ip, got, tt.public)
		}
	}
}

func TestGuardedDialChecksResolvedAddress(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	// A host name, not an IP literal: only the address it resolves to reveals loopback.
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	_, err := guardedClient(nil, false).Get(u)
	if !errors.Is(err, ErrDisallowedAddress) {
		t.Fatalf("GET %s = %v, want ErrDisallowedAddress", u, err)
	}
	resp, err := guardedClient(nil, true).Get(u)
	if err != nil {
		t.Fatalf("with private addresses allowed: %v", err)
	}
	resp.Body.Close()
	if hits.Load() != 1 {
		t.Errorf("server saw %d requests, want 1 (the allowed one)", hits.Load())
	}
}

func TestWebhookPublishRefusesPrivateAtDial(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	// Validate lets the URL through (as it would a public name that later resolves inside the
	// network); the dial must still refuse it.
	a := &WebhookAdapter{
		c:            caller{platform: Webhook, client: guardedClient(nil, false), now: time.Now},
		allowPrivate: true,
	}
	c := Credentials{KeyURL: srv.URL + "/hook", KeySecret: "0123456789abcdef0123"}
	_, err := a.Publish(context.Background(), c, Message{Text: "x", IdempotencyKey: "k1"})
	if !errors.Is(err, ErrDisallowedAddress) || IsRetryable(err) {
		t.Fatalf("Publish = %v, want a permanent ErrDisallowedAddress", err)
	}
	if hits.Load() != 0 {
		t.Errorf("receiver saw %d requests", hits.Load())
	}
}

func TestGuardedClientDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	var target atomic.Int32
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { target.Add(1) }))
	t.Cleanup(dst.Close)
	src := httptest.NewServer(http.RedirectHandler(dst.URL, http.StatusTemporaryRedirect))
	t.Cleanup(src.Close)
	resp, err := guardedClient(nil, true).Post(src.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || target.Load() != 0 {
		t.Errorf("status %d, redirect target hit %d times; want the 307 itself", resp.StatusCode, target.Load())
	}
}
