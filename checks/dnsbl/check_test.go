package dnsbl

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// A listed address: every code with its meaning, the TXT reason, the
// list's severity, a healthy list.
func TestListedWithCodesAndTXT(t *testing.T) {
	srv := server(t)
	rep := check(t, srv.Client(2*time.Second), pick(t, "good.bl.test"), addr("198.51.100.7"))
	res, d := result(t, rep, "good.bl.test")
	if res.Status != checks.StatusFail || rep.Status != checks.StatusFail || !d.Listed {
		t.Fatalf("status %s/%s listed %v: %+v", res.Status, rep.Status, d.Listed, res)
	}
	if len(d.Codes) != 2 || d.Codes[0].Meaning == d.Codes[1].Meaning {
		t.Errorf("codes %+v", d.Codes)
	}
	for _, c := range d.Codes {
		if c.Code == "127.0.0.4" && c.Meaning != "exploited host" || c.Code == "127.0.0.2" && c.Meaning != "spam source" {
			t.Errorf("code %+v", c)
		}
	}
	if len(d.TXT) != 1 || !strings.Contains(d.TXT[0], "lookup?198.51.100.7") {
		t.Errorf("txt %q", d.TXT)
	}
	if d.Query != "7.100.51.198.good.bl.test" || d.Health.State != HealthOK {
		t.Errorf("query %q health %+v", d.Query, d.Health)
	}
	if codes(res.Findings) != "dnsbl.listed/fail" || !strings.Contains(res.Findings[0].Message, "127.0.0.4 (exploited host)") ||
		!strings.Contains(res.Findings[0].Hint, "https://good.bl.test/") {
		t.Errorf("findings %+v", res.Findings)
	}
	if !strings.Contains(res.Summary, "listed: ") || !strings.Contains(res.Summary, "Listed since") {
		t.Errorf("summary %q", res.Summary)
	}
}

func TestNotListed(t *testing.T) {
	srv := server(t)
	rep := check(t, srv.Client(2*time.Second), pick(t, "good.bl.test"), addr("198.51.100.8"))
	res, d := result(t, rep, "good.bl.test")
	if res.Status != checks.StatusOK || d.Listed || res.Summary != "not listed" || len(res.Findings) != 0 {
		t.Errorf("%+v %+v", res, d)
	}
	if rep.Target != "198.51.100.8" || rep.Command != "blacklist ip" || rep.SchemaVersion != 1 {
		t.Errorf("report %+v", rep)
	}
}

// An undocumented code is still a listing, said to be undocumented.
func TestUndocumentedCode(t *testing.T) {
	srv := server(t)
	rep := check(t, srv.Client(2*time.Second), pick(t, "good.bl.test"), addr("198.51.100.10"))
	_, d := result(t, rep, "good.bl.test")
	if !d.Listed || len(d.Codes) != 1 || d.Codes[0].Code != "127.0.0.99" || !strings.Contains(d.Codes[0].Meaning, "not documented") {
		t.Errorf("%+v", d)
	}
}

// TXT is asked only of a list that lists the target, and of a refusing
// list's test entry once, for the reason it gives: never of a list that
// does not list the target, and not again of the refusing list.
func TestTXTOnlyWhenListed(t *testing.T) {
	srv := server(t)
	rec := &recorder{r: srv.Client(2 * time.Second)}
	c := New(rec, pick(t, "good.bl.test", "refuse.bl.test"), Options{})
	for _, a := range []string{"198.51.100.7", "198.51.100.8", "198.51.100.9"} {
		c.Check(context.Background(), addr(a))
	}
	if n := rec.count("TXT "); n != 2 {
		t.Errorf("%d TXT questions, want 2 (only 198.51.100.7 is listed, refuse.bl.test refuses its test entry): %q", n, rec.qs)
	}
	if rec.count("TXT 7.100.51.198.good.bl.test") != 1 || rec.count("TXT 2.0.0.127.refuse.bl.test") != 1 {
		t.Errorf("questions: %q", rec.qs)
	}
}

// A list that lists everything fails its self-test: its "listed" is not
// counted, and the check cannot reach a verdict.
func TestWildcardListUnhealthy(t *testing.T) {
	srv := server(t)
	rep := check(t, srv.Client(2*time.Second), pick(t, "good.bl.test", "wild.bl.test"), addr("198.51.100.8"))
	res, d := result(t, rep, "wild.bl.test")
	if res.Status != checks.StatusError || d.Listed || d.Health.State != HealthUnhealthy {
		t.Fatalf("%+v %+v", res, d)
	}
	if codes(res.Findings) != "dnsbl.list-unhealthy/warn" || !strings.Contains(res.Findings[0].Message, "127.0.0.1") || res.Findings[0].Ref != "RFC 5782 §5" {
		t.Errorf("findings %+v", res.Findings)
	}
	if len(d.TXT) != 0 {
		t.Errorf("TXT asked of an unhealthy list: %q", d.TXT)
	}
	if good, _ := result(t, rep, "good.bl.test"); good.Status != checks.StatusOK {
		t.Errorf("good list: %+v", good)
	}
	if rep.Status != checks.StatusError {
		t.Errorf("report status %s", rep.Status)
	}
}

// A refusal code is never "not listed" and never "listed".
func TestRefusalCode(t *testing.T) {
	srv := server(t)
	rep := check(t, srv.Client(2*time.Second), pick(t, "refuse.bl.test"), addr("198.51.100.7"))
	res, d := result(t, rep, "refuse.bl.test")
	if res.Status != checks.StatusError || d.Listed || !d.Refused {
		t.Fatalf("%+v %+v", res, d)
	}
	if codes(res.Findings) != "dnsbl.query-refused/warn" || !strings.Contains(res.Findings[0].Message, "public or open resolver") {
		t.Errorf("findings %+v", res.Findings)
	}
	if d.Health.State != HealthRefused {
		t.Errorf("health %+v", d.Health)
	}
}

// A list whose test entry is missing (shut down) is unhealthy.
func TestDeadListUnhealthy(t *testing.T) {
	srv := server(t)
	rep := check(t, srv.Client(2*time.Second), pick(t, "dead.bl.test"), addr("198.51.100.7"))
	res, d := result(t, rep, "dead.bl.test")
	if res.Status != checks.StatusError || d.Health.State != HealthUnhealthy || !strings.Contains(d.Health.Detail, "does not list its test entry 127.0.0.2") {
		t.Errorf("%+v %+v", res, d)
	}
}

// An answer outside 127.0.0.0/8 is an error for that list.
func TestAnswerOutsideLoopback(t *testing.T) {
	srv := server(t)
	rep := check(t, srv.Client(2*time.Second), pick(t, "parked.bl.test"), addr("198.51.100.7"))
	res, d := result(t, rep, "parked.bl.test")
	if res.Status != checks.StatusError || d.Listed || !strings.Contains(res.Error, "outside 127.0.0.0/8") {
		t.Errorf("%+v %+v", res, d)
	}
}

// A list that never answers is an error after the timeout; the other
// lists are not held up by it beyond that.
func TestListNeverAnswers(t *testing.T) {
	srv := server(t)
	lists := pick(t, "good.bl.test", "drop.bl.test")
	target := addr("198.51.100.7")
	dropAll(srv, lists[1], target)
	start := time.Now()
	rep := check(t, srv.Client(300*time.Millisecond), lists, target)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	res, _ := result(t, rep, "drop.bl.test")
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "timeout") {
		t.Errorf("%+v", res)
	}
	if good, _ := result(t, rep, "good.bl.test"); good.Status != checks.StatusFail {
		t.Errorf("good: %+v", good)
	}
}

// SERVFAIL and REFUSED from the server are errors for that list.
func TestServFailAndRefused(t *testing.T) {
	srv := server(t)
	srv.Set("7.100.51.198.good.bl.test", 2) // dnstest.ServFail
	srv.Set("8.100.51.198.good.bl.test", 3) // dnstest.Refused
	c := srv.Client(time.Second)
	for a, want := range map[string]error{"198.51.100.7": dnsx.ErrServFail, "198.51.100.8": dnsx.ErrRefused} {
		rep := check(t, c, pick(t, "good.bl.test"), addr(a))
		res, _ := result(t, rep, "good.bl.test")
		if res.Status != checks.StatusError || !strings.Contains(res.Error, want.Error()) {
			t.Errorf("%s: %+v", a, res)
		}
	}
}

// IPv6: nibble names, the IPv6 test entries, and IPv4-only lists left
// out of the report.
func TestIPv6(t *testing.T) {
	srv := server(t)
	rec := &recorder{r: srv.Client(2 * time.Second)}
	rep := check(t, rec, pick(t, "good.bl.test", "wild.bl.test"), addr("2001:db8:1::25"))
	if len(rep.Checks) != 1 {
		t.Fatalf("checks %+v", rep.Checks)
	}
	res, d := result(t, rep, "good.bl.test")
	if res.Status != checks.StatusWarn || !d.Listed || d.Codes[0].Meaning != "policy listing" || d.TXT[0] != "IPv6 policy listing" || d.Health.State != HealthOK {
		t.Errorf("%+v %+v", res, d)
	}
	if d.Query != "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.good.bl.test" {
		t.Errorf("query %s", d.Query)
	}
	if rec.count("A 2.0.0.0.0.0.f.7.f.f.f.f.0") != 1 || rec.count("A 1.0.0.0.0.0.f.7.f.f.f.f.0") != 1 {
		t.Errorf("IPv6 test entries not asked: %q", rec.qs)
	}
}

// A domain list with bitmask answers: each bit decoded with its own
// severity; bit 1 is a refusal; an unknown bit is still a listing.
func TestDomainBitmask(t *testing.T) {
	srv := server(t)
	c := New(srv.Client(2*time.Second), pick(t, "dom.bl.test"), Options{Command: "blacklist domain"})
	ctx := context.Background()
	cases := []struct {
		domain string
		status checks.Status
		find   string
		mean   string
	}{
		{"spammy.example", checks.StatusFail, "dnsbl.listed/fail", "black|red"},
		{"grey.example", checks.StatusWarn, "dnsbl.listed/warn", "grey"},
		{"blocked.example", checks.StatusError, "dnsbl.query-refused/warn", "refused"},
		{"odd.example", checks.StatusFail, "dnsbl.listed/fail", "bit 32: not documented by the list"},
		{"clean.example", checks.StatusOK, "", ""},
	}
	for _, cs := range cases {
		rep := c.Check(ctx, Target{Domain: cs.domain})
		res, d := result(t, rep, "dom.bl.test")
		var means []string
		for _, a := range d.Codes {
			means = append(means, a.Meaning)
		}
		if res.Status != cs.status || codes(res.Findings) != cs.find || strings.Join(means, "|") != cs.mean {
			t.Errorf("%s: %s %s %q", cs.domain, res.Status, codes(res.Findings), means)
		}
		if d.Health.State != HealthOK {
			t.Errorf("%s: health %+v", cs.domain, d.Health)
		}
	}
}

// The self-test runs once per list per run, whatever the number of
// targets, and does not count as a listing.
func TestHealthOncePerRun(t *testing.T) {
	srv := server(t)
	rec := &recorder{r: srv.Client(2 * time.Second)}
	c := New(rec, pick(t, "good.bl.test", "wild.bl.test"), Options{})
	var targets []Target
	for i := 0; i < 40; i++ {
		targets = append(targets, addr("198.51.100."+strconv.Itoa(i+20)))
	}
	n := 0
	err := c.Run(context.Background(), seq(targets), func(rep checks.Report) { n++ })
	if err != nil || n != 40 {
		t.Fatalf("%d reports, %v", n, err)
	}
	for _, z := range []string{"good", "wild"} {
		if got := rec.count("A 2.0.0.127." + z); got != 1 {
			t.Errorf("%s: test entry asked %d times", z, got)
		}
		if got := rec.count("A 1.0.0.127." + z); got != 1 {
			t.Errorf("%s: negative entry asked %d times", z, got)
		}
	}
	if h := c.Health(KindIP4); h["good.bl.test"].State != HealthOK || h["wild.bl.test"].State != HealthUnhealthy {
		t.Errorf("health %+v", h)
	}
}

// RFC 5782 test entries checked against the test zones directly.
func TestProbesAgainstZones(t *testing.T) {
	srv := server(t)
	c := New(srv.Client(2*time.Second), testLists(), Options{})
	want := map[string]HealthState{"good.bl.test": HealthOK, "wild.bl.test": HealthUnhealthy, "refuse.bl.test": HealthRefused,
		"parked.bl.test": HealthUnhealthy, "dead.bl.test": HealthUnhealthy}
	for _, ls := range c.lists {
		st, ok := want[ls.Zone]
		if !ok {
			continue
		}
		<-c.health(context.Background(), ls, KindIP4)
		if h := ls.health[0].h; h.State != st {
			t.Errorf("%s: %+v, want %s", ls.Zone, h, st)
		}
	}
}

// An account key is part of the name asked, and so of every DNS error
// about it: the report shows KEY in its place, in the error, the health
// detail and the query, and no package name.
func TestKeyNeverShown(t *testing.T) {
	srv := server(t)
	l := pick(t, "good.bl.test")[0]
	l.Key = KeyDQS
	keys := Keys{DQS: "s3cr3tkey"}
	tg := addr("198.51.100.7")
	zone := zoneFor(&l, keys)
	for _, p := range l.probes(KindIP4) {
		srv.Set(QueryName(p.target, zone), dnstest.ServFail)
	}
	srv.Set(QueryName(tg, zone), dnstest.ServFail)
	c := New(srv.Client(2*time.Second), []List{l}, Options{Command: "blacklist ip", Keys: keys})
	rep := c.Check(context.Background(), tg)
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cr3tkey") {
		t.Errorf("the key is in the report: %s", b)
	}
	res, d := result(t, rep, "good.bl.test")
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "SERVFAIL") || !strings.Contains(res.Error, "KEY.good.bl.test") || strings.Contains(res.Error, "dnsbl:") {
		t.Errorf("error %q", res.Error)
	}
	<-c.lists[0].health[kindIndex(KindIP4)].done
	h := c.Health(KindIP4)["good.bl.test"]
	if !strings.Contains(h.Detail, "KEY.good.bl.test") || strings.Contains(h.Detail, "s3cr3tkey") || !strings.Contains(d.Query, "KEY.good.bl.test") {
		t.Errorf("health %q, query %q", h.Detail, d.Query)
	}
}
