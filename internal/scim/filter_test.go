package scim

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	type cmp struct {
		schema, attr, sub string
		value             any
		inner             []cmp
	}
	flatten := func(f filterExpr) []cmp {
		var conv func(filterExpr) []cmp
		conv = func(f filterExpr) []cmp {
			var out []cmp
			for _, c := range f {
				out = append(out, cmp{c.path.schema, c.path.attr, c.path.sub, c.value, conv(c.path.filter)})
			}
			return out
		}
		return conv(f)
	}
	for _, tc := range []struct {
		in   string
		want []cmp
	}{
		{`userName eq "ada@acme.test"`, []cmp{{"", "username", "", "ada@acme.test", nil}}},
		{`USERNAME EQ "a \"b\" \u00e9"`, []cmp{{"", "username", "", `a "b" é`, nil}}},
		{`externalId eq "00u1" and active eq true`, []cmp{{"", "externalid", "", "00u1", nil}, {"", "active", "", true, nil}}},
		{`emails.value eq "x@y"`, []cmp{{"", "emails", "value", "x@y", nil}}},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"`, []cmp{{"urn:ietf:params:scim:schemas:core:2.0:user", "username", "", "a", nil}}},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Legal"`,
			[]cmp{{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user", "department", "", "Legal", nil}}},
		{`id eq "g1" and members[value eq "u1"]`, []cmp{{"", "id", "", "g1", nil}, {"", "members", "", nil, []cmp{{"", "value", "", "u1", nil}}}}},
		{`meta.version eq 3`, []cmp{{"", "meta", "version", json.Number("3"), nil}}},
		{`displayName eq null`, []cmp{{"", "displayname", "", nil, nil}}},
	} {
		f, err := parseFilter(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := flatten(f); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{
		``, `userName`, `userName eq`, `userName co "a"`, `userName eq "a" or userName eq "b"`,
		`not (userName eq "a")`, `(userName eq "a")`, `userName eq "a`, `userName eq a`, `userName eq "a" and`,
		`members[value eq "a"`, `1bad eq "a"`, `userName eq "a" "b"`,
	} {
		_, err := parseFilter(bad)
		if se := asSCIM(err); se == nil || se.ScimType != typeInvalidFilter {
			t.Errorf("%q: %v, want an invalidFilter error", bad, err)
		}
	}
}

func TestParsePath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in                string
		schema, attr, sub string
		filters           int
	}{
		{"active", "", "active", "", 0},
		{"name.givenName", "", "name", "givenname", 0},
		{`emails[type eq "work"].value`, "", "emails", "value", 1},
		{`members[value eq "2819c223-7f76-453a-919d-413861904646"]`, "", "members", "", 1},
		{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", enterpriseLower, "department", "", 0},
		{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", enterpriseLower, "", "", 0},
		{"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName", "urn:ietf:params:scim:schemas:core:2.0:user", "name", "familyname", 0},
		{"urn:example:custom:2.0:User:badge", unknownSchema, "", "", 0},
		{"$ref", "", "$ref", "", 0},
	} {
		p, err := parsePath(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if p.schema != tc.schema || p.attr != tc.attr || p.sub != tc.sub || len(p.filter) != tc.filters {
			t.Errorf("%s: %+v", tc.in, p)
		}
	}
	for _, bad := range []string{"", "emails[type eq", "name.", "name..x", "na me", "emails[type eq \"work\"]x", "1x"} {
		if _, err := parsePath(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestBooleansFromEntra(t *testing.T) {
	t.Parallel()
	for in, want := range map[any]bool{true: true, false: false, "False": false, "TRUE": true, " true ": true} {
		if got, err := asBool("active", in); err != nil || got != want {
			t.Errorf("%v: %v %v", in, got, err)
		}
	}
	for _, bad := range []any{"yes", 1, nil, map[string]any{}} {
		if _, err := asBool("active", bad); err == nil {
			t.Errorf("%v accepted as a boolean", bad)
		}
	}
}
