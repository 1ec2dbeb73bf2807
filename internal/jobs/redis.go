package jobs

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/hibiken/asynq"
)

// ParseRedisURL turns CLEARPOST_REDIS_URL into asynq connection options. It accepts
// redis://[user:password@]host:port[/db], rediss:// (TLS), redis-socket:///path?db=N and
// redis-sentinel://[:password@]host1:port,host2:port?master=name. Errors never repeat the password.
func ParseRedisURL(raw string) (asynq.RedisConnOpt, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("parse redis url: not a URL")
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
