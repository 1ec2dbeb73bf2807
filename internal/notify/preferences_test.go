package notify_test

import (
	"reflect"
	"testing"

	"clearpost/internal/approval"
	"clearpost/internal/jobs"
	"clearpost/internal/notify"
)

// TestPreferencesRespected: e-mail off means no delivery, no e-mail task and no e-mail; a kind
// set to e-mail only is e-mailed but not listed; muted means nothing at all.
func TestPreferencesRespected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	author := mustUser(t, b.pool, b.org, "Ann Author", marketer)
	inAppOnly := mustUser(t, b.pool, b.org, "Ian Inapp", reviewer, "legal")
	mailOnly := mustUser(t, b.pool, b.org, "Mae Mail", reviewer, "legal")
	muted := mustUser(t, b.pool, b.org, "Mute Mike", reviewer, "legal")
	mustWorkflow(t, b.pool, author, approval.Stage{Name: "Legal", Groups: []approval.GroupRequirement{anyOf("legal")}})

	set := func(u *user, in notify.Preferences) {
		t.Helper()
		if _, err := b.svc.SetPreferences(u.ctx(), in); err != nil {
			t.Fatalf("%s: %v", u.name, err)
		}
	}
	set(inAppOnly, notify.Preferences{Channels: []notify.Channel{notify.ChannelInApp}})
	set(mailOnly, notify.Preferences{
		Channels: []notify.Channel{notify.ChannelInApp, notify.ChannelEmail},
		Kinds:    []notify.KindChannels{{Kind: notify.KindReviewRequested, Channels: []notify.Channel{notify.ChannelEmail}}},
	})
	set(muted, notify.Preferences{Channels: []notify.Channel{}})

	mustSubmit(t, b.pool, author, "Preferences matter")
	emailTasks := b.drain(t)[jobs.TypeNotifyEmail]

	// In-app only: listed, no delivery, no e-mail.
	if n := b.notificationsOf(t, inAppOnly); len(n) != 1 || !n[0].InApp {
		t.Fatalf("in-app-only reviewer: %+v", n)
	}
	if got := count(t, b.pool, `SELECT count(*) FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
		WHERE n.user_id = $1`, inAppOnly.id); got != 0 {
		t.Fatalf("in-app-only reviewer has %d deliveries", got)
	}
	if got := len(b.smtp.to(inAppOnly.email)); got != 0 {
		t.Fatalf("in-app-only reviewer got %d e-mails", got)
	}
	// E-mail only for this kind: e-mailed, not listed or counted.
	if got := len(b.smtp.to(mailOnly.email)); got != 1 {
		t.Fatalf("e-mail-only reviewer got %d e-mails, want 1", got)
	}
	list, _, err := b.svc.List(mailOnly.ctx(), false, nil, 10)
	if err != nil || len(list) != 0 {
		t.Fatalf("e-mail-only reviewer's list: %v %v", list, err)
	}
	if n, err := b.svc.UnreadCount(mailOnly.ctx()); err != nil || n != 0 {
		t.Fatalf("e-mail-only reviewer's unread count: %d %v", n, err)
	}
	// Muted: nothing.
	if k := b.kindsOf(t, muted); k != "" || len(b.smtp.to(muted.email)) != 0 {
		t.Fatalf("muted reviewer notified: %q", k)
	}
	if emailTasks != 1 || len(b.smtp.messages()) != 1 {
		t.Fatalf("%d e-mail tasks and %d e-mails, want 1 and 1 (the e-mail-only reviewer's)", emailTasks, len(b.smtp.messages()))
	}

	// Preferences read back normalized.
	got, err := b.svc.Preferences(mailOnly.ctx())
	if err != nil {
		t.Fatal(err)
	}
	want := &notify.Preferences{
		Channels: []notify.Channel{notify.ChannelInApp, notify.ChannelEmail},
		Kinds:    []notify.KindChannels{{Kind: notify.KindReviewRequested, Channels: []notify.Channel{notify.ChannelEmail}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("preferences %+v, want %+v", got, want)
	}
	// A user who never set any has the defaults.
	got, err = b.svc.Preferences(author.ctx())
	if err != nil || !reflect.DeepEqual(got, notify.DefaultPreferences()) {
		t.Fatalf("default preferences %+v (%v)", got, err)
	}
}

// TestSetPreferencesRefusesBadInput: each bad input is refused naming its field, and the stored
// preferences stay as they were.
func TestSetPreferencesRefusesBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := mustUser(t, b.pool, b.org, "Pat Prefs", reviewer, "legal")
	good := notify.Preferences{
		Channels: []notify.Channel{notify.ChannelSlack, notify.ChannelInApp, notify.ChannelInApp},
		Kinds:    []notify.KindChannels{{Kind: notify.KindPostDecided, Channels: []notify.Channel{notify.ChannelEmail}}},
	}
	saved, err := b.svc.SetPreferences(u.ctx(), good)
	if err != nil {
		t.Fatal(err)
	}
	if want := []notify.Channel{notify.ChannelInApp, notify.ChannelSlack}; !reflect.DeepEqual(saved.Channels, want) {
		t.Fatalf("channels saved as %v, want %v (ordered, without repeats)", saved.Channels, want)
	}
	events := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'notification_preferences.updated'`)
	if events != 1 {
		t.Fatalf("%d audit events for one change", events)
	}

	cases := []struct {
		name  string
		in    notify.Preferences
		field string
	}{
		{"unknown channel", notify.Preferences{Channels: []notify.Channel{notify.ChannelEmail, "FAX"}}, "channels[1]"},
		{"unknown kind", notify.Preferences{Kinds: []notify.KindChannels{{Kind: "GOSSIP"}}}, "kinds[0].kind"},
		{"kind twice", notify.Preferences{Kinds: []notify.KindChannels{
			{Kind: notify.KindPostApproved}, {Kind: notify.KindPostApproved, Channels: []notify.Channel{notify.ChannelEmail}}}}, "kinds[1].kind"},
		{"unknown channel of a kind", notify.Preferences{Kinds: []notify.KindChannels{
			{Kind: notify.KindPostApproved, Channels: []notify.Channel{notify.ChannelEmail, "SMS"}}}}, "kinds[0].channels[1]"},
		{"too many kinds", notify.Preferences{Kinds: make([]notify.KindChannels, len(notify.Kinds)+1)}, "kinds"},
	}
	for _, c := range cases {
		_, err := b.svc.SetPreferences(u.ctx(), c.in)
		wantField(t, err, c.field)
		got, err := b.svc.Preferences(u.ctx())
		if err != nil || !reflect.DeepEqual(got, saved) {
			t.Fatalf("%s: preferences changed to %+v (%v)", c.name, got, err)
		}
	}
	if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'notification_preferences.updated'`); got != events {
		t.Fatalf("refused changes were audited: %d events", got)
	}
}
