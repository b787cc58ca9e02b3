package check

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/smtpprobe"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

func TestDomainSMTPFlag(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	var got *Options
	capture := func(_ context.Context, o *Options) error { got = o; return nil }
	cmd := NewCmdDomain(ios, &cmdutil.Globals{}, capture)
	cmd.SetArgs([]string{"example.com"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Audit.SMTP {
		t.Error("--smtp is off by default")
	}
	cmd = NewCmdDomain(ios, &cmdutil.Globals{}, capture)
	cmd.SetArgs([]string{"example.com", "--smtp"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.Audit.SMTP {
		t.Error("--smtp did not set Audit.SMTP")
	}
}

// check domain --smtp end to end through run: the MX host's probe result
// follows the parts in the JSON, and the dane part matched its chain.
func TestDomainSMTPRun(t *testing.T) {
	ca, err := tlstest.New("relayctl test CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Make(tlstest.LeafOptions{Names: []string{"mx1.example.net"}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := smtptest.Listen(smtptest.Config{TLS: tlstest.TLSConfig(cert), Domain: "mx1.example.net"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	sum := sha256.Sum256(cert.Leaf.RawSubjectPublicKeyInfo)
	z := dnstest.Zone(t, ".", "$ORIGIN .\n$TTL 300\n"+
		"example.com MX 10 mx1.example.net.\n"+
		"mx1.example.net A 192.0.2.25\n"+
		"_25._tcp.mx1.example.net TLSA 3 1 1 "+hex.EncodeToString(sum[:])+"\n")
	dns := dnstest.Start(t, z)
	dns.SetAD(".", true)

	ios, _, out, _ := cmdutil.Test()
	opts := &Options{
		IO:      ios,
		Globals: &cmdutil.Globals{Output: "json", FailOn: "fail", Timeout: 5 * time.Second},
		Domains: []string{"example.com"},
		Audit: domain.Options{
			Command: domain.CommandDomain,
			Parts:   []string{"dane"},
			SMTP:    true,
			RootCAs: ca.Pool(),
			SMTPOptions: smtpprobe.Options{Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "tcp", srv.Addr)
			}},
		},
		Resolver: dns.Client(2 * time.Second),
	}
	if err := run(context.Background(), opts); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	var rep struct {
		Status string
		Checks []struct {
			Name   string
			Status string
			Data   json.RawMessage
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rep.Checks) != 2 || rep.Checks[0].Name != "dane" || rep.Checks[1].Name != "smtp 192.0.2.25:25" || rep.Status != "ok" {
		t.Fatalf("report:\n%s", out)
	}
	var d struct {
		Hosts []struct {
			Peers []struct {
				Addr    string
				Matched bool
			}
		}
	}
	var p struct{ Host string }
	if json.Unmarshal(rep.Checks[0].Data, &d) != nil || json.Unmarshal(rep.Checks[1].Data, &p) != nil {
		t.Fatalf("data:\n%s", out)
	}
	if len(d.Hosts) != 1 || len(d.Hosts[0].Peers) != 1 || !d.Hosts[0].Peers[0].Matched || d.Hosts[0].Peers[0].Addr != "192.0.2.25" || p.Host != "mx1.example.net" {
		t.Errorf("dane %+v, probe host %q", d, p.Host)
	}
}
