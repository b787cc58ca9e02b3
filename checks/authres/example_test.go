package authres_test

import (
	"fmt"

	"github.com/relayctl/relayctl/checks/authres"
)

func ExampleParseAll() {
	entries := authres.ParseAll([]string{
		"mx.example.com; dkim=pass (2048-bit key; unprotected) header.d=example.net header.s=s1; dmarc=pass header.from=example.net",
		"forged.example.org; spf=pass smtp.mailfrom=example.net",
	}, []string{"mx.example.com"})
	for _, e := range entries {
		for _, r := range e.Header.Results {
			fmt.Println(e.Header.AuthServID, e.Header.Trusted, r.Method, r.Value)
		}
	}
	d := entries[0].Header.Results[0].DKIM
	fmt.Println(d.Domain, d.Selector)
	// Output:
	// mx.example.com true dkim pass
	// mx.example.com true dmarc pass
	// forged.example.org false spf pass
	// example.net s1
}

func ExampleParseARC() {
	a, err := authres.ParseARC("i=1; mx.example.com; spf=pass smtp.mailfrom=example.net")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Instance, a.AuthServID, a.Results[0].SPF.MailFrom)
	// Output:
	// 1 mx.example.com example.net
}
