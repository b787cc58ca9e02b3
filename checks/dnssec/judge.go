package dnssec

import (
	"errors"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// signedOf says whether the answers that came from a resolver were all
// validated (true) or none was (false). It is nil when none came from a
// resolver, or when some were validated and some not (partial).
func signedOf(as []Answer) (signed *bool, partial bool) {
	yes, no := 0, 0
	for i := range as {
		if !as[i].network() {
			continue
		}
		if as[i].AD {
			yes++
		} else {
			no++
		}
	}
	switch {
	case yes > 0 && no > 0:
		return nil, true
	case yes > 0:
		return ptr(true), false
	case no > 0:
		return ptr(false), false
	}
	return nil, false
}

func ptr(b bool) *bool { return &b }

func judge(domain string, root Answer, own []Answer, hosts []string, hostAns []Answer, res *checks.Result, data *Data) {
	asked := append(append([]Answer{}, own...), hostAns...)
	var firstErr error
	var servfails []string
	anyNetwork, anyAD, anyZone := false, false, false
	for i := range asked {
		a := &asked[i]
		if a.err != nil {
			if firstErr == nil {
				firstErr = a.err
			}
			if errors.Is(a.err, dnsx.ErrServFail) {
				servfails = append(servfails, a.Name+" "+a.Type)
			}
			continue
		}
		anyNetwork = anyNetwork || a.network()
		anyZone = anyZone || a.zone()
		anyAD = anyAD || a.AD
	}
	if firstErr != nil {
		res.Fail(firstErr)
	}
	for _, h := range hosts {
		data.Hosts = append(data.Hosts, Host{Host: h})
	}

	switch {
	case anyAD || (root.network() && root.AD):
		data.ResolverValidates = ptr(true)
	case !anyNetwork && anyZone:
		res.Add(checks.Finding{
			Code:     "dnssec.not-evaluated",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("the answers for %s came from zone files, which carry no DNSSEC status: DNSSEC was not evaluated", domain),
			Hint:     "Run the check against a validating resolver (--resolver, without --zone) to see whether the domain is signed.",
			Ref:      "RFC 4035 §3.2.3",
		})
		res.Summary = "answers came from zone files: DNSSEC not evaluated"
		return
	case !anyNetwork:
		res.Summary = "DNS lookups failed: DNSSEC not evaluated"
		return
	case root.network():
		data.ResolverValidates = ptr(false)
		res.Add(checks.Finding{
			Code:     "dnssec.resolver-not-validating",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("the resolver (%s) does not validate DNSSEC: even the root zone, which is signed, came back without the AD bit, so whether %s is signed cannot be told from here", root.From, domain),
			Hint:     "Ask a validating resolver with --resolver (a local unbound, or a public one such as 1.1.1.1 or 9.9.9.9).",
			Ref:      "RFC 4035 §3.2.3, RFC 6840 §5.7",
		})
		res.Summary = "the resolver does not validate DNSSEC: not evaluated"
		return
	default:
		why := "the probe of the root zone came from a zone file"
		if root.err != nil {
			why = "the probe of the root zone failed (" + checks.Message(root.err) + ")"
		}
		res.Add(checks.Finding{
			Code:     "dnssec.resolver-not-validating",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("no answer came back with the AD bit and %s: the resolver may not validate DNSSEC, so whether %s is signed is unknown", why, domain),
			Hint:     "Ask a validating resolver with --resolver (a local unbound, or a public one such as 1.1.1.1 or 9.9.9.9).",
			Ref:      "RFC 4035 §3.2.3, RFC 6840 §5.7",
		})
		res.Summary = "the resolver may not validate DNSSEC: not evaluated"
		return
	}

	data.Evaluated = true
	signed, partial := signedOf(own)
	data.DomainSigned = signed
	switch {
	case partial:
		var plain []string
		for i := range own {
			if own[i].network() && !own[i].AD {
				plain = append(plain, own[i].Type)
			}
		}
		res.Add(checks.Finding{
			Code:     "dnssec.partial",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("some answers for %s were validated and some (%s) were not: the zone's signatures may be incomplete or served inconsistently by its name servers", domain, strings.Join(plain, ", ")),
			Hint:     "Check that every authoritative server of the zone serves the same signed data (e.g. with dnsviz.net or delv).",
			Ref:      "RFC 4035 §2",
		})
	case signed != nil && !*signed:
		res.Add(checks.Finding{
			Code:     "dnssec.unsigned",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("%s is not DNSSEC-signed: its answers (MX, TXT…) can be forged on the way, and DANE cannot be used for its mail", domain),
			Hint:     fmt.Sprintf("Sign the zone of %s (most DNS hosts have a switch for it) and publish the DS record at the registrar.", domain),
			Ref:      "RFC 4033 §3, RFC 7672 §2.2",
		})
	}

	var unsigned []string
	for i, h := range hosts {
		s, part := signedOf(hostAns[2*i : 2*i+2])
		if part {
			s = ptr(false)
		}
		data.Hosts[i].Signed = s
		if s != nil && !*s {
			unsigned = append(unsigned, h)
		}
	}
	if len(unsigned) > 0 {
		res.Add(checks.Finding{
			Code:     "dnssec.mx-unsigned",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("the addresses of MX host(s) %s are not DNSSEC-validated: DANE cannot protect mail delivered to them", strings.Join(unsigned, ", ")),
			Hint:     "Serve the MX hosts' A/AAAA records from a DNSSEC-signed zone (for a provider's hosts, ask the provider).",
			Ref:      "RFC 7672 §2.2.2",
		})
	}
	if len(servfails) > 0 {
		res.Add(checks.Finding{
			Code:     "dnssec.servfail",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the validating resolver answered SERVFAIL for %s: this is how validation failures look (expired signatures, a DS record without a matching DNSKEY), and senders using validating resolvers cannot deliver", strings.Join(servfails, ", ")),
			Hint:     "Check the zone's DNSSEC chain (e.g. with dnsviz.net or \"delv\"); re-sign it or fix the DS record at the registrar.",
			Ref:      "RFC 4035 §5.5",
		})
	}
	res.Summary = summary(domain, signed, partial, hosts, data.Hosts)
}

func summary(domain string, signed *bool, partial bool, hosts []string, hs []Host) string {
	var s string
	switch {
	case partial:
		s = domain + " partly validated"
	case signed == nil:
		s = domain + ": lookups failed"
	case *signed:
		s = domain + " signed (validated)"
	default:
		s = domain + " not signed"
	}
	if len(hosts) > 0 {
		n := 0
		for _, h := range hs {
			if h.Signed != nil && *h.Signed {
				n++
			}
		}
		s += fmt.Sprintf("; MX hosts signed: %d of %d", n, len(hosts))
	}
	return s
}
