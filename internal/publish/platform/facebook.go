package platform

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// FacebookAdapter publishes to a Facebook page through the Graph API (POST /<page_id>/feed) with a
// page access token.
//
// Credentials: page_id (numeric), access_token (a page access token with pages_manage_posts).
//
// Message.Text becomes the post's message and Message.Link its link (Facebook builds the preview).
// Media are not uploaded.
type FacebookAdapter struct {
	c       caller
	base    string
	version string
}

// NewFacebook returns the Facebook adapter.
func NewFacebook(opts Options) *FacebookAdapter {
	opts = opts.withDefaults()
	return &FacebookAdapter{
		c:       caller{platform: Facebook, client: opts.HTTPClient, now: opts.Now, tracer: opts.tracer()},
		base:    opts.FacebookBaseURL,
		version: opts.FacebookVersion,
	}
}

// Platform returns "facebook".
func (a *FacebookAdapter) Platform() string { return Facebook }

// Validate checks the page id and access token.
func (a *FacebookAdapter) Validate(c Credentials) error {
	var p problems
	p.requireDigits(c, KeyPageID)
	p.require(c, KeyAccessToken)
	return p.err()
}

// FacebookPostURL is the public URL of the post with the given id ("<pageid>_<postid>").
func FacebookPostURL(id string) string { return "https://www.facebook.com/" + id }

func (a *FacebookAdapter) feedURL(c Credentials) string {
	return joinURL(a.base, "/"+url.PathEscape(a.version)+"/"+url.PathEscape(c[KeyPageID])+"/feed")
}

// Publish creates the post (form-encoded message, link and access_token); Graph answers
// {"id": "<pageid>_<postid>"}.
func (a *FacebookAdapter) Publish(ctx context.Context, c Credentials, m Message) (Receipt, error) {
	if err := validated(Facebook, a.Validate, c); err != nil {
		return Receipt{}, err
	}
	form := url.Values{}
	if m.Text != "" {
		form.Set("message", m.Text)
	}
	if m.Link != "" {
		form.Set("link", m.Link)
	}
	form.Set("access_token", c[KeyAccessToken])
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.feedURL(c), strings.NewReader(form.Encode()))
	if err != nil {
		return Receipt{}, internalError(Facebook, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := a.c.do(req, c)
	if err != nil {
		return Receipt{}, err
	}
	if !resp.ok() {
		return Receipt{}, facebookError(resp, c)
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := a.c.decodeJSON(resp, &created); err != nil {
		return Receipt{}, err
	}
	if created.ID == "" {
		return Receipt{}, &Error{Platform: Facebook, Status: resp.status, Message: "response carried no post id", Retryable: true}
	}
	return Receipt{ExternalID: created.ID, URL: FacebookPostURL(created.ID), At: a.c.acceptedAt(resp)}, nil
}

// Find reads the page feed since `since` and looks for a post whose message is m.Text.
func (a *FacebookAdapter) Find(ctx context.Context, c Credentials, m Message, since time.Time) (Receipt, bool, error) {
	if err := validated(Facebook, a.Validate, c); err != nil {
		return Receipt{}, false, err
	}
	q := url.Values{}
	if since.Unix() > 0 {
		q.Set("since", strconv.FormatInt(since.Unix(), 10))
	}
	q.Set("fields", "id,message,created_time")
	q.Set("access_token", c[KeyAccessToken])
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.feedURL(c)+"?"+q.Encode(), nil)
	if err != nil {
		return Receipt{}, false, internalError(Facebook, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.c.do(req, c)
	if err != nil {
		return Receipt{}, false, err
	}
	if !resp.ok() {
		return Receipt{}, false, facebookError(resp, c)
	}
	var feed struct {
		Data []struct {
			ID          string `json:"id"`
			Message     string `json:"message"`
			CreatedTime string `json:"created_time"`
		} `json:"data"`
	}
	if err := a.c.decodeJSON(resp, &feed); err != nil {
		return Receipt{}, false, err
	}
	for _, p := range feed.Data {
		if p.Message != m.Text || p.ID == "" {
			continue
		}
		at, ok := parseGraphTime(p.CreatedTime)
		if ok && at.Before(since.Truncate(time.Second)) {
			continue
		}
		return Receipt{ExternalID: p.ID, URL: FacebookPostURL(p.ID), At: at}, true, nil
	}
	return Receipt{}, false, nil
}

// parseGraphTime parses Graph's timestamps ("2006-01-02T15:04:05+0000", or RFC 3339).
func parseGraphTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// facebookTransient are Graph error codes documented as temporary (unknown/service errors and
// the application, user, page and custom-level rate limits).
var facebookTransient = map[int]bool{1: true, 2: true, 4: true, 17: true, 32: true, 341: true, 613: true}

// facebookDuplicate is Graph's "Duplicate Post" error code.
const facebookDuplicate = 506

// facebookError reads Graph's {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}.
func facebookError(resp *response, c Credentials) error {
	var body struct {
		Error struct {
			Message      string `json:"message"`
			Type         string `json:"type"`
			Code         int    `json:"code"`
			ErrorSubcode int    `json:"error_subcode"`
			IsTransient  bool   `json:"is_transient"`
			UserMsg      string `json:"error_user_msg"`
		} `json:"error"`
	}
	msg := strings.TrimSpace(string(resp.body))
	code := ""
	transient := false
	if err := json.Unmarshal(resp.body, &body); err == nil && (body.Error.Message != "" || body.Error.Code != 0) {
		if body.Error.Message != "" {
			msg = body.Error.Message
		}
		if body.Error.Code != 0 {
			code = strconv.Itoa(body.Error.Code)
			if body.Error.ErrorSubcode != 0 {
				code += "/" + strconv.Itoa(body.Error.ErrorSubcode)
			}
		}
		transient = body.Error.IsTransient || facebookTransient[body.Error.Code]
	}
	pe := statusError(Facebook, resp.status, code, msg, c)
	pe.Retryable = pe.Retryable || transient
	if body.Error.Code == facebookDuplicate {
		pe.Code = CodeDuplicate
		pe.Retryable = false
	}
	return pe
}
