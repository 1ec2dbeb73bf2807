package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/config"
	"clearpost/internal/jobs/jobstest"
)

// workerProcess is `clearpost worker` running as its own process against the test's database,
// Redis and fake platforms.
type workerProcess struct {
	cmd *exec.Cmd
	out *bytes.Buffer
}

func startWorkerProcess(t *testing.T, cfg config.Config, f *fakes) *workerProcess {
	t.Helper()
	cmd := exec.Command(apptest.Binary(t), "worker")
	cmd.Env = append(os.Environ(),
		"CLEARPOST_DATABASE_URL="+cfg.DatabaseURL,
		"CLEARPOST_REDIS_URL="+cfg.RedisURL,
		"CLEARPOST_PUBLIC_URL="+cfg.PublicURL,
		"CLEARPOST_OIDC_ISSUER=https://idp.invalid",
		"CLEARPOST_OIDC_CLIENT_ID=clearpost",
		"CLEARPOST_AUDIT_SIGNING_KEY="+base64.StdEncoding.EncodeToString(cfg.AuditSigningKey.Seed()),
		"CLEARPOST_SECRET_KEYS="+cfg.SecretKeys,
		"CLEARPOST_CLICK_KEY="+cfg.ClickKey,
		"CLEARPOST_RETRY_BASE=50ms",
		"CLEARPOST_ALLOW_PRIVATE_TARGETS=true",
		"CLEARPOST_LINKEDIN_API_URL="+f.linkedin.URL,
		"CLEARPOST_X_API_URL="+f.x.URL,
		"CLEARPOST_FACEBOOK_API_URL="+f.facebook.URL,
		"CLEARPOST_LOG_LEVEL=info",
	)
	w := &workerProcess{cmd: cmd, out: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = w.out, w.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("worker %d output:\n%s", cmd.Process.Pid, w.out)
		}
	})
	return w
}

// kill ends the worker with SIGKILL: no shutdown, no cleanup, tasks left active in Redis.
func (w *workerProcess) kill(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = w.cmd.Wait()
}

// A worker killed with SIGKILL in the middle of publishing (the platforms accepted the posts, the
// worker never heard back) and started again publishes nothing twice and loses nothing: the
// interrupted attempts ask the platform first and find their posts.
func TestWorkerKilledMidPublicationPublishesNothingTwice(t *testing.T) {
	t.Parallel()
	f := newFakes(t)
	redis := jobstest.NewRedis(t)
	env := apptest.Start(t, f.configure, func(c *config.Config) { c.RedisURL = redis.URL() })
	org := env.Org(t, "example")
	p := &pipeline{Env: env, org: org, tok: map[string]string{}}
	for _, who := range []string{"admin", "marketer", "legal", "compliance", "brand"} {
		p.tok[who] = org.Token(t, who+"@example.com")
	}
	channels := []string{
		p.channel(t, "linkedin", "Company page", f.linkedin.Credentials()),
		p.channel(t, "x", "Brand account", f.x.Credentials()),
	}
	const posts = 6
	var ids []string
	for i := range posts {
		pp := p.create(t, fmt.Sprintf("Release notes, part %d", i+1))
		p.approvePost(t, pp)
		p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
			"postId": pp.ID, "channelIds": channels, "at": time.Now().UTC().Format(time.RFC3339)}}, nil)
		ids = append(ids, pp.ID)
	}

	// LinkedIn records each post, then holds its answer: the worker dies not knowing.
	f.linkedin.HoldAfterAccept()
	first := startWorkerProcess(t, env.App.Config, f)
	f.linkedin.WaitHeld(t, posts)
	first.kill(t)
	f.linkedin.Release()
	if got := len(f.linkedin.Posts()); got != posts {
		t.Fatalf("LinkedIn holds %d posts before the restart, want %d", got, posts)
	}

	startWorkerProcess(t, env.App.Config, f)
	ctx := context.Background()
	deadline := time.Now().Add(3 * time.Minute) // asynq hands a dead worker's tasks back after their lease (30 s) and a 30 s margin
	for {
		var published int
		if err := env.App.Pool.QueryRow(ctx, `SELECT count(*) FROM publish_jobs WHERE status = 'PUBLISHED'`).Scan(&published); err != nil {
			t.Fatal(err)
		}
		if published == 2*posts {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d jobs published after the restart", published, 2*posts)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for name, got := range map[string]int{"LinkedIn": len(f.linkedin.Posts()), "X": len(f.x.Posts())} {
		if got != posts {
			t.Errorf("%s holds %d posts, want %d: one per post", name, got, posts)
		}
	}
	seen := map[string]int{}
	for _, post := range f.linkedin.Posts() {
		seen[post.Text]++
	}
	for text, n := range seen {
		if n != 1 {
			t.Errorf("LinkedIn received %q %d times", text, n)
		}
	}
	for _, id := range ids {
		for _, j := range p.jobs(t, id) {
			if j.Status != "PUBLISHED" || j.ExternalID == "" {
				t.Errorf("post %s on %s: %+v", id, j.Channel.Platform, j)
			}
		}
	}
}

// Two workers side by side share the work: every publication goes out once, none twice.
func TestTwoWorkersNeverDuplicateAJob(t *testing.T) {
	t.Parallel()
	p, f := setupPublishing(t) // its App is the first worker
	p.StartWorker(t)
	channels := []string{
		p.channel(t, "linkedin", "Company page", f.linkedin.Credentials()),
		p.channel(t, "x", "Brand account", f.x.Credentials()),
		p.channel(t, "webhook", "Automation", f.webhook.Credentials()),
	}
	const posts = 12
	at := time.Now().Add(3 * time.Second).UTC().Format(time.RFC3339Nano)
	for i := range posts {
		pp := p.create(t, fmt.Sprintf("Customer story %d", i+1))
		p.approvePost(t, pp)
		p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{"postId": pp.ID, "channelIds": channels, "at": at}}, nil)
	}
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var published int
		if err := p.App.Pool.QueryRow(ctx, `SELECT count(*) FROM publish_jobs WHERE status = 'PUBLISHED'`).Scan(&published); err != nil {
			t.Fatal(err)
		}
		if published == 3*posts {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d jobs published", published, 3*posts)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.waitTasksDone(t, 10*time.Second)
	if n := len(f.linkedin.Posts()); n != posts {
		t.Errorf("LinkedIn holds %d posts, want %d", n, posts)
	}
	if n := len(f.x.Posts()); n != posts {
		t.Errorf("X holds %d posts, want %d", n, posts)
	}
	if n, dup := len(f.webhook.Deliveries()), f.webhook.Duplicates(); n != posts || dup != 0 {
		t.Errorf("webhook got %d deliveries and %d duplicates, want %d and 0", n, dup, posts)
	}
	var attempts int
	if err := p.App.Pool.QueryRow(ctx, `SELECT coalesce(sum(attempts), 0) FROM publish_jobs`).Scan(&attempts); err != nil || attempts != 3*posts {
		t.Errorf("%d attempts for %d jobs (%v): a job ran twice", attempts, 3*posts, err)
	}
}
