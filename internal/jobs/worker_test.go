package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestQueueFor(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]string{
		TypeSearchIndex:   QueueCritical,
		TypeSearchDelete:  QueueCritical,
		"publish:channel": QueueCritical,
		"notify:email":    QueueDefault,
		"report:daily":    QueueLow,
		"odd":             QueueDefault,
	} {
		if got := QueueFor(typ); got != want {
			t.Errorf("QueueFor(%q) = %q, want %q", typ, got, want)
		}
		if _, ok := queuePriorities[QueueFor(typ)]; !ok {
			t.Errorf("QueueFor(%q) = %q, a queue the worker does not serve", typ, QueueFor(typ))
		}
	}
}

func TestCheckRoutes(t *testing.T) {
	t.Parallel()
	w := NewWorker(asynq.RedisClientOpt{Addr: "127.0.0.1:1"}, slog.New(slog.DiscardHandler), 1)
	defer w.Shutdown()
	routes := Routes{TopicPostApproved: {TypeSearchIndex, "notify:approved"}, TopicPostUnapproved: {TypeSearchDelete}}
	w.Handle("search:", asynq.HandlerFunc(func(context.Context, *asynq.Task) error { return nil }))
	err := w.CheckRoutes(routes)
	if err == nil || !strings.Contains(err.Error(), "notify:approved") || strings.Contains(err.Error(), "search:") {
		t.Errorf("CheckRoutes = %v, want notify:approved alone missing", err)
	}
	w.Handle("notify:approved", asynq.HandlerFunc(func(context.Context, *asynq.Task) error { return nil }))
	if err := w.CheckRoutes(routes); err != nil {
		t.Errorf("CheckRoutes = %v, want nil", err)
	}
}

func TestAsynqLoggerWritesStructuredRecords(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	l := AsynqLogger(log)
	l.Info("hidden")
	l.Warn("lease ", 3, " lost")
	if got := buf.String(); strings.Contains(got, "hidden") || !strings.Contains(got, `msg="lease 3 lost"`) || !strings.Contains(got, "component=asynq") {
		t.Errorf("log output %q", got)
	}
	for range 3 {
		l.Error("dial tcp: connection refused")
	}
	if n := strings.Count(buf.String(), "connection refused"); n != 1 {
		t.Errorf("a repeated error was logged %d times within the window, want once", n)
	}
	if lvl := asynqLogLevel(log); lvl != asynq.WarnLevel {
		t.Errorf("asynq level %v, want warn", lvl)
	}
	if lvl := asynqLogLevel(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))); lvl != asynq.InfoLevel {
		t.Errorf("asynq level for a debug logger %v, want info", lvl)
	}
}

func TestAsynqLoggerCountsRepeats(t *testing.T) {
	t.Parallel()
	l := AsynqLogger(slog.New(slog.DiscardHandler)).(*asynqLogger)
	now := time.Now()
	if _, ok := l.admit("m", now); !ok {
		t.Fatal("first message held back")
	}
	for i := range 4 {
		if _, ok := l.admit("m", now.Add(time.Duration(i+1)*time.Second)); ok {
			t.Fatal("repeat within the window logged")
		}
	}
	if n, ok := l.admit("m", now.Add(asynqRepeatWindow+time.Second)); !ok || n != 4 {
		t.Errorf("after the window: admit = %d, %v; want 4, true", n, ok)
	}
	for i := range 300 {
		l.admit(fmt.Sprintf("task %d failed", i), now)
	}
	if len(l.seen) > 256 {
		t.Errorf("%d messages remembered, want at most 256", len(l.seen))
	}
}
