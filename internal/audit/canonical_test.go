package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"plain", `"plain"`},
		{`say "hi" \ there`, `"say \"hi\" \\ there"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f" + `"`},
		{"<a&b>", `"<a&b>"`},
		{"ünïcödé ✓ 🎉 \u2028\u2029", "\"ünïcödé ✓ 🎉 \u2028\u2029\""},
		{"bad \xff utf8 \xe2\x82", "\"bad \uFFFD utf8 \uFFFD\uFFFD\""},
	}
	for _, tt := range tests {
		got := string(appendJSONString(nil, []byte(tt.in)))
		if got != tt.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("appendJSONString(%q) = %s: not valid JSON", tt.in, got)
		}
		if utf8.ValidString(tt.in) {
			var back string
			if err := json.Unmarshal([]byte(got), &back); err != nil || back != tt.in {
				t.Errorf("appendJSONString(%q) decodes to %q, %v", tt.in, back, err)
			}
		}
	}
}

// FuzzJSONString checks that any string encodes to valid JSON that decodes and re-encodes to the
// same bytes: the round trip an export goes through.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c", "\x00\x1f\x7f", "\xff\xfe", "é\u2028🎉", "\xed\xa0\x80"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		enc := appendJSONString(nil, s)
		if !json.Valid(enc) {
			t.Fatalf("%q encodes to invalid JSON %s", s, enc)
		}
		var back string
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatal(err)
		}
		if again := appendJSONString(nil, []byte(back)); !bytes.Equal(again, enc) {
			t.Fatalf("%q: round trip changes %s to %s", s, enc, again)
		}
	})
}

func TestAppendCompactJSON(t *testing.T) {
	t.Parallel()
	tests := []string{
		`{}`,
		`{"a": 1, "b": [1, 2, {"c": null}], "d": "x y\t\" z \\"}`,
		"{\n\t\"k\" :\r\n \"v\\\\\" }",
		`[ "\" ", " \\", "\u0020" ]`,
		` 12.5e3 `,
	}
	for _, in := range tests {
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(in)); err != nil {
			t.Fatal(err)
		}
		if got := appendCompactJSON(nil, []byte(in)); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("appendCompactJSON(%q) = %s, want %s", in, got, want.Bytes())
		}
	}
}

// FuzzCompactJSON checks appendCompactJSON against json.Compact on valid JSON.
func FuzzCompactJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, "b c", {"d\"": "\\"}]}`, `"x"`, " [ ] "} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !json.Valid(src) {
			return
		}
		var want bytes.Buffer
		if err := json.Compact(&want, src); err != nil {
			t.Fatal(err)
		}
		if got := appendCompactJSON(nil, src); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("appendCompactJSON(%q) = %s, want %s", src, got, want.Bytes())
		}
	})
}

func TestAppendTime(t *testing.T) {
	t.Parallel()
	for _, tm := range []time.Time{
		time.Date(2026, 3, 9, 14, 5, 7, 123456000, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600)),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
	} {
		us := tm.UnixMicro()
		want := tm.UTC().Format(TimeLayout)
		if got := string(appendTime(nil, us)); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
		}
		if !validTime(us) {
			t.Errorf("validTime(%v) = false", tm)
		}
	}
	if validTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()) || validTime(minTime-1) {
		t.Error("validTime accepts a year outside 0000-9999")
	}
}

// TestCanonicalGolden pins the canonical form and the hash: changing either breaks every chain
// already sealed.
func TestCanonicalGolden(t *testing.T) {
	t.Parallel()
	org := uuid.MustParse("0f8b2a4c-1d2e-4f60-8a9b-0c1d2e3f4a5b")
	ev := chainEvent{
		ID:          42,
		Seq:         7,
		OccurredAt:  time.Date(2026, 3, 9, 14, 5, 7, 123456000, time.UTC).UnixMicro(),
		ActorID:     uuid.MustParse("a1b2c3d4-e5f6-4789-9abc-def012345678"),
		HasActor:    true,
		ActorEmail:  []byte("ana@example.com"),
		Action:      []byte("decision.approved"),
		SubjectType: []byte("post"),
		SubjectID:   []byte("p-1"),
		RequestID:   []byte("req-9"),
		IP:          []byte("192.0.2.1"),
		Details:     []byte(`{"stage": "legal", "comment": "ok \"fine\""}`),
	}
	const want = `{"org_id":"0f8b2a4c-1d2e-4f60-8a9b-0c1d2e3f4a5b","seq":7,"event_id":42,` +
		`"occurred_at":"2026-03-09T14:05:07.123456Z","actor_id":"a1b2c3d4-e5f6-4789-9abc-def012345678",` +
		`"actor_email":"ana@example.com","action":"decision.approved","subject_type":"post",` +
		`"subject_id":"p-1","request_id":"req-9","ip":"192.0.2.1",` +
		`"details":{"stage":"legal","comment":"ok \"fine\""}}`
	if got := string(appendCanonical(nil, org, &ev)); got != want {
		t.Fatalf("canonical bytes\n got %s\nwant %s", got, want)
	}
	sum, _ := eventHash(nil, org, genesis[:], &ev)
	const goldenHash = "60de139bfca26f2227d74acc42f8a07d00a513bce88e55efed4a223a48d5b375"
	wantSum := sha256.Sum256(append(make([]byte, HashSize), want...))
	if sum != wantSum {
		t.Fatalf("hash %x, want SHA-256(genesis || canonical) %x", sum, wantSum)
	}

	ev.HasActor = false
	if got := string(appendCanonical(nil, org, &ev)); !bytes.Contains([]byte(got), []byte(`"actor_id":null,`)) {
		t.Fatalf("no actor: %s", got)
	}
	if got := hex.EncodeToString(sum[:]); got != goldenHash {
		t.Fatalf("hash %s, want %s", got, goldenHash)
	}
}

func BenchmarkCanonicalHash(b *testing.B) {
	org := uuid.New()
	ev := chainEvent{
		ID: 123456, Seq: 123000, OccurredAt: time.Now().UnixMicro(), ActorID: uuid.New(), HasActor: true,
		ActorEmail: []byte("reviewer@example.com"), Action: []byte("decision.approved"),
		SubjectType: []byte("post"), SubjectID: []byte(uuid.NewString()), RequestID: []byte("01J9Z3K8Q1"),
		IP: []byte("203.0.113.9"), Details: []byte(`{"n": 1, "stage": "legal", "comment": "Looks good to me"}`),
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		_, buf = eventHash(buf, org, genesis[:], &ev)
	}
}
