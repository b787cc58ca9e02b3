package verify

import (
	"bufio"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// exampleSituations are the codes whose Example is a situation this test
// does not build, each with the reason.
var exampleSituations = map[string]string{
	"verify.smtp-skipped":   "needs a run over several domains where port 25 is blocked; TestPort25Blocked builds it",
	"verify.port25-blocked": "a note for the whole run, not a reason of one address; TestPort25Blocked builds it",
}

var (
	// An SMTP reply: the code, an optional RFC 3463 status, the text.
	smtpReply  = regexp.MustCompile(`^([2-5][0-9][0-9]) (?:([245]\.[0-9]{1,3}\.[0-9]{1,3}) )?(.*)$`)
	inBrackets = regexp.MustCompile(`<([^<>]+@[^<>]+)>`)
)

// The world the examples live in: example.com receives mail at
// mx.example.com (192.0.2.25), whose port 25 is the test's SMTP server;
// every other name is what the example's records make it.
const exampleZone = "$TTL 300\nexample.com. MX 10 mx.example.com.\nmx.example.com. A 192.0.2.25\n"

// TestCodeExamples verifies every Example of Codes as it reads. Of the
// backquoted texts, the first address is the one verified (else the one
// in a reply's angle brackets); each resource record goes into the
// loopback zone; an SMTP reply is what the mail host answers to RCPT, or
// its greeting when the example says it greets (or answers the
// connection) with it. The probe runs when the example has a reply or
// `--smtp` (not "without"); "no `SMTPUTF8`" takes that extension out of
// the server's EHLO reply, and "answer SERVFAIL" makes the name servers
// fail for the address's domain. The record must have the example's
// code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), exampleSituations, func(t *testing.T, c checks.CodeDoc) {
		var addr, reply, before string
		w := newWorld(t)
		w.zone.Reset()
		w.zone.WriteString(exampleZone)
		for _, span := range codetest.Spans(c.Example) {
			q := span.Text
			switch {
			case smtpReply.MatchString(q):
				if reply == "" {
					reply, before = q, c.Example[:span.At]
				}
			case strings.Contains(q, "@") && len(q) > 1 && !strings.ContainsAny(q, " <>"):
				if addr == "" {
					addr = q
				}
			default:
				if rr, err := dns.NewRR(q); err == nil && rr != nil && strings.Contains(q, " ") {
					w.line(q)
				}
			}
		}
		if addr == "" {
			if m := inBrackets.FindStringSubmatch(reply); m != nil {
				addr = m[1]
			}
		}
		if addr == "" {
			t.Fatalf("Example %q names no address, and the code is not listed as a situation", c.Example)
		}
		probe := reply != "" || strings.Contains(c.Example, "`--smtp`") && !strings.Contains(c.Example, "without `--smtp`")
		cfg := smtptest.Config{NoSMTPUTF8: strings.Contains(c.Example, "no `SMTPUTF8`")}
		greets := strings.Contains(before, "greets with") || strings.Contains(before, "answers the connection with")
		if reply != "" && !greets {
			cfg.Rcpt = func(int, string) error { return replyError(t, reply) }
		}
		if greets {
			raw, err := smtptest.StartRaw(func(conn net.Conn) {
				// The greeting, then the connection closed on the
				// client's first command, as the examples say.
				conn.Write([]byte(reply + "\r\n"))
				bufio.NewReader(conn).ReadString('\n')
				conn.Close()
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(raw.Close)
			w.route["192.0.2.25"] = raw.Addr
		} else {
			w.route["192.0.2.25"] = smtptest.Start(t, cfg).Addr
		}
		srv := dnstest.Start(t, dnstest.Zone(t, ".", w.zone.String()))
		if strings.Contains(c.Example, "answer SERVFAIL") {
			srv.Set(addr[strings.LastIndex(addr, "@")+1:], dnstest.ServFail)
		}
		o := Options{Timeout: 2 * time.Second, Retries: 1, RetryWait: 10 * time.Millisecond}
		if probe {
			o.SMTP, o.From, o.EHLO, o.Dial = true, "probe@sender.test", "client.test", w.dial
		}
		rec := run(t, New(srv.Client(2*time.Second), o), addr)[addr]
		var got []string
		for _, f := range rec.Reasons {
			got = append(got, f.Code)
		}
		if !slices.Contains(got, c.Code) {
			t.Errorf("Example %q: %s gives %v (smtp %+v), not %s\nzone:\n%s", c.Example, addr, got, rec.SMTP, c.Code, w.zone.String())
		}
	})
}

// replyError is the hook's answer that makes the server send reply: nil
// for a 2xx.
func replyError(t *testing.T, reply string) error {
	m := smtpReply.FindStringSubmatch(reply)
	code, _ := strconv.Atoi(m[1])
	if code < 300 {
		return nil
	}
	ec := smtp.NoEnhancedCode
	if m[2] != "" {
		parts := strings.Split(m[2], ".")
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil {
				t.Fatalf("status %q in %q", m[2], reply)
			}
			ec[i] = n
		}
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: m[3]}
}
