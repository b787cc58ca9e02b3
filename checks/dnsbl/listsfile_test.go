package dnsbl

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

const sampleLists = `# my lists
lists:
  - zone: BL.Example.NET
    name: Example blocklist
    kind: [ip4, ip6]
    severity: warn
    codes:
      127.0.0.2: spam source
      .3: {meaning: exploited host, severity: fail}
    refused: [127.255.255.0/24, 127.0.0.255]
  - zone: uri.example.net
    kind: domain
    bitmask: true
    refused_bits: 1
    default: false
    test: test.example.net
    codes:
      2: black
      4: {meaning: grey, severity: info}
  - zone: zen.spamhaus.org
    severity: info
`

func TestParseLists(t *testing.T) {
	ls, err := ParseLists(strings.NewReader(sampleLists), "my.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 3 {
		t.Fatalf("%+v", ls)
	}
	a := ls[0]
	if a.Zone != "bl.example.net" || a.KindString() != "ip4,ip6" || a.Severity != checks.SeverityWarn || !a.Default || len(a.Codes) != 2 ||
		a.Codes[1].Code != "127.0.0.3" || a.Codes[1].Severity != checks.SeverityFail || len(a.Refused) != 2 {
		t.Errorf("%+v", a)
	}
	if c := a.classify([]netip.Addr{netip.MustParseAddr("127.0.0.3")}); c.v != listed || c.severity != checks.SeverityFail {
		t.Errorf("classify .3: %+v", c)
	}
	if c := a.classify([]netip.Addr{netip.MustParseAddr("127.0.0.255")}); c.v != refused {
		t.Errorf("classify .255: %+v", c)
	}
	b := ls[1]
	if !b.Bitmask || b.RefusedBits != 1 || b.Default || b.Test != "test.example.net" || b.Name != "uri.example.net" || b.Codes[0].Code != "2" {
		t.Errorf("%+v", b)
	}
	if c := b.classify([]netip.Addr{netip.MustParseAddr("127.0.0.6")}); c.v != listed || c.severity != checks.SeverityFail || len(c.codes) != 2 {
		t.Errorf("classify 6: %+v", c)
	}
	merged := Merge(Builtin(), ls)
	if len(merged) != len(Builtin())+2 {
		t.Errorf("merged %d lists", len(merged))
	}
	for _, l := range merged {
		if l.Zone == "zen.spamhaus.org" && l.Severity != checks.SeverityInfo {
			t.Errorf("zen not replaced: %+v", l)
		}
	}
}

func TestParseListsErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"", "empty"},
		{"lists: []", "no lists"},
		{"lists:\n  - name: x\n", "zone is required"},
		{"lists:\n  - zone: bad..zone\n", "not a DNS name"},
		{"lists:\n  - zone: a.example\n    kind: ipv4\n", `kind "ipv4"`},
		{"lists:\n  - zone: a.example\n    severity: high\n", `severity "high"`},
		{"lists:\n  - zone: a.example\n    codes:\n      10.0.0.2: x\n", "127.0.0.0/8"},
		{"lists:\n  - zone: a.example\n    bitmask: true\n    codes:\n      3: x\n", "bit values"},
		{"lists:\n  - zone: a.example\n    refused: [10.0.0.0/8]\n", "127.0.0.0/8"},
		{"lists:\n  - zone: a.example\n    refused_bits: 1\n", "needs bitmask"},
		{"lists:\n  - zone: a.example\n    colour: red\n", `line 3: unknown key "colour"`},
		{"lists:\n  - zone: a.example\n    default: maybe\n    refused_bits: x\n", `line 3: "maybe": want true or false; line 4: "x": want a number`},
		{"lists: 3\n", `line 1: "3": want a list`},
		{"lists:\n  - zone: a.example\n  - zone: A.example\n", "twice"},
		{"lists:\n  - zone: [\n", "my.yaml"},
		{"lists:\n  - zone: a.example\n    codes: [1, 2]\n", "mapping"},
	} {
		_, err := ParseLists(strings.NewReader(c.src), "my.yaml")
		if !errors.Is(err, ErrBadLists) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "my.yaml") {
			t.Errorf("%q: %v, want %q", c.src, err, c.want)
		}
		// A person reads no package name, nor the Go types the file is
		// decoded into.
		m, ok := strings.CutPrefix(checks.Message(err), "invalid lists file my.yaml: ")
		if !ok || strings.Contains(m, "dnsbl") || strings.Contains(m, "yaml") || strings.Contains(m, "unmarshal") {
			t.Errorf("%q: message %q", c.src, checks.Message(err))
		}
	}
}
