package advocacy_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"clearpost/internal/advocacy"
	"clearpost/internal/auth"
	"clearpost/internal/content"
	"clearpost/internal/jobs"
	"clearpost/internal/postgres/pgtest"
	"clearpost/internal/secretbox"
)

// BenchmarkRedirect follows a tracked link over real HTTP from parallel clients, each request from
// a new visitor (so each one is a click, buffered and written to the outbox in batches while the
// clients run), and reports redirects per second.
func BenchmarkRedirect(b *testing.B) {
	pool := pgtest.New(b)
	keys, err := secretbox.Parse(secretbox.NewKey("bench"))
	if err != nil {
		b.Fatal(err)
	}
	svc := advocacy.NewService(pool, keys, nil, publicURL)
	org := mustOrg(b, pool, "bench")
	employee := mustUser(b, pool, org, "employee@bench.test", "Emma", auth.RoleEmployee)
	post, _ := mustPost(b, pool, org, employee.UserID, content.StateApproved, sharedContent(false))
	mustBoard(b, pool, org, employee.UserID, nil, post)
	sh, err := svc.Share(auth.WithPrincipal(context.Background(), employee), advocacy.ShareInput{PostID: post, Network: "linkedin"})
	if err != nil {
		b.Fatal(err)
	}
	ls := newLinkServer(b, pool)
	transport := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	b.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{
		Transport:     transport,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	link := ls.url + "/s/" + sh.Code

	var visitors atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, link, nil)
			// A visitor is an address: each request comes from another one.
			v := visitors.Add(1)
			req.Header.Set("User-Agent", browserUA)
			req.Header.Set(clientAddrHeader, fmt.Sprintf("10.%d.%d.%d:40000", byte(v>>16), byte(v>>8), byte(v)))
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "redirects/s")
	waitWritten(b, ls.redirect)
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE topic = $1`, jobs.TopicShareClicked).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n != b.N {
		b.Fatalf("%d clicks in the outbox for %d redirects", n, b.N)
	}
}
