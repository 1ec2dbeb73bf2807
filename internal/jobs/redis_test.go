package jobs

import (
	"strings"
	"testing"

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
