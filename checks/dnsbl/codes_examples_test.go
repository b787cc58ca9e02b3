package dnsbl

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// exampleList is the catalog's list (keyless) whose zone holds name, or,
// for a zone the catalog does not have, a plain IPv4 list of that zone.
func exampleList(name string) List {
	name = strings.TrimPrefix(strings.TrimSuffix(name, "."), "*.")
	for _, l := range Builtin() {
		if l.Key == KeyNone && (name == l.Zone || strings.HasSuffix(name, "."+l.Zone)) {
			return l
		}
	}
	return List{Zone: name, Name: name, Kinds: ip4, Severity: sevFail}
}

// reversedTarget is the IPv4 address of a query name under zone
// ("7.2.0.192.zone" is 192.0.2.7).
func reversedTarget(t *testing.T, name, zone string) Target {
	t.Helper()
	labels := strings.Split(strings.TrimSuffix(strings.TrimSuffix(name, "."), "."+zone), ".")
	slices.Reverse(labels)
	a, err := netip.ParseAddr(strings.Join(labels, "."))
	if err != nil || !a.Is4() {
		t.Fatalf("%q is not a reversed IPv4 address under %s", name, zone)
	}
	return Target{Addr: a}
}

// recordExample serves the example's record in its list's zone on
// loopback, beside the RFC 5782 §5 test entry a healthy list lists
// (127.0.0.2; a wildcard record stands for it), and asks the list about
// the record's address (or, for a wildcard, an address of its own).
func recordExample(t *testing.T, record string) checks.Report {
	t.Helper()
	rr, err := dns.NewRR(record)
	if err != nil {
		t.Fatalf("%q is not a record: %v", record, err)
	}
	l := exampleList(rr.Header().Name)
	text := "$ORIGIN " + l.Zone + ".\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n" + rr.String() + "\n"
	target := Target{Addr: netip.MustParseAddr("198.51.100.7")}
	if !strings.HasPrefix(rr.Header().Name, "*.") {
		text += "2.0.0.127 A 127.0.0.2\n"
		target = reversedTarget(t, rr.Header().Name, l.Zone)
	}
	srv := dnstest.Start(t, dnstest.Zone(t, "", text))
	return check(t, srv.Client(2*time.Second), []List{l}, target)
}

// dnsblExamples build each code's Example into the answers (or the
// resolver) it describes, run it, and return the reports.
var dnsblExamples = map[string]func(t *testing.T, pieces []string) []checks.Report{
	"dnsbl.listed":         func(t *testing.T, p []string) []checks.Report { return []checks.Report{recordExample(t, p[0])} },
	"dnsbl.allowlisted":    func(t *testing.T, p []string) []checks.Report { return []checks.Report{recordExample(t, p[0])} },
	"dnsbl.query-refused":  func(t *testing.T, p []string) []checks.Report { return []checks.Report{recordExample(t, p[0])} },
	"dnsbl.list-unhealthy": func(t *testing.T, p []string) []checks.Report { return []checks.Report{recordExample(t, p[0])} },
	"dnsbl.resolver-failed": func(t *testing.T, p []string) []checks.Report {
		// The example's server stands on loopback: a server with no zones
		// answers REFUSED to everything, as an authoritative-only one does
		// to a question outside its zones.
		if !strings.Contains(strings.Join(p, " "), "--resolver ") {
			t.Fatalf("the example names no --resolver: %q", p)
		}
		refusing := dnstest.Start(t)
		res := ResolverCheck([]string{refusing.Addr}, nil)
		c := New(refusing.Client(2*time.Second), pick(t, "good.bl.test"), Options{Resolver: &res})
		return []checks.Report{c.Check(context.Background(), addr("198.51.100.7"))}
	},
	"dnsbl.public-resolver": func(t *testing.T, p []string) []checks.Report {
		// Nothing is sent to the server: ResolverCheck only reads its
		// address.
		server, ok := strings.CutPrefix(p[0], "--resolver ")
		if !ok {
			t.Fatalf("%q is not a --resolver option", p[0])
		}
		return []checks.Report{{Checks: []checks.Result{ResolverCheck([]string{server + ":53"}, nil)}}}
	},
}

// dnsblSituations are the codes whose Example the test cannot build,
// each with why. None today.
var dnsblSituations = map[string]string{}

// Every code's Example, served as DNS answers on loopback, yields that
// code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), dnsblSituations, func(t *testing.T, cd checks.CodeDoc) {
		build, ok := dnsblExamples[cd.Code]
		if !ok {
			t.Fatalf("%s must be either built by the test or listed as a situation", cd.Code)
		}
		pieces := codetest.Backquoted(cd.Example)
		if len(pieces) == 0 {
			t.Fatalf("example %q has no backquoted record or option", cd.Example)
		}
		var got []string
		for _, rep := range build(t, pieces) {
			for _, r := range rep.Checks {
				got = append(got, codes(r.Findings))
			}
		}
		if !strings.Contains(","+strings.Join(got, ",")+",", ","+cd.Code+"/") {
			t.Errorf("example %q: no %s; findings %q", cd.Example, cd.Code, got)
		}
	})
	for code := range dnsblExamples {
		if _, listed := dnsblSituations[code]; listed {
			t.Errorf("%s must be either built by the test or listed as a situation, not both", code)
		}
	}
}
