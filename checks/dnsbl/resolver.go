package dnsbl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// CheckResolver names the check, added to each report of a run that asks
// for it (Options.Resolver), about what the run asked through: the
// resolver's servers, the public ones among them, and the lists left out.
const CheckResolver = "resolver"

// ResolverData is the data of the resolver check.
type ResolverData struct {
	// Servers are the resolver's servers (HOST:PORT); empty when every
	// answer comes from zone files. Never null.
	Servers []string `json:"servers"`
	// Public are the servers that are well-known public resolvers. Never
	// null.
	Public []PublicServer `json:"public"`
	// Skipped are the lists left out of the run and why (a key not
	// given). Never null.
	Skipped []SkippedList `json:"skipped"`
	// Failed is set when every question of the run so far failed at the
	// resolver (REFUSED or SERVFAIL): the lists were not asked at all.
	Failed *ResolverFailure `json:"failed,omitempty"`
}

// ResolverFailure counts the questions the resolver failed, in a run
// where it answered none: so far, when the report was made.
type ResolverFailure struct {
	Refused  int64 `json:"refused"`
	ServFail int64 `json:"servfail"`
}

func (f ResolverFailure) rcodes() string {
	switch {
	case f.Refused > 0 && f.ServFail > 0:
		return "REFUSED or SERVFAIL"
	case f.ServFail > 0:
		return "SERVFAIL"
	}
	return "REFUSED"
}

// CodeResolverFailed: every question of the run so far failed at the
// resolver, none was answered (the resolver check's status is error).
const CodeResolverFailed = "dnsbl.resolver-failed"

// resolverFailing reports whether every question of the run that got a
// reply so far was REFUSED or SERVFAIL, and how many: the resolver, not
// the lists, is failing (it is not recursive for this client, or it
// cannot reach anything).
func (c *Checker) resolverFailing() (ResolverFailure, bool) {
	f := ResolverFailure{Refused: c.refusedN.Load(), ServFail: c.servfailN.Load()}
	return f, c.answered.Load() == 0 && f.Refused+f.ServFail > 0
}

// resolverFailed makes r, a copy of the run's resolver check, say that the
// resolver failed every question: one finding for the run, instead of one
// error per list and target.
func resolverFailed(r *checks.Result, f ResolverFailure) {
	d := *r.Data.(*ResolverData)
	d.Failed = &f
	r.Data = &d
	who := "the resolver"
	if len(d.Servers) > 0 {
		who = "resolver " + strings.Join(d.Servers, ", ")
	}
	msg := fmt.Sprintf("%s answered every question of this run so far with %s, none with an answer: "+
		"no list's answer came through, so nothing is known about the targets", who, f.rcodes())
	r.Add(checks.Finding{
		Code:     CodeResolverFailed,
		Severity: checks.SeverityWarn,
		Message:  msg,
		Hint: "REFUSED: the server is not a recursive resolver for this client (an authoritative-only server, or one whose ACL leaves you out); " +
			"SERVFAIL: it cannot reach the lists. Ask through a recursive resolver that serves you (--resolver, e.g. a local unbound on 127.0.0.1).",
	})
	r.Fail(errors.New(who + " failed every question: " + f.rcodes()))
	r.Summary = r.Error
	r.Settle()
}

// PublicServer is a public resolver in use and whose it is.
type PublicServer struct {
	Server   string `json:"server"`
	Operator string `json:"operator"`
}

// SkippedList is a list left out of a run.
type SkippedList struct {
	Zone   string `json:"zone"`
	Reason string `json:"reason"`
}

// ResolverCheck describes the resolver a run asks through (its servers,
// as configured: nothing is sent to them here) and the lists the run
// skipped. A well-known public resolver among the servers is a
// dnsbl.public-resolver warning: lists refuse such resolvers or answer
// them "not listed", so a clean result through one means little.
func ResolverCheck(servers []string, skipped []Skip) checks.Result {
	d := &ResolverData{Servers: append([]string{}, servers...), Public: []PublicServer{}, Skipped: []SkippedList{}}
	res := checks.Result{Name: CheckResolver, Data: d}
	for _, s := range servers {
		if who, ok := PublicResolver(s); ok {
			d.Public = append(d.Public, PublicServer{Server: s, Operator: who})
			res.Add(publicResolverFinding(s, who))
		}
	}
	for _, sk := range skipped {
		d.Skipped = append(d.Skipped, SkippedList{Zone: sk.List.Zone, Reason: sk.Reason})
	}
	var sum []string
	switch {
	case len(d.Public) > 0:
		var names []string
		for _, p := range d.Public {
			names = append(names, p.Server+" ("+p.Operator+")")
		}
		sum = append(sum, "public resolver: "+strings.Join(names, ", ")+"; answers may be refusals or a false \"not listed\"")
	case len(servers) > 0:
		sum = append(sum, "asked through "+strings.Join(servers, ", "))
	default:
		sum = append(sum, "answered from zone files only")
	}
	if len(d.Skipped) > 0 {
		var zs []string
		for _, s := range d.Skipped {
			zs = append(zs, s.Zone+" ("+s.Reason+")")
		}
		sum = append(sum, "skipped "+strings.Join(zs, ", "))
	}
	res.Summary = strings.Join(sum, "; ")
	res.Settle()
	return res
}

func publicResolverFinding(server, who string) checks.Finding {
	return checks.Finding{
		Code:     CodePublicResolver,
		Severity: checks.SeverityWarn,
		Message: fmt.Sprintf("resolver %s is %s, a public resolver: Spamhaus answers it 127.255.255.254, URIBL and SURBL refuse it, "+
			"and other lists may answer it NXDOMAIN, so \"not listed\" through it is not proof of a clean address", server, who),
		Hint: "Ask through a recursive resolver of your own (--resolver, e.g. a local unbound on 127.0.0.1); " +
			"Spamhaus also answers through any resolver with --dqs-key.",
	}
}
