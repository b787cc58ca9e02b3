package send_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

const benchMessages = 2000

// benchJobs builds n messages the way a batch row does: a subject and a
// body of their own, 1-2 KB each.
func benchJobs(tb testing.TB, n int) []send.Job {
	from, _ := send.ParseAddress("from", "News <news@example.net>")
	jobs := make([]send.Job, n)
	for i := range jobs {
		to, _ := send.ParseAddress("to", fmt.Sprintf("user%d@example.org", i+1))
		m, err := send.Build(send.Spec{From: from, To: []send.Address{to},
			Subject: fmt.Sprintf("Hello user %d", i+1),
			Text:    fmt.Sprintf("Dear user %d,\n\n%s\n", i+1, lorem), HasText: true})
		if err != nil {
			tb.Fatal(err)
		}
		jobs[i] = send.Job{Row: i + 1, Msg: m}
	}
	return jobs
}

var lorem = func() string {
	s := ""
	for i := 0; i < 15; i++ {
		s += "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\n"
	}
	return s
}()

// runBatch sends jobs over conns connections and returns msgs/s.
func runBatch(tb testing.TB, srv *smtptest.Server, jobs []send.Job, conns int) float64 {
	cfg := &send.Config{Server: srv.Addr, TLS: send.TLSNone, Timeout: 10 * time.Second, EHLO: "bench.example"}
	sent := 0
	start := time.Now()
	send.RunBatch(context.Background(), cfg, send.BatchOptions{Concurrency: conns}, feed(jobs), func(r send.Record) {
		if r.Result == send.ResultSent {
			sent++
		}
	})
	el := time.Since(start)
	if sent != len(jobs) {
		tb.Fatalf("%d of %d sent", sent, len(jobs))
	}
	return float64(sent) / el.Seconds()
}

// BenchmarkBatch sends a batch of 2,000 messages to the in-process
// server with 1 and 4 connections; msgs/s is the figure to compare.
func BenchmarkBatch(b *testing.B) {
	srv, err := smtptest.Listen(smtptest.Config{Discard: true})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	jobs := benchJobs(b, benchMessages)
	for _, conns := range []int{1, 4} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				start := time.Now()
				runBatch(b, srv, jobs, conns)
				total += time.Since(start)
			}
			b.ReportMetric(float64(benchMessages*b.N)/total.Seconds(), "msgs/s")
		})
	}
}

// TestSwaksComparison sends the same messages to the same in-process
// server with a loop of swaks (one process per message, as a script
// would) and with relayctl's batch engine, and logs the rates and their
// ratio. It runs only with RELAYCTL_SWAKS=1 (scripts/send-vs-swaks.sh)
// and needs swaks on PATH.
func TestSwaksComparison(t *testing.T) {
	if os.Getenv("RELAYCTL_SWAKS") != "1" {
		t.Skip("set RELAYCTL_SWAKS=1 (scripts/send-vs-swaks.sh)")
	}
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		t.Fatal("swaks is not installed: apt-get install swaks")
	}
	n := 200
	if s := os.Getenv("RELAYCTL_SWAKS_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	srv := smtptest.Start(t, smtptest.Config{Discard: true})
	jobs := benchJobs(t, benchMessages)
	dir := t.TempDir()
	start := time.Now()
	for i := 0; i < n; i++ {
		m := jobs[i].Msg
		file := filepath.Join(dir, "msg.eml")
		if err := os.WriteFile(file, m.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(swaks, "--server", srv.Host(), "--port", strconv.Itoa(srv.Port), "--ehlo", "bench.example",
			"--from", m.From, "--to", m.To[0], "--data", file, "--silent", "2").CombinedOutput()
		if err != nil {
			t.Fatalf("swaks: %v\n%s", err, out)
		}
	}
	swaksRate := float64(n) / time.Since(start).Seconds()
	if srv.Count() != n {
		t.Fatalf("the server got %d of %d swaks messages", srv.Count(), n)
	}
	// The relayctl binary in the same loop, one process per message, when
	// the script names it: what a script gets without --batch.
	binRate := 0.0
	if bin := os.Getenv("RELAYCTL_BIN"); bin != "" {
		before := srv.Count()
		start := time.Now()
		for i := 0; i < n; i++ {
			m := jobs[i].Msg
			file := filepath.Join(dir, "msg.eml")
			if err := os.WriteFile(file, m.Data, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, "send", "--server", srv.Addr, "--tls", "none", "--ehlo", "bench.example",
				"--from", m.From, "--to", m.To[0], "--data", "@"+file, "-o", "json").CombinedOutput()
			if err != nil {
				t.Fatalf("relayctl: %v\n%s", err, out)
			}
		}
		binRate = float64(n) / time.Since(start).Seconds()
		if srv.Count()-before != n {
			t.Fatalf("the server got %d of %d relayctl messages", srv.Count()-before, n)
		}
	}
	// The whole command with --batch: CSV rows, templates, NDJSON out.
	cliRate := 0.0
	if bin := os.Getenv("RELAYCTL_BIN"); bin != "" {
		csv := "to,n\n"
		for i := 1; i <= benchMessages; i++ {
			csv += fmt.Sprintf("user%d@example.org,%d\n", i, i)
		}
		file := filepath.Join(dir, "batch.csv")
		os.WriteFile(file, []byte(csv), 0o600)
		before := srv.Count()
		start := time.Now()
		out, err := exec.Command(bin, "send", "--server", srv.Addr, "--tls", "none", "--ehlo", "bench.example",
			"--from", "News <news@example.net>", "--batch", file, "--concurrency", "4",
			"--subject", "Hello user {{.n}}", "--body", "Dear user {{.n}},\n\n"+lorem).Output()
		if err != nil {
			t.Fatalf("relayctl --batch: %v", err)
		}
		cliRate = float64(benchMessages) / time.Since(start).Seconds()
		if srv.Count()-before != benchMessages || len(out) == 0 {
			t.Fatalf("relayctl --batch: the server got %d of %d", srv.Count()-before, benchMessages)
		}
	}
	r1 := runBatch(t, srv, jobs, 1)
	r4 := runBatch(t, srv, jobs, 4)
	t.Logf("swaks loop:          %4d messages, %8.1f msgs/s", n, swaksRate)
	if binRate > 0 {
		t.Logf("relayctl send loop:  %4d messages, %8.1f msgs/s  (%.1fx swaks)", n, binRate, binRate/swaksRate)
	}
	t.Logf("relayctl batch, 1 connection:  %d messages, %8.0f msgs/s  (%.0fx swaks)", benchMessages, r1, r1/swaksRate)
	t.Logf("relayctl batch, 4 connections: %d messages, %8.0f msgs/s  (%.0fx swaks)", benchMessages, r4, r4/swaksRate)
	if cliRate > 0 {
		t.Logf("relayctl send --batch --concurrency 4 (the binary): %d messages, %8.0f msgs/s  (%.0fx swaks)", benchMessages, cliRate, cliRate/swaksRate)
	}
	if r4/swaksRate < 100 {
		t.Logf("below the 100x aim")
	}
}
