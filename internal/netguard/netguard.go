// Package netguard keeps the server's requests to URLs that users supply (Slack and webhook brand
// channels, outgoing webhook subscriptions, the notification Slack webhook) out of the network the
// server runs in: a check of the URL when it is saved, and a check of every address actually
// dialed, which also catches host names that resolve inside the network and DNS rebinding.
// It is the one implementation of that guard; every such client goes through it.
package netguard

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

// ErrDisallowedAddress is the cause (in the chain) of a connection refused because its address is
// not public: private, loopback, link-local or otherwise special (server-side request forgery).
var ErrDisallowedAddress = errors.New("not a public address")

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

// PublicAddr reports whether ip is a globally routable unicast address.
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

// Guard says which addresses outbound requests may reach. The zero Guard allows public addresses
// only: the production setting.
type Guard struct {
	// AllowPrivate lets requests reach any address, loopback and private networks included
	// (CLEARPOST_ALLOW_PRIVATE_TARGETS: tests and `clearpost dev`).
	AllowPrivate bool
	// AllowLoopback lets requests reach loopback addresses.
	AllowLoopback bool
	// Allowed are non-public networks requests may reach anyway (receivers inside the network of
	// a self-hosted installation).
	Allowed []netip.Prefix
}

// Allows reports whether a request may connect to ip.
func (g Guard) Allows(ip netip.Addr) bool {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return false
	case g.AllowPrivate:
		return true
	case g.AllowLoopback && ip.IsLoopback():
		return true
	}
	for _, n := range g.Allowed {
		if n.Contains(ip) {
			return true
		}
	}
	return PublicAddr(ip)
}

// allowsLoopback reports whether g lets requests reach this machine.
func (g Guard) allowsLoopback() bool {
	return g.Allows(netip.IPv6Loopback()) && g.Allows(netip.AddrFrom4([4]byte{127, 0, 0, 1}))
}

// Control is a net.Dialer Control refusing connections to addresses g does not allow. It runs
// after name resolution, on the address actually dialed.
func (g Guard) Control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("refused to connect to %s: %w", address, ErrDisallowedAddress)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !g.Allows(ip) {
		return fmt.Errorf("refused to connect to %s: %w", host, ErrDisallowedAddress)
	}
	return nil
}

// defaultTimeout bounds a request of a Client given no timeout.
const defaultTimeout = 15 * time.Second

// Client returns a client for user-supplied URLs: base's transport settings when it has an
// *http.Transport, base's timeout (or timeout when base has none; or 15 s), no proxy (a proxy would hide
// the real destination from the dial check), no redirects (a receiver answers for itself), and
// every dialed address checked by Control.
func (g Guard) Client(base *http.Client, timeout time.Duration) *http.Client {
	if base != nil && base.Timeout > 0 {
		timeout = base.Timeout
	}
	if timeout <= 0 {
		timeout = defaultTimeout
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
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: g.Control}
	tr.DialContext = dialer.DialContext
	tr.DialTLSContext = nil
	return &http.Client{
		Timeout:       timeout,
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// URLError is a user-supplied URL refused by CheckURL. Its text says what is wrong (e.g. "must use
// https") and never repeats the URL, which may be a secret.
type URLError struct{ Problem string }

func (e *URLError) Error() string { return e.Problem }

// CheckURL checks a user-supplied endpoint URL without network access: absolute http(s), no user
// name or password, and a host that, when it is an address literal or a loopback name, g allows.
// With httpsOnly, plain http is accepted only to a loopback host that g allows. Host names are
// checked when dialed (Control).
func (g Guard) CheckURL(raw string, httpsOnly bool) error {
	if strings.TrimSpace(raw) == "" {
		return &URLError{"is required"}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return &URLError{"must be an absolute http(s) URL"}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return &URLError{"must use https"}
	}
	if u.User != nil {
		return &URLError{"must not contain a user name or password"}
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	loopback := host == "localhost" || strings.HasSuffix(host, ".localhost")
	ip, ipErr := netip.ParseAddr(host)
	if ipErr == nil {
		loopback = ip.Unmap().IsLoopback()
	}
	if u.Scheme == "http" && httpsOnly && !(loopback && g.allowsLoopback()) {
		return &URLError{"must use https"}
	}
	if (loopback && !g.allowsLoopback()) || (ipErr == nil && !g.Allows(ip)) {
		return &URLError{"must point to a public address"}
	}
	return nil
}
