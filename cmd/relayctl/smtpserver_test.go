package main

import (
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

var (
	scriptCAOnce sync.Once
	scriptCA     *tlstest.CA
	scriptCAErr  error
)

// cmdSMTPServer starts an SMTP server on 127.0.0.1 for the rest of the
// script and sets NAME_ADDR (127.0.0.1:PORT) and NAME_PORT; the test CA
// that signed its certificate is written to ca.pem in $WORK:
//
//	smtpserver MX                          STARTTLS, certificate for localhost and 127.0.0.1
//	smtpserver SUB -require-tls -auth      530 to MAIL before STARTTLS; AUTH under TLS
//	smtpserver SMTPS -implicit             TLS from the first byte
//	smtpserver PLAIN -plain -open-relay    no TLS at all; relays for anyone
//	smtpserver EXPOSED -auth-before-tls    AUTH PLAIN offered and accepted in clear
//	smtpserver OLD -expired                an expired certificate
//	smtpserver SILENT -silent              accepts, never greets
//	smtpserver CLOSED -closed              nothing listens on the port
func cmdSMTPServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! smtpserver")
	}
	if len(args) < 1 {
		ts.Fatalf("usage: smtpserver NAME [-plain|-implicit|-require-tls|-auth|-auth-before-tls|-open-relay|-expired|-silent|-closed]...")
	}
	scriptCAOnce.Do(func() { scriptCA, scriptCAErr = tlstest.New("relayctl test CA") })
	ts.Check(scriptCAErr)
	ts.Check(os.WriteFile(ts.MkAbs("ca.pem"), scriptCA.PEM(), 0o644))

	name := args[0]
	cfg := smtptest.Config{LocalOnly: true} // a closed relay unless -open-relay
	var certOpt tlstest.LeafOptions
	plain, silent, closed := false, false, false
	for _, a := range args[1:] {
		switch a {
		case "-plain":
			plain = true
		case "-implicit":
			cfg.Implicit = true
		case "-require-tls":
			cfg.RequireTLS = true
		case "-auth":
			cfg.Users, cfg.Mechs = map[string]string{"user": "secret"}, []string{"PLAIN"}
		case "-auth-before-tls":
			cfg.Users, cfg.Mechs, cfg.InsecureAuth = map[string]string{"user": "secret"}, []string{"PLAIN"}, true
		case "-open-relay":
			cfg.LocalOnly = false
		case "-expired":
			certOpt.NotBefore = time.Now().AddDate(0, -3, 0)
			certOpt.NotAfter = time.Now().AddDate(0, 0, -2)
		case "-silent":
			silent = true
		case "-closed":
			closed = true
		default:
			ts.Fatalf("smtpserver: unknown option %s", a)
		}
	}
	var addr string
	var port int
	switch {
	case closed:
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		addr, port = ln.Addr().String(), ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	case silent:
		r, err := smtptest.StartRaw(func(c net.Conn) {
			buf := make([]byte, 512)
			for {
				if _, err := c.Read(buf); err != nil {
					return
				}
			}
		})
		ts.Check(err)
		ts.Defer(r.Close)
		addr, port = r.Addr, r.Port
	default:
		if !plain {
			cert, err := scriptCA.Make(certOpt)
			ts.Check(err)
			cfg.TLS = tlstest.TLSConfig(cert)
		}
		srv, err := smtptest.Listen(cfg)
		ts.Check(err)
		ts.Defer(func() { srv.Close() })
		addr, port = srv.Addr, srv.Port
	}
	ts.Setenv(name+"_ADDR", addr)
	ts.Setenv(name+"_PORT", strconv.Itoa(port))
}
