package dnstest_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

func TestZoneServesItsText(t *testing.T) {
	z := dnstest.Zone(t, ".", "$TTL 300\nexample.org. IN TXT \"hello\"\n")
	c := dnstest.Start(t, z).Client(2 * time.Second)
	txts, _, err := dnsx.TXT(context.Background(), c, "example.org")
	if err != nil || len(txts) != 1 || txts[0] != "hello" {
		t.Fatalf("TXT example.org = %q, %v; want [hello]", txts, err)
	}
	ans, err := c.Query(context.Background(), "other.example", dns.TypeA)
	if err != nil || !ans.NXDomain() {
		t.Fatalf("a name outside the text: %v, %v; want NXDOMAIN", ans, err)
	}
}

// fatalTB records the first Fatalf and stops the goroutine calling it,
// as testing does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestZoneFailsTheTestOnBadText(t *testing.T) {
	f := &fatalTB{TB: t}
	done := make(chan *dnsx.Zone)
	go func() {
		defer close(done)
		done <- dnstest.Zone(f, "", "$ORIGIN example.com.\n@ IN MX not-a-number mx1\n")
	}()
	if z := <-done; z != nil {
		t.Fatal("Zone returned a zone for broken text")
	}
	if !strings.HasPrefix(f.msg, "dnstest: ") || !strings.Contains(f.msg, "@ IN MX not-a-number mx1") {
		t.Errorf("failure message %q: want the parse error and the text", f.msg)
	}
}
