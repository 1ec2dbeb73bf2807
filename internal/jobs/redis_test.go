package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestParseRedisURL(t *testing.T) {
	t.Parallel()
	opt, err := ParseRedisURL("redis://clearpost:s3cret@redis.internal:6380/4")
	if err != nil {
		t.Fatal(err)
	}
	c, ok := opt.(asynq.RedisClientOpt)
	if !ok || c.Addr != "redis.internal:6380" || c.DB != 4 || c.Username != "clearpost" || c.Password != "s3cret" {
		t.Errorf("ParseRedisURL = %#v", opt)
	}
	if opt, err := ParseRedisURL("rediss://redis.internal:6380"); err != nil || opt.(asynq.RedisClientOpt).TLSConfig == nil {
		t.Errorf("rediss: %#v, %v; want TLS", opt, err)
	}
	for _, bad := range []string{"redis://u:s3cret@host/notanumber", "http://u:s3cret@host", "redis://u:s3cret@host:bad port"} {
		_, err := ParseRedisURL(bad)
		if err == nil {
			t.Errorf("ParseRedisURL(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseRedisURL(%q) error shows the password: %v", bad, err)
		}
	}
}

func TestParseRedisURLTopologies(t *testing.T) {
	t.Parallel()
	opt, err := ParseRedisURL("redis-sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26379/3?master=clearpost")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := opt.(asynq.RedisFailoverClientOpt); !ok || f.MasterName != "clearpost" || len(f.SentinelAddrs) != 2 || f.DB != 3 || f.Password != "s3cret" || f.SentinelPassword != "s3cret" {
		t.Errorf("sentinel = %#v", opt)
	}
	opt, err = ParseRedisURL("redis-cluster://:s3cret@10.0.0.1:7000,10.0.0.2:7000")
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := opt.(asynq.RedisClusterClientOpt); !ok || len(c.Addrs) != 2 || c.Addrs[1] != "10.0.0.2:7000" || c.Password != "s3cret" {
		t.Errorf("cluster = %#v", opt)
	}
	for _, bad := range []string{"redis-cluster://:s3cret@10.0.0.1:7000/2", "redis-cluster://:s3cret@/", "redis-sentinel://:s3cret@10.0.0.1:26379"} {
		_, err := ParseRedisURL(bad)
		if err == nil {
			t.Errorf("ParseRedisURL(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseRedisURL(%q) error shows the password: %v", bad, err)
		}
	}
}

// A task goes through Redis Sentinel to the master it names, and through a three-node Redis
// Cluster, with real servers (redis-server in sentinel and cluster mode), each reached through
// the URL an operator would write.
func TestTasksThroughSentinelAndCluster(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed (make deps installs it): cannot start a sentinel or a cluster")
	}
	master := redisServer(t, "--save", "", "--appendonly", "no")
	sentinelPort := freePort(t)
	conf := filepath.Join(t.TempDir(), "sentinel.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, "port %d\nbind 127.0.0.1\nsentinel monitor clearpost 127.0.0.1 %d 1\nsentinel down-after-milliseconds clearpost 60000\n", sentinelPort, master), 0o600); err != nil {
		t.Fatal(err)
	}
	startProcess(t, "redis-server", conf, "--sentinel")
	waitRedis(t, sentinelPort)
	roundTrip(t, fmt.Sprintf("redis-sentinel://127.0.0.1:%d/0?master=clearpost", sentinelPort))

	var nodes []string
	for range 3 {
		port := redisServer(t, "--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(t.TempDir(), "nodes.conf"), "--save", "", "--appendonly", "no")
		nodes = append(nodes, fmt.Sprintf("127.0.0.1:%d", port))
	}
	create := exec.Command("redis-cli", append(append([]string{"--cluster", "create"}, nodes...), "--cluster-replicas", "0", "--cluster-yes")...)
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("create cluster: %v\n%s", err, out)
	}
	waitFor(t, 20*time.Second, "every node to see the cluster ok", func() bool {
		for _, n := range nodes {
			out, _ := exec.Command("redis-cli", "-h", "127.0.0.1", "-p", strings.Split(n, ":")[1], "cluster", "info").Output()
			if !strings.Contains(string(out), "cluster_state:ok") {
				return false
			}
		}
		return true
	})
	roundTrip(t, "redis-cluster://"+strings.Join(nodes, ","))
}

// roundTrip enqueues a task through url and runs it with a worker on url.
func roundTrip(t *testing.T, url string) {
	t.Helper()
	opt, err := ParseRedisURL(url)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	w := NewWorker(opt, testLogger(t, slog.LevelWarn), 2)
	w.Handle(TypeSearchIndex, asynq.HandlerFunc(func(_ context.Context, task *asynq.Task) error {
		done <- string(task.Payload())
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(ctx) })
	defer func() {
		cancel()
		wg.Wait()
	}()
	c := asynq.NewClient(opt)
	defer c.Close()
	if _, err := c.Enqueue(asynq.NewTask(TypeSearchIndex, []byte(url)), asynq.Queue(QueueFor(TypeSearchIndex))); err != nil {
		t.Fatalf("enqueue through %s: %v", url, err)
	}
	select {
	case got := <-done:
		if got != url {
			t.Errorf("task through %s carried %q", url, got)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the task enqueued through %s never ran", url)
	}
}

// redisServer starts a throwaway redis-server on a free loopback port with args, stopped when t
// ends, and returns its port.
func redisServer(t *testing.T, args ...string) int {
	t.Helper()
	port := freePort(t)
	startProcess(t, "redis-server", append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir()}, args...)...)
	waitRedis(t, port)
	return port
}

func startProcess(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
}

func waitRedis(t *testing.T, port int) {
	t.Helper()
	waitFor(t, 10*time.Second, fmt.Sprintf("redis on port %d", port), func() bool {
		out, err := exec.Command("redis-cli", "-p", strconv.Itoa(port), "ping").Output()
		return err == nil && strings.TrimSpace(string(out)) == "PONG"
	})
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
