package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"clearpost/graph"
	"clearpost/internal/advocacy"
	"clearpost/internal/approval"
	"clearpost/internal/auth"
	"clearpost/internal/boards"
	"clearpost/internal/config"
	"clearpost/internal/content"
	"clearpost/internal/notify"
	"clearpost/internal/postgres"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/publish"
	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
	"clearpost/internal/reports"
	"clearpost/internal/search"
	searchpg "clearpost/internal/search/postgres"
	"clearpost/internal/secretbox"
	"clearpost/internal/seed"
	"clearpost/internal/webhooks"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// This file checks the resolvers' access rules at the graph package's own level: the executable
// schema behind graph.NewHandler, over the real services on a database of the test's own, called
// in process with an auth.Principal in the request's context (no HTTP server, no OIDC). Every
// query, mutation and subscription of graph/schema/*.graphqls has a row in opCases, run by each
// of six callers: no principal, an employee, a reviewer, a marketer and an admin of organization
// A, and the admin of organization B.
//
//   - A caller without a principal gets UNAUTHENTICATED, no data, and the database is unchanged.
//   - An organization A caller whose roles the row does not allow gets FORBIDDEN (or NOT_FOUND for
//     an object they may not know exists), no data, and the database is unchanged.
//   - A caller the row allows gets data: the refusals above are about the role, not blanket.
//   - The admin of organization B gets NOT_FOUND for every operation naming one of A's objects,
//     never reads any of A's ids or words, and never changes any of A's rows.

// Callers, by the names rows use.
const (
	anonymous = "anonymous"
	employee  = "employee" // EMPLOYEE only
	reviewer  = "reviewer" // REVIEWER (+ EMPLOYEE), in the reviewer group "brand"
	marketer  = "marketer" // MARKETER (+ EMPLOYEE)
	admin     = "admin"    // ADMIN (+ EMPLOYEE)
	other     = "other"    // ADMIN of organization B
)

var (
	everyone = []string{employee, reviewer, marketer, admin}
	readers  = []string{reviewer, marketer, admin} // approval's readers
	editors  = []string{marketer, admin}
	admins   = []string{admin}
	nobody   = []string{}
)

// want is what one caller expects of one row.
type want struct {
	// deny: refused with one of these codes, no data, nothing changed.
	deny []string
	// nullOK: a refusal may also be a null root field without an error (node).
	nullOK bool
	// alsoOK: codes an allowed caller may get instead of data (changing nothing).
	alsoOK []string
	// still: an allowed mutation that must change nothing.
	still bool
	// noop: an allowed mutation that need not change anything (otherwise it must).
	noop bool
	// data: the exact JSON data an allowed call returns.
	data string
}

// opCase is one operation (one root field) with arguments naming organization A's objects.
type opCase struct {
	name  string // defaults to the root field
	query string
	vars  map[string]any
	// allow: the organization A callers that may run it.
	allow []string
	// deny: the codes for organization A callers outside allow (default FORBIDDEN).
	deny []string
	// scoped: the operation names one of A's objects, so B's admin gets NOT_FOUND.
	scoped bool
	// nullOK: refusals may be a null root field (node).
	nullOK bool
	// still, noop, data: see want; they apply to every allowed caller.
	still, noop bool
	data        string
	// ok: codes an allowed caller may get instead of data, per caller ("*": any).
	ok map[string][]string
	// as: a caller's whole expectation, overriding the rest.
	as map[string]want
}

// ref names a fixture object; resolved per environment.
type ref string

var (
	unseen   = []string{"NOT_FOUND", "FORBIDDEN"}
	notFound = []string{"NOT_FOUND"}
)

const nodeQuery = `query($id: ID!) { node(id: $id) { id ... on Post { title } ... on Board { name } ... on Share { text }
	... on Notification { title } ... on Workflow { name } ... on RoutingRule { name } ... on Channel { name credentialKeys }
	... on WebhookSubscription { url } } }`

const decisionInput = `($in: DecisionInput!)`

func decision(post, version ref, comment string) map[string]any {
	in := map[string]any{"postId": post, "versionId": version}
	if comment != "" {
		in["comment"] = comment
	}
	return map[string]any{"in": in}
}

// opCases run in this order for each caller; what would take the fixture apart goes last.
var opCases = []opCase{
	// Users and sign-on.
	{query: `{ me { id email roles } }`, allow: everyone},
	{query: `{ decisionSignInValidUntil }`, allow: everyone, data: `{"decisionSignInValidUntil": null}`}, // no step-up policy in the fixture
	{query: `{ users(first: 200) { edges { node { id email name } } } }`, allow: editors},
	// Another user's roles, groups, department and region: admins (and the user themself) only.
	{name: "users with private fields", query: `{ users(first: 200) { edges { node { id roles groups department region } } } }`, allow: admins},
	{query: `{ signOnPolicy { emailDomains stepUpMinutes } }`, allow: admins},

	// Posts and review.
	{query: `query($id: ID!) { post(id: $id) { id title } }`, vars: map[string]any{"id": ref("inReview")}, allow: readers, deny: unseen, scoped: true},
	{name: "post approved on the employee's board", query: `query($id: ID!) { post(id: $id) { id title } }`, vars: map[string]any{"id": ref("approved")},
		allow: everyone, scoped: true},
	{name: "post approved on the legal board", query: `query($id: ID!) { post(id: $id) { id title } }`, vars: map[string]any{"id": ref("legalOnly")},
		allow: readers, deny: unseen, scoped: true},
	{query: nodeQuery, vars: map[string]any{"id": ref("inReview")}, allow: readers, deny: unseen, scoped: true, nullOK: true},
	{name: "node legal board", query: nodeQuery, vars: map[string]any{"id": ref("legalBoard")}, allow: editors, deny: unseen, scoped: true, nullOK: true},
	{name: "node Sam's share", query: nodeQuery, vars: map[string]any{"id": ref("samShare")}, allow: admins, deny: unseen, scoped: true, nullOK: true},
	{name: "node Sam's notification", query: nodeQuery, vars: map[string]any{"id": ref("samNote")}, allow: nobody, deny: unseen, scoped: true, nullOK: true},
	{name: "node workflow", query: nodeQuery, vars: map[string]any{"id": ref("workflow")}, allow: readers, deny: unseen, scoped: true, nullOK: true},
	{name: "node routing rule", query: nodeQuery, vars: map[string]any{"id": ref("rule")}, allow: readers, deny: unseen, scoped: true, nullOK: true},
	{name: "node channel", query: nodeQuery, vars: map[string]any{"id": ref("channel")}, allow: editors, deny: unseen, scoped: true, nullOK: true},
	{name: "node webhook", query: nodeQuery, vars: map[string]any{"id": ref("webhook")}, allow: admins, deny: unseen, scoped: true, nullOK: true},
	{query: `{ posts(first: 100) { edges { node { id title } } } }`, allow: everyone},
	{query: `{ reviewQueue(first: 100) { totalCount edges { node { post { id title } stage } } } }`, allow: readers},
	{query: `{ workflows { edges { node { id name } } } }`, allow: readers},
	{query: `{ routingRules { edges { node { id name expression } } } }`, allow: readers},
	{query: `{ previewRouting(content: {body: "Plans from $5."}) { workflowName stages { name } rules { ruleId name } } }`, allow: editors},
	{query: `{ classifierSettings { competitors disclosures } }`, allow: readers},
	{query: `{ auditLog(first: 200) { edges { node { id subjectId actorEmail details } } } }`, allow: admins},
	{query: `{ verifyAuditLog { ok verified headSeq } }`, allow: admins},

	// Boards, feed and search.
	{query: `{ boards(first: 200) { edges { node { id name } } } }`, allow: everyone},
	{query: `query($id: ID!) { board(id: $id) { id name } }`, vars: map[string]any{"id": ref("legalBoard")}, allow: editors, deny: unseen, scoped: true},
	{name: "board for everyone", query: `query($id: ID!) { board(id: $id) { id name } }`, vars: map[string]any{"id": ref("board")}, allow: everyone, scoped: true},
	{query: `query($b: ID) { feed(boardId: $b) { edges { node { post { id title } } } } }`, vars: map[string]any{"b": ref("board")}, allow: everyone, scoped: true},
	{name: "feed of the legal board", query: `query($b: ID) { feed(boardId: $b) { edges { node { post { id title } } } } }`, vars: map[string]any{"b": ref("legalBoard")},
		allow: editors, deny: unseen, scoped: true},
	{name: "feed of every board", query: `{ feed(first: 100) { edges { node { boardId post { id title } } } } }`, allow: everyone},
	{query: `{ maxContentAgeDays }`, allow: editors, data: `{"maxContentAgeDays":null}`},
	{query: `query($b: ID) { search(text: "alpha", boardId: $b) { edges { node { post { id } title snippet } } total } }`, vars: map[string]any{"b": ref("board")},
		allow: everyone, scoped: true},
	{name: "search every board", query: `{ search(text: "alpha private") { edges { node { post { id } title snippet boards { id } } } total boardFacets { board { id } count } tagFacets { tag } } }`,
		allow: everyone},
	// The postgres search backend has no tenant tokens: CONFLICT for everyone signed in.
	{query: `{ searchToken { token indexUid } }`, allow: append(slices.Clone(everyone), other), ok: map[string][]string{"*": {"CONFLICT"}}},

	// Advocacy.
	{query: `{ myShares { edges { node { id text } } } }`, allow: everyone},
	{query: `{ myShareTotals { shares clicks } }`, allow: everyone},
	{query: `{ leaderboard(first: 100) { user { id email name } shares points } }`, allow: everyone},
	{query: `{ myLeaderboardEntry { rank user { id name } shares points } }`, allow: everyone, data: `{"myLeaderboardEntry": null}`}, // no fixture caller has points
	{name: "leaderboard with private user fields", query: `{ leaderboard(first: 100) { user { id roles groups department region } } }`,
		allow: everyone, ok: map[string][]string{employee: {"FORBIDDEN"}, reviewer: {"FORBIDDEN"}, marketer: {"FORBIDDEN"}}},
	{query: `query($u: ID) { shareArchive(userId: $u) { edges { node { id text } } } }`, vars: map[string]any{"u": ref("sam")}, allow: admins,
		as: map[string]want{other: {alsoOK: notFound}}},
	{query: `{ connectedAccounts { network accountId } }`, allow: everyone},
	{query: `{ shareEditsNeedApproval }`, allow: everyone},

	// Notifications.
	{query: `{ notifications { edges { node { id title body } } } }`, allow: everyone},
	{query: `{ unreadNotificationCount }`, allow: everyone, as: map[string]want{other: {data: `{"unreadNotificationCount":0}`}}},
	{query: `{ notificationPreferences { channels } }`, allow: everyone},
	{query: `{ slackWebhookSet }`, allow: admins},

	// Publishing.
	{query: `{ channels { id name } }`, allow: editors},
	{query: `{ releaseQueue { edges { node { post { id } channels { id } } } } }`, allow: editors},

	// Webhooks.
	{query: `{ webhookSubscriptions { edges { node { id url } } } }`, allow: admins},
	{query: `query($id: ID!) { webhookSubscription(id: $id) { id url } }`, vars: map[string]any{"id": ref("webhook")}, allow: admins, scoped: true},

	// Mutations: routing.
	{query: `mutation { createWorkflow(input: {name: "bee workflow", stages: [{name: "s", groups: [{group: "brand", quorum: {kind: ANY}}]}]}) { id } }`, allow: admins},
	{query: `mutation($id: ID!) { updateWorkflow(id: $id, input: {name: "changed", stages: [{name: "s", groups: [{group: "brand", quorum: {kind: ANY}}]}]}) { id } }`,
		vars: map[string]any{"id": ref("workflow")}, allow: admins, scoped: true},
	{query: `mutation { createRoutingRule(input: {name: "bee rule", expression: "true", action: {kind: ADD_GROUP, group: "brand", quorum: {kind: ANY}}}) { id } }`, allow: admins},
	{query: `mutation($id: ID!) { updateRoutingRule(id: $id, input: {name: "changed", expression: "false", action: {kind: ADD_GROUP, group: "brand", quorum: {kind: ANY}}}) { id } }`,
		vars: map[string]any{"id": ref("rule")}, allow: admins, scoped: true},
	{query: `mutation { setClassifierSettings(input: {competitors: ["Bee"], disclosures: [], disclosureCategories: []}) { competitors } }`, allow: admins},

	// Posts and review: each mutation has a post in review of its own.
	{query: `mutation { createPost(content: {body: "bee post"}) { id } }`, allow: editors},
	{query: `mutation($id: ID!) { updatePost(id: $id, content: {body: "changed"}) { id } }`, vars: map[string]any{"id": ref("forUpdate")}, allow: editors, deny: unseen, scoped: true},
	{query: `mutation($id: ID!) { submitPost(id: $id) { id } }`, vars: map[string]any{"id": ref("draft")}, allow: editors, deny: unseen, scoped: true},
	{query: `mutation($id: ID!) { withdrawPost(id: $id, reason: "changed") { id } }`, vars: map[string]any{"id": ref("forWithdraw")}, allow: []string{marketer}, deny: unseen, scoped: true},
	{query: `mutation` + decisionInput + ` { approvePost(input: $in) { decision { id } } }`, vars: decision("forApprove", "forApproveVersion", ""),
		allow: []string{reviewer}, deny: unseen, scoped: true},
	{query: `mutation` + decisionInput + ` { requestChanges(input: $in) { decision { id } } }`, vars: decision("forChanges", "forChangesVersion", "changed"),
		allow: []string{reviewer}, deny: unseen, scoped: true},
	{query: `mutation` + decisionInput + ` { rejectPost(input: $in) { decision { id } } }`, vars: decision("forReject", "forRejectVersion", "changed"),
		allow: []string{reviewer}, deny: unseen, scoped: true},
	{query: `mutation($id: ID!) { addComment(postId: $id, body: "changed") { id } }`, vars: map[string]any{"id": ref("inReview")}, allow: readers, deny: unseen, scoped: true},

	// Boards.
	{query: `mutation($c: [ID!]) { createBoard(input: {name: "bee board", audience: {everyone: true}, curatorIds: $c}) { id } }`,
		vars: map[string]any{"c": []any{ref("marketer")}}, allow: editors, as: map[string]want{other: {deny: []string{"NOT_FOUND", "BAD_USER_INPUT"}}}},
	{query: `mutation($id: ID!) { updateBoard(id: $id, input: {name: "changed", audience: {everyone: true}}) { id } }`, vars: map[string]any{"id": ref("board")},
		allow: editors, scoped: true},
	{name: "updateBoard widening the legal board", query: `mutation($id: ID!) { updateBoard(id: $id, input: {name: "widened", audience: {everyone: true}}) { id } }`,
		vars: map[string]any{"id": ref("legalBoard")}, allow: editors, deny: unseen, scoped: true},
	{query: `mutation($b: ID!, $p: ID!) { addToBoard(boardId: $b, postId: $p) { boardId } }`, vars: map[string]any{"b": ref("board"), "p": ref("legalOnly")},
		allow: editors, scoped: true},
	{query: `mutation($b: ID!, $p: ID!) { pinBoardItem(boardId: $b, postId: $p, pinned: true) { boardId } }`, vars: map[string]any{"b": ref("board"), "p": ref("approved")},
		allow: editors, scoped: true},
	{query: `mutation($b: ID!, $p: ID!) { moveBoardItem(boardId: $b, postId: $p) { boardId } }`, vars: map[string]any{"b": ref("board"), "p": ref("approved2")},
		allow: editors, scoped: true},
	{query: `mutation($b: ID!, $p: ID!) { removeFromBoard(boardId: $b, postId: $p) { id } }`, vars: map[string]any{"b": ref("board"), "p": ref("approved2")},
		allow: editors, scoped: true},
	{query: `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, vars: map[string]any{"p": ref("inReview"), "b": []any{ref("board")}},
		allow: editors, deny: unseen, scoped: true},
	{query: `mutation { setMaxContentAge(days: 7) }`, allow: admins},

	// Advocacy.
	{query: `mutation($p: ID!) { sharePost(postId: $p, network: LINKEDIN) { id text } }`, vars: map[string]any{"p": ref("approved")}, allow: everyone, scoped: true},
	{name: "sharePost of a post on the legal board", query: `mutation($p: ID!) { sharePost(postId: $p, network: X) { id text } }`, vars: map[string]any{"p": ref("legalOnly")},
		allow: editors, deny: unseen, scoped: true},
	{name: "sharePost of a post in review", query: `mutation($p: ID!) { sharePost(postId: $p, network: FACEBOOK) { id text } }`, vars: map[string]any{"p": ref("inReview")},
		allow: nobody, deny: []string{"NOT_FOUND", "FORBIDDEN", "CONFLICT"}, scoped: true},
	// Only one's own share: an admin reads any share (node) but cancels none but their own.
	{query: `mutation($id: ID!) { cancelShare(id: $id) { id status } }`, vars: map[string]any{"id": ref("samShare")}, allow: nobody, deny: unseen, scoped: true},
	{query: `mutation { connectAccount(network: X, token: "own-token", accountId: "own-account") { network accountId } }`, allow: everyone,
		as: map[string]want{other: {}}},
	{name: "disconnectAccount another user has", query: `mutation { disconnectAccount(network: LINKEDIN) }`, allow: everyone, still: true,
		ok: map[string][]string{"*": notFound}, as: map[string]want{other: {alsoOK: notFound, still: true}}},
	{query: `mutation { setShareEditsNeedApproval(on: true) }`, allow: admins},

	// Notifications.
	{name: "markNotificationsRead another user's", query: `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`, vars: map[string]any{"ids": []any{ref("samNote")}},
		allow: everyone, still: true, data: `{"markNotificationsRead":0}`, as: map[string]want{other: {still: true, data: `{"markNotificationsRead":0}`}}},
	{query: `mutation { markAllNotificationsRead }`, allow: everyone, noop: true},
	{query: `mutation { setNotificationPreferences(input: {channels: [IN_APP]}) { channels } }`, allow: everyone, as: map[string]want{other: {}}},
	{query: `mutation { setSlackWebhook(url: "") }`, allow: admins, noop: true},

	// Publishing.
	{query: `mutation($u: String!) { createChannel(input: {platform: SLACK, name: "bee channel", credentials: [{key: "webhook_url", value: $u}]}) { id } }`,
		vars: map[string]any{"u": ref("slackURL")}, allow: admins},
	{query: `mutation($id: ID!) { updateChannel(id: $id, input: {name: "changed"}) { id } }`, vars: map[string]any{"id": ref("channel")}, allow: admins, scoped: true},
	{query: `mutation($p: ID!, $c: [ID!]!) { schedulePost(input: {postId: $p, channelIds: $c, manualRelease: true}) { publishAt } }`,
		vars: map[string]any{"p": ref("approved"), "c": []any{ref("channel")}}, allow: editors, deny: unseen, scoped: true, noop: true},
	{query: `mutation($id: ID!) { retryPublish(jobId: $id) { id status } }`, vars: map[string]any{"id": ref("failedJob")}, allow: editors, deny: unseen, scoped: true},
	{query: `mutation($p: ID!) { releasePost(postId: $p) { id status } }`, vars: map[string]any{"p": ref("approved")}, allow: editors, deny: unseen, scoped: true},
	{query: `mutation($p: ID!) { unschedulePost(postId: $p) { id status } }`, vars: map[string]any{"p": ref("approved")}, allow: editors, deny: unseen, scoped: true},

	// Webhooks.
	{query: `mutation($u: String!) { createWebhookSubscription(input: {url: $u, events: ["post.approved"]}) { subscription { id } secret } }`,
		vars: map[string]any{"u": ref("hookURL")}, allow: admins},
	{query: `mutation($id: ID!) { updateWebhookSubscription(id: $id, input: {description: "changed"}) { id } }`, vars: map[string]any{"id": ref("webhook")}, allow: admins, scoped: true},
	{query: `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, vars: map[string]any{"id": ref("webhook")}, allow: admins, scoped: true},
	{query: `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`, vars: map[string]any{"id": ref("delivery")}, allow: admins, scoped: true},

	// Sign-on.
	{query: `mutation { setSignOnPolicy(input: {emailDomains: [], stepUpMinutes: 5}) { stepUpMinutes } }`, allow: admins},

	// Last: what would take the fixture apart.
	{query: `mutation($id: ID!) { disableChannel(id: $id) { id } }`, vars: map[string]any{"id": ref("channel")}, allow: admins, scoped: true},
	{query: `mutation($id: ID!) { archiveBoard(id: $id) { id } }`, vars: map[string]any{"id": ref("board")}, allow: editors, scoped: true},
	{query: `mutation($id: ID!) { deleteRoutingRule(id: $id) { id } }`, vars: map[string]any{"id": ref("rule")}, allow: admins, scoped: true},
	{query: `mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`, vars: map[string]any{"id": ref("webhook")}, allow: admins, scoped: true},
	{query: `mutation($id: ID!) { setUserActive(userId: $id, active: false) { id } }`, vars: map[string]any{"id": ref("sam")}, allow: admins, scoped: true},
	{name: "setUserRoles making the employee an admin", query: `mutation($id: ID!) { setUserRoles(userId: $id, roles: [ADMIN, EMPLOYEE], groups: ["legal"]) { id roles } }`,
		vars: map[string]any{"id": ref("employee")}, allow: admins, scoped: true},
}

// coveredElsewhere are the schema's operations without a row in opCases, and where they are
// checked.
var coveredElsewhere = map[string]string{
	"Subscription.notificationAdded": "TestSubscriptionAccess",
}

// expect returns what caller expects of c.
func (c opCase) expect(caller string) want {
	if w, ok := c.as[caller]; ok {
		return w
	}
	if caller == anonymous {
		return want{deny: []string{"UNAUTHENTICATED"}}
	}
	allowed := slices.Contains(c.allow, caller)
	if caller == other {
		if c.scoped {
			return want{deny: notFound, nullOK: c.nullOK}
		}
		// An organization-wide operation: B's admin runs it on B, as A's admin would on A.
		allowed = slices.Contains(c.allow, admin)
	}
	if !allowed {
		return want{deny: cmpOr(c.deny, []string{"FORBIDDEN"}), nullOK: c.nullOK}
	}
	w := want{still: c.still, noop: c.noop, data: c.data}
	w.alsoOK = append(w.alsoOK, c.ok["*"]...)
	w.alsoOK = append(w.alsoOK, c.ok[caller]...)
	return w
}

func cmpOr[T any](a, b []T) []T {
	if len(a) > 0 {
		return a
	}
	return b
}

// loadSchema parses graph/schema/*.graphqls: the schema as written.
func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob("schema/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v (%d)", err, len(files))
	}
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	schema, gerr := gqlparser.LoadSchema(sources...)
	if gerr != nil {
		t.Fatalf("load schema: %v", gerr)
	}
	return schema
}

// rootFields returns the "Query.me"-style root fields of a row's document, which must validate.
func rootFields(t *testing.T, schema *ast.Schema, query string) []string {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if errs := validator.Validate(schema, doc); len(errs) > 0 {
		t.Errorf("row %q does not validate against the schema: %v", query, errs)
	}
	var out []string
	for _, op := range doc.Operations {
		typ := map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"}[op.Operation]
		for _, sel := range op.SelectionSet {
			if f, ok := sel.(*ast.Field); ok && !strings.HasPrefix(f.Name, "__") {
				out = append(out, typ+"."+f.Name)
			}
		}
	}
	return out
}

func (c opCase) label(t *testing.T, schema *ast.Schema) string {
	if c.name != "" {
		return c.name
	}
	f := rootFields(t, schema, c.query)
	if len(f) != 1 {
		t.Fatalf("row %q has %d root fields, want 1", c.query, len(f))
	}
	_, name, _ := strings.Cut(f[0], ".")
	return name
}

// TestOpCasesCoverTheSchema fails for an operation of the schema without a row (or a row for an
// operation the schema no longer has), so every new operation gets its access written down.
func TestOpCasesCoverTheSchema(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t)
	rows, names := map[string]bool{}, map[string]bool{}
	for _, c := range opCases {
		fields := rootFields(t, schema, c.query)
		if len(fields) != 1 {
			t.Errorf("row %q has %d root fields, want 1", c.query, len(fields))
		}
		for _, f := range fields {
			rows[f] = true
		}
		if n := c.label(t, schema); names[n] {
			t.Errorf("two rows named %q", n)
		} else {
			names[n] = true
		}
		for _, who := range c.allow {
			if !slices.Contains(everyone, who) && who != other {
				t.Errorf("row %s allows unknown caller %q", c.label(t, schema), who)
			}
		}
	}
	n := 0
	for _, typ := range []*ast.Definition{schema.Query, schema.Mutation, schema.Subscription} {
		if typ == nil {
			continue
		}
		for _, f := range typ.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			n++
			op := typ.Name + "." + f.Name
			if !rows[op] && coveredElsewhere[op] == "" {
				t.Errorf("%s has no row in opCases: add one saying which roles may run it and whether it names an organization's object", op)
			}
			delete(rows, op)
		}
	}
	for op := range rows {
		t.Errorf("opCases has a row for %s, which the schema no longer has", op)
	}
	if n < 80 {
		t.Errorf("the schema has %d operations; the glob read too few files", n)
	}
	t.Logf("%d operations in the schema, %d rows", n, len(opCases))
}

// env is the executable schema over real services on a database of its own, with organization A
// ("example", one of every object) and organization B ("other").
type env struct {
	pool    *pgxpool.Pool
	handler http.Handler
	orgA    uuid.UUID
	orgB    uuid.UUID
	callers map[string]*auth.Principal
	people  map[string]*auth.Principal // organization A's demo users by e-mail local part
	ids     map[string]string
	db      *snapshotter
	// otherSecrets: what B's admin must never read (A's ids and marker words).
	otherSecrets []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	log := slog.New(slog.DiscardHandler)
	keys, err := secretbox.Parse(secretbox.NewKey("test"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()

	// The services, wired as internal/app wires them.
	approvals := approval.NewService(pool)
	approvals.OnApproved(boards.PlaceApproved)
	approvals.OnApproved(func(ctx context.Context, w postgres.Execer, postID, _ uuid.UUID) error {
		return publish.SchedulePlanned(ctx, w, postID)
	})
	approvals.OnUnapproved(boards.RemoveUnapproved)
	boardSvc := boards.NewService(pool)
	index := searchpg.New(pool)
	adapters := platform.Adapters(platform.Options{AllowPrivateAddresses: true})
	notifySvc, err := notify.NewService(pool, keys, notify.Options{PublicURL: "http://clearpost.test"}, log)
	if err != nil {
		t.Fatal(err)
	}
	resolver := graph.NewResolver(graph.Services{
		Users:    auth.NewUsers(pool),
		Content:  content.NewService(pool, boards.OnVisibleBoard),
		Approval: approvals,
		Boards:   boardSvc,
		Search:   search.NewService(index, boardSvc, "", ""),
		Audit:    reports.NewAudit(pool),
		Publish:  publish.NewService(pool, keys, adapters, log),
		Webhooks: webhooks.NewService(pool, keys, log, webhooks.Options{AllowLoopback: true}),
		Advocacy: advocacy.NewService(pool, keys, approvals, "http://clearpost.test"),
		Notify:   notifySvc,
		Hub:      notify.NewHub(pool, log),
	})
	e := &env{
		pool: pool,
		handler: graph.NewHandler(resolver, graph.Options{Log: log, ComplexityLimit: cfg.QueryComplexity, DepthLimit: cfg.QueryDepth,
			Introspection: cfg.Introspection}),
		callers: map[string]*auth.Principal{},
		people:  map[string]*auth.Principal{},
		ids:     map[string]string{},
	}
	if e.orgA, err = seed.Base(ctx, pool, "example", "https://idp.test/example", "clearpost-test"); err != nil {
		t.Fatalf("seed organization A: %v", err)
	}
	if e.orgB, err = seed.Base(ctx, pool, "other", "https://idp.test/other", "clearpost-test"); err != nil {
		t.Fatalf("seed organization B: %v", err)
	}
	for _, p := range seed.People {
		local, _, _ := strings.Cut(p.Email, "@")
		e.people[local] = e.principal(t, e.orgA, p.Email)
		e.ids[local] = e.people[local].UserID.String()
	}
	e.callers[employee] = e.people["employee"]
	e.callers[reviewer] = e.people["brand"]
	e.callers[marketer] = e.people["marketer"]
	e.callers[admin] = e.people["admin"]
	e.callers[other] = e.principal(t, e.orgB, "admin@example.com")
	e.mustRoles(t)
	e.fixture(t, index, log)
	return e
}

// mustRoles checks that each caller holds the roles its name says, and no more.
func (e *env) mustRoles(t *testing.T) {
	t.Helper()
	wantRoles := map[string][]auth.Role{
		employee: {auth.RoleEmployee},
		reviewer: {auth.RoleEmployee, auth.RoleReviewer},
		marketer: {auth.RoleEmployee, auth.RoleMarketer},
		admin:    {auth.RoleAdmin, auth.RoleEmployee},
		other:    {auth.RoleAdmin, auth.RoleEmployee},
	}
	for who, roles := range wantRoles {
		got := slices.Clone(e.callers[who].Roles)
		slices.Sort(got)
		if !slices.Equal(got, roles) {
			t.Fatalf("caller %s has roles %v, want %v", who, got, roles)
		}
	}
	if !e.callers[reviewer].InGroup("brand") || e.callers[reviewer].InGroup("legal") {
		t.Fatalf("the reviewer's groups are %v, want brand and not legal", e.callers[reviewer].Groups)
	}
}

func (e *env) principal(t *testing.T, org uuid.UUID, email string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	var id uuid.UUID
	if err := e.pool.QueryRow(ctx, `SELECT id FROM users WHERE org_id = $1 AND email = $2`, org, email).Scan(&id); err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	u, err := auth.GetUser(ctx, e.pool, org, id)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u.Principal()
}

// result is a GraphQL response.
type result struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

func (r *result) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

func (r *result) String() string {
	if len(r.Errors) == 0 {
		return "data " + string(r.Data)
	}
	var msgs []string
	for _, er := range r.Errors {
		msgs = append(msgs, fmt.Sprintf("%s %q", cmpOrS(er.Extensions.Code, "(no code)"), er.Message))
	}
	return strings.Join(msgs, "; ")
}

func cmpOrS(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// hasRootData reports whether any root field of the response holds a value.
func (r *result) hasRootData() bool {
	var data map[string]json.RawMessage
	if len(r.Data) == 0 || json.Unmarshal(r.Data, &data) != nil {
		return false
	}
	for _, v := range data {
		if string(v) != "null" {
			return true
		}
	}
	return false
}

// do runs an operation through the handler, in process, as p (nil: no principal).
func (e *env) do(t *testing.T, p *auth.Principal, query string, vars map[string]any) *result {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if p != nil {
		ctx = auth.WithPrincipal(ctx, p)
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	var res result
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatalf("graphql response (%d): %v: %s", rec.Code, err, rec.Body)
	}
	return &res
}

// must runs an operation that must succeed as the demo user who, decoding its data into out.
func (e *env) must(t *testing.T, who, query string, vars map[string]any, out any) {
	t.Helper()
	res := e.do(t, e.people[who], query, vars)
	if len(res.Errors) > 0 {
		t.Fatalf("as %s: %s\nquery: %s", who, res, query)
	}
	if out != nil {
		if err := json.Unmarshal(res.Data, out); err != nil {
			t.Fatalf("decode %s: %v", res.Data, err)
		}
	}
}

type postRef struct {
	ID             string
	CurrentVersion struct{ ID string }
	State          string
}

const createPostQuery = `mutation($c: PostContentInput!) { createPost(content: $c) { id state currentVersion { id } } }`

func (e *env) createPost(t *testing.T, name string) postRef {
	t.Helper()
	var out struct{ CreatePost postRef }
	e.must(t, "marketer", createPostQuery, map[string]any{"c": map[string]any{
		"title": name, "body": name + " body", "link": "https://example.com/" + strings.ReplaceAll(name, " ", "-"),
		"shareText": name + " share text", "shareTextEditable": true}}, &out)
	return out.CreatePost
}

func (e *env) submit(t *testing.T, id string) {
	t.Helper()
	e.must(t, "marketer", `mutation($id: ID!) { submitPost(id: $id) { id } }`, map[string]any{"id": id}, nil)
}

// inReview creates a post in review (the brand stage only) and names it and its version.
func (e *env) inReview(t *testing.T, name string) {
	t.Helper()
	p := e.createPost(t, "alpha-private "+name)
	e.submit(t, p.ID)
	e.ids[name], e.ids[name+"Version"] = p.ID, p.CurrentVersion.ID
}

// approved creates a post aimed at board and approved by the brand reviewer.
func (e *env) approved(t *testing.T, name, board string) string {
	t.Helper()
	p := e.createPost(t, name)
	e.must(t, "marketer", `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, map[string]any{"p": p.ID, "b": []string{board}}, nil)
	e.submit(t, p.ID)
	var out struct{ ApprovePost struct{ Post postRef } }
	e.must(t, "brand", `mutation($in: DecisionInput!) { approvePost(input: $in) { post { id state } } }`,
		map[string]any{"in": map[string]any{"postId": p.ID, "versionId": p.CurrentVersion.ID}}, &out)
	if out.ApprovePost.Post.State != "APPROVED" {
		t.Fatalf("%s is %s after the brand review, want APPROVED", name, out.ApprovePost.Post.State)
	}
	return p.ID
}

func (e *env) board(t *testing.T, name string, audience map[string]any) string {
	t.Helper()
	var out struct{ CreateBoard struct{ ID string } }
	e.must(t, "marketer", `mutation($in: BoardInput!) { createBoard(input: $in) { id } }`, map[string]any{"in": map[string]any{"name": name, "audience": audience}}, &out)
	return out.CreateBoard.ID
}

// fixture gives organization A one of everything, each named in e.ids.
func (e *env) fixture(t *testing.T, index search.Index, log *slog.Logger) {
	t.Helper()
	ctx := context.Background()
	e.ids["board"] = e.board(t, "alpha-public board", map[string]any{"everyone": true})
	e.ids["legalBoard"] = e.board(t, "alpha-private legal board", map[string]any{"everyone": false, "groups": []string{"legal"}})

	e.ids["draft"] = e.createPost(t, "alpha-private draft").ID
	e.ids["forUpdate"] = e.createPost(t, "alpha-private draft to edit").ID
	for _, name := range []string{"inReview", "forWithdraw", "forApprove", "forChanges", "forReject"} {
		e.inReview(t, name)
	}
	e.ids["approved"] = e.approved(t, "alpha-public", e.ids["board"])
	e.ids["approved2"] = e.approved(t, "alpha-public second", e.ids["board"])
	e.ids["legalOnly"] = e.approved(t, "alpha-private legal-only", e.ids["legalBoard"])
	indexer := boards.NewIndexer(e.pool, index, log)
	for _, name := range []string{"approved", "approved2", "legalOnly"} {
		if err := indexer.Sync(ctx, e.orgA, uuid.MustParse(e.ids[name])); err != nil {
			t.Fatalf("index %s: %v", name, err)
		}
	}

	var wf struct{ CreateWorkflow struct{ ID string } }
	e.must(t, "admin", `mutation { createWorkflow(input: {name: "alpha-private workflow", stages: [{name: "alpha-private stage", groups: [{group: "legal", quorum: {kind: ANY}}]}]}) { id } }`, nil, &wf)
	e.ids["workflow"] = wf.CreateWorkflow.ID
	var rule struct{ CreateRoutingRule struct{ ID string } }
	e.must(t, "admin", `mutation { createRoutingRule(input: {name: "alpha-private rule", expression: "\"alpha-private-tag\" in post.tags", action: {kind: ADD_GROUP, group: "legal", quorum: {kind: ANY}}}) { id } }`, nil, &rule)
	e.ids["rule"] = rule.CreateRoutingRule.ID

	slack := platformtest.NewSlack(t)
	e.ids["slackURL"] = slack.URL
	var ch struct{ CreateChannel struct{ ID string } }
	e.must(t, "admin", `mutation($u: String!) { createChannel(input: {platform: SLACK, name: "alpha-private channel", credentials: [{key: "webhook_url", value: $u}]}) { id } }`,
		map[string]any{"u": slack.URL}, &ch)
	e.ids["channel"] = ch.CreateChannel.ID
	schedule := `mutation($p: ID!, $c: [ID!]!) { schedulePost(input: {postId: $p, channelIds: $c, manualRelease: true}) { publishAt } }`
	for _, name := range []string{"approved", "approved2"} {
		e.must(t, "marketer", schedule, map[string]any{"p": e.ids[name], "c": []string{e.ids["channel"]}}, nil)
	}
	// approved2's publication failed: retryPublish has something to retry.
	var job string
	if err := e.pool.QueryRow(ctx, `UPDATE publish_jobs SET status = 'FAILED', attempts = 1, last_error = 'alpha-private failure'
		WHERE org_id = $1 AND post_id = $2 RETURNING id`, e.orgA, e.ids["approved2"]).Scan(&job); err != nil {
		t.Fatalf("fail the publish job: %v", err)
	}
	e.ids["failedJob"] = job

	recv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(recv.Close)
	e.ids["hookURL"] = recv.URL + "/bee"
	var hook struct {
		CreateWebhookSubscription struct {
			Subscription struct{ ID string }
			Secret       string
		}
	}
	e.must(t, "admin", `mutation($u: String!) { createWebhookSubscription(input: {url: $u, events: ["post.approved"], description: "alpha-private hook"}) { subscription { id } secret } }`,
		map[string]any{"u": recv.URL + "/alpha-private"}, &hook)
	e.ids["webhook"] = hook.CreateWebhookSubscription.Subscription.ID
	var delivery string
	if err := e.pool.QueryRow(ctx, `INSERT INTO webhook_deliveries (org_id, subscription_id, event, outbox_id, event_created_at, data, status, attempts, completed_at)
		VALUES ($1, $2, 'post.approved', 0, now(), '{"title": "alpha-private delivery"}', 'FAILED', 1, now()) RETURNING id`,
		e.orgA, e.ids["webhook"]).Scan(&delivery); err != nil {
		t.Fatalf("webhook delivery: %v", err)
	}
	e.ids["delivery"] = delivery

	var share struct{ SharePost struct{ ID string } }
	e.must(t, "sam", `mutation($p: ID!) { sharePost(postId: $p, network: LINKEDIN, text: "alpha-private words of Sam") { id } }`, map[string]any{"p": e.ids["approved"]}, &share)
	e.ids["samShare"] = share.SharePost.ID
	e.must(t, "sam", `mutation { connectAccount(network: LINKEDIN, token: "alpha-private-token", accountId: "alpha-private-account") { network } }`, nil, nil)

	var note string
	if err := e.pool.QueryRow(ctx, `INSERT INTO notifications (org_id, user_id, kind, event_key, post_id, title, body, link)
		VALUES ($1, $2, 'REVIEW_REQUESTED', 'graph-access-sam', $3, 'alpha-private note for Sam', 'alpha-private body', '/posts/x') RETURNING id`,
		e.orgA, e.ids["sam"], e.ids["inReview"]).Scan(&note); err != nil {
		t.Fatalf("notification: %v", err)
	}
	e.ids["samNote"] = note

	e.db = newSnapshotter(t, e.pool)
	e.otherSecrets = []string{"alpha", e.orgA.String(), hook.CreateWebhookSubscription.Secret}
	for _, table := range e.db.withIDs {
		rows, err := e.pool.Query(ctx, `SELECT id::text FROM `+pgx.Identifier{table}.Sanitize()+` WHERE org_id = $1`, e.orgA)
		if err != nil {
			t.Fatalf("ids of %s: %v", table, err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("ids of %s: %v", table, err)
		}
		e.otherSecrets = append(e.otherSecrets, ids...)
	}
}

// resolve replaces refs in v by the fixture's ids.
func (e *env) resolve(t *testing.T, v any) any {
	switch x := v.(type) {
	case ref:
		id, ok := e.ids[string(x)]
		if !ok || id == "" {
			t.Fatalf("no fixture object %q", x)
		}
		return id
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, el := range x {
			out[k] = e.resolve(t, el)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = e.resolve(t, el)
		}
		return out
	}
	return v
}

// TestAccess runs every row as each caller, each caller on an environment of its own, rows in
// order, comparing the database before and after each call.
func TestAccess(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t)
	for _, caller := range []string{anonymous, employee, reviewer, marketer, admin, other} {
		t.Run(caller, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			var p *auth.Principal
			if caller != anonymous {
				p = e.callers[caller]
			}
			before := e.db.take(t)
			for _, row := range opCases {
				w := row.expect(caller)
				mutation := strings.HasPrefix(strings.TrimSpace(row.query), "mutation")
				t.Run(row.label(t, schema), func(t *testing.T) {
					vars, _ := e.resolve(t, row.vars).(map[string]any)
					res := e.do(t, p, row.query, vars)
					after := e.db.take(t)
					defer func() { before = after }()
					if caller == other || caller == anonymous {
						mustNotLeak(t, res, e.otherSecrets)
					}
					if len(w.deny) > 0 {
						if !slices.Contains(w.deny, res.code()) && !(w.nullOK && len(res.Errors) == 0) {
							t.Errorf("got %s, want %s", res, strings.Join(w.deny, " or "))
						}
						if res.hasRootData() {
							t.Errorf("a refused operation returned data: %s", res.Data)
						}
						e.db.mustEqual(t, before, after, nil, "a refused operation")
						return
					}
					if len(res.Errors) > 0 {
						if !slices.Contains(w.alsoOK, res.code()) {
							t.Errorf("got %s, want data (or %v)", res, w.alsoOK)
						}
						e.db.mustEqual(t, before, after, nil, "an operation answered with an error")
						return
					}
					if !res.hasRootData() && w.data == "" && !strings.Contains(row.query, "node(") {
						t.Errorf("an allowed operation returned no data: %s", res.Data)
					}
					if w.data != "" && !sameJSON(res.Data, w.data) {
						t.Errorf("data = %s, want %s", res.Data, w.data)
					}
					switch {
					case !mutation || w.still:
						e.db.mustEqual(t, before, after, nil, "this operation")
					case caller == other:
						e.db.mustEqual(t, before, after, &e.orgA, "another organization's operation")
						if e.db.equal(before, after, nil) && !w.noop {
							t.Errorf("the operation went through and changed nothing the snapshot sees: %s", res.Data)
						}
					case !w.noop && e.db.equal(before, after, nil):
						t.Errorf("the operation went through and changed nothing the snapshot sees: %s", res.Data)
					}
				})
			}
		})
	}
}

// mustNotLeak fails the test when the response's data names any of secrets, or an error message
// any of the secret words.
func mustNotLeak(t *testing.T, res *result, secrets []string) {
	t.Helper()
	data := strings.ToLower(string(res.Data))
	for _, s := range secrets {
		if s != "" && strings.Contains(data, strings.ToLower(s)) {
			t.Errorf("the response data contains %q: %s", s, res.Data)
		}
	}
	for _, er := range res.Errors {
		for _, s := range secrets {
			if _, err := uuid.Parse(s); err != nil && s != "" && strings.Contains(strings.ToLower(er.Message), strings.ToLower(s)) {
				t.Errorf("an error message contains %q: %s", s, er.Message)
			}
		}
	}
}

func sameJSON(got json.RawMessage, want string) bool {
	var a, b any
	if json.Unmarshal(got, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// snapshotter digests every table's rows per organization, so that a test can tell whether a call
// changed anything, and whose.
type snapshotter struct {
	pool    *pgxpool.Pool
	query   string
	withIDs []string // tables with an id and an org_id
}

func newSnapshotter(t *testing.T, pool *pgxpool.Pool) *snapshotter {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT c.relname,
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped),
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'id' AND a.atttypid = 'uuid'::regtype AND NOT a.attisdropped)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		name          string
		hasOrg, hasID bool
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (table, error) {
		var x table
		return x, r.Scan(&x.name, &x.hasOrg, &x.hasID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) < 10 {
		t.Fatalf("the snapshot sees only %d tables", len(tables))
	}
	s := &snapshotter{pool: pool}
	var parts []string
	for _, tb := range tables {
		org := "'*'"
		switch {
		case tb.name == "organizations":
			org = "x.id::text"
		case tb.hasOrg:
			org = "x.org_id::text"
		}
		if tb.hasOrg && tb.hasID {
			s.withIDs = append(s.withIDs, tb.name)
		}
		parts = append(parts, fmt.Sprintf(`SELECT %s, %s, count(*)::text || ' rows ' || coalesce(md5(string_agg(md5(to_jsonb(x)::text), ',' ORDER BY md5(to_jsonb(x)::text))), '')
			FROM %s x GROUP BY 2`, "'"+strings.ReplaceAll(tb.name, "'", "''")+"'", org, pgx.Identifier{tb.name}.Sanitize()))
	}
	s.query = strings.Join(parts, "\nUNION ALL\n")
	return s
}

// snapshot maps "table org" to the digest of that organization's rows in the table ("*": a table
// without org_id).
type snapshot map[string]string

func (s *snapshotter) take(t *testing.T) snapshot {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), s.query)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	out := snapshot{}
	for rows.Next() {
		var table, org, digest string
		if err := rows.Scan(&table, &org, &digest); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		out[table+" "+org] = digest
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return out
}

func (s *snapshotter) equal(before, after snapshot, org *uuid.UUID) bool {
	return len(s.diff(before, after, org)) == 0
}

func (s *snapshotter) mustEqual(t *testing.T, before, after snapshot, org *uuid.UUID, what string) {
	t.Helper()
	if changed := s.diff(before, after, org); len(changed) > 0 {
		t.Errorf("%s changed the database:\n\t%s", what, strings.Join(changed, "\n\t"))
	}
}

// diff lists the changed "table org" keys: anywhere, or (org not nil) in org's rows and the
// tables without an organization.
func (s *snapshotter) diff(before, after snapshot, org *uuid.UUID) []string {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var changed []string
	for k := range keys {
		if org != nil {
			_, o, _ := strings.Cut(k, " ")
			if o != org.String() && o != "*" {
				continue
			}
		}
		if before[k] != after[k] {
			changed = append(changed, fmt.Sprintf("%s: %q -> %q", k, before[k], after[k]))
		}
	}
	sort.Strings(changed)
	return changed
}
