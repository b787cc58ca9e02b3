package dnssec_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/dnssec"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// A validating resolver (here a loopback test server told to set AD for
// everything but example.org) and a domain whose backup MX lives in an
// unsigned zone.
func Example() {
	z, _ := dnsx.ParseZone(strings.NewReader(`$ORIGIN .
. 300 DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3
example.com 300 MX 10 mx1.example.net.
example.com 300 MX 20 backup.example.org.
mx1.example.net 300 A 192.0.2.1
backup.example.org 300 A 192.0.2.2
`), ".", "example.zone")
	srv, _ := dnstest.Listen(z)
	defer srv.Close()
	srv.SetAD(".", true)
	srv.SetAD("example.org", false)

	res := dnssec.Check(context.Background(), srv.Client(2*time.Second), "example.com", dnssec.Options{})
	fmt.Println(res.Status, res.Summary)
	for _, f := range res.Findings {
		fmt.Println(f.Code)
	}
	// Output:
	// ok example.com signed (validated); MX hosts signed: 1 of 2
	// dnssec.mx-unsigned
}
