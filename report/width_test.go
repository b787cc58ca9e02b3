package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
)

// wideReport has what must never be split: a flag with its value, a URL
// and long domain names, in a summary, a message and a hint.
func wideReport() checks.Report {
	rep := checks.Report{Command: "check smtp", Target: "mx1.a-rather-long-subdomain.example.com", DurationMS: 12,
		Checks: []checks.Result{{
			Name:    "smtp mx1.a-rather-long-subdomain.example.com:465",
			Summary: "TLS 1.3 from the first byte (--tls implicit), certificate for mx1.a-rather-long-subdomain.example.com",
			Findings: []checks.Finding{{Code: "smtp.cert-name-mismatch", Severity: checks.SeverityFail,
				Message: "the certificate names mail.another-very-long-hosting-provider.example.net, not the host",
				Hint:    "issue a certificate for the MX name, or send with --ca private-ca.pem while testing; see https://www.example.org/docs/tls/certificates#names",
				Ref:     "RFC 7672 §3.2.3"}},
		}},
	}
	rep.Checks[0].Settle()
	rep.Settle()
	return rep
}

// unbreakable are the pieces of the fixtures that a wrap must keep whole.
var unbreakable = []string{
	"--tls implicit", "--ca private-ca.pem", "https://www.example.org/docs/tls/certificates#names",
	"mx1.a-rather-long-subdomain.example.com", "mail.another-very-long-hosting-provider.example.net",
	"<dana.nobody@receiver.example>:", "https://check.spamhaus.org/", "--dqs-key,",
}

func catalogFixture() []dnsbl.List {
	return []dnsbl.List{
		{Zone: "zen.spamhaus.org", Name: "Spamhaus ZEN", Kinds: []dnsbl.Kind{dnsbl.KindIP4, dnsbl.KindIP6}, Severity: checks.SeverityFail, Default: true, Info: "https://check.spamhaus.org/"},
		{Zone: "list.dnswl.org", Name: "DNSWL", Kinds: []dnsbl.Kind{dnsbl.KindIP4}, Severity: checks.SeverityInfo, Allowlist: true, Info: "https://www.dnswl.org/"},
	}
}

// Every table adapts to the terminal's width: each line fits, except
// where one piece that must stay whole is wider than the room; a flag and
// its value, a URL and a domain name are never split.
func TestTablesFitTheTerminal(t *testing.T) {
	recs := bounceRecords()
	recs = append(recs, bounceRecords()[0])
	recs[3].Source = "testdata/bounce/postfix-userunknown.eml"
	recs[3].Recipient = "dana.nobody@receiver.example"
	recs[3].Diagnostic = "host mx1.receiver.example[198.51.100.25] said: 550 5.1.1 <dana.nobody@receiver.example>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"
	tables := map[string]func(opt Options) string{
		"check": func(opt Options) string { return render(t, opt, sample(), wideReport()) },
		"bounce": func(opt Options) string {
			var b bytes.Buffer
			w, _ := NewBounceWriter(FormatTable, &b, opt, false)
			for i := range recs {
				w.Write(&recs[i])
			}
			w.Close(bounceSummary(recs))
			return b.String()
		},
		"send": func(opt Options) string {
			var b bytes.Buffer
			for _, single := range []bool{true, false} {
				w, _ := NewSendWriter(FormatTable, &b, opt, single)
				for i, r := range sendFixtures() {
					if !single || i == 3 {
						w.Write(r)
					}
				}
				w.Close()
			}
			return b.String()
		},
		"catalog": func(opt Options) string {
			var b bytes.Buffer
			if err := WriteCatalog(&b, FormatTable, opt, catalogFixture()); err != nil {
				t.Fatal(err)
			}
			return b.String()
		},
	}
	for name, render := range tables {
		for _, width := range []int{60, 80, 120} {
			t.Run(fmt.Sprintf("%s_%d", name, width), func(t *testing.T) {
				out := render(Options{Terminal: true, Width: width})
				golden(t, fmt.Sprintf("%s_%d", name, width), out)
				if strings.ContainsRune(out, 0x1b) {
					t.Error("escape codes without Color")
				}
				// A piece kept whole widens its column by at most what it
				// has beyond the narrowest room a column gets.
				allowed := width + max(longestToken(out)-minWrap, 0)
				for _, l := range strings.Split(out, "\n") {
					if lipgloss.Width(l) > allowed {
						t.Errorf("%d columns on a %d-column terminal (%d allowed): %q", lipgloss.Width(l), width, allowed, l)
					}
				}
				flat := strings.Join(strings.Fields(strings.NewReplacer("│", " ").Replace(out)), " ")
				for _, u := range unbreakable {
					if strings.Contains(flat, strings.Fields(u)[0]) && !strings.Contains(flat, u) {
						t.Errorf("%q was split:\n%s", u, out)
					}
				}
			})
		}
	}
}

// longestToken is the widest piece of out that wrap keeps whole.
func longestToken(out string) int {
	n := 0
	for _, tok := range tokens(strings.NewReplacer("│", " ").Replace(out)) {
		n = max(n, lipgloss.Width(tok))
	}
	return n
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  []string
	}{
		{"send with --tls implicit now", 12, []string{"send with", "--tls implicit", "now"}},
		{"see https://example.org/a/very/long/path ok", 10, []string{"see", "https://example.org/a/very/long/path", "ok"}},
		{"a b c", 0, []string{"a b c"}},
		{"-o json, --offline --zone dir", 14, []string{"-o json,", "--offline", "--zone dir"}},
		{"exit -1 means", 6, []string{"exit", "-1", "means"}},
		{"a (--tls implicit) b", 16, []string{"a", "(--tls implicit)", "b"}},
	} {
		if got := wrap(c.in, c.width, c.width); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}
