package ipcheck

import (
	"context"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// ipExample is what the test reads of an Example: the address that
// sends, the name it greets with, the DNS records, and the questions
// (name and type) the example says fail.
type ipExample struct {
	addr    netip.Addr
	helo    string
	records []dns.RR
	failing []string // owner names
	// servfail: the failing questions are answered SERVFAIL (the
	// example says so), else never answered.
	servfail bool
}

// readIPExample sorts the backquoted pieces of an example: "EHLO name"
// is the greeting, an address is the sender (the first one), a master-file
// record ("name TYPE data") goes into the zone, and "name TYPE" alone is
// a question the example says fails. Without an address piece, the
// sender is the owner of the first PTR record or failing reverse name.
func readIPExample(t *testing.T, text string) ipExample {
	t.Helper()
	var e ipExample
	for _, p := range codetest.Backquoted(text) {
		fields := strings.Fields(p)
		switch {
		case len(fields) == 2 && (fields[0] == "EHLO" || fields[0] == "HELO"):
			e.helo = fields[1]
		case len(fields) == 1:
			if a, err := netip.ParseAddr(p); err == nil {
				if !e.addr.IsValid() {
					e.addr = a
				}
			}
		case len(fields) == 2 && dns.StringToType[fields[1]] != 0:
			e.failing = append(e.failing, fields[0])
			if a, ok := fromReverse(fields[0]); ok && !e.addr.IsValid() {
				e.addr = a
			}
		case len(fields) >= 3:
			rr, err := dns.NewRR(p)
			if err != nil {
				t.Fatalf("example %q: piece %q is not a record: %v", text, p, err)
			}
			e.records = append(e.records, rr)
			if a, ok := fromReverse(rr.Header().Name); ok && !e.addr.IsValid() {
				e.addr = a
			}
		}
	}
	if !e.addr.IsValid() {
		t.Fatalf("example %q names no sending address", text)
	}
	e.servfail = strings.Contains(text, "SERVFAIL")
	return e
}

// fromReverse is the IPv4 address of a reversed-address name: under
// in-addr.arpa, or under a reputation service's zone.
func fromReverse(name string) (netip.Addr, bool) {
	name = strings.TrimSuffix(name, ".")
	zones := []string{"in-addr.arpa"}
	for _, s := range Services() {
		zones = append(zones, s.Zone)
	}
	for _, z := range zones {
		if rest, ok := strings.CutSuffix(name, "."+z); ok {
			labels := strings.Split(rest, ".")
			slices.Reverse(labels)
			a, err := netip.ParseAddr(strings.Join(labels, "."))
			return a, err == nil && a.Is4()
		}
	}
	return netip.Addr{}, false
}

// run serves the example's records on loopback (every other name is
// NXDOMAIN), makes its failing questions go unanswered, and checks the
// address with its greeting.
func (e ipExample) run(t *testing.T) []checks.Result {
	t.Helper()
	var zone strings.Builder
	for _, rr := range e.records {
		zone.WriteString(rr.String() + "\n")
	}
	srv := dnstest.Start(t, dnstest.Zone(t, ".", zone.String()))
	for _, name := range e.failing {
		if e.servfail {
			srv.Set(name, dnstest.ServFail)
		} else {
			srv.Set(name, dnstest.Drop)
		}
	}
	return Check(context.Background(), srv.Client(300*time.Millisecond), e.addr, Options{HELO: e.helo})
}

// ipSituations are the codes whose Example the test cannot build, each
// with why. None today: every example is DNS records (or questions that
// go unanswered) and a greeting.
var ipSituations = map[string]string{}

// ipExtra adds what an example says in words, not in records.
var ipExtra = map[string]func(t *testing.T, e *ipExample){
	// "both names have A 192.0.2.25": the greeting's name and the PTR's.
	"ip.helo-not-ptr": func(t *testing.T, e *ipExample) {
		var ptr string
		for _, m := range regexp.MustCompile("PTR is `([^`]*)`").FindAllStringSubmatch(exampleOf(t, "ip.helo-not-ptr"), -1) {
			ptr = m[1]
		}
		for _, name := range []string{e.helo, ptr} {
			rr, err := dns.NewRR(name + " A " + e.addr.String())
			if err != nil {
				t.Fatal(err)
			}
			e.records = append(e.records, rr)
		}
		rr, err := dns.NewRR(dnsx.ReverseName(e.addr) + " PTR " + ptr)
		if err != nil {
			t.Fatal(err)
		}
		e.records = append(e.records, rr)
	},
}

func exampleOf(t *testing.T, code string) string {
	t.Helper()
	for _, cd := range Codes() {
		if cd.Code == code {
			return cd.Example
		}
	}
	t.Fatalf("no code %s", code)
	return ""
}

// Every code's Example, served as DNS records on loopback, yields that
// code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), ipSituations, func(t *testing.T, cd checks.CodeDoc) {
		if !strings.Contains(cd.Example, "`") {
			t.Fatalf("%s: its example %q has no record or greeting to check, and is not listed as a situation", cd.Code, cd.Example)
		}
		e := readIPExample(t, cd.Example)
		if extra := ipExtra[cd.Code]; extra != nil {
			extra(t, &e)
		}
		rs := e.run(t)
		if !slices.ContainsFunc(rs, func(r checks.Result) bool {
			return slices.ContainsFunc(r.Findings, func(f checks.Finding) bool { return f.Code == cd.Code })
		}) {
			t.Errorf("example %q: no %s among %v", cd.Example, cd.Code, codes(rs))
		}
	})
}
