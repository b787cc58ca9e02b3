package dnsx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
)

// Config says where a Client gets its answers.
type Config struct {
	// Servers are HOST or HOST:PORT (port 53 by default). Empty means the
	// system's, from /etc/resolv.conf (unless Offline).
	Servers []string
	// Timeout limits one exchange with one server; 5s when zero.
	Timeout time.Duration
	// Zones are answered from memory, without the network.
	Zones []*Zone
	// Offline turns a question outside Zones into an ErrOffline error.
	Offline bool
	// MaxInFlight bounds the network queries under way at once; 128 when
	// zero.
	MaxInFlight int
	// ResolvConf is the file to read system servers from; /etc/resolv.conf
	// when empty.
	ResolvConf string
	// NoCache keeps no answer once its query is done (concurrent asks for
	// one question still share one query). For runs that ask many
	// distinct names once each, such as bulk blocklist checks, where a
	// cache would only grow.
	NoCache bool
	// ReuseConns keeps UDP sockets to each server open between exchanges
	// (up to MaxInFlight per server) instead of opening one per question:
	// for bulk runs, where the socket costs more than the question. A late
	// or duplicate answer is told apart by its ID and question; a socket
	// whose exchange failed or was cancelled is closed, not reused.
	ReuseConns bool
}

// Client is the Resolver relayctl uses: zone files first, then the
// configured servers over UDP with EDNS0, retrying over TCP when an answer
// comes back truncated. Each Client has one cache: ask the same question
// twice, or twice at once, and one query goes out.
type Client struct {
	servers []string
	timeout time.Duration
	zones   Zones
	offline bool
	sem     chan struct{}
	cache   cache
	sent    atomic.Int64
	udpPool map[string]chan *dns.Conn // with Config.ReuseConns
}

// DefaultTimeout is the per-exchange limit when Config.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// ednsSize is the UDP payload size advertised (the DNS flag day 2020
// figure, which avoids IP fragmentation).
const ednsSize = 1232

// New builds a Client.
func New(cfg Config) (*Client, error) {
	c := &Client{timeout: cfg.Timeout, zones: cfg.Zones, offline: cfg.Offline}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	n := cfg.MaxInFlight
	if n <= 0 {
		n = 128
	}
	c.sem = make(chan struct{}, n)
	c.cache.init()
	c.cache.forget = cfg.NoCache
	for _, s := range cfg.Servers {
		addr, err := ServerAddr(s)
		if err != nil {
			return nil, err
		}
		c.servers = append(c.servers, addr)
	}
	if len(c.servers) == 0 && !cfg.Offline {
		path := cfg.ResolvConf
		if path == "" {
			path = "/etc/resolv.conf"
		}
		sys, err := SystemServers(path)
		if err != nil {
			return nil, err
		}
		c.servers = sys
	}
	if cfg.ReuseConns {
		c.udpPool = map[string]chan *dns.Conn{}
		for _, srv := range c.servers {
			c.udpPool[srv] = make(chan *dns.Conn, n)
		}
	}
	return c, nil
}

// ServerAddr turns HOST, HOST:PORT, IPv6 or [IPv6]:PORT into a dialable
// address.
func ServerAddr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", checks.NewError("dnsx", nil, "empty resolver address")
	}
	if host, port, err := net.SplitHostPort(s); err == nil {
		if host == "" || port == "" {
			return "", checks.NewError("dnsx", nil, fmt.Sprintf("resolver %q: host and port needed", s))
		}
		return net.JoinHostPort(host, port), nil
	}
	host := strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if host == "" {
		return "", checks.NewError("dnsx", nil, fmt.Sprintf("resolver %q: host needed", s))
	}
	if strings.ContainsAny(host, "[]/ ") {
		return "", checks.NewError("dnsx", nil, fmt.Sprintf("resolver %q: not a host or host:port", s))
	}
	return net.JoinHostPort(host, "53"), nil
}

// SystemServers reads the nameservers of a resolv.conf file.
func SystemServers(path string) ([]string, error) {
	cc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		// The path error names the file already: keep only its reason.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, checks.WrapError("dnsx", nil, "reading "+path, pe.Err)
		}
		return nil, checks.WrapError("dnsx", nil, "reading "+path, err)
	}
	var out []string
	for _, s := range cc.Servers {
		out = append(out, net.JoinHostPort(s, cc.Port))
	}
	if len(out) == 0 {
		return nil, checks.NewError("dnsx", nil, "no nameserver in "+path)
	}
	return out, nil
}

// Servers returns the network servers the client asks, in order.
func (c *Client) Servers() []string { return append([]string(nil), c.servers...) }

// Offline reports whether the client was built with Config.Offline: no
// question leaves the zone files, and a check that would open a
// connection of its own (an HTTPS fetch, an SMTP probe) must not either.
func (c *Client) Offline() bool { return c.offline }

// Sent returns how many exchanges went to the network so far.
func (c *Client) Sent() int64 { return c.sent.Load() }

// Query implements Resolver.
func (c *Client) Query(ctx context.Context, name string, qtype uint16) (*Answer, error) {
	name = Fqdn(name)
	if _, ok := dns.IsDomainName(name); !ok || len(name) > 254 {
		return nil, &QueryError{Name: name, Type: qtype, Err: ErrBadName}
	}
	return c.cache.do(ctx, key{name, qtype}, func() (*Answer, error) {
		return c.resolve(ctx, name, qtype, 0)
	})
}

func (c *Client) resolve(ctx context.Context, name string, qtype uint16, depth int) (*Answer, error) {
	rcode, rrs, next, z, ok := c.zones.Lookup(name, qtype)
	if !ok {
		if c.offline {
			return nil, &QueryError{Name: name, Type: qtype, Err: ErrOffline}
		}
		return c.exchange(ctx, name, qtype)
	}
	ans := &Answer{Name: name, Type: qtype, Rcode: rcode, RRs: rrs, From: "zone " + z.File}
	if rcode == dns.RcodeServerFailure {
		return nil, &QueryError{Name: name, Type: qtype, Err: ErrCNAMELoop, Server: ans.From}
	}
	if next == "" {
		return ans, nil
	}
	// The CNAME chain left the zone files: go on where the target lives.
	if depth >= maxCNAMEHops {
		return nil, &QueryError{Name: name, Type: qtype, Err: ErrCNAMELoop}
	}
	rest, err := c.Query(ctx, next, qtype)
	if err != nil {
		return nil, err
	}
	ans.Rcode = rest.Rcode
	ans.RRs = append(ans.RRs, rest.RRs...)
	ans.AD = false
	return ans, nil
}

// exchange asks the servers in turn until one answers NOERROR or NXDOMAIN.
func (c *Client) exchange(ctx context.Context, name string, qtype uint16) (*Answer, error) {
	if len(c.servers) == 0 {
		return nil, &QueryError{Name: name, Type: qtype, Err: ErrNetwork, Detail: "no DNS server configured"}
	}
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	// Ask for the AD bit explicitly (RFC 6840 §5.7) so a validating
	// resolver tells us what it validated.
	q.AuthenticatedData = true
	q.SetEdns0(ednsSize, false)

	var lastErr error
	for _, srv := range c.servers {
		resp, err := c.exchangeOne(ctx, q, srv)
		if err == nil && resp.Rcode == dns.RcodeFormatError && resp.IsEdns0() == nil {
			// A server that does not know EDNS answers FORMERR without
			// an OPT record: ask it again without one (RFC 6891 §7).
			plain := q.Copy()
			plain.Extra = nil
			resp, err = c.exchangeOne(ctx, plain, srv)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			lastErr = err
			continue
		}
		ans, err := answerFrom(name, qtype, srv, resp)
		if err == nil {
			return ans, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// answerFrom reads a server's response to the question (name, qtype):
// an Answer for NOERROR and NXDOMAIN whose answer section holds to the
// question (checkAnswer), a QueryError for anything else.
func answerFrom(name string, qtype uint16, srv string, resp *dns.Msg) (*Answer, error) {
	switch resp.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
		if err := checkAnswer(name, qtype, resp.Answer); err != nil {
			err.Server = srv
			return nil, err
		}
		return &Answer{Name: name, Type: qtype, Rcode: resp.Rcode, RRs: resp.Answer, AD: resp.AuthenticatedData, From: srv}, nil
	case dns.RcodeServerFailure:
		return nil, &QueryError{Name: name, Type: qtype, Server: srv, Err: ErrServFail}
	case dns.RcodeRefused:
		return nil, &QueryError{Name: name, Type: qtype, Server: srv, Err: ErrRefused}
	}
	return nil, &QueryError{Name: name, Type: qtype, Server: srv, Err: ErrRcode, Detail: dns.RcodeToString[resp.Rcode]}
}

// exchangeOne does one exchange with one server: UDP, and TCP for this
// exchange only when the UDP answer is truncated (RFC 7766 §5).
func (c *Client) exchangeOne(ctx context.Context, q *dns.Msg, srv string) (*dns.Msg, error) {
	name, qtype := q.Question[0].Name, q.Question[0].Qtype
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	c.sent.Add(1)
	resp, err := c.exchangeUDP(ctx, q, srv)
	if err == nil && resp.Truncated {
		c.sent.Add(1)
		resp, err = exchangeVia(ctx, "tcp", c.timeout, q, srv)
		if err != nil {
			// Say it was TCP that failed: "timeout" alone would blame a
			// server that did answer over UDP.
			qe := classify(ctx, name, qtype, srv, err)
			why := qe.Err.Error()
			if qe.Detail != "" {
				why = qe.Detail
			}
			return nil, &QueryError{Name: name, Type: qtype, Server: srv, Err: ErrTCPRetry, Cause: qe.Err,
				Detail: why + "; TCP/53 may be blocked"}
		}
	}
	if err != nil {
		return nil, classify(ctx, name, qtype, srv, err)
	}
	if resp.Truncated {
		// Still cut short over TCP: the records that are there may not
		// be all of them, so they are no answer (and not "no record").
		return nil, &QueryError{Name: name, Type: qtype, Server: srv, Err: ErrBadAnswer, Detail: "truncated even over TCP"}
	}
	if len(resp.Question) != 1 || !strings.EqualFold(resp.Question[0].Name, name) || resp.Question[0].Qtype != qtype {
		return nil, &QueryError{Name: name, Type: qtype, Server: srv, Err: ErrNetwork, Detail: "answer is for another question"}
	}
	return resp, nil
}

func classify(ctx context.Context, name string, qtype uint16, srv string, err error) *QueryError {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) || ctx.Err() == context.DeadlineExceeded {
		return &QueryError{Name: name, Type: qtype, Server: srv, Err: ErrTimeout}
	}
	return &QueryError{Name: name, Type: qtype, Server: srv, Err: ErrNetwork, Detail: err.Error()}
}

// exchangeUDP runs one UDP exchange, on a pooled socket with
// Config.ReuseConns.
func (c *Client) exchangeUDP(ctx context.Context, q *dns.Msg, srv string) (*dns.Msg, error) {
	pool := c.udpPool[srv]
	if pool == nil {
		return exchangeVia(ctx, "udp", c.timeout, q, srv)
	}
	cl := &dns.Client{Net: "udp", Timeout: c.timeout, UDPSize: ednsSize}
	var conn *dns.Conn
	select {
	case conn = <-pool:
	default:
		var err error
		if conn, err = cl.DialContext(ctx, srv); err != nil {
			return nil, err
		}
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	resp, _, err := cl.ExchangeWithConnContext(ctx, q.Copy(), conn)
	if !stop() || err != nil {
		conn.Close()
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return resp, err
	}
	select {
	case pool <- conn:
	default:
		conn.Close()
	}
	return resp, nil
}

// exchangeVia runs one exchange over network. The connection is closed
// when ctx ends, so a cancelled run does not wait out the timeout.
func exchangeVia(ctx context.Context, network string, timeout time.Duration, q *dns.Msg, srv string) (*dns.Msg, error) {
	cl := &dns.Client{Net: network, Timeout: timeout, UDPSize: ednsSize}
	conn, err := cl.DialContext(ctx, srv)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	resp, _, err := cl.ExchangeWithConnContext(ctx, q.Copy(), conn)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return resp, err
}

// checkAnswer holds a NOERROR or NXDOMAIN answer section from the network
// to the question: the CNAME chain from name must end (no loop, at most
// maxCNAMEHops long), and every record must belong to the chain (or be a
// DNAME above one of its names, RFC 6672 §3.1). A response that fails is
// broken, never "no record": the caller makes it an error.
func checkAnswer(name string, qtype uint16, rrs []dns.RR) *QueryError {
	chain := map[string]bool{strings.ToLower(name): true}
	cur := strings.ToLower(name)
	for hops := 0; ; hops++ {
		next := ""
		for _, rr := range rrs {
			if c, ok := rr.(*dns.CNAME); ok && qtype != dns.TypeCNAME && strings.EqualFold(c.Hdr.Name, cur) {
				next = strings.ToLower(dns.Fqdn(c.Target))
				break
			}
		}
		if next == "" {
			break
		}
		if chain[next] {
			return &QueryError{Name: name, Type: qtype, Err: ErrCNAMELoop,
				Detail: fmt.Sprintf("%s points back to %s", strings.TrimSuffix(cur, "."), strings.TrimSuffix(next, "."))}
		}
		if hops >= maxCNAMEHops {
			return &QueryError{Name: name, Type: qtype, Err: ErrBadAnswer,
				Detail: fmt.Sprintf("a CNAME chain longer than %d names", maxCNAMEHops)}
		}
		chain[next] = true
		cur = next
	}
	for _, rr := range rrs {
		h := rr.Header()
		owner := strings.ToLower(dns.Fqdn(h.Name))
		if chain[owner] {
			continue
		}
		if h.Rrtype == dns.TypeDNAME && dnameCovers(owner, chain) {
			continue
		}
		return &QueryError{Name: name, Type: qtype, Err: ErrBadAnswer,
			Detail: fmt.Sprintf("the answer holds a %s record of %s, another name", dns.TypeToString[h.Rrtype], strings.TrimSuffix(owner, "."))}
	}
	return nil
}

// dnameCovers reports whether a DNAME at owner sits above a name of the
// chain.
func dnameCovers(owner string, chain map[string]bool) bool {
	for n := range chain {
		if n != owner && dns.IsSubDomain(owner, n) {
			return true
		}
	}
	return false
}
