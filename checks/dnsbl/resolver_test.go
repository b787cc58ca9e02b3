package dnsbl

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// Detection works on the configured server list alone: nothing here is
// sent to 8.8.8.8 or any other public resolver.
func TestPublicResolverServers(t *testing.T) {
	for server, want := range map[string]string{
		"8.8.8.8":                     "Google Public DNS",
		"8.8.8.8:53":                  "Google Public DNS",
		"[2001:4860:4860::8888]:53":   "Google Public DNS",
		"::ffff:1.1.1.1":              "Cloudflare",
		"9.9.9.9:853":                 "Quad9",
		"127.0.0.1:53":                "",
		"[::1]:5353":                  "",
		"192.0.2.53":                  "",
		"resolver.example:53":         "",
		"":                            "",
		"[2606:4700:4700::1111]:53":   "Cloudflare",
		"[2606:4700:4700::1111%eth0]": "",
	} {
		who, ok := PublicResolver(server)
		if who != want || ok != (want != "") {
			t.Errorf("PublicResolver(%q) = %q, %v; want %q", server, who, ok, want)
		}
	}
}

func TestResolverCheckPublic(t *testing.T) {
	skipped := []Skip{{List: List{Zone: "zen.dq.spamhaus.net"}, Reason: "needs --dqs-key"}}
	res := ResolverCheck([]string{"127.0.0.1:53", "8.8.8.8:53"}, skipped)
	d := res.Data.(*ResolverData)
	if res.Name != CheckResolver || res.Status != checks.StatusWarn || codes(res.Findings) != "dnsbl.public-resolver/warn" {
		t.Fatalf("%+v", res)
	}
	f := res.Findings[0]
	if f.Hint == "" || !containsAll(f.Message, "8.8.8.8:53", "Google Public DNS") {
		t.Errorf("finding %+v", f)
	}
	if !slices.Equal(d.Servers, []string{"127.0.0.1:53", "8.8.8.8:53"}) ||
		len(d.Public) != 1 || d.Public[0] != (PublicServer{Server: "8.8.8.8:53", Operator: "Google Public DNS"}) ||
		len(d.Skipped) != 1 || d.Skipped[0] != (SkippedList{Zone: "zen.dq.spamhaus.net", Reason: "needs --dqs-key"}) {
		t.Errorf("data %+v", d)
	}
	if !containsAll(res.Summary, "public resolver: 8.8.8.8:53 (Google Public DNS)", "skipped zen.dq.spamhaus.net (needs --dqs-key)") {
		t.Errorf("summary %q", res.Summary)
	}
}

func TestResolverCheckOwn(t *testing.T) {
	res := ResolverCheck([]string{"127.0.0.1:53"}, nil)
	d := res.Data.(*ResolverData)
	if res.Status != checks.StatusOK || len(res.Findings) != 0 || res.Summary != "asked through 127.0.0.1:53" {
		t.Errorf("%+v", res)
	}
	// Never null in JSON.
	if d.Public == nil || d.Skipped == nil || d.Servers == nil {
		t.Errorf("data %+v", d)
	}
	if res := ResolverCheck(nil, nil); res.Summary != "answered from zone files only" || res.Data.(*ResolverData).Servers == nil {
		t.Errorf("%+v", res)
	}
}

// Every report of a run carries the resolver check last, each with its
// own findings, and the report's status counts it.
func TestRunAddsResolverCheck(t *testing.T) {
	srv := server(t)
	rc := ResolverCheck([]string{"8.8.8.8:53"}, nil)
	c := New(srv.Client(2*time.Second), pick(t, "good.bl.test"), Options{Command: "blacklist ip", Resolver: &rc})
	src := func(yield func(Target, error) bool) {
		for _, a := range []string{"198.51.100.8", "198.51.100.7"} {
			if !yield(addr(a), nil) {
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var reps []checks.Report
	if err := c.Run(ctx, src, func(r checks.Report) { reps = append(reps, r) }); err != nil {
		t.Fatal(err)
	}
	if len(reps) != 2 {
		t.Fatalf("%d reports", len(reps))
	}
	for _, rep := range reps {
		last := rep.Checks[len(rep.Checks)-1]
		if len(rep.Checks) != 2 || rep.Checks[0].Name != "good.bl.test" || last.Name != CheckResolver || codes(last.Findings) != "dnsbl.public-resolver/warn" {
			t.Errorf("%s: %+v", rep.Target, rep.Checks)
		}
	}
	if reps[0].Status != checks.StatusWarn || reps[1].Status != checks.StatusFail {
		t.Errorf("statuses %s %s", reps[0].Status, reps[1].Status)
	}
	// A report's findings are its own: changing one leaves the others.
	reps[0].Checks[1].Findings[0].Message = "changed"
	if reps[1].Checks[1].Findings[0].Message == "changed" || rc.Findings[0].Message == "changed" {
		t.Error("reports share the resolver check's findings")
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// The resolver-failed finding needs every question to have failed at the
// resolver: one list answering SERVFAIL while another answers is that
// list's error, not the resolver's.
func TestResolverFailedOnlyWhenNothingAnswered(t *testing.T) {
	srv := server(t)
	lists := pick(t, "good.bl.test", "dead.bl.test")
	target := addr("198.51.100.7")
	for _, p := range lists[1].probes(KindIP4) {
		srv.Set(QueryName(p.target, "dead.bl.test"), dnstest.ServFail)
	}
	srv.Set(QueryName(target, "dead.bl.test"), dnstest.ServFail)
	res := ResolverCheck([]string{srv.Addr}, nil)
	c := New(srv.Client(2*time.Second), lists, Options{Resolver: &res})
	rep := c.Check(context.Background(), target)
	r := rep.Checks[len(rep.Checks)-1]
	dead, d := result(t, rep, "dead.bl.test")
	if r.Status != checks.StatusOK || len(r.Findings) != 0 || d.ResolverFailed() || !strings.Contains(dead.Error, "SERVFAIL") {
		t.Errorf("resolver %+v; dead list %+v", r, dead)
	}

	refusing := dnstest.Start(t) // no zones: REFUSED to everything
	c = New(refusing.Client(2*time.Second), lists, Options{Resolver: &res})
	rep = c.Check(context.Background(), target)
	r = rep.Checks[len(rep.Checks)-1]
	if r.Status != checks.StatusError || codes(r.Findings) != "dnsbl.resolver-failed/warn" || r.Data.(*ResolverData).Failed == nil {
		t.Errorf("resolver %+v", r)
	}
	if res.Status != checks.StatusOK || res.Data.(*ResolverData).Failed != nil {
		t.Errorf("the run's resolver check was changed in place: %+v", res)
	}
}
