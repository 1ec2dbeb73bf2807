package platform_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"clearpost/internal/publish/platform"
)

// testOptions are adapter options for tests: a bounded client, private addresses allowed (the
// fakes listen on loopback).
func testOptions(mod func(*platform.Options)) platform.Options {
	o := platform.Options{
		HTTPClient:            &http.Client{Timeout: 10 * time.Second},
		AllowPrivateAddresses: true,
	}
	if mod != nil {
		mod(&o)
	}
	return o
}

// mustPlatformError returns err as a *platform.Error, failing the test otherwise.
func mustPlatformError(t *testing.T, err error) *platform.Error {
	t.Helper()
	var pe *platform.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *platform.Error", err, err)
	}
	return pe
}

// assertNoSecrets fails when err's text contains any credential value of 8 or more characters,
// or a value's URL path (a Slack webhook URL's secret part).
func assertNoSecrets(t *testing.T, err error, c platform.Credentials) {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	text := err.Error()
	for k, v := range c {
		if len(v) < 8 {
			continue
		}
		if strings.Contains(text, v) {
			t.Errorf("error %q contains credential %s", text, k)
		}
		if i := strings.Index(v, "/services/"); i >= 0 && strings.Contains(text, v[i:]) {
			t.Errorf("error %q contains the path of credential %s", text, k)
		}
	}
}

// assertRecent fails unless at is within a few seconds of now (platform clocks have second
// precision in Date headers).
func assertRecent(t *testing.T, at time.Time) {
	t.Helper()
	if d := time.Since(at); d < -2*time.Second || d > 5*time.Second {
		t.Errorf("receipt time %v is not recent (%v ago)", at, d)
	}
}
