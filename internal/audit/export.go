package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"clearpost/internal/apperr"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
)

// Export formats.
const (
	// FormatJSONL is JSON Lines: a header line {"format":"clearpost-audit-export-v1","org_id":..,
	// "checkpoint":{..}|null}, then one line per sealed event in seq order: the event's canonical
	// bytes (see the package documentation) with "prev_hash" and "hash" (hex) added before the
	// closing brace.
	FormatJSONL = "jsonl"
	// FormatCSV is CSV with a header row naming csvColumns. The "record" column is "checkpoint" for
	// the one row carrying the latest checkpoint (org_id, seq, occurred_at = signed_at,
	// hash = head hash, public_key, signature), which comes first, and "event" for the sealed
	// events that follow in seq order. details holds the compact JSON text, actor_id is empty for
	// no actor, hashes and keys are hex. Other text is verbatim except that a backslash is written
	// \\ and a carriage return \r, since CSV readers turn CR LF into LF.
	FormatCSV = "csv"
)

// exportFormatID names the JSON Lines export format and its version.
const exportFormatID = "clearpost-audit-export-v1"

var csvColumns = []string{
	"record", "org_id", "seq", "event_id", "occurred_at", "actor_id", "actor_email", "action",
	"subject_type", "subject_id", "request_id", "ip", "details", "prev_hash", "hash",
	"public_key", "signature",
}

// exportHeader is the first line of a JSON Lines export.
type exportHeader struct {
	Format     string            `json:"format"`
	OrgID      uuid.UUID         `json:"org_id"`
	Checkpoint *exportCheckpoint `json:"checkpoint"`
}

type exportCheckpoint struct {
	Seq       int64  `json:"seq"`
	HeadHash  string `json:"head_hash"`
	SignedAt  string `json:"signed_at"`
	PublicKey string `json:"public_key"`
	Signature string `json:"signature"`
}

// Export writes org's latest checkpoint and its sealed events, as stored, to w in format
// (FormatJSONL or FormatCSV). VerifyExport checks the result offline.
func Export(ctx context.Context, db postgres.DB, orgID uuid.UUID, w io.Writer, format string) error {
	if format != FormatJSONL && format != FormatCSV {
		return apperr.Invalidf("format", "unknown audit export format %q (want %s or %s)", format, FormatJSONL, FormatCSV)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	err := snapshot(ctx, db, func(db postgres.DB) error {
		c, err := latestCheckpoint(ctx, db, orgID)
		if err != nil {
			return err
		}
		if format == FormatJSONL {
			return exportJSONL(ctx, db, orgID, c, bw)
		}
		return exportCSV(ctx, db, orgID, c, bw)
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("export audit log of org %s: %w", orgID, err)
	}
	return nil
}

func exportJSONL(ctx context.Context, db postgres.DB, orgID uuid.UUID, c *Checkpoint, w *bufio.Writer) error {
	h := exportHeader{Format: exportFormatID, OrgID: orgID}
	if c != nil {
		h.Checkpoint = &exportCheckpoint{
			Seq:       c.Seq,
			HeadHash:  hex.EncodeToString(c.HeadHash),
			SignedAt:  c.SignedAt.UTC().Format(TimeLayout),
			PublicKey: hex.EncodeToString(c.PublicKey),
			Signature: hex.EncodeToString(c.Signature),
		}
	}
	line, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(line, '\n')); err != nil {
		return err
	}
	var werr error
	buf := make([]byte, 0, 1024)
	err = streamChain(ctx, db, orgID, func(ev *chainEvent) bool {
		buf = appendCanonicalFields(buf[:0], orgID, ev)
		buf = append(buf, `,"prev_hash":"`...)
		buf = hex.AppendEncode(buf, ev.PrevHash)
		buf = append(buf, `","hash":"`...)
		buf = hex.AppendEncode(buf, ev.Hash)
		buf = append(buf, "\"}\n"...)
		_, werr = w.Write(buf)
		return werr == nil
	})
	if err != nil {
		return err
	}
	return werr
}

func exportCSV(ctx context.Context, db postgres.DB, orgID uuid.UUID, c *Checkpoint, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	record := make([]string, len(csvColumns))
	if c != nil {
		clear(record)
		record[0] = "checkpoint"
		record[1] = orgID.String()
		record[2] = strconv.FormatInt(c.Seq, 10)
		record[4] = c.SignedAt.UTC().Format(TimeLayout)
		record[14] = hex.EncodeToString(c.HeadHash)
		record[15] = hex.EncodeToString(c.PublicKey)
		record[16] = hex.EncodeToString(c.Signature)
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	var werr error
	var details []byte
	org := orgID.String()
	err := streamChain(ctx, db, orgID, func(ev *chainEvent) bool {
		clear(record)
		details = appendCompactJSON(details[:0], ev.Details)
		record[0] = "event"
		record[1] = org
		record[2] = strconv.FormatInt(ev.Seq, 10)
		record[3] = strconv.FormatInt(ev.ID, 10)
		record[4] = string(appendTime(nil, ev.OccurredAt))
		if ev.HasActor {
			record[5] = ev.ActorID.String()
		}
		record[6] = csvEscape(ev.ActorEmail)
		record[7] = csvEscape(ev.Action)
		record[8] = csvEscape(ev.SubjectType)
		record[9] = csvEscape(ev.SubjectID)
		record[10] = csvEscape(ev.RequestID)
		record[11] = csvEscape(ev.IP)
		record[12] = string(details)
		record[13] = hex.EncodeToString(ev.PrevHash)
		record[14] = hex.EncodeToString(ev.Hash)
		werr = cw.Write(record)
		return werr == nil
	})
	if err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	cw.Flush()
	return cw.Error()
}

// csvEscape writes a backslash as \\ and a carriage return as \r; csvUnescape reverses it.
func csvEscape(b []byte) string {
	if !bytes.ContainsAny(b, "\\\r") {
		return string(b)
	}
	out := make([]byte, 0, len(b)+4)
	for _, c := range b {
		switch c {
		case '\\':
			out = append(out, '\\', '\\')
		case '\r':
			out = append(out, '\\', 'r')
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func csvUnescape(s string) ([]byte, error) {
	if !strings.Contains(s, "\\") {
		return []byte(s), nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 == len(s) {
			return nil, fmt.Errorf("dangling backslash")
		}
		i++
		switch s[i] {
		case '\\':
			out = append(out, '\\')
		case 'r':
			out = append(out, '\r')
		default:
			return nil, fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return out, nil
}
