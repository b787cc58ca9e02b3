package dnsx

import (
	"errors"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// FuzzAnswerFrom feeds any DNS message a server could send through the
// answer-processing path: the response either becomes an Answer whose
// records all belong to the question (the end of a CNAME chain that has
// no loop and is at most maxCNAMEHops long) or a QueryError — never a
// panic, never an answer with records of other names.
func FuzzAnswerFrom(f *testing.F) {
	seed := func(name string, qtype uint16, rcode int, rrs ...string) {
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		m.Response, m.Rcode = true, rcode
		for _, s := range rrs {
			rr, err := dns.NewRR(s)
			if err != nil {
				f.Fatal(err)
			}
			m.Answer = append(m.Answer, rr)
		}
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	seed("example.com.", dns.TypeTXT, dns.RcodeSuccess, `example.com. 300 IN TXT "v=spf1 -all"`)
	seed("example.com.", dns.TypeTXT, dns.RcodeSuccess, "example.com. 300 IN CNAME a.example.net.", "a.example.net. 300 IN CNAME example.com.")
	seed("example.com.", dns.TypeA, dns.RcodeSuccess, "example.com. 300 IN CNAME a.example.net.", "a.example.net. 300 IN A 192.0.2.1")
	seed("x.old.example.", dns.TypeA, dns.RcodeSuccess, "old.example. 300 IN DNAME new.example.", "x.old.example. 300 IN CNAME x.new.example.", "x.new.example. 300 IN A 192.0.2.1")
	seed("example.com.", dns.TypeMX, dns.RcodeNameError)
	seed("example.com.", dns.TypeTXT, dns.RcodeSuccess, `other.example. 300 IN TXT "x"`)
	seed("example.com.", dns.TypeTXT, dns.RcodeServerFailure)
	f.Fuzz(func(t *testing.T, b []byte) {
		resp := new(dns.Msg)
		if resp.Unpack(b) != nil {
			return
		}
		name, qtype := "example.com.", dns.TypeTXT
		if len(resp.Question) == 1 {
			if _, ok := dns.IsDomainName(resp.Question[0].Name); ok {
				name, qtype = Fqdn(resp.Question[0].Name), resp.Question[0].Qtype
			}
		}
		ans, err := answerFrom(name, qtype, "192.0.2.53:53", resp)
		if (ans == nil) == (err == nil) {
			t.Fatalf("answer %v and error %v", ans, err)
		}
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Err == nil || err.Error() == "" {
				t.Fatalf("error %#v is no QueryError with a cause", err)
			}
			return
		}
		if len(ans.CNAMEs()) > maxCNAMEHops {
			t.Fatalf("a chain of %d names was accepted", len(ans.CNAMEs()))
		}
		target := ans.Target()
		for _, rr := range ans.Records() {
			if rr.Header().Rrtype != qtype || !strings.EqualFold(rr.Header().Name, target) {
				t.Fatalf("record %v is not a %s of %s", rr, dns.TypeToString[qtype], target)
			}
		}
		_ = TXTAnswer(ans)
	})
}
