package message

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/spamd"
)

// fakeSpamd answers every REPORT with spam and the rule table given, and
// records the size of the message it got.
func fakeSpamd(t *testing.T, spam, table string, got chan<- int) string {
	t.Helper()
	srv, err := smtptest.StartRaw(func(c net.Conn) {
		defer c.Close()
		br := bufio.NewReader(c)
		n := 0
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			l = strings.TrimRight(l, "\r\n")
			if l == "" {
				break
			}
			if v, ok := strings.CutPrefix(l, "Content-length: "); ok {
				n, _ = strconv.Atoi(v)
			}
		}
		if _, err := io.CopyN(io.Discard, br, int64(n)); err != nil {
			return
		}
		got <- n
		io.WriteString(c, "SPAMD/1.1 0 EX_OK\r\nContent-length: "+strconv.Itoa(len(table))+"\r\nSpam: "+spam+"\r\n\r\n"+table)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv.Addr
}

const gtubeTable = `Content analysis details:   (1000.0 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email
 0.0 NO_RELAYS              Informational: message was not relayed via SMTP
`

// With --spamd the message goes to spamd whole and its verdict is the
// spam check: score, threshold, every rule.
func TestSpam(t *testing.T) {
	got := make(chan int, 1)
	addr := fakeSpamd(t, "True ; 1000.0 / 5.0", gtubeTable, got)
	raw := trace + plain
	rep := check(t, offline(t, records), raw, Options{Spamd: addr})
	res := result(t, rep, "spam")
	if n := <-got; n != len(raw) {
		t.Errorf("spamd got %d bytes, want %d", n, len(raw))
	}
	if res.Status != checks.StatusFail || res.Summary != "spam: score 1000.0, threshold 5.0" {
		t.Errorf("status %s summary %q", res.Status, res.Summary)
	}
	if c := codes(res); strings.Join(c, ",") != "spamd.spam,spamd.rule,spamd.rule" {
		t.Errorf("codes %v", c)
	}
	if m := findingOf(res, "spamd.rule").Message; m != "GTUBE: 1000.0 points: BODY: Generic Test for Unsolicited Bulk Email" {
		t.Errorf("rule %q", m)
	}
	r := res.Data.(*spamd.Report)
	if r.Score != 1000 || r.Threshold != 5 || len(r.Rules) != 2 || rep.Status != checks.StatusFail {
		t.Errorf("report %+v, overall %s", r, rep.Status)
	}
}

// Without --spamd nothing is sent and the note says how to get a score;
// a spamd that does not answer is status error, the other checks still
// reported.
func TestSpamNotRunAndUnreachable(t *testing.T) {
	rep := check(t, offline(t, records), trace+plain, Options{})
	res := result(t, rep, "spam")
	if res.Status != checks.StatusOK || !hasCode(res, "spamd.not-run") || res.Data != nil || !strings.Contains(findingOf(res, "spamd.not-run").Hint, "--spamd") {
		t.Errorf("without --spamd: %+v", res)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	rep = check(t, offline(t, records), trace+plain, Options{Spamd: addr})
	res = result(t, rep, "spam")
	if res.Status != checks.StatusError || res.Error == "" || strings.Contains(res.Error, "spamd:") {
		t.Errorf("unreachable: %+v", res)
	}
	if result(t, rep, "dkim").Name != "dkim" || rep.Status != checks.StatusError {
		t.Errorf("report %s", rep.Status)
	}
}
