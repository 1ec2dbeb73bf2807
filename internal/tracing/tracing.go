// Package tracing is Clearpost's OpenTelemetry tracing: an OTLP exporter when an endpoint is
// configured (off by default), the W3C trace context carried from an HTTP request through the
// outbox and Redis to the task that follows, and the trace id in log lines.
package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Provider is where spans go: an exporting provider, or one that records nothing.
type Provider struct {
	trace.TracerProvider
	flush, shutdown func(context.Context) error
}

// New returns a provider exporting to the OTLP/HTTP collector at endpoint (its base URL, e.g.
// http://collector:4318; spans go to /v1/traces), or, when endpoint is empty, one that records
// nothing at no cost.
func New(endpoint, service string) (*Provider, error) {
	if endpoint == "" {
		none := func(context.Context) error { return nil }
		return &Provider{TracerProvider: noop.NewTracerProvider(), flush: none, shutdown: none}, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("want the collector's base URL, e.g. http://collector:4318")
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(u.String()))
	if err != nil {
		return nil, fmt.Errorf("otlp exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(service))),
	)
	return &Provider{TracerProvider: tp, flush: tp.ForceFlush, shutdown: tp.Shutdown}, nil
}

// Flush sends the spans ended so far.
func (p *Provider) Flush(ctx context.Context) error { return p.flush(ctx) }

// Shutdown sends the spans still buffered and stops exporting.
func (p *Provider) Shutdown(ctx context.Context) error { return p.shutdown(ctx) }

var propagator = propagation.TraceContext{}

// Inject returns the W3C traceparent of ctx's span, or "" when ctx carries none.
func Inject(ctx context.Context) string {
	c := propagation.MapCarrier{}
	propagator.Inject(ctx, c)
	return c.Get("traceparent")
}

// Extract returns ctx continuing the trace of traceparent (as Inject wrote it).
func Extract(ctx context.Context, traceparent string) context.Context {
	if traceparent == "" {
		return ctx
	}
	return propagator.Extract(ctx, propagation.MapCarrier{"traceparent": traceparent})
}

// LogHandler adds the trace and span ids of a record's context to every record h handles, so
// that a log line leads to its trace.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.Handler.WithGroup(name)} }
