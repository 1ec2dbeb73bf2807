package platform

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// XAdapter publishes to an X account through the v2 API (POST /2/tweets) with an OAuth 2.0
// user-context bearer token.
//
// Credentials: access_token, user_id (the account's numeric id, needed by Find).
//
// The post text is Message.Text followed by a space and Message.Link (unless the text already
// contains the link). Media are not uploaded. Length is left to X to enforce.
type XAdapter struct {
	c    caller
	base string
}

// NewX returns the X adapter.
func NewX(opts Options) *XAdapter {
	opts = opts.withDefaults()
	return &XAdapter{c: caller{platform: X, client: opts.HTTPClient, now: opts.Now, tracer: opts.tracer()}, base: opts.XBaseURL}
}

// Platform returns "x".
func (a *XAdapter) Platform() string { return X }

// Validate checks the access token and user id.
func (a *XAdapter) Validate(c Credentials) error {
	var p problems
	p.require(c, KeyAccessToken)
	p.requireDigits(c, KeyUserID)
	return p.err()
}

// XPostURL is the public URL of the post with the given id.
func XPostURL(id string) string { return "https://x.com/i/web/status/" + id }

// XText is the text the adapter posts for m.
func XText(m Message) string { return withLink(m.Text, m.Link) }

func (a *XAdapter) authorize(req *http.Request, c Credentials) {
	req.Header.Set("Authorization", "Bearer "+c[KeyAccessToken])
}

// Publish creates the post; X answers 201 {"data": {"id", "text"}}.
func (a *XAdapter) Publish(ctx context.Context, c Credentials, m Message) (Receipt, error) {
	if err := validated(X, a.Validate, c); err != nil {
		return Receipt{}, err
	}
	req, err := newJSONRequest(ctx, http.MethodPost, joinURL(a.base, "/2/tweets"), map[string]string{"text": XText(m)})
	if err != nil {
		return Receipt{}, internalError(X, err)
	}
	a.authorize(req, c)
	resp, err := a.c.do(req, c)
	if err != nil {
		return Receipt{}, err
	}
	if !resp.ok() {
		return Receipt{}, xError(resp, c)
	}
	var created struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := a.c.decodeJSON(resp, &created); err != nil {
		return Receipt{}, err
	}
	if created.Data.ID == "" {
		// The post may exist; a retry is refused as duplicate content and Find then locates it.
		return Receipt{}, &Error{Platform: X, Status: resp.status, Message: "response carried no post id", Retryable: true}
	}
	return Receipt{ExternalID: created.Data.ID, URL: XPostURL(created.Data.ID), At: a.c.acceptedAt(resp)}, nil
}

type xTimeline struct {
	Data []struct {
		ID        string `json:"id"`
		Text      string `json:"text"`
		CreatedAt string `json:"created_at"`
	} `json:"data"`
	Errors []xProblem `json:"errors"`
}

// Find reads the user's posts created since `since` (GET /2/users/:id/tweets) and looks for one
// with m's text. X rewrites links to t.co and HTML-escapes &, < and >, so texts are compared with
// entities decoded and every URL treated as equal.
func (a *XAdapter) Find(ctx context.Context, c Credentials, m Message, since time.Time) (Receipt, bool, error) {
	if err := validated(X, a.Validate, c); err != nil {
		return Receipt{}, false, err
	}
	since = since.UTC().Truncate(time.Second)
	q := url.Values{}
	if since.After(xEarliest) {
		q.Set("start_time", since.Format(time.RFC3339))
	}
	q.Set("max_results", "20")
	q.Set("tweet.fields", "created_at")
	u := joinURL(a.base, "/2/users/"+url.PathEscape(c[KeyUserID])+"/tweets") + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Receipt{}, false, internalError(X, err)
	}
	req.Header.Set("Accept", "application/json")
	a.authorize(req, c)
	resp, err := a.c.do(req, c)
	if err != nil {
		return Receipt{}, false, err
	}
	if !resp.ok() {
		return Receipt{}, false, xError(resp, c)
	}
	var tl xTimeline
	if err := a.c.decodeJSON(resp, &tl); err != nil {
		return Receipt{}, false, err
	}
	if len(tl.Data) == 0 && len(tl.Errors) > 0 {
		// e.g. the user does not exist: an answer we cannot trust as "not there".
		return Receipt{}, false, statusError(X, resp.status, tl.Errors[0].code(), tl.Errors[0].text(), c)
	}
	want := normalizeXText(XText(m))
	for _, t := range tl.Data {
		if normalizeXText(t.Text) != want {
			continue
		}
		at, err := time.Parse(time.RFC3339, t.CreatedAt)
		if err == nil && at.Before(since) {
			continue
		}
		if err != nil {
			at = time.Time{}
		}
		return Receipt{ExternalID: t.ID, URL: XPostURL(t.ID), At: at.UTC()}, true, nil
	}
	return Receipt{}, false, nil
}

// xEarliest is the earliest start_time X accepts.
var xEarliest = time.Date(2010, 11, 6, 0, 0, 0, 0, time.UTC)

var urlPattern = regexp.MustCompile(`https?://\S+`)

func normalizeXText(s string) string {
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = urlPattern.ReplaceAllString(s, "\x00")
	return strings.TrimSpace(s)
}

// xProblem is one entry of X's "errors" array, or the top-level problem object.
type xProblem struct {
	Title   string `json:"title"`
	Detail  string `json:"detail"`
	Type    string `json:"type"`
	Message string `json:"message"`
}

func (p xProblem) text() string {
	for _, s := range []string{p.Detail, p.Message, p.Title} {
		if s != "" {
			return s
		}
	}
	return ""
}

func (p xProblem) code() string {
	if p.Type != "" && p.Type != "about:blank" {
		return p.Type
	}
	return p.Title
}

// xError reads X's problem body: {"title", "detail", "type", "status"} and/or {"errors": [...]}.
func xError(resp *response, c Credentials) error {
	var body struct {
		xProblem
		Errors []xProblem `json:"errors"`
	}
	msg := strings.TrimSpace(string(resp.body))
	code := ""
	if err := json.Unmarshal(resp.body, &body); err == nil {
		if t := body.text(); t != "" {
			msg = t
			code = body.code()
		}
		// The top-level detail of a validation problem is generic; the entries say what is wrong.
		if len(body.Errors) > 0 {
			if t := body.Errors[0].text(); t != "" {
				if body.Detail != "" && body.Detail != t {
					msg = body.Detail + ": " + t
				} else {
					msg = t
				}
			}
			if code == "" {
				code = body.Errors[0].code()
			}
		}
	}
	pe := statusError(X, resp.status, code, msg, c)
	if resp.status == http.StatusForbidden && strings.Contains(strings.ToLower(msg), "duplicate content") {
		pe.Code = CodeDuplicate
	}
	return pe
}
