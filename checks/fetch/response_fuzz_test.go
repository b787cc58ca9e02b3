package fetch

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// rawHTTPS is a TLS server on loopback that answers every request with
// the bytes in reply, whatever they are, then closes the connection.
type rawHTTPS struct {
	port  int
	reply atomic.Pointer[[]byte]
}

func startRawHTTPS(tb testing.TB, cert tls.Certificate) *rawHTTPS {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	s := &rawHTTPS{port: ln.Addr().(*net.TCPAddr).Port}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				c.Write(*s.reply.Load())
			}()
		}
	}()
	return s
}

// FuzzResponse: whatever an HTTPS server sends back for the MTA-STS
// policy or the BIMI logo, Get returns in time with a Response whose
// body keeps to MaxBytes, or an *Error with its stage — never a panic,
// never a hang.
func FuzzResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 15\r\n\r\nversion: STSv1\n",
		"HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.example/\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\nContent-Type: image/svg+xml\r\n\r\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		"HTTP/1.0 100 Continue\r\n\r\n",
		"garbage",
		"",
	} {
		f.Add([]byte(s))
	}
	ca := tlstest.NewCA(f, "fetch fuzz CA")
	srv := startRawHTTPS(f, ca.Issue(f, "mta-sts.example.com"))
	z := dnstest.Zone(f, "", zone)
	// Answers come from the zone; the server is never asked.
	r, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Servers: []string{"127.0.0.1:1"}})
	if err != nil {
		f.Fatal(err)
	}
	const maxBytes = 1024
	stages := map[string]bool{StageURL: true, StageDNS: true, StageConnect: true, StageTLS: true, StageHTTP: true, StageBody: true}
	f.Fuzz(func(t *testing.T, reply []byte) {
		srv.reply.Store(&reply)
		start := time.Now()
		resp, err := Get(context.Background(), r, "https://mta-sts.example.com/.well-known/mta-sts.txt",
			Options{RootCAs: ca.Pool(), Port: srv.port, Timeout: 2 * time.Second, MaxBytes: maxBytes})
		if d := time.Since(start); d > 4*time.Second {
			t.Fatalf("Get took %v", d)
		}
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || !stages[fe.Stage] || fe.Message() == "" {
				t.Fatalf("error %#v is no fetch Error with a stage", err)
			}
			if strings.Contains(fe.Message(), "fetch: ") {
				t.Fatalf("message %q names the package", fe.Message())
			}
			return
		}
		if resp.StatusCode < 0 || resp.StatusCode > 999 { // net/http takes any three digits, 000 too
			t.Fatalf("status %d", resp.StatusCode)
		}
		if len(resp.Body) > maxBytes || resp.TooLarge != (resp.Size > maxBytes) || !resp.TooLarge && int(resp.Size) != len(resp.Body) {
			t.Fatalf("body %d bytes, size %d, too large %v", len(resp.Body), resp.Size, resp.TooLarge)
		}
	})
}
