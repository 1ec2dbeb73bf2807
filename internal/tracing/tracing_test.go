package tracing

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func TestLogLinesCarryTheTraceID(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewTextHandler(&buf, nil))).With("component", "test")
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	ctx, span := tp.Tracer("test").Start(context.Background(), "request")
	log.InfoContext(ctx, "inside")
	span.End()
	log.InfoContext(context.Background(), "outside")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	id := span.SpanContext().TraceID().String()
	if len(lines) != 2 || !strings.Contains(lines[0], "trace_id="+id) || !strings.Contains(lines[0], "component=test") {
		t.Errorf("line in the span = %q, want trace_id=%s", lines[0], id)
	}
	if strings.Contains(lines[len(lines)-1], "trace_id") {
		t.Errorf("line outside any span = %q, want no trace_id", lines[len(lines)-1])
	}
}

func TestTraceContextRoundTrip(t *testing.T) {
	t.Parallel()
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	ctx, span := tp.Tracer("test").Start(context.Background(), "request")
	defer span.End()
	tpHeader := Inject(ctx)
	got := trace.SpanContextFromContext(Extract(context.Background(), tpHeader))
	if !got.IsRemote() || got.TraceID() != span.SpanContext().TraceID() || got.SpanID() != span.SpanContext().SpanID() {
		t.Errorf("Extract(Inject) = %v, want the span %v", got, span.SpanContext())
	}
	if Inject(context.Background()) != "" {
		t.Error("an untraced context injected a traceparent")
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	p, err := New("", "clearpost")
	if err != nil {
		t.Fatal(err)
	}
	if _, span := p.Tracer("x").Start(context.Background(), "noop"); span.IsRecording() {
		t.Error("tracing without an endpoint records spans")
	}
	for _, bad := range []string{"collector:4318", "ftp://collector", "http://"} {
		if _, err := New(bad, "clearpost"); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}
