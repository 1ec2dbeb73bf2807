package content

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"clearpost/internal/apperr"

	"github.com/google/uuid"
	"github.com/pmezard/go-difflib/difflib"
)

// FieldChange is one field that differs between two versions, with both values as JSON.
type FieldChange struct {
	Field  string          `json:"field"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// VersionDiff compares two versions of a post.
type VersionDiff struct {
	From, To *Version
	Changes  []FieldChange
	// BodyDiff is a unified diff of the body, line by line; empty when the body is unchanged.
	BodyDiff string
}

// ChangedFields names the content fields (by their JSON names) that differ between a and b.
func ChangedFields(a, b Content) []string {
	var out []string
	for _, c := range fieldChanges(a, b) {
		out = append(out, c.Field)
	}
	return out
}

func fieldChanges(a, b Content) []FieldChange {
	va, vb := reflect.ValueOf(a.Normalize()), reflect.ValueOf(b.Normalize())
	t := va.Type()
	var out []FieldChange
	for i := range t.NumField() {
		x, y := va.Field(i).Interface(), vb.Field(i).Interface()
		if reflect.DeepEqual(x, y) {
			continue
		}
		before, _ := json.Marshal(x)
		after, _ := json.Marshal(y)
		out = append(out, FieldChange{Field: jsonName(t.Field(i)), Before: before, After: after})
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// Diff compares versions from and to of a post the caller may see.
func (s *Service) Diff(ctx context.Context, postID uuid.UUID, from, to int) (*VersionDiff, error) {
	if from < 1 {
		return nil, apperr.Invalidf("from", "must be a version number (1 or more)")
	}
	if to < 1 {
		return nil, apperr.Invalidf("to", "must be a version number (1 or more)")
	}
	a, err := s.Version(ctx, postID, from)
	if err != nil {
		return nil, err
	}
	b, err := s.Version(ctx, postID, to)
	if err != nil {
		return nil, err
	}
	d := &VersionDiff{From: a, To: b, Changes: fieldChanges(a.Content, b.Content)}
	if a.Content.Body != b.Content.Body {
		d.BodyDiff, err = difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(a.Content.Body + "\n"), B: difflib.SplitLines(b.Content.Body + "\n"),
			FromFile: "version " + itoa(from), ToFile: "version " + itoa(to), Context: 3,
		})
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
