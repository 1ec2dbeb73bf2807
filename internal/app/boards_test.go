package app_test

import (
	"context"
	"slices"
	"testing"

	"clearpost/internal/app/apptest"
	"clearpost/internal/boards"
)

const createBoard = `mutation($in: BoardInput!) { createBoard(input: $in) { id name revision } }`

type feedResult struct {
	Feed struct {
		Edges []struct {
			Node struct {
				BoardID string
				Pinned  bool
				Post    struct{ ID string }
			}
		}
		PageInfo struct{ HasNextPage bool }
	}
}

func (p *pipeline) board(t *testing.T, name string, audience map[string]any) string {
	t.Helper()
	var out struct{ CreateBoard struct{ ID string } }
	p.Must(t, p.tok["marketer"], createBoard, map[string]any{"in": map[string]any{"name": name, "audience": audience}}, &out)
	return out.CreateBoard.ID
}

func (p *pipeline) feed(t *testing.T, who string, vars map[string]any) []string {
	t.Helper()
	var out feedResult
	p.Must(t, p.tok[who], `query($b: ID) { feed(boardId: $b) { edges { node { boardId pinned post { id } } } pageInfo { hasNextPage } } }`, vars, &out)
	var ids []string
	for _, e := range out.Feed.Edges {
		ids = append(ids, e.Node.Post.ID)
	}
	return ids
}

// approved creates a post aimed at boards and takes it through review.
func (p *pipeline) approved(t *testing.T, body string, boards ...string) post {
	t.Helper()
	pp := p.create(t, body)
	p.Must(t, p.tok["marketer"], `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`,
		map[string]any{"p": pp.ID, "b": boards}, nil)
	p.submit(t, pp.ID)
	// Sign off every stage the rules put in the way, as whichever reviewer it awaits.
	for range 5 {
		for _, who := range []string{"legal", "compliance", "brand"} {
			if r := p.decide(t, approve, who, pp, ""); r.Code() != "" && r.Code() != "FORBIDDEN" {
				t.Fatalf("approve as %s: %s %v", who, r.Code(), r.Errors)
			}
			if p.get(t, "marketer", pp.ID).State == "APPROVED" {
				return pp
			}
		}
	}
	t.Fatalf("post %s did not reach APPROVED", pp.ID)
	return pp
}

func TestApprovalPutsPostsOnTheirBoardsAndEditsTakeThemOff(t *testing.T) {
	t.Parallel()
	p := setup(t)
	everyone := p.board(t, "Company news", map[string]any{"everyone": true})
	draft := p.create(t, "Still a draft.")
	p.Must(t, p.tok["marketer"], `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`,
		map[string]any{"p": draft.ID, "b": []string{everyone}}, nil)
	if got := p.feed(t, "employee", nil); len(got) != 0 {
		t.Fatalf("a targeted draft is in the feed: %v", got)
	}
	// Only APPROVED posts go on a board by hand, too.
	r := p.Do(t, p.tok["marketer"], `mutation($b: ID!, $p: ID!) { addToBoard(boardId: $b, postId: $p) { pinned } }`, map[string]any{"b": everyone, "p": draft.ID})
	wantCode(t, r, "CONFLICT")

	pp := p.approved(t, "We are hiring in Lisbon.", everyone)
	if got := p.feed(t, "employee", nil); !slices.Equal(got, []string{pp.ID}) {
		t.Fatalf("feed after approval = %v", got)
	}
	// Each feed item names its board.
	var named struct {
		Feed struct {
			Edges []struct {
				Node struct{ Board struct{ ID, Name string } }
			}
		}
	}
	p.Must(t, p.tok["employee"], `{ feed { edges { node { board { id name } } } } }`, nil, &named)
	if len(named.Feed.Edges) != 1 || named.Feed.Edges[0].Node.Board.ID != everyone || named.Feed.Edges[0].Node.Board.Name != "Company news" {
		t.Fatalf("the feed item's board: %+v", named.Feed.Edges)
	}
	// The employee can open it, but not its review history.
	var seen struct {
		Post struct {
			State          string
			CurrentVersion struct{ Content struct{ Body string } }
			Decisions      []struct{ Comment string }
			Review         *struct{ Status string }
		}
	}
	p.Must(t, p.tok["employee"], `query($id: ID!) { post(id: $id) { state currentVersion { content { body } } decisions { comment } review { status } } }`,
		map[string]any{"id": pp.ID}, &seen)
	if seen.Post.CurrentVersion.Content.Body != "We are hiring in Lisbon." || len(seen.Post.Decisions) != 0 || seen.Post.Review != nil {
		t.Fatalf("employee's view of the post: %+v", seen.Post)
	}

	// Editing approved content voids the approval and takes the post off every board.
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "We are hiring in Porto."}) { id } }`, map[string]any{"id": pp.ID}, nil)
	if got := p.feed(t, "employee", nil); len(got) != 0 {
		t.Fatalf("feed after the edit = %v", got)
	}
	wantCode(t, p.Do(t, p.tok["employee"], `query($id: ID!) { post(id: $id) { id } }`, map[string]any{"id": pp.ID}), "NOT_FOUND")
	var items int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM board_items WHERE post_id = $1`, pp.ID).Scan(&items); err != nil {
		t.Fatal(err)
	}
	if items != 0 {
		t.Fatalf("%d board items left for an unapproved post", items)
	}
	// Re-approved, it lands again.
	p.submit(t, pp.ID)
	again := p.get(t, "marketer", pp.ID)
	mustOK(t, p.decide(t, approve, "brand", again, ""))
	if got := p.feed(t, "employee", nil); !slices.Equal(got, []string{pp.ID}) {
		t.Fatalf("feed after re-approval = %v", got)
	}
}

func TestBoardAudience(t *testing.T) {
	t.Parallel()
	p := setup(t)
	// employee@ is in Sales/emea; sam@ in Sales/amer; priya@ in Engineering/apac.
	sales := p.board(t, "Sales enablement", map[string]any{"everyone": false, "departments": []string{"Sales"}})
	apac := p.board(t, "APAC", map[string]any{"everyone": false, "regions": []string{"apac"}})
	legal := p.board(t, "Legal corner", map[string]any{"everyone": false, "groups": []string{"legal"}})
	s := p.approved(t, "Sales kit for Q1.", sales)
	a := p.approved(t, "APAC townhall recording.", apac)
	l := p.approved(t, "New contract templates.", legal)
	priya := p.org.Token(t, "priya@example.com")
	p.tok["priya"] = priya

	for who, want := range map[string][]string{
		"employee": {s.ID}, "sam": {s.ID}, "priya": {a.ID}, "legal": {l.ID},
		"marketer": {l.ID, a.ID, s.ID}, // editors see every board, newest first
	} {
		got := p.feed(t, who, nil)
		if !slices.Equal(got, want) {
			t.Errorf("%s's feed = %v, want %v", who, got, want)
		}
	}
	// Outside the audience: not by feed, not by board, not by id.
	if r := p.Do(t, p.tok["employee"], `query($b: ID) { feed(boardId: $b) { edges { cursor } } }`, map[string]any{"b": apac}); r.Code() != "NOT_FOUND" {
		t.Fatalf("employee reads the APAC board's feed: %q", r.Code())
	}
	wantCode(t, p.Do(t, p.tok["employee"], `query($id: ID!) { post(id: $id) { id } }`, map[string]any{"id": a.ID}), "NOT_FOUND")
	var boards struct {
		Boards struct {
			Edges []struct{ Node struct{ Name string } }
		}
	}
	p.Must(t, p.tok["employee"], `{ boards { edges { node { name } } } }`, nil, &boards)
	if len(boards.Boards.Edges) != 1 || boards.Boards.Edges[0].Node.Name != "Sales enablement" {
		t.Fatalf("employee's boards = %+v", boards)
	}
	// Another organization sees none of it.
	other := p.Org(t, "other")
	var otherFeed feedResult
	p.Must(t, other.Token(t, "admin@example.com"), `{ feed { edges { node { post { id } } } } }`, nil, &otherFeed)
	if len(otherFeed.Feed.Edges) != 0 {
		t.Fatalf("another organization's feed shows %d posts", len(otherFeed.Feed.Edges))
	}
	wantCode(t, p.Do(t, other.Token(t, "admin@example.com"), `query($id: ID!) { board(id: $id) { name } }`, map[string]any{"id": sales}), "NOT_FOUND")
}

// The feed shows only APPROVED posts even if a board item outlives its post's approval (the
// two are changed in one transaction, but the feed reads items and posts in two queries): the
// item is skipped, the rest of the page is served.
func TestFeedSkipsItemsWhosePostIsNoLongerApproved(t *testing.T) {
	t.Parallel()
	p := setup(t)
	b := p.board(t, "News", map[string]any{"everyone": true})
	kept := p.approved(t, "Still approved.", b)
	gone := p.approved(t, "Approval lapsed.", b)
	if _, err := p.App.Pool.Exec(context.Background(), `UPDATE posts SET state = 'DRAFT' WHERE id = $1`, gone.ID); err != nil {
		t.Fatal(err)
	}
	if got := p.feed(t, "employee", map[string]any{"b": b}); !slices.Equal(got, []string{kept.ID}) {
		t.Fatalf("feed = %v, want only %s", got, kept.ID)
	}
}

func TestBoardCurationPinMoveArchive(t *testing.T) {
	t.Parallel()
	p := setup(t)
	b := p.board(t, "Launches", map[string]any{"everyone": true})
	one := p.approved(t, "First launch.", b)
	two := p.approved(t, "Second launch.", b)
	three := p.approved(t, "Third launch.", b)
	if got := p.feed(t, "employee", map[string]any{"b": b}); !slices.Equal(got, []string{three.ID, two.ID, one.ID}) {
		t.Fatalf("newest first = %v", got)
	}
	p.Must(t, p.tok["marketer"], `mutation($b: ID!, $p: ID!) { pinBoardItem(boardId: $b, postId: $p, pinned: true) { pinned } }`, map[string]any{"b": b, "p": one.ID}, nil)
	p.Must(t, p.tok["marketer"], `mutation($b: ID!, $p: ID!, $a: ID) { moveBoardItem(boardId: $b, postId: $p, afterPostId: $a) { position } }`,
		map[string]any{"b": b, "p": three.ID, "a": two.ID}, nil)
	if got := p.feed(t, "employee", map[string]any{"b": b}); !slices.Equal(got, []string{one.ID, two.ID, three.ID}) {
		t.Fatalf("pinned first, then the curated order = %v", got)
	}
	// Employees do not curate.
	r := p.Do(t, p.tok["employee"], `mutation($b: ID!, $p: ID!) { pinBoardItem(boardId: $b, postId: $p, pinned: true) { pinned } }`, map[string]any{"b": b, "p": two.ID})
	wantCode(t, r, "FORBIDDEN")
	p.Must(t, p.tok["marketer"], `mutation($b: ID!, $p: ID!) { removeFromBoard(boardId: $b, postId: $p) { id } }`, map[string]any{"b": b, "p": two.ID}, nil)
	if got := p.feed(t, "employee", map[string]any{"b": b}); !slices.Equal(got, []string{one.ID, three.ID}) {
		t.Fatalf("after removal = %v", got)
	}
	p.Must(t, p.tok["marketer"], `mutation($b: ID!) { archiveBoard(id: $b) { archivedAt } }`, map[string]any{"b": b}, nil)
	if got := p.feed(t, "employee", nil); len(got) != 0 {
		t.Fatalf("an archived board still feeds: %v", got)
	}
	// Every curation step is audited.
	var actions []string
	rows, err := p.App.Pool.Query(context.Background(), `SELECT action FROM audit_events WHERE subject_type = 'board' AND subject_id = $1 ORDER BY id`, b)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	for _, want := range []string{"board.created", "board.post_pinned", "board.post_moved", "board.post_removed", "board.archived"} {
		if !slices.Contains(actions, want) {
			t.Errorf("board audit lacks %s: %v", want, actions)
		}
	}
}

func TestStaleContentAndExpiredItemsLeaveTheBoards(t *testing.T) {
	t.Parallel()
	p := setup(t)
	ctx := context.Background()
	b := p.board(t, "Everyone", map[string]any{"everyone": true})
	old := p.approved(t, "Last year's launch.", b)
	fresh := p.approved(t, "This week's launch.", b)
	wantCode(t, p.Do(t, p.tok["admin"], `mutation { setMaxContentAge(days: 0) }`, nil), "BAD_USER_INPUT")
	p.Must(t, p.tok["admin"], `mutation { setMaxContentAge(days: 30) }`, nil, nil)
	// The clock cannot be moved; the approval can be made old.
	if _, err := p.App.Pool.Exec(ctx, `UPDATE posts SET approved_at = now() - interval '31 days' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	// An item whose expiry has passed.
	expiring := p.approved(t, "Flash sale ends today.", b)
	if _, err := p.App.Pool.Exec(ctx, `UPDATE board_items SET expires_at = now() - interval '1 second' WHERE post_id = $1`, expiring.ID); err != nil {
		t.Fatal(err)
	}
	items, err := boards.NewExpirer(p.App.Pool, apptest.Logger()).Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	posts, err := p.App.Approval.ExpireStale(ctx)
	if err != nil || items != 1 || posts != 1 {
		t.Fatalf("sweep took off %d items and %d posts (%v), want 1 and 1", items, posts, err)
	}
	if got := p.feed(t, "employee", nil); !slices.Equal(got, []string{fresh.ID}) {
		t.Fatalf("feed after the sweep = %v", got)
	}
	if got := p.get(t, "marketer", old.ID); got.State != "DRAFT" || got.Review.Status != "VOIDED" {
		t.Fatalf("stale post is %s with review %s, want DRAFT and VOIDED", got.State, got.Review.Status)
	}
	// Nothing left to sweep: a second run is a no-op.
	items, _ = boards.NewExpirer(p.App.Pool, apptest.Logger()).Sweep(ctx)
	if posts, _ := p.App.Approval.ExpireStale(ctx); items+posts != 0 {
		t.Fatalf("second sweep took off %d items and %d posts", items, posts)
	}
	var audited int
	if err := p.App.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action IN ('post.approval_expired', 'board.item_expired')`).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 2 {
		t.Fatalf("%d expiry audit events, want 2", audited)
	}
}

// Reviewer groups double as board audiences: being in a group must not make anyone a reviewer.
func TestAudienceGroupsDoNotGrantReview(t *testing.T) {
	t.Parallel()
	p := setup(t)
	if _, err := p.App.Pool.Exec(context.Background(), `UPDATE users SET groups = '{legal}' WHERE org_id = $1 AND email = 'employee@example.com'`, p.org.ID); err != nil {
		t.Fatal(err)
	}
	p.tok["employee"] = p.org.Token(t, "employee@example.com")
	pp := p.create(t, "Our prices drop to $9.")
	p.submit(t, pp.ID)
	wantCode(t, p.Do(t, p.tok["employee"], `query($id: ID!) { post(id: $id) { state } }`, map[string]any{"id": pp.ID}), "NOT_FOUND")
	var list struct{ Posts struct{ Edges []struct{} } }
	p.Must(t, p.tok["employee"], `{ posts { edges { cursor } } }`, nil, &list)
	if len(list.Posts.Edges) != 0 {
		t.Fatalf("an employee in a group lists %d posts in review", len(list.Posts.Edges))
	}
}

func TestCuratorsArrangeButDoNotWidenBoards(t *testing.T) {
	t.Parallel()
	p := setup(t)
	var me struct{ Me struct{ ID string } }
	p.Must(t, p.tok["sam"], `{ me { id } }`, nil, &me)
	var out struct{ CreateBoard struct{ ID string } }
	p.Must(t, p.tok["marketer"], createBoard, map[string]any{"in": map[string]any{"name": "Sales only",
		"audience": map[string]any{"everyone": false, "departments": []string{"Sales"}}, "curatorIds": []string{me.Me.ID}}}, &out)
	r := p.Do(t, p.tok["sam"], `mutation($id: ID!, $c: [ID!]) { updateBoard(id: $id, input: {name: "Sales only", audience: {everyone: true}, curatorIds: $c}) { id } }`,
		map[string]any{"id": out.CreateBoard.ID, "c": []string{me.Me.ID}})
	wantCode(t, r, "FORBIDDEN")
	p.Must(t, p.tok["sam"], `mutation($id: ID!, $c: [ID!]) { updateBoard(id: $id, input: {name: "Sales corner", audience: {everyone: false, departments: ["Sales"]}, curatorIds: $c}) { id } }`,
		map[string]any{"id": out.CreateBoard.ID, "c": []string{me.Me.ID}}, nil)
	// A post the curator cannot see stays off their board.
	hidden := p.board(t, "Engineering", map[string]any{"everyone": false, "departments": []string{"Engineering"}})
	secret := p.approved(t, "Engineering-only roadmap.", hidden)
	r = p.Do(t, p.tok["sam"], `mutation($b: ID!, $p: ID!) { addToBoard(boardId: $b, postId: $p) { pinned } }`, map[string]any{"b": out.CreateBoard.ID, "p": secret.ID})
	wantCode(t, r, "NOT_FOUND")
}
