package dane

import (
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// judge turns the looked-up hosts into findings and a summary.
func judge(domain string, data *Data, hosts []*Host, res *checks.Result) {
	if err := errAll(hosts); err != nil {
		res.Fail(err)
	}
	var with, without []string
	anySecure := false
	for _, h := range hosts {
		switch {
		case h.err != nil:
		case len(h.Records) == 0:
			without = append(without, h.Host)
		default:
			with = append(with, h.Host)
			if h.Secure {
				anySecure = true
			}
			judgeHost(h, res)
		}
	}

	switch {
	case len(with) == 0 && len(without) > 0 && res.Status != checks.StatusError:
		res.Add(checks.Finding{
			Code:     "dane.missing",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("no MX host of %s publishes TLSA records at _25._tcp: senders cannot authenticate its mail servers with DANE, so a network attacker can strip or intercept TLS", domain),
			Hint:     fmt.Sprintf("In a DNSSEC-signed zone, publish \"_25._tcp.%s. TLSA 3 1 1 <SHA-256 of the server key's SPKI>\" for every MX host, and keep it in step with key changes.", without[0]),
			Ref:      "RFC 7672 §2.2",
		})
	case len(with) > 0 && len(without) > 0:
		res.Add(checks.Finding{
			Code:     "dane.partial",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("%s publish TLSA records but %s do not: an attacker who blocks the protected hosts makes DANE senders deliver to the unprotected ones without authentication", strings.Join(with, ", "), strings.Join(without, ", ")),
			Hint:     "Publish TLSA records for every MX host, or none.",
			Ref:      "RFC 7672 §2.2",
		})
	}
	if anySecure && data.DNSSECEvaluated && !data.MXSecure {
		res.Add(checks.Finding{
			Code:     "dane.mx-insecure",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("the MX records of %s are not DNSSEC-validated: DANE senders may still use the MX hosts' TLSA records, but an attacker who forges the MX answer can send mail elsewhere", domain),
			Hint:     fmt.Sprintf("Sign the zone of %s with DNSSEC (and publish its DS record in the parent zone).", domain),
			Ref:      "RFC 7672 §2.2.1",
		})
	}
	res.Summary = summary(hosts, with, without)
}

// judgeHost reports on the records of one host that has some.
func judgeHost(h *Host, res *checks.Result) {
	switch {
	case !h.Secure && h.fromZone:
		res.Add(checks.Finding{
			Code:     "dane.dnssec-not-evaluated",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("%s came from a zone file, which carries no DNSSEC status: whether senders can validate these TLSA records was not checked", h.TLSAName),
			Hint:     "Run the check against a validating resolver (--resolver) to see whether the records are DNSSEC-signed.",
			Ref:      "RFC 7672 §2.2",
		})
	case !h.Secure:
		res.Add(checks.Finding{
			Code:     "dane.no-dnssec",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("%s has TLSA records, but the answer was not DNSSEC-validated (no AD bit): senders ignore TLSA records they cannot validate, so DANE does not protect %s (if the zone is signed, the resolver may not validate: see the dnssec check)", h.TLSAName, h.Host),
			Hint:     "Sign the zone holding the TLSA records with DNSSEC and publish its DS record in the parent zone; or check with a validating resolver (--resolver).",
			Ref:      "RFC 7672 §2.2",
		})
	case !h.AddrSecure && !h.fromZone:
		res.Add(checks.Finding{
			Code:     "dane.host-insecure",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the TLSA records of %s are validated, but its address records are not: senders use TLSA records only for hosts whose addresses are DNSSEC-validated, so DANE does not protect it", h.Host),
			Hint:     fmt.Sprintf("Serve the A/AAAA records of %s (and any CNAME on the way) from a DNSSEC-signed zone.", h.Host),
			Ref:      "RFC 7672 §2.2.2",
		})
	}

	usable := 0
	for _, r := range h.Records {
		if r.Usable {
			usable++
			continue
		}
		res.Add(recordFinding(h, r))
	}
	if usable == 0 {
		res.Add(checks.Finding{
			Code:     "dane.no-usable-records",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("none of the %d TLSA records at %s is usable for SMTP: DANE senders still insist on TLS for %s but cannot authenticate it", len(h.Records), h.TLSAName, h.Host),
			Hint:     "Publish a DANE-EE record (\"3 1 1 <SHA-256 of the SPKI>\") or a DANE-TA record (\"2 1 1 <SHA-256 of the issuing CA's SPKI>\").",
			Ref:      "RFC 7672 §2.2",
		})
		return
	}
	for _, p := range h.Peers {
		if p.Error != "" || p.Matched {
			continue
		}
		res.Add(checks.Finding{
			Code:     "dane.tlsa-mismatch",
			Severity: checks.SeverityFail,
			Message:  fmt.Sprintf("the certificate %s presents at %s matches none of its TLSA records (%s): DANE senders refuse to deliver to it and queue the mail", h.Host, p.Addr, p.Reason),
			Hint:     fmt.Sprintf("Publish a TLSA record for the key the server uses now (\"3 1 1\" with the SHA-256 of its SPKI) at %s; when rolling keys, publish the new record a few TTLs before the server switches.", h.TLSAName),
			Ref:      "RFC 7672 §3.1",
		})
	}
}

func recordFinding(h *Host, r Record) checks.Finding {
	f := checks.Finding{
		Code:     "dane." + string(r.Problem),
		Severity: checks.SeverityWarn,
		Message:  fmt.Sprintf("TLSA record \"%s\" at %s is not usable for SMTP: %s", short(r.String()), h.TLSAName, r.Detail),
	}
	switch r.Problem {
	case ProblemPKIX:
		f.Hint = "Replace it with a DANE-EE (3) or DANE-TA (2) record; SMTP clients skip usages 0 and 1."
		f.Ref = "RFC 7672 §3.1.3"
	case ProblemUnknown:
		f.Hint = "Use usage 2 or 3, selector 0 or 1 and matching type 0, 1 or 2."
		f.Ref = "RFC 6698 §4.1"
	default:
		f.Hint = "Recompute the association data: 32 bytes (64 hex digits) for SHA2-256, 64 bytes for SHA2-512."
		f.Ref = "RFC 6698 §2.1.3"
	}
	return f
}

func summary(hosts []*Host, with, without []string) string {
	var parts []string
	for _, h := range hosts {
		if h.err != nil {
			parts = append(parts, h.Host+": lookup failed")
			continue
		}
		if len(h.Records) == 0 {
			continue
		}
		s := fmt.Sprintf("%s: %d TLSA", h.Host, len(h.Records))
		switch {
		case h.Secure:
			s += " (validated)"
		case h.fromZone:
			s += " (from zone file)"
		default:
			s += " (not validated)"
		}
		if len(h.Peers) > 0 {
			ok := 0
			for _, p := range h.Peers {
				if p.Matched {
					ok++
				}
			}
			s += fmt.Sprintf(", %d/%d addresses match", ok, len(h.Peers))
		}
		parts = append(parts, s)
	}
	if len(with) == 0 && len(parts) == 0 {
		return fmt.Sprintf("no TLSA records for %d MX host(s)", len(without))
	}
	if len(without) > 0 {
		parts = append(parts, fmt.Sprintf("%d host(s) without TLSA", len(without)))
	}
	return strings.Join(parts, "; ")
}
