package netguard_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"clearpost/internal/netguard"
)

func TestPublicAddr(t *testing.T) {
	t.Parallel()
	for ip, public := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1:248:1893:25c8:1946": true,
		"127.0.0.1": false, "::1": false, "10.11.12.13": false, "172.16.5.4": false, "192.168.0.1": false,
		"169.254.169.254": false, "fe80::1": false, "fc00::1": false, "100.64.0.1": false, "0.0.0.0": false,
		"::": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "64:ff9b::a00:1": false,
		"224.0.0.1": false, "255.255.255.255": false,
	} {
		if got := netguard.PublicAddr(netip.MustParseAddr(ip)); got != public {
			t.Errorf("PublicAddr(%s) = %v, want %v", ip, got, public)
		}
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	strict, private := netguard.Guard{}, netguard.Guard{AllowPrivate: true}
	tests := []struct {
		url                string
		httpsOnly          bool
		strictOK, loosedOK bool
		problem            string // of the strict guard
	}{
		{"https://hooks.slack.com/services/x", true, true, true, ""},
		{"https://93.184.216.34/hook", true, true, true, ""},
		{"https://10.11.12.13/internal", true, false, true, "public address"},
		{"https://[::ffff:192.168.1.1]/x", true, false, true, "public address"},
		{"https://localhost/x", true, false, true, "public address"},
		{"https://169.254.169.254/latest", true, false, true, "public address"},
		{"http://127.0.0.1:8080/hook", true, false, true, "https"},
		{"http://localhost:8080/hook", true, false, true, "https"},
		{"http://10.0.0.1/hook", true, false, false, "https"},
		{"http://hooks.example.com/x", true, false, false, "https"},
		{"http://hooks.example.com/x", false, true, true, ""},
		{"ftp://hooks.example.com/x", false, false, false, "https"},
		{"https://u:p@hooks.example.com/x", true, false, false, "user name"},
		{"/relative", true, false, false, "absolute"},
		{"", true, false, false, "required"},
	}
	for _, tt := range tests {
		err := strict.CheckURL(tt.url, tt.httpsOnly)
		if (err == nil) != tt.strictOK || (err != nil && !strings.Contains(err.Error(), tt.problem)) {
			t.Errorf("strict CheckURL(%q) = %v, want ok=%v (%s)", tt.url, err, tt.strictOK, tt.problem)
		}
		if err != nil && tt.url != "" && strings.Contains(err.Error(), tt.url) {
			t.Errorf("CheckURL(%q) repeats the URL: %v", tt.url, err)
		}
		if err := private.CheckURL(tt.url, tt.httpsOnly); (err == nil) != tt.loosedOK {
			t.Errorf("private CheckURL(%q) = %v, want ok=%v", tt.url, err, tt.loosedOK)
		}
	}
}

// The dial-time check runs on the address a name resolves to, so a name pointing inside the
// network (or rebinding to it after the URL was checked) is refused before any byte is sent.
func TestClientChecksDialedAddress(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if _, err := (netguard.Guard{}).Client(nil, 0).Get(u); !errors.Is(err, netguard.ErrDisallowedAddress) {
		t.Fatalf("GET %s = %v, want ErrDisallowedAddress", u, err)
	}
	// A base client's transport is kept, but never its dial.
	base := &http.Client{Transport: &http.Transport{}}
	if _, err := (netguard.Guard{}).Client(base, 0).Get(srv.URL); !errors.Is(err, netguard.ErrDisallowedAddress) {
		t.Fatalf("GET %s with a base client = %v, want ErrDisallowedAddress", srv.URL, err)
	}
	for _, g := range []netguard.Guard{{AllowPrivate: true}, {AllowLoopback: true}, {Allowed: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}} {
		resp, err := g.Client(nil, 0).Get(u)
		if err != nil {
			t.Fatalf("%+v: %v", g, err)
		}
		resp.Body.Close()
	}
	if hits.Load() != 3 {
		t.Errorf("server saw %d requests, want 3 (the allowed ones)", hits.Load())
	}
	// No redirects: the receiver answers for itself.
	redirect := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/", http.StatusFound))
	t.Cleanup(redirect.Close)
	resp, err := (netguard.Guard{AllowPrivate: true}).Client(nil, 0).Get(redirect.URL)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("redirect: %v %v, want the 302 itself", resp, err)
	}
	resp.Body.Close()
}
