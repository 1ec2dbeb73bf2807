package faults_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// freePort returns a loopback port nothing listens on, so that a process can be started on it
// again after it was killed.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	logged := time.Now()
	for {
		ok, err := cond()
		if err != nil && os.Getenv("CLEARPOST_FAULTS_DEBUG") != "" && time.Since(logged) > 5*time.Second {
			t.Logf("still waiting: %s: %v", what, err)
			logged = time.Now()
		}
		if ok {
			return
		}
		last = err
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s (last error: %v)", what, timeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// postgresServer is a PostgreSQL cluster of the test's own, so that it can be restarted without
// touching the server other tests share. The postmaster is a child of the test process and dies
// with it.
type postgresServer struct {
	bin, dir string
	port     int
	cred     *syscall.Credential // the cluster's owner when the test runs as root (PostgreSQL refuses root)
	cmd      *exec.Cmd
	done     chan struct{}
}

// startPostgres initializes and starts a throwaway cluster on a free loopback port.
func startPostgres(t *testing.T) *postgresServer {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(bins) == 0 {
		t.Skip("skipped: no PostgreSQL server binaries under /usr/lib/postgresql (make test's dependency step installs them)")
	}
	sort.Strings(bins)
	s := &postgresServer{bin: filepath.Dir(bins[len(bins)-1]), port: freePort(t)}
	dir, err := os.MkdirTemp("", "clearpost-faults-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		owner, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("skipped: running as root and there is no postgres user to own a cluster: %v", err)
		}
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	initdb := s.command("initdb", "-D", s.data(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	s.Start(t)
	t.Cleanup(func() { s.stop(syscall.SIGQUIT) }) // immediate shutdown: the data is thrown away
	conn, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE DATABASE clearpost"); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *postgresServer) data() string { return filepath.Join(s.dir, "data") }

func (s *postgresServer) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGKILL}
	return cmd
}

// URL is the connection string of the cluster's clearpost database.
func (s *postgresServer) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/clearpost?sslmode=disable", s.port)
}

// Start runs the postmaster and waits until it accepts connections.
func (s *postgresServer) Start(t *testing.T) {
	t.Helper()
	s.cmd = s.command("postgres", "-D", s.data(), "-p", strconv.Itoa(s.port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off", "-c", "synchronous_commit=off")
	logf, err := os.OpenFile(filepath.Join(s.dir, "log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd, done := s.cmd, make(chan struct{})
	s.done = done
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	waitFor(t, 30*time.Second, "PostgreSQL accepts connections", func() (bool, error) {
		select {
		case <-done:
			log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
			return false, fmt.Errorf("postgres exited:\n%s", log)
		default:
		}
		conn, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", s.port))
		if err != nil {
			return false, err
		}
		conn.Close(context.Background())
		return true, nil
	})
}

// Restart stops the server with a fast shutdown (sessions are cut, transactions rolled back) and
// starts it again.
func (s *postgresServer) Restart(t *testing.T) {
	t.Helper()
	s.stop(syscall.SIGINT)
	s.Start(t)
}

func (s *postgresServer) stop(sig syscall.Signal) {
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(sig)
		<-s.done
	}
}

// redisServer is a Redis of the test's own, to wipe, stop and start.
type redisServer struct {
	dir  string
	port int
	cmd  *exec.Cmd
}

func startRedis(t *testing.T) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("skipped: no redis-server on PATH (make test's dependency step installs it)")
	}
	r := &redisServer{dir: t.TempDir(), port: freePort(t)}
	r.Start(t)
	t.Cleanup(func() { r.Kill() })
	return r
}

// URL is the Redis URL the processes use.
func (r *redisServer) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *redisServer) client() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port)})
}

// Start runs redis-server, loading what a previous Stop saved, and waits until it answers.
func (r *redisServer) Start(t *testing.T) {
	t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--save", "", "--appendonly", "no", "--logfile", filepath.Join(r.dir, "log"))
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := r.client()
	defer c.Close()
	waitFor(t, 10*time.Second, "redis-server answers", func() (bool, error) {
		err := c.Ping(context.Background()).Err()
		return err == nil, err
	})
}

// Stop shuts Redis down, saving its data, as a maintenance restart does.
func (r *redisServer) Stop(t *testing.T) {
	t.Helper()
	c := r.client()
	defer c.Close()
	_ = c.Do(context.Background(), "SHUTDOWN", "SAVE").Err() // the connection drops: no reply
	if err := r.cmd.Wait(); err != nil {
		t.Fatalf("redis-server: %v", err)
	}
}

// Wipe drops every key, as a restart without persistence or a failover that lost writes does.
func (r *redisServer) Wipe(t *testing.T) {
	t.Helper()
	c := r.client()
	defer c.Close()
	if err := c.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

func (r *redisServer) Kill() {
	if r.cmd != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}

// process is one `clearpost serve` or `clearpost worker`, restartable on the same port.
type process struct {
	name string
	args []string
	env  []string
	port int // serve only

	mu   sync.Mutex
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{} // closed when the process has exited
}

func (p *process) Start(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	p.cmd = exec.Command(p.args[0], p.args[1:]...)
	p.cmd.Env = p.env
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p.out = &bytes.Buffer{}
	w := &lockedWriter{w: p.out}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd, done := p.cmd, make(chan struct{})
	p.done = done
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	p.mu.Unlock()
	if p.port == 0 {
		return
	}
	waitFor(t, 30*time.Second, p.name+" answers /readyz", func() (bool, error) {
		select {
		case <-done:
			return false, fmt.Errorf("exited: %s", w)
		default:
		}
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", p.port))
		if err != nil {
			return false, err
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, fmt.Errorf("status %d", resp.StatusCode)
	})
}

// Kill ends the process with SIGKILL: no draining, tasks left active in Redis.
func (p *process) Kill() { p.end(syscall.SIGKILL) }

// Stop ends the process gracefully.
func (p *process) Stop() { p.end(syscall.SIGTERM) }

func (p *process) end(sig syscall.Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	<-p.done
}

func (p *process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.out == nil {
		return ""
	}
	return p.out.String()
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// balancer stands in for the load balancer in front of the serve replicas: round robin, and a
// request whose connection is refused (a replica that is down) goes to the next replica, as a
// load balancer's passive health check would send it. It also stands in for many clients: the
// query parameter "client" becomes the X-Forwarded-For address the replicas see.
type balancer struct {
	backends []string // host:port
	next     atomic.Uint64
	client   *http.Client
}

func newBalancer(t *testing.T, backends ...string) *httptest.Server {
	b := &balancer{backends: backends, client: &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return srv
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	client := q.Get("client")
	q.Del("client")
	first := b.next.Add(1)
	for i := range len(b.backends) {
		backend := b.backends[(first+uint64(i))%uint64(len(b.backends))]
		req, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+backend+r.URL.Path+"?"+q.Encode(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		req.Host = r.Host
		if client == "" {
			client, _, _ = net.SplitHostPort(r.RemoteAddr)
		}
		req.Header.Set("X-Forwarded-For", client)
		resp, err := b.client.Do(req)
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			continue // down: the next replica takes it
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		resp.Body.Close()
		return
	}
	http.Error(w, "no replica is up", http.StatusBadGateway)
}
