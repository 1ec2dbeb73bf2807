package platform_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
)

func TestSignatureRoundTrip(t *testing.T) {
	t.Parallel()
	secret := []byte("whsec_0123456789abcdef")
	body := []byte(`{"id":"evt_1","type":"post.published"}`)
	ts := time.Unix(1767225600, 0)
	sig := platform.Sign(secret, ts, body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != len("sha256=")+64 {
		t.Fatalf("Sign = %q, want sha256=<64 hex>", sig)
	}
	tsHeader := strconv.FormatInt(ts.Unix(), 10)
	if err := platform.VerifySignature(secret, sig, tsHeader, body, time.Minute, ts.Add(30*time.Second)); err != nil {
		t.Fatalf("VerifySignature: %v", err)
	}
	// A known vector: HMAC-SHA256("whsec_0123456789abcdef", "1767225600." + body).
	if want := "sha256=" + knownHMAC; sig != want {
		t.Errorf("Sign = %s, want %s", sig, want)
	}
}

// knownHMAC was computed independently: printf '1767225600.{"id":"evt_1","type":"post.published"}' |
// openssl dgst -sha256 -hmac whsec_0123456789abcdef
const knownHMAC = "53def766f0cbdc859252bf22e6ede09d138385a8bffc1468ad06de2ab7345d97"

func TestVerifySignatureRefusals(t *testing.T) {
	t.Parallel()
	secret := []byte("whsec_0123456789abcdef")
	body := []byte(`{"id":"evt_1"}`)
	now := time.Unix(1767225600, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := platform.Sign(secret, now, body)
	tests := []struct {
		name             string
		secret           []byte
		header, tsHeader string
		body             []byte
		tolerance        time.Duration
		now              time.Time
		want             error
	}{
		{"wrong secret", []byte("another-secret-value"), sig, ts, body, time.Minute, now, platform.ErrSignatureMismatch},
		{"tampered body", secret, sig, ts, []byte(`{"id":"evt_2"}`), time.Minute, now, platform.ErrSignatureMismatch},
		{"timestamp swapped", secret, sig, strconv.FormatInt(now.Unix()+1, 10), body, time.Minute, now, platform.ErrSignatureMismatch},
		{"stale", secret, sig, ts, body, 5 * time.Minute, now.Add(6 * time.Minute), platform.ErrSignatureTimestamp},
		{"from the future", secret, sig, ts, body, 5 * time.Minute, now.Add(-6 * time.Minute), platform.ErrSignatureTimestamp},
		{"default tolerance", secret, sig, ts, body, 0, now.Add(platform.DefaultSignatureTolerance + time.Second), platform.ErrSignatureTimestamp},
		{"malformed timestamp", secret, sig, "12:00", body, time.Minute, now, platform.ErrSignatureTimestamp},
		{"missing timestamp", secret, sig, "", body, time.Minute, now, platform.ErrSignatureTimestamp},
		{"missing signature", secret, "", ts, body, time.Minute, now, platform.ErrSignatureMissing},
		{"other scheme", secret, strings.Replace(sig, "sha256=", "sha1=", 1), ts, body, time.Minute, now, platform.ErrSignatureMismatch},
		{"not hex", secret, "sha256=zz", ts, body, time.Minute, now, platform.ErrSignatureMismatch},
		{"empty secret", nil, platform.Sign(nil, now, body), ts, body, time.Minute, now, platform.ErrSignatureMismatch},
	}
	for _, tt := range tests {
		err := platform.VerifySignature(tt.secret, tt.header, tt.tsHeader, tt.body, tt.tolerance, tt.now)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: VerifySignature = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestVerifySignatureAcceptsRotatedSecrets(t *testing.T) {
	t.Parallel()
	oldSecret, newSecret := []byte("old-secret-0123456789"), []byte("new-secret-0123456789")
	body := []byte(`{}`)
	now := time.Now()
	header := platform.Sign(oldSecret, now, body) + ", " + platform.Sign(newSecret, now, body)
	ts := strconv.FormatInt(now.Unix(), 10)
	for _, s := range [][]byte{oldSecret, newSecret} {
		if err := platform.VerifySignature(s, header, ts, body, time.Minute, now); err != nil {
			t.Errorf("VerifySignature with %s: %v", s, err)
		}
	}
}
