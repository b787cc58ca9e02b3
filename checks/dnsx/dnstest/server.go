// Package dnstest runs a real DNS server on loopback for tests: it answers
// from dnsx zones over UDP and TCP, like a recursive resolver that knows
// every name in them, and can be told to misbehave per name (fail, refuse,
// never answer, truncate, truncate with TCP blocked, FORMERR to EDNS,
// a given broken answer) or to delay every answer.
package dnstest

import (
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// Behavior is how the server treats questions for a name.
type Behavior int

const (
	Normal   Behavior = iota
	Drop              // never answer
	ServFail          // answer SERVFAIL
	Refused           // answer REFUSED
	Truncate          // over UDP, answer with TC set and no records
	// TruncateTCPDrop answers with TC set over UDP and never answers
	// over TCP, the connection left open: a path where TCP/53 is
	// blocked by a firewall that drops.
	TruncateTCPDrop
	// TruncateAlways answers with TC set and no records over UDP and
	// TCP alike.
	TruncateAlways
	// FormErrEDNS answers FORMERR, without an OPT record, to a question
	// that carries EDNS (an OPT record), and normally to one without:
	// a server that predates RFC 6891.
	FormErrEDNS
)

// Server is a DNS server on 127.0.0.1, UDP and TCP on the same port.
type Server struct {
	Addr  string
	zones dnsx.Zones

	mu    sync.RWMutex
	hooks map[string]Behavior
	raw   map[string][]dns.RR // SetAnswer: name → answer section
	ad    map[string]bool     // SetAD: name → AD bit for it and the names below
	delay time.Duration

	queries  atomic.Int64
	inFlight atomic.Int64
	peak     atomic.Int64
	udp      *dns.Server
	tcp      *dns.Server
}

// Start serves zones on a free loopback port until the test ends.
func Start(t testing.TB, zones ...*dnsx.Zone) *Server {
	t.Helper()
	s, err := Listen(zones...)
	if err != nil {
		t.Fatalf("dnstest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen serves zones on a free loopback port until Close; for benchmarks
// and programs that have no testing.TB.
func Listen(zones ...*dnsx.Zone) (*Server, error) {
	// UDP and TCP share one port number; another process may hold the TCP
	// side of the number the kernel gave us for UDP, so try a few.
	var pc net.PacketConn
	var ln net.Listener
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		return nil, err
	}
	return serveOn(pc, ln, zones), nil
}

// ListenAddr serves zones on addr ("127.0.0.1:53"), UDP and TCP, until
// Close: for a program whose resolver asks only port 53 of an address
// in its resolv.conf.
func ListenAddr(addr string, zones ...*dnsx.Zone) (*Server, error) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		pc.Close()
		return nil, err
	}
	return serveOn(pc, ln, zones), nil
}

func serveOn(pc net.PacketConn, ln net.Listener, zones []*dnsx.Zone) *Server {
	s := &Server{zones: zones, hooks: map[string]Behavior{}, raw: map[string][]dns.RR{}, ad: map[string]bool{}}
	s.Addr = pc.LocalAddr().String()
	h := dns.HandlerFunc(s.serve)
	started := make(chan struct{}, 2)
	s.udp = &dns.Server{PacketConn: pc, Handler: h, NotifyStartedFunc: func() { started <- struct{}{} }}
	s.tcp = &dns.Server{Listener: ln, Handler: h, NotifyStartedFunc: func() { started <- struct{}{} }}
	go s.udp.ActivateAndServe()
	go s.tcp.ActivateAndServe()
	<-started
	<-started
	return s
}

// Close stops the server.
func (s *Server) Close() {
	s.udp.Shutdown()
	s.tcp.Shutdown()
}

// Set makes the server treat every question for name this way.
func (s *Server) Set(name string, b Behavior) {
	s.mu.Lock()
	s.hooks[dnsx.Fqdn(name)] = b
	s.mu.Unlock()
}

// SetAnswer makes the server answer every question for name NOERROR with
// exactly rrs in the answer section, whatever they are: a broken
// resolver's answer (a CNAME loop, records of another name) that a zone
// cannot express. Behaviors set with Set come first.
func (s *Server) SetAnswer(name string, rrs ...dns.RR) {
	s.mu.Lock()
	s.raw[dnsx.Fqdn(name)] = rrs
	s.mu.Unlock()
}

// SetAD makes answers for name and every name below it carry the AD bit
// (ad true) or not (false), like a validating resolver whose answers for
// that subtree are secure. The setting for the closest enclosing name wins,
// so SetAD("example.com", true) then SetAD("mx.example.com", false) signs
// all of example.com but mx. By default no answer carries AD. As a real
// resolver does (RFC 6840 §5.7), AD is set only when the question had the
// AD or DO bit.
func (s *Server) SetAD(name string, ad bool) {
	s.mu.Lock()
	s.ad[dnsx.Fqdn(name)] = ad
	s.mu.Unlock()
}

// authenticated returns the AD bit SetAD gives qname. The caller holds mu.
func (s *Server) authenticated(qname string) bool {
	name := dnsx.Fqdn(qname)
	for {
		if ad, ok := s.ad[name]; ok {
			return ad
		}
		if name == "." {
			return false
		}
		i := strings.IndexByte(name, '.')
		name = name[i+1:]
		if name == "" {
			name = "."
		}
	}
}

// SetDelay delays every answer by d.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Queries returns how many questions the server has received.
func (s *Server) Queries() int64 { return s.queries.Load() }

// PeakInFlight returns the most questions the server has held at once
// (received, not yet answered or dropped). With SetDelay, questions a
// client sends together overlap for the whole delay, so a peak above 1
// shows that they were asked concurrently without timing anything.
func (s *Server) PeakInFlight() int64 { return s.peak.Load() }

// Client returns a dnsx client that asks only this server.
func (s *Server) Client(timeout time.Duration) *dnsx.Client {
	c, err := dnsx.New(dnsx.Config{Servers: []string{s.Addr}, Timeout: timeout})
	if err != nil {
		panic(err) // the address is ours; this cannot fail
	}
	return c
}

// Resolver starts a server holding one zone given as master-file text
// (with $ORIGIN or an SOA) and returns a client asking it, with a 2s
// timeout.
func Resolver(t testing.TB, zoneText string) *dnsx.Client {
	t.Helper()
	return Start(t, Zone(t, "", zoneText)).Client(2 * time.Second)
}

func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	if len(req.Question) != 1 {
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeFormatError)
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	s.mu.RLock()
	b := s.hooks[dnsx.Fqdn(q.Name)]
	raw, isRaw := s.raw[dnsx.Fqdn(q.Name)]
	delay := s.delay
	ad := s.authenticated(q.Name)
	s.mu.RUnlock()
	// A question is held from here until its answer is about to be
	// written: counted out before the write, so a client asking again as
	// soon as it has the answer never overlaps with it.
	n := s.inFlight.Add(1)
	for p := s.peak.Load(); n > p; p = s.peak.Load() {
		if s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	s.inFlight.Add(-1)
	_, isUDP := w.RemoteAddr().(*net.UDPAddr)
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	switch b {
	case Drop:
		return
	case ServFail:
		m.Rcode = dns.RcodeServerFailure
		w.WriteMsg(m)
		return
	case Refused:
		m.Rcode = dns.RcodeRefused
		w.WriteMsg(m)
		return
	case Truncate:
		if isUDP {
			m.Truncated = true
			w.WriteMsg(m)
			return
		}
	case TruncateTCPDrop:
		if isUDP {
			m.Truncated = true
			w.WriteMsg(m)
		}
		return
	case TruncateAlways:
		m.Truncated = true
		w.WriteMsg(m)
		return
	case FormErrEDNS:
		if req.IsEdns0() != nil {
			m.Rcode = dns.RcodeFormatError
			w.WriteMsg(m)
			return
		}
	}
	if isRaw {
		m.Answer = raw
		w.WriteMsg(m)
		return
	}
	rcode, rrs, next, _, ok := s.zones.Lookup(q.Name, q.Qtype)
	if !ok {
		m.Rcode = dns.RcodeRefused
		w.WriteMsg(m)
		return
	}
	_ = next // a chain leaving every zone ends here, as NOERROR with the CNAMEs
	m.Rcode = rcode
	m.Answer = rrs
	if ad && (req.AuthenticatedData || (req.IsEdns0() != nil && req.IsEdns0().Do())) {
		m.AuthenticatedData = true
	}
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(opt.UDPSize(), false)
		if int(opt.UDPSize()) > size {
			size = int(opt.UDPSize())
		}
	}
	if isUDP {
		m.Truncate(size)
	}
	w.WriteMsg(m)
}
