package smtpprobe

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpwire"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// Every address of the host on every default port, in address then port
// order, each its own result; reverse DNS filled in; 465 and 587 closed
// are information only.
func TestCheckTargetDefaultPorts(t *testing.T) {
	tlsCfg := issue(t, tlstest.LeafOptions{Names: []string{"mx.test.example"}})
	mx := server(t, smtptest.Config{TLS: tlsCfg})
	sub := server(t, smtptest.Config{TLS: tlsCfg, RequireTLS: true, Users: plainUser, Mechs: plainMech})
	r := newFake(t,
		"mx.test.example. 300 IN A 127.0.0.1",
		"mx.test.example. 300 IN AAAA ::1",
		"1.0.0.127.in-addr.arpa. 300 IN PTR mx.test.example.",
	)
	// 465 routes to a closed port.
	o := opts(t, map[int]string{25: mx.Addr, 587: sub.Addr, 465: "127.0.0.1:1"})
	tg, err := ParseTarget("MX.test.example.")
	if err != nil {
		t.Fatal(err)
	}
	rep := CheckTarget(context.Background(), r, tg, o)
	if rep.Command != "check smtp" || rep.Target != "mx.test.example" || len(rep.Checks) != 6 {
		t.Fatalf("report %s %s with %d checks", rep.Command, rep.Target, len(rep.Checks))
	}
	wantNames := []string{"smtp 127.0.0.1:25", "smtp 127.0.0.1:587", "smtp 127.0.0.1:465", "smtp [::1]:25", "smtp [::1]:587", "smtp [::1]:465"}
	for i, c := range rep.Checks {
		if c.Name != wantNames[i] {
			t.Errorf("check %d is %q, want %q", i, c.Name, wantNames[i])
		}
	}
	if rep.Checks[0].Status != checks.StatusOK || rep.Checks[1].Status != checks.StatusOK || rep.Checks[2].Status != checks.StatusInfo {
		t.Errorf("statuses %s %s %s", rep.Checks[0].Status, rep.Checks[1].Status, rep.Checks[2].Status)
	}
	wantCodes(t, rep.Checks[2], CodePortClosed)
	p := rep.Checks[0].Data.(*Probe)
	if len(p.PTR) != 1 || p.PTR[0] != "mx.test.example" || !p.TLS.NameMatch || p.Host != "mx.test.example" {
		t.Errorf("ptr %v tls %+v", p.PTR, p.TLS)
	}
	if p6 := rep.Checks[3].Data.(*Probe); p6.Address != netip.MustParseAddr("::1") || len(p6.PTR) != 0 || p6.PTRError != "" {
		t.Errorf("v6 probe %v ptr %v %q", p6.Address, p6.PTR, p6.PTRError)
	}
	// The closed 465 is the worst there is: information.
	if rep.Status != checks.StatusInfo {
		t.Errorf("report status %s", rep.Status)
	}
}

// An IP literal needs no DNS; a named port probes only that port.
func TestCheckTargetLiteral(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{Names: []string{"127.0.0.1"}}), Implicit: true})
	tg, err := ParseTarget(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	o := opts(t, nil)
	o.Dial = nil
	o.ImplicitTLS = true
	rep := CheckTarget(context.Background(), nil, tg, o)
	if len(rep.Checks) != 1 || rep.Target != srv.Addr || rep.Checks[0].Name != "smtp "+srv.Addr || rep.Status != checks.StatusOK {
		t.Fatalf("report %+v", rep)
	}
}

func TestCheckTargetDNS(t *testing.T) {
	r := newFake(t, "other.test.example. 300 IN A 127.0.0.1")
	r.errs["broken.test.example. A"] = &dnsx.QueryError{Name: "broken.test.example.", Type: dns.TypeA, Err: dnsx.ErrServFail}
	r.errs["broken.test.example. AAAA"] = &dnsx.QueryError{Name: "broken.test.example.", Type: dns.TypeAAAA, Err: dnsx.ErrServFail}
	o := opts(t, nil)

	rep := CheckTarget(context.Background(), r, Target{Host: "broken.test.example"}, o)
	if len(rep.Checks) != 1 || rep.Checks[0].Status != checks.StatusError || !strings.Contains(rep.Checks[0].Error, "SERVFAIL") {
		t.Errorf("servfail: %+v", rep.Checks)
	}
	rep = CheckTarget(context.Background(), r, Target{Host: "gone.test.example"}, o)
	if len(rep.Checks) != 1 || rep.Checks[0].Status != checks.StatusFail {
		t.Fatalf("nxdomain: %+v", rep.Checks)
	}
	wantCodes(t, rep.Checks[0], CodeHostUnresolvable)

	// One family failing: that result first, then the other's probes.
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{})})
	r.errs["other.test.example. AAAA"] = &dnsx.QueryError{Name: "other.test.example.", Type: dns.TypeAAAA, Err: dnsx.ErrTimeout}
	o = opts(t, map[int]string{25: srv.Addr})
	rep = CheckTarget(context.Background(), r, Target{Host: "other.test.example", Port: 25}, o)
	if len(rep.Checks) != 2 || rep.Checks[0].Status != checks.StatusError || rep.Checks[1].Name != "smtp 127.0.0.1:25" {
		t.Fatalf("partial: %+v", rep.Checks)
	}
	wantCodes(t, rep.Checks[0], CodeHostLookupFailed)
}

// RunAll keeps the input order whatever order the targets finish in.
func TestRunAllOrder(t *testing.T) {
	slow := server(t, smtptest.Config{Delay: 100 * time.Millisecond})
	fast := server(t, smtptest.Config{})
	targets := []Target{
		{Host: "127.0.0.1", Addr: loopback, Port: slow.Port},
		{Host: "127.0.0.1", Addr: loopback, Port: fast.Port},
	}
	o := opts(t, nil)
	o.Dial = nil
	var got []string
	RunAll(context.Background(), nil, targets, o, func(rep checks.Report) { got = append(got, rep.Target) })
	if len(got) != 2 || got[0] != slow.Addr || got[1] != fast.Addr {
		t.Errorf("order %v", got)
	}
}

func TestParseTarget(t *testing.T) {
	good := []struct {
		in, host string
		port     int
		literal  bool
	}{
		{"mx.example.com", "mx.example.com", 0, false},
		{"MX.Example.COM.", "mx.example.com", 0, false},
		{"mx.example.com:587", "mx.example.com", 587, false},
		{"bücher.example:25", "xn--bcher-kva.example", 25, false},
		{"192.0.2.1", "192.0.2.1", 0, true},
		{"192.0.2.1:465", "192.0.2.1", 465, true},
		{"2001:db8::1", "2001:db8::1", 0, true},
		{"[2001:db8::1]", "2001:db8::1", 0, true},
		{"[2001:db8::1]:25", "2001:db8::1", 25, true},
		{"::ffff:192.0.2.1", "192.0.2.1", 0, true},
	}
	for _, c := range good {
		tg, err := ParseTarget(c.in)
		if err != nil || tg.Host != c.host || tg.Port != c.port || tg.Addr.IsValid() != c.literal {
			t.Errorf("%q: %+v %v", c.in, tg, err)
		}
	}
	for _, bad := range []string{"", "mx.example.com:0", "mx.example.com:70000", "mx.example.com:smtp", "bad..name", "a b.example", "[2001:db8::1", "fe80::1%eth0", "host:25:26", "localhost"} {
		if tg, err := ParseTarget(bad); err == nil {
			t.Errorf("%q accepted as %+v", bad, tg)
		}
	}
	if s := (Target{Host: "2001:db8::1", Port: 25}).String(); s != "[2001:db8::1]:25" {
		t.Errorf("String %q", s)
	}
}

// Without --ehlo the probe greets with this host's name, as smtpwire
// judges it; the name is looked up through Options.Hostname.
func TestDefaultEHLOName(t *testing.T) {
	for host, want := range map[string]string{"client.example.org": "EHLO client.example.org", "buildbox": "EHLO " + smtpwire.FallbackEHLO} {
		srv := server(t, smtptest.Config{})
		o := opts(t, nil)
		o.EHLO = ""
		o.Hostname = func() (string, error) { return host, nil }
		probeAt(t, srv.Addr, "localhost", 2525, o)
		if !strings.Contains(srv.Log(), want) {
			t.Errorf("hostname %q: the server did not see %q:\n%s", host, want, srv.Log())
		}
	}
}
