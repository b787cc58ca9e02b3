package send_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

func batchMsgs(t *testing.T, n int) []send.Job {
	jobs := make([]send.Job, n)
	for i := range jobs {
		m := msg(t, fmt.Sprintf("user%d@example.org", i+1))
		jobs[i] = send.Job{Row: i + 1, Msg: m}
	}
	return jobs
}

func feed(jobs []send.Job) <-chan send.Job {
	ch := make(chan send.Job)
	go func() {
		defer close(ch)
		for _, j := range jobs {
			ch <- j
		}
	}()
	return ch
}

func TestBatchConcurrencyReusesConnections(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	var tr strings.Builder
	cfg := plainCfg(srv)
	cfg.Transcript = send.NewTranscript(&tr)
	jobs := batchMsgs(t, 60)
	var recs []send.Record
	send.RunBatch(ctx(t), cfg, send.BatchOptions{Concurrency: 4}, feed(jobs), func(r send.Record) { recs = append(recs, r) })
	if len(recs) != 60 || srv.Count() != 60 {
		t.Fatalf("%d records, %d messages", len(recs), srv.Count())
	}
	if srv.Conns() != 4 {
		t.Errorf("%d connections for 4 workers", srv.Conns())
	}
	rows := map[int]bool{}
	for _, r := range recs {
		if r.Result != send.ResultSent || rows[r.Row] {
			t.Errorf("record %+v", r)
		}
		rows[r.Row] = true
	}
	// Reused connections: RSET between transactions; PIPELINING: RSET,
	// MAIL, RCPT and DATA go out before the first reply is read.
	lines := strings.Split(tr.String(), "\n")
	if !strings.Contains(tr.String(), "-> RSET") {
		t.Fatal("no RSET in the transcript")
	}
	re := regexp.MustCompile(`^\[(\d)\] (->|<-) (\S+)`)
	last := map[string][]string{}
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		last[m[1]] = append(last[m[1]], m[2]+" "+m[3])
	}
	pipelined := false
	for _, seq := range last {
		s := strings.Join(seq, "|")
		if strings.Contains(s, "-> RSET|-> MAIL|-> RCPT|-> DATA|<- 250|<- 250|<- 250|<- 354") {
			pipelined = true
		}
	}
	if !pipelined {
		t.Errorf("no pipelined group in the transcript:\n%s", tr.String()[:min(3000, tr.Len())])
	}
	// Every connection's lines are numbered.
	for _, l := range lines {
		if l != "" && !re.MatchString(l) && !strings.HasPrefix(l, "[") {
			t.Errorf("unnumbered transcript line %q", l)
		}
	}
}

func TestBatchRate(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	start := time.Now()
	n := 0
	send.RunBatch(ctx(t), plainCfg(srv), send.BatchOptions{Concurrency: 3, Rate: 40}, feed(batchMsgs(t, 12)), func(send.Record) { n++ })
	// 12 starts spaced 25 ms apart: at least 11 intervals.
	if el := time.Since(start); n != 12 || el < 270*time.Millisecond {
		t.Errorf("%d messages in %s; the rate limit was not applied", n, el)
	}
}

// A reused connection keeps its session; one the server dropped while
// idle is replaced at once, without costing a retry.
func TestSenderReuseAndStaleConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	s := send.NewSender(plainCfg(srv), 0)
	defer s.Close()
	if r := s.Send(ctx(t), msg(t, "a@example.org")); r.Result != send.ResultSent {
		t.Fatal(r)
	}
	if r := s.Send(ctx(t), msg(t, "b@example.org")); r.Result != send.ResultSent || r.Timings.Connect != 0 {
		t.Errorf("second message did not reuse the connection: %+v", r)
	}
	if srv.Conns() != 1 {
		t.Errorf("%d connections", srv.Conns())
	}

	// The scripted server takes one message per connection, then hangs up.
	addr, conns := scripted(t, func(r *bufio.Reader, say func(string)) {
		if upToData(r, say) && expect(r, ".\r\n") {
			say("250 2.0.0 Ok: queued as A1")
		}
	})
	s2 := send.NewSender(cfgFor(addr), 0)
	defer s2.Close()
	for i := 0; i < 3; i++ {
		r := s2.Send(ctx(t), msg(t, "bob@example.org"))
		if r.Result != send.ResultSent || r.Attempts != 1 {
			t.Errorf("message %d: %+v", i+1, r)
		}
	}
	if conns.Load() != 3 {
		t.Errorf("%d connections for 3 messages", conns.Load())
	}
}

// Ctrl-C in the middle of a batch, then a resume of the rows not done:
// every message reaches the server at most once, and every row the first
// run finished is not sent again.
func TestBatchInterruptAndResume(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	jobs := batchMsgs(t, 80)
	c, cancel := context.WithCancel(ctx(t))
	var first []send.Record
	send.RunBatch(c, plainCfg(srv), send.BatchOptions{Concurrency: 4}, feed(jobs), func(r send.Record) {
		first = append(first, r)
		if len(first) == 25 {
			cancel()
		}
	})
	if len(first) < 25 || len(first) > 29 {
		t.Fatalf("%d records after cancelling at 25 with 4 connections", len(first))
	}
	done := map[int]bool{}
	for _, r := range first {
		if r.Done() {
			done[r.Row] = true
		} else if r.Result != send.ResultFailed || r.Failure != send.FailureInterrupted || !strings.Contains(r.Error, "interrupted") {
			t.Errorf("an in-flight message ended as %+v", r)
		}
	}
	var rest []send.Job
	for _, j := range jobs {
		if !done[j.Row] {
			rest = append(rest, j)
		}
	}
	var second []send.Record
	send.RunBatch(ctx(t), plainCfg(srv), send.BatchOptions{Concurrency: 4}, feed(rest), func(r send.Record) { second = append(second, r) })
	if len(second) != len(rest) {
		t.Fatalf("resume: %d records for %d rows", len(second), len(rest))
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To[0]]++
	}
	for i := 1; i <= 80; i++ {
		to := fmt.Sprintf("user%d@example.org", i)
		if seen[to] > 1 {
			t.Errorf("%s got the message %d times", to, seen[to])
		}
	}
	if len(seen) < 80-4 {
		t.Errorf("only %d of 80 rows delivered", len(seen))
	}
}

func TestBatchBuildError(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	jobs := []send.Job{{Row: 1, Err: errors.New("row 1: template: no field")}, {Row: 2, Msg: msg(t, "b@example.org")}}
	var recs []send.Record
	send.RunBatch(ctx(t), plainCfg(srv), send.BatchOptions{}, feed(jobs), func(r send.Record) { recs = append(recs, r) })
	if len(recs) != 2 || recs[0].Result != send.ResultFailed || recs[0].Row != 1 || recs[1].Result != send.ResultSent {
		t.Errorf("%+v", recs)
	}
}

// The in-flight mark comes before the data; when it cannot be written
// the message is not sent at all.
func TestBatchInFlight(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	var marks []int
	var recs []send.Record
	taken := 0 // marks written, so messages the server should have
	opt := send.BatchOptions{InFlight: func(r send.Record) error {
		if r.Result != send.ResultInFlight {
			t.Errorf("in-flight record %+v", r)
		}
		// The server has not got the message yet.
		if srv.Count() != taken {
			t.Errorf("mark %d after %d messages, want %d", r.Row, srv.Count(), taken)
		}
		marks = append(marks, r.Row)
		if r.Row == 2 {
			return errors.New("disk full")
		}
		taken++
		return nil
	}}
	send.RunBatch(ctx(t), plainCfg(srv), opt, feed(batchMsgs(t, 3)), func(r send.Record) { recs = append(recs, r) })
	if len(marks) != 3 || len(recs) != 3 {
		t.Fatalf("marks %v, records %d", marks, len(recs))
	}
	for _, r := range recs {
		if r.Row == 2 && (r.Result != send.ResultFailed || !strings.Contains(r.Error, "in-flight record could not be written")) ||
			r.Row != 2 && r.Result != send.ResultSent {
			t.Errorf("row %d: %+v", r.Row, r)
		}
	}
	if srv.Count() != 2 {
		t.Errorf("%d messages, want 2", srv.Count())
	}
}
