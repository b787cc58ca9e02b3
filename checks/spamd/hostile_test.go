package spamd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

var testMsg = []byte("From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nHello.\r\n")

// flood writes prefix, then line over and over until the client goes.
func flood(prefix, line string) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		if _, _, err := readRequest(c); err != nil {
			return
		}
		io.WriteString(c, prefix)
		b := []byte(strings.Repeat(line, 1024))
		for {
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	}
}

// Each misbehaving server ends the request within the timeout with an
// error of the right kind that says what went wrong, and memory stays
// bounded (the floods would otherwise grow without end).
func TestHostileServers(t *testing.T) {
	const timeout = 300 * time.Millisecond
	cases := []struct {
		name   string
		handle func(net.Conn)
		kind   error
		says   string
	}{
		{"garbage", answer("HELLO THERE\r\n"), ErrProtocol, `not a spamd reply: "HELLO THERE"`},
		{"binary garbage", answer("\x00\x01\x02\xff\xfe\r\n"), ErrProtocol, "not a spamd reply"},
		{"HTTP server", answer("HTTP/1.1 400 Bad Request\r\n\r\n"), ErrProtocol, `not a spamd reply: "HTTP/1.1 400 Bad Request"`},
		{"never answers", hold, ErrTimeout, " did not answer within 300ms"},
		{"answers half a status line", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "SPAMD/1.1 0 EX")
			hold(c)
		}, ErrTimeout, "did not answer within"},
		{"closes at once", func(c net.Conn) { c.Close() }, ErrProtocol, ""},
		{"closes without a reply", answer(), ErrProtocol, "spamd closed the connection without sending a status line"},
		{"closes mid-line", answer("SPAMD/1.1 0 EX_OK"), ErrProtocol, "ends without a line break"},
		{"endless status line", flood("", "SPAMD"), ErrProtocol, "a status line is longer than 4096 bytes"},
		{"endless header", flood("SPAMD/1.1 0 EX_OK\r\nX-Junk: ", "a"), ErrProtocol, "a header line is longer than 4096 bytes"},
		{"endless headers", flood("SPAMD/1.1 0 EX_OK\r\n", "X-Junk: a\r\n"), ErrProtocol, "more than 32 header lines"},
		{"endless report", flood("SPAMD/1.1 0 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n", "1.0 RULE  text\n"), ErrProtocol, "report is longer than the 262144 bytes"},
		{"huge report announced", answer("SPAMD/1.1 0 EX_OK\r\nContent-length: 100000000\r\nSpam: True ; 6.0 / 5.0\r\n\r\nabc"), ErrProtocol, "announced a report of 100000000 bytes"},
		{"report cut short", answer("SPAMD/1.1 0 EX_OK\r\nContent-length: 500\r\nSpam: True ; 6.0 / 5.0\r\n\r\n" + strings.Repeat("x", 100)), ErrProtocol, "ended after 100 of the 500 bytes"},
		{"report stalls", func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "SPAMD/1.1 0 EX_OK\r\nContent-length: 500\r\nSpam: True ; 6.0 / 5.0\r\n\r\nabc")
			hold(c)
		}, ErrTimeout, "did not answer within"},
		{"protocol 2", answer("SPAMD/2.0 0 EX_OK\r\nSpam: True ; 6.0 / 5.0\r\n\r\n"), ErrProtocol, "unsupported protocol version SPAMD/2.0"},
		{"no version", answer("SPAMD/ 0 EX_OK\r\n"), ErrProtocol, "unsupported protocol version"},
		{"bad status code", answer("SPAMD/1.1 OK EX_OK\r\n"), ErrProtocol, "bad status code"},
		{"bad header line", answer("SPAMD/1.1 0 EX_OK\r\nno colon here\r\n\r\n"), ErrProtocol, `bad header line in spamd's reply: "no colon here"`},
		{"bad content-length", answer("SPAMD/1.1 0 EX_OK\r\nContent-length: -5\r\n\r\n"), ErrProtocol, `bad Content-length in spamd's reply: "-5"`},
		{"no Spam header", answer("SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\n\r\n"), ErrProtocol, "no Spam header"},
		{"bad Spam header", answer("SPAMD/1.1 0 EX_OK\r\nSpam: Maybe ; 6 / 5\r\n\r\n"), ErrProtocol, `bad Spam header in spamd's reply: "Maybe ; 6 / 5"`},
		{"Spam score not a number", answer("SPAMD/1.1 0 EX_OK\r\nSpam: True ; NaN / 5\r\n\r\n"), ErrProtocol, "bad Spam header"},
		{"Spam score overflows", answer("SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1" + strings.Repeat("0", 400) + " / 5\r\n\r\n"), ErrProtocol, "bad Spam header"},
		{"EX_PROTOCOL", answer("SPAMD/1.0 76 Bad header line: (Content-Length mismatch: Expected 10 bytes, got 26 bytes)\r\n"),
			ErrServer, "spamd answered 76 (EX_PROTOCOL): Bad header line: (Content-Length mismatch: Expected 10 bytes, got 26 bytes)"},
		{"EX_TEMPFAIL", answer("SPAMD/1.1 75 EX_TEMPFAIL\r\n"), ErrServer, "spamd answered 75 (EX_TEMPFAIL): EX_TEMPFAIL"},
		{"unknown code", answer("SPAMD/1.1 12\r\n"), ErrServer, "spamd answered 12"},
		{"control characters in an error", answer("SPAMD/1.1 64 bad \x1b[31mred\x07\r\n"), ErrServer, "spamd answered 64 (EX_USAGE): bad ?[31mred?"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, tc.handle)
			c := &Client{Addr: f.addr, Timeout: timeout}
			start := time.Now()
			r, err := c.Report(context.Background(), testMsg)
			elapsed := time.Since(start)
			if err == nil {
				t.Fatalf("no error; report %+v", r)
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %q (%T) is not %v", err, err, tc.kind)
			}
			msg := checks.Message(err)
			if !strings.Contains(msg, tc.says) {
				t.Errorf("message %q does not say %q", msg, tc.says)
			}
			if strings.HasPrefix(msg, "spamd: ") || !strings.HasPrefix(err.Error(), "spamd: ") {
				t.Errorf("Message %q / Error %q: the package prefix belongs in Error only", msg, err.Error())
			}
			if elapsed > timeout+2*time.Second {
				t.Errorf("took %v with a %v timeout", elapsed, timeout)
			}
		})
	}
}

// A *ServerError keeps spamd's code and text as data.
func TestServerErrorParts(t *testing.T) {
	f := startFake(t, answer("SPAMD/1.0 76 Bad header line: (header not in 'Name: value' format)\r\n"))
	_, err := (&Client{Addr: f.addr}).Report(context.Background(), testMsg)
	var se *ServerError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want a *ServerError", err, err)
	}
	if se.Code != 76 || se.Text != "Bad header line: (header not in 'Name: value' format)" {
		t.Errorf("parts %+v", *se)
	}
	if errors.Is(err, ErrProtocol) || errors.Is(err, ErrTimeout) {
		t.Errorf("%v is of another kind too", err)
	}
}

// spamd may refuse a request and close before it has read the message;
// the client still reports spamd's reason rather than a broken pipe.
func TestRefusedWhileSending(t *testing.T) {
	f := startFake(t, func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 64)
		c.Read(buf)
		io.WriteString(c, "SPAMD/1.0 76 Bad header line: go away\r\n")
	})
	c := &Client{Addr: f.addr, MaxSize: 8 << 20, Timeout: 5 * time.Second}
	msg := bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16)
	for i := 0; i < 5; i++ {
		_, err := c.Report(context.Background(), msg)
		var se *ServerError
		if !errors.As(err, &se) || se.Code != 76 {
			t.Fatalf("try %d: error %v (%T), want spamd's 76", i, err, err)
		}
	}
}

// A server that never reads the message holds the client's writes; the
// timeout ends them.
func TestServerNeverReads(t *testing.T) {
	done := make(chan struct{})
	f := startFake(t, func(c net.Conn) { <-done })
	t.Cleanup(func() { close(done) }) // before the server's own cleanup
	c := &Client{Addr: f.addr, MaxSize: 32 << 20, Timeout: 300 * time.Millisecond}
	start := time.Now()
	_, err := c.Report(context.Background(), bytes.Repeat([]byte("x"), 32<<20))
	if !errors.Is(err, ErrTimeout) || !strings.HasSuffix(checks.Message(err), " did not take the message within 300ms") {
		t.Fatalf("error %v, want a timeout while sending", err)
	}
	if time.Since(start) > 2500*time.Millisecond {
		t.Errorf("took %v", time.Since(start))
	}
}

// Cancelling the context ends a request at once, whatever the timeout;
// the error is the context's.
func TestContext(t *testing.T) {
	f := startFake(t, hold)
	c := &Client{Addr: f.addr, Timeout: time.Minute}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Report(ctx, testMsg)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("cancelled: error %v", err)
	}
	if !strings.Contains(checks.Message(err), "was interrupted") {
		t.Errorf("message %q", checks.Message(err))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}

	ctx, cancel2 := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel2()
	start = time.Now()
	err = c.Ping(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: error %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("deadline took %v", d)
	}

	// Already cancelled: no connection at all.
	ctx, cancel3 := context.WithCancel(context.Background())
	cancel3()
	before := f.conns.Load()
	if err := c.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("pre-cancelled: error %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := f.conns.Load() - before; n != 0 {
		t.Errorf("%d connection(s) with a cancelled context", n)
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = (&Client{Addr: addr}).Report(context.Background(), testMsg)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("error %v", err)
	}
	if want := "cannot connect to spamd at " + addr + ": connection refused"; checks.Message(err) != want {
		t.Errorf("message %q, want %q", checks.Message(err), want)
	}

	// A connection that never completes ends at DialTimeout.
	stall := func(ctx context.Context, network, addr string) (net.Conn, error) {
		<-ctx.Done()
		return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	}
	start := time.Now()
	err = (&Client{Addr: "192.0.2.1:783", DialTimeout: 200 * time.Millisecond, Dial: stall}).Ping(context.Background())
	if !errors.Is(err, ErrUnreachable) || !strings.HasSuffix(checks.Message(err), ": timed out") {
		t.Fatalf("error %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

// Bad settings and oversized messages fail before any connection.
func TestNoConnection(t *testing.T) {
	f := startFake(t, answer(report("True ; 6.0 / 5.0", "")))
	for _, tc := range []struct {
		name string
		c    Client
		msg  []byte
		kind error
		says string
	}{
		{"user with a line break", Client{Addr: f.addr, User: "bob\r\nX-Evil: 1"}, testMsg, ErrBadInput, `invalid spamd user "bob??X-Evil: 1"`},
		{"user with a space", Client{Addr: f.addr, User: "bob smith"}, testMsg, ErrBadInput, "invalid spamd user"},
		{"user too long", Client{Addr: f.addr, User: strings.Repeat("u", 129)}, testMsg, ErrBadInput, "invalid spamd user"},
		{"no address", Client{}, testMsg, ErrBadInput, "no spamd address"},
		{"over the default size", Client{Addr: f.addr}, bytes.Repeat([]byte("x"), DefaultMaxSize+1), ErrTooLarge,
			"the message is 512001 bytes, over the 512000-byte limit (spamc's default --max-size); it was not sent to spamd"},
		{"over a smaller size", Client{Addr: f.addr, MaxSize: 10}, testMsg, ErrTooLarge, "over the 10-byte limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.Report(context.Background(), tc.msg)
			if !errors.Is(err, tc.kind) || !strings.Contains(checks.Message(err), tc.says) {
				t.Fatalf("error %v, want %v saying %q", err, tc.kind, tc.says)
			}
		})
	}
	var tl *TooLargeError
	_, err := (&Client{Addr: f.addr, MaxSize: 10}).Report(context.Background(), testMsg)
	if !errors.As(err, &tl) || tl.Size != len(testMsg) || tl.Max != 10 {
		t.Errorf("TooLargeError %+v", tl)
	}
	if (&Client{MaxSize: 1 << 40}).maxSize() != HardMaxSize {
		t.Error("MaxSize is not capped at HardMaxSize")
	}
	time.Sleep(50 * time.Millisecond)
	if n := f.conns.Load(); n != 0 {
		t.Errorf("%d connection(s)", n)
	}
}

// netCause words net's errors for a person and keeps them for errors.Is.
func TestNetCause(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{refused, "connection refused"},
		{&net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}, "connection reset by the server"},
		{io.ErrUnexpectedEOF, "connection closed by the server"},
		{os.ErrDeadlineExceeded, "timed out"},
		{&net.DNSError{Name: "spamd.invalid", Err: "no such host", IsNotFound: true}, "no such host spamd.invalid"},
		{&net.DNSError{Name: "spamd.example", Err: "server misbehaving", IsTemporary: true}, "cannot resolve spamd.example"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}, "connect: no route to host"},
		{errors.New("something else"), "something else"},
	} {
		got := netCause(tc.err)
		if got.Error() != tc.want || !errors.Is(got, tc.err) {
			t.Errorf("%v: %q, want %q", tc.err, got, tc.want)
		}
	}
	if !errors.Is(netCause(refused), syscall.ECONNREFUSED) {
		t.Error("the syscall error is lost")
	}
}

func TestErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&ServerError{Code: 76, Text: "Bad header line"}, "spamd: spamd answered 76 (EX_PROTOCOL): Bad header line"},
		{&ServerError{Code: 99}, "spamd: spamd answered 99"},
		{&TooLargeError{Size: 3, Max: 2}, "spamd: the message is 3 bytes, over the 2-byte limit (spamc's default --max-size); it was not sent to spamd"},
	} {
		if tc.err.Error() != tc.want {
			t.Errorf("%q, want %q", tc.err.Error(), tc.want)
		}
	}
	if got := printable(strings.Repeat("é", 10), 4); got != "éééé…" {
		t.Errorf("printable cut: %q", got)
	}
}
