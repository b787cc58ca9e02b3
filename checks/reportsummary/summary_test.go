package reportsummary

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dmarcreport"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// ptrResolver answers PTR questions from a map of address → name; an
// address mapped to "" fails like a SERVFAIL.
type ptrResolver struct {
	names   map[string]string
	queries atomic.Int64
}

func (r *ptrResolver) Query(ctx context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	r.queries.Add(1)
	name = dns.Fqdn(strings.ToLower(name))
	for ip, ptr := range r.names {
		if dnsx.ReverseName(netip.MustParseAddr(ip)) != name {
			continue
		}
		if ptr == "" {
			return nil, errors.New("server failure")
		}
		return &dnsx.Answer{Name: name, Type: qtype, RRs: []dns.RR{&dns.PTR{
			Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: 60}, Ptr: dns.Fqdn(ptr)}}}, nil
	}
	return &dnsx.Answer{Name: name, Type: qtype, Rcode: dns.RcodeNameError}, nil
}

func agg(ip string, n int64, dkim, spf string, auth dmarcreport.Auth, reasons ...string) *dmarcreport.Aggregate {
	a := &dmarcreport.Aggregate{Type: dmarcreport.TypeAggregate, OrgName: "receiver.example", ReportID: "r1",
		Begin: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC),
		PolicyDomain: "example.com", Policy: dmarcreport.Policy{P: "none"},
		SourceIP: ip, Count: n, Disposition: "none", DKIM: dkim, SPF: spf, HeaderFrom: "example.com", AuthResults: auth}
	for _, r := range reasons {
		a.Reasons = append(a.Reasons, dmarcreport.Reason{Type: r})
	}
	return a
}

func dk(d, res string) dmarcreport.DKIMResult { return dmarcreport.DKIMResult{Domain: d, Result: res} }
func sp(d, res string) dmarcreport.SPFResult  { return dmarcreport.SPFResult{Domain: d, Result: res} }

func find(rep checks.Report, name string) *checks.Result {
	for i := range rep.Checks {
		if rep.Checks[i].Name == name {
			return &rep.Checks[i]
		}
	}
	return nil
}

func codes(r *checks.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func TestSummaryVerdict(t *testing.T) {
	res := &ptrResolver{names: map[string]string{
		"192.0.2.10":    "mail.example.com",
		"198.51.100.20": "o1.ptr1234.sendgrid.net",
		"198.51.100.30": "fwd3.pobox.com",
		"192.0.2.99":    "",
	}}
	var s Summary
	s.Add(agg("192.0.2.10", 1000, "pass", "pass", dmarcreport.Auth{DKIM: []dmarcreport.DKIMResult{dk("example.com", "pass")}, SPF: []dmarcreport.SPFResult{sp("example.com", "pass")}}))
	s.Add(agg("198.51.100.20", 200, "fail", "fail", dmarcreport.Auth{DKIM: []dmarcreport.DKIMResult{dk("sendgrid.net", "pass")}, SPF: []dmarcreport.SPFResult{sp("em123.sendgrid.net", "pass")}}))
	s.Add(agg("203.0.113.9", 50, "fail", "fail", dmarcreport.Auth{SPF: []dmarcreport.SPFResult{sp("spoof.example.net", "pass")}}))
	s.Add(agg("198.51.100.30", 10, "fail", "fail", dmarcreport.Auth{DKIM: []dmarcreport.DKIMResult{dk("example.com", "fail")}, SPF: []dmarcreport.SPFResult{sp("pobox.com", "pass")}}))
	s.Add(agg("192.0.2.99", 4, "fail", "fail", dmarcreport.Auth{}, "mailing_list"))
	reps := s.Reports(context.Background(), Options{Resolver: res, Concurrency: 2})
	if len(reps) != 1 || reps[0].Target != "example.com" || reps[0].Command != Command {
		t.Fatalf("reports %+v", reps)
	}
	rep := reps[0]
	if res.queries.Load() != 5 {
		t.Errorf("%d PTR queries, want one per source (5)", res.queries.Load())
	}
	main := find(rep, CheckDMARC)
	d := main.Data.(*DomainData)
	if d.Messages != 1264 || d.DMARCPass != rate(1000, 1264) || d.LegitimateFailing != 200 || d.Unauthenticated != 50 || d.Forwarded != 14 {
		t.Errorf("totals %+v", d)
	}
	if got := codes(main); len(got) != 2 || got[0] != "report.enforcement-would-hurt" || got[1] != "report.ptr-lookup-failed" {
		t.Fatalf("dmarc findings %v", got)
	}
	if !strings.Contains(main.Findings[0].Message, "200 messages") || !strings.Contains(main.Findings[0].Message, "SendGrid") {
		t.Errorf("verdict %q", main.Findings[0].Message)
	}
	sg := find(rep, "source SendGrid")
	if sg == nil || sg.Data.(SourceData).Category != CategoryLegitimate || len(sg.Findings) != 1 {
		t.Fatalf("SendGrid %+v", sg)
	}
	if h := sg.Findings[0].Hint; !strings.Contains(h, "sign with d=example.com instead of d=sendgrid.net") || !strings.Contains(h, "include:sendgrid.net") {
		t.Errorf("SendGrid hint %q", h)
	}
	if u := find(rep, "source 203.0.113.9"); u == nil || codes(u)[0] != "report.unauthenticated-source" {
		t.Errorf("spoofer %+v", u)
	}
	if f := find(rep, "source Pobox (forwarding)"); f == nil || codes(f)[0] != "report.forwarded" {
		t.Errorf("forwarder %+v", f)
	}
	if f := find(rep, "source 192.0.2.99"); f == nil || codes(f)[0] != "report.forwarded" || f.Data.(SourceData).Addresses[0].PTRError == "" {
		t.Errorf("mailing list %+v", f)
	}
	if own := find(rep, "source example.com"); own == nil || len(own.Findings) != 0 || own.Status != checks.StatusOK {
		t.Errorf("own server %+v", own)
	}
	if rep.Status != checks.StatusWarn {
		t.Errorf("status %s", rep.Status)
	}
	// The order is by volume, whatever order the lookups finish in.
	if rep.Checks[1].Name != "source example.com" || rep.Checks[2].Name != "source SendGrid" {
		t.Errorf("order %s, %s", rep.Checks[1].Name, rep.Checks[2].Name)
	}
}

func TestSummaryReadyAndNoDNS(t *testing.T) {
	var s Summary
	s.Add(agg("192.0.2.10", 1000, "pass", "fail", dmarcreport.Auth{}))
	s.Add(agg("203.0.113.9", 5, "fail", "fail", dmarcreport.Auth{}))
	rep := s.Reports(context.Background(), Options{})[0]
	main := find(rep, CheckDMARC)
	if got := codes(main); len(got) != 1 || got[0] != "report.ready-to-enforce" || !strings.Contains(main.Findings[0].Message, "p=quarantine, then p=reject") {
		t.Fatalf("findings %v %+v", got, main.Findings)
	}
	if !strings.Contains(main.Summary, "DMARC pass 99.5%") || !strings.Contains(main.Summary, "SPF aligned 0%") {
		t.Errorf("summary %q", main.Summary)
	}
	// Under p=reject, a failing legitimate source is a failure.
	var r Summary
	a := agg("192.0.2.10", 100, "pass", "pass", dmarcreport.Auth{})
	a.Policy.P = "reject"
	r.Add(a)
	b := agg("192.0.2.11", 50, "fail", "fail", dmarcreport.Auth{})
	b.Policy.P = "reject"
	r.Add(b)
	c := agg("192.0.2.11", 50, "pass", "pass", dmarcreport.Auth{})
	c.Policy.P = "reject"
	r.Add(c)
	rep = r.Reports(context.Background(), Options{})[0]
	if got := codes(find(rep, CheckDMARC)); got[0] != "report.legitimate-mail-rejected" || rep.Status != checks.StatusFail {
		t.Errorf("p=reject: %v, %s", got, rep.Status)
	}
}

func TestSummaryTLSAndFailures(t *testing.T) {
	var s Summary
	s.Add(&dmarcreport.TLSRPT{OrganizationName: "r.example", ReportID: "t1", PolicyDomain: "example.com", PolicyType: "sts",
		TotalSuccessfulSessionCount: 90, TotalFailureSessionCount: 10,
		FailureDetails: []dmarcreport.FailureDetail{
			{ResultType: "certificate-expired", ReceivingMXHostname: "mx1.example.com", FailedSessionCount: 7},
			{ResultType: "starttls-not-supported", ReceivingMXHostname: "mx2.example.com", FailedSessionCount: 3}}})
	s.Add(&dmarcreport.Failure{ReportedDomain: "example.com", SourceIP: "192.0.2.1"})
	s.Add(&dmarcreport.Failure{ReportedDomain: "example.com", SourceIP: "192.0.2.1", Incidents: 4})
	rep := s.Reports(context.Background(), Options{})[0]
	tls := find(rep, CheckTLS)
	if tls == nil || len(tls.Findings) != 1 {
		t.Fatalf("tls %+v", tls)
	}
	f := tls.Findings[0]
	if f.Code != "report.tls-failures" || !strings.Contains(f.Message, "certificate-expired 7, starttls-not-supported 3") || !strings.Contains(f.Message, "mx1.example.com 7") || !strings.Contains(f.Hint, "renew") {
		t.Errorf("tls finding %+v", f)
	}
	fr := find(rep, CheckFailures)
	if fr == nil || !strings.Contains(fr.Summary, "2 failure reports for 5 messages") || find(rep, CheckDMARC) != nil {
		t.Errorf("failures %+v", fr)
	}
}

func TestOrgOf(t *testing.T) {
	for ptr, want := range map[string]string{
		"mail-yw1-f170.google.com.":                           "Google",
		"a8-30.smtp-out.amazonses.com":                        "Amazon SES",
		"mail-am6eur05on2101.outbound.protection.outlook.com": "Microsoft 365",
		"notgoogle.com":                                       "",
		"example.com":                                         "",
	} {
		o, _, ok := OrgOf(ptr)
		if o.Name != want || ok != (want != "") {
			t.Errorf("OrgOf(%q) = %q %v, want %q", ptr, o.Name, ok, want)
		}
	}
}

func TestAligned(t *testing.T) {
	for _, c := range []struct {
		d, from, mode string
		want          bool
	}{
		{"mail.example.com", "example.com", "r", true},
		{"mail.example.com", "example.com", "s", false},
		{"example.co.uk", "other.co.uk", "r", false},
		{"a.example.co.uk", "b.example.co.uk", "", true},
		{"", "example.com", "r", false},
	} {
		if got := aligned(c.d, c.from, c.mode); got != c.want {
			t.Errorf("aligned(%q, %q, %q) = %v", c.d, c.from, c.mode, got)
		}
	}
}
