package tlstest

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// HTTPSServer starts an HTTPS server on a free 127.0.0.1 port with a
// certificate from ca for names, and stops it when the test ends. It
// returns the server and its port.
func (ca *CA) HTTPSServer(t testing.TB, h http.Handler, names ...string) (*httptest.Server, int) {
	t.Helper()
	return HTTPSServerWith(t, h, ca.Issue(t, names...))
}

// HTTPSServerWith is HTTPSServer with a certificate of the test's own
// making (expired, of another CA…).
func HTTPSServerWith(t testing.TB, h http.Handler, cert tls.Certificate) (*httptest.Server, int) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	// Handshakes that fail on purpose would fill the test log.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, srv.Listener.Addr().(*net.TCPAddr).Port
}

// ClosedPort returns a loopback port nothing listens on (it was just
// freed), for connection-refused tests.
func ClosedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("tlstest: %v", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
