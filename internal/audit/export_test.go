package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/audit"
	"clearpost/internal/postgres"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// exportFixture seals n events for one org, some with awkward text, and returns the org.
func exportFixture(t *testing.T, b bundle, n int) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	org := MustOrg(t, b.pool, "exported")
	MustRecord(t, b.pool, org, n-1)
	odd := testEvent(org, n)
	odd.SubjectID = "line one\r\nline two, \"quoted\" \\ back\tslash"
	odd.ActorEmail = "=HYPERLINK(\"x\")"
	odd.Details = map[string]any{"html": "<b>&amp;</b>", "ctl": "\x01\x1f", "emoji": "🎉", "sep": "\u2028"}
	if err := postgres.WithTx(ctx, b.pool, func(tx pgx.Tx) error { return audit.Record(ctx, tx, odd) }); err != nil {
		t.Fatal(err)
	}
	MustRecord(t, b.pool, MustOrg(t, b.pool, "not-exported"), 2)
	MustSealAll(t, b.sealer, org)
	MustVerify(t, b.pool, org, int64(n))
	return org
}

func mustExport(t *testing.T, b bundle, org uuid.UUID, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := audit.Export(context.Background(), b.pool, org, &buf, format); err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	return buf.Bytes()
}

func mustVerifyExport(t *testing.T, data []byte, format string) audit.Result {
	t.Helper()
	res, err := audit.VerifyExport(bytes.NewReader(data), format)
	if err != nil {
		t.Fatalf("verify %s export: %v", format, err)
	}
	return res
}

func TestExportVerifiesOffline(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 9
	org := exportFixture(t, b, n)
	dbRes := MustVerify(t, b.pool, org, n)

	for _, format := range []string{audit.FormatJSONL, audit.FormatCSV} {
		t.Run(format, func(t *testing.T) {
			data := mustExport(t, b, org, format)
			res := mustVerifyExport(t, data, format)
			if !res.OK() || res.Verified != n || !bytes.Equal(res.HeadHash, dbRes.HeadHash) {
				t.Fatalf("offline verify: %+v (broken %+v, checkpoint %q)", res, res.FirstBroken, res.CheckpointProblem)
			}
			if !bytes.Equal(res.Checkpoint.PublicKey, dbRes.Checkpoint.PublicKey) {
				t.Fatal("export carries another public key")
			}
			// Exporting again gives the same bytes.
			if again := mustExport(t, b, org, format); !bytes.Equal(again, data) {
				t.Fatal("export is not deterministic")
			}
		})
	}
}

// TestExportJSONLIsJSON checks the JSON Lines export is plain JSON: every event line decodes
// with encoding/json and re-encodes (details compacted) to the same values.
func TestExportJSONLIsJSON(t *testing.T) {
	t.Parallel()
	b := setup(t)
	org := exportFixture(t, b, 3)
	lines := strings.Split(strings.TrimSuffix(string(mustExport(t, b, org, audit.FormatJSONL)), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want header + 3", len(lines))
	}
	var header struct {
		Format     string
		OrgID      uuid.UUID `json:"org_id"`
		Checkpoint struct {
			Seq       int64
			PublicKey string `json:"public_key"`
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &header); err != nil {
		t.Fatal(err)
	}
	if header.OrgID != org || header.Checkpoint.Seq != 3 || len(header.Checkpoint.PublicKey) != 64 {
		t.Fatalf("header %+v", header)
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[3]), &last); err != nil {
		t.Fatal(err)
	}
	if last["subject_id"] != "line one\r\nline two, \"quoted\" \\ back\tslash" || last["seq"] != 3.0 {
		t.Fatalf("last event %v", last)
	}
}

func TestVerifyExportCatchesEdits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 8
	org := exportFixture(t, b, n)

	t.Run("jsonl", func(t *testing.T) {
		data := mustExport(t, b, org, audit.FormatJSONL)
		lines := bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		lines[len(lines)-1] = append(lines[len(lines)-1], '\n')
		const k = 4 // lines[k] holds seq k, after the header
		wantID := eventIDAt(t, b.pool, org, k)
		edits := []struct {
			name, old, new, reason string
		}{
			{"action", `"action":"decision.approved"`, `"action":"decision.approvee"`, "content"},
			{"details", `"stage":"legal"`, `"stage":"legaL"`, "content"},
			{"hash", `"hash":"`, `"hash":"0`, "hash"},
			{"seq", `"seq":4,`, `"seq":5,`, "seq"},
			{"broken syntax", `"ip":"`, `"ip:"`, "line 5"},
		}
		for _, e := range edits {
			edited := editLine(t, lines, k, e.old, e.new)
			res := mustVerifyExport(t, edited, audit.FormatJSONL)
			fb := res.FirstBroken
			if fb == nil || !strings.Contains(fb.Reason, e.reason) || res.OK() {
				t.Fatalf("%s edited: first broken %+v, want seq %d (%s)", e.name, fb, k, e.reason)
			}
			if e.name != "broken syntax" && fb.EventID != wantID {
				t.Fatalf("%s edited: names event %d, want %d", e.name, fb.EventID, wantID)
			}
			if res.Verified != k-1 {
				t.Fatalf("%s edited: %d verified, want %d", e.name, res.Verified, k-1)
			}
		}

		// Every single-byte change to that line is caught there: everything before it verifies, and
		// the event named is the one on that line (by id, or by seq if the id is what changed).
		line := lines[k]
		for i := 0; i < len(line)-1; i++ {
			changed := append([]byte(nil), line...)
			changed[i] ^= 0x01
			edited := bytes.Join([][]byte{bytes.Join(lines[:k], nil), changed, bytes.Join(lines[k+1:], nil)}, nil)
			res, err := audit.VerifyExport(bytes.NewReader(edited), audit.FormatJSONL)
			if err != nil {
				t.Fatalf("byte %d: %v", i, err)
			}
			fb := res.FirstBroken
			if fb == nil || res.Verified != k-1 || (fb.Seq != k && fb.EventID != wantID) {
				t.Fatalf("flipping byte %d (%q) of seq %d: first broken %+v", i, line[i], k, fb)
			}
		}

		// Dropping a line is a gap.
		dropped := bytes.Join(append(append([][]byte{}, lines[:k]...), lines[k+1:]...), nil)
		res := mustVerifyExport(t, dropped, audit.FormatJSONL)
		if res.FirstBroken == nil || res.FirstBroken.Seq != k+1 || !strings.Contains(res.FirstBroken.Reason, "missing") {
			t.Fatalf("dropped line: %+v", res.FirstBroken)
		}
		// Dropping the last line leaves a chain short of its checkpoint.
		res = mustVerifyExport(t, bytes.Join(lines[:len(lines)-1], nil), audit.FormatJSONL)
		if res.FirstBroken != nil || res.CheckpointValid || res.OK() {
			t.Fatalf("dropped last line: %+v", res)
		}
	})

	t.Run("csv", func(t *testing.T) {
		data := mustExport(t, b, org, audit.FormatCSV)
		const k = 4
		wantID := eventIDAt(t, b.pool, org, k)
		rows := mustReadCSV(t, data)
		rows[k+1][9] += "x" // header, checkpoint, then seq 1.. : row k+1 is seq k
		res := mustVerifyExport(t, mustWriteCSV(t, rows), audit.FormatCSV)
		if res.FirstBroken == nil || res.FirstBroken.Seq != k || res.FirstBroken.EventID != wantID || res.OK() {
			t.Fatalf("csv edited: %+v", res.FirstBroken)
		}
	})
}

func TestVerifyExportForgedCheckpoint(t *testing.T) {
	t.Parallel()
	b := setup(t)
	org := exportFixture(t, b, 4)

	t.Run("jsonl", func(t *testing.T) {
		lines := bytes.SplitAfter(mustExport(t, b, org, audit.FormatJSONL), []byte("\n"))
		var h map[string]any
		if err := json.Unmarshal(lines[0], &h); err != nil {
			t.Fatal(err)
		}
		cp := h["checkpoint"].(map[string]any)
		sig, _ := hex.DecodeString(cp["signature"].(string))
		sig[10] ^= 0x80
		cp["signature"] = hex.EncodeToString(sig)
		forged, _ := json.Marshal(h)
		lines[0] = append(forged, '\n')
		res := mustVerifyExport(t, bytes.Join(lines, nil), audit.FormatJSONL)
		if res.FirstBroken != nil || res.Verified != 4 {
			t.Fatalf("chain: %+v", res)
		}
		if res.CheckpointValid || !strings.Contains(res.CheckpointProblem, "signature") || res.OK() {
			t.Fatalf("forged signature accepted: %+v", res)
		}
	})

	t.Run("csv", func(t *testing.T) {
		rows := mustReadCSV(t, mustExport(t, b, org, audit.FormatCSV))
		if rows[1][0] != "checkpoint" {
			t.Fatalf("row 1 is %q", rows[1][0])
		}
		rows[1][2] = "3" // claim the signature is for seq 3
		res := mustVerifyExport(t, mustWriteCSV(t, rows), audit.FormatCSV)
		if res.CheckpointValid || res.OK() {
			t.Fatalf("checkpoint with altered seq accepted: %+v", res)
		}
	})
}

func TestVerifyExportRejectsOtherInput(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ format, data string }{
		{audit.FormatJSONL, ""},
		{audit.FormatJSONL, `{"hello":"world"}` + "\n"},
		{audit.FormatCSV, "a,b\n1,2\n"},
	} {
		if _, err := audit.VerifyExport(strings.NewReader(tt.data), tt.format); err == nil {
			t.Errorf("VerifyExport(%q, %s) = nil error", tt.data, tt.format)
		}
	}
	_, err := audit.VerifyExport(strings.NewReader(""), "xml")
	if !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("unknown format: %v", err)
	}
	err = audit.Export(context.Background(), nil, uuid.New(), &bytes.Buffer{}, "xml")
	if !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("unknown export format: %v", err)
	}
}

func editLine(t *testing.T, lines [][]byte, i int, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(lines[i], []byte(old)) {
		t.Fatalf("line %d has no %s: %s", i, old, lines[i])
	}
	out := make([][]byte, len(lines))
	copy(out, lines)
	out[i] = bytes.Replace(lines[i], []byte(old), []byte(new), 1)
	return bytes.Join(out, nil)
}

func mustReadCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func mustWriteCSV(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
