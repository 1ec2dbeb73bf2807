package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Two serve replicas behind one public URL, and the worker beside them: a browser signed in
// through one is signed in on the other, and a notification caused by a request to one reaches a
// subscription held open on the other.
func TestServeReplicasShareSessionsAndSubscriptions(t *testing.T) {
	t.Parallel()
	p, _ := setupPublishing(t) // replica one, with the worker
	two := p.StartServe(t)

	b := p.NewBrowser(t)
	b.SignIn(t, p.org, "legal@example.com")
	if r := b.DoAt(t, two, meQuery); r.Code() != "" || !strings.Contains(string(r.Data), "legal@example.com") {
		t.Fatalf("replica two does not know replica one's session: %s %s", r.Code(), r.Data)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(two, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "")
	type message struct {
		Type    string
		Payload struct {
			Data struct{ NotificationAdded struct{ Kind string } }
		}
	}
	send := func(v any) {
		if err := wsjson.Write(ctx, conn, v); err != nil {
			t.Fatal(err)
		}
	}
	read := func() message {
		var m message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			t.Fatalf("read from replica two: %v", err)
		}
		return m
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + p.tok["legal"]}})
	if m := read(); m.Type != "connection_ack" {
		t.Fatalf("got %q, want connection_ack", m.Type)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { notificationAdded { kind } }`}})

	pp := p.create(t, "Pricing starts at $49 per seat") // through replica one
	p.submit(t, pp.ID)
	for {
		m := read()
		if m.Type == "ping" {
			send(map[string]any{"type": "pong"})
			continue
		}
		if m.Type != "next" || m.Payload.Data.NotificationAdded.Kind != "REVIEW_REQUESTED" {
			t.Fatalf("got %+v, want a REVIEW_REQUESTED notification", m)
		}
		break
	}
}
