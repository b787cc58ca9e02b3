package spamd

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// realSpamd is the address of a running spamd to test against, from
// RELAYCTL_SPAMD (scripts/spamd-e2e.sh starts a private one on loopback
// and sets it); the test skips, saying so, without it.
func realSpamd(t *testing.T) *Client {
	t.Helper()
	addr := os.Getenv("RELAYCTL_SPAMD")
	if addr == "" {
		t.Skip("RELAYCTL_SPAMD is not set: no spamd to test against (scripts/spamd-e2e.sh starts one and sets it)")
	}
	a, err := ParseAddr(addr)
	if err != nil {
		t.Fatalf("RELAYCTL_SPAMD: %v", err)
	}
	return &Client{Addr: a, Timeout: 60 * time.Second}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func crlf(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }

// checkConsistent asserts what holds for any report a real spamd sends:
// a rule table whose points add up to the score (each is rounded to one
// decimal, so within 0.05 a rule), and every wrapped description line
// joined into its rule's description.
func checkConsistent(t *testing.T, r *Report) (continued int) {
	t.Helper()
	if !r.Table {
		t.Fatalf("no rule table in the report:\n%s", r.Text)
	}
	if !strings.HasPrefix(r.Protocol, "SPAMD/1.") {
		t.Errorf("protocol %q", r.Protocol)
	}
	sum := 0.0
	for _, rule := range r.Rules {
		if !validRuleName(rule.Name) || rule.Description == "" {
			t.Errorf("rule %+v", rule)
		}
		sum += rule.Points
	}
	if tol := 0.05*float64(len(r.Rules)+1) + 1e-9; math.Abs(sum-r.Score) > tol {
		t.Errorf("rule points add up to %.2f, score %.1f (tolerance %.2f):\n%s", sum, r.Score, tol, r.Text)
	}
	_, after, _ := strings.Cut(r.Text, "\n----")
	for _, l := range strings.Split(after, "\n")[1:] {
		if strings.TrimSpace(l) == "" {
			break
		}
		if !strings.HasPrefix(l, "     ") {
			continue
		}
		continued++
		found := false
		for _, rule := range r.Rules {
			found = found || strings.Contains(rule.Description, " "+strings.TrimSpace(l))
		}
		if !found {
			t.Errorf("continuation line %q is in no rule's description: %+v", l, r.Rules)
		}
	}
	return continued
}

func findRule(r *Report, name string) *Rule {
	for i := range r.Rules {
		if r.Rules[i].Name == name {
			return &r.Rules[i]
		}
	}
	return nil
}

// TestRealSpamd runs the client against a real spamd (network tests off):
// the GTUBE message scores over the threshold with the GTUBE rule among
// the hits, a plain message scores under it, and a spammy one hits rules
// whose descriptions wrap.
func TestRealSpamd(t *testing.T) {
	c := realSpamd(t)
	ctx := context.Background()

	t.Run("ping", func(t *testing.T) {
		if err := c.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("gtube", func(t *testing.T) {
		for _, form := range []struct {
			name string
			msg  []byte
		}{{"LF", readTestdata(t, "gtube.eml")}, {"CRLF", crlf(readTestdata(t, "gtube.eml"))}} {
			r, err := c.Report(ctx, form.msg)
			if err != nil {
				t.Fatalf("%s: %v", form.name, err)
			}
			t.Logf("%s: spam=%v score=%.1f threshold=%.1f rules=%+v", form.name, r.Spam, r.Score, r.Threshold, r.Rules)
			if !r.Spam || r.Score < r.Threshold || r.Threshold <= 0 {
				t.Errorf("%s: spam=%v score %.1f threshold %.1f, want spam over the threshold", form.name, r.Spam, r.Score, r.Threshold)
			}
			g := findRule(r, "GTUBE")
			if g == nil {
				t.Fatalf("%s: no GTUBE among %+v", form.name, r.Rules)
			}
			if g.Points < r.Threshold || !strings.Contains(g.Description, "Unsolicited Bulk Email") {
				t.Errorf("%s: GTUBE rule %+v", form.name, *g)
			}
			if r.Size != len(form.msg) || r.Server != c.Addr {
				t.Errorf("%s: size %d server %q", form.name, r.Size, r.Server)
			}
			checkConsistent(t, r)
		}
	})

	t.Run("clean", func(t *testing.T) {
		r, err := c.Report(ctx, readTestdata(t, "clean.eml"))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("spam=%v score=%.1f threshold=%.1f rules=%+v", r.Spam, r.Score, r.Threshold, r.Rules)
		if r.Spam || r.Score >= r.Threshold {
			t.Errorf("spam=%v score %.1f threshold %.1f, want not spam, under the threshold", r.Spam, r.Score, r.Threshold)
		}
		if findRule(r, "GTUBE") != nil {
			t.Errorf("GTUBE hit a clean message: %+v", r.Rules)
		}
		checkConsistent(t, r)
	})

	t.Run("wrapped descriptions", func(t *testing.T) {
		r, err := c.Report(ctx, readTestdata(t, "spammy.eml"))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("spam=%v score=%.1f threshold=%.1f", r.Spam, r.Score, r.Threshold)
		if !r.Spam || len(r.Rules) < 5 {
			t.Errorf("spam=%v with %d rules, want spam with several rules:\n%s", r.Spam, len(r.Rules), r.Text)
		}
		if n := checkConsistent(t, r); n == 0 {
			t.Errorf("no description wrapped over two lines; the report:\n%s", r.Text)
		}
	})

	t.Run("user header", func(t *testing.T) {
		cu := *c
		cu.User = "relayctl-e2e"
		r, err := cu.Report(ctx, readTestdata(t, "gtube.eml"))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Spam || findRule(r, "GTUBE") == nil {
			t.Errorf("with User: spam=%v rules %+v", r.Spam, r.Rules)
		}
	})

	t.Run("large message", func(t *testing.T) {
		// Over spamc's 500 KB: not sent by default; sent and scanned
		// whole when the limit is raised (the Content-length is right
		// for a body spamd reads in many chunks).
		msg := bigMessage(readTestdata(t, "gtube.eml"), DefaultMaxSize+1000)
		if _, err := c.Report(ctx, msg); !isTooLarge(err) {
			t.Fatalf("default limit: err %v, want a TooLargeError", err)
		}
		cl := *c
		cl.MaxSize = 2 * DefaultMaxSize
		r, err := cl.Report(ctx, msg)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Spam || findRule(r, "GTUBE") == nil || r.Size != len(msg) {
			t.Errorf("raised limit: spam=%v size %d rules %+v", r.Spam, r.Size, r.Rules)
		}
	})

	t.Run("check", func(t *testing.T) {
		res := Check(ctx, c, readTestdata(t, "gtube.eml"))
		if res.Status != checks.StatusFail || res.Error != "" {
			t.Fatalf("gtube: status %s error %q", res.Status, res.Error)
		}
		if !hasFinding(res, CodeSpam, "") || !hasFinding(res, CodeRule, "GTUBE: 1000.0 points: ") {
			t.Errorf("gtube findings %+v", res.Findings)
		}
		res = Check(ctx, c, readTestdata(t, "clean.eml"))
		if res.Status != checks.StatusOK || !hasFinding(res, CodeScore, "SpamAssassin scores the message") || hasFinding(res, CodeSpam, "") {
			t.Errorf("clean: status %s findings %+v", res.Status, res.Findings)
		}
	})
}

// bigMessage pads msg's body with plain text lines to about size bytes.
func bigMessage(msg []byte, size int) []byte {
	var b bytes.Buffer
	b.Write(msg)
	for b.Len() < size {
		b.WriteString("This line is filler so that the message grows past the size limit.\n")
	}
	return b.Bytes()
}

func hasFinding(res checks.Result, code, prefix string) bool {
	for _, f := range res.Findings {
		if f.Code == code && strings.HasPrefix(f.Message, prefix) {
			return true
		}
	}
	return false
}

func isTooLarge(err error) bool {
	var e *TooLargeError
	return errors.As(err, &e) && errors.Is(err, ErrTooLarge)
}
