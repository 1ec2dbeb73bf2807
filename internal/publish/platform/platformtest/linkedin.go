package platformtest

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"clearpost/internal/publish/platform"
)

// LinkedIn is a fake of LinkedIn's versioned Posts API (POST /rest/posts and the author finder
// GET /rest/posts?q=author).
//
// It requires "Authorization: Bearer <AccessToken>", a "LinkedIn-Version: YYYYMM" header and
// "X-Restli-Protocol-Version: 2.0.0" on every call; for creation a JSON body with author (the
// organization urn:li:organization:<OrganizationID> or PersonURN), commentary, visibility,
// distribution {feedDistribution, targetEntities, thirdPartyDistributionChannels},
// lifecycleState, optionally isReshareDisabledByAuthor and content.article {source, title}.
// Unknown or missing fields and wrong types are refused with 422 and a Rest.li validation
// message; a commentary identical to an existing post's by the same author is refused with 422
// "Content is a duplicate of <urn>". Errors use LinkedIn's {"message", "serviceErrorCode",
// "status"} shape. Created posts get an urn:li:share URN, returned in x-restli-id with 201.
type LinkedIn struct {
	*Faults
	*recorder
	*postStore

	URL            string // base URL: pass as platform.Options.LinkedInBaseURL
	AccessToken    string
	OrganizationID string
	PersonURN      string // a member the token may also post as
}

// NewLinkedIn starts a fake LinkedIn API.
func NewLinkedIn(tb testing.TB) *LinkedIn {
	s := &LinkedIn{
		Faults:         newFaults(),
		postStore:      &postStore{},
		AccessToken:    randomToken("li-"),
		OrganizationID: "5515715",
		PersonURN:      "urn:li:person:8675309ab",
	}
	s.recorder = newRecorder(tb, s.Faults, s.handle)
	s.URL = s.srv.URL
	return s
}

// Credentials are valid channel credentials for the organization page.
func (s *LinkedIn) Credentials() platform.Credentials {
	return platform.Credentials{platform.KeyAccessToken: s.AccessToken, platform.KeyOrganizationID: s.OrganizationID}
}

// PersonCredentials are valid credentials for PersonURN's own feed.
func (s *LinkedIn) PersonCredentials() platform.Credentials {
	return platform.Credentials{platform.KeyAccessToken: s.AccessToken, platform.KeyAuthorURN: s.PersonURN}
}

// OrganizationURN is the page's author URN.
func (s *LinkedIn) OrganizationURN() string { return "urn:li:organization:" + s.OrganizationID }

// AddPost adds a post as if it had been published earlier (ID, Author and CreatedAt default to a
// new URN, the organization and now). Text is the commentary in little format.
func (s *LinkedIn) AddPost(p Post) Post {
	if p.Author == "" {
		p.Author = s.OrganizationURN()
	}
	if p.Rendered == "" {
		p.Rendered = RenderLittleText(p.Text)
	}
	p, _ = s.insert(p, linkedInURN, nil)
	return p
}

func linkedInURN(seq int64) string { return fmt.Sprintf("urn:li:share:%d", 7100000000000000000+seq) }

func linkedInErr(status int, msg string, serviceCode int) result {
	return jsonResult(status, map[string]any{"message": msg, "serviceErrorCode": serviceCode, "status": status})
}

var linkedInVersion = regexp.MustCompile(`^20\d{2}(0[1-9]|1[0-2])$`)

func (s *LinkedIn) handle(r *http.Request, body []byte) result {
	switch tok := bearer(r); {
	case tok == "":
		return linkedInErr(http.StatusUnauthorized, "Empty oauth2_access_token", 401)
	case tok != s.AccessToken:
		return linkedInErr(http.StatusUnauthorized, "Invalid access token", 65600)
	}
	switch v := r.Header.Get("LinkedIn-Version"); {
	case v == "":
		return jsonResult(http.StatusBadRequest, map[string]any{"status": 400, "code": "VERSION_MISSING",
			"message": "A version must be present. Please specify a version by adding the LinkedIn-Version header."})
	case !linkedInVersion.MatchString(v):
		return jsonResult(http.StatusBadRequest, map[string]any{"status": 400, "code": "INVALID_VERSION",
			"message": fmt.Sprintf("Invalid version %q: the LinkedIn-Version header must be YYYYMM.", v)})
	}
	if v := r.Header.Get("X-Restli-Protocol-Version"); v != "2.0.0" {
		return linkedInErr(http.StatusBadRequest, fmt.Sprintf("X-Restli-Protocol-Version must be 2.0.0, got %q", v), 100)
	}
	if r.URL.Path != "/rest/posts" {
		return linkedInErr(http.StatusNotFound, "No virtual resource found", 0)
	}
	switch {
	case r.Method == http.MethodPost && r.URL.RawQuery == "":
		return s.create(r, body)
	case r.Method == http.MethodGet:
		return s.find(r)
	}
	return linkedInErr(http.StatusMethodNotAllowed, "Method not allowed", 0)
}

func (s *LinkedIn) mayPostAs(author string) bool {
	return author == s.OrganizationURN() || author == s.PersonURN
}

// linkedInPostFields are the Posts API's top-level fields (create and read).
var linkedInPostFields = map[string]bool{
	"author": true, "commentary": true, "visibility": true, "distribution": true, "content": true,
	"lifecycleState": true, "isReshareDisabledByAuthor": true, "contentLandingPage": true,
	"contentCallToActionLabel": true, "container": true, "reshareContext": true, "adContext": true,
}

type validation struct{ problems []string }

func (v *validation) add(path, format string, a ...any) {
	v.problems = append(v.problems, "ERROR :: "+path+" :: "+fmt.Sprintf(format, a...))
}

func (v *validation) str(m map[string]any, key, path string, required bool, enum ...string) string {
	raw, ok := m[key]
	if !ok {
		if required {
			v.add(path, "field is required but not found and has no default value")
		}
		return ""
	}
	s, isStr := raw.(string)
	if !isStr {
		v.add(path, "%s is not a string", jsonType(raw))
		return ""
	}
	if len(enum) > 0 && !contains(enum, s) {
		v.add(path, "%q is not one of %s", s, strings.Join(enum, ", "))
	}
	return s
}

func (v *validation) unknown(m map[string]any, allowed map[string]bool, prefix string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !allowed[k] {
			v.add(prefix+"/"+k, "unrecognized field found but not allowed")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *LinkedIn) create(r *http.Request, body []byte) result {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return linkedInErr(http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported Content-Type %q", ct), 0)
	}
	m, ok := decodeObject(body)
	if !ok {
		return linkedInErr(http.StatusBadRequest, "Unable to parse the request body as JSON", 0)
	}
	var v validation
	v.unknown(m, linkedInPostFields, "")
	author := v.str(m, "author", "/author", true)
	if author != "" && !strings.HasPrefix(author, "urn:li:organization:") && !strings.HasPrefix(author, "urn:li:person:") {
		v.add("/author", "%q is not a valid person or organization URN", author)
	}
	commentary := v.str(m, "commentary", "/commentary", true)
	v.str(m, "visibility", "/visibility", true, "PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER")
	lifecycle := v.str(m, "lifecycleState", "/lifecycleState", true, "PUBLISHED", "DRAFT", "PUBLISH_REQUESTED")
	if raw, ok := m["isReshareDisabledByAuthor"]; ok {
		if _, isBool := raw.(bool); !isBool {
			v.add("/isReshareDisabledByAuthor", "%s is not a boolean", jsonType(raw))
		}
	}
	switch d := m["distribution"].(type) {
	case nil:
		v.add("/distribution", "field is required but not found and has no default value")
	case map[string]any:
		v.unknown(d, map[string]bool{"feedDistribution": true, "targetEntities": true, "thirdPartyDistributionChannels": true}, "/distribution")
		v.str(d, "feedDistribution", "/distribution/feedDistribution", true, "MAIN_FEED", "NONE")
		for _, k := range []string{"targetEntities", "thirdPartyDistributionChannels"} {
			if raw, ok := d[k]; ok {
				if _, isArr := raw.([]any); !isArr {
					v.add("/distribution/"+k, "%s is not an array", jsonType(raw))
				}
			}
		}
	default:
		v.add("/distribution", "%s is not an object", jsonType(d))
	}
	var link, title string
	if raw, ok := m["content"]; ok {
		c, isObj := raw.(map[string]any)
		if !isObj {
			v.add("/content", "%s is not an object", jsonType(raw))
		} else {
			v.unknown(c, map[string]bool{"article": true, "media": true, "multiImage": true, "poll": true, "celebration": true}, "/content")
			if len(c) != 1 {
				v.add("/content", "exactly one content type must be set")
			}
			if raw, ok := c["article"]; ok {
				a, isObj := raw.(map[string]any)
				if !isObj {
					v.add("/content/article", "%s is not an object", jsonType(raw))
				} else {
					v.unknown(a, map[string]bool{"source": true, "title": true, "description": true, "thumbnail": true, "thumbnailAltText": true}, "/content/article")
					link = v.str(a, "source", "/content/article/source", true)
					title = v.str(a, "title", "/content/article/title", true)
					if link != "" && !strings.HasPrefix(link, "http://") && !strings.HasPrefix(link, "https://") {
						v.add("/content/article/source", "%q is not a valid URL", link)
					}
				}
			}
		}
	}
	if len(v.problems) > 0 {
		return linkedInErr(http.StatusUnprocessableEntity, strings.Join(v.problems, "\n"), 0)
	}
	if !s.mayPostAs(author) {
		return linkedInErr(http.StatusForbidden, "Not enough permissions to access: partnerApiPostsExternal.CREATE", 100)
	}
	p, created := s.insert(Post{
		Author:   author,
		Text:     commentary,
		Rendered: RenderLittleText(commentary),
		Link:     link,
		Title:    title,
	}, linkedInURN, func(e Post) bool {
		return lifecycle == "PUBLISHED" && e.Author == author && e.Text == commentary && e.Link == link
	})
	if !created {
		return linkedInErr(http.StatusUnprocessableEntity, "Content is a duplicate of "+p.ID, 0)
	}
	return result{status: http.StatusCreated, header: http.Header{"X-Restli-Id": {p.ID}}, accepted: true}
}

var linkedInFinderParams = map[string]bool{"q": true, "author": true, "count": true, "start": true, "sortBy": true, "viewContext": true}

func (s *LinkedIn) find(r *http.Request) result {
	q := r.URL.Query()
	for k := range q {
		if !linkedInFinderParams[k] {
			return linkedInErr(http.StatusBadRequest, fmt.Sprintf("Query parameter %s is not allowed for this request", k), 100)
		}
	}
	if q.Get("q") != "author" {
		return linkedInErr(http.StatusBadRequest, "Missing or unsupported finder: q=author is required", 100)
	}
	author := q.Get("author")
	if !strings.Contains(r.URL.RawQuery, "author=urn%3Ali%3A") {
		return linkedInErr(http.StatusBadRequest, "Invalid value for param author: URNs in query parameters must be URL-encoded", 100)
	}
	count := 10
	if c := q.Get("count"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 || n > 100 {
			return linkedInErr(http.StatusBadRequest, fmt.Sprintf("Invalid value for param count: %q", c), 100)
		}
		count = n
	}
	if sb := q.Get("sortBy"); sb != "" && sb != "LAST_MODIFIED" && sb != "CREATED" {
		return linkedInErr(http.StatusBadRequest, fmt.Sprintf("Invalid value for param sortBy: %q", sb), 100)
	}
	if !s.mayPostAs(author) {
		return linkedInErr(http.StatusForbidden, "Not enough permissions to access: partnerApiPostsExternal.FINDER-author", 100)
	}
	posts := s.newest(func(p Post) bool { return p.Author == author })
	if len(posts) > count {
		posts = posts[:count]
	}
	elements := make([]map[string]any, 0, len(posts))
	for _, p := range posts {
		ms := p.CreatedAt.UnixMilli()
		e := map[string]any{
			"id":             p.ID,
			"author":         p.Author,
			"commentary":     p.Text,
			"visibility":     "PUBLIC",
			"lifecycleState": "PUBLISHED",
			"distribution": map[string]any{
				"feedDistribution": "MAIN_FEED", "targetEntities": []any{}, "thirdPartyDistributionChannels": []any{},
			},
			"isReshareDisabledByAuthor": false,
			"createdAt":                 ms,
			"lastModifiedAt":            ms,
			"publishedAt":               ms,
			"lifecycleStateInfo":        map[string]any{"isEditedByAuthor": false},
		}
		if p.Link != "" {
			e["content"] = map[string]any{"article": map[string]any{"source": p.Link, "title": p.Title}}
		}
		elements = append(elements, e)
	}
	return jsonResult(http.StatusOK, map[string]any{
		"elements": elements,
		"paging":   map[string]any{"start": 0, "count": count, "links": []any{}},
	})
}

// RenderLittleText is how LinkedIn displays a little-format commentary: escaped characters are
// unescaped, and the text is cut at the first unescaped reserved character (LinkedIn parses it as
// markup and, when it forms no valid element, silently drops the rest). Valid mentions and
// hashtags are not modelled: the fake treats them as cut points too.
func RenderLittleText(s string) string {
	const reserved = `\|{}@[]()<>#*_~`
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' {
			if i+1 < len(s) && strings.IndexByte(reserved, s[i+1]) >= 0 {
				b.WriteByte(s[i+1])
				i++
				continue
			}
			return b.String()
		}
		if strings.IndexByte(reserved, c) >= 0 {
			return b.String()
		}
		b.WriteByte(c)
	}
	return b.String()
}
