package send

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// target is one address to try.
type target struct {
	host string // the name for SNI and the certificate check
	addr string // what to dial
}

// route lists where to connect: --server, or the MX hosts of the first
// recipient's domain in preference order (RFC 5321 §5.1), each host's
// addresses in turn.
func route(ctx context.Context, cfg *Config, firstRcpt string) ([]target, bool, *stepError) {
	mode := cfg.tlsMode()
	if cfg.Server != "" {
		host, port, err := ParseServer(cfg.Server, SubmissionPort)
		if err != nil {
			return nil, false, &stepError{failure: FailureConnect, err: err}
		}
		implicit := mode == TLSImplicit || mode == TLSAuto && port == ImplicitPort
		return []target{{host: host, addr: net.JoinHostPort(host, strconv.Itoa(port))}}, implicit, nil
	}
	port := cfg.MXPort
	if port == 0 {
		port = RelayPort
	}
	implicit := mode == TLSImplicit
	if cfg.Resolver == nil {
		return nil, false, &stepError{failure: FailureConnect, err: errors.New("no --server and no resolver for an MX lookup")}
	}
	_, domain, ok := strings.Cut(firstRcpt, "@")
	if !ok || domain == "" {
		return nil, false, &stepError{failure: FailureConnect, err: errorf(ErrBadInput, "recipient %q has no domain for an MX lookup", firstRcpt)}
	}
	if strings.HasPrefix(domain, "[") {
		// An address literal (RFC 5321 §4.1.3): deliver to it directly.
		ip := strings.TrimPrefix(strings.Trim(domain, "[]"), "IPv6:")
		return []target{{host: ip, addr: net.JoinHostPort(ip, strconv.Itoa(port))}}, implicit, nil
	}
	qctx, cancel := context.WithTimeout(ctx, 4*cfg.timeout())
	defer cancel()
	mxs, ans, err := dnsx.MX(qctx, cfg.Resolver, domain)
	if err != nil {
		return nil, false, &stepError{failure: FailureConnect, err: wrap("MX lookup for "+domain, err), retry: true}
	}
	if ans.NXDomain() {
		return nil, false, &stepError{failure: FailureRecipient, permanent: true, err: fmt.Errorf("domain %s does not exist (NXDOMAIN)", domain)}
	}
	var hosts []string
	for _, mx := range mxs {
		h := strings.TrimSuffix(strings.ToLower(mx.Mx), ".")
		if h == "" {
			if len(mxs) == 1 {
				// RFC 7505 §3: a null MX says the domain takes no mail.
				return nil, false, &stepError{failure: FailureRecipient, permanent: true, err: fmt.Errorf("domain %s accepts no mail (null MX, RFC 7505)", domain)}
			}
			continue
		}
		hosts = append(hosts, h)
	}
	if len(mxs) == 0 {
		// No MX: the domain itself is the implicit MX (RFC 5321 §5.1).
		hosts = []string{domain}
	}
	var out []target
	var lastErr error
	for _, h := range hosts {
		res, err := dnsx.Addrs(qctx, cfg.Resolver, h)
		if len(res.Addrs) == 0 {
			if err != nil {
				lastErr = err
			} else {
				lastErr = fmt.Errorf("MX host %s has no address", h)
			}
			continue
		}
		for _, a := range res.Addrs {
			out = append(out, target{host: h, addr: net.JoinHostPort(a.String(), strconv.Itoa(port))})
		}
	}
	if len(out) == 0 {
		return nil, false, &stepError{failure: FailureConnect, err: fmt.Errorf("no MX host of %s has an address: %v", domain, lastErr), retry: true}
	}
	return out, implicit, nil
}

// open connects, greets, secures and authenticates: a connection ready
// for MAIL FROM.
func open(ctx context.Context, cfg *Config, firstRcpt string, log *connLog, sec *secrets, tm *Timings) (*conn, *stepError) {
	targets, implicit, e := route(ctx, cfg, firstRcpt)
	if e != nil {
		return nil, e
	}
	var c *conn
	for i, t := range targets {
		c, e = dialOne(ctx, cfg, t.host, t.addr, implicit, log, tm)
		if e == nil {
			break
		}
		// Fall back to the next MX (or address) only when this one could
		// not be reached; a reply is the server's answer.
		if e.reply != nil || e.failure != FailureConnect || ctx.Err() != nil {
			return nil, e
		}
		if i < len(targets)-1 {
			log.info("%v; trying the next host", e.err)
		}
	}
	if e != nil {
		return nil, e
	}
	if cfg.QuitAfter == "connect" {
		return c, nil
	}
	if e := c.setup(ctx, sec, tm); e != nil {
		c.quitOrClose(e)
		// The closed connection still tells the record where it got.
		return c, e
	}
	return c, nil
}

// quitOrClose ends a connection after a failed step: QUIT when the
// dialogue is still in step, else just close.
func (c *conn) quitOrClose(e *stepError) {
	if c.broken {
		c.close()
		return
	}
	c.quit()
}

// setup: EHLO, STARTTLS when the mode says so, AUTH when there are
// credentials.
func (c *conn) setup(ctx context.Context, sec *secrets, tm *Timings) *stepError {
	cfg := c.cfg
	t0 := time.Now()
	if e := c.ehlo(); e != nil {
		return e
	}
	tm.EHLO = since(t0)
	if cfg.QuitAfter == "ehlo" {
		return nil
	}
	mode := cfg.tlsMode()
	creds := cfg.HasCredentials()
	if !c.isTLS() && mode != TLSNone {
		offered := c.has("STARTTLS")
		switch {
		case offered:
			t1 := time.Now()
			if e := c.startTLS(ctx); e != nil {
				return e
			}
			tm.StartTLS = since(t1)
		case mode == TLSStartTLS:
			return &stepError{failure: FailureTLS, err: errorf(ErrPolicy, "--tls starttls, but %s does not offer STARTTLS", c.host)}
		case creds && !cfg.InsecureAuth:
			return &stepError{failure: FailureTLS, err: errorf(ErrPolicy, "%s does not offer STARTTLS; credentials are never sent over an unencrypted connection (--insecure-auth allows it)", c.host)}
		default:
			c.log.info("%s does not offer STARTTLS: continuing without TLS", c.host)
		}
	}
	if cfg.QuitAfter == "tls" {
		if !c.isTLS() {
			return &stepError{failure: FailureTLS, err: errorf(ErrPolicy, "--quit-after tls, but no TLS was started (%s, --tls %s)", map[bool]string{true: c.host + " offers STARTTLS", false: c.host + " does not offer STARTTLS"}[c.has("STARTTLS")], mode)}
		}
		return nil
	}
	if creds {
		if !c.isTLS() && !cfg.InsecureAuth {
			return &stepError{failure: FailureAuth, err: errorf(ErrPolicy, "credentials are never sent over an unencrypted connection (--insecure-auth allows it)")}
		}
		t2 := time.Now()
		if e := c.authenticate(sec); e != nil {
			return e
		}
		tm.Auth = since(t2)
	}
	return nil
}
