package mx_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/mx"
)

func Example() {
	z, _ := dnsx.ParseZone(strings.NewReader(`$ORIGIN example.com.
@    3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    3600 IN MX 10 mx1
@    3600 IN MX 20 mail
mx1  3600 IN A 93.184.216.34
mail 3600 IN CNAME mx1
`), "", "example.com.zone")
	srv, err := dnstest.Listen(z)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	r := srv.Client(time.Second)

	res := mx.Check(context.Background(), r, "example.com", mx.Options{})
	fmt.Println(res.Status, "-", res.Summary)
	for _, f := range res.Findings {
		fmt.Println(f.Severity, f.Code)
	}
	// Output:
	// warn - 2 hosts: 10 mx1.example.com, 20 mail.example.com
	// warn mx.target-is-cname
}
