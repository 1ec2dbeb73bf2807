package platformtest

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
)

// Facebook is a fake of the Graph API's page feed: POST /v<X.Y>/<page_id>/feed and
// GET /v<X.Y>/<page_id>/feed.
//
// It requires a versioned path, the page access token (access_token parameter, or an
// "Authorization: Bearer" header) and, for publishing, form-encoded (or JSON) parameters among
// the documented ones with a message or a link. Errors use Graph's
// {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}} shape: 2500/190 for a
// missing/invalid token, 100 for bad parameters or another page, 506 for a duplicate message.
// Published posts get an id "<page_id>_<n>". The feed read honours fields (id, message,
// created_time, ...; the fields deprecated in v3.3 such as link are refused with #12), since,
// until and limit, and reports created_time as "2006-01-02T15:04:05+0000".
type Facebook struct {
	*Faults
	*recorder
	*postStore

	URL         string // base URL: pass as platform.Options.FacebookBaseURL
	AccessToken string // the page access token
	PageID      string
}

// NewFacebook starts a fake Graph API.
func NewFacebook(tb testing.TB) *Facebook {
	s := &Facebook{
		Faults:      newFaults(),
		postStore:   &postStore{},
		AccessToken: randomToken("EAAB"),
		PageID:      "546349135390552",
	}
	s.recorder = newRecorder(tb, s.Faults, s.handle)
	s.URL = s.srv.URL
	return s
}

// Credentials are valid channel credentials for the fake page.
func (s *Facebook) Credentials() platform.Credentials {
	return platform.Credentials{platform.KeyPageID: s.PageID, platform.KeyAccessToken: s.AccessToken}
}

// AddPost adds a post as if published earlier (ID, Author and CreatedAt default to a new id,
// PageID and now). Text is the message.
func (s *Facebook) AddPost(p Post) Post {
	if p.Author == "" {
		p.Author = s.PageID
	}
	p, _ = s.insert(p, s.newID, nil)
	return p
}

func (s *Facebook) newID(seq int64) string {
	return fmt.Sprintf("%s_%d", s.PageID, 122100000000000000+seq)
}

func graphErr(status int, typ string, code, subcode int, msg string) result {
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	return jsonResult(status, map[string]any{"error": e})
}

var graphFeedPath = regexp.MustCompile(`^/v\d+\.\d+/([^/]+)/feed$`)

// graphPublishParams are the documented parameters of publishing to /page/feed.
var graphPublishParams = map[string]bool{
	"access_token": true, "appsecret_proof": true, "message": true, "link": true, "published": true,
	"scheduled_publish_time": true, "place": true, "tags": true, "targeting": true, "feed_targeting": true,
	"no_story": true, "object_attachment": true, "child_attachments": true, "multi_share_end_card": true,
	"multi_share_optimized": true, "attached_media": true, "call_to_action": true, "formatting": true,
	"backdated_time": true, "backdated_time_granularity": true, "unpublished_content_type": true,
}

var graphReadParams = map[string]bool{
	"access_token": true, "appsecret_proof": true, "fields": true, "since": true, "until": true,
	"limit": true, "after": true, "before": true,
}

// graphPostFields are readable fields of a page post; graphDeprecatedFields were removed in v3.3.
var graphPostFields = map[string]bool{
	"id": true, "message": true, "created_time": true, "updated_time": true, "permalink_url": true,
	"from": true, "story": true, "is_published": true, "status_type": true, "full_picture": true,
	"attachments": true, "message_tags": true, "privacy": true, "shares": true,
}
var graphDeprecatedFields = map[string]bool{
	"caption": true, "description": true, "link": true, "name": true, "object_id": true, "source": true, "type": true,
}

func (s *Facebook) handle(r *http.Request, body []byte) result {
	match := graphFeedPath.FindStringSubmatch(r.URL.Path)
	if match == nil {
		return graphErr(http.StatusBadRequest, "OAuthException", 2500, 0, "Unknown path components: "+r.URL.Path)
	}
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		form, res, ok := graphForm(r, body)
		if !ok {
			return res
		}
		for k, v := range form {
			params[k] = v
		}
	}
	token := params.Get("access_token")
	if token == "" {
		token = bearer(r)
	}
	switch {
	case token == "":
		return graphErr(http.StatusBadRequest, "OAuthException", 2500, 0, "An active access token must be used to query information about the current user.")
	case token != s.AccessToken:
		return graphErr(http.StatusBadRequest, "OAuthException", 190, 0, "Invalid OAuth access token - Cannot parse access token")
	}
	if match[1] != s.PageID {
		return graphErr(http.StatusBadRequest, "GraphMethodException", 100, 33, fmt.Sprintf(
			"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
			strings.ToLower(r.Method), match[1]))
	}
	switch r.Method {
	case http.MethodPost:
		return s.publish(params)
	case http.MethodGet:
		return s.read(params)
	}
	return graphErr(http.StatusBadRequest, "OAuthException", 100, 0, "Unsupported method "+r.Method)
}

// graphForm parses a POST body: form-encoded (as documented) or JSON (which Graph accepts too).
func graphForm(r *http.Request, body []byte) (url.Values, result, bool) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, graphErr(http.StatusBadRequest, "OAuthException", 100, 0, "(#100) Malformed form body"), false
		}
		return v, result{}, true
	case "application/json":
		m, ok := decodeObject(body)
		if !ok {
			return nil, graphErr(http.StatusBadRequest, "OAuthException", 100, 0, "(#100) Malformed JSON body"), false
		}
		v := url.Values{}
		for k, raw := range m {
			switch x := raw.(type) {
			case string:
				v.Set(k, x)
			default:
				v.Set(k, fmt.Sprint(x))
			}
		}
		return v, result{}, true
	case "":
		if len(body) == 0 {
			return url.Values{}, result{}, true
		}
	}
	return nil, graphErr(http.StatusBadRequest, "OAuthException", 100, 0, fmt.Sprintf("(#100) Unsupported Content-Type %q", ct)), false
}

func (s *Facebook) publish(params url.Values) result {
	for k := range params {
		if !graphPublishParams[k] {
			return graphErr(http.StatusBadRequest, "OAuthException", 100, 0, fmt.Sprintf("(#100) Param %s is not a valid parameter for this request", k))
		}
	}
	message, link := params.Get("message"), params.Get("link")
	if message == "" && link == "" {
		return graphErr(http.StatusBadRequest, "OAuthException", 100, 0, "(#100) Missing message or attachment")
	}
	if link != "" {
		if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return graphErr(http.StatusBadRequest, "OAuthException", 100, 0, "(#100) link URL is not properly formatted")
		}
	}
	p, created := s.insert(Post{Author: s.PageID, Text: message, Link: link}, s.newID, func(e Post) bool {
		return e.Author == s.PageID && e.Text == message && e.Link == link
	})
	if !created {
		return graphErr(http.StatusBadRequest, "OAuthException", 506, 0, "(#506) Duplicate status message")
	}
	res := jsonResult(http.StatusOK, map[string]any{"id": p.ID})
	res.accepted = true
	return res
}

func (s *Facebook) read(params url.Values) result {
	for k := range params {
		if !graphReadParams[k] {
			return graphErr(http.StatusBadRequest, "OAuthException", 100, 0, fmt.Sprintf("(#100) Param %s is not a valid parameter for this request", k))
		}
	}
	fields := []string{"id", "message", "created_time"}
	if f := params.Get("fields"); f != "" {
		fields = strings.Split(f, ",")
		for _, name := range fields {
			switch {
			case graphDeprecatedFields[name]:
				return graphErr(http.StatusBadRequest, "OAuthException", 12, 0, fmt.Sprintf("(#12) %s field is deprecated for versions v3.3 and higher", name))
			case !graphPostFields[name]:
				return graphErr(http.StatusBadRequest, "OAuthException", 100, 0, fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (PagePost)", name))
			}
		}
	}
	var since, until time.Time
	for name, dst := range map[string]*time.Time{"since": &since, "until": &until} {
		if v := params.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return graphErr(http.StatusBadRequest, "OAuthException", 100, 0, fmt.Sprintf("(#100) The parameter %s must be a UNIX timestamp", name))
			}
			*dst = time.Unix(n, 0)
		}
	}
	limit := 25
	if v := params.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return graphErr(http.StatusBadRequest, "OAuthException", 100, 0, "(#100) limit must be between 1 and 100")
		}
		limit = n
	}
	posts := s.newest(func(p Post) bool {
		return p.Author == s.PageID && !p.CreatedAt.Before(since) && (until.IsZero() || !p.CreatedAt.After(until))
	})
	if len(posts) > limit {
		posts = posts[:limit]
	}
	data := make([]map[string]any, 0, len(posts))
	for _, p := range posts {
		d := map[string]any{}
		for _, f := range fields {
			switch f {
			case "id":
				d["id"] = p.ID
			case "message":
				if p.Text != "" {
					d["message"] = p.Text
				}
			case "created_time", "updated_time":
				d[f] = p.CreatedAt.UTC().Format("2006-01-02T15:04:05-0700")
			case "permalink_url":
				d[f] = platform.FacebookPostURL(p.ID)
			case "is_published":
				d[f] = true
			}
		}
		data = append(data, d)
	}
	out := map[string]any{"data": data}
	if len(data) > 0 {
		out["paging"] = map[string]any{"cursors": map[string]any{"before": "QVFIUbefore", "after": "QVFIUafter"}}
	}
	return jsonResult(http.StatusOK, out)
}
