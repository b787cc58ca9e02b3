package spf

import (
	"context"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// emptyResolver answers NXDOMAIN to everything: for unit tests of pure
// logic that must not reach any network.
type emptyResolver struct{}

func (emptyResolver) Query(_ context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	return &dnsx.Answer{Name: dnsx.Fqdn(name), Type: qtype, Rcode: dns.RcodeNameError}, nil
}

// oneRecordResolver holds one TXT record at one name and answers NXDOMAIN
// for everything else.
type oneRecordResolver struct{ name, text string }

func (o oneRecordResolver) Query(_ context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	ans := &dnsx.Answer{Name: dnsx.Fqdn(name), Type: qtype, Rcode: dns.RcodeNameError}
	if ans.Name == o.name {
		ans.Rcode = dns.RcodeSuccess
		if qtype == dns.TypeTXT {
			ans.RRs = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: o.name, Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{o.text}}}
		}
	}
	return ans, nil
}
