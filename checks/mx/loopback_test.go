package mx_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/mx"
)

// One root zone holds the forward and reverse names the tests need, served
// by a real DNS server on 127.0.0.1.
const zone = `$ORIGIN .
$TTL 300
.                      IN SOA ns.test. hostmaster.test. 1 7200 3600 1209600 300

; good.test: two hosts, IPv4 and IPv6, reverse DNS that resolves back.
good.test.             IN MX 20 mx2.good.test.
good.test.             IN MX 10 mx1.good.test.
mx1.good.test.         IN A 93.184.216.34
mx1.good.test.         IN AAAA 2606:2800:220:1::25
mx2.good.test.         IN A 93.184.216.35
34.216.184.93.in-addr.arpa. IN PTR mx1.good.test.
35.216.184.93.in-addr.arpa. IN PTR mx2.good.test.
5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.2.2.0.0.0.8.2.6.0.6.2.ip6.arpa. IN PTR mx1.good.test.

nullmx.test.           IN MX 0 .
nullmx.test.           IN A 93.184.216.40
nullpref.test.         IN MX 10 .
mixed.test.            IN MX 0 .
mixed.test.            IN MX 10 mx1.good.test.

implicit.test.         IN A 93.184.216.41
implicit.test.         IN AAAA 2606:2800:220:1::41
41.216.184.93.in-addr.arpa. IN PTR implicit.test.
noaddr.test.           IN TXT "v=spf1 -all"

cname.test.            IN MX 10 mail.cname.test.
mail.cname.test.       IN CNAME mx1.good.test.
literal.test.          IN MX 10 93.184.216.34.
literal.test.          IN MX 20 mx1.good.test.
dead.test.             IN MX 10 gone.dead.test.
dead.test.             IN MX 20 bare.dead.test.
bare.dead.test.        IN TXT "no address"
dup.test.              IN MX 10 mx1.good.test.
dup.test.              IN MX 20 mx1.good.test.
private.test.          IN MX 10 mx.private.test.
private.test.          IN MX 20 mx2.good.test.
mx.private.test.       IN A 192.168.10.25
mx.private.test.       IN AAAA fd12:3456::25

servfail.test.         IN MX 10 mx1.good.test.
halfbroken.test.       IN MX 10 mx1.good.test.
halfbroken.test.       IN MX 20 mx.broken.test.
mx.broken.test.        IN A 93.184.216.50
allbroken.test.        IN MX 10 mx.broken.test.
silent.test.           IN MX 10 mx1.good.test.

; ptr.test: one address without PTR, one whose PTR points elsewhere,
; an IPv6 one whose PTR name has no AAAA.
ptr.test.              IN MX 10 a.ptr.test.
ptr.test.              IN MX 20 b.ptr.test.
a.ptr.test.            IN A 93.184.216.60
b.ptr.test.            IN A 93.184.216.61
b.ptr.test.            IN AAAA 2606:2800:220:1::61
61.216.184.93.in-addr.arpa. IN PTR web.hosting.test.
web.hosting.test.      IN A 93.184.216.99
1.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.2.2.0.0.0.8.2.6.0.6.2.ip6.arpa. IN PTR v4only.hosting.test.
v4only.hosting.test.   IN A 93.184.216.61

generic.test.          IN MX 10 mx.generic.test.
mx.generic.test.       IN A 93.184.216.70
70.216.184.93.in-addr.arpa. IN PTR 93-184-216-70.dyn.isp.test.
93-184-216-70.dyn.isp.test. IN A 93.184.216.70
`

func server(t *testing.T) (*dnstest.Server, *dnsx.Client) {
	t.Helper()
	srv := dnstest.Start(t, dnstest.Zone(t, ".", zone))
	srv.Set("servfail.test", dnstest.ServFail)
	srv.Set("mx.broken.test", dnstest.ServFail)
	srv.Set("silent.test", dnstest.Drop)
	return srv, srv.Client(2 * time.Second)
}

func codes(res checks.Result) string {
	var s []string
	for _, f := range res.Findings {
		s = append(s, f.Code)
	}
	return strings.Join(s, " ")
}

func TestLoopbackMX(t *testing.T) {
	_, c := server(t)
	cases := []struct {
		domain string
		status checks.Status
		codes  string
	}{
		{"good.test", checks.StatusOK, ""},
		{"nullmx.test", checks.StatusOK, "mx.null"},
		{"nullpref.test", checks.StatusWarn, "mx.null mx.null-preference"},
		{"mixed.test", checks.StatusFail, "mx.null-mixed"},
		{"implicit.test", checks.StatusWarn, "mx.missing"},
		{"noaddr.test", checks.StatusWarn, "mx.missing"},
		{"nosuch.test", checks.StatusFail, "mx.nxdomain"},
		{"cname.test", checks.StatusWarn, "mx.target-is-cname"},
		{"literal.test", checks.StatusFail, "mx.target-is-ip"},
		{"dead.test", checks.StatusFail, "mx.target-unresolvable mx.target-unresolvable mx.no-usable-host"},
		{"dup.test", checks.StatusWarn, "mx.duplicate-host"},
		{"private.test", checks.StatusWarn, "mx.target-private-ip"},
		{"servfail.test", checks.StatusError, ""},
		{"halfbroken.test", checks.StatusWarn, "mx.target-lookup-failed"},
		{"allbroken.test", checks.StatusError, "mx.target-lookup-failed"},
	}
	for _, tc := range cases {
		t.Run(tc.domain, func(t *testing.T) {
			res := mx.Check(context.Background(), c, tc.domain, mx.Options{})
			if res.Status != tc.status || codes(res) != tc.codes {
				t.Fatalf("status %s codes [%s], want %s [%s] (summary %q, error %q)",
					res.Status, codes(res), tc.status, tc.codes, res.Summary, res.Error)
			}
			for _, f := range res.Findings {
				if f.Message == "" || f.Hint == "" || f.Severity == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			if res.Summary == "" {
				t.Error("empty summary")
			}
		})
	}
}

func TestLoopbackMXData(t *testing.T) {
	_, c := server(t)
	res := mx.Check(context.Background(), c, "good.test", mx.Options{})
	if res.Summary != "2 hosts: 10 mx1.good.test, 20 mx2.good.test" {
		t.Errorf("summary = %q", res.Summary)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Data struct {
			Hosts []struct {
				Preference int      `json:"preference"`
				Host       string   `json:"host"`
				Addresses  []string `json:"addresses"`
			} `json:"hosts"`
			NullMX   *bool           `json:"null_mx"`
			Implicit json.RawMessage `json:"implicit"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	h := got.Data.Hosts
	if len(h) != 2 || h[0].Host != "mx1.good.test" || h[0].Preference != 10 ||
		strings.Join(h[0].Addresses, " ") != "93.184.216.34 2606:2800:220:1::25" {
		t.Errorf("hosts = %+v (json %s)", h, b)
	}
	if got.Data.NullMX == nil || *got.Data.NullMX || string(got.Data.Implicit) != "null" {
		t.Errorf("json = %s", b)
	}

	res = mx.Check(context.Background(), c, "implicit.test", mx.Options{})
	b, _ = json.Marshal(res.Data)
	if !strings.Contains(string(b), `"implicit":{"host":"implicit.test","addresses":["93.184.216.41","2606:2800:220:1::41"]}`) {
		t.Errorf("json = %s", b)
	}
}

func TestLoopbackPTR(t *testing.T) {
	_, c := server(t)
	cases := []struct {
		domain string
		status checks.Status
		codes  string
	}{
		{"good.test", checks.StatusOK, ""},
		{"implicit.test", checks.StatusWarn, "ptr.missing"}, // the IPv6 address has no PTR
		{"ptr.test", checks.StatusWarn, "ptr.missing ptr.mismatch ptr.mismatch"},
		{"generic.test", checks.StatusOK, "ptr.generic"},
		{"nullmx.test", checks.StatusInfo, ""},
		{"servfail.test", checks.StatusError, ""},
		{"allbroken.test", checks.StatusError, ""},
	}
	for _, tc := range cases {
		t.Run(tc.domain, func(t *testing.T) {
			res := mx.CheckPTR(context.Background(), c, tc.domain, mx.Options{})
			if res.Status != tc.status || codes(res) != tc.codes {
				t.Fatalf("status %s codes [%s], want %s [%s] (summary %q, error %q)",
					res.Status, codes(res), tc.status, tc.codes, res.Summary, res.Error)
			}
		})
	}
}

func TestLoopbackPTRData(t *testing.T) {
	_, c := server(t)
	res := mx.CheckPTR(context.Background(), c, "ptr.test", mx.Options{})
	d := res.Data.(*mx.PTRData)
	if len(d.Addresses) != 3 {
		t.Fatalf("addresses = %+v", d.Addresses)
	}
	want := []struct {
		addr, host, ptr string
	}{
		{"93.184.216.60", "a.ptr.test", ""},
		{"93.184.216.61", "b.ptr.test", "web.hosting.test"},
		{"2606:2800:220:1::61", "b.ptr.test", "v4only.hosting.test"},
	}
	for i, w := range want {
		a := d.Addresses[i]
		if a.Address.String() != w.addr || a.Host != w.host || strings.Join(a.PTR, ",") != w.ptr || a.Confirmed {
			t.Errorf("addresses[%d] = %+v, want %+v", i, a, w)
		}
	}
	if !strings.Contains(res.Findings[2].Message, "v4only.hosting.test has no AAAA record") {
		t.Errorf("IPv6 mismatch message = %q", res.Findings[2].Message)
	}

	res = mx.CheckPTR(context.Background(), c, "good.test", mx.Options{})
	b, _ := json.Marshal(res.Data)
	if !strings.Contains(string(b), `{"address":"2606:2800:220:1::25","host":"mx1.good.test","hosts":["mx1.good.test"],"ptr":["mx1.good.test"],"confirmed":true,"confirmed_name":"mx1.good.test"}`) {
		t.Errorf("json = %s", b)
	}
}

// A server that never answers the MX question: the check ends within the
// resolver's timeout with an error, not a hang and not "missing".
func TestLoopbackSilentServer(t *testing.T) {
	srv, _ := server(t)
	c := srv.Client(300 * time.Millisecond)
	start := time.Now()
	res := mx.Check(context.Background(), c, "silent.test", mx.Options{})
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "timeout") {
		t.Errorf("status %s error %q", res.Status, res.Error)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v", took)
	}
}

// mx and ptr share the run's cache: running ptr after mx asks the server
// only the reverse and forward-confirmation questions.
func TestLoopbackSharedCache(t *testing.T) {
	srv, c := server(t)
	mx.Check(context.Background(), c, "good.test", mx.Options{})
	before := srv.Queries()
	res := mx.CheckPTR(context.Background(), c, "good.test", mx.Options{})
	if res.Status != checks.StatusOK {
		t.Fatalf("status %s codes [%s]", res.Status, codes(res))
	}
	// 3 PTR questions; the forward confirmations (A/AAAA of mx1, A of mx2)
	// are cached.
	if n := srv.Queries() - before; n != 3 {
		t.Errorf("ptr sent %d queries after mx, want 3", n)
	}
}
