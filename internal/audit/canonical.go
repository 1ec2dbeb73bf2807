package audit

import (
	"crypto/sha256"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// HashSize is the size of an event hash and of a chain head hash (SHA-256).
const HashSize = sha256.Size

// genesis is the prev_hash of an organization's first event.
var genesis [HashSize]byte

// TimeLayout is how occurred_at and signed_at are written in canonical bytes and exports: UTC with
// microseconds, always 27 characters.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// chainEvent is an event as the chain covers it. Text fields are raw UTF-8 and may alias a buffer
// that the reader reuses for the next event.
type chainEvent struct {
	ID          int64
	Seq         int64
	OccurredAt  int64 // microseconds since the Unix epoch
	ActorID     uuid.UUID
	HasActor    bool
	ActorEmail  []byte
	Action      []byte
	SubjectType []byte
	SubjectID   []byte
	RequestID   []byte
	IP          []byte
	Details     []byte // JSON text, compacted when encoded
	PrevHash    []byte
	Hash        []byte
}

// appendCanonical appends the canonical bytes of ev, the content its hash covers, as the package
// documentation describes them.
func appendCanonical(dst []byte, orgID uuid.UUID, ev *chainEvent) []byte {
	return append(appendCanonicalFields(dst, orgID, ev), '}')
}

// appendCanonicalFields is appendCanonical without the closing brace, so an export line can add
// fields after it.
func appendCanonicalFields(dst []byte, orgID uuid.UUID, ev *chainEvent) []byte {
	dst = append(dst, `{"org_id":"`...)
	dst = appendUUID(dst, orgID)
	dst = append(dst, `","seq":`...)
	dst = strconv.AppendInt(dst, ev.Seq, 10)
	dst = append(dst, `,"event_id":`...)
	dst = strconv.AppendInt(dst, ev.ID, 10)
	dst = append(dst, `,"occurred_at":"`...)
	dst = appendTime(dst, ev.OccurredAt)
	dst = append(dst, `","actor_id":`...)
	if ev.HasActor {
		dst = append(dst, '"')
		dst = appendUUID(dst, ev.ActorID)
		dst = append(dst, '"')
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"actor_email":`...)
	dst = appendJSONString(dst, ev.ActorEmail)
	dst = append(dst, `,"action":`...)
	dst = appendJSONString(dst, ev.Action)
	dst = append(dst, `,"subject_type":`...)
	dst = appendJSONString(dst, ev.SubjectType)
	dst = append(dst, `,"subject_id":`...)
	dst = appendJSONString(dst, ev.SubjectID)
	dst = append(dst, `,"request_id":`...)
	dst = appendJSONString(dst, ev.RequestID)
	dst = append(dst, `,"ip":`...)
	dst = appendJSONString(dst, ev.IP)
	dst = append(dst, `,"details":`...)
	return appendCompactJSON(dst, ev.Details)
}

// eventHash returns SHA-256(prev || canonical bytes of ev). buf is scratch space, returned for
// reuse.
func eventHash(buf []byte, orgID uuid.UUID, prev []byte, ev *chainEvent) ([HashSize]byte, []byte) {
	buf = append(buf[:0], prev...)
	buf = appendCanonical(buf, orgID, ev)
	return sha256.Sum256(buf), buf
}

const hexDigits = "0123456789abcdef"

// appendUUID appends id in its canonical lowercase 8-4-4-4-12 form.
func appendUUID(dst []byte, id uuid.UUID) []byte {
	for i, b := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0x0f])
	}
	return dst
}

// appendTime appends the instant us (microseconds since the Unix epoch) in TimeLayout. The year
// must be within 0..9999 (see validTime).
func appendTime(dst []byte, us int64) []byte {
	t := time.UnixMicro(us).UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	micro := t.Nanosecond() / 1000
	dst = appendDigits(dst, year, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, day, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, minute, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec, 2)
	dst = append(dst, '.')
	dst = appendDigits(dst, micro, 6)
	return append(dst, 'Z')
}

// minTime and maxTime bound the instants TimeLayout can write: years 0000 to 9999.
var (
	minTime = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	maxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro() - 1
)

// validTime reports whether appendTime can write us in TimeLayout.
func validTime(us int64) bool { return us >= minTime && us <= maxTime }

// appendDigits appends the non-negative v zero-padded to width digits.
func appendDigits(dst []byte, v, width int) []byte {
	var b [8]byte
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[:width]...)
}

// jsonSafe marks the ASCII bytes a JSON string holds unescaped.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString appends s as a JSON string in canonical form (see appendCanonical).
// strconv.AppendQuote would not do: Go escapes differ from JSON's (\x00, \a, \v, \U...).
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0x0f])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendCompactJSON appends the valid JSON text src without insignificant whitespace; for valid
// JSON its output is what json.Compact writes. It does not validate: PostgreSQL's jsonb output and
// json.RawMessage values decoded by encoding/json are valid already.
func appendCompactJSON(dst, src []byte) []byte {
	start := 0
	inString, escaped := false, false
	for i, c := range src {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			dst = append(dst, src[start:i]...)
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
}
