package notify_test

import (
	"strings"
	"testing"

	"clearpost/internal/notify"
)

// TestNewMailerRefusesBadOptions: every bad option is refused, and no error repeats the password.
func TestNewMailerRefusesBadOptions(t *testing.T) {
	t.Parallel()
	const from = "Clearpost <clearpost@example.com>"
	for _, c := range []struct {
		name string
		opts notify.MailOptions
		want string
	}{
		{"scheme", notify.MailOptions{URL: "http://u:hunter2pw@smtp.example.com", From: from}, "scheme"},
		{"no host", notify.MailOptions{URL: "smtp://u:hunter2pw@:25", From: from}, "no host"},
		{"port", notify.MailOptions{URL: "smtp://u:hunter2pw@smtp.example.com:99999", From: from}, "port"},
		{"tls policy", notify.MailOptions{URL: "smtp://u:hunter2pw@smtp.example.com", From: from, TLSPolicy: "sometimes"}, "tls policy"},
		{"auth", notify.MailOptions{URL: "smtp://u:hunter2pw@smtp.example.com?auth=NTLM", From: from}, "auth"},
		{"auth without user", notify.MailOptions{URL: "smtp://smtp.example.com?auth=PLAIN", From: from}, "user name"},
		{"from", notify.MailOptions{URL: "smtps://u:hunter2pw@smtp.example.com", From: "not an address"}, "from"},
	} {
		_, err := notify.NewMailer(c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %q", c.name, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2pw") {
			t.Errorf("%s: error repeats the password: %v", c.name, err)
		}
	}
	for _, ok := range []notify.MailOptions{
		{URL: "smtps://u:hunter2pw@smtp.example.com", From: from},
		{URL: "smtp://smtp.example.com:2525", From: "clearpost@example.com", TLSPolicy: notify.TLSOpportunistic},
		{URL: "smtp://u:pw@smtp.example.com?auth=login", From: from, TLSPolicy: notify.TLSMandatory},
	} {
		if _, err := notify.NewMailer(ok); err != nil {
			t.Errorf("%s: %v", ok.URL, err)
		}
	}
}
