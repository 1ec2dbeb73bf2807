package audit

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"clearpost/internal/apperr"

	"github.com/google/uuid"
)

// VerifyExport verifies an export written by Export, offline: the chain as Verify does, and the
// checkpoint's signature under the public key the export carries (compare that key with the
// sealer's). A line or row that cannot be read is reported as the FirstBroken event, with its line
// number; an error means the input is not an export at all or could not be read.
func VerifyExport(r io.Reader, format string) (Result, error) {
	switch format {
	case FormatJSONL:
		return verifyJSONL(r)
	case FormatCSV:
		return verifyCSV(r)
	}
	return Result{}, apperr.Invalidf("format", "unknown audit export format %q (want %s or %s)", format, FormatJSONL, FormatCSV)
}

// jsonlEvent is one event line of a JSON Lines export.
type jsonlEvent struct {
	OrgID       string          `json:"org_id"`
	Seq         int64           `json:"seq"`
	EventID     int64           `json:"event_id"`
	OccurredAt  string          `json:"occurred_at"`
	ActorID     *string         `json:"actor_id"`
	ActorEmail  string          `json:"actor_email"`
	Action      string          `json:"action"`
	SubjectType string          `json:"subject_type"`
	SubjectID   string          `json:"subject_id"`
	RequestID   string          `json:"request_id"`
	IP          string          `json:"ip"`
	Details     json.RawMessage `json:"details"`
	PrevHash    string          `json:"prev_hash"`
	Hash        string          `json:"hash"`
}

func verifyJSONL(r io.Reader) (Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return Result{}, fmt.Errorf("verify audit export: read header: %w", err)
		}
		return Result{}, errors.New("verify audit export: empty input")
	}
	var h exportHeader
	if err := strictUnmarshal(sc.Bytes(), &h); err != nil || h.Format != exportFormatID {
		return Result{}, errors.New("verify audit export: first line is not a clearpost audit export header")
	}
	var c *Checkpoint
	if h.Checkpoint != nil {
		var err error
		if c, err = h.Checkpoint.decode(h.OrgID); err != nil {
			return Result{}, fmt.Errorf("verify audit export: checkpoint: %w", err)
		}
	}
	v := newChainVerifier(h.OrgID, c)
	for lineNo := 2; sc.Scan(); lineNo++ {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var je jsonlEvent
		if err := strictUnmarshal(line, &je); err != nil {
			v.broken(0, v.res.HeadSeq+1, fmt.Sprintf("line %d: not an event: %v", lineNo, err))
			break
		}
		ev, err := je.decode(h.OrgID)
		if err != nil {
			v.broken(je.EventID, je.Seq, fmt.Sprintf("line %d: %v", lineNo, err))
			break
		}
		if !v.add(&ev) {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return Result{}, fmt.Errorf("verify audit export: %w", err)
	}
	return v.result(), nil
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

func (je *jsonlEvent) decode(orgID uuid.UUID) (chainEvent, error) {
	ev := chainEvent{
		ID:          je.EventID,
		Seq:         je.Seq,
		ActorEmail:  []byte(je.ActorEmail),
		Action:      []byte(je.Action),
		SubjectType: []byte(je.SubjectType),
		SubjectID:   []byte(je.SubjectID),
		RequestID:   []byte(je.RequestID),
		IP:          []byte(je.IP),
		Details:     je.Details,
	}
	var actor string
	if je.ActorID != nil {
		ev.HasActor, actor = true, *je.ActorID
	}
	return ev, decodeExportFields(&ev, orgID, je.OrgID, je.OccurredAt, actor, je.PrevHash, je.Hash)
}

// decodeExportFields fills in the fields of ev that an export writes as text.
func decodeExportFields(ev *chainEvent, orgID uuid.UUID, org, occurredAt, actor, prevHash, hash string) error {
	if id, err := uuid.Parse(org); err != nil || id != orgID {
		return fmt.Errorf("org_id %q is not the export's organization", org)
	}
	t, err := time.Parse(TimeLayout, occurredAt)
	if err != nil {
		return fmt.Errorf("occurred_at: %w", err)
	}
	ev.OccurredAt = t.UnixMicro()
	if ev.HasActor {
		if ev.ActorID, err = uuid.Parse(actor); err != nil {
			return fmt.Errorf("actor_id: %w", err)
		}
	}
	if ev.PrevHash, err = hex.DecodeString(prevHash); err != nil {
		return fmt.Errorf("prev_hash: %w", err)
	}
	if ev.Hash, err = hex.DecodeString(hash); err != nil {
		return fmt.Errorf("hash: %w", err)
	}
	return nil
}

func (ec *exportCheckpoint) decode(orgID uuid.UUID) (*Checkpoint, error) {
	c := &Checkpoint{OrgID: orgID, Seq: ec.Seq}
	var err error
	if c.HeadHash, err = hex.DecodeString(ec.HeadHash); err != nil {
		return nil, fmt.Errorf("head_hash: %w", err)
	}
	if c.PublicKey, err = hex.DecodeString(ec.PublicKey); err != nil {
		return nil, fmt.Errorf("public_key: %w", err)
	}
	if c.Signature, err = hex.DecodeString(ec.Signature); err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	if c.SignedAt, err = time.Parse(TimeLayout, ec.SignedAt); err != nil {
		return nil, fmt.Errorf("signed_at: %w", err)
	}
	return c, nil
}

// Column positions in csvColumns.
const (
	colRecord = iota
	colOrgID
	colSeq
	colEventID
	colOccurredAt
	colActorID
	colActorEmail
	colAction
	colSubjectType
	colSubjectID
	colRequestID
	colIP
	colDetails
	colPrevHash
	colHash
	colPublicKey
	colSignature
)

func verifyCSV(r io.Reader) (Result, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(csvColumns)
	head, err := cr.Read()
	if err != nil || !slices.Equal(head, csvColumns) {
		return Result{}, errors.New("verify audit export: first row is not a clearpost audit export header")
	}
	cr.ReuseRecord = true
	var v *chainVerifier
	var c *Checkpoint
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if perr := (*csv.ParseError)(nil); errors.As(err, &perr) {
			v = ensureVerifier(v, uuid.Nil, c)
			v.broken(0, v.res.HeadSeq+1, fmt.Sprintf("line %d: %v", perr.Line, perr.Err))
			break
		}
		if err != nil {
			return Result{}, fmt.Errorf("verify audit export: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if rec[colRecord] == "checkpoint" {
			if v != nil || c != nil {
				return Result{}, fmt.Errorf("verify audit export: line %d: checkpoint must be the first row after the header", line)
			}
			if c, err = csvCheckpoint(rec); err != nil {
				return Result{}, fmt.Errorf("verify audit export: line %d: checkpoint: %w", line, err)
			}
			continue
		}
		if v == nil {
			// Without a checkpoint the first event names the organization; an unreadable org_id
			// leaves uuid.Nil, which that event then fails to match.
			org, _ := uuid.Parse(rec[colOrgID])
			v = ensureVerifier(v, org, c)
		}
		if rec[colRecord] != "event" {
			v.broken(0, v.res.HeadSeq+1, fmt.Sprintf("line %d: unknown record type %q", line, rec[colRecord]))
			break
		}
		ev, err := csvEvent(rec, v.orgID)
		if err != nil {
			v.broken(ev.ID, ev.Seq, fmt.Sprintf("line %d: %v", line, err))
			break
		}
		if !v.add(&ev) {
			break
		}
	}
	return ensureVerifier(v, uuid.Nil, c).result(), nil
}

// ensureVerifier returns v, or a new verifier for org (the checkpoint's org if there is one).
func ensureVerifier(v *chainVerifier, org uuid.UUID, c *Checkpoint) *chainVerifier {
	if v != nil {
		return v
	}
	if c != nil {
		org = c.OrgID
	}
	return newChainVerifier(org, c)
}

func csvCheckpoint(rec []string) (*Checkpoint, error) {
	org, err := uuid.Parse(rec[colOrgID])
	if err != nil {
		return nil, fmt.Errorf("org_id: %w", err)
	}
	seq, err := strconv.ParseInt(rec[colSeq], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("seq: %w", err)
	}
	ec := exportCheckpoint{
		Seq:       seq,
		HeadHash:  rec[colHash],
		SignedAt:  rec[colOccurredAt],
		PublicKey: rec[colPublicKey],
		Signature: rec[colSignature],
	}
	return ec.decode(org)
}

func csvEvent(rec []string, orgID uuid.UUID) (chainEvent, error) {
	var ev chainEvent
	var err error
	if ev.Seq, err = strconv.ParseInt(rec[colSeq], 10, 64); err != nil {
		return ev, fmt.Errorf("seq: %w", err)
	}
	if ev.ID, err = strconv.ParseInt(rec[colEventID], 10, 64); err != nil {
		return ev, fmt.Errorf("event_id: %w", err)
	}
	text := []struct {
		dst *[]byte
		col int
	}{
		{&ev.ActorEmail, colActorEmail}, {&ev.Action, colAction}, {&ev.SubjectType, colSubjectType},
		{&ev.SubjectID, colSubjectID}, {&ev.RequestID, colRequestID}, {&ev.IP, colIP},
	}
	for _, t := range text {
		if *t.dst, err = csvUnescape(rec[t.col]); err != nil {
			return ev, fmt.Errorf("%s: %w", csvColumns[t.col], err)
		}
	}
	if !json.Valid([]byte(rec[colDetails])) {
		return ev, errors.New("details is not valid JSON")
	}
	ev.Details = []byte(rec[colDetails])
	ev.HasActor = rec[colActorID] != ""
	return ev, decodeExportFields(&ev, orgID, rec[colOrgID], rec[colOccurredAt], rec[colActorID], rec[colPrevHash], rec[colHash])
}
