package jobs

import (
	"context"
	"log/slog"
	"strings"
	"testing"

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
	if lvl := asynqLogLevel(log); lvl != asynq.WarnLevel {
		t.Errorf("asynq level %v, want warn", lvl)
	}
	if lvl := asynqLogLevel(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))); lvl != asynq.InfoLevel {
		t.Errorf("asynq level for a debug logger %v, want info", lvl)
	}
}
