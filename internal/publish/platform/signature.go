package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Headers of Clearpost's signed webhook deliveries.
const (
	SignatureHeader      = "X-Clearpost-Signature" // "sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>"
	TimestampHeader      = "X-Clearpost-Timestamp" // Unix seconds
	IdempotencyKeyHeader = "Idempotency-Key"       // stable per delivery: retries carry the same key
)

// DefaultSignatureTolerance is how far a delivery's timestamp may be from the receiver's clock
// when VerifySignature is given no tolerance.
const DefaultSignatureTolerance = 5 * time.Minute

// Errors returned by VerifySignature.
var (
	ErrSignatureMissing   = errors.New("webhook signature missing")
	ErrSignatureTimestamp = errors.New("webhook timestamp missing, malformed or outside the tolerance")
	ErrSignatureMismatch  = errors.New("webhook signature does not match")
)

func signatureMAC(secret []byte, unix int64, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.FormatInt(unix, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac.Sum(nil)
}

// Sign returns the X-Clearpost-Signature value for body sent at ts:
// "sha256=" + hex(HMAC-SHA256(secret, "<unix seconds>." + body)). The matching
// X-Clearpost-Timestamp value is strconv.FormatInt(ts.Unix(), 10).
func Sign(secret []byte, ts time.Time, body []byte) string {
	return "sha256=" + hex.EncodeToString(signatureMAC(secret, ts.Unix(), body))
}

// VerifySignature checks a delivery: header is the X-Clearpost-Signature value (several
// comma-separated "sha256=" values are accepted, so a sender can sign with an old and a new secret
// while rotating), tsHeader the X-Clearpost-Timestamp value, body the raw request body. The
// timestamp must be within tolerance of now (DefaultSignatureTolerance when tolerance <= 0), which
// bounds replays; receivers still dedupe by Idempotency-Key. Comparison is constant-time.
func VerifySignature(secret []byte, header, tsHeader string, body []byte, tolerance time.Duration, now time.Time) error {
	if strings.TrimSpace(header) == "" {
		return ErrSignatureMissing
	}
	tsHeader = strings.TrimSpace(tsHeader)
	if !isDigits(tsHeader) || len(tsHeader) > 12 {
		return ErrSignatureTimestamp
	}
	unix, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return ErrSignatureTimestamp
	}
	if tolerance <= 0 {
		tolerance = DefaultSignatureTolerance
	}
	if age := now.Sub(time.Unix(unix, 0)); age > tolerance || age < -tolerance {
		return fmt.Errorf("%w: timestamp is %s away from now", ErrSignatureTimestamp, age.Round(time.Second))
	}
	if len(secret) == 0 {
		return fmt.Errorf("%w: no secret configured", ErrSignatureMismatch)
	}
	want := signatureMAC(secret, unix, body)
	for _, part := range strings.Split(header, ",") {
		hexSig, ok := strings.CutPrefix(strings.TrimSpace(part), "sha256=")
		if !ok {
			continue
		}
		got, err := hex.DecodeString(hexSig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignatureMismatch
}
