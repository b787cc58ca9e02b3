package smtpwire

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

func TestLooksLikeTLS(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want bool
	}{
		{[]byte{0x16, 0x03, 0x03, 0x00, 0x7a}, true}, // a ServerHello record
		{[]byte{0x15, 0x03, 0x01, 0x00, 0x02}, true}, // an alert
		{[]byte("220 mx ESMTP"), false},
		{[]byte{0x16}, false},
		{[]byte{0x16, 0x02}, false},
		{nil, false},
	} {
		if got := LooksLikeTLS(c.b); got != c.want {
			t.Errorf("% x: %v", c.b, got)
		}
	}
}

func listen(t *testing.T, handle func(net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); handle(c) }()
		}
	}()
	return ln.Addr().String()
}

func TestAnswersTLS(t *testing.T) {
	ca := tlstest.NewCA(t, "smtpwire test CA")
	conf := ca.ServerConfig(t, "localhost")
	tlsPort := listen(t, func(c net.Conn) {
		tc := tls.Server(c, conf)
		tc.SetDeadline(time.Now().Add(5 * time.Second))
		tc.Handshake()
	})
	silent := listen(t, func(c net.Conn) { time.Sleep(2 * time.Second) })
	plain := listen(t, func(c net.Conn) { c.Write([]byte("220 plain ESMTP\r\n")); time.Sleep(time.Second) })
	ctx := context.Background()
	if !AnswersTLS(ctx, nil, tlsPort, "localhost", 2*time.Second) {
		t.Error("a TLS server not recognised")
	}
	if AnswersTLS(ctx, nil, silent, "localhost", 200*time.Millisecond) {
		t.Error("a silent server taken for TLS")
	}
	if AnswersTLS(ctx, nil, plain, "localhost", time.Second) {
		t.Error("a plain SMTP server taken for TLS")
	}
}
