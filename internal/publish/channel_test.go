package publish_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/publish"
	"clearpost/internal/publish/platform"

	"github.com/google/uuid"
)

// mustNotContain fails unless none of secrets appears in what.
func mustNotContain(tb testing.TB, where, what string, secrets ...string) {
	tb.Helper()
	for _, s := range secrets {
		if strings.Contains(what, s) {
			tb.Errorf("%s contains the secret %q: %s", where, s, what)
		}
	}
}

func jsonText(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// A channel's credentials are sealed: the channel the service returns (on create, list, lookup)
// names the keys that are set and never their values, and neither the stored row, the audit log
// nor the outbox holds them in plain text.
func TestChannelCredentialsAreNeverReturnedInPlainText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	creds := b.x.Credentials()
	token := creds[platform.KeyAccessToken]
	ch, err := b.svc.CreateChannel(as(b.admin), publish.ChannelInput{Platform: " X ", Name: "  Brand X ", Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Platform != "x" || ch.Name != "Brand X" || !ch.Enabled || ch.Revision != 1 || ch.OrgID != b.org || ch.CreatedBy != b.admin.UserID {
		t.Errorf("created channel %+v", ch)
	}
	if want := []string{platform.KeyAccessToken, platform.KeyUserID}; !slices.Equal(ch.CredentialKeys, want) {
		t.Errorf("credential keys %v, want %v", ch.CredentialKeys, want)
	}
	mustNotContain(t, "created channel", jsonText(t, ch), token)

	list, err := b.svc.Channels(as(b.marketer))
	if err != nil || len(list) != 1 || list[0].ID != ch.ID {
		t.Fatalf("Channels = %+v, %v", list, err)
	}
	mustNotContain(t, "listed channels", jsonText(t, list), token)
	byID, err := b.svc.ChannelsByIDs(as(b.employee), []uuid.UUID{ch.ID})
	if err != nil || byID[ch.ID] == nil {
		t.Fatalf("ChannelsByIDs = %+v, %v", byID, err)
	}
	mustNotContain(t, "channel by id", jsonText(t, byID), token)
	_, err = b.svc.Channels(as(b.employee))
	mustCode(t, err, apperr.Forbidden, "")

	var sealed []byte
	if err := b.pool.QueryRow(context.Background(), `SELECT credentials FROM channels WHERE id = $1`, ch.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if len(sealed) == 0 || strings.Contains(string(sealed), token) {
		t.Errorf("credentials stored in the clear: %q", sealed)
	}
	mustNotContain(t, "database", b.snapshot(t), token)
	if n := b.count(t, `SELECT count(*) FROM audit_events WHERE action = 'channel.created' AND subject_id = $1`, ch.ID.String()); n != 1 {
		t.Errorf("%d channel.created events, want 1", n)
	}

	// Sealed credentials are bound to their channel: copied onto another row, they do not open.
	other := b.hookChannel(t, "Automation")
	if _, err := b.pool.Exec(context.Background(), `UPDATE channels SET credentials = $2 WHERE id = $1`, other.ID, sealed); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.ChannelsByIDs(as(b.admin), []uuid.UUID{other.ID}); err == nil {
		t.Error("credentials copied from another channel opened")
	}
}

// Creating a channel validates the platform, the name and the platform's credentials, naming the
// field at fault, and only admins create channels; a refused create writes nothing.
func TestCreateChannelValidates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.xChannel(t, "Brand X")
	hook := b.hook.Credentials()
	cases := []struct {
		name  string
		in    publish.ChannelInput
		field string
	}{
		{"unknown platform", publish.ChannelInput{Platform: "myspace", Name: "Tom", Credentials: hook}, "platform"},
		{"blank name", publish.ChannelInput{Platform: "webhook", Name: "   ", Credentials: hook}, "name"},
		{"long name", publish.ChannelInput{Platform: "webhook", Name: strings.Repeat("n", 101), Credentials: hook}, "name"},
		{"taken name, other case", publish.ChannelInput{Platform: "webhook", Name: "BRAND x", Credentials: hook}, "name"},
		{"x without token", publish.ChannelInput{Platform: "x", Name: "X two", Credentials: map[string]string{platform.KeyUserID: "42"}}, "credentials.access_token"},
		{"x with a non-numeric user", publish.ChannelInput{Platform: "x", Name: "X two", Credentials: map[string]string{platform.KeyAccessToken: "tok-123456789", platform.KeyUserID: "brand"}}, "credentials.user_id"},
		{"webhook short secret", publish.ChannelInput{Platform: "webhook", Name: "Hook", Credentials: map[string]string{platform.KeyURL: hook[platform.KeyURL], platform.KeySecret: "short"}}, "credentials.secret"},
		{"webhook not http", publish.ChannelInput{Platform: "webhook", Name: "Hook", Credentials: map[string]string{platform.KeyURL: "ftp://example.com/x", platform.KeySecret: hook[platform.KeySecret]}}, "credentials.url"},
	}
	before := b.snapshot(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch, err := b.svc.CreateChannel(as(b.admin), c.in)
			if ch != nil {
				t.Errorf("channel %+v returned with an error", ch)
			}
			mustCode(t, err, apperr.Invalid, c.field)
		})
	}
	// Several problems are reported together.
	_, err := b.svc.CreateChannel(as(b.admin), publish.ChannelInput{Platform: "myspace", Name: ""})
	if e := mustCode(t, err, apperr.Invalid, "platform"); len(e.Problems) != 2 {
		t.Errorf("problems %v, want platform and name", e.Problems)
	}
	for who, p := range map[string]context.Context{"marketer": as(b.marketer), "employee": as(b.employee), "reviewer": as(b.reviewer)} {
		_, err := b.svc.CreateChannel(p, publish.ChannelInput{Platform: "webhook", Name: "Hook " + who, Credentials: hook})
		mustCode(t, err, apperr.Forbidden, "")
	}
	if after := b.snapshot(t); after != before {
		t.Fatalf("refused creates changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

// Updating a channel renames it, merges credentials (an empty value removes a key), bumps the
// revision and audits the keys changed, never their values; a stale revision, invalid merged
// credentials, a non-admin or another organization's channel are refused without a change.
func TestUpdateChannel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ch := b.xChannel(t, "Brand X")
	theirs := b.mustChannel(t, b.otherAdmin, "webhook", "Globex hook", b.hook.Credentials())
	newToken := "x-rotated-token-0123456789"
	name := " Brand X (EU) "
	got, err := b.svc.UpdateChannel(as(b.admin), ch.ID, publish.ChannelUpdate{Name: &name, ExpectedRevision: 1,
		Credentials: map[string]string{platform.KeyAccessToken: newToken}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Brand X (EU)" || got.Revision != 2 || !got.Enabled || !slices.Equal(got.CredentialKeys, []string{platform.KeyAccessToken, platform.KeyUserID}) {
		t.Fatalf("updated channel %+v", got)
	}
	mustNotContain(t, "updated channel", jsonText(t, got), newToken)
	mustNotContain(t, "database", b.snapshot(t), newToken, b.x.AccessToken)
	changed := b.text(t, `SELECT details::text FROM audit_events WHERE action = 'channel.updated' AND subject_id = $1`, ch.ID.String())
	if !strings.Contains(changed, `"credentials_changed":["access_token"]`) {
		t.Errorf("channel.updated details %s, want credentials_changed [access_token]", changed)
	}

	before := b.snapshot(t)
	off := false
	_, err = b.svc.UpdateChannel(as(b.admin), ch.ID, publish.ChannelUpdate{Enabled: &off, ExpectedRevision: 1})
	mustCode(t, err, apperr.Conflict, "")
	_, err = b.svc.UpdateChannel(as(b.admin), ch.ID, publish.ChannelUpdate{Credentials: map[string]string{platform.KeyAccessToken: ""}})
	mustCode(t, err, apperr.Invalid, "credentials.access_token")
	blank := ""
	_, err = b.svc.UpdateChannel(as(b.admin), ch.ID, publish.ChannelUpdate{Name: &blank})
	mustCode(t, err, apperr.Invalid, "name")
	_, err = b.svc.UpdateChannel(as(b.marketer), ch.ID, publish.ChannelUpdate{Enabled: &off})
	mustCode(t, err, apperr.Forbidden, "")
	_, err = b.svc.DisableChannel(as(b.admin), theirs.ID)
	mustCode(t, err, apperr.NotFound, "")
	_, err = b.svc.UpdateChannel(as(b.admin), uuid.New(), publish.ChannelUpdate{Enabled: &off})
	mustCode(t, err, apperr.NotFound, "")
	if after := b.snapshot(t); after != before {
		t.Fatalf("refused updates changed the database:\nbefore %s\nafter  %s", before, after)
	}
	if list, err := b.svc.Channels(as(b.admin)); err != nil || len(list) != 1 || list[0].ID != ch.ID {
		t.Errorf("acme's channels %+v, %v; want only its own", list, err)
	}
	if m, err := b.svc.ChannelsByIDs(as(b.admin), []uuid.UUID{theirs.ID}); err != nil || len(m) != 0 {
		t.Errorf("ChannelsByIDs of another organization's channel = %+v, %v; want nothing", m, err)
	}

	disabled, err := b.svc.DisableChannel(as(b.admin), ch.ID)
	if err != nil || disabled.Enabled || disabled.Revision != 3 {
		t.Fatalf("disabled channel %+v, %v", disabled, err)
	}
}
