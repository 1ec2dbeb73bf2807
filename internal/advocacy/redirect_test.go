package advocacy_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"clearpost/internal/advocacy"
	"clearpost/internal/content"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

func get(t *testing.T, ls *linkServer, path, ua string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ls.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", ua)
	resp, err := ls.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestRedirect(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := sharedContent(false)
	c.Link = "https://example.com/launch?ref=news&utm_source=old&x=a%20b#section"
	post := b.approvedPost(t, c)
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		t.Fatal(err)
	}
	ls := newLinkServer(t, b.pool)

	resp := get(t, ls, "/s/"+sh.Code, browserUA)
	want := "https://example.com/launch?ref=news&x=a%20b&utm_source=linkedin&utm_medium=employee_advocacy" +
		"&utm_campaign=spring-launch&utm_content=" + sh.ID.String() + "#section"
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatalf("redirect: %d to\n%s\nwant\n%s", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("Cache-Control %q: a cached redirect would not be counted", resp.Header.Get("Cache-Control"))
	}

	// The link keeps working after the post leaves APPROVED: it is already out there.
	mustEdit(t, b.pool, post, content.StateDraft, content.Content{Body: "changed"})
	if resp := get(t, ls, "/s/"+sh.Code, browserUA); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatalf("redirect after unapproval: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	for _, code := range []string{"AAAAAAAAAA", "short", "bad!code!!", strings.Repeat("a", 11)} {
		req, _ := http.NewRequest(http.MethodGet, ls.url+"/s/"+code, nil)
		resp, err := ls.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Location") != "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "Link not found") {
			t.Fatalf("code %q: %d, Location %q, body %q", code, resp.StatusCode, resp.Header.Get("Location"), body)
		}
	}
}

func TestRedirectLocationWithoutCampaign(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := sharedContent(false)
	c.Tags = nil
	c.Link = "https://example.com/p?utm_campaign=brand"
	post := b.approvedPost(t, c)
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ls := newLinkServer(t, b.pool)
	want := "https://example.com/p?utm_campaign=brand&utm_source=x&utm_medium=employee_advocacy&utm_content=" + sh.ID.String()
	if resp := get(t, ls, "/s/"+sh.Code, browserUA); resp.Header.Get("Location") != want {
		t.Fatalf("Location %s\nwant     %s", resp.Header.Get("Location"), want)
	}
}

// runClicks runs the click handler on every waiting share:click task, twice (a task may run
// twice), and deletes the tasks, as a worker would.
func runClicks(t *testing.T, ls *linkServer, h asynq.Handler) []*asynq.TaskInfo {
	t.Helper()
	tasks := ls.clickTasks(t)
	for _, ti := range tasks {
		for range 2 {
			if err := h.ProcessTask(context.Background(), asynq.NewTask(ti.Type, ti.Payload)); err != nil {
				t.Fatalf("click task: %v", err)
			}
		}
		if err := ls.inspector.DeleteTask(ti.Queue, ti.ID); err != nil {
			t.Fatal(err)
		}
	}
	return tasks
}

func TestClicksCounted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := b.approvedPost(t, sharedContent(false))
	sh, err := b.svc.Share(as(b.employee), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		t.Fatal(err)
	}
	ls := newLinkServer(t, b.pool)
	h := advocacy.NewClickHandler(b.pool)
	clicks := func() int64 {
		t.Helper()
		var n int64
		if err := b.pool.QueryRow(context.Background(), `SELECT clicks FROM shares WHERE id = $1`, sh.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	bots := []string{
		"", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
		"Twitterbot/1.0", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"WhatsApp/2.23.20.0 A", "TelegramBot (like TwitterBot)",
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"curl/8.5.0", "Wget/1.21.4", "python-requests/2.31.0", "Go-http-client/1.1",
	}
	for _, ua := range bots {
		if resp := get(t, ls, "/s/"+sh.Code, ua); resp.StatusCode != http.StatusFound {
			t.Fatalf("bot %q not redirected: %d", ua, resp.StatusCode)
		}
	}
	if tasks := ls.clickTasks(t); len(tasks) != 0 {
		t.Fatalf("bots enqueued %d clicks", len(tasks))
	}

	// One visitor, twice within the window: counted once, whether the second click finds the
	// first still queued or already counted.
	get(t, ls, "/s/"+sh.Code, browserUA)
	get(t, ls, "/s/"+sh.Code, browserUA)
	tasks := runClicks(t, ls, h)
	if len(tasks) != 1 || clicks() != 1 {
		t.Fatalf("%d tasks, %d clicks after one visitor's two clicks", len(tasks), clicks())
	}
	get(t, ls, "/s/"+sh.Code, browserUA)
	if tasks := runClicks(t, ls, h); len(tasks) != 1 || clicks() != 1 {
		t.Fatalf("%d tasks, %d clicks after the visitor came back", len(tasks), clicks())
	}
	// HEAD (link checkers) redirects but does not count.
	req, _ := http.NewRequest(http.MethodHead, ls.url+"/s/"+sh.Code, nil)
	req.Header.Set("User-Agent", browserUA+" other")
	if resp, err := ls.client.Do(req); err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("HEAD: %v %v", resp, err)
	}

	// Another browser from the same address is the same visitor (the user agent only tells bots);
	// the same browser from other addresses are other visitors.
	get(t, ls, "/s/"+sh.Code, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29")
	for _, addr := range []string{"192.0.2.10:5000", "192.0.2.11:5000", "[2001:db8::1]:443"} {
		req := httptest.NewRequest(http.MethodGet, "/s/"+sh.Code, nil)
		req.SetPathValue("code", sh.Code)
		req.RemoteAddr = addr
		req.Header.Set("User-Agent", browserUA)
		w := httptest.NewRecorder()
		ls.redirect.ServeHTTP(w, req)
		if w.Code != http.StatusFound {
			t.Fatalf("from %s: %d", addr, w.Code)
		}
	}
	tasks = ls.clickTasks(t)
	for _, ti := range tasks {
		p := string(ti.Payload)
		for _, leak := range []string{"192.0.2", "2001:db8", "127.0.0.1", "Mozilla", "iPhone"} {
			if strings.Contains(p, leak) {
				t.Fatalf("click task payload carries %q: %s", leak, p)
			}
		}
	}
	runClicks(t, ls, h)
	if got := clicks(); got != 4 {
		t.Fatalf("clicks = %d, want 4 (4 addresses)", got)
	}
	if n := b.count(t, `SELECT count(*) FROM share_clicks WHERE share_id = $1`, sh.ID); n != 4 {
		t.Fatalf("%d click rows, want 4", n)
	}
	// The stored rows hold no address and no user agent, in any column.
	rows, err := b.pool.Query(context.Background(), `SELECT row_to_json(c)::text FROM share_clicks c`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var row string
		if err := rows.Scan(&row); err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{"192.0.2", "2001:db8", "127.0.0.1", "Mozilla", "Safari"} {
			if strings.Contains(row, leak) {
				t.Fatalf("click row carries %q: %s", leak, row)
			}
		}
	}
	counts, err := b.svc.Counts(as(b.employee), []uuid.UUID{post})
	if err != nil || counts[post] != (advocacy.Counts{Shares: 1, Clicks: 4}) {
		t.Fatalf("counts %+v, %v", counts[post], err)
	}
}

func TestIsBot(t *testing.T) {
	t.Parallel()
	people := []string{
		browserUA,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36 [FBAN/EMA;FBLC/en_US;FBAV/400.0]",
		"Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
	}
	for _, ua := range people {
		if advocacy.IsBot(ua) {
			t.Errorf("a person taken for a bot: %s", ua)
		}
	}
	bots := []string{
		"", "Slackbot 1.0 (+https://api.slack.com/robots)", "LinkedInBot/1.0", "Twitterbot/1.0",
		"facebookexternalhit/1.1", "WhatsApp/2.23", "TelegramBot (like TwitterBot)", "Discordbot/2.0",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
		"curl/8.5.0", "Wget/1.21", "okhttp/4.12.0", "Microsoft Office/16.0 (Windows NT 10.0; MAPI 16.0)",
	}
	for _, ua := range bots {
		if !advocacy.IsBot(ua) {
			t.Errorf("a bot taken for a person: %q", ua)
		}
	}
}
