package platform

import (
	"strings"

	"clearpost/internal/apperr"
)

// problems collects credential problems; fields are reported as "credentials.<key>".
type problems struct{ p apperr.Problems }

func (p *problems) add(key, format string, a ...any) {
	p.p.Add("credentials."+key, format, a...)
}

func (p *problems) err() error { return p.p.Err() }

// require reports key as missing when c has no non-blank value for it.
func (p *problems) require(c Credentials, key string) bool {
	if strings.TrimSpace(c[key]) == "" {
		p.add(key, "is required")
		return false
	}
	return true
}

// requireDigits reports key unless it is present and all ASCII digits.
func (p *problems) requireDigits(c Credentials, key string) {
	if !p.require(c, key) {
		return
	}
	if !isDigits(c[key]) {
		p.add(key, "must be a numeric id")
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validated returns an Invalid error for the first problem when a Publish or Find is attempted
// with credentials Validate would refuse; such errors are permanent.
func validated(platform string, v func(Credentials) error, c Credentials) error {
	if err := v(c); err != nil {
		return &Error{Platform: platform, Message: "invalid channel credentials: " + err.Error(), Err: err}
	}
	return nil
}
