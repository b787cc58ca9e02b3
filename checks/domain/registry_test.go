package domain

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// Every entry is complete, names are unique, the parts come before the
// checks that take no domain, and no two checks claim one finding code.
func TestRegistryEntries(t *testing.T) {
	names := map[string]bool{}
	codes := map[string]string{}
	sawStandalone := false
	for _, c := range Checks() {
		if c.Name == "" || names[c.Name] {
			t.Errorf("name %q is empty or repeated", c.Name)
		}
		names[c.Name] = true
		if c.Title == "" || c.Summary == "" || len(c.RFCs) == 0 || c.Doc == "" {
			t.Errorf("%s: incomplete entry %+v", c.Name, c)
		}
		if _, err := os.Stat(filepath.Join("..", "..", c.Doc)); err != nil {
			t.Errorf("%s: docs page: %v", c.Name, err)
		}
		if c.Run == nil {
			sawStandalone = true
		} else if sawStandalone {
			t.Errorf("%s: a part after a check that takes no domain", c.Name)
		}
		if c.Codes == nil {
			continue
		}
		for _, cd := range c.Codes() {
			if other, ok := codes[cd.Code]; ok {
				t.Errorf("code %s is claimed by %s and %s", cd.Code, other, c.Name)
			}
			codes[cd.Code] = c.Name
			if !strings.HasPrefix(cd.Code, c.Name+".") {
				t.Errorf("%s: code %s is not under %s.", c.Name, cd.Code, c.Name)
			}
		}
	}
	if got := c("mx").Subcommand() + " " + c("ptr").Subcommand() + " " + c("spf").Subcommand(); got != "mx mx spf" {
		t.Errorf("subcommands of mx ptr spf: %s", got)
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup found an unknown check")
	}
}

func c(name string) Check {
	e, _ := Lookup(name)
	return e
}

// The checks that take no domain are not parts: the audit neither runs
// nor accepts them.
func TestPartsLeaveOutStandaloneChecks(t *testing.T) {
	if got := strings.Join(Parts(), ","); got != "mx,ptr,spf,dkim,dmarc,mtasts,tlsrpt,bimi,dane,dnssec" {
		t.Errorf("Parts() = %s", got)
	}
	if err := ValidateParts([]string{"smtp"}); !errors.Is(err, ErrUnknownPart) {
		t.Errorf("smtp as a part: %v", err)
	}
	// A new slice each call: changing one does not change the registry.
	p := Parts()
	p[0] = "changed"
	if Parts()[0] != "mx" {
		t.Error("Parts() shares its slice")
	}
}

// Each part's Run is wired to its own check: over a loopback DNS server,
// every result comes back under the entry's name.
func TestRegistryRunsEachPart(t *testing.T) {
	r := dnstest.Resolver(t, `$ORIGIN example.com.
@    3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    3600 IN MX 10 mx1
mx1  3600 IN A 192.0.2.10
`)
	for _, e := range Checks() {
		if e.Run == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res := e.Run(ctx, r, "example.com", Options{Timeout: time.Second})
		cancel()
		if res.Name != e.Name {
			t.Errorf("the %s entry ran a check named %q", e.Name, res.Name)
		}
	}
}

// LookupCode finds a code's check and row, the same row the check's
// package table holds.
func TestLookupCode(t *testing.T) {
	c, cd, ok := LookupCode("ptr.mismatch")
	if !ok || c.Name != "ptr" || c.Doc != "docs/mx.md" || cd.Code != "ptr.mismatch" || cd.Severity != "warn" || cd.Meaning == "" {
		t.Errorf("ptr.mismatch: %v %+v %+v", ok, c.Name, cd)
	}
	c, cd, ok = LookupCode("spf.all-softfail")
	if !ok || c.Name != "spf" || len(cd.Severities()) != 1 || cd.Severities()[0] != "info" {
		t.Errorf("spf.all-softfail: %v %s %+v", ok, c.Name, cd)
	}
	if _, _, ok := LookupCode("spf.nope"); ok {
		t.Error("found an unknown code")
	}
}
