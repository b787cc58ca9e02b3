package imapfetch

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	m, err := ParseURL("imaps://dmarc%40example.com@mail.example.com/Reports/DMARC")
	if err != nil {
		t.Fatal(err)
	}
	if m.TLS != "implicit" || m.User != "dmarc@example.com" || m.Addr() != "mail.example.com:993" || m.Mailbox != "Reports/DMARC" {
		t.Errorf("%+v", m)
	}
	m, err = ParseURL("imap://u@[::1]:42143")
	if err != nil || m.TLS != "starttls" || m.Addr() != "[::1]:42143" || m.Mailbox != "INBOX" {
		t.Errorf("%+v %v", m, err)
	}
	for in, want := range map[string]string{
		"imaps://u:secret@h/INBOX": "carries a password",
		"pop3://u@h/":              "want imaps://",
		"imaps://h/INBOX":          "names no user",
		"imaps://u@h:0/":           "invalid port",
		"imaps://u@:993/":          "names no host",
	} {
		_, err := ParseURL(in)
		if !errors.Is(err, ErrURL) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseURL(%q) = %v, want %q", in, err, want)
		}
	}
}

// A server that accepts and says nothing: the greeting wait ends at the
// timeout, and a cancelled ctx ends it sooner.
func TestSilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	mb := Mailbox{TLS: "starttls", User: "u", Host: "127.0.0.1", Port: port, Mailbox: "INBOX"}
	start := time.Now()
	_, err = Fetch(context.Background(), mb, Options{Password: "pw", Timeout: 300 * time.Millisecond}, func(Message) error { return nil })
	if !errors.Is(err, ErrConnect) || time.Since(start) > 5*time.Second {
		t.Errorf("silent server: %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	mb.TLS = "implicit"
	start = time.Now()
	_, err = Fetch(ctx, mb, Options{Password: "pw", Timeout: time.Minute}, func(Message) error { return nil })
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled: %v after %v", err, time.Since(start))
	}
}
