package jobs

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/hibiken/asynq"
)

// ParseRedisURL turns CLEARPOST_REDIS_URL into asynq connection options. It accepts
//   - redis://[user:password@]host:port[/db], and rediss:// (TLS): one server;
//   - redis-socket:///path?db=N: one server on a Unix socket;
//   - redis-sentinel://[:password@]host1:port,host2:port[/db]?master=name: the master the
//     sentinels name, followed through a failover (the password is the master's and the
//     sentinels');
//   - redis-cluster://[:password@]host1:port,host2:port: a Redis Cluster (seed nodes; the rest
//     are discovered).
//
// Errors never repeat the password.
func ParseRedisURL(raw string) (asynq.RedisConnOpt, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("parse redis url: not a URL")
	}
	if u.Scheme == "redis-sentinel" {
		master := u.Query().Get("master")
		db, err := strconv.Atoi(strings.TrimPrefix(cmp.Or(u.Path, "/0"), "/"))
		if u.Host == "" || master == "" || err != nil {
			return nil, fmt.Errorf("parse redis url %s: want redis-sentinel://[:password@]host:port,host:port[/db]?master=name", u.Redacted())
		}
		f := asynq.RedisFailoverClientOpt{MasterName: master, SentinelAddrs: strings.Split(u.Host, ","), DB: db}
		if u.User != nil {
			f.Username = u.User.Username()
			f.Password, _ = u.User.Password()
			f.SentinelPassword = f.Password
		}
		return f, nil
	}
	if u.Scheme == "redis-cluster" {
		if u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("parse redis url %s: want redis-cluster://[:password@]host:port,host:port (a cluster has no database number)", u.Redacted())
		}
		c := asynq.RedisClusterClientOpt{Addrs: strings.Split(u.Host, ",")}
		if u.User != nil {
			c.Username = u.User.Username()
			c.Password, _ = u.User.Password()
		}
		return c, nil
	}
	opt, err := asynq.ParseRedisURI(raw)
	if err != nil {
		return nil, fmt.Errorf("parse redis url %s: %w", u.Redacted(), err)
	}
	// asynq drops the user name; Redis 6 ACL users need it.
	if c, ok := opt.(asynq.RedisClientOpt); ok && u.User != nil {
		c.Username = u.User.Username()
		opt = c
	}
	return opt, nil
}
