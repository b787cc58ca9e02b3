package ipcheck

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/mx"
)

// PTRData is the ptr check's structured result.
type PTRData struct {
	Address netip.Addr `json:"address"`
	// PTR are the names the reverse lookup returned (never null).
	PTR []string `json:"ptr"`
	// Confirmed: one of them resolves back to the address (FCrDNS).
	Confirmed     bool   `json:"confirmed"`
	ConfirmedName string `json:"confirmed_name,omitempty"`
	// Generic says why the confirmed name looks generic ("" when not).
	Generic string `json:"generic,omitempty"`
	Error   string `json:"error,omitempty"`
}

// fcResult is what the helo check needs of the ptr check.
type fcResult struct {
	confirmed string
	ptr       []string
}

// checkPTR is the forward-confirmed reverse DNS of addr (RFC 1912 §2.1,
// RFC 8601 §3): receivers reject or score down a sender without it.
func checkPTR(ctx context.Context, r dnsx.Resolver, addr netip.Addr) (checks.Result, fcResult) {
	start := time.Now()
	a := mx.FCrDNS(ctx, r, addr)
	d := &PTRData{Address: addr, PTR: a.PTR, Confirmed: a.Confirmed, ConfirmedName: a.ConfirmedName, Error: a.Error}
	res := checks.Result{Name: NamePTR, Data: d}
	rev := strings.TrimSuffix(dnsx.ReverseName(addr), ".")
	switch {
	case a.Confirmed:
		res.Summary = "forward-confirmed: " + a.ConfirmedName
		if why := mx.GenericPTR(a.ConfirmedName, addr); why != "" {
			d.Generic = why
			res.Add(checks.Finding{
				Code:     "ip.ptr-generic",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("the reverse name of %s, %s, looks like an access provider's generic name (%s): receivers score such senders like home connections", addr, a.ConfirmedName, why),
				Hint:     fmt.Sprintf("Ask the owner of the address block to set the PTR of %s to the mail host's own name (the one it greets with), with an address record for %s.", addr, addr),
			})
		}
	case a.Err() != nil && len(a.PTR) == 0:
		res.Summary = "not checked: " + checks.Message(a.Err())
		res.Add(checks.Finding{
			Code:     "ip.ptr-lookup-failed",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the reverse DNS of %s could not be checked: %s", addr, checks.Message(a.Err())),
			Hint:     "Make sure the servers for " + rev + " answer; then run the check again.",
			Ref:      "RFC 1912 §2.1",
		})
	case len(a.PTR) == 0:
		res.Summary = "no PTR record"
		res.Add(checks.Finding{
			Code:     "ip.ptr-missing",
			Severity: checks.SeverityFail,
			Message:  fmt.Sprintf("%s has no PTR record: many receivers refuse mail from an address without reverse DNS", addr),
			Hint:     fmt.Sprintf("Ask whoever runs the address block (hosting provider or ISP) to set the PTR of %s to the mail host's name, a name whose address record is %s.", addr, addr),
			Ref:      "RFC 1912 §2.1",
		})
	case a.Err() != nil:
		res.Summary = "not confirmed: " + checks.Message(a.Err())
		res.Add(checks.Finding{
			Code:     "ip.ptr-lookup-failed",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the reverse DNS of %s could not be confirmed: PTR %s, but %s", addr, strings.Join(a.PTR, ", "), strings.Join(a.Mismatch(), "; ")),
			Hint:     "Make sure the DNS servers for the PTR name answer; then run the check again.",
			Ref:      "RFC 1912 §2.1",
		})
	default:
		res.Summary = "not forward-confirmed: PTR " + strings.Join(a.PTR, ", ")
		res.Add(checks.Finding{
			Code:     "ip.ptr-mismatch",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the reverse DNS of %s is not forward-confirmed: PTR %s, but %s", addr, strings.Join(a.PTR, ", "), strings.Join(a.Mismatch(), "; ")),
			Hint:     fmt.Sprintf("Give the PTR name an address record for %s, or have the PTR changed to a name that has one.", addr),
			Ref:      "RFC 1912 §2.1; RFC 8601 §3",
		})
	}
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res, fcResult{confirmed: a.ConfirmedName, ptr: a.PTR}
}
