package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSPolicy is how the connection to an smtp:// server is secured (smtps:// is always TLS).
type TLSPolicy string

const (
	// TLSMandatory requires STARTTLS: a server that does not offer it gets no mail. The default.
	TLSMandatory TLSPolicy = "mandatory"
	// TLSOpportunistic uses STARTTLS when the server offers it, and plain text otherwise.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never encrypts: only for a relay on the same host or a test server.
	TLSNone TLSPolicy = "none"
)

// MailOptions configure the SMTP server notifications are e-mailed through.
type MailOptions struct {
	// URL is smtp://[user:password@]host[:port] (default port 587, STARTTLS as TLSPolicy says)
	// or smtps://[user:password@]host[:port] (default port 465, TLS from the first byte). The
	// optional query parameter auth names the SASL mechanism: PLAIN (the default when a user is
	// given), LOGIN, CRAM-MD5, SCRAM-SHA-256 or AUTO (the strongest the server offers).
	URL string
	// From is the sender, "Clearpost <clearpost@example.com>" or a bare address.
	From string
	// TLSPolicy applies to smtp:// URLs; empty: TLSMandatory.
	TLSPolicy TLSPolicy
	// TLSConfig, when set, verifies the server (e.g. a private CA); nil: the system roots.
	TLSConfig *tls.Config
	// Timeout bounds connecting and each command; 0: 30 s.
	Timeout time.Duration
}

// Mailer sends e-mails through one SMTP server. It is safe for concurrent use: each Send dials.
type Mailer struct {
	host      string
	port      int
	ssl       bool
	policy    gomail.TLSPolicy
	tlsConfig *tls.Config
	auth      gomail.SMTPAuthType
	user      string
	password  string
	from      string
	timeout   time.Duration
}

// NewMailer checks opts and returns a mailer. Its errors never contain the password.
func NewMailer(opts MailOptions) (*Mailer, error) {
	u, err := url.Parse(opts.URL)
	if err != nil {
		return nil, errors.New("smtp url: not a URL such as smtp://user:password@smtp.example.com:587")
	}
	m := &Mailer{host: u.Hostname(), timeout: opts.Timeout, tlsConfig: opts.TLSConfig}
	if m.timeout <= 0 {
		m.timeout = 30 * time.Second
	}
	switch u.Scheme {
	case "smtp":
		m.port = 587
	case "smtps":
		m.port, m.ssl = 465, true
	default:
		return nil, errors.New("smtp url: the scheme must be smtp or smtps")
	}
	if m.host == "" {
		return nil, errors.New("smtp url: no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, errors.New("smtp url: bad port")
		}
		m.port = n
	}
	switch opts.TLSPolicy {
	case TLSMandatory, "":
		m.policy = gomail.TLSMandatory
	case TLSOpportunistic:
		m.policy = gomail.TLSOpportunistic
	case TLSNone:
		m.policy = gomail.NoTLS
	default:
		return nil, fmt.Errorf("smtp tls policy %q: want mandatory, opportunistic or none", opts.TLSPolicy)
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.password, _ = u.User.Password()
		m.auth = gomail.SMTPAuthPlain
	}
	if a := u.Query().Get("auth"); a != "" {
		switch strings.ToUpper(a) {
		case "PLAIN":
			m.auth = gomail.SMTPAuthPlain
		case "LOGIN":
			m.auth = gomail.SMTPAuthLogin
		case "CRAM-MD5":
			m.auth = gomail.SMTPAuthCramMD5
		case "SCRAM-SHA-256":
			m.auth = gomail.SMTPAuthSCRAMSHA256
		case "AUTO":
			m.auth = gomail.SMTPAuthAutoDiscover
		default:
			return nil, fmt.Errorf("smtp url: auth=%q is not PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256 or AUTO", a)
		}
		if m.user == "" {
			return nil, errors.New("smtp url: auth needs a user name")
		}
	}
	from, err := mail.ParseAddress(opts.From)
	if err != nil {
		return nil, fmt.Errorf("smtp from %q: not an e-mail address", opts.From)
	}
	m.from = from.String()
	// Build a client once, so a bad option fails here rather than at the first send.
	if _, err := m.client(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Mailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(m.port),
		gomail.WithTimeout(m.timeout),
		gomail.WithTLSPolicy(m.policy),
	}
	if m.ssl {
		opts = append(opts, gomail.WithSSL())
	}
	if m.tlsConfig != nil {
		cfg := m.tlsConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = m.host
		}
		opts = append(opts, gomail.WithTLSConfig(cfg))
	}
	if m.auth != "" {
		opts = append(opts, gomail.WithSMTPAuth(m.auth), gomail.WithUsername(m.user), gomail.WithPassword(m.password))
	}
	c, err := gomail.NewClient(m.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %v", err)
	}
	return c, nil
}

// Email is one message.
type Email struct {
	To        string // address
	ToName    string
	Subject   string
	Body      string // text/plain
	MessageID string // without angle brackets; empty: generated
}

// Send delivers e. A recipient the server refuses for good is errPermanent. Errors carry neither
// the body nor the password.
func (m *Mailer) Send(ctx context.Context, e Email) error {
	msg := gomail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return fmt.Errorf("e-mail sender: %w", errPermanent)
	}
	to := e.To
	if e.ToName != "" {
		to = (&mail.Address{Name: e.ToName, Address: e.To}).String()
	}
	if err := msg.To(to); err != nil {
		return fmt.Errorf("e-mail recipient is not an address: %w", errPermanent)
	}
	msg.Subject(oneLine(e.Subject))
	msg.SetDate()
	if e.MessageID != "" {
		msg.SetMessageIDWithValue(e.MessageID)
	} else {
		msg.SetMessageID()
	}
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, e.Body)
	c, err := m.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return smtpError(err)
	}
	return nil
}

// smtpError describes a failed send without the addresses and message id go-mail adds.
func smtpError(err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return fmt.Errorf("smtp: %v", err)
	}
	msg := fmt.Sprintf("smtp: %s failed", se.Reason)
	if code := se.ErrorCode(); code != 0 {
		msg += fmt.Sprintf(" (%d)", code)
	}
	if se.Reason == gomail.ErrSMTPRcptTo && !se.IsTemp() {
		return fmt.Errorf("%s: %w", msg, errPermanent)
	}
	return errors.New(msg)
}

// oneLine folds line breaks into spaces (a subject is one line).
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
