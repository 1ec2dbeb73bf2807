package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/config"
	"clearpost/internal/jobs"
	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"

	"github.com/hibiken/asynq"
)

// fakes are the platforms a publishing test talks to, each a local server that checks requests the
// way the platform's documentation specifies.
type fakes struct {
	linkedin *platformtest.LinkedIn
	x        *platformtest.X
	facebook *platformtest.Facebook
	slack    *platformtest.Slack
	webhook  *platformtest.WebhookReceiver
}

func newFakes(t *testing.T) *fakes {
	return &fakes{
		linkedin: platformtest.NewLinkedIn(t), x: platformtest.NewX(t), facebook: platformtest.NewFacebook(t),
		slack: platformtest.NewSlack(t), webhook: platformtest.NewWebhookReceiver(t),
	}
}

func (f *fakes) configure(c *config.Config) {
	c.LinkedInAPIURL, c.XAPIURL, c.FacebookAPIURL = f.linkedin.URL, f.x.URL, f.facebook.URL
}

// setupPublishing starts the service with its queue, pointed at fake platforms.
func setupPublishing(t *testing.T, configure ...func(*config.Config)) (*pipeline, *fakes) {
	t.Helper()
	f := newFakes(t)
	env := apptest.StartWithQueue(t, append([]func(*config.Config){f.configure}, configure...)...)
	org := env.Org(t, "example")
	p := &pipeline{Env: env, org: org, tok: map[string]string{}}
	for _, who := range []string{"admin", "marketer", "legal", "compliance", "brand", "employee", "sam"} {
		p.tok[who] = org.Token(t, who+"@example.com")
	}
	return p, f
}

const createChannel = `mutation($in: ChannelInput!) { createChannel(input: $in) { id platform name enabled credentialKeys } }`

// channel creates a channel as the admin and returns its id.
func (p *pipeline) channel(t *testing.T, platformName, name string, creds platform.Credentials) string {
	t.Helper()
	var list []map[string]string
	for k, v := range creds {
		list = append(list, map[string]string{"key": k, "value": v})
	}
	var out struct{ CreateChannel struct{ ID string } }
	p.Must(t, p.tok["admin"], createChannel, map[string]any{"in": map[string]any{
		"platform": strings.ToUpper(platformName), "name": name, "credentials": list}}, &out)
	return out.CreateChannel.ID
}

func (f *fakes) channels(t *testing.T, p *pipeline) map[string]string {
	return map[string]string{
		"linkedin": p.channel(t, "linkedin", "Company page", f.linkedin.Credentials()),
		"x":        p.channel(t, "x", "Brand account", f.x.Credentials()),
		"facebook": p.channel(t, "facebook", "Facebook page", f.facebook.Credentials()),
		"slack":    p.channel(t, "slack", "#announcements", f.slack.Credentials()),
		"webhook":  p.channel(t, "webhook", "Automation", f.webhook.Credentials()),
	}
}

type publishJob struct {
	ID           string
	Status       string
	Attempts     int
	LastError    string
	ExternalID   string
	ExternalURL  string
	PublishedAt  *time.Time
	CancelReason string
	ContentHash  string
	Channel      struct{ ID, Platform string }
}

const jobsQuery = `query($id: ID!) { post(id: $id) { state publishJobs { id status attempts lastError externalId externalUrl publishedAt cancelReason contentHash channel { id platform } } } }`

func (p *pipeline) jobs(t *testing.T, postID string) []publishJob {
	t.Helper()
	var out struct {
		Post struct{ PublishJobs []publishJob }
	}
	p.Must(t, p.tok["marketer"], jobsQuery, map[string]any{"id": postID}, &out)
	return out.Post.PublishJobs
}

// waitJobs polls the post's jobs until done says they are where the test wants them.
func (p *pipeline) waitJobs(t *testing.T, postID string, timeout time.Duration, what string, done func([]publishJob) bool) []publishJob {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		jobs := p.jobs(t, postID)
		if done(jobs) {
			return jobs
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; jobs: %+v", timeout, what, jobs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func allStatus(n int, status string) func([]publishJob) bool {
	return func(jobs []publishJob) bool {
		if len(jobs) != n {
			return false
		}
		for _, j := range jobs {
			if j.Status != status {
				return false
			}
		}
		return true
	}
}

const schedulePost = `mutation($in: SchedulePostInput!) { schedulePost(input: $in) { publishAt timeZone manualRelease channels { id } } }`

// A post scheduled while it is drafted publishes once, at its time, to every channel, each with a
// receipt; the platforms see exactly one post each.
func TestScheduledPostPublishesOnceToEveryChannel(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t)
	channels := f.channels(t, p)
	ids := make([]string, 0, len(channels))
	for _, id := range channels {
		ids = append(ids, id)
	}

	pp := p.create(t, "Our spring release is out (see the notes) #launch")
	at := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	var plan struct {
		SchedulePost struct {
			PublishAt     time.Time
			TimeZone      string
			ManualRelease bool
			Channels      []struct{ ID string }
		}
	}
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
		"postId": pp.ID, "channelIds": ids, "at": at.In(berlin).Format("2006-01-02T15:04:05"), "timeZone": "Europe/Berlin"}}, &plan)
	if !plan.SchedulePost.PublishAt.Equal(at) || plan.SchedulePost.TimeZone != "Europe/Berlin" || len(plan.SchedulePost.Channels) != 5 {
		t.Fatalf("plan = %+v, want %s in Europe/Berlin to 5 channels", plan.SchedulePost, at)
	}
	if jobs := p.jobs(t, pp.ID); len(jobs) != 0 {
		t.Fatalf("a post in DRAFT has jobs: %+v", jobs)
	}

	p.approvePost(t, pp)
	jobs := p.waitJobs(t, pp.ID, 20*time.Second, "every channel to publish", allStatus(5, "PUBLISHED"))
	for _, j := range jobs {
		if j.PublishedAt == nil || j.PublishedAt.Before(at.Add(-time.Second)) {
			t.Errorf("%s published at %v, before its time %s", j.Channel.Platform, j.PublishedAt, at)
		}
		if j.Attempts != 1 || j.ContentHash == "" {
			t.Errorf("%s: %d attempts, hash %q", j.Channel.Platform, j.Attempts, j.ContentHash)
		}
		if (j.Channel.Platform == "LINKEDIN" || j.Channel.Platform == "X" || j.Channel.Platform == "FACEBOOK") && (j.ExternalURL == "" || j.ExternalID == "") {
			t.Errorf("%s has no receipt URL: %+v", j.Channel.Platform, j)
		}
	}
	if got := f.linkedin.Posts(); len(got) != 1 || !strings.Contains(got[0].Rendered, "(see the notes)") {
		t.Errorf("LinkedIn posts = %+v, want the post once with its parentheses intact", got)
	}
	if got := f.x.Posts(); len(got) != 1 {
		t.Errorf("X posts = %+v, want 1", got)
	}
	if got := f.facebook.Posts(); len(got) != 1 {
		t.Errorf("Facebook posts = %+v, want 1", got)
	}
	if got := f.slack.Messages(); len(got) != 1 {
		t.Errorf("Slack messages = %d, want 1", len(got))
	}
	if got := f.webhook.Deliveries(); len(got) != 1 || f.webhook.Duplicates() != 0 {
		t.Errorf("webhook deliveries = %d (duplicates %d), want 1", len(got), f.webhook.Duplicates())
	}
	if n := p.auditCount(t, "post.published"); n != 5 {
		t.Errorf("%d post.published audit events, want 5", n)
	}
}

func (p *pipeline) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// approvePost takes a post through review.
func (p *pipeline) approvePost(t *testing.T, pp post) {
	t.Helper()
	p.submit(t, pp.ID)
	for range 5 {
		for _, who := range []string{"legal", "compliance", "brand"} {
			if r := p.decide(t, approve, who, pp, ""); r.Code() != "" && r.Code() != "FORBIDDEN" {
				t.Fatalf("approve as %s: %s %v", who, r.Code(), r.Errors)
			}
			if p.get(t, "marketer", pp.ID).State == "APPROVED" {
				return
			}
		}
	}
	t.Fatalf("post %s did not reach APPROVED", pp.ID)
}

// A channel that keeps failing is retried with backoff, then fails visibly with the platform's
// error; once the platform is fixed, retryPublish publishes it, once.
func TestChannelFailureRetriesThenFailsVisiblyAndRetryPublishSucceeds(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t)
	ch := p.channel(t, "linkedin", "Company page", f.linkedin.Credentials())
	f.linkedin.FailNext(1000, 503, `{"message":"Service temporarily unavailable","status":503}`)

	pp := p.create(t, "Quarterly results are in")
	p.approvePost(t, pp)
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
		"postId": pp.ID, "channelIds": []string{ch}, "at": time.Now().UTC().Format(time.RFC3339)}}, nil)
	jobs := p.waitJobs(t, pp.ID, 30*time.Second, "the job to fail", allStatus(1, "FAILED"))
	if j := jobs[0]; j.Attempts != 6 || !strings.Contains(j.LastError, "Service temporarily unavailable") {
		t.Fatalf("failed job = %+v, want 6 attempts and LinkedIn's error", j)
	}
	if got := f.linkedin.Posts(); len(got) != 0 {
		t.Fatalf("LinkedIn holds %d posts after failures", len(got))
	}
	if n := p.auditCount(t, "post.publish_failed"); n != 1 {
		t.Errorf("%d post.publish_failed events, want 1", n)
	}

	// Only editors retry, and only a failed job.
	wantCode(t, p.Do(t, p.tok["employee"], `mutation($j: ID!) { retryPublish(jobId: $j) { id } }`, map[string]any{"j": jobs[0].ID}), "FORBIDDEN")
	f.linkedin.FailNext(0, 0, "")
	var out struct{ RetryPublish publishJob }
	p.Must(t, p.tok["marketer"], `mutation($j: ID!) { retryPublish(jobId: $j) { id status } }`, map[string]any{"j": jobs[0].ID}, &out)
	if out.RetryPublish.Status != "SCHEDULED" {
		t.Errorf("retried job is %s, want SCHEDULED", out.RetryPublish.Status)
	}
	p.waitJobs(t, pp.ID, 10*time.Second, "the retried job to publish", allStatus(1, "PUBLISHED"))
	if got := f.linkedin.Posts(); len(got) != 1 {
		t.Fatalf("LinkedIn holds %d posts, want 1", len(got))
	}
	wantCode(t, p.Do(t, p.tok["marketer"], `mutation($j: ID!) { retryPublish(jobId: $j) { id } }`, map[string]any{"j": jobs[0].ID}), "CONFLICT")
}

// Content edited after it was scheduled never publishes: the edit voids the approval, the jobs are
// canceled, and the task that comes due does nothing.
func TestContentEditedAfterSchedulingNeverPublishes(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t)
	ch := p.channel(t, "x", "Brand account", f.x.Credentials())
	pp := p.create(t, "We are hiring engineers")
	p.approvePost(t, pp)
	at := time.Now().Add(2 * time.Second).UTC()
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
		"postId": pp.ID, "channelIds": []string{ch}, "at": at.Format(time.RFC3339Nano)}}, nil)
	if jobs := p.jobs(t, pp.ID); len(jobs) != 1 || jobs[0].Status != "SCHEDULED" {
		t.Fatalf("jobs = %+v, want one SCHEDULED", jobs)
	}
	p.Must(t, p.tok["marketer"], `mutation($id: ID!) { updatePost(id: $id, content: {body: "We are hiring engineers and designers"}) { id } }`, map[string]any{"id": pp.ID}, nil)
	jobs := p.jobs(t, pp.ID)
	if len(jobs) != 1 || jobs[0].Status != "CANCELED" || !strings.Contains(jobs[0].CancelReason, "left APPROVED") {
		t.Fatalf("jobs after the edit = %+v, want one CANCELED", jobs)
	}
	// Wait until the task has come due and run.
	p.waitTasksDone(t, 15*time.Second)
	if got := f.x.Posts(); len(got) != 0 {
		t.Fatalf("X received %d posts of edited content", len(got))
	}
	if jobs := p.jobs(t, pp.ID); jobs[0].Status != "CANCELED" || jobs[0].Attempts != 0 {
		t.Fatalf("job after its time = %+v", jobs[0])
	}
}

// waitTasksDone waits until the queue holds no pending, running, scheduled or retrying task.
func (p *pipeline) waitTasksDone(t *testing.T, timeout time.Duration) {
	t.Helper()
	opt, err := jobs.ParseRedisURL(p.App.Config.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	in := asynq.NewInspector(opt)
	defer in.Close()
	deadline := time.Now().Add(timeout)
	for {
		busy := 0
		queues, err := in.Queues()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queues {
			info, err := in.GetQueueInfo(q)
			if err != nil {
				t.Fatal(err)
			}
			busy += info.Pending + info.Active + info.Scheduled + info.Retry
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tasks still queued after %s", timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A post approved for a manual release waits in the release queue until a marketer releases it.
func TestManualReleaseQueue(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t)
	ch := p.channel(t, "facebook", "Facebook page", f.facebook.Credentials())
	pp := p.create(t, "Join our webinar")
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
		"postId": pp.ID, "channelIds": []string{ch}, "manualRelease": true}}, nil)
	p.approvePost(t, pp)

	const queue = `{ releaseQueue { edges { node { post { id } channels { id } } } } }`
	var q struct {
		ReleaseQueue struct {
			Edges []struct {
				Node struct {
					Post     struct{ ID string }
					Channels []struct{ ID string }
				}
			}
		}
	}
	p.Must(t, p.tok["marketer"], queue, nil, &q)
	if len(q.ReleaseQueue.Edges) != 1 || q.ReleaseQueue.Edges[0].Node.Post.ID != pp.ID || q.ReleaseQueue.Edges[0].Node.Channels[0].ID != ch {
		t.Fatalf("release queue = %+v, want the post to the Facebook page", q)
	}
	if jobs := p.jobs(t, pp.ID); len(jobs) != 1 || jobs[0].Status != "AWAITING_RELEASE" {
		t.Fatalf("jobs = %+v, want one AWAITING_RELEASE", jobs)
	}
	wantCode(t, p.Do(t, p.tok["employee"], `mutation($p: ID!) { releasePost(postId: $p) { id } }`, map[string]any{"p": pp.ID}), "FORBIDDEN")
	p.Must(t, p.tok["marketer"], `mutation($p: ID!) { releasePost(postId: $p) { id status } }`, map[string]any{"p": pp.ID}, nil)
	p.waitJobs(t, pp.ID, 10*time.Second, "the released post to publish", allStatus(1, "PUBLISHED"))
	if got := f.facebook.Posts(); len(got) != 1 {
		t.Fatalf("Facebook holds %d posts, want 1", len(got))
	}
	p.Must(t, p.tok["marketer"], queue, nil, &q)
	if len(q.ReleaseQueue.Edges) != 0 {
		t.Errorf("release queue still holds %+v", q)
	}
}

// Channel credentials are sealed at rest and never returned; bad channel input names the field
// and creates nothing; only admins manage channels.
func TestChannelCredentialsAreSealedAndValidated(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t)
	token := f.linkedin.AccessToken
	var out struct {
		CreateChannel struct {
			ID             string
			CredentialKeys []string
		}
	}
	p.Must(t, p.tok["admin"], createChannel, map[string]any{"in": map[string]any{"platform": "LINKEDIN", "name": "Company page",
		"credentials": []map[string]string{{"key": "access_token", "value": token}, {"key": "organization_id", "value": "5515715"}}}}, &out)
	if got := strings.Join(out.CreateChannel.CredentialKeys, ","); got != "access_token,organization_id" {
		t.Errorf("credentialKeys = %q", got)
	}
	var leaked int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM channels WHERE position($1::bytea IN credentials) > 0`, []byte(token)).Scan(&leaked); err != nil || leaked != 0 {
		t.Errorf("the access token is stored in the clear (%d rows, %v)", leaked, err)
	}
	if n := p.auditWith(t, token); n != 0 {
		t.Errorf("%d audit events contain the access token", n)
	}

	countChannels := func() int {
		var n int
		if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM channels`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := countChannels()
	for _, tc := range []struct {
		name, field string
		in          map[string]any
	}{
		{"missing token", "credentials.access_token", map[string]any{"platform": "LINKEDIN", "name": "Page", "credentials": []map[string]string{{"key": "organization_id", "value": "1"}}}},
		{"blank name", "name", map[string]any{"platform": "X", "name": "  ", "credentials": []map[string]string{{"key": "access_token", "value": "t"}, {"key": "user_id", "value": "1"}}}},
		{"duplicate name", "name", map[string]any{"platform": "LINKEDIN", "name": "company page", "credentials": []map[string]string{{"key": "access_token", "value": "t"}, {"key": "organization_id", "value": "1"}}}},
		{"webhook not a URL", "credentials.url", map[string]any{"platform": "WEBHOOK", "name": "Hook", "credentials": []map[string]string{{"key": "url", "value": "ftp://example.com"}, {"key": "secret", "value": "s"}}}},
	} {
		r := p.Do(t, p.tok["admin"], createChannel, map[string]any{"in": tc.in})
		wantCode(t, r, "BAD_USER_INPUT")
		if !strings.Contains(r.Errors[0].Message, tc.field) {
			t.Errorf("%s: error %q does not name %s", tc.name, r.Errors[0].Message, tc.field)
		}
	}
	wantCode(t, p.Do(t, p.tok["marketer"], createChannel, map[string]any{"in": map[string]any{"platform": "X", "name": "Mine",
		"credentials": []map[string]string{{"key": "access_token", "value": "t"}, {"key": "user_id", "value": "1"}}}}), "FORBIDDEN")
	if after := countChannels(); after != before {
		t.Errorf("bad input created %d channels", after-before)
	}

	// Scheduling names bad fields too, and changes nothing.
	pp := p.create(t, "Hello")
	for _, tc := range []struct {
		field string
		in    map[string]any
	}{
		{"timeZone", map[string]any{"postId": pp.ID, "channelIds": []string{out.CreateChannel.ID}, "at": "2027-01-01T09:00", "timeZone": "Mars/Olympus"}},
		{"at", map[string]any{"postId": pp.ID, "channelIds": []string{out.CreateChannel.ID}, "at": "2020-01-01T09:00"}},
		{"does not exist in Europe/Berlin", map[string]any{"postId": pp.ID, "channelIds": []string{out.CreateChannel.ID}, "at": "2027-03-28T02:30", "timeZone": "Europe/Berlin"}},
		{"at", map[string]any{"postId": pp.ID, "channelIds": []string{out.CreateChannel.ID}, "at": "tomorrow"}},
		{"channelIds", map[string]any{"postId": pp.ID, "channelIds": []string{}, "at": "2027-01-01T09:00"}},
		{"channelIds", map[string]any{"postId": pp.ID, "channelIds": []string{"7f9c1a52-7a3c-4c3e-9f3e-000000000000"}, "at": "2027-01-01T09:00"}},
	} {
		r := p.Do(t, p.tok["marketer"], schedulePost, map[string]any{"in": tc.in})
		wantCode(t, r, "BAD_USER_INPUT")
		if !strings.Contains(r.Errors[0].Message, tc.field) {
			t.Errorf("schedule %v: error %q does not name %s", tc.in, r.Errors[0].Message, tc.field)
		}
	}
	var plans int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM publication_plans`).Scan(&plans); err != nil || plans != 0 {
		t.Errorf("bad schedules left %d plans (%v)", plans, err)
	}
}

func (p *pipeline) auditWith(t *testing.T, s string) int {
	t.Helper()
	var n int
	if err := p.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE details::text LIKE '%' || $1 || '%'`, s).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A reviewer judges a post knowing when and where it goes out: the publication plan, with its
// channels, is theirs to read, though not to change.
func TestReviewersSeeThePublicationPlan(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t)
	ch := p.channel(t, "linkedin", "Company page", f.linkedin.Credentials())
	pp := p.create(t, "Our new release ships on Monday.")
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(paris).AddDate(0, 2, 0)
	at := time.Date(day.Year(), day.Month(), day.Day(), 9, 30, 0, 0, paris)
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
		"postId": pp.ID, "channelIds": []string{ch}, "at": at.Format("2006-01-02T15:04"), "timeZone": "Europe/Paris"}}, nil)
	p.submit(t, pp.ID)

	const planQuery = `query($id: ID!) { post(id: $id) { publicationPlan { publishAt timeZone manualRelease channels { name platform } } } }`
	var out struct {
		Post struct {
			PublicationPlan *struct {
				PublishAt string `json:"publishAt"`
				TimeZone  string `json:"timeZone"`
				Channels  []struct {
					Name     string `json:"name"`
					Platform string `json:"platform"`
				} `json:"channels"`
			} `json:"publicationPlan"`
		} `json:"post"`
	}
	p.Must(t, p.tok["legal"], planQuery, map[string]any{"id": pp.ID}, &out)
	plan := out.Post.PublicationPlan
	if plan == nil {
		t.Fatal("the legal reviewer sees no publication plan")
	}
	if want := at.UTC().Format(time.RFC3339); plan.TimeZone != "Europe/Paris" || plan.PublishAt != want {
		t.Errorf("plan = %s in %s, want %s in Europe/Paris", plan.PublishAt, plan.TimeZone, want)
	}
	if len(plan.Channels) != 1 || plan.Channels[0].Name != "Company page" || plan.Channels[0].Platform != "LINKEDIN" {
		t.Errorf("plan channels = %+v, want the LinkedIn company page", plan.Channels)
	}

	r := p.Do(t, p.tok["legal"], schedulePost, map[string]any{"in": map[string]any{"postId": pp.ID, "channelIds": []string{ch}, "manualRelease": true}})
	wantCode(t, r, "FORBIDDEN")
	p.Must(t, p.tok["legal"], planQuery, map[string]any{"id": pp.ID}, &out)
	if out.Post.PublicationPlan == nil || out.Post.PublicationPlan.TimeZone != "Europe/Paris" {
		t.Errorf("a reviewer's refused schedulePost changed the plan: %+v", out.Post.PublicationPlan)
	}
}
