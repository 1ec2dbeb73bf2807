package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/hibiken/asynq"
)

// asynqRepeatWindow is how long an identical asynq warning or error is held back after it was
// logged: while Redis is down asynq reports the same failure several times a second.
const asynqRepeatWindow = 10 * time.Second

// AsynqLogger gives asynq (its server and scheduler) Clearpost's structured logger: asynq's
// messages become records with component=asynq, and a warning or error that repeats within ten
// seconds is counted instead of logged again.
func AsynqLogger(log *slog.Logger) asynq.Logger {
	return &asynqLogger{log: log.With(slog.String("component", "asynq")), seen: map[string]*repeat{}}
}

type asynqLogger struct {
	log  *slog.Logger
	mu   sync.Mutex
	seen map[string]*repeat
}

// repeat is when a message was last logged and how often it came since.
type repeat struct {
	at         time.Time
	suppressed int
}

func (l *asynqLogger) Debug(args ...any) { l.emit(slog.LevelDebug, args) }
func (l *asynqLogger) Info(args ...any)  { l.emit(slog.LevelInfo, args) }
func (l *asynqLogger) Warn(args ...any)  { l.emit(slog.LevelWarn, args) }
func (l *asynqLogger) Error(args ...any) { l.emit(slog.LevelError, args) }

// Fatal logs at error level and exits, as asynq.Logger requires.
func (l *asynqLogger) Fatal(args ...any) {
	l.log.Log(context.Background(), slog.LevelError, fmt.Sprint(args...))
	os.Exit(1)
}

func (l *asynqLogger) emit(level slog.Level, args []any) {
	ctx := context.Background()
	if !l.log.Enabled(ctx, level) {
		return
	}
	msg := fmt.Sprint(args...)
	if level < slog.LevelWarn {
		l.log.Log(ctx, level, msg)
		return
	}
	suppressed, ok := l.admit(msg, time.Now())
	if !ok {
		return
	}
	if suppressed > 0 {
		l.log.Log(ctx, level, msg, slog.Int("repeated", suppressed))
		return
	}
	l.log.Log(ctx, level, msg)
}

// admit reports whether msg may be logged now, and how many times it was held back since it last
// was.
func (l *asynqLogger) admit(msg string, now time.Time) (suppressed int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, found := l.seen[msg]
	if found && now.Sub(r.at) < asynqRepeatWindow {
		r.suppressed++
		return 0, false
	}
	if !found {
		if len(l.seen) >= 256 { // messages naming task ids never repeat: keep the map small
			for k, v := range l.seen {
				if now.Sub(v.at) >= asynqRepeatWindow {
					delete(l.seen, k)
				}
			}
		}
		if len(l.seen) >= 256 {
			clear(l.seen)
		}
		r = &repeat{}
		l.seen[msg] = r
	}
	suppressed = r.suppressed
	r.at, r.suppressed = now, 0
	return suppressed, true
}

// asynqLogLevel is the least severe level log enables, but never debug: asynq's debug output is a
// line per empty poll, several times a second.
func asynqLogLevel(log *slog.Logger) asynq.LogLevel {
	ctx := context.Background()
	switch {
	case log.Enabled(ctx, slog.LevelInfo):
		return asynq.InfoLevel
	case log.Enabled(ctx, slog.LevelWarn):
		return asynq.WarnLevel
	default:
		return asynq.ErrorLevel
	}
}
