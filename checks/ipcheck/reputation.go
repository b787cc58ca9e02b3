package ipcheck

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Service is a reputation service that publishes a score or a level in
// DNS, asked like a DNSBL (the reversed address under its zone, RFC 5782
// §2.1) but read as a grade, not a listing. docs/check-ip.md says what
// of each could be verified in the service's own documentation.
type Service struct {
	Name string
	Zone string
	// read turns an answer into a grade; ok false for an answer the
	// service does not document.
	read func(a netip.Addr) (g Grade, ok bool)
}

// Grade is one service's verdict on an address.
type Grade struct {
	// Score is SenderScore's 0–100 (-1 when the service gives levels).
	Score int `json:"score"`
	// Level is Mailspike's level name ("H3", "L5"…).
	Level   string `json:"level,omitempty"`
	Meaning string `json:"meaning"`
	// Low: the grade is one receivers hold against the sender.
	Low bool `json:"low"`
}

// senderScoreLow is the score below which SenderScore's own guidance
// calls a reputation poor (above 80 good, 70–80 needing work).
const senderScoreLow = 70

// senderScore reads 127.0.4.N, N the score (0–100).
func senderScore(a netip.Addr) (Grade, bool) {
	b := a.As4()
	if !a.Is4() || b[0] != 127 || b[1] != 0 || b[2] != 4 || b[3] > 100 {
		return Grade{}, false
	}
	n := int(b[3])
	g := Grade{Score: n, Meaning: fmt.Sprintf("SenderScore %d of 100", n), Low: n < senderScoreLow}
	return g, true
}

// mailspikeLevels are rep.mailspike.net's answers 127.0.0.10 to
// 127.0.0.20, worst to best.
var mailspikeLevels = []struct{ level, meaning string }{
	{"L5", "worst possible reputation"},
	{"L4", "very bad reputation"},
	{"L3", "bad reputation"},
	{"L2", "suspicious behaviour"},
	{"L1", "neutral, probably spam"},
	{"H0", "neutral"},
	{"H1", "neutral, probably legitimate"},
	{"H2", "possibly a legitimate sender"},
	{"H3", "good reputation"},
	{"H4", "very good reputation"},
	{"H5", "excellent reputation"},
}

func mailspike(a netip.Addr) (Grade, bool) {
	b := a.As4()
	if !a.Is4() || b[0] != 127 || b[1] != 0 || b[2] != 0 || b[3] < 10 || b[3] > 20 {
		return Grade{}, false
	}
	l := mailspikeLevels[b[3]-10]
	return Grade{Score: -1, Level: l.level, Meaning: "Mailspike " + l.level + ": " + l.meaning, Low: l.level[0] == 'L'}, true
}

// Services are the reputation services check ip asks. Both grade IPv4
// addresses only.
func Services() []Service {
	return []Service{
		{Name: "SenderScore", Zone: "score.senderscore.com", read: senderScore},
		{Name: "Mailspike reputation", Zone: "rep.mailspike.net", read: mailspike},
	}
}

// ReputationData is the reputation check's structured result.
type ReputationData struct {
	Services []Asked `json:"services"`
}

// Asked is one service's answer.
type Asked struct {
	Service string `json:"service"`
	Query   string `json:"query"`
	// Graded: the service has a grade for the address.
	Graded bool   `json:"graded"`
	Grade  *Grade `json:"grade,omitempty"`
	// Answer is what it answered, when that is not a grade it documents.
	Answer string `json:"answer,omitempty"`
	Error  string `json:"error,omitempty"`
}

// checkReputation asks every service about addr at once.
func checkReputation(ctx context.Context, r dnsx.Resolver, addr netip.Addr) (res checks.Result) {
	start := time.Now()
	d := &ReputationData{Services: []Asked{}}
	res = checks.Result{Name: NameReputation, Data: d}
	defer func() {
		res.DurationMS = checks.Since(start)
		res.Settle()
	}()
	if !addr.Is4() {
		res.Status = checks.StatusInfo
		res.Summary = "no reputation service grades IPv6 addresses"
		return res
	}
	svcs := Services()
	d.Services = make([]Asked, len(svcs))
	var wg sync.WaitGroup
	for i, s := range svcs {
		q := strings.TrimSuffix(dnsx.ReverseName(addr), ".in-addr.arpa.") + "." + s.Zone
		d.Services[i] = Asked{Service: s.Name, Query: q}
		wg.Go(func() { ask(ctx, r, s, &d.Services[i]) })
	}
	wg.Wait()
	var parts []string
	failed := 0
	for i, s := range svcs {
		a := &d.Services[i]
		switch {
		case a.Error != "":
			failed++
			parts = append(parts, s.Name+": not asked")
			res.Add(checks.Finding{
				Code:     "ip.reputation-lookup-failed",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("%s could not be asked about %s: %s", s.Name, addr, a.Error),
				Hint:     "Try again later, through a resolver of your own (--resolver).",
			})
		case a.Answer != "":
			parts = append(parts, s.Name+": unrecognised answer")
			res.Add(checks.Finding{
				Code:     "ip.reputation-unrecognised",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("%s answered %s for %s, which is not a grade it documents; not counted", s.Name, a.Answer, addr),
				Hint:     "The service may refuse this resolver or have changed its answers; check its documentation.",
			})
		case !a.Graded:
			parts = append(parts, s.Name+": no grade")
		case a.Grade.Low:
			parts = append(parts, a.Grade.Meaning)
			res.Add(checks.Finding{
				Code:     "ip.reputation-low",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("%s has a low reputation: %s", addr, a.Grade.Meaning),
				Hint:     "Find what hurts it (complaints, spam traps, unknown users, a blocklisting), fix the cause, and keep the volume steady while the reputation recovers.",
			})
		default:
			parts = append(parts, a.Grade.Meaning)
			res.Add(checks.Finding{
				Code:     "ip.reputation",
				Severity: checks.SeverityInfo,
				Message:  fmt.Sprintf("%s: %s", addr, a.Grade.Meaning),
			})
		}
	}
	res.Summary = strings.Join(parts, "; ")
	if failed == len(svcs) {
		res.Status = checks.StatusError
		res.Error = "no reputation service could be asked"
	}
	return res
}

// ask asks one service: an A question; NXDOMAIN or no record is no grade.
func ask(ctx context.Context, r dnsx.Resolver, s Service, a *Asked) {
	ans, err := r.Query(ctx, dnsx.Fqdn(a.Query), dns.TypeA)
	if err != nil {
		a.Error = checks.Message(err)
		return
	}
	var got []string
	for _, rr := range ans.Records() {
		v, ok := rr.(*dns.A)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(v.A.To4())
		if !ok {
			continue
		}
		if g, ok := s.read(ip); ok && !a.Graded {
			a.Graded, a.Grade = true, &g
			continue
		}
		got = append(got, ip.String())
	}
	if !a.Graded && len(got) > 0 {
		a.Answer = strings.Join(got, ", ")
	}
}
