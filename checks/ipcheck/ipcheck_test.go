package ipcheck

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

func loopback(t *testing.T) *dnstest.Server {
	t.Helper()
	zs, err := dnsx.LoadZones("../../testdata/ipcheck")
	if err != nil {
		t.Fatal(err)
	}
	return dnstest.Start(t, zs...)
}

// codes is every finding code of res, with the check's name.
func codes(rs []checks.Result) []string {
	var out []string
	for _, r := range rs {
		for _, f := range r.Findings {
			out = append(out, r.Name+":"+f.Code)
		}
	}
	return out
}

func byName(t *testing.T, rs []checks.Result, name string) checks.Result {
	t.Helper()
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s check in %v", name, rs)
	return checks.Result{}
}

func TestCheck(t *testing.T) {
	srv := loopback(t)
	r := srv.Client(time.Second)
	for _, tc := range []struct {
		addr, helo string
		want       []string
		status     map[string]checks.Status
	}{
		{"192.0.2.1", "mail.example.test", []string{"reputation:ip.reputation", "reputation:ip.reputation"},
			map[string]checks.Status{"ptr": checks.StatusOK, "helo": checks.StatusOK, "reputation": checks.StatusOK}},
		{"192.0.2.2", "mail.example.test", []string{"ptr:ip.ptr-generic", "helo:ip.helo-mismatch", "helo:ip.helo-not-ptr", "reputation:ip.reputation-low", "reputation:ip.reputation-low"},
			map[string]checks.Status{"ptr": checks.StatusWarn, "helo": checks.StatusWarn, "reputation": checks.StatusWarn}},
		{"192.0.2.3", "nothere.example.test", []string{"ptr:ip.ptr-missing", "helo:ip.helo-unresolved"},
			map[string]checks.Status{"ptr": checks.StatusFail, "reputation": checks.StatusOK}},
		{"192.0.2.4", "[192.0.2.4]", []string{"ptr:ip.ptr-mismatch", "helo:ip.helo-literal", "reputation:ip.reputation-unrecognised"},
			map[string]checks.Status{"ptr": checks.StatusWarn, "helo": checks.StatusOK}},
		{"192.0.2.1", "[IPv6:2001:db8::1]", []string{"helo:ip.helo-mismatch", "reputation:ip.reputation", "reputation:ip.reputation"}, nil},
		{"192.0.2.1", "localhost", []string{"helo:ip.helo-invalid", "reputation:ip.reputation", "reputation:ip.reputation"},
			map[string]checks.Status{"helo": checks.StatusFail}},
		{"2001:db8::1", "", []string{"ptr:ip.ptr-missing"}, map[string]checks.Status{"reputation": checks.StatusInfo}},
	} {
		t.Run(tc.addr+" "+tc.helo, func(t *testing.T) {
			rs := Check(context.Background(), r, netip.MustParseAddr(tc.addr), Options{HELO: tc.helo})
			if got := codes(rs); !slices.Equal(got, tc.want) {
				t.Errorf("codes %v, want %v", got, tc.want)
			}
			for name, st := range tc.status {
				if got := byName(t, rs, name); got.Status != st {
					t.Errorf("%s status %s, want %s (%s)", name, got.Status, st, got.Summary)
				}
			}
			if tc.helo == "" && slices.ContainsFunc(rs, func(r checks.Result) bool { return r.Name == NameHELO }) {
				t.Errorf("a helo check without --helo")
			}
		})
	}
	rs := Check(context.Background(), r, netip.MustParseAddr("192.0.2.2"), Options{})
	ptr := byName(t, rs, "ptr")
	if d := ptr.Data.(*PTRData); d.Generic == "" || !strings.Contains(ptr.Findings[0].Message, "host-192-0-2-2.dyn.example.test") {
		t.Errorf("generic PTR: %+v %v", d, ptr.Findings)
	}
	rep := byName(t, rs, "reputation")
	d := rep.Data.(*ReputationData)
	if d.Services[0].Grade.Score != 40 || d.Services[1].Grade.Level != "L5" || d.Services[0].Query != "2.2.0.192.score.senderscore.com" {
		t.Errorf("reputation data %+v %+v", d.Services[0], d.Services[1])
	}
	if !strings.Contains(rep.Summary, "SenderScore 40 of 100") || !strings.Contains(rep.Summary, "Mailspike L5") {
		t.Errorf("reputation summary %q", rep.Summary)
	}
	if rs := Check(context.Background(), r, netip.MustParseAddr("192.0.2.1"), Options{NoReputation: true}); len(rs) != 1 {
		t.Errorf("--no-reputation: %d checks, want ptr alone", len(rs))
	}
}

// A service that never answers: lookup-failed; none answering: the
// check's status is error, never "no grade".
func TestReputationTimeout(t *testing.T) {
	srv := loopback(t)
	srv.Set("1.2.0.192.score.senderscore.com", dnstest.Drop)
	r := srv.Client(200 * time.Millisecond)
	rep := byName(t, Check(context.Background(), r, netip.MustParseAddr("192.0.2.1"), Options{}), "reputation")
	if got := codes([]checks.Result{rep}); !slices.Equal(got, []string{"reputation:ip.reputation-lookup-failed", "reputation:ip.reputation"}) || rep.Status != checks.StatusWarn {
		t.Errorf("one service down: %v, %s", got, rep.Status)
	}
	srv.Set("1.2.0.192.rep.mailspike.net", dnstest.Drop)
	r = srv.Client(200 * time.Millisecond) // no cached answer
	rep = byName(t, Check(context.Background(), r, netip.MustParseAddr("192.0.2.1"), Options{}), "reputation")
	if rep.Status != checks.StatusError || rep.Error == "" {
		t.Errorf("both down: status %s, error %q", rep.Status, rep.Error)
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Message, "dnsx:") || strings.Contains(f.Message, "dns: ") {
			t.Errorf("a package name in %q", f.Message)
		}
	}
}

func TestHELOLiteral(t *testing.T) {
	for s, want := range map[string]string{
		"[192.0.2.1]": "192.0.2.1", "[IPv6:2001:db8::1]": "2001:db8::1", "[ipv6:2001:db8::1]": "2001:db8::1",
		"[2001:db8::1]": "", "[IPv6:192.0.2.1]": "", "192.0.2.1": "", "[x]": "", "[]": "",
	} {
		a, ok := heloLiteral(s)
		if got := ""; ok {
			got = a.String()
			if got != want {
				t.Errorf("heloLiteral(%q) = %s, want %q", s, got, want)
			}
		} else if want != "" {
			t.Errorf("heloLiteral(%q) refused, want %s", s, want)
		}
	}
}
