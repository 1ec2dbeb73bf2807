package boards_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/boards"

	"github.com/google/uuid"
)

// arranged is a board with five approved posts added P1 to P5 (each on top), then P1 and P2
// pinned: its feed reads P2 P1 | P5 P4 P3.
type arranged struct {
	bundle
	board uuid.UUID
	post  map[string]uuid.UUID // by name: P1 ... P5, and P9 (approved, on no board)
	name  map[uuid.UUID]string
}

func arrange(t *testing.T) arranged {
	t.Helper()
	a := arranged{bundle: setup(t), post: map[string]uuid.UUID{}, name: map[uuid.UUID]string{}}
	a.board = mustBoard(t, a.svc, a.marketer, "Launches")
	for i := 1; i <= 5; i++ {
		n := fmt.Sprintf("P%d", i)
		a.post[n] = mustApprovedPost(t, a.pool, a.org, a.marketer.UserID, n)
		a.name[a.post[n]] = n
		if _, err := a.svc.Add(as(a.marketer), a.board, a.post[n], boards.ItemInput{}); err != nil {
			t.Fatalf("add %s: %v", n, err)
		}
	}
	a.post["P9"] = mustApprovedPost(t, a.pool, a.org, a.marketer.UserID, "P9")
	a.name[a.post["P9"]] = "P9"
	for _, n := range []string{"P1", "P2"} {
		if _, err := a.svc.Pin(as(a.marketer), a.board, a.post[n], true); err != nil {
			t.Fatalf("pin %s: %v", n, err)
		}
	}
	if got := a.feed(t); got != "P2 P1 | P5 P4 P3" {
		t.Fatalf("arranged board reads %q", got)
	}
	return a
}

// feed is the board as an employee reads it: names in feed order, "|" after the pinned items.
// Paging through it one item at a time gives the same order.
func (a arranged) feed(t *testing.T) string {
	t.Helper()
	items, _, err := a.svc.Feed(as(a.employee), &a.board, nil, 50)
	if err != nil {
		t.Fatalf("feed: %v", err)
	}
	var out []string
	for i, it := range items {
		if i > 0 && items[i-1].Pinned && !it.Pinned {
			out = append(out, "|")
		}
		out = append(out, a.name[it.PostID])
	}
	var cur *boards.FeedCursor
	for i := 0; ; i++ {
		page, more, err := a.svc.Feed(as(a.employee), &a.board, cur, 1)
		if err != nil {
			t.Fatalf("paged feed: %v", err)
		}
		if len(page) != 1 || i >= len(items) || page[0].PostID != items[i].PostID {
			t.Fatalf("page %d of the feed disagrees with the whole feed %v", i, out)
		}
		it := page[0]
		cur = &boards.FeedCursor{Pinned: it.Pinned, Position: it.Position, PostID: it.PostID}
		if !more {
			if i != len(items)-1 {
				t.Fatalf("paged feed ended after %d of %d items", i+1, len(items))
			}
			break
		}
	}
	return strings.Join(out, " ")
}

// places is every item's pin and position, to show that a refused move changes nothing.
func (a arranged) places(t *testing.T) string {
	t.Helper()
	rows, err := a.pool.Query(context.Background(), `SELECT post_id, pinned, position FROM board_items WHERE board_id = $1 ORDER BY post_id`, a.board)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id uuid.UUID
		var pinned bool
		var pos float64
		if err := rows.Scan(&id, &pinned, &pos); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %t %v; ", a.name[id], pinned, pos)
	}
	return b.String()
}

func TestMoveBoardItem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		post, after string // after "": on top
		want        string // the feed after the move
		code        apperr.Code
		field       string
		msg         string // in the error message
	}{
		{name: "unpinned after the last pinned goes first among the unpinned", post: "P4", after: "P1", want: "P2 P1 | P4 P5 P3"},
		{name: "unpinned after a pinned one goes first among the unpinned", post: "P3", after: "P2", want: "P2 P1 | P3 P5 P4"},
		{name: "between two unpinned", post: "P3", after: "P5", want: "P2 P1 | P5 P3 P4"},
		{name: "after the last", post: "P5", after: "P3", want: "P2 P1 | P4 P3 P5"},
		{name: "unpinned to the top", post: "P3", want: "P2 P1 | P3 P5 P4"},
		{name: "top unpinned to the top stays", post: "P5", want: "P2 P1 | P5 P4 P3"},
		{name: "pinned to the top", post: "P1", want: "P1 P2 | P5 P4 P3"},
		{name: "pinned after pinned", post: "P2", after: "P1", want: "P1 P2 | P5 P4 P3"},
		{name: "pinned after unpinned is refused", post: "P2", after: "P4", code: apperr.Invalid, field: "afterPostId", msg: "pinned"},
		{name: "after itself is refused", post: "P4", after: "P4", code: apperr.Invalid, field: "afterPostId", msg: "after itself"},
		{name: "after a post not on the board is refused", post: "P4", after: "P9", code: apperr.Invalid, field: "afterPostId", msg: "not on this board"},
		{name: "after a post that does not exist is refused", post: "P4", after: "nobody", code: apperr.Invalid, field: "afterPostId", msg: "not on this board"},
		{name: "a post not on the board is not found", post: "P9", after: "P4", code: apperr.NotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := arrange(t)
			id := func(n string) uuid.UUID {
				if id, ok := a.post[n]; ok {
					return id
				}
				return uuid.New()
			}
			var after *uuid.UUID
			if tc.after != "" {
				x := id(tc.after)
				after = &x
			}
			before, moves := a.places(t), a.count(t, `SELECT count(*) FROM audit_events WHERE action = 'board.post_moved'`)
			it, err := a.svc.Move(as(a.marketer), a.board, id(tc.post), after)
			if tc.code != "" {
				e := mustCode(t, err, tc.code, tc.field)
				if !strings.Contains(e.Message, tc.msg) {
					t.Fatalf("message %q does not say %q", e.Message, tc.msg)
				}
				if tc.after != "" && tc.code == apperr.Invalid && tc.after != tc.post && !strings.Contains(e.Message, after.String()) &&
					!strings.Contains(e.Message, id(tc.post).String()) {
					t.Fatalf("message %q names no post", e.Message)
				}
				if got := a.places(t); got != before {
					t.Fatalf("a refused move changed the board:\n%s\n%s", before, got)
				}
				if n := a.count(t, `SELECT count(*) FROM audit_events WHERE action = 'board.post_moved'`); n != moves {
					t.Fatalf("a refused move was audited")
				}
				return
			}
			if err != nil {
				t.Fatalf("move: %v", err)
			}
			if it.PostID != id(tc.post) {
				t.Fatalf("moved item is %s", a.name[it.PostID])
			}
			if got := a.feed(t); got != tc.want {
				t.Fatalf("feed %q, want %q", got, tc.want)
			}
			if n := a.count(t, `SELECT count(*) FROM audit_events WHERE action = 'board.post_moved'`); n != moves+1 {
				t.Fatalf("the move was not audited")
			}
		})
	}
}

// The issue's own example: P2 pinned, P4, P3; P3 after P2 reads P2, P3, P4.
func TestMoveAfterPinnedReported(t *testing.T) {
	t.Parallel()
	b := setup(t)
	board := mustBoard(t, b.svc, b.marketer, "Reported")
	post := map[string]uuid.UUID{}
	name := map[uuid.UUID]string{}
	for _, n := range []string{"P2", "P3", "P4"} {
		post[n] = mustApprovedPost(t, b.pool, b.org, b.marketer.UserID, n)
		name[post[n]] = n
		if _, err := b.svc.Add(as(b.marketer), board, post[n], boards.ItemInput{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.svc.Pin(as(b.marketer), board, post["P2"], true); err != nil {
		t.Fatal(err)
	}
	order := func() []string {
		items, _, err := b.svc.Feed(as(b.employee), &board, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range items {
			out = append(out, name[it.PostID])
		}
		return out
	}
	if got := order(); !slices.Equal(got, []string{"P2", "P4", "P3"}) {
		t.Fatalf("before: %v", got)
	}
	p2 := post["P2"]
	if _, err := b.svc.Move(as(b.marketer), board, post["P3"], &p2); err != nil {
		t.Fatal(err)
	}
	if got := order(); !slices.Equal(got, []string{"P2", "P3", "P4"}) {
		t.Fatalf("after moving P3 after P2: %v, want [P2 P3 P4]", got)
	}
}

// Moving into the same gap again and again halves it until no float64 is left between the
// neighbours, and items may share a position (approved in one transaction): the order still
// comes out as asked.
func TestMoveRepeatedlyAndTies(t *testing.T) {
	t.Parallel()
	a := arrange(t)
	// P3, P4 and P5 tie.
	if _, err := a.pool.Exec(context.Background(), `UPDATE board_items SET position = 1700000000 WHERE board_id = $1 AND NOT pinned`, a.board); err != nil {
		t.Fatal(err)
	}
	tied := a.feed(t)
	if !strings.HasPrefix(tied, "P2 P1 | ") {
		t.Fatalf("tied feed %q", tied)
	}
	fields := strings.Fields(tied)[3:] // the unpinned, in their (post id) order
	top, second, third := a.post[fields[0]], fields[1], fields[2]
	x := a.post[third]
	if _, err := a.svc.Move(as(a.marketer), a.board, x, &top); err != nil {
		t.Fatal(err)
	}
	if got, want := a.feed(t), fmt.Sprintf("P2 P1 | %s %s %s", fields[0], third, second); got != want {
		t.Fatalf("between tied items: %q, want %q", got, want)
	}
	// Move the two lower items right below the top one, turn and turn about, 80 times.
	cur := []string{fields[0], third, second}
	for i := range 80 {
		mover := cur[2]
		m := a.post[mover]
		if _, err := a.svc.Move(as(a.marketer), a.board, m, &top); err != nil {
			t.Fatalf("move %d: %v", i, err)
		}
		cur = []string{cur[0], mover, cur[1]}
		if got, want := a.feed(t), "P2 P1 | "+strings.Join(cur, " "); got != want {
			t.Fatalf("after move %d: %q, want %q", i, got, want)
		}
	}
}

// Curators arrange their boards; employees do not; another organization's board does not exist.
func TestMoveBoardItemAccess(t *testing.T) {
	t.Parallel()
	a := arrange(t)
	p5 := a.post["P5"]
	_, err := a.svc.Move(as(a.employee), a.board, a.post["P3"], &p5)
	mustCode(t, err, apperr.Forbidden, "")
	other := mustOrg(t, a.pool, "globex")
	outsider := mustUser(t, a.pool, other, "marketer@globex.test", "Out Sider", auth.RoleMarketer)
	_, err = a.svc.Move(as(outsider), a.board, a.post["P3"], &p5)
	mustCode(t, err, apperr.NotFound, "")
	if got := a.feed(t); got != "P2 P1 | P5 P4 P3" {
		t.Fatalf("refused moves changed the board: %q", got)
	}
}
