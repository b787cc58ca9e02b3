package smtpprobe_test

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/relayctl/relayctl/checks/smtpprobe"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// Probe one server on loopback that offers no STARTTLS and accepts AUTH
// in clear text, and judge it.
func ExampleProbeAddr() {
	srv, err := smtptest.Listen(smtptest.Config{Users: map[string]string{"user": "secret"}, Mechs: []string{"PLAIN"}, InsecureAuth: true, Domain: "mx.example.com"})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	opt := smtpprobe.Options{EHLO: "probe.example.net", Timeout: 2 * time.Second}
	addr := netip.MustParseAddr("127.0.0.1")
	p := smtpprobe.ProbeAddr(context.Background(), nil, "mx.example.com", addr, srv.Port, opt)
	res := smtpprobe.Check(p, opt)

	fmt.Println(p.Banner.Code, p.Banner.Text())
	fmt.Println("STARTTLS offered:", p.EHLO.StartTLS, "- AUTH:", p.EHLO.Auth)
	fmt.Println("AUTH answered", p.AuthBeforeTLS.Reply.Code, "in clear")
	fmt.Println(res.Name == "smtp 127.0.0.1:"+strconv.Itoa(srv.Port), res.Status)
	for _, f := range res.Findings {
		fmt.Println(f.Severity, f.Code)
	}
	// Output:
	// 220 mx.example.com ESMTP Service Ready
	// STARTTLS offered: false - AUTH: [PLAIN]
	// AUTH answered 334 in clear
	// true fail
	// fail smtp.no-starttls
	// fail smtp.auth-before-tls
}
