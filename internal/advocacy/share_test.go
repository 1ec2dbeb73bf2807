package advocacy_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"clearpost/internal/advocacy"
	"clearpost/internal/apperr"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"

	"github.com/google/uuid"
)

func TestShareLockedTextRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))

	_, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin", Text: "My own words"})
	e := mustCode(t, err, apperr.Invalid, "text")
	if e.Message != "this post's share text is locked" {
		t.Fatalf("message = %q", e.Message)
	}
	if n := b.count(t, `SELECT count(*) FROM shares`) + b.count(t, `SELECT count(*) FROM audit_events`) + b.count(t, `SELECT count(*) FROM outbox`); n != 0 {
		t.Fatalf("a refused share wrote %d rows", n)
	}

	// The suggested text itself (or none) is fine.
	for _, text := range []string{"", "  Proud of the team's launch "} {
		sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin", Text: text})
		if err != nil {
			t.Fatalf("share with %q: %v", text, err)
		}
		if sh.Text != "Proud of the team's launch" || sh.Edited || sh.Status != advocacy.StatusOpened {
			t.Fatalf("share with %q: %+v", text, sh)
		}
	}
}

func TestShareEditableTextKept(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(true))
	ctx := as(b.employee)

	sh, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "X", Text: "  We shipped it! "})
	if err != nil {
		t.Fatal(err)
	}
	if sh.Text != "We shipped it!" || !sh.Edited || sh.Status != advocacy.StatusOpened || sh.Network != advocacy.X {
		t.Fatalf("share: %+v", sh)
	}
	if sh.SharedAt == nil || sh.UserID != b.employee.UserID || sh.Campaign != "spring-launch" ||
		sh.Destination != "https://example.com/launch?ref=news#section" {
		t.Fatalf("share: %+v", sh)
	}
	if len(sh.Code) != 10 || sh.TrackedURL != publicURL+"/s/"+sh.Code {
		t.Fatalf("tracked link %q (code %q)", sh.TrackedURL, sh.Code)
	}
	want := "https://x.com/intent/tweet?" + url.Values{"text": {"We shipped it!"}, "url": {sh.TrackedURL}}.Encode()
	if sh.IntentURL != want {
		t.Fatalf("intent URL\n got %s\nwant %s", sh.IntentURL, want)
	}
	var storedText, hash string
	if err := b.pool.QueryRow(context.Background(), `SELECT text, content_hash FROM shares WHERE id = $1`, sh.ID).Scan(&storedText, &hash); err != nil {
		t.Fatal(err)
	}
	if storedText != "We shipped it!" || hash != sharedContent(true).Hash() {
		t.Fatalf("stored text %q, hash %s", storedText, hash)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'share.created' AND subject_id = $1 AND actor_id = $2`, sh.ID.String(), b.employee.UserID); n != 1 {
		t.Fatalf("%d share.created audit events", n)
	}
	if n := b.count(t, `SELECT count(*) FROM outbox WHERE topic = 'share.created' AND payload->>'share_id' = $1`, sh.ID.String()); n != 1 {
		t.Fatalf("%d share.created outbox rows", n)
	}
	if len(b.approver.Calls()) != 0 {
		t.Fatal("an edit was routed for approval though the organization does not require it")
	}

	// Every network gets its own intent.
	intents := map[string]string{
		"linkedin": "https://www.linkedin.com/sharing/share-offsite/?url=",
		"facebook": "https://www.facebook.com/sharer/sharer.php?u=",
		"email":    "mailto:?subject=Spring%20launch&body=",
	}
	for network, prefix := range intents {
		sh, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: network})
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		if !strings.HasPrefix(sh.IntentURL, prefix) || !strings.Contains(sh.IntentURL, url.QueryEscape(sh.TrackedURL)) {
			t.Errorf("%s intent %s", network, sh.IntentURL)
		}
	}

	// Text too long for X with its link is refused, naming the field.
	_, err = b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "x", Text: strings.Repeat("a", 260)})
	mustCode(t, err, apperr.Invalid, "text")
	_, err = b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "myspace"})
	mustCode(t, err, apperr.Invalid, "network")
	if n := b.count(t, `SELECT count(*) FROM shares`); n != 4 {
		t.Fatalf("%d shares, want 4", n)
	}
}

func TestShareEditNeedsApproval(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(true))
	if _, err := b.svc.SetShareEditsNeedApproval(as(b.employee), true); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("an employee set the share policy: %v", err)
	}
	if _, err := b.svc.SetShareEditsNeedApproval(as(b.admin), true); err != nil {
		t.Fatal(err)
	}
	if on, err := b.svc.ShareEditsNeedApproval(as(b.employee)); err != nil || !on {
		t.Fatalf("policy = %v, %v", on, err)
	}
	ctx := as(b.employee)

	// The suggested text goes out at once: only edits wait.
	if sh, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "facebook"}); err != nil || sh.Status != advocacy.StatusOpened {
		t.Fatalf("unedited share: %+v, %v", sh, err)
	}

	sh, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "linkedin", Text: "My take on the launch"})
	if err != nil {
		t.Fatal(err)
	}
	calls := b.approver.Calls()
	if sh.Status != advocacy.StatusPendingApproval || sh.IntentURL != "" || sh.SharedAt != nil {
		t.Fatalf("share: %+v", sh)
	}
	if len(calls) != 1 || calls[0].Parent != post || calls[0].Network != "linkedin" || calls[0].Text != "My take on the launch" {
		t.Fatalf("approver calls: %+v", calls)
	}
	if sh.ApprovalPostID == nil || *sh.ApprovalPostID != calls[0].Post {
		t.Fatalf("approval post %v, want %s", sh.ApprovalPostID, calls[0].Post)
	}
	// Sharing to linkedin again, with yet another text, returns the share in review unchanged and
	// submits nothing more for approval.
	again, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "linkedin", Text: "Second thoughts"})
	if err != nil || again.ID != sh.ID || again.Text != sh.Text || again.Status != advocacy.StatusPendingApproval {
		t.Fatalf("a repeat of a share in review: %+v, %v", again, err)
	}
	if n := len(b.approver.Calls()); n != 1 {
		t.Fatalf("a repeat submitted its text for approval: %d calls", n)
	}

	handler := advocacy.NewApprovalHandler(b.pool, nil)
	approved := task(t, jobs.TypeShareApproved, b.org, jobs.TopicPostApproved, map[string]any{"post_id": calls[0].Post})
	// Still in review: nothing moves.
	if err := handler.ProcessTask(context.Background(), approved); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.svc.Get(ctx, sh.ID); got.Status != advocacy.StatusPendingApproval {
		t.Fatalf("status %s before approval", got.Status)
	}

	if _, err := b.pool.Exec(context.Background(), `UPDATE posts SET state = 'APPROVED' WHERE id = $1`, calls[0].Post); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a task may run twice
		if err := handler.ProcessTask(context.Background(), approved); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.svc.Get(ctx, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != advocacy.StatusOpened || got.Text != "My take on the launch" || got.SharedAt == nil ||
		!strings.HasPrefix(got.IntentURL, "https://www.linkedin.com/sharing/share-offsite/") {
		t.Fatalf("after approval: %+v", got)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'share.approved' AND subject_id = $1`, sh.ID.String()); n != 1 {
		t.Fatalf("%d share.approved events", n)
	}
}

func TestShareEditApprovedScheduledOrRejected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(true))
	if _, err := b.svc.SetShareEditsNeedApproval(as(b.admin), true); err != nil {
		t.Fatal(err)
	}
	ctx := as(b.employee)
	if _, err := b.svc.ConnectAccount(ctx, "x", "tok", "@emma"); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	scheduled, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "x", Text: "Scheduled take", ScheduleAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	rejected, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "facebook", Text: "Risky take"})
	if err != nil {
		t.Fatal(err)
	}
	if scheduled.Status != advocacy.StatusPendingApproval || rejected.Status != advocacy.StatusPendingApproval {
		t.Fatalf("statuses %s, %s", scheduled.Status, rejected.Status)
	}
	if n := b.count(t, `SELECT count(*) FROM outbox WHERE topic = 'share.scheduled'`); n != 0 {
		t.Fatalf("a share waiting for approval was scheduled (%d rows)", n)
	}
	bg := context.Background()
	// The reviewers approve the first text (edited on the way) and reject the second.
	mustEdit(t, b.pool, *scheduled.ApprovalPostID, content.StateApproved, content.Content{Body: "Scheduled take, reviewed"})
	if _, err := b.pool.Exec(bg, `UPDATE posts SET state = 'REJECTED' WHERE id = $1`, *rejected.ApprovalPostID); err != nil {
		t.Fatal(err)
	}
	var review uuid.UUID
	if err := b.pool.QueryRow(bg, `INSERT INTO reviews (org_id, post_id, version_id, content_hash, plan, status, submitted_by)
		SELECT org_id, post_id, id, content_hash, '{}', 'REJECTED', author_id FROM post_versions WHERE post_id = $1 RETURNING id`,
		*rejected.ApprovalPostID).Scan(&review); err != nil {
		t.Fatal(err)
	}
	if _, err := b.pool.Exec(bg, `INSERT INTO decisions (org_id, review_id, post_id, version_id, content_hash, stage, groups, reviewer_id, kind, comment)
		SELECT org_id, $1, post_id, version_id, content_hash, 1, '{legal}', $2, 'REJECT', 'Forward-looking statement' FROM reviews WHERE id = $1`,
		review, b.admin.UserID); err != nil {
		t.Fatal(err)
	}

	handler := advocacy.NewApprovalHandler(b.pool, nil)
	if err := handler.ProcessTask(bg, task(t, jobs.TypeShareApproved, b.org, jobs.TopicPostApproved, map[string]any{"post_id": *scheduled.ApprovalPostID})); err != nil {
		t.Fatal(err)
	}
	if err := handler.ProcessTask(bg, task(t, jobs.TypeShareDecided, b.org, jobs.TopicPostDecided, map[string]any{"post_id": *rejected.ApprovalPostID})); err != nil {
		t.Fatal(err)
	}

	got, _ := b.svc.Get(ctx, scheduled.ID)
	if got.Status != advocacy.StatusScheduled || got.Text != "Scheduled take, reviewed" {
		t.Fatalf("approved scheduled share: %+v", got)
	}
	var key, processAt string
	if err := b.pool.QueryRow(bg, `SELECT payload->>'task_key', payload->>'process_at' FROM outbox
		WHERE topic = 'share.scheduled' AND payload->>'share_id' = $1`, scheduled.ID.String()).Scan(&key, &processAt); err != nil {
		t.Fatalf("share.scheduled row: %v", err)
	}
	if pa, err := time.Parse(time.RFC3339, processAt); key != scheduled.ID.String() || err != nil || !pa.Equal(at) {
		t.Fatalf("task_key %q, process_at %q (want %s)", key, processAt, at)
	}
	got, _ = b.svc.Get(ctx, rejected.ID)
	if got.Status != advocacy.StatusRejected || !strings.Contains(got.StatusReason, "Forward-looking statement") {
		t.Fatalf("rejected share: %+v", got)
	}
}

func TestShareEditCanceledWhenPostChangesInReview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := sharedContent(true)
	post := b.approvedPost(t, c)
	if _, err := b.svc.SetShareEditsNeedApproval(as(b.admin), true); err != nil {
		t.Fatal(err)
	}
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin", Text: "Mine"})
	if err != nil {
		t.Fatal(err)
	}
	c.Body = "We launched, and here are the numbers."
	mustEdit(t, b.pool, post, content.StateApproved, c) // re-approved with other content
	if _, err := b.pool.Exec(context.Background(), `UPDATE posts SET state = 'APPROVED' WHERE id = $1`, *sh.ApprovalPostID); err != nil {
		t.Fatal(err)
	}
	err = advocacy.NewApprovalHandler(b.pool, nil).ProcessTask(context.Background(),
		task(t, jobs.TypeShareApproved, b.org, jobs.TopicPostApproved, map[string]any{"post_id": *sh.ApprovalPostID}))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := b.svc.Get(as(b.employee), sh.ID)
	if got.Status != advocacy.StatusCanceled || got.SharedAt != nil {
		t.Fatalf("share of changed post: %+v", got)
	}
}

func TestShareOfInvisiblePostNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := sharedContent(false)
	salesOnly, _ := mustPost(t, b.pool, b.org, b.marketer.UserID, content.StateApproved, c)
	mustBoard(t, b.pool, b.org, b.marketer.UserID, []string{"sales"}, salesOnly)
	offBoard, _ := mustPost(t, b.pool, b.org, b.marketer.UserID, content.StateApproved, c)
	draft, _ := mustPost(t, b.pool, b.org, b.marketer.UserID, content.StateDraft, c)
	mustBoard(t, b.pool, b.org, b.marketer.UserID, nil, draft)
	missing := uuid.New()

	for name, post := range map[string]uuid.UUID{"other audience": salesOnly, "on no board": offBoard, "draft": draft, "missing": missing} {
		if _, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin"}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("%s: want NOT_FOUND, got %v", name, err)
		}
	}
	// Editors share any APPROVED post of their organization, boards or not, but never a draft.
	if _, err := b.svc.Share(as(b.marketer), advocacy.ShareInput{PostID: offBoard, Network: "linkedin"}); err != nil {
		t.Fatalf("marketer: %v", err)
	}
	_, err := b.svc.Share(as(b.admin), advocacy.ShareInput{PostID: draft, Network: "linkedin"})
	mustCode(t, err, apperr.NotFound, "")
	// A member of the audience sees it.
	sales := mustUser(t, b.pool, b.org, "sales@acme.test", "Sam Sales", auth.RoleEmployee)
	sales.Groups = []string{"sales"}
	if _, err := b.svc.Share(as(sales), advocacy.ShareInput{PostID: salesOnly, Network: "linkedin"}); err != nil {
		t.Fatalf("audience member: %v", err)
	}
	if n := b.count(t, `SELECT count(*) FROM shares`); n != 2 {
		t.Fatalf("%d shares, want 2", n)
	}
}

func TestShareOtherOrganizationNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		t.Fatal(err)
	}
	other := mustOrg(t, b.pool, "globex")
	admin := mustUser(t, b.pool, other, "admin@globex.test", "Gus Admin", auth.RoleAdmin, auth.RoleMarketer)

	_, err = b.svc.Share(as(admin), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	mustCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Get(as(admin), sh.ID)
	mustCode(t, err, apperr.NotFound, "")
	_, err = b.svc.Cancel(as(admin), sh.ID)
	mustCode(t, err, apperr.NotFound, "")
	counts, err := b.svc.Counts(as(admin), []uuid.UUID{post})
	if err != nil || counts[post] != (advocacy.Counts{}) {
		t.Fatalf("counts across organizations: %+v, %v", counts, err)
	}
	archive, err := b.svc.Archive(as(admin), advocacy.ArchiveFilter{}, nil, 10)
	if err != nil || len(archive) != 0 {
		t.Fatalf("archive across organizations: %d, %v", len(archive), err)
	}
	if n := b.count(t, `SELECT count(*) FROM shares`); n != 1 {
		t.Fatalf("%d shares", n)
	}
}

func TestShareWithoutLink(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := sharedContent(false)
	c.Link = ""
	post := b.approvedPost(t, c)
	_, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "facebook"})
	mustCode(t, err, apperr.Invalid, "network")
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if sh.Code != "" || sh.TrackedURL != "" || sh.IntentURL != "https://x.com/intent/tweet?text=Proud+of+the+team%27s+launch" {
		t.Fatalf("share without link: %+v", sh)
	}
}

func TestScheduleValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))
	ctx := as(b.employee)
	past, later := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
	_, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "x", ScheduleAt: &past})
	mustCode(t, err, apperr.Invalid, "scheduleAt")
	_, err = b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "email", ScheduleAt: &later})
	mustCode(t, err, apperr.Invalid, "scheduleAt")
	_, err = b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "x", ScheduleAt: &later})
	e := mustCode(t, err, apperr.Invalid, "scheduleAt")
	if !strings.Contains(e.Message, "connect your x account") {
		t.Fatalf("message %q", e.Message)
	}
	if n := b.count(t, `SELECT count(*) FROM shares`) + b.count(t, `SELECT count(*) FROM outbox`); n != 0 {
		t.Fatalf("refused schedules wrote %d rows", n)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))
	ctx := as(b.employee)
	if _, err := b.svc.ConnectAccount(ctx, "linkedin", "tok", "emma"); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Hour)
	sh, err := b.svc.Share(ctx, advocacy.ShareInput{PostID: post, Network: "linkedin", ScheduleAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Cancel(as(b.marketer), sh.ID)
	mustCode(t, err, apperr.NotFound, "")
	got, err := b.svc.Cancel(ctx, sh.ID)
	if err != nil || got.Status != advocacy.StatusCanceled {
		t.Fatalf("cancel: %+v, %v", got, err)
	}
	_, err = b.svc.Cancel(ctx, sh.ID)
	mustCode(t, err, apperr.Conflict, "")
}
