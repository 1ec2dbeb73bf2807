package platform

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrDisallowedAddress is the cause of a webhook or Slack request refused because its host
// resolved to a private, loopback, link-local or otherwise non-public address (server-side request
// forgery guard). Options.AllowPrivateAddresses lifts the guard for tests and development.
var ErrDisallowedAddress = errors.New("destination address is not public")

// nonPublic lists special-purpose ranges that IsPrivate/IsLoopback/... do not cover.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may embed any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: may embed any IPv4 address
}

// PublicAddr reports whether ip is a globally routable unicast address: the test every
// destination taken from user input (Slack and webhook channels, outgoing webhooks) must pass.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() ||
		ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// dialControl refuses connections to non-public addresses. It runs after name resolution, on the
// address actually dialed, so DNS names pointing inside the network (or rebinding between checks)
// are caught too.
func dialControl(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrDisallowedAddress, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !PublicAddr(ip) {
		return fmt.Errorf("%w: %s", ErrDisallowedAddress, host)
	}
	return nil
}

// guardedClient returns a client for user-supplied URLs (Slack, webhooks): no proxy (a proxy
// would hide the real destination from the dial check), no redirects (a receiver must answer
// itself), and, unless allowPrivate, no connections to non-public addresses.
func guardedClient(base *http.Client, allowPrivate bool) *http.Client {
	timeout := 15 * time.Second
	if base != nil && base.Timeout > 0 {
		timeout = base.Timeout
	}
	var tr *http.Transport
	if base != nil {
		if t, ok := base.Transport.(*http.Transport); ok {
			tr = t.Clone()
		}
	}
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	tr.Proxy = nil
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = dialControl
	}
	tr.DialContext = dialer.DialContext
	tr.DialTLSContext = nil
	return &http.Client{
		Timeout:   timeout,
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// checkDestination validates a user-supplied endpoint URL without network access. field names the
// credential for the error. httpsOnly refuses plain http except to loopback hosts (which are only
// accepted when allowPrivate).
func checkDestination(raw, field string, httpsOnly, allowPrivate bool, p *problems) {
	if strings.TrimSpace(raw) == "" {
		p.add(field, "is required")
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		p.add(field, "must be an absolute http(s) URL")
		return
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		p.add(field, "must use https")
		return
	}
	if u.User != nil {
		p.add(field, "must not contain a user name or password")
		return
	}
	host := u.Hostname()
	loopback := strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost")
	ip, ipErr := netip.ParseAddr(host)
	if ipErr == nil {
		loopback = ip.Unmap().IsLoopback()
	}
	if u.Scheme == "http" && httpsOnly && !loopback {
		p.add(field, "must use https")
		return
	}
	if allowPrivate {
		return
	}
	if loopback || (ipErr == nil && !PublicAddr(ip)) {
		p.add(field, "must point to a public address")
	}
}
