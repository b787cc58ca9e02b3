package check

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/fetch/fetchtest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// offlineZone points every host a check could connect to — the MX host
// (SMTP), mta-sts (the policy) and the logo host (BIMI) — at 127.0.0.1.
const offlineZone = `$ORIGIN example.com.
$TTL 300
@          IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@          IN MX 10 mx
@          IN TXT "v=spf1 mx -all"
mx         IN A 127.0.0.1
mta-sts    IN A 127.0.0.1
logo       IN A 127.0.0.1
_mta-sts   IN TXT "v=STSv1; id=1"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@example.com"
_dmarc     IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.net"
default._bimi IN TXT "v=BIMI1; l=https://logo.example.com/logo.svg"
s1._domainkey IN TXT "v=DKIM1; p="
_25._tcp.mx IN TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000
`

// check domain --zone --offline opens no socket: every part of the audit
// runs, a DNS server given with --resolver gets no question, and nothing
// connects to the HTTPS (MTA-STS policy, BIMI logo) or SMTP ports of the
// hosts the zone points at 127.0.0.1. The fetches are reported as not
// evaluated, never as failures.
func TestDomainOfflineOpensNoConnection(t *testing.T) {
	https, err443 := fetchtest.Count(t, "127.0.0.1:443")
	smtp, err25 := fetchtest.Count(t, "127.0.0.1:25")
	if err443 != nil || err25 != nil {
		t.Skip("cannot listen on 127.0.0.1:443 and :25 (needs the privilege and free ports): the no-connection proof is not run")
	}
	dir := t.TempDir()
	zone := filepath.Join(dir, "example.com.zone")
	if err := os.WriteFile(zone, []byte(offlineZone), 0o644); err != nil {
		t.Fatal(err)
	}
	dns := dnstest.Start(t)

	ios, _, out, _ := cmdutil.Test()
	opts := &Options{
		IO: ios,
		Globals: &cmdutil.Globals{Output: "json", FailOn: "fail", Timeout: 2 * time.Second,
			Zones: []string{zone}, Offline: true, Resolvers: []string{dns.Addr}},
		Domains: []string{"example.com"},
		Audit:   domain.Options{Command: domain.CommandDomain, Selectors: []string{"s1"}, Timeout: 2 * time.Second},
	}
	err := run(context.Background(), opts)
	if code, _ := cmdutil.ExitCodeOf(err); code == 2 {
		t.Fatalf("run: %v", err)
	}
	var rep struct {
		Checks []struct {
			Name     string
			Status   string
			Findings []struct{ Code, Severity string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var names []string
	codes := map[string]string{}
	for _, c := range rep.Checks {
		names = append(names, c.Name)
		for _, f := range c.Findings {
			codes[f.Code] = f.Severity
		}
	}
	if !slices.Equal(names, domain.Parts()) {
		t.Errorf("parts run %v, want every part %v", names, domain.Parts())
	}
	for _, code := range []string{"mtasts.not-evaluated", "bimi.not-evaluated"} {
		if codes[code] != "info" {
			t.Errorf("%s = %q, want info\n%s", code, codes[code], out)
		}
	}
	if n := https.Accepted(); n != 0 {
		t.Errorf("--offline: %d connection(s) to port 443", n)
	}
	if n := smtp.Accepted(); n != 0 {
		t.Errorf("--offline: %d connection(s) to port 25", n)
	}
	if n := dns.Queries(); n != 0 {
		t.Errorf("--offline: %d question(s) reached the --resolver server", n)
	}
}

// --smtp probes connect by definition: with --offline it is a usage
// error, before any connection. (check smtp, whose targets are the
// connections the user names, keeps --offline for its DNS alone.)
func TestSMTPOfflineIsUsageError(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	g := &cmdutil.Globals{Output: "table", FailOn: "fail", Timeout: time.Second, Zones: []string{"x.zone"}, Offline: true}
	cmd := NewCmdDomain(ios, g, func(context.Context, *Options) error { return errors.New("ran") })
	cmd.SetArgs([]string{"example.com", "--smtp"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if code, _ := cmdutil.ExitCodeOf(cmd.Execute()); code != 2 {
		t.Errorf("check domain --smtp --offline: exit %d, want 2", code)
	}
}
