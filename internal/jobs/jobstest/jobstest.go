// Package jobstest gives each test its own Redis database, and a connection to it that a test can
// cut and restore, so that tests run in parallel against the real Redis and can take Redis away
// from the code under test without stopping the server other tests share.
//
// The server is CLEARPOST_TEST_REDIS_URL (default redis://127.0.0.1:6379). Tests lease one of
// databases 10 to 15: the lease is a key in the database itself, taken with SET NX, so test
// binaries running at once (go test ./...) never share a database.
package jobstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// DefaultURL is the Redis server tests use unless CLEARPOST_TEST_REDIS_URL says otherwise.
const DefaultURL = "redis://127.0.0.1:6379"

// The databases tests lease, and how.
const (
	firstDB   = 10
	lastDB    = 15
	leaseKey  = "clearpost:test-lease"
	leaseTTL  = 2 * time.Minute
	leaseWait = 5 * time.Minute // how long NewRedis waits for a free database before failing
)

// ServerURL returns the test Redis server's URL.
func ServerURL() string {
	if u := os.Getenv("CLEARPOST_TEST_REDIS_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Redis is one test's Redis database: empty when the test starts, flushed when it ends.
type Redis struct {
	Addr     string
	Password string
	DB       int
}

// Opt returns asynq connection options for the database.
func (r Redis) Opt() asynq.RedisClientOpt {
	return asynq.RedisClientOpt{Addr: r.Addr, Password: r.Password, DB: r.DB}
}

// URL returns the database as a CLEARPOST_REDIS_URL.
func (r Redis) URL() string {
	u := url.URL{Scheme: "redis", Host: r.Addr, Path: "/" + strconv.Itoa(r.DB)}
	if r.Password != "" {
		u.User = url.UserPassword("", r.Password)
	}
	return u.String()
}

// Via returns r reached through addr instead (a Proxy's address).
func (r Redis) Via(addr string) Redis {
	r.Addr = addr
	return r
}

// NewRedis leases an empty database for tb, flushed and released when tb ends.
func NewRedis(tb testing.TB) Redis {
	tb.Helper()
	server, err := asynq.ParseRedisURI(ServerURL())
	if err != nil {
		tb.Fatalf("CLEARPOST_TEST_REDIS_URL: %v", err)
	}
	base, ok := server.(asynq.RedisClientOpt)
	if !ok {
		tb.Fatalf("CLEARPOST_TEST_REDIS_URL: want a redis:// URL")
	}
	token := randomToken()
	ctx := context.Background()
	deadline := time.Now().Add(leaseWait)
	for {
		for db := firstDB; db <= lastDB; db++ {
			c := redis.NewClient(&redis.Options{Addr: base.Addr, Password: base.Password, DB: db})
			got, err := lease(ctx, c, token)
			if err != nil {
				c.Close()
				tb.Fatalf("lease a test database on redis %s: %v (is Redis running? `make deps` starts it)", base.Addr, err)
			}
			if !got {
				c.Close()
				continue
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() { renew(c, token, stop) })
			tb.Cleanup(func() {
				close(stop)
				wg.Wait()
				if err := release(ctx, c, token); err != nil {
					tb.Errorf("flush test redis database %d: %v", db, err)
				}
				c.Close()
			})
			return Redis{Addr: base.Addr, Password: base.Password, DB: db}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no free test database on redis %s (databases %d-%d all leased for %v)", base.Addr, firstDB, lastDB, leaseWait)
		}
		time.Sleep(50 * time.Millisecond) // waiting for another test to release a database
	}
}

// Wipe empties the database but for its lease, as Redis restarting without its data would: every
// task, scheduled or not, is gone.
func (r Redis) Wipe(tb testing.TB) {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: r.Addr, Password: r.Password, DB: r.DB})
	defer c.Close()
	ctx := context.Background()
	err := c.Watch(ctx, func(tx *redis.Tx) error {
		token, err := tx.Get(ctx, leaseKey).Result()
		if err != nil {
			return fmt.Errorf("lease: %w", err)
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.FlushDB(ctx)
			p.Set(ctx, leaseKey, token, leaseTTL)
			return nil
		})
		return err
	}, leaseKey)
	if err != nil {
		tb.Fatalf("wipe test redis database %d: %v", r.DB, err)
	}
}

// lease takes c's database if nobody holds it and empties it, keeping the lease.
func lease(ctx context.Context, c *redis.Client, token string) (bool, error) {
	ok, err := c.SetNX(ctx, leaseKey, token, leaseTTL).Result()
	if err != nil || !ok {
		return false, err
	}
	_, err = c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.FlushDB(ctx)
		p.Set(ctx, leaseKey, token, leaseTTL)
		return nil
	})
	return err == nil, err
}

// renew keeps the lease alive for tests that run longer than leaseTTL (benchmarks).
func renew(c *redis.Client, token string, stop <-chan struct{}) {
	t := time.NewTicker(leaseTTL / 4)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if v, err := c.Get(ctx, leaseKey).Result(); err == nil && v == token {
				c.Expire(ctx, leaseKey, leaseTTL)
			}
			cancel()
		}
	}
}

// release flushes the database (which drops the lease) if the lease is still token's.
func release(ctx context.Context, c *redis.Client, token string) error {
	err := c.Watch(ctx, func(tx *redis.Tx) error {
		v, err := tx.Get(ctx, leaseKey).Result()
		if errors.Is(err, redis.Nil) || (err == nil && v != token) {
			return nil // expired, and maybe someone else's now: not ours to flush
		}
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.FlushDB(ctx)
			return nil
		})
		return err
	}, leaseKey)
	return err
}

func randomToken() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Proxy is a TCP proxy to a Redis server that a test stops and starts: stopped, it drops every
// connection and refuses new ones, which to a client is a Redis that went down; started again, it
// listens on the same address, which is Redis coming back.
type Proxy struct {
	tb     testing.TB
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewProxy starts a proxy to target ("host:port") on a free loopback port, closed when tb ends.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{tb: tb, target: target, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	tb.Cleanup(func() {
		p.Stop()
		p.wg.Wait()
	})
	return p
}

// Addr is where clients connect.
func (p *Proxy) Addr() string { return p.addr }

// Stop refuses new connections and cuts the open ones.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Start accepts connections again, on the same address.
func (p *Proxy) Start() {
	p.tb.Helper()
	p.mu.Lock()
	running := p.ln != nil
	p.mu.Unlock()
	if running {
		return
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.tb.Fatalf("proxy listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Go(func() { p.pipe(c) })
		}
	})
}

// pipe copies between client and a new connection to the target until either side closes.
func (p *Proxy) pipe(client net.Conn) {
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		client.Close()
		return
	}
	if !p.track(client, server) {
		client.Close()
		server.Close()
		return
	}
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go cp(server, client)
	go cp(client, server)
	<-done
	client.Close()
	server.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}

// track registers an accepted pair unless the proxy was stopped meanwhile.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

// String names the proxy in test output.
func (p *Proxy) String() string { return fmt.Sprintf("redis proxy %s -> %s", p.addr, p.target) }
