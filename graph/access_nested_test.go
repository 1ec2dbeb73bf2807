package graph_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// TestPostInternalsOfAnApprovedPost: an employee may read an approved post on their board, but
// not what is internal to it (its review, decisions, comments, publication plan and jobs, other
// versions); the post's editors and reviewers read them all, so the employee's empty answers are
// the rule at work, not an empty fixture. The admin of another organization reads none of it.
func TestPostInternalsOfAnApprovedPost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(t, "marketer", `mutation($id: ID!) { addComment(postId: $id, body: "alpha-private internal comment") { id } }`,
		map[string]any{"id": e.ids["approved"]}, nil)
	vars := map[string]any{"id": e.ids["approved"]}
	fields := []struct {
		name, query string
		employee    string   // the employee's data ("" : the post is refused)
		readers     []string // who reads it in full (default: marketer and reviewer)
	}{
		{"review", `query($id: ID!) { post(id: $id) { review { status stages { name } } } }`, `{"post":{"review":null}}`, nil},
		{"decisions", `query($id: ID!) { post(id: $id) { decisions { kind comment reviewer { email } } } }`, `{"post":{"decisions":[]}}`, nil},
		{"comments", `query($id: ID!) { post(id: $id) { comments { body } } }`, `{"post":{"comments":[]}}`, nil},
		{"publicationPlan", `query($id: ID!) { post(id: $id) { publicationPlan { manualRelease channels { name } } } }`, `{"post":{"publicationPlan":null}}`, nil},
		{"publishJobs", `query($id: ID!) { post(id: $id) { publishJobs { id status lastError } } }`, `{"post":{"publishJobs":[]}}`, []string{marketer}},
		{"versions", `query($id: ID!) { post(id: $id) { versions { number content { body } } } }`, "", nil},
	}
	for _, f := range fields {
		t.Run(f.name, func(t *testing.T) {
			for _, who := range cmpOr(f.readers, []string{marketer, reviewer}) {
				res := e.do(t, e.callers[who], f.query, vars)
				if len(res.Errors) > 0 || strings.Contains(string(res.Data), "null") || strings.Contains(string(res.Data), "[]") {
					t.Errorf("%s reads %s", who, res)
				}
			}
			res := e.do(t, e.callers[employee], f.query, vars)
			switch {
			case f.employee == "":
				if res.hasRootData() || res.code() != "NOT_FOUND" && res.code() != "FORBIDDEN" {
					t.Errorf("employee: got %s, want a refusal", res)
				}
			case len(res.Errors) > 0 || !sameJSON(res.Data, f.employee):
				t.Errorf("employee: got %s, want data %s", res, f.employee)
			}
			res = e.do(t, e.callers[other], f.query, vars)
			mustNotLeak(t, res, e.otherSecrets)
			if res.hasRootData() || res.code() != "NOT_FOUND" {
				t.Errorf("other organization's admin: got %s, want NOT_FOUND", res)
			}
		})
	}
}

// TestSubscriptionAccess: the handler's websocket, in process, refuses an anonymous
// notificationAdded subscription (at connection_init, or the subscription with UNAUTHENTICATED).
func TestSubscriptionAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := httptest.NewServer(e.handler)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "")
	type message struct {
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload"`
	}
	read := func() (message, error) {
		for {
			var m message
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return m, err
			}
			if m.Type != "ping" && m.Type != "pong" {
				return m, nil
			}
		}
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	m, err := read()
	if err != nil || m.Type != "connection_ack" {
		// Refused at connection_init: the server closed the socket or said connection_error.
		if ctx.Err() != nil {
			t.Fatalf("no answer to connection_init: %v", err)
		}
		t.Logf("connection_init refused: %v %s %s", err, m.Type, m.Payload)
		return
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe",
		"payload": map[string]any{"query": `subscription { notificationAdded { id title } }`}}); err != nil {
		t.Fatal(err)
	}
	m, err = read()
	if err != nil {
		if ctx.Err() != nil {
			t.Fatalf("no answer to the subscription: %v", err)
		}
		return // closed: refused
	}
	if m.Type != "error" || !strings.Contains(string(m.Payload), "UNAUTHENTICATED") {
		t.Errorf("an anonymous subscription got %s %s, want an UNAUTHENTICATED error", m.Type, m.Payload)
	}
}
