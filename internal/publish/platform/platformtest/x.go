package platformtest

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
)

// X is a fake of the X API v2: POST /2/tweets and GET /2/users/:id/tweets.
//
// It requires "Authorization: Bearer <AccessToken>" (OAuth 2.0 user context) and, for
// creation, a JSON body whose only required member is a non-empty string "text" (or "media");
// members outside the documented request schema are refused. Like X it answers 201
// {"data": {"id", "text", "edit_history_tweet_ids"}} with links rewritten to t.co and &, <, >
// HTML-escaped, refuses the same text twice with 403 "You are not allowed to create a Tweet with
// duplicate content.", and reports problems as {"title", "detail", "type", "status"} or
// {"errors": [...], "title", "detail", "type"}. The timeline checks its query parameters
// (start_time RFC 3339, max_results 5..100, tweet.fields) and answers an unknown user id with a
// 200 carrying only "errors", as X does.
type X struct {
	*Faults
	*recorder
	*postStore

	URL         string // base URL: pass as platform.Options.XBaseURL
	AccessToken string
	UserID      string
}

// NewX starts a fake X API.
func NewX(tb testing.TB) *X {
	s := &X{
		Faults:      newFaults(),
		postStore:   &postStore{},
		AccessToken: randomToken("x-"),
		UserID:      "2244994945",
	}
	s.recorder = newRecorder(tb, s.Faults, s.handle)
	s.URL = s.srv.URL
	return s
}

// Credentials are valid channel credentials for the fake account.
func (s *X) Credentials() platform.Credentials {
	return platform.Credentials{platform.KeyAccessToken: s.AccessToken, platform.KeyUserID: s.UserID}
}

// AddPost adds a post as if published earlier (ID, Author and CreatedAt default to a new id,
// UserID and now). Text is the text as it was sent.
func (s *X) AddPost(p Post) Post {
	if p.Author == "" {
		p.Author = s.UserID
	}
	p, _ = s.insert(p, xID, nil)
	return p
}

func xID(seq int64) string { return strconv.FormatInt(1900000000000000000+seq, 10) }

func xProblem(status int, title, detail, typ string) result {
	return jsonResult(status, map[string]any{"title": title, "detail": detail, "type": typ, "status": status})
}

func xInvalid(messages ...string) result {
	errs := make([]map[string]any, len(messages))
	for i, m := range messages {
		errs[i] = map[string]any{"message": m}
	}
	return jsonResult(http.StatusBadRequest, map[string]any{
		"errors": errs,
		"title":  "Invalid Request",
		"detail": "One or more parameters to your request was invalid.",
		"type":   "https://api.twitter.com/2/problems/invalid-request",
	})
}

var xTimelinePath = regexp.MustCompile(`^/2/users/([^/]+)/tweets$`)

func (s *X) handle(r *http.Request, body []byte) result {
	if bearer(r) != s.AccessToken {
		return xProblem(http.StatusUnauthorized, "Unauthorized", "Unauthorized", "about:blank")
	}
	switch {
	case r.URL.Path == "/2/tweets" && r.Method == http.MethodPost:
		return s.create(r, body)
	case xTimelinePath.MatchString(r.URL.Path) && r.Method == http.MethodGet:
		return s.timeline(r, xTimelinePath.FindStringSubmatch(r.URL.Path)[1])
	}
	return xProblem(http.StatusNotFound, "Not Found Error", "Sorry, that page does not exist.", "about:blank")
}

// xCreateFields are the members of the documented POST /2/tweets request body.
var xCreateFields = map[string]bool{
	"card_uri": true, "community_id": true, "direct_message_deep_link": true, "edit_options": true,
	"for_super_followers_only": true, "geo": true, "media": true, "nullcast": true, "poll": true,
	"quote_tweet_id": true, "reply": true, "reply_settings": true, "share_with_followers": true, "text": true,
}

func (s *X) create(r *http.Request, body []byte) result {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return xInvalid(fmt.Sprintf("Content-Type %q is not supported; use application/json", ct))
	}
	m, ok := decodeObject(body)
	if !ok {
		return xInvalid("Request body is not valid JSON.")
	}
	var problems []string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !xCreateFields[k] {
			problems = append(problems, fmt.Sprintf("$.%s: is not defined in the schema and the schema does not allow additional properties", k))
		}
	}
	text, isStr := m["text"].(string)
	if raw, ok := m["text"]; ok && !isStr {
		problems = append(problems, fmt.Sprintf("$.text: %s found, string expected", jsonType(raw)))
	}
	if _, hasMedia := m["media"]; text == "" && !hasMedia && len(problems) == 0 {
		problems = append(problems, "$: text or media is required")
	}
	if len(problems) > 0 {
		return xInvalid(problems...)
	}
	p, created := s.insert(Post{Author: s.UserID, Text: text}, xID, func(e Post) bool {
		return e.Author == s.UserID && e.Text == text
	})
	if !created {
		return xProblem(http.StatusForbidden, "Forbidden", "You are not allowed to create a Tweet with duplicate content.", "about:blank")
	}
	res := jsonResult(http.StatusCreated, map[string]any{"data": map[string]any{
		"id": p.ID, "text": XDisplayText(p.Text), "edit_history_tweet_ids": []string{p.ID},
	}})
	res.accepted = true
	return res
}

var xTimelineParams = map[string]bool{
	"start_time": true, "end_time": true, "max_results": true, "tweet.fields": true, "pagination_token": true,
	"since_id": true, "until_id": true, "exclude": true, "expansions": true, "media.fields": true,
	"place.fields": true, "poll.fields": true, "user.fields": true,
}

var xTweetFields = map[string]bool{
	"attachments": true, "author_id": true, "context_annotations": true, "conversation_id": true,
	"created_at": true, "edit_controls": true, "edit_history_tweet_ids": true, "entities": true, "geo": true,
	"id": true, "in_reply_to_user_id": true, "lang": true, "note_tweet": true, "public_metrics": true,
	"possibly_sensitive": true, "referenced_tweets": true, "reply_settings": true, "source": true,
	"text": true, "withheld": true,
}

func (s *X) timeline(r *http.Request, userID string) result {
	q := r.URL.Query()
	for k := range q {
		if !xTimelineParams[k] {
			return xInvalid(fmt.Sprintf("The query parameter [%s] is not one of the parameters this endpoint accepts", k))
		}
	}
	if _, err := strconv.ParseUint(userID, 10, 64); err != nil {
		return xInvalid(fmt.Sprintf("The `id` query parameter value [%s] is not valid", userID))
	}
	var start time.Time
	if v := q.Get("start_time"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return xInvalid(fmt.Sprintf("Invalid 'start_time':'%s'. 'start_time' must be a valid RFC 3339 date-time.", v))
		}
		start = t
	}
	max := 10
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 100 {
			return xInvalid(fmt.Sprintf("The `max_results` query parameter value [%s] is not between 5 and 100", v))
		}
		max = n
	}
	withCreatedAt := false
	if v := q.Get("tweet.fields"); v != "" {
		for _, f := range strings.Split(v, ",") {
			if !xTweetFields[f] {
				return xInvalid(fmt.Sprintf("The `tweet.fields` query parameter value [%s] is not one of the allowed values", f))
			}
			withCreatedAt = withCreatedAt || f == "created_at"
		}
	}
	if userID != s.UserID {
		return jsonResult(http.StatusOK, map[string]any{"errors": []map[string]any{{
			"value": userID, "detail": fmt.Sprintf("Could not find user with id: [%s].", userID),
			"title": "Not Found Error", "resource_type": "user", "parameter": "id", "resource_id": userID,
			"type": "https://api.twitter.com/2/problems/resource-not-found",
		}}})
	}
	posts := s.newest(func(p Post) bool { return p.Author == userID && !p.CreatedAt.Before(start) })
	if len(posts) > max {
		posts = posts[:max]
	}
	if len(posts) == 0 {
		return jsonResult(http.StatusOK, map[string]any{"meta": map[string]any{"result_count": 0}})
	}
	data := make([]map[string]any, len(posts))
	for i, p := range posts {
		d := map[string]any{"id": p.ID, "text": XDisplayText(p.Text), "edit_history_tweet_ids": []string{p.ID}}
		if withCreatedAt {
			d["created_at"] = p.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		data[i] = d
	}
	return jsonResult(http.StatusOK, map[string]any{
		"data": data,
		"meta": map[string]any{"result_count": len(data), "newest_id": posts[0].ID, "oldest_id": posts[len(posts)-1].ID},
	})
}

var xURL = regexp.MustCompile(`https?://\S+`)

// XDisplayText is how X returns a post's text: every URL replaced by a t.co link and &, < and >
// HTML-escaped.
func XDisplayText(text string) string {
	n := 0
	text = xURL.ReplaceAllStringFunc(text, func(string) string {
		n++
		return fmt.Sprintf("https://t.co/fake%04d", n)
	})
	return xEscaper.Replace(text)
}

var xEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
