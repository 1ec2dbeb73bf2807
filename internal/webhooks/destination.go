package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"clearpost/internal/netguard"
)

// ErrDisallowedAddress is why a connection was refused: the endpoint's host is, or resolved to,
// an address that is not public (private, loopback, link-local, ...). The check runs on the address
// actually dialed, so neither a name pointing inside the network nor DNS rebinding gets through.
var ErrDisallowedAddress = netguard.ErrDisallowedAddress

// Resolver looks up a host's addresses (*net.Resolver is one).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// policy is where deliveries may go.
type policy struct {
	allowLoopback bool
	allowed       []netip.Prefix
	resolver      Resolver
	dialTimeout   time.Duration
}

// guard is the policy's netguard.Guard: the one check of where outbound requests may go.
func (p policy) guard() netguard.Guard {
	return netguard.Guard{AllowLoopback: p.allowLoopback, Allowed: p.allowed}
}

// allows reports whether a delivery may connect to ip.
func (p policy) allows(ip netip.Addr) bool { return p.guard().Allows(ip) }

// control is the dialer's last word on each address it is about to connect to.
func (p policy) control(network, address string, c syscall.RawConn) error {
	return p.guard().Control(network, address, c)
}

// dial resolves addr's host with the policy's resolver and connects to its addresses in turn,
// each checked by control. A refused address is skipped for the next; if none connects, the first
// refusal (or else the first error) is returned.
func (p policy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = p.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", host, err)
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("resolve %s: no addresses", host)
		}
	}
	d := &net.Dialer{Timeout: p.dialTimeout, KeepAlive: 30 * time.Second, Control: p.control}
	var refused, failed error
	for _, ip := range ips {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		switch {
		case errors.Is(err, ErrDisallowedAddress):
			if refused == nil {
				refused = err
			}
		case failed == nil:
			failed = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if refused != nil {
		return nil, refused
	}
	return nil, failed
}

// client returns the HTTP client deliveries use: the policy's dial, no proxy (a proxy would hide
// the real destination from the check), no redirects (an endpoint answers for itself), and a
// timeout for the whole attempt.
func (p policy) client(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           p.dial,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			ExpectContinueTimeout: time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// maxURLLength bounds a subscription's URL.
const maxURLLength = 2048

// checkURL validates an endpoint URL without network access and returns it normalized. https is
// required; plain http only to a loopback host when the policy allows loopback. A literal address
// must be one the policy allows; host names are checked when dialed.
func (p policy) checkURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return "", invalid("url", "is required")
	case len(raw) > maxURLLength:
		return "", invalid("url", "is longer than %d characters", maxURLLength)
	case !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", invalid("url", "contains control characters")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", invalid("url", "must be an absolute https:// URL")
	}
	if u.User != nil {
		return "", invalid("url", "must not contain a user name or password: the signature authenticates deliveries")
	}
	if u.Fragment != "" || u.RawFragment != "" {
		return "", invalid("url", "must not have a #fragment")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return "", invalid("url", "must name a host")
	}
	if port := u.Port(); port != "" {
		if n, err := parsePort(port); err != nil || n == 0 {
			return "", invalid("url", "has an invalid port %q", port)
		}
	}
	ip, ipErr := netip.ParseAddr(host)
	loopback := host == "localhost" || strings.HasSuffix(host, ".localhost")
	if ipErr == nil {
		loopback = ip.Unmap().IsLoopback()
	}
	if u.Scheme == "http" && !(loopback && p.allowLoopback) {
		return "", invalid("url", "must use https")
	}
	switch {
	case loopback && !p.allowLoopback:
		return "", invalid("url", "must point to a public address, not this machine")
	case ipErr == nil && !p.allows(ip):
		return "", invalid("url", "must point to a public address, not %s", ip)
	}
	u.Host = strings.ToLower(u.Host)
	return u.String(), nil
}

func parsePort(s string) (int, error) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + int(c-'0')
		if n > 65535 {
			return 0, errors.New("out of range")
		}
	}
	return n, nil
}
