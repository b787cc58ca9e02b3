package spamd

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// spamdPiece is the first backquoted piece of an example.
func spamdPiece(t *testing.T, example string) string {
	t.Helper()
	pieces := codetest.Backquoted(example)
	if len(pieces) == 0 {
		t.Fatalf("example %q has no backquoted reply or row", example)
	}
	return pieces[0]
}

// spamdExamples play each code's Example: a spamd on loopback that
// answers as the example says, or the message it describes.
var spamdExamples = map[string]func(t *testing.T, example string) checks.Result{
	CodeSpam:  verdictExample,
	CodeScore: verdictExample,
	CodeRule: func(t *testing.T, example string) checks.Result {
		// The row as spamd lays it out, under the table's header.
		f := strings.Fields(spamdPiece(t, example))
		if len(f) < 3 {
			t.Fatalf("row %q is not points, name and description", spamdPiece(t, example))
		}
		body := "Content analysis details:   (2.7 points, 5.0 required)\n\n" +
			" pts rule name              description\n" +
			"---- ---------------------- --------------------------------------------------\n" +
			fmt.Sprintf("%4s %-22s %s\n", f[0], f[1], strings.Join(f[2:], " "))
		srv := startFake(t, answer(report("False ; 2.7 / 5.0", body)))
		res := Check(context.Background(), &Client{Addr: srv.addr}, testMsg)
		want := f[1] + ": " + f[0] + " points: " + strings.Join(f[2:], " ")
		if !slices.ContainsFunc(res.Findings, func(x checks.Finding) bool { return x.Message == want }) {
			t.Errorf("no rule finding %q among %q", want, codes(res))
		}
		return res
	},
	CodeNotScanned: func(t *testing.T, example string) checks.Result {
		m := regexp.MustCompile(`(\d+) MB .*over spamc's (\d+) KB`).FindStringSubmatch(example)
		if m == nil {
			t.Fatalf("example %q names no message size and limit", example)
		}
		mb, _ := strconv.Atoi(m[1])
		if kb, _ := strconv.Atoi(m[2]); kb*1024 != DefaultMaxSize {
			t.Fatalf("the example's limit %s KB is not DefaultMaxSize (%d bytes)", m[2], DefaultMaxSize)
		}
		srv := startFake(t, hold)
		msg := append(bytes.Clone(testMsg), bytes.Repeat([]byte("x"), mb<<20)...)
		// A message under the limit would be sent and never answered: a
		// short timeout makes that a quick failure.
		res := Check(context.Background(), &Client{Addr: srv.addr, Timeout: time.Second}, msg)
		if n := srv.conns.Load(); n != 0 {
			t.Errorf("the client connected %d times for a message over the limit", n)
		}
		return res
	},
}

// verdictExample is a spamd whose REPORT answer carries the example's
// Spam header.
func verdictExample(t *testing.T, example string) checks.Result {
	header, ok := strings.CutPrefix(spamdPiece(t, example), "Spam: ")
	if !ok {
		t.Fatalf("example %q: the piece is not a Spam header", example)
	}
	srv := startFake(t, answer(report(header, "")))
	return Check(context.Background(), &Client{Addr: srv.addr}, testMsg)
}

// spamdSituations are the codes whose Example the test cannot build,
// each with why. None today.
var spamdSituations = map[string]string{}

// Every code's Example, played by a spamd on loopback, yields that code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), spamdSituations, func(t *testing.T, cd checks.CodeDoc) {
		build, ok := spamdExamples[cd.Code]
		if !ok {
			t.Fatalf("%s: example %q is neither built nor listed as a situation", cd.Code, cd.Example)
		}
		res := build(t, cd.Example)
		if !slices.ContainsFunc(res.Findings, func(f checks.Finding) bool { return f.Code == cd.Code }) {
			t.Errorf("example %q: no %s among %q", cd.Example, cd.Code, codes(res))
		}
	})
	for code := range spamdExamples {
		if _, listed := spamdSituations[code]; listed {
			t.Errorf("%s is both built and listed as a situation", code)
		}
	}
}
