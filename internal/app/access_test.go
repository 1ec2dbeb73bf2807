package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/publish/platform/platformtest"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// The security review's table: every query and mutation of the schema, run with no token, as the
// admin of another organization and as an employee, each answered with the right code and
// changing nothing it should not. An operation added to the schema without a row here fails
// TestAccessTableCoversTheSchema, so it gets its expected access written down before it ships.
//
// The subscription (notificationAdded) is checked here for anonymous websockets only; delivery to
// the right user is TestNotificationSubscription's.

// accessWant is what one caller expects of one operation.
type accessWant struct {
	// deny: the operation is refused with one of these codes, returns no data and changes nothing.
	deny []string
	// alsoOK: codes an allowed operation may answer with instead of data (changing nothing).
	alsoOK []string
	// still: an allowed mutation that must change nothing (queries never change anything).
	noChange bool
	// data: the exact data an allowed operation returns (JSON), when it matters.
	data string
	// changes: an allowed mutation that must change the database, which proves the snapshot sees
	// what the operation writes (so that "nothing changed" elsewhere means something).
	changes bool
}

func refuse(codes ...string) accessWant        { return accessWant{deny: codes} }
func permit(codes ...string) accessWant        { return accessWant{alsoOK: codes} }
func (w accessWant) still() accessWant         { w.noChange = true; return w }
func (w accessWant) is(data string) accessWant { w.data = data; return w }
func (w accessWant) writes() accessWant        { w.changes = true; return w }

// Codes a caller gets for an object they may not know exists, or may not act on.
var (
	refuseNotFound  = refuse("NOT_FOUND")
	refuseForbidden = refuse("FORBIDDEN")
	refuseUnseen    = refuse("NOT_FOUND", "FORBIDDEN") // an employee addressing what they cannot see
)

// nodeQuery reads any Node with a field of each type that names it.
const nodeQuery = `query($id: ID!) { node(id: $id) { id ... on Post { title } ... on Board { name } ... on Share { text }
	... on Notification { title } ... on Workflow { name } ... on RoutingRule { name } ... on Channel { name credentialKeys }
	... on WebhookSubscription { url } } }`

// fixtureRef names a fixture object; a row's variables hold refs, resolved per run.
type fixtureRef string

// accessCase is one row: an operation (the document's single root field) with arguments naming
// organization A's objects, and what org B's admin and org A's employee get. Without a token,
// every row is UNAUTHENTICATED.
type accessCase struct {
	name  string // defaults to the root field
	query string
	vars  map[string]any
	other accessWant // the admin of another organization
	emp   accessWant // an employee of organization A
}

// accessCases run in this order, for each caller: queries, then mutations, the ones that would
// wreck the fixture if they went through (archive, delete, deactivate, self-promotion) last.
var accessCases = []accessCase{
	// Users and sign-on.
	{query: `{ me { id email roles groups department region } }`, other: permit(), emp: permit()},
	{query: `{ decisionSignInValidUntil }`, other: permit(), emp: permit()},
	{query: `{ users(first: 200) { edges { node { id email roles groups department region } } } }`, other: permit(), emp: refuseForbidden},
	{query: `{ signOnPolicy { emailDomains stepUpMinutes } }`, other: permit(), emp: refuseForbidden},

	// Posts and review.
	{query: `query($id: ID!) { post(id: $id) { id title } }`, vars: map[string]any{"id": fixtureRef("inReview")}, other: refuseNotFound, emp: refuseUnseen},
	{name: "post approved on the employee's board", query: `query($id: ID!) { post(id: $id) { id title } }`,
		vars: map[string]any{"id": fixtureRef("approved")}, other: refuseNotFound, emp: permit()},
	{name: "post approved on a board outside the employee's audience", query: `query($id: ID!) { post(id: $id) { id title } }`,
		vars: map[string]any{"id": fixtureRef("legalOnly")}, other: refuseNotFound, emp: refuseUnseen},
	{query: nodeQuery, vars: map[string]any{"id": fixtureRef("inReview")}, other: permit("NOT_FOUND"), emp: permit("NOT_FOUND", "FORBIDDEN")},
	{name: "node board outside the audience", query: nodeQuery, vars: map[string]any{"id": fixtureRef("legalBoard")},
		other: permit("NOT_FOUND"), emp: permit("NOT_FOUND", "FORBIDDEN")},
	{name: "node another user's share", query: nodeQuery, vars: map[string]any{"id": fixtureRef("samShare")},
		other: permit("NOT_FOUND"), emp: permit("NOT_FOUND", "FORBIDDEN")},
	{name: "node another user's notification", query: nodeQuery, vars: map[string]any{"id": fixtureRef("samNote")},
		other: permit("NOT_FOUND"), emp: permit("NOT_FOUND", "FORBIDDEN")},
	{name: "node workflow", query: nodeQuery, vars: map[string]any{"id": fixtureRef("workflow")},
		other: permit("NOT_FOUND"), emp: permit("NOT_FOUND", "FORBIDDEN")},
	{name: "node routing rule", query: nodeQuery, vars: map[string]any{"id": fixtureRef("rule")},
		other: permit("NOT_FOUND"), emp: permit("NOT_FOUND", "FORBIDDEN")},
	{name: "node channel", query: nodeQuery, vars: map[string]any{"id": fixtureRef("channel")},
		other: permit("NOT_FOUND"), emp: permit("NOT_FOUND", "FORBIDDEN")},
	{name: "node webhook", query: nodeQuery, vars: map[string]any{"id": fixtureRef("webhook")},
		other: permit("NOT_FOUND"), emp: permit("NOT_FOUND", "FORBIDDEN")},
	{query: `{ posts(first: 100) { edges { node { id title } } } }`, other: permit(), emp: permit()},
	{query: `{ reviewQueue(first: 100) { totalCount edges { node { post { id title } stage } } } }`, other: permit(), emp: refuseForbidden},
	{query: `{ workflows { edges { node { id name } } } }`, other: permit(), emp: refuseForbidden},
	{query: `{ routingRules { edges { node { id name expression } } } }`, other: permit(), emp: refuseForbidden},
	{query: `{ previewRouting(content: {body: "Plans from $5."}) { workflowName stages { name } rules { ruleId name } } }`, other: permit(), emp: refuseForbidden},
	{query: `{ classifierSettings { competitors disclosures } }`, other: permit(), emp: refuseForbidden},
	{query: `{ auditLog(first: 200) { edges { node { id subjectId actorEmail details } } } }`, other: permit(), emp: refuseForbidden},
	{query: `{ verifyAuditLog { ok verified headSeq } }`, other: permit(), emp: refuseForbidden},

	// Boards, feed and search.
	{query: `{ boards(first: 200) { edges { node { id name } } } }`, other: permit(), emp: permit()},
	{query: `query($id: ID!) { board(id: $id) { id name } }`, vars: map[string]any{"id": fixtureRef("legalBoard")}, other: refuseNotFound, emp: refuseUnseen},
	{name: "board in the employee's audience", query: `query($id: ID!) { board(id: $id) { id name } }`, vars: map[string]any{"id": fixtureRef("board")}, other: refuseNotFound, emp: permit()},
	{query: `query($b: ID) { feed(boardId: $b) { edges { node { post { id title } } } } }`, vars: map[string]any{"b": fixtureRef("board")}, other: refuseNotFound, emp: permit()},
	{name: "feed of a board outside the audience", query: `query($b: ID) { feed(boardId: $b) { edges { node { post { id title } } } } }`,
		vars: map[string]any{"b": fixtureRef("legalBoard")}, other: refuseNotFound, emp: refuseUnseen},
	{name: "feed of every board", query: `{ feed(first: 100) { edges { node { boardId post { id title } } } } }`, other: permit(), emp: permit()},
	{query: `{ maxContentAgeDays }`, other: permit(), emp: refuseForbidden},
	{query: `query($b: ID) { search(text: "alpha", boardId: $b) { edges { node { post { id } title snippet } } total } }`,
		vars: map[string]any{"b": fixtureRef("board")}, other: refuseNotFound, emp: permit()},
	{name: "search every board", query: `{ search(text: "alpha private") { edges { node { post { id } title snippet boards { id } } } total boardFacets { board { id } count } tagFacets { tag } } }`,
		other: permit(), emp: permit()},
	{query: `{ searchToken { token indexUid } }`, other: permit("CONFLICT"), emp: permit("CONFLICT")},

	// Advocacy.
	{query: `{ myShares { edges { node { id text } } } }`, other: permit(), emp: permit()},
	{query: `{ leaderboard(first: 100) { user { id email name } shares points } }`, other: permit(), emp: permit()},
	{query: `{ myLeaderboardEntry { rank user { id name } points } }`, other: permit(), emp: permit()},
	{query: `{ myShareTotals { shares clicks } }`, other: permit(), emp: permit()},
	// Another user's roles, groups, department and region: admins and the user themself only.
	{name: "leaderboard with the users' roles, groups, department and region",
		query: `{ leaderboard(first: 100) { user { id roles groups claimRoles claimGroups assignedRoles assignedGroups department region } } }`,
		other: permit(), emp: permit("FORBIDDEN")},
	{query: `query($u: ID) { shareArchive(userId: $u) { edges { node { id text } } } }`, vars: map[string]any{"u": fixtureRef("sam")}, other: permit("NOT_FOUND"), emp: refuseForbidden},
	{query: `{ connectedAccounts { network accountId } }`, other: permit(), emp: permit()},
	{query: `{ shareEditsNeedApproval }`, other: permit(), emp: permit()},

	// Notifications.
	{query: `{ notifications { edges { node { id title body } } } }`, other: permit(), emp: permit()},
	{query: `{ unreadNotificationCount }`, other: permit().is(`{"unreadNotificationCount":0}`), emp: permit().is(`{"unreadNotificationCount":0}`)},
	{query: `{ notificationPreferences { channels } }`, other: permit(), emp: permit()},
	{query: `{ slackWebhookSet }`, other: permit(), emp: refuseForbidden},

	// Publishing.
	{query: `{ channels { id name } }`, other: permit(), emp: refuseForbidden},
	{query: `{ releaseQueue { edges { node { post { id } channels { id } } } } }`, other: permit(), emp: refuseForbidden},

	// Webhooks.
	{query: `{ webhookSubscriptions { edges { node { id url } } } }`, other: permit(), emp: refuseForbidden},
	{query: `query($id: ID!) { webhookSubscription(id: $id) { id url } }`, vars: map[string]any{"id": fixtureRef("webhook")}, other: refuseNotFound, emp: refuseForbidden},

	// Mutations: routing (ADMIN only to change).
	{query: `mutation { createWorkflow(input: {name: "bee workflow", stages: [{name: "s", groups: [{group: "brand", quorum: {kind: ANY}}]}]}) { id } }`, other: permit().writes(), emp: refuseForbidden},
	{query: `mutation($id: ID!) { updateWorkflow(id: $id, input: {name: "pwned", stages: [{name: "s", groups: [{group: "brand", quorum: {kind: ANY}}]}]}) { id } }`,
		vars: map[string]any{"id": fixtureRef("workflow")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation { createRoutingRule(input: {name: "bee rule", expression: "true", action: {kind: ADD_GROUP, group: "brand", quorum: {kind: ANY}}}) { id } }`, other: permit(), emp: refuseForbidden},
	{query: `mutation($id: ID!) { updateRoutingRule(id: $id, input: {name: "pwned", expression: "false", action: {kind: ADD_GROUP, group: "brand", quorum: {kind: ANY}}}) { id } }`,
		vars: map[string]any{"id": fixtureRef("rule")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation { setClassifierSettings(input: {competitors: ["Bee"], disclosures: [], disclosureCategories: []}) { competitors } }`, other: permit(), emp: refuseForbidden},

	// Posts and review.
	{query: `mutation { createPost(content: {body: "bee post"}) { id } }`, other: permit().writes(), emp: refuseForbidden},
	{query: `mutation($id: ID!) { updatePost(id: $id, content: {body: "pwned"}) { id } }`, vars: map[string]any{"id": fixtureRef("inReview")}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation($id: ID!) { submitPost(id: $id) { id } }`, vars: map[string]any{"id": fixtureRef("draft")}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation($id: ID!) { withdrawPost(id: $id, reason: "pwned") { id } }`, vars: map[string]any{"id": fixtureRef("inReview")}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation($in: DecisionInput!) { approvePost(input: $in) { decision { id } } }`,
		vars: map[string]any{"in": map[string]any{"postId": fixtureRef("inReview"), "versionId": fixtureRef("inReviewVersion")}}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation($in: DecisionInput!) { requestChanges(input: $in) { decision { id } } }`,
		vars: map[string]any{"in": map[string]any{"postId": fixtureRef("inReview"), "versionId": fixtureRef("inReviewVersion"), "comment": "pwned"}}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation($in: DecisionInput!) { rejectPost(input: $in) { decision { id } } }`,
		vars: map[string]any{"in": map[string]any{"postId": fixtureRef("inReview"), "versionId": fixtureRef("inReviewVersion"), "comment": "pwned"}}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation($id: ID!) { addComment(postId: $id, body: "pwned") { id } }`, vars: map[string]any{"id": fixtureRef("inReview")}, other: refuseNotFound, emp: refuseUnseen},

	// Boards.
	{query: `mutation($c: [ID!]) { createBoard(input: {name: "bee board", audience: {everyone: true}, curatorIds: $c}) { id } }`,
		vars: map[string]any{"c": []any{fixtureRef("marketer")}}, other: refuse("NOT_FOUND", "BAD_USER_INPUT"), emp: refuseForbidden},
	{query: `mutation($id: ID!) { updateBoard(id: $id, input: {name: "pwned", audience: {everyone: true}}) { id } }`, vars: map[string]any{"id": fixtureRef("board")}, other: refuseNotFound, emp: refuseForbidden},
	{name: "updateBoard widening a board outside the audience", query: `mutation($id: ID!) { updateBoard(id: $id, input: {name: "pwned", audience: {everyone: true}}) { id } }`,
		vars: map[string]any{"id": fixtureRef("legalBoard")}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation($b: ID!, $p: ID!) { addToBoard(boardId: $b, postId: $p) { boardId } }`, vars: map[string]any{"b": fixtureRef("board"), "p": fixtureRef("legalOnly")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($b: ID!, $p: ID!) { removeFromBoard(boardId: $b, postId: $p) { id } }`, vars: map[string]any{"b": fixtureRef("board"), "p": fixtureRef("approved")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($b: ID!, $p: ID!) { pinBoardItem(boardId: $b, postId: $p, pinned: true) { boardId } }`, vars: map[string]any{"b": fixtureRef("board"), "p": fixtureRef("approved")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($b: ID!, $p: ID!) { moveBoardItem(boardId: $b, postId: $p) { boardId } }`, vars: map[string]any{"b": fixtureRef("board"), "p": fixtureRef("approved")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, vars: map[string]any{"p": fixtureRef("draft"), "b": []any{fixtureRef("board")}}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation { setMaxContentAge(days: 7) }`, other: permit(), emp: refuseForbidden},

	// Advocacy.
	{query: `mutation($p: ID!) { sharePost(postId: $p, network: LINKEDIN) { id text } }`, vars: map[string]any{"p": fixtureRef("approved")}, other: refuseNotFound, emp: permit().writes()},
	{name: "sharePost of a post on a board outside the audience", query: `mutation($p: ID!) { sharePost(postId: $p, network: X) { id text } }`,
		vars: map[string]any{"p": fixtureRef("legalOnly")}, other: refuseNotFound, emp: refuseUnseen},
	{name: "sharePost of a post in review", query: `mutation($p: ID!) { sharePost(postId: $p, network: FACEBOOK) { id text } }`,
		vars: map[string]any{"p": fixtureRef("inReview")}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation($id: ID!) { cancelShare(id: $id) { id status } }`, vars: map[string]any{"id": fixtureRef("samShare")}, other: refuseNotFound, emp: refuseUnseen},
	{query: `mutation { connectAccount(network: X, token: "own-token", accountId: "own-account") { network accountId } }`, other: permit().writes(), emp: permit().writes()},
	{name: "disconnectAccount another user has", query: `mutation { disconnectAccount(network: LINKEDIN) }`, other: permit("NOT_FOUND").still(), emp: permit("NOT_FOUND").still()},
	{query: `mutation { setShareEditsNeedApproval(on: true) }`, other: permit(), emp: refuseForbidden},

	// Notifications.
	{name: "markNotificationsRead another user's", query: `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`, vars: map[string]any{"ids": []any{fixtureRef("samNote")}},
		other: permit().still().is(`{"markNotificationsRead":0}`), emp: permit().still().is(`{"markNotificationsRead":0}`)},
	{query: `mutation { markAllNotificationsRead }`, other: permit().is(`{"markAllNotificationsRead":0}`), emp: permit().still().is(`{"markAllNotificationsRead":0}`)},
	{query: `mutation { setNotificationPreferences(input: {channels: [IN_APP]}) { channels } }`, other: permit().writes(), emp: permit().writes()},
	{query: `mutation { setSlackWebhook(url: "") }`, other: permit(), emp: refuseForbidden},

	// Publishing.
	{query: `mutation($u: String!) { createChannel(input: {platform: SLACK, name: "bee channel", credentials: [{key: "webhook_url", value: $u}]}) { id } }`,
		vars: map[string]any{"u": fixtureRef("slackURL")}, other: permit().writes(), emp: refuseForbidden},
	{query: `mutation($id: ID!) { updateChannel(id: $id, input: {name: "pwned"}) { id } }`, vars: map[string]any{"id": fixtureRef("channel")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($p: ID!, $c: [ID!]!) { schedulePost(input: {postId: $p, channelIds: $c, manualRelease: true}) { publishAt } }`,
		vars: map[string]any{"p": fixtureRef("approved"), "c": []any{fixtureRef("channel")}}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($p: ID!) { releasePost(postId: $p) { id status } }`, vars: map[string]any{"p": fixtureRef("approved")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($id: ID!) { retryPublish(jobId: $id) { id status } }`, vars: map[string]any{"id": fixtureRef("job")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($p: ID!) { unschedulePost(postId: $p) { id status } }`, vars: map[string]any{"p": fixtureRef("approved")}, other: refuseNotFound, emp: refuseForbidden},

	// Webhooks.
	{query: `mutation($u: String!) { createWebhookSubscription(input: {url: $u, events: ["post.approved"]}) { subscription { id } secret } }`,
		vars: map[string]any{"u": fixtureRef("hookURL")}, other: permit(), emp: refuseForbidden},
	{query: `mutation($id: ID!) { updateWebhookSubscription(id: $id, input: {description: "pwned"}) { id } }`, vars: map[string]any{"id": fixtureRef("webhook")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, vars: map[string]any{"id": fixtureRef("webhook")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`, vars: map[string]any{"id": fixtureRef("delivery")}, other: refuseNotFound, emp: refuseForbidden},

	// Sign-on.
	{query: `mutation { setSignOnPolicy(input: {emailDomains: [], stepUpMinutes: 5}) { stepUpMinutes } }`, other: permit(), emp: refuseForbidden},

	// Last: what would take the fixture apart if it went through.
	{query: `mutation($id: ID!) { disableChannel(id: $id) { id } }`, vars: map[string]any{"id": fixtureRef("channel")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($id: ID!) { archiveBoard(id: $id) { id } }`, vars: map[string]any{"id": fixtureRef("board")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($id: ID!) { deleteRoutingRule(id: $id) { id } }`, vars: map[string]any{"id": fixtureRef("rule")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`, vars: map[string]any{"id": fixtureRef("webhook")}, other: refuseNotFound, emp: refuseForbidden},
	{query: `mutation($id: ID!) { setUserActive(userId: $id, active: false) { id } }`, vars: map[string]any{"id": fixtureRef("sam")}, other: refuseNotFound, emp: refuseForbidden},
	{name: "setUserRoles making oneself admin", query: `mutation($id: ID!) { setUserRoles(userId: $id, roles: [ADMIN, EMPLOYEE], groups: ["legal"]) { id roles } }`,
		vars: map[string]any{"id": fixtureRef("employee")}, other: refuseNotFound, emp: refuseForbidden},
}

// anonymousOnly are documents that are not an operation of the schema but must not answer an
// anonymous caller either (introspection included).
var anonymousOnly = []accessCase{
	{name: "introspection __schema", query: `{ __schema { queryType { name } } }`},
	{name: "introspection __type", query: `{ __type(name: "Post") { name fields { name } } }`},
	{name: "__typename", query: `{ __typename }`},
}

// rootFields returns "Query.me"-style names of the document's root fields, checked against the
// schema.
func rootFields(t *testing.T, schema *ast.Schema, c accessCase) []string {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: c.query})
	if err != nil {
		t.Fatalf("%s: %v", c.query, err)
	}
	if errs := validator.Validate(schema, doc); len(errs) > 0 {
		t.Errorf("row %q does not validate against the schema: %v", c.query, errs)
	}
	var out []string
	for _, op := range doc.Operations {
		typ := "Query"
		switch op.Operation {
		case ast.Mutation:
			typ = "Mutation"
		case ast.Subscription:
			typ = "Subscription"
		}
		for _, sel := range op.SelectionSet {
			if f, ok := sel.(*ast.Field); ok && !strings.HasPrefix(f.Name, "__") {
				out = append(out, typ+"."+f.Name)
			}
		}
	}
	return out
}

func (c accessCase) label(t *testing.T, schema *ast.Schema) string {
	if c.name != "" {
		return c.name
	}
	f := rootFields(t, schema, c)
	if len(f) != 1 {
		t.Fatalf("row %q has %d root fields, want 1", c.query, len(f))
	}
	_, name, _ := strings.Cut(f[0], ".")
	return name
}

// loadSchema parses graph/schema/*.graphqls, the schema as written (not as last generated).
func loadSchemaFiles(t *testing.T) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob("../../graph/schema/*.graphqls")
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

// coveredElsewhere are the operations without a row, and where they are checked.
var coveredElsewhere = map[string]string{
	"Subscription.notificationAdded": "anonymous websocket below; delivery to its own user in TestNotificationSubscription",
}

func TestAccessTableCoversTheSchema(t *testing.T) {
	t.Parallel()
	schema := loadSchemaFiles(t)
	rows := map[string]bool{}
	names := map[string]bool{}
	for _, c := range accessCases {
		for _, f := range rootFields(t, schema, c) {
			rows[f] = true
		}
		if n := c.label(t, schema); names[n] {
			t.Errorf("two rows named %q", n)
		} else {
			names[n] = true
		}
	}
	for _, typ := range []*ast.Definition{schema.Query, schema.Mutation, schema.Subscription} {
		if typ == nil {
			continue
		}
		for _, f := range typ.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			op := typ.Name + "." + f.Name
			if !rows[op] && coveredElsewhere[op] == "" {
				t.Errorf("%s has no row in accessCases: add one with what an admin of another organization and an employee may do with it", op)
			}
			delete(rows, op)
		}
	}
	for op := range rows {
		t.Errorf("accessCases has a row for %s, which the schema no longer has", op)
	}
}

// accessFixture is organization A (the demo "example") with one of everything, and organization
// B ("other") beside it.
type accessFixture struct {
	*pipeline
	orgB  *apptest.Org
	ids   map[string]string // fixture objects by name
	other string            // org B's admin's token
	// secrets a caller must never read: case-insensitive markers and ids.
	otherSecrets, empSecrets []string
	db                       *dbSnapshotter
}

func setupAccess(t *testing.T) *accessFixture {
	t.Helper()
	p := setup(t)
	ctx := context.Background()
	f := &accessFixture{pipeline: p, ids: map[string]string{}}
	f.orgB = p.Org(t, "other")
	f.other = f.orgB.Token(t, "admin@example.com")
	pool := p.App.Pool

	userID := func(email string) string {
		var id string
		if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE org_id = $1 AND email = $2`, p.org.ID, email).Scan(&id); err != nil {
			t.Fatalf("user %s: %v", email, err)
		}
		return id
	}
	for _, who := range []string{"marketer", "employee", "sam", "admin"} {
		f.ids[who] = userID(who + "@example.com")
	}

	// Boards: one for everyone, one for the legal group only.
	f.ids["board"] = p.board(t, "alpha-public board", map[string]any{"everyone": true})
	f.ids["legalBoard"] = p.board(t, "alpha-private legal board", map[string]any{"everyone": false, "groups": []string{"legal"}})

	// Posts: a draft, one in review (with a comment), one approved on each board.
	var draft struct{ CreatePost post }
	p.Must(t, p.tok["marketer"], createPost, map[string]any{"c": map[string]any{"title": "alpha-private draft", "body": "alpha-private draft body"}}, &draft)
	f.ids["draft"] = draft.CreatePost.ID
	var inReview struct{ CreatePost post }
	p.Must(t, p.tok["marketer"], createPost, map[string]any{"c": map[string]any{"title": "alpha-private in review", "body": "alpha-private in review body"}}, &inReview)
	f.ids["inReview"], f.ids["inReviewVersion"] = inReview.CreatePost.ID, inReview.CreatePost.CurrentVersion.ID
	p.submit(t, f.ids["inReview"])
	var comment struct{ AddComment struct{ ID string } }
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { addComment(postId: $id, body: "alpha-private comment") { id } }`, map[string]any{"id": f.ids["inReview"]}, &comment)
	f.ids["comment"] = comment.AddComment.ID
	f.ids["approved"] = f.approve(t, "alpha-public", f.ids["board"])
	f.ids["legalOnly"] = f.approve(t, "alpha-private legal-only", f.ids["legalBoard"])
	for _, id := range []string{f.ids["approved"], f.ids["legalOnly"]} {
		if err := p.App.Indexer.Sync(ctx, p.org.ID, uuid.MustParse(id)); err != nil {
			t.Fatalf("index %s: %v", id, err)
		}
	}

	// Routing: a workflow, a rule and the classifier settings of its own.
	var wf struct{ CreateWorkflow struct{ ID string } }
	p.Must(t, p.tok["admin"], `mutation { createWorkflow(input: {name: "alpha-private workflow", stages: [{name: "alpha-private stage", groups: [{group: "legal", quorum: {kind: ANY}}]}]}) { id } }`, nil, &wf)
	f.ids["workflow"] = wf.CreateWorkflow.ID
	var rule struct{ CreateRoutingRule struct{ ID string } }
	p.Must(t, p.tok["admin"], `mutation { createRoutingRule(input: {name: "alpha-private rule", expression: "\"alpha-private-tag\" in post.tags", action: {kind: ADD_GROUP, group: "legal", quorum: {kind: ANY}}}) { id } }`, nil, &rule)
	f.ids["rule"] = rule.CreateRoutingRule.ID
	p.Must(t, p.tok["admin"], `mutation { setClassifierSettings(input: {competitors: ["Acme", "AlphaPrivateRival"], disclosures: ["#ad"], disclosureCategories: []}) { competitors } }`, nil, nil)

	// Publishing: a channel and the approved post waiting in the release queue.
	slack := platformtest.NewSlack(t)
	f.ids["slackURL"] = slack.URL
	f.ids["channel"] = p.channel(t, "slack", "alpha-private channel", slack.Credentials())
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{"postId": f.ids["approved"], "channelIds": []string{f.ids["channel"]}, "manualRelease": true}}, nil)
	if jobs := p.jobs(t, f.ids["approved"]); len(jobs) != 1 {
		t.Fatalf("publish jobs of the approved post: %+v", jobs)
	} else {
		f.ids["job"] = jobs[0].ID
	}

	// Webhooks: a subscription and a delivery in its log.
	recv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(recv.Close)
	f.ids["hookURL"] = recv.URL + "/bee"
	var hook struct {
		CreateWebhookSubscription struct {
			Subscription struct{ ID string }
			Secret       string
		}
	}
	p.Must(t, p.tok["admin"], `mutation($u: String!) { createWebhookSubscription(input: {url: $u, events: ["post.approved"], description: "alpha-private hook"}) { subscription { id } secret } }`,
		map[string]any{"u": recv.URL + "/alpha-private"}, &hook)
	f.ids["webhook"] = hook.CreateWebhookSubscription.Subscription.ID
	var delivery string
	if err := pool.QueryRow(ctx, `INSERT INTO webhook_deliveries (org_id, subscription_id, event, outbox_id, event_created_at, data, status, attempts, completed_at)
		VALUES ($1, $2, 'post.approved', 0, now(), '{"title": "alpha-private delivery"}', 'FAILED', 1, now()) RETURNING id`,
		p.org.ID, f.ids["webhook"]).Scan(&delivery); err != nil {
		t.Fatalf("webhook delivery: %v", err)
	}
	f.ids["delivery"] = delivery

	// Advocacy: Sam's share and connected account.
	var share struct{ SharePost struct{ ID string } }
	p.Must(t, p.tok["sam"], `mutation($p: ID!) { sharePost(postId: $p, network: LINKEDIN, text: "alpha-private words of Sam") { id } }`, map[string]any{"p": f.ids["approved"]}, &share)
	f.ids["samShare"] = share.SharePost.ID
	p.Must(t, p.tok["sam"], `mutation { connectAccount(network: LINKEDIN, token: "alpha-private-token", accountId: "alpha-private-account") { network } }`, nil, nil)

	// Notifications: Sam's unread one, the employee's read one.
	var note string
	if err := pool.QueryRow(ctx, `INSERT INTO notifications (org_id, user_id, kind, event_key, post_id, title, body, link)
		VALUES ($1, $2, 'REVIEW_REQUESTED', 'access-test-sam', $3, 'alpha-private note for Sam', 'alpha-private body', '/posts/x') RETURNING id`,
		p.org.ID, f.ids["sam"], f.ids["inReview"]).Scan(&note); err != nil {
		t.Fatalf("notification: %v", err)
	}
	f.ids["samNote"] = note
	if _, err := pool.Exec(ctx, `INSERT INTO notifications (org_id, user_id, kind, event_key, post_id, title, read_at)
		VALUES ($1, $2, 'POST_APPROVED', 'access-test-employee', $3, 'alpha-public note for the employee', now())`,
		p.org.ID, f.ids["employee"], f.ids["approved"]); err != nil {
		t.Fatalf("notification: %v", err)
	}

	// What only admins and Sam may read of Sam.
	if _, err := pool.Exec(ctx, `UPDATE users SET department = 'alpha-private department', region = 'alpha-private-region', groups = '{alpha-private-group}'
		WHERE org_id = $1 AND id = $2`, p.org.ID, f.ids["sam"]); err != nil {
		t.Fatal(err)
	}

	// Org B's admin must read nothing of organization A: none of its ids, none of its words.
	f.otherSecrets = []string{"alpha", p.org.ID.String(), hook.CreateWebhookSubscription.Secret}
	f.db = newSnapshotter(t, pool)
	for _, table := range f.db.withIDs {
		rows, err := pool.Query(ctx, `SELECT id::text FROM `+pgx.Identifier{table}.Sanitize()+` WHERE org_id = $1`, p.org.ID)
		if err != nil {
			t.Fatalf("ids of %s: %v", table, err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("ids of %s: %v", table, err)
		}
		f.otherSecrets = append(f.otherSecrets, ids...)
	}
	// The employee must read nothing of what is not theirs to see.
	f.empSecrets = []string{"alpha-private", hook.CreateWebhookSubscription.Secret}
	for _, name := range []string{"draft", "inReview", "inReviewVersion", "comment", "legalOnly", "legalBoard", "workflow", "rule",
		"channel", "job", "webhook", "delivery", "samShare", "samNote"} {
		f.empSecrets = append(f.empSecrets, f.ids[name])
	}

	// Sign every caller in once: a first request may provision or refresh its user.
	for _, tok := range []string{f.other, p.tok["employee"]} {
		p.Must(t, tok, `{ me { id } }`, nil, nil)
	}
	return f
}

// approve creates a post named name aimed at board and takes it through review.
func (f *accessFixture) approve(t *testing.T, name, board string) string {
	t.Helper()
	var out struct{ CreatePost post }
	f.Must(t, f.tok["marketer"], createPost, map[string]any{"c": map[string]any{"title": name, "body": name + " body", "link": "https://example.com/" + strings.ReplaceAll(name, " ", "-"),
		"shareText": name + " share text", "shareTextEditable": true}}, &out)
	pp := out.CreatePost
	f.Must(t, f.tok["marketer"], `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`, map[string]any{"p": pp.ID, "b": []string{board}}, nil)
	f.submit(t, pp.ID)
	for range 5 {
		for _, who := range []string{"legal", "compliance", "brand"} {
			f.decide(t, approve, who, pp, "")
			if f.get(t, "marketer", pp.ID).State == "APPROVED" {
				return pp.ID
			}
		}
	}
	t.Fatalf("%s did not reach APPROVED", name)
	return ""
}

// resolve replaces refs in v by the fixture's ids.
func (f *accessFixture) resolve(t *testing.T, v any) any {
	switch x := v.(type) {
	case fixtureRef:
		id, ok := f.ids[string(x)]
		if !ok {
			t.Fatalf("no fixture object %q", x)
		}
		return id
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = f.resolve(t, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = f.resolve(t, e)
		}
		return out
	}
	return v
}

// accessCaller is who runs the table.
type accessCaller struct {
	name    string
	token   func(f *accessFixture) string
	want    func(c accessCase) accessWant
	secrets func(f *accessFixture) []string
	// ownOrg: what the caller's allowed mutations may change is organization A's data (the
	// employee), or nothing of it (org B's admin).
	ownOrg bool
}

var (
	anonymousCaller = accessCaller{name: "no token", token: func(*accessFixture) string { return "" },
		want: func(accessCase) accessWant { return refuse("UNAUTHENTICATED") }, secrets: func(f *accessFixture) []string { return f.otherSecrets }}
	otherAdminCaller = accessCaller{name: "admin of another organization", token: func(f *accessFixture) string { return f.other },
		want: func(c accessCase) accessWant { return c.other }, secrets: func(f *accessFixture) []string { return f.otherSecrets }}
	employeeCaller = accessCaller{name: "employee", token: func(f *accessFixture) string { return f.tok["employee"] },
		want: func(c accessCase) accessWant { return c.emp }, secrets: func(f *accessFixture) []string { return f.empSecrets }, ownOrg: true}
)

func TestAccessAnonymous(t *testing.T) {
	t.Parallel()
	f := runAccessTable(t, anonymousCaller, anonymousOnly...)
	t.Run("subscription notificationAdded", func(t *testing.T) {
		anonymousSubscriptionIsRefused(t, f)
	})
}

func TestAccessOtherOrganization(t *testing.T) {
	t.Parallel()
	runAccessTable(t, otherAdminCaller)
}

func TestAccessEmployee(t *testing.T) {
	t.Parallel()
	runAccessTable(t, employeeCaller)
}

// runAccessTable runs every row as c against a fresh fixture, in order, comparing the database
// before and after each call.
func runAccessTable(t *testing.T, c accessCaller, extra ...accessCase) *accessFixture {
	schema := loadSchemaFiles(t)
	f := setupAccess(t)
	token, secrets := c.token(f), c.secrets(f)
	before := f.db.take(t)
	for _, row := range append(slices.Clone(accessCases), extra...) {
		w := c.want(row)
		mutation := strings.HasPrefix(strings.TrimSpace(row.query), "mutation")
		t.Run(row.label(t, schema), func(t *testing.T) {
			vars, _ := f.resolve(t, row.vars).(map[string]any)
			res := f.Do(t, token, row.query, vars)
			after := f.db.take(t)
			defer func() { before = after }()
			mustNotLeak(t, res, secrets)
			if len(w.deny) > 0 {
				if !slices.Contains(w.deny, res.Code()) {
					t.Errorf("got %s, want %s", describeResult(res), strings.Join(w.deny, " or "))
				}
				if hasRootData(res) {
					t.Errorf("a refused operation returned data: %s", res.Data)
				}
				f.db.mustEqual(t, before, after, nil, "a refused operation")
				return
			}
			if len(res.Errors) > 0 {
				if !slices.Contains(w.alsoOK, res.Code()) {
					t.Errorf("got %s, want it to go through (or %v)", describeResult(res), w.alsoOK)
				}
				f.db.mustEqual(t, before, after, nil, "a refused operation")
				return
			}
			if w.data != "" && !sameJSON(res.Data, w.data) {
				t.Errorf("data = %s, want %s", res.Data, w.data)
			}
			if w.changes && f.db.equal(before, after, nil) {
				t.Errorf("the operation went through and changed nothing the snapshot sees: %s", res.Data)
			}
			switch {
			case !mutation || w.noChange:
				f.db.mustEqual(t, before, after, nil, "this operation")
			case !c.ownOrg:
				f.db.mustEqual(t, before, after, &f.org.ID, "another organization's operation")
			}
		})
	}
	return f
}

func describeResult(res *apptest.Result) string {
	if len(res.Errors) == 0 {
		return "data " + string(res.Data)
	}
	msgs := make([]string, len(res.Errors))
	for i, e := range res.Errors {
		msgs[i] = fmt.Sprintf("%s %q", codeOr(e.Extensions.Code, "(no code)"), e.Message)
	}
	return strings.Join(msgs, "; ")
}

func codeOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// hasData reports whether any root field of the response holds a value.
func hasRootData(res *apptest.Result) bool {
	var data map[string]json.RawMessage
	if len(res.Data) == 0 || json.Unmarshal(res.Data, &data) != nil {
		return false
	}
	for _, v := range data {
		if string(v) != "null" {
			return true
		}
	}
	return false
}

// leaks fails the test when the response's data names any of secrets, or its errors any of the
// secret words (ids the caller sent may come back in a message).
func mustNotLeak(t *testing.T, res *apptest.Result, secrets []string) {
	t.Helper()
	data := strings.ToLower(string(res.Data))
	for _, s := range secrets {
		if s != "" && strings.Contains(data, strings.ToLower(s)) {
			t.Errorf("the response data contains %q: %s", s, res.Data)
		}
	}
	for _, e := range res.Errors {
		for _, s := range secrets {
			if _, err := uuid.Parse(s); err != nil && s != "" && strings.Contains(strings.ToLower(e.Message), strings.ToLower(s)) {
				t.Errorf("an error message contains %q: %s", s, e.Message)
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

// anonymousSubscriptionIsRefused opens the GraphQL websocket without a token and subscribes: the
// server must refuse the connection or the subscription, and send no event.
func anonymousSubscriptionIsRefused(t *testing.T, f *accessFixture) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(f.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Logf("refused at the handshake: %v", err)
		return
	}
	defer conn.Close(websocket.StatusNormalClosure, "")
	type message struct {
		Type    string
		Payload json.RawMessage
	}
	read := func() (message, bool) {
		var m message
		for {
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return m, false
			}
			if m.Type != "ping" && m.Type != "pong" {
				return m, true
			}
		}
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{}}); err != nil {
		return
	}
	m, ok := read()
	if !ok || m.Type != "connection_ack" {
		t.Logf("connection_init refused: %q %s", m.Type, m.Payload)
		return
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { notificationAdded { id title } }`}}); err != nil {
		return
	}
	m, ok = read()
	if !ok {
		return
	}
	if m.Type != "error" || !strings.Contains(string(m.Payload), "UNAUTHENTICATED") {
		t.Errorf("an anonymous subscription got %s %s, want an UNAUTHENTICATED error", m.Type, m.Payload)
	}
}

// dbSnapshotter digests every table's rows per organization, so that a test can tell whether a
// call changed anything, and whose.
type dbSnapshotter struct {
	pool    *pgxpool.Pool
	query   string
	withIDs []string // tables with an id and an org_id
}

// snapshotSkips are what changes on its own: the audit sealer chains events (seq, prev_hash, hash)
// and signs checkpoints about every 50 ms in tests.
var (
	snapshotSkipTables  = map[string]bool{"audit_checkpoints": true}
	snapshotSkipColumns = map[string][]string{"audit_events": {"seq", "prev_hash", "hash"}}
)

func newSnapshotter(t *testing.T, pool *pgxpool.Pool) *dbSnapshotter {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT c.relname,
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
	s := &dbSnapshotter{pool: pool}
	var parts []string
	for _, tb := range tables {
		if snapshotSkipTables[tb.name] {
			continue
		}
		row := "to_jsonb(x)"
		for _, col := range snapshotSkipColumns[tb.name] {
			row += " - '" + col + "'"
		}
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
		parts = append(parts, fmt.Sprintf(`SELECT %s, %s, count(*)::text || ' rows ' || coalesce(md5(string_agg(md5((%s)::text), ',' ORDER BY md5((%s)::text))), '')
			FROM %s x GROUP BY 2`, sqlLiteral(tb.name), org, row, row, pgx.Identifier{tb.name}.Sanitize()))
	}
	s.query = strings.Join(parts, "\nUNION ALL\n")
	return s
}

func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// dbSnapshot maps "table org" to the digest of that organization's rows in the table ("*": a
// table without org_id).
type dbSnapshot map[string]string

func (s *dbSnapshotter) take(t *testing.T) dbSnapshot {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), s.query)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	out := dbSnapshot{}
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

// equal reports whether after is before (in org's rows and the tables without one, when org is
// not nil).
func (s *dbSnapshotter) equal(before, after dbSnapshot, org *uuid.UUID) bool {
	return len(s.diff(before, after, org)) == 0
}

// mustEqual fails the test when after differs from before: anywhere, or (org not nil) in
// organization org's rows and the tables without an organization.
func (s *dbSnapshotter) mustEqual(t *testing.T, before, after dbSnapshot, org *uuid.UUID, what string) {
	t.Helper()
	if changed := s.diff(before, after, org); len(changed) > 0 {
		t.Errorf("%s changed the database:\n\t%s", what, strings.Join(changed, "\n\t"))
	}
}

func (s *dbSnapshotter) diff(before, after dbSnapshot, org *uuid.UUID) []string {
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
