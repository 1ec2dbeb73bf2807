package scim

import (
	"encoding/json"
	"strconv"
	"strings"
)

// attrPath is an attribute path of a filter or a PATCH operation (RFC 7644 section 3.10):
// [schema URN ":"] attribute ["[" value filter "]"] ["." sub-attribute]. Names are lower-cased,
// since SCIM attribute names are case-insensitive.
type attrPath struct {
	schema string     // lower-cased schema URN when the path names one, else ""
	attr   string     // "" when the path is only a schema URN (an extension's whole object)
	filter filterExpr // the value filter in brackets, if any
	sub    string
	raw    string
}

// unknownSchema marks a path in an extension schema this server does not know.
const unknownSchema = "?"

// knownSchemas are the schemas whose attributes a path may be prefixed with; longest first, so
// that the enterprise extension is not taken for the core User schema it starts with.
var knownSchemas = []string{enterpriseLower, strings.ToLower(schemaUser), strings.ToLower(schemaGroup)}

var enterpriseLower = strings.ToLower(schemaEnterprise)

// core reports whether p is in the resource's core schema (named or implied).
func (p attrPath) core() bool { return p.schema != enterpriseLower && p.schema != unknownSchema }

// is reports whether p names attribute attr of the core schema with sub-attribute sub.
func (p attrPath) is(attr, sub string) bool { return p.core() && p.attr == attr && p.sub == sub }

// parsePath parses the path of a PATCH operation or a filter comparison.
func parsePath(raw string) (attrPath, error) {
	p := attrPath{raw: raw}
	rest := strings.TrimSpace(raw)
	if rest == "" {
		return p, badRequest(typeInvalidPath, "empty attribute path")
	}
	lower := strings.ToLower(rest)
	if strings.HasPrefix(lower, "urn:") {
		p.schema = unknownSchema
		for _, urn := range knownSchemas {
			if lower == urn {
				p.schema = urn
				return p, nil
			}
			if strings.HasPrefix(lower, urn+":") {
				p.schema, rest = urn, rest[len(urn)+1:]
				break
			}
		}
		if p.schema == unknownSchema {
			return p, nil
		}
	}
	name := rest
	if i := strings.IndexAny(rest, "[."); i >= 0 {
		name, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	if !validAttrName(name) {
		return p, badRequest(typeInvalidPath, "%q is not an attribute path", raw)
	}
	p.attr = strings.ToLower(name)
	if strings.HasPrefix(rest, "[") {
		end := strings.LastIndexByte(rest, ']')
		if end < 0 {
			return p, badRequest(typeInvalidPath, "%q: unclosed [", raw)
		}
		f, err := parseFilter(rest[1:end])
		if err != nil {
			return p, badRequest(typeInvalidPath, "%q: %s", raw, asSCIM(err).Detail)
		}
		p.filter, rest = f, rest[end+1:]
	}
	if rest != "" {
		sub, ok := strings.CutPrefix(rest, ".")
		if !ok || !validAttrName(sub) {
			return p, badRequest(typeInvalidPath, "%q is not an attribute path", raw)
		}
		p.sub = strings.ToLower(sub)
	}
	return p, nil
}

// validAttrName reports whether s is an ATTRNAME of RFC 7644: ALPHA *(nameChar), nameChar being
// "-", "_", DIGIT or ALPHA ("$ref" is the one name that starts with "$").
func validAttrName(s string) bool {
	if s == "$ref" {
		return true
	}
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// comparison is one term of a filter: `path eq value`, or `path[filter]` (a value filter on a
// multi-valued attribute, such as members[value eq "..."]).
type comparison struct {
	path  attrPath
	value any // string, bool, json.Number or nil; unused for a value filter
}

// filterExpr is a filter of comparisons that must all hold. It is the subset of RFC 7644
// section 3.4.2.2 that identity providers send: eq, and, and value filters.
type filterExpr []comparison

// parseFilter parses a filter query parameter.
func parseFilter(s string) (filterExpr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	f, err := p.conjunction()
	if err != nil {
		return nil, err
	}
	if t, ok := p.peek(); ok {
		return nil, badRequest(typeInvalidFilter, "unexpected %q in filter", t.text)
	}
	return f, nil
}

type tokenKind int

const (
	tokWord   tokenKind = iota // attribute path, operator, keyword or literal
	tokString                  // a quoted string, unquoted in text
	tokOpen                    // [
	tokClose                   // ]
	tokParen                   // ( or ): grouping is not supported
)

type token struct {
	kind tokenKind
	text string
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '[':
			toks = append(toks, token{tokOpen, "["})
			i++
		case c == ']':
			toks = append(toks, token{tokClose, "]"})
			i++
		case c == '(' || c == ')':
			toks = append(toks, token{tokParen, string(c)})
			i++
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return nil, badRequest(typeInvalidFilter, "unterminated string in filter")
			}
			var v string
			if err := json.Unmarshal([]byte(s[i:j+1]), &v); err != nil {
				return nil, badRequest(typeInvalidFilter, "bad string %s in filter", s[i:j+1])
			}
			toks = append(toks, token{tokString, v})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n[]()\"", rune(s[j])) {
				j++
			}
			toks = append(toks, token{tokWord, s[i:j]})
			i = j
		}
	}
	return toks, nil
}

type filterParser struct {
	toks []token
	pos  int
}

func (p *filterParser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

func (p *filterParser) next() (token, bool) {
	t, ok := p.peek()
	if ok {
		p.pos++
	}
	return t, ok
}

func (p *filterParser) conjunction() (filterExpr, error) {
	var f filterExpr
	for {
		c, err := p.comparison()
		if err != nil {
			return nil, err
		}
		f = append(f, c)
		t, ok := p.peek()
		if !ok || t.kind == tokClose {
			return f, nil
		}
		switch {
		case t.kind == tokWord && strings.EqualFold(t.text, "and"):
			p.pos++
		case t.kind == tokWord && strings.EqualFold(t.text, "or"):
			return nil, badRequest(typeInvalidFilter, `"or" is not supported in filters; use "and"`)
		default:
			return nil, badRequest(typeInvalidFilter, "expected \"and\" in filter, found %q", t.text)
		}
	}
}

func (p *filterParser) comparison() (comparison, error) {
	t, ok := p.next()
	if !ok {
		return comparison{}, badRequest(typeInvalidFilter, "incomplete filter")
	}
	if t.kind == tokParen || t.kind == tokWord && strings.EqualFold(t.text, "not") {
		return comparison{}, badRequest(typeInvalidFilter, "grouping and \"not\" are not supported in filters")
	}
	if t.kind != tokWord {
		return comparison{}, badRequest(typeInvalidFilter, "expected an attribute in filter, found %q", t.text)
	}
	path, err := parsePath(t.text)
	if err != nil {
		return comparison{}, badRequest(typeInvalidFilter, "%s", asSCIM(err).Detail)
	}
	if t, ok := p.peek(); ok && t.kind == tokOpen {
		if path.sub != "" || path.filter != nil {
			return comparison{}, badRequest(typeInvalidFilter, "%q is not an attribute path", path.raw)
		}
		p.pos++
		inner, err := p.conjunction()
		if err != nil {
			return comparison{}, err
		}
		if t, ok := p.next(); !ok || t.kind != tokClose {
			return comparison{}, badRequest(typeInvalidFilter, "unclosed [ in filter")
		}
		path.filter = inner
		return comparison{path: path}, nil
	}
	op, ok := p.next()
	if !ok || op.kind != tokWord {
		return comparison{}, badRequest(typeInvalidFilter, "expected an operator after %q", path.raw)
	}
	if !strings.EqualFold(op.text, "eq") {
		return comparison{}, badRequest(typeInvalidFilter, "operator %q is not supported; only eq is", op.text)
	}
	v, ok := p.next()
	if !ok {
		return comparison{}, badRequest(typeInvalidFilter, "expected a value after %q eq", path.raw)
	}
	c := comparison{path: path}
	switch {
	case v.kind == tokString:
		c.value = v.text
	case v.kind == tokWord && strings.EqualFold(v.text, "true"):
		c.value = true
	case v.kind == tokWord && strings.EqualFold(v.text, "false"):
		c.value = false
	case v.kind == tokWord && strings.EqualFold(v.text, "null"):
		c.value = nil
	case v.kind == tokWord && isNumber(v.text):
		c.value = json.Number(v.text)
	default:
		return comparison{}, badRequest(typeInvalidFilter, "%q is not a value; strings are quoted", v.text)
	}
	return c, nil
}
