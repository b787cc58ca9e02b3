package mailin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

func scanAll(t *testing.T, inputs []string, stdin []byte) []Input {
	t.Helper()
	var out []Input
	err := Scan(context.Background(), inputs, bytes.NewReader(stdin), func(in Input) error {
		out = append(out, in)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The bounce fixtures are messages of every kind; the scanner only
// cares about how they are kept.
var testdata = filepath.Join("..", "..", "testdata", "bounce")

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestScanMbox(t *testing.T) {
	path := filepath.Join(testdata, "bounces.mbox")
	got := scanAll(t, []string{path}, nil)
	if len(got) != 3 {
		t.Fatalf("%d messages, want 3", len(got))
	}
	for i, in := range got {
		if want := fmt.Sprintf("%s#%d", path, i+1); in.Source != want {
			t.Errorf("source %q, want %q", in.Source, want)
		}
		if bytes.HasPrefix(in.Data, []byte("From ")) {
			t.Errorf("%s keeps its From_ line", in.Source)
		}
	}
	body := string(got[1].Data)
	if !strings.Contains(body, "\nFrom now on, lunch") || !strings.Contains(body, "\n>From the archive") {
		t.Errorf("quoted From lines not unescaped one level:\n%s", body)
	}
	if strings.HasSuffix(body, "\n\n") {
		t.Error("the blank line before the next From_ line stays with the message")
	}
	if !bytes.HasPrefix(got[0].Data, []byte("Return-Path: <>\n")) || !bytes.Contains(got[0].Data, []byte("couldn't find any host named no-such-domain.example")) {
		t.Errorf("first message:\n%s", got[0].Data)
	}
}

// Apart from the mbox framing, the bytes of each message are the bytes
// of the file: what a DKIM verifier needs.
func TestScanKeepsBytes(t *testing.T) {
	lf := fixture(t, "postfix-userunknown.eml")
	crlf := fixture(t, "iso2022jp-crlf.eml")
	if !bytes.Contains(crlf, []byte("\r\n")) {
		t.Fatal("iso2022jp-crlf.eml has no CRLF")
	}
	dir := t.TempDir()
	mixed := append(bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n")), "trailing\rbare CR\n>From not an mbox\n"...)
	for name, want := range map[string][]byte{"lf.eml": lf, "crlf.eml": crlf, "mixed.eml": mixed} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, want, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, got := range [][]Input{scanAll(t, []string{p}, nil), scanAll(t, []string{Stdin}, want)} {
			if len(got) != 1 || !bytes.Equal(got[0].Data, want) {
				t.Errorf("%s: the message's bytes changed on the way", name)
			}
		}
	}
	// In a CRLF mbox, the messages keep their CRLFs; only the From_
	// line, the blank line before the next one and one ">" of a quoted
	// From line go.
	msg := bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))
	quoted := []byte("Subject: q\r\n\r\n>From here\r\n>>From there\r\n")
	var mbox bytes.Buffer
	for _, m := range [][]byte{msg, quoted} {
		mbox.WriteString("From a@b.example Mon Jan  6 10:00:00 2025\r\n")
		mbox.Write(m)
		mbox.WriteString("\r\n")
	}
	got := scanAll(t, []string{Stdin}, mbox.Bytes())
	if len(got) != 2 || !bytes.Equal(got[0].Data, msg) {
		t.Fatalf("CRLF mbox: %d messages, first changed: %v", len(got), len(got) > 0 && !bytes.Equal(got[0].Data, msg))
	}
	if want := "Subject: q\r\n\r\nFrom here\r\n>From there\r\n"; string(got[1].Data) != want {
		t.Errorf("quoted From lines: %q, want %q", got[1].Data, want)
	}
}

func TestScanMaildirAndFolders(t *testing.T) {
	dir := filepath.Join(testdata, "maildir")
	got := scanAll(t, []string{dir}, nil)
	var names []string
	for _, in := range got {
		names = append(names, strings.TrimPrefix(in.Source, dir+string(filepath.Separator)))
		if in.Err != nil {
			t.Errorf("%s: %v", in.Source, in.Err)
		}
	}
	want := []string{filepath.Join("cur", "1737000000.M1P1.host:2,S"), filepath.Join("new", "1737000001.M2P2.host")}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("walked %q, want %q (tmp/ and server files left out)", names, want)
	}
}

func TestScanStdin(t *testing.T) {
	eml := fixture(t, "qmail-hostunknown.eml")
	got := scanAll(t, []string{Stdin}, eml)
	if len(got) != 1 || got[0].Source != "-" || !bytes.Equal(got[0].Data, eml) {
		t.Fatalf("stdin: %+v", got)
	}
	mbox := fixture(t, "bounces.mbox")
	got = scanAll(t, []string{Stdin}, mbox)
	if len(got) != 3 || got[2].Source != "-#3" {
		t.Fatalf("stdin mbox: %d messages, last %q", len(got), got[len(got)-1].Source)
	}
	lf := got
	// CRLF and CR-only mbox files split the same way.
	got = scanAll(t, []string{Stdin}, bytes.ReplaceAll(mbox, []byte("\n"), []byte("\r\n")))
	if len(got) != 3 {
		t.Fatalf("CRLF mbox: %d messages, want 3", len(got))
	}
	got = scanAll(t, []string{Stdin}, bytes.ReplaceAll(mbox, []byte("\n"), []byte("\r")))
	if len(got) != 3 {
		t.Fatalf("CR mbox: %d messages, want 3", len(got))
	}
	// A CR-only mbox is read as LF: the same messages as the LF one.
	for i := range got {
		if !bytes.Equal(got[i].Data, lf[i].Data) {
			t.Errorf("CR mbox, message %d differs from the LF mbox's", i+1)
		}
	}
	if got := scanAll(t, []string{Stdin}, nil); len(got) != 1 || len(got[0].Data) != 0 || got[0].Err != nil {
		t.Errorf("empty stdin: %+v", got)
	}
}

func TestScanUnreadable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.eml")
	got := scanAll(t, []string{missing, filepath.Join(testdata, "autoreply.eml")}, nil)
	if len(got) != 2 {
		t.Fatalf("%d inputs, want 2 (the rest goes on)", len(got))
	}
	if !errors.Is(got[0].Err, ErrUnreadable) || !errors.Is(got[0].Err, fs.ErrNotExist) || got[0].Data != nil {
		t.Errorf("missing file: %+v", got[0])
	}
	// For logs the package prefix; for people the words alone, naming
	// the input once.
	if msg, want := checks.Message(got[0].Err), "cannot read input "+missing+": "; !strings.HasPrefix(msg, want) ||
		strings.Count(msg, missing) != 1 {
		t.Errorf("message %q, want it to start %q and name the file once", msg, want)
	}
	if !strings.HasPrefix(got[0].Err.Error(), "mailin: cannot read input ") {
		t.Errorf("Error() %q lacks the package prefix", got[0].Err)
	}
	if got[1].Err != nil {
		t.Errorf("readable file: %v", got[1].Err)
	}
}

// A message over MaxMessage is cut there, in a file and in an mbox.
func TestScanCap(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2×64 MiB")
	}
	big := bytes.Repeat([]byte("x"), MaxMessage+100)
	got := scanAll(t, []string{Stdin}, big)
	if len(got) != 1 || len(got[0].Data) != MaxMessage {
		t.Errorf("file: %d bytes, want %d", len(got[0].Data), MaxMessage)
	}
	line := append(bytes.Repeat([]byte("y"), 1<<20-1), '\n')
	var mbox bytes.Buffer
	mbox.WriteString("From a@b Mon Jan  6 10:00:00 2025\n")
	for mbox.Len() < MaxMessage+(2<<20) {
		mbox.Write(line)
	}
	mbox.WriteString("\nFrom c@d Mon Jan  6 10:00:00 2025\nSubject: next\n")
	got = scanAll(t, []string{Stdin}, mbox.Bytes())
	if len(got) != 2 || len(got[0].Data) > MaxMessage || string(got[1].Data) != "Subject: next\n" {
		t.Errorf("mbox: %d messages, first %d bytes", len(got), len(got[0].Data))
	}
}

func TestScanCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	err := Scan(ctx, []string{filepath.Join(testdata, "bounces.mbox")}, nil, func(Input) error { n++; return nil })
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("cancelled: %v after %d messages", err, n)
	}
	// emit's error stops the scan.
	stop := errors.New("enough")
	n = 0
	err = Scan(context.Background(), []string{filepath.Join(testdata, "bounces.mbox")}, nil, func(Input) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("emit error: %v after %d messages", err, n)
	}
}

// Release recycles a buffer for the next message, and the messages read
// afterwards are whole.
func TestRelease(t *testing.T) {
	path := filepath.Join(testdata, "bounces.mbox")
	want := scanAll(t, []string{path}, nil)
	var got []string
	err := Scan(context.Background(), []string{path, path}, nil, func(in Input) error {
		got = append(got, string(in.Data))
		Release(in.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("%d messages, want 6", len(got))
	}
	for i, g := range got {
		if g != string(want[i%3].Data) {
			t.Errorf("message %d changed after Release", i+1)
		}
	}
}

// An mbox coming down a pipe is split as it comes: a message is emitted
// once the next From_ line is in, without waiting for more input (the
// line-ending sniffing included).
func TestScanStreams(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		pr, pw := io.Pipe()
		got := make(chan Input, 4)
		done := make(chan error, 1)
		go func() {
			done <- Scan(context.Background(), []string{Stdin}, pr, func(in Input) error { got <- in; return nil })
		}()
		first := strings.ReplaceAll("From a@b.example Mon Jan  6 10:00:00 2025\nSubject: one\n\nbody\n\nFrom c@d.example Mon Jan  6 10:00:00 2025\n", "\n", eol)
		if eol == "\r" {
			// CR-only is known only after the first 4 KiB without an LF.
			first += strings.Repeat("x\r", 4096)
		}
		go pw.Write([]byte(first))
		select {
		case in := <-got:
			want := strings.ReplaceAll("Subject: one\n\nbody\n", "\n", eol)
			if eol == "\r" {
				want = "Subject: one\n\nbody\n" // read as LF
			}
			if string(in.Data) != want {
				t.Errorf("%q: first message %q, want %q", eol, in.Data, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q: the first message is not out while the pipe stays open", eol)
		}
		pw.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
