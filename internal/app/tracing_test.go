package app_test

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"clearpost/internal/config"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// receiver is an OTLP/HTTP trace collector in the test process: it keeps every span it is sent.
type receiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "want POST /v1/traces with a protobuf body", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(r.Body)
	var req collectortrace.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(body, &req)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			rc.spans = append(rc.spans, ss.Spans...)
		}
	}
	rc.mu.Unlock()
	b, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(b)
}

// find returns a span named name whose parent is parent (any parent when nil).
func (rc *receiver) find(name string, parent *tracepb.Span) *tracepb.Span {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, s := range rc.spans {
		if s.Name == name && (parent == nil || (string(s.TraceId) == string(parent.TraceId) && string(s.ParentSpanId) == string(parent.SpanId))) {
			return s
		}
	}
	return nil
}

func (rc *receiver) span(id []byte) *tracepb.Span {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, s := range rc.spans {
		if string(s.SpanId) == string(id) {
			return s
		}
	}
	return nil
}

// One trace follows a publication: the GraphQL request that approves the post, through the
// outbox and Redis, to the publish task and the platform call it makes.
func TestTracesFollowAPublicationFromRequestToPlatform(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	collector := httptest.NewServer(rc)
	t.Cleanup(collector.Close) // after the app's shutdown has sent its last spans
	p, f := setupPublishing(t, func(c *config.Config) { c.OTLPEndpoint = collector.URL })
	webhook := p.channel(t, "webhook", "Automation", f.webhook.Credentials())
	pp := p.create(t, "Traced launch")
	p.Must(t, p.tok["marketer"], schedulePost, map[string]any{"in": map[string]any{
		"postId": pp.ID, "channelIds": []string{webhook}, "at": time.Now().Add(2 * time.Second).UTC().Format("2006-01-02T15:04:05"), "timeZone": "UTC"}}, nil)
	p.approvePost(t, pp)
	p.waitJobs(t, pp.ID, 20*time.Second, "the post to publish", allStatus(1, "PUBLISHED"))

	var task, call *tracepb.Span
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := p.App.Tracing.Flush(context.Background()); err != nil {
			t.Fatalf("flush: %v", err)
		}
		if task = rc.find("task publish:channel", nil); task != nil {
			if call = rc.find("webhook POST", task); call != nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no publish task span with its platform call (task %v)", task)
		}
	}
	request := rc.span(task.ParentSpanId)
	if request == nil || request.Name != "POST /graphql" || request.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Fatalf("the publish task's parent is %v, want the POST /graphql request that approved the post", request)
	}
	if call.Kind != tracepb.Span_SPAN_KIND_CLIENT {
		t.Errorf("platform call span kind %v", call.Kind)
	}
	// What the request sent to the platform carries no trace context of ours.
	for _, d := range f.webhook.Deliveries() {
		if strings.Contains(strings.ToLower(d.Header.Get("Traceparent")), hex.EncodeToString(task.TraceId)) {
			t.Errorf("the platform was sent our trace id")
		}
	}
}
