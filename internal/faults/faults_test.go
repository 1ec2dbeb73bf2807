package faults_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"clearpost/internal/app/apptest"
	"clearpost/internal/devoidc"
	"clearpost/internal/postgres"
	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
	"clearpost/internal/secretbox"
	"clearpost/internal/seed"

	"github.com/jackc/pgx/v5/pgxpool"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// plan is how hard and how long the suite drives the fleet.
type plan struct {
	rate      int           // requests per second, all operations together
	steady    time.Duration // load before the first fault: the sustained-load figures
	gap       time.Duration // load between one fault's recovery and the next fault
	redisDown time.Duration // how long Redis stays down
	posts     int           // posts awaiting their last approval, which the load approves
	lead      time.Duration // how long after its approval a post is scheduled to publish
}

var (
	// shortPlan runs in `make test`.
	shortPlan = plan{rate: 25, steady: 20 * time.Second, gap: 10 * time.Second, redisDown: 8 * time.Second, posts: 40, lead: 8 * time.Second}
	// longPlan is `make faults`: the outage lengths and a longer steady phase.
	longPlan = plan{rate: 60, steady: 120 * time.Second, gap: 40 * time.Second, redisDown: 30 * time.Second, posts: 200, lead: 20 * time.Second}
)

const clientID = "clearpost-fleet"

// TestFleetLosesNothing drives steady traffic (approvals that schedule publications to a webhook
// receiver, shares, tracked-link clicks, searches, feeds) with vegeta against two serve and two
// worker processes behind a load balancer, on a PostgreSQL and a Redis of its own, and injects in
// turn: Redis wiped, Redis down, PostgreSQL restarted, a worker killed with -9, a serve replica
// killed with -9. It then counts, from the receiver and the database, what was lost and what was
// doubled, and checks that every approved post is searchable and the audit chain verifies.
// CLEARPOST_FAULTS=long runs the long form (make faults).
func TestFleetLosesNothing(t *testing.T) {
	p := shortPlan
	if os.Getenv("CLEARPOST_FAULTS") == "long" {
		p = longPlan
	}
	f := startFleet(t)
	board := f.must(t, "marketer", `mutation($in: BoardInput!) { createBoard(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"name": "Company news", "audience": map[string]any{"everyone": true}}}, "createBoard", "id")
	channel := f.must(t, "admin", `mutation($in: ChannelInput!) { createChannel(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"platform": "WEBHOOK", "name": "Automation", "credentials": []map[string]string{
			{"key": platform.KeyURL, "value": f.receiver.URL}, {"key": platform.KeySecret, "value": f.receiver.Secret}}}}, "createChannel", "id")

	// What the load works on: posts one approval short of approved, probes for the recovery
	// times, and shares whose tracked links the load clicks.
	candidates := f.prepare(t, p.posts, "Fleet post", board)
	probes := f.prepare(t, 5, "Fleet probe", board)
	shared := f.prepare(t, 3, "Fleet shared", board)
	var links []link
	for _, c := range shared {
		f.approve(t, c)
		for _, who := range []string{"employee", "sam", "priya"} {
			var out struct {
				SharePost struct{ ID, TrackedURL string }
			}
			f.gql(t, who, `mutation($p: ID!) { sharePost(postId: $p, network: LINKEDIN) { id trackedUrl } }`, map[string]any{"p": c.id}, &out)
			u, err := url.Parse(out.SharePost.TrackedURL)
			if err != nil {
				t.Fatal(err)
			}
			links = append(links, link{share: out.SharePost.ID, path: u.Path, post: c.id})
		}
	}

	// The candidates come due through the whole run: candidate i is approved about i*every after
	// the start and scheduled lead after that.
	faultTime := p.steady + 5*(p.gap+p.redisDown)
	every := faultTime / time.Duration(p.posts)
	start := time.Now().Add(2 * time.Second)
	for i, c := range candidates {
		at := start.Add(time.Duration(i)*every + p.lead).UTC().Format(time.RFC3339Nano)
		f.must(t, "marketer", `mutation($in: SchedulePostInput!) { schedulePost(input: $in) { publishAt } }`,
			map[string]any{"in": map[string]any{"postId": c.id, "channelIds": []string{channel}, "at": at}}, "schedulePost", "publishAt")
	}
	time.Sleep(time.Until(start))
	t.Logf("load starts: %d requests/s, %d candidates, %d tracked links", p.rate, len(candidates), len(links))

	l := &load{f: f, candidates: candidates, links: links, every: every, started: start, results: map[string]*opResults{}}
	attacker := vegeta.NewAttacker(vegeta.Timeout(15*time.Second), vegeta.Redirects(vegeta.NoFollow),
		vegeta.MaxWorkers(64), vegeta.KeepAlive(true))
	t.Cleanup(func() { attacker.Stop() })
	results := attacker.Attack(l.targeter(), vegeta.Rate{Freq: p.rate, Per: time.Second}, 0, "fleet")
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for r := range results {
			l.record(r, time.Now().Before(start.Add(p.steady)))
		}
	}()

	// The faults, one after another, each followed by a probe: a post approved and scheduled
	// for now, timed until the receiver has it.
	time.Sleep(time.Until(start.Add(p.steady)))
	var recoveries []recovery
	inject := func(name string, fault func() time.Time) {
		t.Logf("fault: %s", name)
		restored := fault()
		recoveries = append(recoveries, recovery{name, f.probe(t, probes[len(recoveries)], restored)})
		t.Logf("recovered from %s in %s", name, recoveries[len(recoveries)-1].took)
		time.Sleep(p.gap)
	}
	inject("Redis wiped", func() time.Time { f.redis.Wipe(t); return time.Now() })
	inject(fmt.Sprintf("Redis down %s", p.redisDown), func() time.Time {
		f.redis.Stop(t)
		time.Sleep(p.redisDown)
		f.redis.Start(t)
		return time.Now()
	})
	inject("PostgreSQL restarted", func() time.Time { f.pg.Restart(t); return time.Now() })
	inject("worker killed (-9)", func() time.Time {
		f.workers[0].Kill()
		killed := time.Now()
		f.workers[0].Start(t)
		return killed
	})
	inject("serve replica killed (-9)", func() time.Time {
		f.serves[0].Kill()
		killed := time.Now()
		f.serves[0].Start(t)
		return killed
	})
	attacker.Stop()
	<-collected
	t.Log("load stopped; waiting for the fleet to finish its work")

	// Let the fleet finish what it was given: every publication out, every task done.
	ctx := context.Background()
	waitFor(t, 4*time.Minute, "every approved post's publication published and the outbox done", func() (bool, error) {
		var pending, undone int
		err := f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM publish_jobs WHERE status <> 'PUBLISHED'),
			(SELECT count(*) FROM outbox WHERE done_at IS NULL)`).Scan(&pending, &undone)
		return err == nil && pending == 0 && undone == 0, fmt.Errorf("%d jobs not published, %d outbox rows not done (%v)", pending, undone, err)
	})

	lost, doubled := l.check(t)
	f.checkSearchable(t)
	f.checkAudit(t)
	l.report(t, p, recoveries, lost, doubled)
}

// link is a share's tracked link.
type link struct{ share, path, post string }

// candidate is a post one approval short of approved.
type candidate struct {
	id, version, word string
	lastGroup         string // the reviewer group of the last stage
}

type recovery struct {
	fault string
	took  time.Duration
}

// fleet is Clearpost as an operator runs it: two serve and two worker processes, a load balancer,
// PostgreSQL, Redis and an identity provider.
type fleet struct {
	pg       *postgresServer
	redis    *redisServer
	serves   []*process
	workers  []*process
	lb       *httptest.Server
	pool     *pgxpool.Pool
	env      []string
	tokens   map[string]string // by the part of the e-mail address before @
	receiver *platformtest.WebhookReceiver
	client   *http.Client
}

func startFleet(t *testing.T) *fleet {
	t.Helper()
	f := &fleet{pg: startPostgres(t), redis: startRedis(t), receiver: platformtest.NewWebhookReceiver(t), tokens: map[string]string{},
		client: &http.Client{Timeout: 20 * time.Second}}
	mux := http.NewServeMux()
	idp := httptest.NewServer(mux)
	t.Cleanup(idp.Close)
	issuer := idp.URL + "/example"

	servePorts := []int{freePort(t), freePort(t)}
	f.lb = newBalancer(t, fmt.Sprintf("127.0.0.1:%d", servePorts[0]), fmt.Sprintf("127.0.0.1:%d", servePorts[1]))

	var users []devoidc.User
	for _, p := range seed.People {
		users = append(users, devoidc.User{Subject: p.Subject(), Email: p.Email, Name: p.Name, Groups: p.IdPGroups})
	}
	provider, err := devoidc.New(issuer, clientID, users, devoidc.WithRedirectURIs(f.lb.URL+"/auth/callback"))
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/example/", provider.Handler())
	for _, p := range seed.People {
		tok, err := provider.Token(p.Email)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[strings.SplitN(p.Email, "@", 2)[0]] = tok
	}

	_, key, _ := ed25519.GenerateKey(rand.Reader)
	var groupMap []string
	for g, targets := range seed.GroupMap {
		for _, target := range targets {
			groupMap = append(groupMap, g+"="+target)
		}
	}
	f.env = append(os.Environ(),
		"CLEARPOST_DATABASE_URL="+f.pg.URL(),
		"CLEARPOST_DATABASE_MAX_CONNS=20",
		"CLEARPOST_REDIS_URL="+f.redis.URL(),
		"CLEARPOST_PUBLIC_URL="+f.lb.URL,
		"CLEARPOST_OIDC_ISSUER="+issuer,
		"CLEARPOST_OIDC_CLIENT_ID="+clientID,
		"CLEARPOST_ORG_SLUG=example",
		"CLEARPOST_OIDC_GROUP_MAP="+strings.Join(groupMap, ","),
		"CLEARPOST_AUDIT_SIGNING_KEY="+base64.StdEncoding.EncodeToString(key.Seed()),
		"CLEARPOST_AUDIT_SEAL_INTERVAL=1s",
		"CLEARPOST_SECRET_KEYS="+secretbox.NewKey("fleet"),
		"CLEARPOST_CLICK_KEY=fleet-click-key-0123456789",
		"CLEARPOST_RETRY_BASE=200ms",
		"CLEARPOST_ALLOW_PRIVATE_TARGETS=true",
		"CLEARPOST_TRUST_PROXY=true",
		"CLEARPOST_RATE_LIMIT_USER=1000000",
		"CLEARPOST_RATE_LIMIT_ADDRESS=1000000",
		"CLEARPOST_RATE_LIMIT_LINKS=1000000",
		"CLEARPOST_SHUTDOWN_DELAY=100ms",
		"CLEARPOST_LOG_LEVEL=warn",
	)
	bin := apptest.Binary(t)
	if out, err := (&exec.Cmd{Path: bin, Args: []string{bin, "migrate", "up"}, Env: f.env}).CombinedOutput(); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, out)
	}
	ctx := context.Background()
	if f.pool, err = postgres.Open(ctx, f.pg.URL(), 4); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.pool.Close)
	if _, err := seed.Base(ctx, f.pool, "example", issuer, clientID); err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		w := &process{name: fmt.Sprintf("worker %d", i+1), args: []string{bin, "worker"}, env: f.env}
		s := &process{name: fmt.Sprintf("serve %d", i+1), args: []string{bin, "serve"}, port: servePorts[i],
			env: append(append([]string{}, f.env...), fmt.Sprintf("CLEARPOST_HTTP_ADDR=127.0.0.1:%d", servePorts[i]))}
		f.workers, f.serves = append(f.workers, w), append(f.serves, s)
	}
	for _, p := range append(append([]*process{}, f.workers...), f.serves...) {
		p.Start(t)
		t.Cleanup(func() {
			p.Stop()
			if t.Failed() {
				t.Logf("%s output:\n%s", p.name, tail(p.Output(), 4000))
			}
		})
	}
	return f
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func graphqlBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// post sends a GraphQL operation through the load balancer as who.
func (f *fleet) post(who, query string, vars map[string]any) (*apptest.Result, error) {
	req, err := http.NewRequest(http.MethodPost, f.lb.URL+"/graphql", bytes.NewReader(graphqlBody(query, vars)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out apptest.Result
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	if len(out.Errors) > 0 {
		return &out, fmt.Errorf("%s: %s", out.Errors[0].Extensions.Code, out.Errors[0].Message)
	}
	return &out, nil
}

// gql sends an operation that must succeed and decodes its data into out.
func (f *fleet) gql(t *testing.T, who, query string, vars map[string]any, out any) {
	t.Helper()
	r, err := f.post(who, query, vars)
	if err != nil {
		t.Fatalf("%s as %s: %v", strings.Fields(query)[0], who, err)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	}
}

// must sends an operation that must succeed and returns data.field.key as a string.
func (f *fleet) must(t *testing.T, who, query string, vars map[string]any, field, key string) string {
	t.Helper()
	var out map[string]map[string]any
	f.gql(t, who, query, vars, &out)
	s, _ := out[field][key].(string)
	return s
}

const (
	approveOp = `mutation($in: DecisionInput!) { approvePost(input: $in) { post { id state } } }`
	reviewOp  = `query($id: ID!) { post(id: $id) { state currentVersion { id } review { stages { cleared groups { group } } } } }`
)

// prepare creates n posts on the board and takes each through review up to its last stage.
func (f *fleet) prepare(t *testing.T, n int, title, board string) []candidate {
	t.Helper()
	out := make([]candidate, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 6)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := f.toLastStage(fmt.Sprintf("%s %d", title, i+1), uniqueWord(title, i), board)
			out[i] = c
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return out
}

// uniqueWord is a word found in one post only: letters, so that search tokenizes it whole.
func uniqueWord(title string, i int) string {
	w := []byte("zq")
	for _, c := range strings.ToLower(strings.ReplaceAll(title, " ", "")) {
		w = append(w, byte(c))
	}
	for n := i + 1; n > 0; n /= 26 {
		w = append(w, byte('a'+n%26))
	}
	return string(w)
}

func (f *fleet) toLastStage(title, word, board string) (candidate, error) {
	c := candidate{word: word}
	r, err := f.post("marketer", `mutation($c: PostContentInput!) { createPost(content: $c) { id currentVersion { id } } }`,
		map[string]any{"c": map[string]any{"title": title, "body": title + ": our " + word + " release is out, read what changed.", "link": "https://example.com/releases/" + word}})
	if err != nil {
		return c, err
	}
	var created struct {
		CreatePost struct {
			ID             string
			CurrentVersion struct{ ID string }
		}
	}
	if err := json.Unmarshal(r.Data, &created); err != nil {
		return c, err
	}
	c.id, c.version = created.CreatePost.ID, created.CreatePost.CurrentVersion.ID
	if _, err := f.post("marketer", `mutation($p: ID!, $b: [ID!]!) { targetBoards(postId: $p, boardIds: $b) { id } }`,
		map[string]any{"p": c.id, "b": []string{board}}); err != nil {
		return c, err
	}
	if _, err := f.post("marketer", `mutation($id: ID!) { submitPost(id: $id) { id } }`, map[string]any{"id": c.id}); err != nil {
		return c, err
	}
	for range 10 {
		r, err := f.post("marketer", reviewOp, map[string]any{"id": c.id})
		if err != nil {
			return c, err
		}
		var got struct {
			Post struct {
				Review struct {
					Stages []struct {
						Cleared bool
						Groups  []struct{ Group string }
					}
				}
			}
		}
		if err := json.Unmarshal(r.Data, &got); err != nil {
			return c, err
		}
		stages := got.Post.Review.Stages
		for i, s := range stages {
			if s.Cleared {
				continue
			}
			if i == len(stages)-1 {
				c.lastGroup = s.Groups[0].Group
				return c, nil
			}
			if _, err := f.post(s.Groups[0].Group, approveOp, c.decision()); err != nil {
				return c, err
			}
			break
		}
	}
	return c, fmt.Errorf("post %s did not reach its last stage", c.id)
}

func (c candidate) decision() map[string]any {
	return map[string]any{"in": map[string]any{"postId": c.id, "versionId": c.version}}
}

// approve gives a candidate its last approval.
func (f *fleet) approve(t *testing.T, c candidate) {
	t.Helper()
	if _, err := f.post(c.lastGroup, approveOp, c.decision()); err != nil {
		t.Fatalf("approve %s: %v", c.id, err)
	}
}

// probe approves c and schedules it for now, retrying while the fleet recovers, and returns how
// long after since the receiver had the publication.
func (f *fleet) probe(t *testing.T, c candidate, since time.Time) time.Duration {
	t.Helper()
	step := func(what string, do func() error) {
		waitFor(t, 3*time.Minute, what, func() (bool, error) {
			err := do()
			return err == nil, err
		})
	}
	step("probe approved", func() error {
		_, err := f.post(c.lastGroup, approveOp, c.decision())
		if err != nil { // the approval may have committed with its answer lost: ask
			if r, qerr := f.post("marketer", reviewOp, map[string]any{"id": c.id}); qerr == nil && strings.Contains(string(r.Data), `"state":"APPROVED"`) {
				return nil
			}
		}
		return err
	})
	channels, err := f.channelIDs()
	if err != nil {
		t.Fatal(err)
	}
	step("probe scheduled", func() error {
		_, err := f.post("marketer", `mutation($in: SchedulePostInput!) { schedulePost(input: $in) { publishAt } }`,
			map[string]any{"in": map[string]any{"postId": c.id, "channelIds": channels, "at": time.Now().UTC().Format(time.RFC3339Nano)}})
		return err
	})
	waitFor(t, 3*time.Minute, "probe "+c.word+" delivered", func() (bool, error) {
		return len(f.deliveredByWord()[c.word]) > 0, nil
	})
	return time.Since(since)
}

func (f *fleet) channelIDs() ([]string, error) {
	rows, err := f.pool.Query(context.Background(), `SELECT id::text FROM channels`)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// deliveredByWord maps each post's unique word to the idempotency keys the receiver accepted for it.
func (f *fleet) deliveredByWord() map[string][]string {
	out := map[string][]string{}
	for _, d := range f.receiver.Deliveries() {
		var ev platform.WebhookEvent
		if json.Unmarshal(d.Body, &ev) != nil {
			continue
		}
		for _, w := range strings.Fields(ev.Data.Text) {
			if strings.HasPrefix(w, "zq") {
				out[w] = append(out[w], ev.ID)
			}
		}
	}
	return out
}

// checkSearchable searches for every approved post by its word, as an employee.
func (f *fleet) checkSearchable(t *testing.T) {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT v.content->>'body' FROM posts p
		JOIN post_versions v ON v.post_id = p.id AND v.number = p.current_version WHERE p.state = 'APPROVED'`)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	for _, b := range bodies {
		word := ""
		for _, w := range strings.Fields(b) {
			if strings.HasPrefix(w, "zq") {
				word = w
			}
		}
		var out struct {
			Search struct {
				Edges []struct {
					Node struct{ Post struct{ ID string } }
				}
			}
		}
		f.gql(t, "employee", `query($q: String!) { search(text: $q, first: 5) { edges { node { post { id } } } } }`, map[string]any{"q": word}, &out)
		if len(out.Search.Edges) == 0 {
			t.Errorf("approved post %q is not searchable", b)
		}
	}
	if len(bodies) == 0 {
		t.Fatal("no approved posts")
	}
}

// checkAudit runs `clearpost audit verify` over the fleet's database.
func (f *fleet) checkAudit(t *testing.T) {
	t.Helper()
	bin := apptest.Binary(t)
	out, err := (&exec.Cmd{Path: bin, Args: []string{bin, "audit", "verify"}, Env: f.env}).CombinedOutput()
	if err != nil {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
}

// load is the traffic: its targets, and what came back.
type load struct {
	f          *fleet
	candidates []candidate
	links      []link
	every      time.Duration
	started    time.Time
	seq        atomic.Uint64
	approved   atomic.Int64
	clients    atomic.Uint32

	mu      sync.Mutex
	results map[string]*opResults // by operation
}

// opResults is one operation's outcomes: latency over the steady phase and the whole run.
type opResults struct {
	steady, all   vegeta.Metrics
	ok, failed    int
	steadyFailed  int
	okByKey       map[string]int // clicks by share, approvals and shares by id
	failedByKey   map[string]int
	approvedPosts map[string]bool
}

var mix = []string{"search", "click", "feed", "search", "click", "share", "search", "click", "feed", "search", "click", "feed"}

// targeter hands vegeta the next request: an approval when the next candidate is due, otherwise
// the next operation of the mix.
func (l *load) targeter() vegeta.Targeter {
	employees := []string{"employee", "sam", "priya", "jonas", "mei", "omar"}
	words := []string{"release", "relase", "fleet", "changed", "posts", "reed"}
	return func(tgt *vegeta.Target) error {
		n := l.seq.Add(1)
		who := employees[n%uint64(len(employees))]
		tgt.Method, tgt.Header = http.MethodPost, http.Header{"Content-Type": {"application/json"}}
		op := mix[n%uint64(len(mix))]
		if i := l.approved.Load(); int(i) < len(l.candidates) && time.Since(l.started) >= time.Duration(i)*l.every &&
			l.approved.CompareAndSwap(i, i+1) {
			c := l.candidates[i]
			tgt.URL = l.f.lb.URL + "/graphql?op=approve&key=" + c.id
			tgt.Header.Set("Authorization", "Bearer "+l.f.tokens[c.lastGroup])
			tgt.Body = graphqlBody(approveOp, c.decision())
			return nil
		}
		switch op {
		case "search":
			tgt.Body = graphqlBody(`query($q: String!) { search(text: $q, first: 10) { total edges { node { post { id } } } } }`,
				map[string]any{"q": words[n%uint64(len(words))]})
		case "feed":
			tgt.Body = graphqlBody(`{ feed(first: 20) { edges { node { pinned post { id } } } } }`, nil)
		case "share":
			lk := l.links[n%uint64(len(l.links))]
			tgt.Body = graphqlBody(`mutation($p: ID!) { sharePost(postId: $p, network: X) { id } }`, map[string]any{"p": lk.post})
		case "click":
			lk := l.links[n%uint64(len(l.links))]
			c := l.clients.Add(1)
			tgt.Method, tgt.Body = http.MethodGet, nil
			tgt.Header = http.Header{"User-Agent": {"Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0"}}
			tgt.URL = fmt.Sprintf("%s%s?key=%s&client=10.%d.%d.%d", l.f.lb.URL, lk.path, lk.share, c>>16&255, c>>8&255, c&255)
			return nil
		}
		tgt.URL = l.f.lb.URL + "/graphql?op=" + op
		tgt.Header.Set("Authorization", "Bearer "+l.f.tokens[who])
		return nil
	}
}

// record classifies one result: a click is served when redirected, a GraphQL operation when it
// answered 200 without errors.
func (l *load) record(r *vegeta.Result, steady bool) {
	u, _ := url.Parse(r.URL)
	op, key := u.Query().Get("op"), u.Query().Get("key")
	if strings.HasPrefix(u.Path, "/s/") {
		op = "click"
	}
	ok := r.Error == "" && r.Code == http.StatusOK
	var body apptest.Result
	if op == "click" {
		ok = r.Error == "" && r.Code == http.StatusFound
	} else if ok && (json.Unmarshal(r.Body, &body) != nil || len(body.Errors) > 0) {
		ok = false
	}
	if op == "share" && ok {
		var d struct{ SharePost struct{ ID string } }
		_ = json.Unmarshal(body.Data, &d)
		key = d.SharePost.ID
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	o := l.results[op]
	if o == nil {
		o = &opResults{okByKey: map[string]int{}, failedByKey: map[string]int{}}
		l.results[op] = o
	}
	o.all.Add(r)
	if steady {
		o.steady.Add(r)
	}
	if ok {
		o.ok++
		o.okByKey[key]++
		return
	}
	o.failed++
	o.failedByKey[key]++
	if steady {
		o.steadyFailed++
	}
}

// check counts, from the receiver and the database, what the load's successful requests should
// have left, and returns what was lost and what was doubled.
func (l *load) check(t *testing.T) (lost, doubled map[string]int) {
	t.Helper()
	ctx := context.Background()
	lost, doubled = map[string]int{}, map[string]int{}
	l.mu.Lock()
	defer l.mu.Unlock()

	// Publications: every approved post published once to the receiver (one idempotency key).
	delivered := l.f.deliveredByWord()
	for _, c := range l.candidates {
		var state string
		if err := l.f.pool.QueryRow(ctx, `SELECT state FROM posts WHERE id = $1`, c.id).Scan(&state); err != nil {
			t.Fatal(err)
		}
		approvedOK := l.results["approve"] != nil && l.results["approve"].okByKey[c.id] > 0
		if approvedOK && state != "APPROVED" {
			lost["approval"]++
			t.Errorf("post %s: its approval was answered but it is %s", c.id, state)
		}
		if state != "APPROVED" {
			continue
		}
		switch keys := delivered[c.word]; {
		case len(keys) == 0:
			lost["publication"]++
			t.Errorf("approved post %s (%s) never reached the receiver", c.id, c.word)
		case len(keys) > 1:
			doubled["publication"]++
			t.Errorf("approved post %s (%s) reached the receiver under %d idempotency keys", c.id, c.word, len(keys))
		}
	}

	// Clicks: a redirected visitor is counted once; one whose request failed at most once.
	clicks := map[string]int{}
	rows, err := l.f.pool.Query(ctx, `SELECT share_id::text, count(*) FROM share_clicks GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		clicks[id] = n
	}
	if o := l.results["click"]; o != nil {
		for _, lk := range l.links {
			if got, ok := clicks[lk.share], o.okByKey[lk.share]; got < ok {
				lost["click"] += ok - got
				t.Errorf("share %s: %d clicks redirected, %d counted", lk.share, ok, got)
			} else if most := ok + o.failedByKey[lk.share]; got > most {
				doubled["click"] += got - most
				t.Errorf("share %s: %d clicks counted, at most %d made", lk.share, got, most)
			}
		}
	}

	// Shares: every share answered exists, and no request made two.
	if o := l.results["share"]; o != nil {
		var made int
		if err := l.f.pool.QueryRow(ctx, `SELECT count(*) FROM shares WHERE network = 'X'`).Scan(&made); err != nil {
			t.Fatal(err)
		}
		for id := range o.okByKey {
			var exists bool
			if err := l.f.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM shares WHERE id = $1)`, id).Scan(&exists); err != nil || !exists {
				lost["share"]++
				t.Errorf("share %s was answered but is not in the database (%v)", id, err)
			}
		}
		if made > o.ok+o.failed {
			doubled["share"] += made - o.ok - o.failed
			t.Errorf("%d shares made by %d requests", made, o.ok+o.failed)
		}
	}
	if r := l.f.receiver.Rejected(); r != 0 {
		t.Errorf("the receiver rejected %d deliveries", r)
	}
	return lost, doubled
}

// report logs the figures: the sustained load before the faults, each fault's recovery, and the
// counts.
func (l *load) report(t *testing.T, p plan, recoveries []recovery, lost, doubled map[string]int) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nsustained load, %s at %d requests/s, 2 serve + 2 worker processes:\n", p.steady, p.rate)
	var ops []string
	for op := range l.results {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		o := l.results[op]
		o.steady.Close()
		o.all.Close()
		fmt.Fprintf(&b, "  %-8s %5d requests  p50 %7s  p99 %7s  errors %d\n", op, o.steady.Requests,
			o.steady.Latencies.P50.Round(100*time.Microsecond), o.steady.Latencies.P99.Round(100*time.Microsecond), o.steadyFailed)
		if o.steadyFailed != 0 {
			t.Errorf("%s: %d errors under steady load, before any fault", op, o.steadyFailed)
		}
	}
	fmt.Fprintf(&b, "whole run, faults included:\n")
	for _, op := range ops {
		o := l.results[op]
		fmt.Fprintf(&b, "  %-8s %5d requests  %d failed during faults\n", op, o.all.Requests, o.failed-o.steadyFailed)
	}
	fmt.Fprintf(&b, "recovery (fault over, or process killed, until a fresh approval's publication reached the receiver):\n")
	for _, r := range recoveries {
		fmt.Fprintf(&b, "  %-26s %s\n", r.fault, r.took.Round(10*time.Millisecond))
	}
	fmt.Fprintf(&b, "lost: %v  doubled: %v  redeliveries absorbed by idempotency keys: %d\n", lost, doubled, l.f.receiver.Duplicates())
	var late time.Duration
	if err := l.f.pool.QueryRow(context.Background(), `SELECT coalesce(max(extract(epoch FROM published_at - run_at)), 0) * interval '1 second'
		FROM publish_jobs`).Scan(&late); err == nil {
		fmt.Fprintf(&b, "latest publication: %s after its time\n", late.Round(10*time.Millisecond))
	}
	t.Log(b.String())
}
