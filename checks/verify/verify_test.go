package verify

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// world is the loopback DNS and SMTP servers of a test: each mail host
// resolves to its own 127.0.0.x, and the dialer sends port 25 of that
// address to the test server listening for it.
type world struct {
	t     *testing.T
	zone  strings.Builder
	next  int
	route map[string]string // "127.0.0.x" → the server's address
	mu    sync.Mutex
	dials map[string]int
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, next: 2, route: map[string]string{}, dials: map[string]int{}}
	w.zone.WriteString("$TTL 300\n")
	return w
}

// host adds domain with an MX pointing at a host whose address routes to
// serverAddr.
func (w *world) host(domain, serverAddr string) {
	ip := fmt.Sprintf("127.0.0.%d", w.next)
	w.next++
	w.route[ip] = serverAddr
	fmt.Fprintf(&w.zone, "%s. MX 10 mx.%s.\nmx.%s. A %s\n", domain, domain, domain, ip)
}

func (w *world) line(s string) { w.zone.WriteString(s + "\n") }

func (w *world) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, _ := net.SplitHostPort(addr)
	if port != "25" {
		w.t.Errorf("dialed port %s, want 25", port)
	}
	w.mu.Lock()
	w.dials[host]++
	to, ok := w.route[host]
	w.mu.Unlock()
	if !ok {
		// Nothing listens there: like a host whose port 25 is closed.
		to = "127.0.0.1:1"
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

func (w *world) verifier(o Options) *Verifier {
	srv := dnstest.Start(w.t, dnstest.Zone(w.t, ".", w.zone.String()))
	o.SMTP = true
	o.From = "probe@sender.test"
	o.EHLO = "client.test"
	o.Dial = w.dial
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	if o.RetryWait == 0 {
		o.RetryWait = 10 * time.Millisecond
	}
	return New(srv.Client(2*time.Second), o)
}

func rejectUnknown(known ...string) func(int, string) error {
	return func(_ int, to string) error {
		local, _, _ := strings.Cut(to, "@")
		for _, k := range known {
			if local == k {
				return nil
			}
		}
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: Recipient address rejected: User unknown"}
	}
}

func run(t *testing.T, v *Verifier, addrs ...string) map[string]*Record {
	t.Helper()
	out := map[string]*Record{}
	var order []string
	err := v.Run(context.Background(), func(yield func(Input) bool) {
		for _, a := range addrs {
			if !yield(Input{Address: a}) {
				return
			}
		}
	}, func(r *Record) error {
		out[r.Address] = r
		order = append(order, r.Address)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, ",") != strings.Join(addrs, ",") {
		t.Fatalf("records in order %v, want %v", order, addrs)
	}
	return out
}

func want(t *testing.T, recs map[string]*Record, addr string, verdict Verdict, code string) *Record {
	t.Helper()
	r := recs[addr]
	if r == nil {
		t.Fatalf("no record for %s", addr)
	}
	var codes []string
	found := code == ""
	for _, f := range r.Reasons {
		codes = append(codes, f.Code)
		found = found || f.Code == code
	}
	if r.Verdict != verdict || !found {
		t.Errorf("%s: verdict %s, reasons %v; want %s with %s (smtp %+v)", addr, r.Verdict, codes, verdict, code, r.SMTP)
	}
	return r
}

func TestVerdicts(t *testing.T) {
	w := newWorld(t)
	reject := smtptest.Start(t, smtptest.Config{Rcpt: rejectUnknown("alice", "info")})
	catchall := smtptest.Start(t, smtptest.Config{})
	var mu sync.Mutex
	seen := map[string]int{}
	grey := smtptest.Start(t, smtptest.Config{Rcpt: func(_ int, to string) error {
		mu.Lock()
		defer mu.Unlock()
		seen[to]++
		if seen[to] == 1 || strings.HasPrefix(to, "always") {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, try again later"}
		}
		return nil
	}})
	blockRcpt := smtptest.Start(t, smtptest.Config{Rcpt: func(int, string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Service unavailable; client host [127.0.0.1] blocked using zen.spamhaus.org"}
	}})
	full := smtptest.Start(t, smtptest.Config{Rcpt: func(int, string) error {
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "Mailbox full"}
	}})
	blockConnect, err := smtptest.StartRaw(func(c net.Conn) {
		fmt.Fprintf(c, "554 5.7.1 mx.block.test: your IP is listed, go away\r\n")
		bufio.NewReader(c).ReadString('\n')
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(blockConnect.Close)
	silent, err := smtptest.StartRaw(func(c net.Conn) { bufio.NewReader(c).ReadString('\n') })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(silent.Close)

	w.host("reject.test", reject.Addr)
	w.host("catchall.test", catchall.Addr)
	w.host("grey.test", grey.Addr)
	w.host("blockrcpt.test", blockRcpt.Addr)
	w.host("full.test", full.Addr)
	w.host("block.test", blockConnect.Addr)
	w.host("silent.test", silent.Addr)
	w.line("nullmx.test. MX 0 .")
	w.line("implicit.test. A 127.0.0.250")
	w.route["127.0.0.250"] = reject.Addr
	w.line("noaddr.test. TXT \"no mail here\"")
	w.line("unresolvable.test. MX 10 gone.unresolvable.test.")
	w.line("unresolvable.test. TXT \"x\"")

	v := w.verifier(Options{Timeout: 500 * time.Millisecond, Retries: 1})
	recs := run(t, v,
		"alice@reject.test", "bob@reject.test", "anyone@catchall.test", "grey@grey.test",
		"always@grey.test", "x@blockrcpt.test", "full@full.test", "x@block.test", "x@silent.test",
		"x@nullmx.test", "x@nx.test", "alice@implicit.test", "x@noaddr.test", "x@unresolvable.test",
		"info@reject.test", "bad@@reject.test", "BOB@REJECT.test",
	)
	want(t, recs, "alice@reject.test", Deliverable, "")
	r := want(t, recs, "bob@reject.test", Undeliverable, "verify.mailbox-missing")
	if r.SMTP == nil || r.SMTP.Code != 550 || r.SMTP.Status != "5.1.1" || r.SMTP.CatchAll == nil || *r.SMTP.CatchAll {
		t.Errorf("bob: smtp %+v", r.SMTP)
	}
	r = want(t, recs, "anyone@catchall.test", Risky, "verify.catch-all")
	if r.SMTP.CatchAll == nil || !*r.SMTP.CatchAll {
		t.Errorf("catch-all not recorded: %+v", r.SMTP)
	}
	r = want(t, recs, "grey@grey.test", Deliverable, "")
	if r.SMTP.Tries != 2 {
		t.Errorf("greylisted address asked %d times, want 2", r.SMTP.Tries)
	}
	r = want(t, recs, "always@grey.test", Unknown, "verify.smtp-temporary")
	if r.SMTP.Tries != 2 || r.SMTP.Code != 451 {
		t.Errorf("always greylisted: %+v", r.SMTP)
	}
	want(t, recs, "x@blockrcpt.test", Unknown, "verify.smtp-policy")
	want(t, recs, "full@full.test", Risky, "verify.mailbox-full")
	r = want(t, recs, "x@block.test", Unknown, "verify.smtp-refused")
	if r.SMTP.Code != 554 || r.SMTP.Step != "greeting" {
		t.Errorf("refusal at connect: %+v", r.SMTP)
	}
	want(t, recs, "x@silent.test", Unknown, "verify.smtp-error")
	want(t, recs, "x@nullmx.test", Undeliverable, "verify.null-mx")
	want(t, recs, "x@nx.test", Undeliverable, "verify.nxdomain")
	r = want(t, recs, "alice@implicit.test", Deliverable, "verify.implicit-mx")
	if !r.Domain.Implicit {
		t.Errorf("implicit MX not recorded: %+v", r.Domain)
	}
	want(t, recs, "x@noaddr.test", Undeliverable, "verify.no-mail-host")
	want(t, recs, "x@unresolvable.test", Undeliverable, "verify.mx-unresolvable")
	want(t, recs, "info@reject.test", Risky, "verify.role")
	r = want(t, recs, "bad@@reject.test", Undeliverable, "verify.syntax")
	if r.Syntax.Position != 5 {
		t.Errorf("syntax position %d, want 5", r.Syntax.Position)
	}
	r = want(t, recs, "BOB@REJECT.test", Undeliverable, "verify.mailbox-missing")
	if r.Normalized != "BOB@reject.test" {
		t.Errorf("normalized %q", r.Normalized)
	}
	// One connection per domain (block.test's is refused at once; the
	// greylisting one needs one more for its retry).
	if reject.Conns() != 2 || catchall.Conns() != 1 || grey.Conns() != 2 {
		t.Errorf("connections: reject %d (with implicit.test), catchall %d, grey %d", reject.Conns(), catchall.Conns(), grey.Conns())
	}
	if log := reject.Log(); strings.Contains(log, "DATA") {
		t.Errorf("DATA was sent:\n%s", log)
	}
}

func TestOneConnectionManyRcpts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		maxRcpt int
		noPipe  bool
	}{
		{"max-rcpt 5", 5, false},
		{"452 after 7, pipelined", 20, false},
		{"452 after 7, one at a time", 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) { testManyRcpts(t, tc.maxRcpt, tc.noPipe) })
	}
}

func testManyRcpts(t *testing.T, maxRcpt int, noPipe bool) {
	w := newWorld(t)
	var mu sync.Mutex
	inTxn := 0
	srv := smtptest.Start(t, smtptest.Config{
		NoPipelining: noPipe,
		Mail:         func(int, string) error { mu.Lock(); inTxn = 0; mu.Unlock(); return nil },
		Rcpt: func(_ int, to string) error {
			mu.Lock()
			defer mu.Unlock()
			if inTxn == 7 {
				return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 5, 3}, Message: "Too many recipients"}
			}
			inTxn++
			if strings.HasPrefix(to, "gone") || strings.HasPrefix(to, "relayctl-verify-") {
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
			}
			return nil
		},
	})
	w.host("bulk.test", srv.Addr)
	v := w.verifier(Options{MaxRcpt: maxRcpt})
	var addrs []string
	for i := range 40 {
		if i%4 == 0 {
			addrs = append(addrs, fmt.Sprintf("gone%d@bulk.test", i))
		} else {
			addrs = append(addrs, fmt.Sprintf("user%d@bulk.test", i))
		}
	}
	addrs = append(addrs, "user1@bulk.test") // a duplicate is not asked again
	recs := run(t, v, addrs...)
	for _, a := range addrs {
		if strings.HasPrefix(a, "gone") {
			want(t, recs, a, Undeliverable, "verify.mailbox-missing")
		} else {
			want(t, recs, a, Deliverable, "")
		}
	}
	if srv.Conns() != 1 || v.Connections() != 1 {
		t.Errorf("%d connections for one domain, want 1", srv.Conns())
	}
	log := srv.Log()
	if n := strings.Count(log, "RCPT TO:<user1@bulk.test>"); n != 1 && maxRcpt == 5 {
		t.Errorf("user1 asked %d times", n)
	}
	if maxRcpt > 7 && !strings.Contains(log, "452 4.5.3") {
		t.Errorf("the server's limit of 7 RCPTs was never reached")
	}
	if n := strings.Count(log, "RCPT TO:<user39@bulk.test>"); n != 1 {
		t.Errorf("user39 asked %d times", n)
	}
}

func TestPort25Blocked(t *testing.T) {
	w := newWorld(t)
	for i := range 6 {
		// Addresses with no server behind them: every connect fails.
		fmt.Fprintf(&w.zone, "d%d.test. MX 10 mx.d%d.test.\nmx.d%d.test. A 127.0.1.%d\n", i, i, i, i)
	}
	v := w.verifier(Options{Concurrency: 1})
	var addrs []string
	for i := range 6 {
		addrs = append(addrs, fmt.Sprintf("a@d%d.test", i))
	}
	recs := run(t, v, addrs...)
	for i, a := range addrs {
		code := "verify.smtp-unreachable"
		if i >= unreachableDomains {
			code = "verify.smtp-skipped"
		}
		want(t, recs, a, Unknown, code)
	}
	if n := len(w.dials); n != unreachableDomains {
		t.Errorf("%d hosts dialed, want %d", n, unreachableDomains)
	}
	if notes := v.Notes(); len(notes) != 1 || notes[0].Code != "verify.port25-blocked" {
		t.Errorf("notes %+v", notes)
	}
}

func TestWithoutSMTP(t *testing.T) {
	w := newWorld(t)
	w.host("plain.test", "127.0.0.1:1")
	w.line("mailinator.com. MX 10 mx.plain.test.")
	w.line("gmial.com. TXT \"parked\"")
	srv := dnstest.Start(t, dnstest.Zone(t, ".", w.zone.String()))
	v := New(srv.Client(2*time.Second), Options{})
	recs := run(t, v, "a@plain.test", "a@mailinator.com", "a@gmial.com")
	want(t, recs, "a@plain.test", Unknown, "verify.mailbox-unchecked")
	want(t, recs, "a@mailinator.com", Risky, "verify.disposable")
	r := want(t, recs, "a@gmial.com", Undeliverable, "verify.domain-typo")
	if r.Syntax.Suggestion != "gmail.com" {
		t.Errorf("suggestion %q", r.Syntax.Suggestion)
	}
	if len(w.dials) != 0 {
		t.Errorf("dialed without --smtp: %v", w.dials)
	}
}
