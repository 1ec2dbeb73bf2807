package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/config"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Shutting a serve replica down: /readyz turns unready first, requests are still answered while
// load balancers take notice, then open subscriptions are closed with a close frame (clients
// reconnect elsewhere), and Shutdown returns once everything has stopped.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	const delay = 500 * time.Millisecond
	env := apptest.Start(t, func(c *config.Config) { c.ShutdownDelay = delay })
	org := env.Org(t, "example")
	tok := org.Token(t, "legal@example.com")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(env.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + tok}}); err != nil {
		t.Fatal(err)
	}
	var ack struct{ Type string }
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v, %v", ack, err)
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { notificationAdded { kind } }`}}); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() {
		for {
			var m map[string]any
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				closed <- err
				return
			}
		}
	}()

	status := func(path string) int {
		resp, err := http.Get(env.URL + path)
		if err != nil {
			return -1
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/readyz"); got != http.StatusOK {
		t.Fatalf("/readyz = %d before shutdown", got)
	}
	started := time.Now()
	done := make(chan error, 1)
	go func() { done <- env.App.Shutdown(ctx) }()

	// Unready at once, while still serving.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if status("/readyz") == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz never turned unready")
		}
	}
	if elapsed := time.Since(started); elapsed < delay {
		if got := status("/healthz"); got != http.StatusOK {
			t.Errorf("/healthz = %d during the delay, want 200: requests are still served", got)
		}
	}
	select {
	case err := <-closed:
		// A close frame, not a dropped connection: graphql-ws clients reconnect on a normal
		// closure.
		if code := websocket.CloseStatus(err); code != websocket.StatusNormalClosure && code != websocket.StatusGoingAway {
			t.Errorf("subscription ended with %v, want a normal or going-away close frame", err)
		}
		if time.Since(started) < delay {
			t.Errorf("the subscription ended after %s, before the delay of %s", time.Since(started), delay)
		}
	case <-ctx.Done():
		t.Fatal("the subscription was never ended")
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := status("/healthz"); got != -1 {
		t.Errorf("/healthz answered %d after shutdown", got)
	}
}
