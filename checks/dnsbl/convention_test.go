package dnsbl

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// A list the catalog does not know (--list ZONE, or a lists file entry
// with no codes) that answers from 127.255.255.0/24 is refusing, by
// common convention: never a listing. When it answers its RFC 5782 test
// entries so too, it is refusing this resolver (not "listing
// everything"), and the reason is its TXT text.
func TestPlainListRefusalConvention(t *testing.T) {
	srv := server(t)
	plain := []List{{Zone: "refuse.bl.test", Name: "refuse.bl.test", Kinds: ip4, Severity: sevFail}}
	rep := check(t, srv.Client(2*time.Second), plain, addr("198.51.100.7"))
	res, d := result(t, rep, "refuse.bl.test")
	if res.Status != checks.StatusError || d.Listed || !d.Refused || d.Health.State != HealthRefused {
		t.Fatalf("status %s listed %v refused %v health %+v", res.Status, d.Listed, d.Refused, d.Health)
	}
	if codes(res.Findings) != "dnsbl.query-refused/warn" {
		t.Fatalf("findings %+v", res.Findings)
	}
	msg := res.Findings[0].Message
	for _, want := range []string{"127.255.255.254", "public or open resolver", `"Error: open resolver; see https://www.spamhaus.org/returnc/pub/"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(d.Health.Detail, "everything") || !strings.Contains(d.Health.Detail, "Error: open resolver") {
		t.Errorf("health %+v", d.Health)
	}
}

// A healthy list with codes of its own that answers one target from
// 127.255.255.0/24 (too many queries) refused that question, with its
// TXT reason; it did not list the target.
func TestUndocumentedErrorCode(t *testing.T) {
	srv := server(t)
	rep := check(t, srv.Client(2*time.Second), pick(t, "good.bl.test"), addr("198.51.100.11"))
	res, d := result(t, rep, "good.bl.test")
	if res.Status != checks.StatusError || d.Listed || !d.Refused || d.Health.State != HealthOK {
		t.Fatalf("%+v %+v", res, d)
	}
	if len(d.TXT) != 1 || !strings.Contains(res.Findings[0].Message, `"Excessive number of queries from this resolver"`) ||
		!strings.Contains(res.Findings[0].Message, "too many queries") {
		t.Errorf("txt %q, findings %+v", d.TXT, res.Findings)
	}
}

// Only a code the list documents as a listing makes an answer in
// 127.255.255.0/24 a listing.
func TestErrorRangeClassify(t *testing.T) {
	a := []netip.Addr{netip.MustParseAddr("127.255.255.2")}
	for _, c := range []struct {
		l    List
		want verdict
	}{
		{List{Zone: "x"}, refused},
		{List{Zone: "x", Codes: []Code{ip(2, "spam")}}, refused},
		{List{Zone: "x", Codes: []Code{{Code: "127.255.255.2", Meaning: "a listing it documents"}}}, listed},
		{List{Zone: "x", Codes: []Code{{Code: "127.255.255.2", Meaning: "refused: over quota"}}}, refused},
		{List{Zone: "x", Bitmask: true, Codes: []Code{bit(2, "black")}}, refused},
	} {
		if got := c.l.classify(a); got.v != c.want {
			t.Errorf("%+v: %v, want %v", c.l.Codes, got.v, c.want)
		}
	}
	if got := (&List{Zone: "x"}).classify([]netip.Addr{netip.MustParseAddr("127.0.0.2")}); got.v != listed {
		t.Errorf("127.0.0.2 on a plain list: %v", got.v)
	}
}

// An answer of 127.0.0.1 is a refusal unless the list documents it as a
// listing: no list lists 127.0.0.1 (RFC 5782 §5), and those that answer
// with it mean "query refused".
func TestLoopbackAnswerClassify(t *testing.T) {
	a := []netip.Addr{netip.MustParseAddr("127.0.0.1")}
	for _, c := range []struct {
		l    List
		want verdict
	}{
		{List{Zone: "x"}, refused},
		{List{Zone: "x", Codes: []Code{ip(2, "spam"), ip(4, "exploits")}}, refused},
		{List{Zone: "x", LastOctet: true, Codes: []Code{ip(2, "spam")}}, refused},
		{List{Zone: "x", Codes: []Code{{Code: "127.0.0.1", Meaning: "a listing it documents"}}}, listed},
	} {
		got := c.l.classify(a)
		if got.v != c.want {
			t.Errorf("%+v: %v, want %v", c.l.Codes, got.v, c.want)
		}
		if c.want == refused && !strings.Contains(got.why, "refusal") {
			t.Errorf("%+v: why %q does not say it is a refusal", c.l.Codes, got.why)
		}
	}
}

// A list that refuses target after target (too many queries) is asked
// for its reason once per refusal code, not once per target; every
// refusal carries the reason.
func TestRefusalReasonAskedOnce(t *testing.T) {
	srv := server(t)
	rec := &recorder{r: srv.Client(2 * time.Second)}
	c := New(rec, pick(t, "good.bl.test"), Options{})
	for range 3 {
		rep := c.Check(context.Background(), addr("198.51.100.11"))
		res, _ := result(t, rep, "good.bl.test")
		if !strings.Contains(res.Error, `"Excessive number of queries from this resolver"`) {
			t.Errorf("error %q", res.Error)
		}
	}
	if n := rec.count("TXT 11.100.51.198.good.bl.test"); n != 1 {
		t.Errorf("reason asked %d times, want once: %q", n, rec.qs)
	}
}
