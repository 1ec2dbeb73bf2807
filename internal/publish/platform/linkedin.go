package platform

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// LinkedInAdapter publishes to a LinkedIn organization page (or, with an author_urn credential, a
// member's own feed) through the versioned Posts API.
//
// Credentials: access_token; organization_id (numeric) or author_urn (urn:li:person:<id> or
// urn:li:organization:<id>), author_urn winning when both are set.
//
// The commentary is sent in LinkedIn's "little" text format (see EscapeLittleText); a link becomes
// an article attachment (content.article.source/title). Media are not uploaded.
type LinkedInAdapter struct {
	c       caller
	base    string
	version string
}

// NewLinkedIn returns the LinkedIn adapter.
func NewLinkedIn(opts Options) *LinkedInAdapter {
	opts = opts.withDefaults()
	return &LinkedInAdapter{
		c:       caller{platform: LinkedIn, client: opts.HTTPClient, now: opts.Now, tracer: opts.tracer()},
		base:    opts.LinkedInBaseURL,
		version: opts.LinkedInVersion,
	}
}

// Platform returns "linkedin".
func (a *LinkedInAdapter) Platform() string { return LinkedIn }

// Validate checks the access token and author settings.
func (a *LinkedInAdapter) Validate(c Credentials) error {
	var p problems
	p.require(c, KeyAccessToken)
	if urn := strings.TrimSpace(c[KeyAuthorURN]); urn != "" {
		if !validLinkedInAuthor(urn) {
			p.add(KeyAuthorURN, "must be urn:li:person:<id> or urn:li:organization:<numeric id>")
		}
	} else if strings.TrimSpace(c[KeyOrganizationID]) == "" {
		p.add(KeyOrganizationID, "is required (or set %s)", KeyAuthorURN)
	} else if !isDigits(c[KeyOrganizationID]) {
		p.add(KeyOrganizationID, "must be a numeric id")
	}
	return p.err()
}

func validLinkedInAuthor(urn string) bool {
	if id, ok := strings.CutPrefix(urn, "urn:li:organization:"); ok {
		return isDigits(id)
	}
	if id, ok := strings.CutPrefix(urn, "urn:li:person:"); ok {
		if id == "" {
			return false
		}
		for _, r := range id {
			if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
		return true
	}
	return false
}

// LinkedInAuthor is the author URN the adapter posts as for c.
func LinkedInAuthor(c Credentials) string {
	if urn := strings.TrimSpace(c[KeyAuthorURN]); urn != "" {
		return urn
	}
	return "urn:li:organization:" + strings.TrimSpace(c[KeyOrganizationID])
}

// LinkedInPostURL is the public URL of the post with the given URN.
func LinkedInPostURL(urn string) string {
	return "https://www.linkedin.com/feed/update/" + urn + "/"
}

type linkedInPost struct {
	Author                    string               `json:"author"`
	Commentary                string               `json:"commentary"`
	Visibility                string               `json:"visibility"`
	Distribution              linkedInDistribution `json:"distribution"`
	Content                   *linkedInContent     `json:"content,omitempty"`
	LifecycleState            string               `json:"lifecycleState"`
	IsReshareDisabledByAuthor bool                 `json:"isReshareDisabledByAuthor"`
}

type linkedInDistribution struct {
	FeedDistribution               string   `json:"feedDistribution"`
	TargetEntities                 []string `json:"targetEntities"`
	ThirdPartyDistributionChannels []string `json:"thirdPartyDistributionChannels"`
}

type linkedInContent struct {
	Article *linkedInArticle `json:"article,omitempty"`
}

type linkedInArticle struct {
	Source string `json:"source"`
	Title  string `json:"title"`
}

func (a *LinkedInAdapter) newRequest(ctx context.Context, method, u string, body any, c Credentials) (*http.Request, error) {
	var req *http.Request
	var err error
	if body != nil {
		req, err = newJSONRequest(ctx, method, u, body)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, u, nil)
		if err == nil {
			req.Header.Set("Accept", "application/json")
		}
	}
	if err != nil {
		return nil, internalError(LinkedIn, err)
	}
	req.Header.Set("Authorization", "Bearer "+c[KeyAccessToken])
	req.Header.Set("LinkedIn-Version", a.version)
	req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	return req, nil
}

// Publish creates the post. LinkedIn answers 201 with the new post's URN in x-restli-id.
func (a *LinkedInAdapter) Publish(ctx context.Context, c Credentials, m Message) (Receipt, error) {
	if err := validated(LinkedIn, a.Validate, c); err != nil {
		return Receipt{}, err
	}
	post := linkedInPost{
		Author:     LinkedInAuthor(c),
		Commentary: EscapeLittleText(m.Text),
		Visibility: "PUBLIC",
		Distribution: linkedInDistribution{
			FeedDistribution:               "MAIN_FEED",
			TargetEntities:                 []string{},
			ThirdPartyDistributionChannels: []string{},
		},
		LifecycleState: "PUBLISHED",
	}
	if m.Link != "" {
		title := m.Title
		if title == "" {
			title = m.Link
		}
		post.Content = &linkedInContent{Article: &linkedInArticle{Source: m.Link, Title: title}}
	}
	req, err := a.newRequest(ctx, http.MethodPost, joinURL(a.base, "/rest/posts"), post, c)
	if err != nil {
		return Receipt{}, err
	}
	resp, err := a.c.do(req, c)
	if err != nil {
		return Receipt{}, err
	}
	if !resp.ok() {
		return Receipt{}, linkedInError(resp, c)
	}
	urn := resp.header.Get("X-Restli-Id")
	if urn == "" {
		// Created, but we cannot tell which post it is: let the worker retry, which LinkedIn
		// refuses as a duplicate, and then Find it.
		return Receipt{}, &Error{Platform: LinkedIn, Status: resp.status, Message: "response carried no x-restli-id", Retryable: true}
	}
	return Receipt{ExternalID: urn, URL: LinkedInPostURL(urn), At: a.c.acceptedAt(resp)}, nil
}

type linkedInFindResponse struct {
	Elements []struct {
		ID          string `json:"id"`
		Author      string `json:"author"`
		Commentary  string `json:"commentary"`
		CreatedAt   int64  `json:"createdAt"`
		PublishedAt int64  `json:"publishedAt"`
		Content     *struct {
			Article *struct {
				Source string `json:"source"`
			} `json:"article"`
		} `json:"content"`
	} `json:"elements"`
}

// Find lists the author's 20 most recently modified posts and looks for one whose commentary is
// exactly the escaped text of m (and whose article is m.Link, when both have one), created at or
// after since.
func (a *LinkedInAdapter) Find(ctx context.Context, c Credentials, m Message, since time.Time) (Receipt, bool, error) {
	if err := validated(LinkedIn, a.Validate, c); err != nil {
		return Receipt{}, false, err
	}
	q := url.Values{}
	q.Set("author", LinkedInAuthor(c))
	q.Set("q", "author")
	q.Set("count", "20")
	q.Set("sortBy", "LAST_MODIFIED")
	req, err := a.newRequest(ctx, http.MethodGet, joinURL(a.base, "/rest/posts")+"?"+q.Encode(), nil, c)
	if err != nil {
		return Receipt{}, false, err
	}
	req.Header.Set("X-RestLi-Method", "FINDER")
	resp, err := a.c.do(req, c)
	if err != nil {
		return Receipt{}, false, err
	}
	if !resp.ok() {
		return Receipt{}, false, linkedInError(resp, c)
	}
	var found linkedInFindResponse
	if err := a.c.decodeJSON(resp, &found); err != nil {
		return Receipt{}, false, err
	}
	want := EscapeLittleText(m.Text)
	sinceMs := since.UnixMilli()
	for _, e := range found.Elements {
		if e.Commentary != want || e.CreatedAt < sinceMs || e.ID == "" {
			continue
		}
		if m.Link != "" && e.Content != nil && e.Content.Article != nil && e.Content.Article.Source != m.Link {
			continue
		}
		at := e.PublishedAt
		if at == 0 {
			at = e.CreatedAt
		}
		return Receipt{ExternalID: e.ID, URL: LinkedInPostURL(e.ID), At: time.UnixMilli(at).UTC()}, true, nil
	}
	return Receipt{}, false, nil
}

// linkedInError reads LinkedIn's error body: {"message", "serviceErrorCode", "status", "code"}.
func linkedInError(resp *response, c Credentials) error {
	var body struct {
		Message          string          `json:"message"`
		ServiceErrorCode json.RawMessage `json:"serviceErrorCode"`
		Code             string          `json:"code"`
	}
	msg := strings.TrimSpace(string(resp.body))
	code := ""
	if err := json.Unmarshal(resp.body, &body); err == nil {
		if body.Message != "" {
			msg = body.Message
		}
		code = body.Code
		if code == "" && len(body.ServiceErrorCode) > 0 {
			code = strings.Trim(string(body.ServiceErrorCode), `"`)
		}
	}
	pe := statusError(LinkedIn, resp.status, code, msg, c)
	if resp.status == http.StatusUnprocessableEntity && strings.Contains(strings.ToLower(msg), "duplicate") {
		pe.Code = CodeDuplicate
	}
	return pe
}
