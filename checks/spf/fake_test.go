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
