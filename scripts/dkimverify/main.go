// Command dkimverify checks the DKIM signatures of one message with
// go-msgauth, taking the key records from the command line instead of
// DNS. scripts/postfix-send-e2e.sh uses it on a message read back from
// Postfix's Maildir.
//
//	dkimverify MESSAGE SELECTOR._domainkey.DOMAIN='v=DKIM1; k=ed25519; p=…' …
//
// It prints one line per signature and exits 1 unless every signature
// verifies (and there is at least one).
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: dkimverify MESSAGE NAME=RECORD...")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer f.Close()
	records := map[string]string{}
	for _, a := range os.Args[2:] {
		name, rec, ok := strings.Cut(a, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "dkimverify: %q is not NAME=RECORD\n", a)
			os.Exit(2)
		}
		records[strings.ToLower(strings.TrimSuffix(name, "."))] = rec
	}
	vs, err := dkim.VerifyWithOptions(f, &dkim.VerifyOptions{LookupTXT: func(name string) ([]string, error) {
		if r, ok := records[strings.ToLower(strings.TrimSuffix(name, "."))]; ok {
			return []string{r}, nil
		}
		return nil, fmt.Errorf("no record for %s", name)
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dkimverify:", err)
		os.Exit(1)
	}
	if len(vs) == 0 {
		fmt.Println("no DKIM signature")
		os.Exit(1)
	}
	bad := false
	for _, v := range vs {
		if v.Err != nil {
			bad = true
			fmt.Printf("fail d=%s: %v\n", v.Domain, v.Err)
		} else {
			fmt.Printf("pass d=%s h=%s\n", v.Domain, strings.Join(v.HeaderKeys, ":"))
		}
	}
	if bad {
		os.Exit(1)
	}
}
