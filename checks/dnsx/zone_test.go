package dnsx

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func TestLoadZoneOriginFromFileName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "example.org.zone")
	os.WriteFile(path, []byte("@ 300 IN TXT \"hello\"\nwww 300 IN A 192.0.2.1\n"), 0o644)
	z, err := LoadZone(path)
	if err != nil {
		t.Fatal(err)
	}
	if z.Origin != "example.org." {
		t.Fatalf("origin = %q", z.Origin)
	}
	c, err := New(Config{Zones: []*Zone{z}, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	ans, err := c.Query(context.Background(), "www.example.org", dns.TypeA)
	if err != nil || len(ans.Records()) != 1 || !strings.HasPrefix(ans.From, "zone ") {
		t.Fatalf("%+v %v", ans, err)
	}
	if _, err := c.Query(context.Background(), "example.net", dns.TypeA); !errors.Is(err, ErrOffline) {
		t.Fatalf("outside with --offline: %v", err)
	}
}

func TestLoadZoneErrors(t *testing.T) {
	if _, err := LoadZone(filepath.Join(t.TempDir(), "missing.zone")); err == nil {
		t.Fatal("missing file: no error")
	}
	path := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(path, []byte("www 300 IN A not-an-address\n"), 0o644)
	if _, err := LoadZone(path); err == nil {
		t.Fatal("bad record: no error")
	}
}

func TestDomain(t *testing.T) {
	for in, want := range map[string]string{
		"Example.COM.":       "example.com",
		"bücher.example":     "xn--bcher-kva.example",
		"_dmarc.example.com": "_dmarc.example.com",
	} {
		got, err := Domain(in)
		if err != nil || got != want {
			t.Errorf("Domain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "localhost", "a..b", "-a.com", "a b.com", strings.Repeat("a", 64) + ".com", "exa$mple.com", "\x8f.0"} {
		if _, err := Domain(bad); !errors.Is(err, ErrBadName) {
			t.Errorf("Domain(%q): want ErrBadName, got %v", bad, err)
		}
	}
}

func FuzzParseZone(f *testing.F) {
	f.Add("$ORIGIN example.com.\n@ IN TXT \"x\"\n*.a IN CNAME b\nb IN A 192.0.2.1\n")
	f.Fuzz(func(t *testing.T, text string) {
		z, err := ParseZone(strings.NewReader(text), "example.com", "fuzz")
		if err != nil {
			return
		}
		Zones{z}.Lookup("x.a.example.com", dns.TypeA)
	})
}

func TestLoadZonesFolder(t *testing.T) {
	zs, err := LoadZones("../../testdata/zones")
	if err != nil {
		t.Fatal(err)
	}
	origins := map[string]bool{}
	for _, z := range zs {
		origins[z.Origin] = true
	}
	for _, want := range []string{"example.com.", "example.net.", "2.0.192.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa."} {
		if !origins[want] {
			t.Errorf("zone %s not loaded (have %v)", want, origins)
		}
	}
	c, _ := New(Config{Zones: zs, Offline: true})
	// www.example.com is a CNAME to the apex; shop leaves for example.net.
	res, err := Addrs(context.Background(), c, "shop.example.com")
	if err != nil || len(res.Addrs) != 1 || res.Addrs[0].String() != "198.51.100.80" {
		t.Fatalf("shop: %v %v", res.Addrs, err)
	}
	if _, err := LoadZones(t.TempDir()); err == nil {
		t.Fatal("empty folder: no error")
	}
}

func TestParseZoneOrigins(t *testing.T) {
	z, err := ParseZone(strings.NewReader("$ORIGIN example.org.\nwww IN A 192.0.2.1\n"), "", "t")
	if err != nil || z.Origin != "example.org." {
		t.Fatalf("$ORIGIN only: %v %v", z, err)
	}
	z, err = ParseZone(strings.NewReader(". IN SOA ns. h. 1 2 3 4 5\nwww.example.org. IN A 192.0.2.1\n1.2.0.192.in-addr.arpa. IN PTR www.example.org.\n"), "", "t")
	if err != nil || z.Origin != "." || !z.Holds("1.2.0.192.in-addr.arpa") {
		t.Fatalf("SOA at the root: %v %v", z, err)
	}
	if _, err := ParseZone(strings.NewReader("www.example.org. IN A 192.0.2.1\n"), "", "t"); err == nil {
		t.Fatal("no origin, no SOA: want an error")
	}
}

// FuzzDomain checks that Domain is idempotent: what it returns, it accepts
// unchanged.
func FuzzDomain(f *testing.F) {
	for _, s := range []string{"example.com", "bücher.example", "\x8f.0", "_dmarc.Example.COM."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Domain(in)
		if err != nil {
			return
		}
		again, err := Domain(out)
		if err != nil || again != out {
			t.Fatalf("Domain(%q) = %q, but Domain(%q) = %q, %v", in, out, out, again, err)
		}
	})
}
